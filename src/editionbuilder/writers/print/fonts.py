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
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import RenderError
from ...options import PrintOptions
from . import pagesetup

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
        stat = os.stat(face.path)
        h.update(f"{face}:{stat.st_size}:{stat.st_mtime_ns}".encode() + b"\0")
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
    faces = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{Path(f.path).as_uri()}"); '
        f"font-style: {f.style}; font-weight: {f.weight}; }}"
        for f in fonts
    )
    return (
        f"{faces}\n"
        f'html {{ font-family: "{TEXT_FAMILY}"; }}\n'
        f'{BOLD_SELECTORS} {{ font-family: "{BOLD_FAMILY}", "{TEXT_FAMILY}"; }}\n'
        f'pre, code {{ font-family: "{MONO_FAMILY}"; }}\n' + (_call_css(fonts) if calls else "")
    )


def _call_css(fonts: Sequence[FontFace]) -> str:
    from .callfigures import call_css

    return call_css(fonts, TEXT_FAMILY)
