"""The ebook's cover image drawn with Pillow: the front of the cover's
design, without WeasyPrint.

The cover is one design (``templates/cover_parts.j2``'s ``front``, set by
``styles/cover.css``), and WeasyPrint lays it out for the print wrap. For
the EPUB's cover image, loading WeasyPrint (its library bindings take
0.3 s to load) and rasterising its PDF cost more than the rest of a short
book's EPUB. The front is simple enough to draw directly: a paper ground,
a double frame, the title's lines, a rule, the subtitle's, the byline's
and the publisher's, each line centred. This module draws it with Pillow,
whose text layout (libraqm: HarfBuzz, the shaper Pango uses) gives each
line the advance WeasyPrint gives it, to a thousandth of a pixel when it
is measured as Pango is given it (``_MEASURED_AT``, ``_pango_units``).
The positions are CSS's, computed here from ``cover.css``'s own
declarations, read with tinycss2 (the parser WeasyPrint uses).

It draws only what it can draw as WeasyPrint would, and otherwise
declines (``front_png`` gives None: the caller then draws the page with
WeasyPrint):

- a template or a stylesheet of the project's own for the cover: it may
  draw anything (``cover.packaged``, checked by the caller);
- a rule of ``cover.css`` it does not draw by, or a value it takes for
  granted changed (``_FRONT``);
- a Pillow without libraqm (its wheels carry it; a build of its own may
  not), or no Pango library to ask for the line breaks;
- a character the face has no glyph for (Pango would take it from another
  font: a title in Chinese, a combining mark the italic lacks), a control
  character or a visible format character, a character Pango may set as
  an emoji, right-to-left text, white space other than spaces (HTML
  collapses it), an empty author's name, capitals that WeasyPrint tailors
  to the language (Greek, Turkish), a text of more than ``_MOST_CHARS``
  characters;
- a line it cannot end as Pango would: one within 0.05 px of the measure,
  one ending where Pango adds a hyphen (a soft hyphen), a word wider than
  the line (but a name that may not break).

A line breaks where Pango's own break opportunities allow it
(``pango_get_log_attrs``, the library WeasyPrint sets text with, called
through ctypes), each line holding the most text that fits: Pango's way.

Pillow draws each line from a whole pixel, and hints the glyphs: an edge
may fall a pixel from where pdftoppm puts it in WeasyPrint's PDF.
``tests/test_cover_image.py`` lays out the same covers with WeasyPrint and
checks that every line is broken alike, and every run of text set within
a tenth of a pixel of WeasyPrint's place, and that the two images differ
only by anti-aliasing.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import templating
from . import pangolib
from .pangolib import NotDrawn

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

    from .cover import CoverText

# White space HTML collapses (each run of it one space), and what Pango
# may take for a space (U+2000 to U+200B, U+3000): a title holding any of
# them but the space and the no-break spaces is left to WeasyPrint.
_OTHER_SPACE = re.compile(r"[^\S \u00a0\u202f]|[\u2000-\u200b\u3000]")
# Characters that set text right to left, or reorder it: Pango's bidi
# reordering is not done here.
_BIDI = frozenset(("R", "AL", "RLE", "RLO", "LRE", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"))
# Format characters Pango and Pillow alike draw as nothing (the soft
# hyphen, the zero-width joiners, the word joiner, the byte order mark,
# the left-to-right mark); any other (U+0600, an Arabic number sign) may be
# drawn by Pango from another font.
_INVISIBLE = frozenset("\u00ad\u200c\u200d\u2060\ufeff\u200e")
# Characters Pango may set as emoji, from an emoji font: the variation
# selectors (U+FE0F after a character the face has, as "©"), the keycap,
# tags, and the blocks of symbols and pictographs.
_EMOJI = re.compile(
    "[\ufe00-\ufe0f\u20e3\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\U000e0000-\U000e01ef]"
)
# Languages whose capitals WeasyPrint tailors (``text-transform``: the
# Turkish dotted I, Greek capitals without accents): the publisher's line,
# set in capitals, is left to WeasyPrint in them.
_TAILORED_CAPITALS = frozenset(("el", "tr", "az"))
# A block longer than this (in characters) is left to WeasyPrint: the
# letter-spaced lines are drawn a character at a time, in a time that
# grows with the square of the line's length.
_MOST_CHARS = 400

# zlib's level for the cover's PNG: Pillow's default (level 1 is faster,
# but makes a file of nearly twice the bytes); its strategy here: Z_RLE,
# runs of one byte, which is what a flat page is made of.
PNG_LEVEL, Z_RLE = 6, 3

# The size the text is measured at, in px, its advances then scaled: large
# enough that Pillow's 1/64 px steps are 1/4000 px at the cover's sizes.
_MEASURED_AT = 2048
# Pango's unit (PANGO_SCALE): WeasyPrint hands it font sizes and letter
# spacing in 1/1024 px, truncated.
_PANGO_SCALE = 1024


def _pango_units(value: float) -> float:
    """``value`` (px) as WeasyPrint gives it to Pango."""
    return int(value * _PANGO_SCALE) / _PANGO_SCALE


# A line measured within this many pixels of the measure is left to
# WeasyPrint: the widths measured here and WeasyPrint's differ by about a
# thousandth of a pixel (tests/test_cover_image.py), and whether such a
# line fits could go either way.
_SLACK = 0.05


# --- The stylesheet ------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    """cover.css's declarations by selector, their values as written."""

    rules: dict[str, dict[str, str]]

    def value(self, selector: str, prop: str) -> str:
        found = self.rules.get(selector, {}).get(prop)
        if found is None:
            raise NotDrawn(f"cover.css has no {prop} for {selector}")
        return self.resolve(found)

    def resolve(self, value: str) -> str:
        """``value`` with its variables replaced (by :root's, which hold none)."""
        root = self.rules.get(":root", {})

        def variable(m: re.Match[str]) -> str:
            found = root.get(m.group(1))
            if found is None or "var(" in found:
                raise NotDrawn(f"cover.css: {m.group(1)} is not a value of its own")
            return found

        return re.sub(r"var\((--[\w-]+)\)", variable, value)

    def rem(self, selector: str, prop: str) -> float:
        """A length in rem (0 is 0)."""
        return _rem(self.value(selector, prop))

    def sides(self, selector: str, prop: str) -> tuple[str, str, str, str]:
        """A shorthand of one to four values (``margin``) as its top,
        right, bottom and left."""
        parts = self.value(selector, prop).split()
        if not 1 <= len(parts) <= 4:
            raise NotDrawn(f"cover.css: {selector} {prop} is not one to four values")
        top = parts[0]
        right = parts[1] if len(parts) > 1 else top
        bottom = parts[2] if len(parts) > 2 else top
        left = parts[3] if len(parts) > 3 else right
        return top, right, bottom, left

    def number(self, selector: str, prop: str) -> float:
        text = self.value(selector, prop)
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise NotDrawn(f"cover.css: {selector} {prop} is not a number: {text}")
        return float(text)

    def em(self, selector: str, prop: str) -> float:
        text = self.value(selector, prop)
        m = re.fullmatch(r"(\d+(?:\.\d+)?)em", text)
        if m is None:
            raise NotDrawn(f"cover.css: {selector} {prop} is not in em: {text}")
        return float(m.group(1))

    def colour(self, value: str) -> tuple[int, int, int]:
        m = re.fullmatch(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})", self.resolve(value).strip())
        if m is None:
            raise NotDrawn(f"cover.css: not a colour in hex: {value}")
        digits = m.group(1)
        if len(digits) == 3:
            digits = "".join(d * 2 for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _rem(text: str) -> float:
    if text == "0":
        return 0.0
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)rem", text)
    if m is None:
        raise NotDrawn(f"cover.css: a length not in rem: {text}")
    return float(m.group(1))


