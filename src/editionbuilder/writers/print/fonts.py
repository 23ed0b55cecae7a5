"""The faces the PDFs and the cover are set in, and their stylesheet.

Kept apart from the engine (which imports WeasyPrint) so that what only
needs to name the fonts (the cover's cache key, an EPUB build whose cover
image is kept) does not load the typesetting engine.

Fonts are declared face by face with explicit files: asking fontconfig for
"EB Garamond" gets the 08 caption cut and a faked bold. A missing file is a
``RenderError`` naming it, before anything is rendered.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import OutputError, RenderError
from ...fsutil import atomic_write_bytes
from ...options import PrintOptions
from . import pagesetup
from .facefiles import face_stamp, own_twin_folder

EBGARAMOND = "/usr/share/fonts/opentype/ebgaramond"
TEXT_FAMILY = "Edition Text"
BOLD_FAMILY = "Edition Text Bold"
MONO_FAMILY = "Edition Mono"
BOLD_SELECTORS = "strong, b, dfn, .note-label"  # dfn: a glossary term (base.css sets it bold)


@dataclass(frozen=True, slots=True)
class FontFace:
    """One @font-face: a family name of our own, bound to one font file."""

    family: str
    path: str
    style: str = "normal"
    weight: int = 400


# Debian's fonts-ebgaramond has no bold italic, and its 12 Bold cut has only
# 127 glyphs: fontconfig ranks it below the Regular (it does not cover the
# "en" orthography), so inside one family WeasyPrint fakes bold from the
# Regular. The Bold is therefore a family of its own, used for bold text with
# the text family as fallback for the glyphs it lacks. Preformatted text
# needs a monospace face to keep its columns.
DEFAULT_FONTS: tuple[FontFace, ...] = (
    FontFace(TEXT_FAMILY, f"{EBGARAMOND}/EBGaramond12-Regular.otf"),
    FontFace(TEXT_FAMILY, f"{EBGARAMOND}/EBGaramond12-Italic.otf", "italic"),
    FontFace(BOLD_FAMILY, f"{EBGARAMOND}/EBGaramond12-Bold.otf", "normal", 700),
    FontFace(MONO_FAMILY, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
)


def render_digest(pieces: Sequence[str], sheets: Sequence[Path], fonts: Sequence[FontFace]) -> str:
    """A key for what a rendering depends on: ``pieces`` (code digests,
    HTML, CSS, sizes), the stylesheets' bytes and the font files (path,
    size and time of each): the typeset parts' cache and the cover's."""
    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece.encode("utf-8") + b"\0")
    for path in sheets:
        h.update(Path(path).read_bytes() + b"\0")
    for face in fonts:
        size, time = face_stamp(face.path)
        h.update(f"{face}:{size}:{time}".encode() + b"\0")
    return h.hexdigest()[:40]


def check_fonts(fonts: Sequence[FontFace]) -> None:
    """Refuse to render with a font file missing: fontconfig would substitute silently."""
    for face in fonts:
        if not Path(face.path).is_file():
            raise RenderError(
                f"font file not found: {face.path} ({face.family}, {face.style}, "
                f"{face.weight}); install it or change the font configuration"
            )


def page_css(options: PrintOptions, fonts: Sequence[FontFace]) -> str:
    """The stylesheet that depends on options (bench/run.py): font faces and
    the page geometry of a book of the smallest gutter class."""
    return font_css(fonts) + pagesetup.page_css(pagesetup.geometry(options, pagesetup.ASSUMED_PAGES, False))


def font_css(fonts: Sequence[FontFace], calls: bool = True) -> str:
    """@font-face rules binding each face to its file, and the families'
    uses (note calls: the text face's superior figures, ``callfigures``,
    which reads the faces with fontTools and is loaded only here; not for a
    document without note calls, ``calls`` False: the cover)."""
    faces = "\n".join(_face_rule(f) for f in fonts)
    return (
        f"{faces}\n"
        f'html {{ font-family: "{TEXT_FAMILY}"; }}\n'
        f'{BOLD_SELECTORS} {{ font-family: "{BOLD_FAMILY}", "{TEXT_FAMILY}"; }}\n'
        f'pre, code {{ font-family: "{MONO_FAMILY}"; }}\n' + (_call_css(fonts) if calls else "")
    )


def _call_css(fonts: Sequence[FontFace]) -> str:
    from .callfigures import call_css

    return call_css(fonts, TEXT_FAMILY)


# -- narrow twins ---------------------------------------------------------------
# The breaker sets every line of a justified paragraph but the last with
# spaces narrower by ``SHRINK`` of their width (``linebreak``). WeasyPrint
# sets word spacing as a Pango attribute on each space, and Pango shapes the
# text between two attributes apart: a line of twelve spaces is shaped in
# twenty-five pieces, three times as slowly as a line without. So each face
# has a twin, the same font file with its space narrower by that much (in
# the font's units) and its no-break space as wide as that narrowed space
# (the breaker sets every space inside a line as a no-break space, which a
# face may draw narrower than its space: EB Garamond's italic, 182 units
# against 250), declared as a family of its own (``NARROW``); the lines
# before a paragraph's last are set in the twin (``engine.spacing``).
NARROW = "Narrow"  # the suffix of a twin's family name
_TWIN_FORMATS = (".otf", ".ttf")  # a font collection, or a compressed web font, gets no twin
_TWIN_RECIPE = 3  # made part of each twin's file name: raised when the way twins are made changes


@dataclass(frozen=True, slots=True)
class Twin:
    """A face (``of``) and its narrow twin (``face``)."""

    of: FontFace
    face: FontFace


def narrow_twins(fonts: Sequence[FontFace]) -> tuple[Twin, ...]:
    """The narrow twin of each face that can have one: an OpenType or
    TrueType file, not a variable font, with a space whose glyph no other
    character but the no-break space uses. Each is made once, from the
    face's bytes, into this user's cache folder (``twin_folder``), named by
    a digest of those bytes: every process works out the same path, and a
    worker on another machine makes the file there if it is not there yet.
    The same face gives the same bytes. A twin that cannot be made (a
    folder that cannot be written, or that others may write to) is left
    out: its face is then narrowed with word spacing."""
    twins = []
    for face in fonts:
        path = _twin_file(face.path)
        if path is not None:
            family = f"{face.family} {NARROW}"
            twins.append(Twin(face, FontFace(family, str(path), face.style, face.weight)))
    return tuple(twins)


def twin_css(twins: Sequence[Twin]) -> str:
    """The @font-face rules of ``twins``."""
    return "\n".join(_face_rule(t.face) for t in twins)


def _face_rule(f: FontFace) -> str:
    return (
        f'@font-face {{ font-family: "{f.family}"; src: url("{Path(f.path).as_uri()}"); '
        f"font-style: {f.style}; font-weight: {f.weight}; }}"
    )


# The twins found in this process, by the face file's path, size and time.
_FOUND: dict[tuple[str, int, int], Path | None] = {}


def _twin_file(source: str) -> Path | None:
    """The twin of the font file ``source``, made if it is not there yet;
    None for a file that can have none, or when it cannot be made."""
    if Path(source).suffix.lower() not in _TWIN_FORMATS:
        return None
    try:
        key = (source, *face_stamp(source))
    except OSError:
        return None  # ``check_fonts`` names it
    if key not in _FOUND:
        try:
            _FOUND[key] = _made_twin(Path(source))
        except (OSError, OutputError, RuntimeError, KeyError):  # no home folder, a folder not ours
            _FOUND[key] = None
    return _FOUND[key]


def _made_twin(source: Path) -> Path | None:
    from fontTools import version as fonttools

    from .linebreak import SHRINK  # (pyphen) not for what only names the fonts

    body = source.read_bytes()
    recipe = f"\0{SHRINK}\0{_TWIN_RECIPE}\0{fonttools}"
    digest = hashlib.sha256(body + recipe.encode()).hexdigest()[:32]
    folder = own_twin_folder()
    if folder is None:
        return None
    target = folder / f"{digest}{source.suffix.lower()}"
    if target.is_file():
        return target
    made = _narrowed(body)
    if made is None:
        return None
    # Written under another name, then renamed: two processes making the
    # same twin at once each leave a whole file, the same bytes.
    atomic_write_bytes(target, made)
    return target


def _narrowed(body: bytes) -> bytes | None:
    """The font file ``body`` with its space narrower by ``SHRINK`` of its
    advance (rounded to the font's units) and its no-break space as wide,
    or None for a font without a space, a variable font (its advances vary
    by instance), a font whose space glyph another character uses too (it
    would narrow as well, unplanned), or one fontTools cannot read."""
    from fontTools.ttLib import TTFont

    from .linebreak import SHRINK

    try:
        # Only the tables read here are decompiled (``lazy``): the others
        # are written back as they were read; the outlines (CFF charstrings,
        # glyf data) are the same bytes, though the table holding them may
        # be compiled again.
        font = TTFont(io.BytesIO(body), lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        if "fvar" in font or "hmtx" not in font:
            return None
        cmap = font.getBestCmap() or {}
        space = cmap.get(0x20)
        if space is None:
            return None
        glyphs = {space, cmap.get(0xA0, space)}
        if any(glyph in glyphs for code, glyph in cmap.items() if code not in (0x20, 0xA0)):
            return None
        metrics = font["hmtx"]
        advance = metrics[space][0]
        narrowed = max(advance - round(SHRINK * advance), 0)
        for glyph in sorted(glyphs):
            metrics[glyph] = (narrowed, metrics[glyph][1])
        out = io.BytesIO()
        font.save(out, reorderTables=False)
    except Exception:  # whatever fontTools makes of a file it cannot read: no twin
        return None
    return out.getvalue()