@lru_cache(maxsize=4)
def _sheet(path: Path, stamp: tuple[int, int]) -> _Sheet:
    """The style rules of ``path`` (``stamp``: its size and time, so an
    edited file is read again); an at-rule's under ``@`` and its keyword."""
    import tinycss2

    rules: dict[str, dict[str, str]] = {}
    for rule in tinycss2.parse_stylesheet(path.read_text("utf-8"), skip_comments=True, skip_whitespace=True):
        if rule.type not in ("qualified-rule", "at-rule"):
            continue
        items = tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True)
        declarations = {d.lower_name: tinycss2.serialize(d.value).strip() for d in items if d.type == "declaration"}
        if any(d.type != "declaration" for d in items):  # a nested rule, or what does not parse
            declarations[""] = "?"  # a property no rule allows: the sheet is not drawn by
        prelude = tinycss2.serialize(rule.prelude).strip()
        names = [f"@{rule.lower_at_keyword} {prelude}".strip()] if rule.type == "at-rule" else prelude.split(",")
        for selector in names:
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return _Sheet(rules)


# The lines set from the page's foot up (the byline, the publisher).
_FOOT_LINES: dict[str, str | None] = {
    "position": "absolute",
    "bottom": None,
    "left": None,
    "right": None,
    "margin": "0",
    "font-size": None,
    "letter-spacing": None,
}
# The rules of cover.css the front is drawn by: for each selector, the
# properties it may declare, with the value this module takes for granted
# (None: a value it reads). A rule or a property not here, or another
# value, may change the page in a way not drawn here: the page is then
# WeasyPrint's.
_FRONT: dict[str, dict[str, str | None]] = {
    "html": {"margin": "0", "padding": "0"},
    "body": {"margin": "0", "padding": "0"},
    "@page": {"background": None},
    ".cover": {
        "position": "absolute",
        "top": "0",
        "left": "0",
        "width": "100rem",
        "height": "100%",
        "background": "var(--paper)",
        "color": "var(--ink)",
        "text-align": "center",
    },
    ".frame": {"position": "absolute", "top": None, "left": None, "right": None, "bottom": None, "border": None},
    ".head": {"position": "absolute", "top": None, "left": None, "right": None},
    ".title": {"margin": "0", "font-weight": "normal", "line-height": None, "hyphens": "manual"},
    ".rule": {"width": None, "margin": None, "border-top": None},
    ".subtitle": {"margin": "0", "font-size": None, "font-style": "italic", "line-height": None},
    ".byline": {**_FOOT_LINES, "font-variant": "small-caps"},
    ".publisher": {**_FOOT_LINES, "text-transform": "uppercase"},
    ".byline .name": {"white-space": "nowrap"},
}
# A title's size class (``cover.TITLE_SIZES``): its font size alone.
_TITLE_SIZE = re.compile(r"\.title-[\w-]+ \.title")
# The print wrap's own rules (the back, the spine, the barcode): they
# select nothing on the front.
_WRAP_ONLY = re.compile(r"\.(?:panel|back|blurb|spine|barcode)(?:[-\s.:+>~]|$)")


def _understood(css: _Sheet) -> None:
    """Decline a stylesheet with a rule this module does not draw by."""
    for selector, declared in css.rules.items():
        if _WRAP_ONLY.match(selector):
            continue
        if selector == ":root":
            allowed: dict[str, str | None] = {name: None for name in declared if name.startswith("--")}
        elif _TITLE_SIZE.fullmatch(selector):
            allowed = {"font-size": None}
        elif selector in _FRONT:
            allowed = _FRONT[selector]
        else:
            raise NotDrawn(f"cover.css: a rule for {selector}, which this module does not draw")
        for name, value in declared.items():
            if name not in allowed:
                raise NotDrawn(f"cover.css: {selector} {{ {name} }} is not drawn here")
            expected = allowed[name]
            if expected is not None and value != expected:
                raise NotDrawn(f"cover.css: {selector} {{ {name}: {value} }}, where this module draws {expected}")


# --- The faces -----------------------------------------------------------------


@dataclass(frozen=True)
class _Face:
    """A font file: its characters and its line box (ascent and descent
    in em, as HarfBuzz gives them to Pango)."""

    path: str
    chars: frozenset[int]
    ascent: float
    descent: float


@lru_cache(maxsize=8)
def _face(path: str) -> _Face:
    try:
        return _read_face(path)
    except Exception as exc:  # a file HarfBuzz cannot read: WeasyPrint reports it
        raise NotDrawn(f"{path}: {exc}") from exc


def _read_face(path: str) -> _Face:
    """The face's characters and line box, as HarfBuzz reads them (the
    ascender and descender Pango takes from it)."""
    import uharfbuzz

    face = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(path))
    extents = uharfbuzz.Font(face).get_font_extents("ltr")  # in font units: the font's own scale
    return _Face(path, frozenset(face.unicodes), extents.ascender / face.upem, -extents.descender / face.upem)


@lru_cache(maxsize=32)
def _font(path: str, size: float) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.RAQM)


def preload(faces: Sequence[str], sheet: Path) -> None:
    """Pillow's text layout, the faces, the stylesheet and Pango loaded
    beforehand (the cover drawer does it while the build process reads)."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: F401

    for path in faces:
        _face(path)
    _sheet(sheet, _stamp(sheet))
    pangolib.pango()


# --- Lines ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """How a block's text is set: face, size in px, OpenType features, the
    letter spacing added after each cluster, in px, and the language."""

    face: _Face
    size: float
    lang: str
    features: tuple[str, ...] = ()
    spacing: float = 0.0

    def width(self, text: str) -> float:
        """The advance of ``text`` set in one run, its letter spacing in."""
        if not text:
            return 0.0
        shaped = self.shaped(text)
        return shaped + self.spacing * len(pangolib.clusters(text, self.lang)) if self.spacing else shaped

    def shaped(self, text: str) -> float:
        """The advance of ``text`` shaped, without letter spacing: measured
        at ``_MEASURED_AT`` px and scaled (Pillow keeps a size and each
        advance to 1/64 px), at the size Pango is given."""
        font = _font(self.face.path, _MEASURED_AT)
        return font.getlength(text, features=self.opentype(), language=self.lang) * self.size / _MEASURED_AT

    def opentype(self) -> list[str]:
        # Pango sets no ligature in letter-spaced text.
        return [*self.features, *(("-liga", "-clig") if self.spacing else ())]


@dataclass(frozen=True)
class _Run:
    """A run of text in a block, shaped apart (an inline box of its own);
    ``unbroken``: no line break inside it (a name in the byline,
    ``white-space: nowrap``)."""

    text: str
    unbroken: bool = False


def _collapsed(runs: Sequence[_Run]) -> list[_Run]:
    """The runs as HTML shows them: each run of spaces one space, across
    runs too, and none at the block's ends."""
    out: list[_Run] = []
    last = " "  # the block's start: a space here is dropped
    for run in runs:
        text = "".join(ch for i, ch in enumerate(run.text) if ch != " " or (run.text[i - 1] if i else last) != " ")
        if text:
            out.append(_Run(text, run.unbroken))
            last = text[-1]
    while out and out[-1].text.endswith(" "):
        trimmed = out[-1].text.rstrip(" ")
        out[-1:] = [_Run(trimmed, out[-1].unbroken)] if trimmed else []
    return out


def _lines(runs: Sequence[_Run], style: _Style, measure: float) -> list[list[str]]:
    """The block's lines, each the runs' texts drawn one after another:
    broken where Pango may break the block's text (but inside an unbroken
    run), each line the most text that fits in ``measure``, its spaces
    at the end hanging, as Pango fills a line."""
    text = "".join(run.text for run in runs)
    owner = [i for i, run in enumerate(runs) for _ in run.text]
    attrs = pangolib.log_attrs(text, style.lang)

    def breakable(k: int) -> bool:
        return bool(attrs[k] & pangolib.LINE_BREAK) and not (owner[k - 1] == owner[k] and runs[owner[k]].unbroken)

    ends = [k for k in range(1, len(text)) if breakable(k)] + [len(text)]

    def shown(start: int, end: int) -> list[tuple[int, str]]:
        """The text from ``start`` to ``end`` without its spaces at the
        end, as (run, text) pieces."""
        while end > start and text[end - 1] == " ":  # a no-break space stays, as in WeasyPrint
            end -= 1
        pieces: list[tuple[int, str]] = []
        for k in range(start, end):
            if pieces and pieces[-1][0] == owner[k]:
                pieces[-1] = (owner[k], pieces[-1][1] + text[k])
            else:
                pieces.append((owner[k], text[k]))
        return pieces

    def width(start: int, end: int) -> float:
        return sum(style.width(piece) for _, piece in shown(start, end))

    lines: list[list[str]] = []
    start = 0
    while start < len(text):
        following = [k for k in ends if k > start]
        end = following[0]
        wide = width(start, end)
        if abs(wide - measure) <= _SLACK:
            raise NotDrawn("a line as wide as the measure, to 0.05 px")
        if wide > measure:
            # Overflowing: drawn only where WeasyPrint was seen to set it
            # so, a name that may not break wider than the line.
            if not any(runs[i].unbroken and len(runs[i].text) > 1 for i, _ in shown(start, end)):
                raise NotDrawn(f"a word wider than the line: {text[start:end]!r}")
        else:
            for k in following[1:]:
                wide = width(start, k)
                if abs(wide - measure) <= _SLACK:
                    raise NotDrawn("a line as wide as the measure, to 0.05 px")
                if wide > measure:
                    break
                end = k
        if end < len(text) and attrs[end] & (pangolib.INSERTS_HYPHEN | pangolib.REMOVES_PRECEDING):
            raise NotDrawn(f"a line ending where Pango adds a hyphen or takes a character: {text[start:end]!r}")
        lines.append([piece for _, piece in shown(start, end)])
        start = end
    return lines


# --- The page ------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Lines of one block, laid out: (x, baseline, pieces) of each."""

    lines: tuple[tuple[float, float, tuple[str, ...]], ...]
    style: _Style
    bottom: float


def _block(
    runs: Sequence[_Run], style: _Style, left: float, measure: float, top: float, line_height: float | None
) -> _Block:
    """A block's lines, centred (an overflowing line starts at the left
    edge, as WeasyPrint sets it), from ``top``; ``line_height`` in px, or
    None for ``normal`` (the face's ascent and descent)."""
    content = (style.face.ascent + style.face.descent) * style.size
    height = content if line_height is None else line_height
    baseline = (height - content) / 2 + style.face.ascent * style.size
    placed = []
    for i, pieces in enumerate(_lines(runs, style, measure)):
        width = sum(style.width(p) for p in pieces)
        x = left + max(0.0, (measure - width) / 2)
        placed.append((x, top + i * height + baseline, tuple(pieces)))
    return _Block(tuple(placed), style, top + len(placed) * height)


def _checked(text: str, face: _Face) -> str:
    """``text`` as the template prints it (``templating.printable``: the
    characters XML forbids dropped), once it is known to hold only what
    this module draws as WeasyPrint does."""
    text = templating.printable(text)
    if _OTHER_SPACE.search(text):
        raise NotDrawn("white space other than spaces")
    if len(text) > _MOST_CHARS:
        raise NotDrawn(f"a text of {len(text)} characters")
    for ch in text:
        if unicodedata.bidirectional(ch) in _BIDI:
            raise NotDrawn(f"right-to-left text ({ch!r}, U+{ord(ch):04X})")
        if _EMOJI.match(ch):
            raise NotDrawn(f"a character Pango may set as an emoji ({ch!r}, U+{ord(ch):04X})")
        category = unicodedata.category(ch)
        if category == "Cf" and ch in _INVISIBLE:
            continue
        if ch != " " and (category in ("Cc", "Cf") or ord(ch) not in face.chars):
            raise NotDrawn(f"{Path(face.path).name} has no glyph for {ch!r} (U+{ord(ch):04X})")
    return text


def front_png(c: CoverText, size: tuple[int, int], sheet_path: Path, regular: str, italic: str) -> bytes | None:
    """The cover's front as PNG bytes, ``size`` pixels, set in the faces
    ``regular`` and ``italic`` as ``sheet_path`` (cover.css) places it; None
    where this module does not draw the page (see the module). A failure
    in drawing a page laid out here is an error, not a page left to
    WeasyPrint."""
    try:
        page = _layout(c, size, _sheet(sheet_path, _stamp(sheet_path)), _face(regular), _face(italic))
    except (NotDrawn, OSError, ValueError, KeyError, IndexError, RecursionError):
        return None
    return _paint(page, size)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@dataclass(frozen=True)
class _Page:
    paper: tuple[int, int, int]
    ink: tuple[int, int, int]
    accent: tuple[int, int, int]
    frame: tuple[float, float, float, float, float]  # left, top, right, bottom, border width (px)
    rule: tuple[float, float, float, float]  # left, top, right, bottom (px)
    blocks: tuple[_Block, ...]


def _layout(c: CoverText, size: tuple[int, int], css: _Sheet, regular: _Face, italic: _Face) -> _Page:
    """Where everything goes, in px, by cover.css's rules for
    ``cover_parts.j2``'s front."""
    from PIL import features as pillow

    if not pillow.check_feature("raqm"):  # Pillow's own layout knows no kerning, no small capitals
        raise NotDrawn("Pillow has no libraqm here")
    _understood(css)
    width, height = size
    rem = width / 100
    accent = css.value(":root", "--accent")
    border = css.value(".frame", "border").split()
    if len(border) != 3 or border[1:] != ["double", accent]:
        raise NotDrawn("the frame is not a double rule in the accent colour")
    frame = (
        css.rem(".frame", "left") * rem,
        css.rem(".frame", "top") * rem,
        width - css.rem(".frame", "right") * rem,
        height - css.rem(".frame", "bottom") * rem,
        _rem(border[0]) * rem,
    )
    # The head: the title, the rule, the subtitle, from the head's top.
    left = css.rem(".head", "left") * rem
    measure = (100 - css.rem(".head", "left") - css.rem(".head", "right")) * rem
    title_size = css.rem(f".{c.size_class} .title", "font-size") * rem
    blocks = [
        _block(
            _collapsed([_Run(_checked(c.title, regular))]),
            _Style(regular, _pango_units(title_size), c.lang),
            left,
            measure,
            css.rem(".head", "top") * rem,
            css.number(".title", "line-height") * title_size,
        )
    ]
    rule_line = css.value(".rule", "border-top").split()
    rule_margin = css.sides(".rule", "margin")
    if len(rule_line) != 3 or rule_line[1:] != ["solid", accent] or rule_margin[1::2] != ("auto", "auto"):
        raise NotDrawn("the rule is not a solid line in the accent colour, centred")
    rule_width = css.rem(".rule", "width") * rem
    rule_top = blocks[0].bottom + _rem(rule_margin[0]) * rem
    rule_left = left + (measure - rule_width) / 2
    rule = (rule_left, rule_top, rule_left + rule_width, rule_top + _rem(rule_line[0]) * rem)
    subtitle = _collapsed([_Run(_checked(c.subtitle, italic))])
    if subtitle:
        sub_size = css.rem(".subtitle", "font-size") * rem
        blocks.append(
            _block(
                subtitle,
                _Style(italic, _pango_units(sub_size), c.lang),
                left,
                measure,
                rule[3] + _rem(rule_margin[2]) * rem,
                css.number(".subtitle", "line-height") * sub_size,
            )
        )
    # The byline and the publisher: set from their bottom edge up.
    capitals = c.lang.split("-")[0].lower() not in _TAILORED_CAPITALS
    byline = [
        _Run(_checked(text, regular), unbroken)
        for sep, name in c.byline
        for text, unbroken in ((sep, False), (name, True))
    ]
    if any(run.unbroken and not run.text.strip(" ") for run in byline):
        # WeasyPrint breaks no line next to an empty name, and keeps the space before it
        raise NotDrawn("an empty name in the byline")
    for selector, runs, features in (
        (".byline", byline, ("smcp",)),
        (".publisher", [_Run(_checked(c.publisher, regular))], ()),
    ):
        if selector == ".publisher" and any(run.text for run in runs):
            if not capitals:
                raise NotDrawn(f"capitals that WeasyPrint tailors to the language ({c.lang})")
            runs = [_Run(_checked(run.text.upper(), regular), run.unbroken) for run in runs]
        runs = _collapsed(runs)
        if not runs:
            continue
        font_size = css.rem(selector, "font-size") * rem
        spacing = _pango_units(css.em(selector, "letter-spacing") * font_size)
        style = _Style(regular, _pango_units(font_size), c.lang, features, spacing)
        side = css.rem(selector, "left") * rem
        line_measure = width - side - css.rem(selector, "right") * rem
        laid = _block(runs, style, side, line_measure, 0.0, None)
        shift = height - css.rem(selector, "bottom") * rem - laid.bottom
        blocks.append(_Block(tuple((x, y + shift, pieces) for x, y, pieces in laid.lines), style, laid.bottom + shift))
    colours = (css.value(":root", "--paper"), css.value(":root", "--ink"), accent)
    paper, ink, accent_rgb = (css.colour(v) for v in colours)
    if css.colour(css.value("@page", "background")) != paper:  # the page's ground: the same paper
        raise NotDrawn("the page's background is not the cover's paper")
    return _Page(paper, ink, accent_rgb, frame, rule, tuple(blocks))


def _paint(page: _Page, size: tuple[int, int]) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, page.paper)
    left, top, right, bottom, border = page.frame
    third = border / 3  # a double border: two lines and the gap between them, each a third
    for outside, inside in ((0.0, third), (2 * third, border)):
        outer = (left + outside, top + outside, right - outside, bottom - outside)
        _fill(image, page.accent, outer, (left + inside, top + inside, right - inside, bottom - inside))
    _fill(image, page.accent, page.rule)
    draw = ImageDraw.Draw(image)
    for block in page.blocks:
        style = block.style
        font = _font(style.face.path, style.size)
        for x, baseline, pieces in block.lines:
            at = x
            for piece in pieces:
                _text(draw, font, style, at, baseline, piece, page.ink)
                at += style.width(piece)
    out = io.BytesIO()
    # zlib's run-length strategy: a flat page with a few lines of text is
    # written in half the time of the default (0.05 s against 0.1 s at
    # 1600 x 2560), in a file a fifth larger (about 160 KB).
    image.save(out, "PNG", compress_level=PNG_LEVEL, compress_type=Z_RLE)
    return out.getvalue()


def _text(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont,
    style: _Style,
    x: float,
    baseline: float,
    text: str,
    ink: tuple[int, int, int],
) -> None:
    features = style.opentype()
    if not style.spacing:
        draw.text((x, baseline), text, font=font, fill=ink, anchor="ls", features=features, language=style.lang)
        return
    # Letter-spaced: each character (with its combining marks) where the
    # shaped line puts it, moved by the spacing of those before it.
    done = ""
    for i, cluster in enumerate(pangolib.clusters(text, style.lang)):
        if cluster.strip():
            at = x + style.shaped(done + cluster) - style.shaped(cluster) + i * style.spacing
            draw.text((at, baseline), cluster, font=font, fill=ink, anchor="ls", features=features, language=style.lang)
        done += cluster


Box = tuple[float, float, float, float]  # left, top, right, bottom, in px


def _fill(image: Image.Image, colour: tuple[int, int, int], box: Box, hole: Box | None = None) -> None:
    """Paint ``box`` but ``hole`` (inside it), each pixel in proportion to
    its share covered, as a rasteriser's anti-aliasing does. The painted
    pixels are cut into bands that do not overlap (above the hole, below
    it, at its left and at its right), so that no pixel is painted twice."""
    x0, y0, x1, y1 = math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])
    if hole is None:
        regions = [(x0, y0, x1, y1)]
    else:
        top, bottom = math.ceil(hole[1]), math.floor(hole[3])
        regions = [
            (x0, y0, x1, top),
            (x0, bottom, x1, y1),
            (x0, top, math.ceil(hole[0]), bottom),
            (math.floor(hole[2]), top, x1, bottom),
        ]
    for region in regions:
        if region[2] <= region[0] or region[3] <= region[1]:
            continue
        mask = _coverage(region, box)
        if hole is not None:
            from PIL import ImageChops

            mask = ImageChops.subtract(mask, _coverage(region, hole))
        image.paste(colour, region, mask)


def _coverage(region: tuple[int, int, int, int], box: Box) -> Image.Image:
    """A mask of ``region`` (pixels): each pixel the share of it ``box`` covers."""
    from PIL import Image, ImageChops

    x0, y0, x1, y1 = region
    size = (x1 - x0, y1 - y0)

    across = Image.frombytes("L", (size[0], 1), _shares(box[0], box[2], x0, x1))
    down = Image.frombytes("L", (1, size[1]), _shares(box[1], box[3], y0, y1))
    nearest = Image.Resampling.NEAREST
    return ImageChops.multiply(across.resize(size, nearest), down.resize(size, nearest))


def _shares(a: float, b: float, start: int, end: int) -> bytes:
    """Of pixels ``start`` to ``end`` (excluded) in a row, the share of
    each (0 to 255) that the span from ``a`` to ``b`` covers."""
    out = bytearray(end - start)
    inner_a, inner_b = max(start, math.ceil(a)), min(end, math.floor(b))
    if inner_b > inner_a:
        out[inner_a - start : inner_b - start] = b"\xff" * (inner_b - inner_a)
    for i in {math.floor(a), math.floor(b)}:  # the pixels the span's ends fall in
        if start <= i < end:
            out[i - start] = round(255 * max(0.0, min(b, i + 1) - max(a, i)))
    return bytes(out)
