"""The typography of printed books, measured from glyph positions (issue #16).

    python bench/typography.py PDF... [--json]           # press PDFs: a table per book
    python bench/typography.py --screen PDF... [--json]  # screen PDFs: blank pages
    python bench/typography.py --build [--work DIR]      # build the books first, then both
    python bench/typography.py PDF --page N              # page N's lines as classified

Every figure is read from where the glyphs are drawn (pdfminer.six's
interpreter, one record per glyph: its text, font, size, advance and
baseline), not from the HTML or the layout tree, so it measures the PDF a
printer receives, as a production editor checks proofs:

- word spacing: the mean gap between the words of every full justified
  line, in em of the line's type size, against the font's own space (the
  width of its space glyph, read from the PDF's font): the share of lines
  over 0.4 em, the median, the 90th percentile and the widest line;
- hyphenation: lines ending with the hyphen the layout added (WeasyPrint
  draws U+2010 HYPHEN; a hyphen of the text is U+002D), the longest run of
  them, a word broken over the foot of a recto, hyphenated headings;
- notes: the note labels at the foot of each page, calls (raised, smaller
  figures in the text, or the font's superior figures, told by their glyph
  names in the embedded font) whose note is set on another page, and the
  size, rise and figure height (ink, from the glyphs' outlines) of the calls;
- display: headings and running heads in capitals, straight quotes, four-dot
  ellipses, ``_underscores_`` and ``--`` left in the text, monospaced runs;
- with ``--screen``: pages of a screen PDF that carry no glyph at all.

Lines are told apart by geometry alone (``classify``): the body size is the
commonest type size of the book; the text block's edges are the commonest
line starts and ends on pages of each parity; a running head is the top line
of a page at the commonest such height, a folio the bottom line when it is a
numeral; notes are the lines under the note rule; headings are larger than
the body, or centred; "quote" lines are text somewhat smaller than the body
(block quotes, the bibliography's back-references) above the rule;
monospaced lines are preformatted text; lines with dot leaders are the
contents. A line is justified when it reaches the right edge of its measure
and the next line of the page goes on with its paragraph (same kind, not
indented, not further than 1.6 lines, not a new note).

``--build`` builds the measured books into a scratch folder first (default
``bench/results/typography/``, with the build's log): the shipped anthology
(6 x 9 in) and print editions of the three Project Gutenberg texts of
``tests/corpus/`` (5.5 x 8.5 and 6 x 9 in); it writes the tables and the
JSON there too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdfminer.pdfdevice import PDFTextDevice
from pdfminer.pdffont import PDFFont
from pdfminer.pdfinterp import PDFGraphicState, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfminer.utils import Matrix, PathSegment, apply_matrix_pt

ROOT = Path(__file__).resolve().parent.parent

LAYOUT_HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: the layout broke the word here
SOURCE_HYPHEN = "-"  # U+002D, a hyphen of the text itself
WORD_SPACES = " \u00a0"  # the spaces justification stretches (WeasyPrint: space and no-break space)
LOOSE_EM = 0.4  # a line whose mean word space exceeds this is loose
EDGE_TOLERANCE = 1.0  # pt: a line "reaches" an edge within this
BASELINE_TOLERANCE = 0.3  # pt: glyphs on one line share a baseline within this

KINDS = ("body", "quote", "footnote", "heading", "head", "folio", "toc", "pre", "other")


# --- Reading glyphs ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Glyph:
    """One glyph as drawn: ``x0``/``x1`` are its origin and its origin plus
    its advance (the font's width, without the gaps justification adds);
    ``baseline`` is the y of its origin (PDF units, upwards), raised by any
    text rise; ``size`` the type size in pt on the page."""

    text: str
    font: str  # the font's name without the subset tag (ABCDEF+)
    size: float
    x0: float
    x1: float
    baseline: float
    mono: bool = False
    # A superior figure of the font (its glyph named "*.sups"), drawn above
    # the baseline by its design rather than by a rise; and a figure's ink
    # height in pt (its outline's bounds), 0 for other glyphs.
    superior: bool = False
    ink_height: float = 0.0

    @property
    def is_space(self) -> bool:
        return self.text.isspace()


@dataclass(frozen=True, slots=True)
class Rule:
    """A thin horizontal stroke or filled bar: the note area's rule."""

    y: float
    x0: float
    x1: float


class _GlyphDevice(PDFTextDevice):
    """pdfminer's interpreter calls ``render_char`` once per glyph drawn and
    ``paint_path`` once per path: they are collected as they are, with no
    layout analysis."""

    def __init__(self, rsrcmgr: PDFResourceManager) -> None:
        super().__init__(rsrcmgr)
        self.glyphs: list[Glyph] = []
        self.rules: list[Rule] = []
        self.spaces: dict[str, float] = {}  # font -> width of its space glyph, in em
        self.programs: dict[int, _FontProgram | None] = {}  # id(font) -> its embedded font

    def render_char(
        self,
        matrix: Matrix,
        font: PDFFont,
        fontsize: float,
        scaling: float,
        rise: float,
        cid: int,
        ncs: Any,
        graphicstate: PDFGraphicState,
    ) -> float:
        try:
            text = font.to_unichr(cid)
        except Exception:  # no ToUnicode entry: keep the glyph, with its id
            text = f"(cid:{cid})"
        width = font.char_width(cid)
        advance = width * fontsize * scaling
        a, b, c, d, e, f = matrix
        scale = (abs(a * d - b * c)) ** 0.5
        name = _font_name(font)
        if text == " " and width > 0:
            self.spaces.setdefault(name, width)
        if id(font) not in self.programs:
            self.programs[id(font)] = _FontProgram.of(font)
        program = self.programs[id(font)]
        figure = text.isdigit() and program is not None
        size = round(fontsize * scale, 2)
        self.glyphs.append(
            Glyph(
                text=text,
                font=name,
                size=size,
                x0=e,
                x1=e + advance * a,
                baseline=f + rise * d,
                mono=_is_mono(font, name),
                superior=figure and program is not None and program.name(cid).endswith(".sups"),
                ink_height=program.height(cid) * size if figure and program is not None else 0.0,
            )
        )
        return advance

    def paint_path(
        self, graphicstate: PDFGraphicState, stroke: bool, fill: bool, evenodd: bool, path: Sequence[PathSegment]
    ) -> None:
        assert self.ctm is not None
        boxes: list[tuple[float, float, float, float]] = []
        for sub in _subpaths(path):
            points = [apply_matrix_pt(self.ctm, (float(seg[i]), float(seg[i + 1]))) for seg in sub for i in _pairs(seg)]
            if points:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                boxes.append((min(xs), min(ys), max(xs), max(ys)))
        if len(boxes) == 2:
            # WeasyPrint draws a border as the area between the box's outer
            # and inner edges (two rectangles filled even-odd): a top border
            # alone is two rectangles that differ only in their top edge.
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes
            same_x = abs(ax0 - bx0) <= 0.1 and abs(ax1 - bx1) <= 0.1
            if same_x and abs(ay0 - by0) <= 0.1 and 0 < abs(ay1 - by1) <= 2.0:
                boxes = [(ax0, min(ay1, by1), ax1, max(ay1, by1))]
            elif same_x and abs(ay1 - by1) <= 0.1 and 0 < abs(ay0 - by0) <= 2.0:
                boxes = [(ax0, min(ay0, by0), ax1, max(ay0, by0))]
        for x0, y0, x1, y1 in boxes:
            if y1 - y0 <= 2.0 and x1 - x0 >= 36.0:
                self.rules.append(Rule((y0 + y1) / 2, x0, x1))


class _FontProgram:
    """The font embedded for a PDF font (an OpenType FontFile3, as WeasyPrint
    embeds its faces), read with fontTools: glyph names and outline heights
    by glyph id, which is the cid (an Identity CIDToGIDMap)."""

    def __init__(self, font: Any) -> None:
        self.font = font
        self.order = font.getGlyphOrder()
        self.glyphs = font.getGlyphSet()
        self.upm = font["head"].unitsPerEm
        self.heights: dict[int, float] = {}

    @classmethod
    def of(cls, font: PDFFont) -> _FontProgram | None:
        import io

        from fontTools.ttLib import TTFont

        descriptor = getattr(font, "descriptor", None) or {}
        stream = resolve1(descriptor.get("FontFile3")) if isinstance(descriptor, dict) else None
        if stream is None:
            return None
        try:
            return cls(TTFont(io.BytesIO(stream.get_data())))
        except Exception:  # a bare CFF or Type 1 program: no names to read
            return None

    def name(self, cid: int) -> str:
        return self.order[cid] if 0 <= cid < len(self.order) else ""

    def height(self, cid: int) -> float:
        """The glyph's ink height in em."""
        if cid not in self.heights:
            from fontTools.pens.boundsPen import BoundsPen

            pen = BoundsPen(self.glyphs)
            name = self.name(cid)
            if name:
                self.glyphs[name].draw(pen)
            bounds = pen.bounds
            self.heights[cid] = (bounds[3] - bounds[1]) / self.upm if bounds else 0.0
        return self.heights[cid]


def _subpaths(path: Sequence[PathSegment]) -> Iterator[list[PathSegment]]:
    sub: list[PathSegment] = []
    for seg in path:
        if seg[0] == "m" and sub:
            yield sub
            sub = []
        sub.append(seg)
    if sub:
        yield sub


def _pairs(seg: PathSegment) -> range:
    """The indices of the x of each point of a path segment ('m', x, y), ('c', x1, y1, ...)."""
    return range(1, len(seg) - 1, 2)


def _font_name(font: PDFFont) -> str:
    name = str(getattr(font, "fontname", "") or "")
    return name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name


_MONO_NAMES = re.compile(r"mono|courier|typewriter|consol", re.IGNORECASE)


def _is_mono(font: PDFFont, name: str) -> bool:
    """A monospaced font: by name, or by the FixedPitch flag of its descriptor."""
    if _MONO_NAMES.search(name):
        return True
    flags = resolve1(getattr(font, "descriptor", {}).get("Flags", 0))
    return isinstance(flags, int) and bool(flags & 1)


@dataclass(slots=True)
class RawPage:
    number: int
    glyphs: list[Glyph]
    rules: list[Rule]


def read_pdf(path: Path) -> tuple[list[RawPage], dict[str, float]]:
    """Every page's glyphs and rules, and each font's space width (em)."""
    rsrcmgr = PDFResourceManager(caching=True)
    pages: list[RawPage] = []
    spaces: dict[str, float] = {}
    with path.open("rb") as handle:
        for number, page in enumerate(PDFPage.get_pages(handle), start=1):
            device = _GlyphDevice(rsrcmgr)
            PDFPageInterpreter(rsrcmgr, device).process_page(page)
            pages.append(RawPage(number, device.glyphs, device.rules))
            for name, width in device.spaces.items():
                spaces.setdefault(name, width)
    return pages, spaces


# --- Lines --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    """Glyphs of one font, size and baseline, next to each other on a line."""

    glyphs: tuple[Glyph, ...]

    @property
    def font(self) -> str:
        return self.glyphs[0].font

    @property
    def size(self) -> float:
        return self.glyphs[0].size

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)

    @property
    def superior(self) -> bool:
        return self.glyphs[0].superior

    @property
    def figure_height(self) -> float:
        """The mean ink height of the run's figures, in pt (0 without any)."""
        heights = [g.ink_height for g in self.glyphs if g.ink_height]
        return sum(heights) / len(heights) if heights else 0.0


@dataclass(slots=True)
class Line:
    """A line of a page: its runs left to right, raised runs (note calls)
    included; ``baseline`` and ``size`` are those of its main runs."""

    page: int
    runs: tuple[Run, ...]
    baseline: float
    size: float
    kind: str = "other"
    justified: bool = False  # a full line that is not the last of its paragraph

    @property
    def glyphs(self) -> list[Glyph]:
        return [g for run in self.runs for g in run.glyphs]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def ink(self) -> list[Glyph]:
        return [g for g in self.glyphs if not g.is_space]

    @property
    def x0(self) -> float:
        ink = self.ink
        return ink[0].x0 if ink else self.runs[0].x0

    @property
    def x1(self) -> float:
        ink = self.ink
        return ink[-1].x1 if ink else self.runs[-1].x1

    @property
    def raised(self) -> list[Run]:
        """Note calls: runs set above the baseline in a smaller size, or runs
        of the font's superior figures."""
        return [r for r in self.runs if (r.baseline > self.baseline + 0.5 and r.size < 0.9 * self.size) or r.superior]

    @property
    def mono_share(self) -> float:
        ink = self.ink
        return sum(g.mono for g in ink) / len(ink) if ink else 0.0

    def word_gaps(self) -> list[float]:
        """The gaps between words, in pt: from the end of a word's last glyph
        to the start of the next word's first, wherever a space or a no-break
        space separates them (other spaces, such as the en space after a
        note's label, are fixed and not counted)."""
        gaps: list[float] = []
        previous: Glyph | None = None
        spaced = False
        for glyph in self.glyphs:
            if glyph.is_space:
                spaced = spaced or any(ch in WORD_SPACES for ch in glyph.text)
                continue
            if previous is not None and spaced:
                gaps.append(glyph.x0 - previous.x1)
            previous, spaced = glyph, False
        return gaps

    def mean_space_em(self) -> float | None:
        gaps = self.word_gaps()
        return sum(gaps) / len(gaps) / self.size if gaps and self.size else None


def build_lines(page: int, glyphs: Iterable[Glyph]) -> list[Line]:
    """A page's glyphs as lines, top to bottom: glyphs on one baseline make a
    row; a row of smaller glyphs raised less than 0.8 of a line's size above
    it and within its width is that line's note calls."""
    rows: list[list[Glyph]] = []
    for glyph in sorted(glyphs, key=lambda g: (-g.baseline, g.x0)):
        if rows and abs(rows[-1][0].baseline - glyph.baseline) <= BASELINE_TOLERANCE:
            rows[-1].append(glyph)
        else:
            rows.append([glyph])
    sizes = [_main_size(row) for row in rows]
    owner: dict[int, int] = {}
    for i, row in enumerate(rows):
        for j in range(i + 1, len(rows)):
            rise = row[0].baseline - rows[j][0].baseline
            if rise > 0.8 * sizes[j]:
                continue
            below = rows[j]
            # A call may hang at either end of the line it belongs to.
            fits = (
                min(g.x0 for g in row) >= min(g.x0 for g in below) - sizes[j]
                and max(g.x1 for g in row) <= max(g.x1 for g in below) + sizes[j]
            )
            if rise > 0.5 and sizes[i] < 0.9 * sizes[j] and fits:
                owner[i] = j
                break
    merged: dict[int, list[Glyph]] = {i: list(row) for i, row in enumerate(rows) if i not in owner}
    for i, j in owner.items():
        while j in owner:
            j = owner[j]
        merged[j].extend(rows[i])
    lines = []
    for i, row in sorted(merged.items()):
        row.sort(key=lambda g: g.x0)
        lines.append(Line(page, tuple(_runs(row)), rows[i][0].baseline, sizes[i]))
    return lines


def _main_size(row: Sequence[Glyph]) -> float:
    counts = Counter(g.size for g in row if not g.is_space) or Counter(g.size for g in row)
    return counts.most_common(1)[0][0]


def _runs(glyphs: Sequence[Glyph]) -> Iterator[Run]:
    run: list[Glyph] = []
    for glyph in glyphs:
        if run and (glyph.font, glyph.size, round(glyph.baseline, 1), glyph.superior) != (
            run[-1].font,
            run[-1].size,
            round(run[-1].baseline, 1),
            run[-1].superior,
        ):
            yield Run(tuple(run))
            run = []
        run.append(glyph)
    if run:
        yield Run(tuple(run))


# --- Pages and the classifier -------------------------------------------------


@dataclass(slots=True)
class Page:
    number: int
    lines: list[Line]
    rules: list[Rule]
    glyph_count: int

    @property
    def folio(self) -> str:
        return next((line.text.strip() for line in self.lines if line.kind == "folio"), "")

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1

    def of(self, *kinds: str) -> list[Line]:
        return [line for line in self.lines if line.kind in kinds]


@dataclass(slots=True)
class Book:
    path: Path
    pages: list[Page]
    spaces: dict[str, float]  # font -> its space glyph's width, em
    body_size: float = 0.0
    body_font: str = ""
    edges: dict[tuple[str, bool], tuple[float, float]] = field(default_factory=dict)  # (kind, recto) -> left, right

    def lines(self, *kinds: str) -> list[Line]:
        return [line for page in self.pages for line in page.of(*kinds)]

    def where(self, page: int) -> str:
        """A page as an editor finds it: the PDF page, and its folio if printed."""
        folio = self.pages[page - 1].folio
        return f"p. {page}" + (f" (folio {folio})" if folio and folio != str(page) else "")


_FOLIO = re.compile(r"^(\d{1,4}|[ivxlcdm]{1,8})$", re.IGNORECASE)
_LEADERS = re.compile(r"\.{5,}|(?:\. ){4,}")


def read_book(path: Path) -> Book:
    raw, spaces = read_pdf(path)
    pages = [Page(p.number, build_lines(p.number, p.glyphs), p.rules, len(p.glyphs)) for p in raw]
    book = Book(path, pages, spaces)
    classify(book)
    return book


def classify(book: Book) -> None:
    """Give every line its kind, then mark the justified ones (see the module's
    docstring for the rules)."""
    ink = Counter((g.size, g.font) for page in book.pages for line in page.lines for g in line.ink if not g.mono)
    if not ink:
        return
    by_size: Counter[float] = Counter()
    for (size, _font), n in ink.items():
        by_size[size] += n
    body = book.body_size = by_size.most_common(1)[0][0]
    book.body_font = max((font for size, font in ink if size == body), key=lambda f: ink[(body, f)])
    # The text block: the commonest start and end of body-size lines, per parity.
    plain = [line for page in book.pages for line in page.lines if abs(line.size - body) <= 0.03 * body]
    for recto in (True, False):
        book.edges[("block", recto)] = _edges(plain, recto)
    tops = Counter(round(page.lines[0].baseline) for page in book.pages if page.lines)
    head_y = tops.most_common(1)[0][0] if tops and tops.most_common(1)[0][1] >= 2 else None
    for page in book.pages:
        _classify_page(book, page, head_y)
    for kind in ("body", "quote", "footnote"):
        lines = book.lines(kind)
        for recto in (True, False):
            book.edges[(kind, recto)] = _edges(lines, recto, book.edges[("block", recto)])
    pitch = _pitch(book)
    for page in book.pages:
        _mark_justified(book, page, pitch)


def _commonest(values: Sequence[float]) -> tuple[float, int]:
    """The commonest value, to half a point, refined as the median of those
    near it; and how many values are near it."""
    if not values:
        return 0.0, 0
    bin_, _ = Counter(round(v * 2) / 2 for v in values).most_common(1)[0]
    near = [v for v in values if abs(v - bin_) <= EDGE_TOLERANCE]
    return statistics.median(near), len(near)


def _edges(lines: Sequence[Line], recto: bool, default: tuple[float, float] | None = None) -> tuple[float, float]:
    """Where lines start and end on pages of one parity (the gutter moves the
    block); on all pages when fewer than three lines of that parity agree;
    ``default`` when fewer than three lines agree at all."""
    side = [line for line in lines if (line.page % 2 == 1) == recto]
    edges = []
    for i, attr in enumerate(("x0", "x1")):
        value, count = _commonest([getattr(line, attr) for line in side])
        if count < 3:
            value, count = _commonest([getattr(line, attr) for line in lines])
        if count < 3 and default is not None:
            value = default[i]
        edges.append(value)
    return edges[0], edges[1]


def _classify_page(book: Book, page: Page, head_y: int | None) -> None:
    body = book.body_size
    left, right = book.edges[("block", page.recto)]
    wide = [r.y for r in page.rules if r.x1 - r.x0 >= 0.25 * (right - left)]
    # The note area's rule: the highest wide rule whose lines under it are
    # all smaller than the line over it (the rule under a table's heads has
    # rows of the heads' size below it).
    rule_y = max((y for y in wide if _rules_off_notes(page.lines, y)), default=None)
    text_y = [ln.baseline for ln in page.lines if ln.size > 0.85 * body]
    lowest_text = min(text_y, default=None)
    for index, line in enumerate(page.lines):
        text = line.text.strip()
        ratio = line.size / body
        lg, rg = line.x0 - left, right - line.x1
        # Centred: set in from both edges by as much (a full line is not),
        # and not one of a run of lines that start where it does.
        centred = (
            lg > EDGE_TOLERANCE
            and rg > EDGE_TOLERANCE
            and abs(lg - rg) <= 2.0
            and not _aligned_with_neighbour(page.lines, index)
        )
        if _LEADERS.search(text):
            line.kind = "toc"
        elif line.mono_share >= 0.5:
            line.kind = "pre"
        elif index == 0 and head_y is not None and abs(line.baseline - head_y) <= 1 and ratio < 0.97:
            line.kind = "head"
        elif index == len(page.lines) - 1 and _FOLIO.match(text) and (rule_y is None or line.baseline < rule_y):
            line.kind = "folio"
        elif _under_rule(line, rule_y, ratio, lowest_text):
            line.kind = "footnote"
        elif ratio >= 1.1 or (centred and ratio >= 0.97):
            line.kind = "heading"
        elif ratio >= 0.97:
            line.kind = "body"
        elif ratio > 0.85 and not (centred and lg > 2.5 * line.size):
            # A block quote is indented on both sides alike: a full line of it
            # looks centred, so only a line centred well inside is not one.
            line.kind = "quote"
        else:
            line.kind = "other"


def _aligned_with_neighbour(lines: Sequence[Line], index: int) -> bool:
    """Whether the line before or after, in the same size, starts where this
    one does but ends elsewhere: lines of a left-aligned block (an indented
    definition, a quotation), not a centred one."""
    line = lines[index]
    for other in (lines[index - 1] if index else None, lines[index + 1] if index + 1 < len(lines) else None):
        if (
            other is not None
            and abs(other.size - line.size) <= 0.05
            and abs(other.x0 - line.x0) <= 0.5
            and abs(other.x1 - line.x1) > 2.0
        ):
            return True
    return False


def _rules_off_notes(lines: Sequence[Line], y: float) -> bool:
    """Whether the rule at ``y`` is a note area's: every line under it is
    set smaller than the line just over it."""
    over = [ln.size for ln in lines if ln.baseline > y]
    return all(ln.size < over[-1] for ln in lines if ln.baseline < y) if over else True


def _under_rule(line: Line, rule_y: float | None, ratio: float, lowest_text: float | None) -> bool:
    """A note's line: under the page's note rule; on a page without one,
    small type under the last line of text."""
    if rule_y is not None:
        return line.baseline < rule_y
    return ratio <= 0.85 and lowest_text is not None and line.baseline < lowest_text


def _pitch(book: Book) -> float:
    """The commonest distance between consecutive body lines."""
    gaps = []
    for page in book.pages:
        lines = page.of("body")
        gaps += [a.baseline - b.baseline for a, b in itertools.pairwise(lines)]
    return _commonest(gaps)[0] if gaps else book.body_size * 1.3


def note_label(line: Line) -> str | None:
    """The label a note starts with: the text before the en space that the
    note marker sets after it (print.css: ``attr(data-label) "\\2002"``)."""
    text = line.text.lstrip()
    head, sep, _ = text.partition("\u2002")
    return head.strip() if sep and 0 < len(head.strip()) <= 6 else None


def _mark_justified(book: Book, page: Page, pitch: float) -> None:
    """A body, quote or note line is justified when it reaches the right edge
    of its measure and is not the last line of its paragraph: the next line
    of the page is of the same kind, not indented past this one's start, not
    further than 1.6 lines below, and does not start a note."""
    for kind in ("body", "quote", "footnote"):
        left, right = book.edges[(kind, page.recto)]
        for index, line in enumerate(page.lines):
            if line.kind != kind or abs(line.x1 - right) > EDGE_TOLERANCE or len(line.word_gaps()) == 0:
                continue
            if line.x0 > left + 2 * line.size:
                continue  # set to the right (an attribution), not justified
            following = page.lines[index + 1] if index + 1 < len(page.lines) else None
            if (
                following is None
                or following.kind in ("folio",)
                or (kind != "footnote" and following.kind == "footnote")
            ):
                line.justified = True  # the paragraph goes on overleaf
                continue
            last = (
                following.kind != kind
                or following.x0 > max(left, line.x0) + 0.3 * following.size
                or line.baseline - following.baseline > 1.6 * (pitch if kind == "body" else line.size * 1.3)
                or (kind == "footnote" and note_label(following) is not None)
            )
            line.justified = not last


# --- Measures -------------------------------------------------------------------


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def word_spacing(book: Book, kind: str = "body") -> dict[str, Any]:
    lines = [line for line in book.lines(kind) if line.justified]
    means = [m for m in (line.mean_space_em() for line in lines) if m is not None]
    result: dict[str, Any] = {"justified_lines": len(means)}
    if not means:
        return result
    loose = [(line, m) for line in lines if (m := line.mean_space_em()) is not None and m > LOOSE_EM]
    worst_line, worst = max(
        ((line, m) for line in lines if (m := line.mean_space_em()) is not None), key=lambda x: x[1]
    )
    result.update(
        median_em=round(statistics.median(means), 3),
        p90_em=round(_percentile(means, 0.9), 3),
        mean_em=round(statistics.fmean(means), 3),
        over_limit=len(loose),
        over_limit_share=round(len(loose) / len(means), 4),
        max_em=round(worst, 3),
        max_page=worst_line.page,
        max_where=book.where(worst_line.page),
        max_text=_excerpt(worst_line.text),
        loose_pages=sorted({line.page for line, _ in loose}),
    )
    return result


def overfull(book: Book) -> list[dict[str, Any]]:
    """Body lines that run past the right edge of the text block (LaTeX's overfull boxes)."""
    found = []
    for line in book.lines("body", "quote", "footnote"):
        _, right = book.edges[("block", line.page % 2 == 1)]
        if line.x1 > right + EDGE_TOLERANCE:
            found.append({"page": line.page, "by_pt": round(line.x1 - right, 1), "text": _excerpt(line.text)})
    return found


def hyphenation(book: Book) -> dict[str, Any]:
    text_lines = book.lines("body", "quote")
    ends = [line.text.rstrip() for line in text_lines]
    hyphenated = [end.endswith(LAYOUT_HYPHEN) for end in ends]
    source = sum(end.endswith(SOURCE_HYPHEN) and end[-2:-1].isalpha() for end in ends)
    longest, run, run_start, longest_page, longest_end = 0, 0, 0, None, None
    for i, flag in enumerate(hyphenated):
        run = run + 1 if flag else 0
        if run == 1:
            run_start = i
        if run > longest:
            longest, longest_page, longest_end = run, text_lines[run_start].page, text_lines[i].page
    recto_feet = []
    for page in book.pages:
        lines = page.of("body", "quote")
        if page.recto and lines and lines[-1].text.rstrip().endswith(LAYOUT_HYPHEN):
            recto_feet.append({"page": page.number, "where": book.where(page.number), "text": _excerpt(lines[-1].text)})
    headings = [
        {"page": line.page, "kind": line.kind, "text": _excerpt(line.text)}
        for line in book.lines("heading", "head")
        if line.text.rstrip().endswith(LAYOUT_HYPHEN)
    ]
    notes = [line.text.rstrip().endswith(LAYOUT_HYPHEN) for line in book.lines("footnote")]
    return {
        "text_lines": len(text_lines),
        "hyphenated": sum(hyphenated),
        "share": round(sum(hyphenated) / len(text_lines), 4) if text_lines else 0.0,
        "source_hyphen_ends": source,
        "longest_run": longest,
        "longest_run_page": longest_page,
        "longest_run_end_page": longest_end,  # a run may go on over a page turn
        "recto_foot": recto_feet,
        "headings": headings,
        "note_lines": len(notes),
        "note_lines_hyphenated": sum(notes),
    }


def notes(book: Book) -> dict[str, Any]:
    """Note calls (raised runs of smaller type in the text) and notes (lines
    under the rule that start with a label), page by page. Labels are
    matched on each page: a call whose label no note of its page has is a
    note set on another page (numbering that restarts makes labels repeat, so
    the note looked for is the next one of that label, else the last before);
    a note whose label no call of its page has lost its call; a second call of
    a label whose note is on the page is a note called twice."""
    per_page: list[dict[str, Any]] = []
    shapes: Counter[tuple[float, float, float, bool, float]] = Counter()
    notes_at: list[tuple[int, str]] = []
    line_start: list[dict[str, Any]] = []
    for page in book.pages:
        page_calls = []
        for line in page.lines:
            if line.kind in ("footnote", "head", "folio"):
                continue
            for run in line.raised:
                label = run.text.strip()
                if not label:
                    continue
                page_calls.append(label)
                rise = run.baseline - line.baseline
                shape = (run.size, round(run.size / line.size, 2), round(rise / line.size, 2))
                shapes[(*shape, run.superior, round(run.figure_height, 1))] += 1
                if run is line.runs[0]:
                    line_start.append({"page": page.number, "label": label, "text": _excerpt(line.text, 40)})
        labels = [found for line in page.of("footnote") if (found := note_label(line)) is not None]
        notes_at += [(page.number, n) for n in labels]
        if page_calls or labels:
            per_page.append({"page": page.number, "calls": page_calls, "notes": labels})
    off_page: list[dict[str, Any]] = []
    twice: list[dict[str, Any]] = []
    for entry in per_page:
        number = entry["page"]
        unmatched = Counter(entry["notes"])
        for label in entry["calls"]:
            if unmatched[label] > 0:
                unmatched[label] -= 1
            elif label in entry["notes"]:
                twice.append({"page": number, "label": label})
            else:
                after = next((p for p, n in notes_at if n == label and p > number), None)
                before = next((p for p, n in reversed(notes_at) if n == label and p < number), None)
                off_page.append({"call_page": number, "label": label, "note_page": after or before})
        for label, n in unmatched.items():
            off_page += [{"call_page": None, "label": label, "note_page": number}] * n
    return {
        "calls": sum(len(e["calls"]) for e in per_page),
        "notes": len(notes_at),
        "pages": per_page,
        "off_page": off_page,
        "called_twice": twice,
        "calls_at_line_start": line_start,
        "call_shapes": [
            {
                "size_pt": size,
                "of_line": ratio,
                "rise_em": rise,
                "superior": superior,
                "figure_height_pt": height,
                "count": n,
            }
            for (size, ratio, rise, superior, height), n in shapes.most_common()
        ],
    }


# Four dots as the source wrote them ("....", ". . . ."), or an ellipsis
# glued to a dot ("….", ".…"). A sentence's period, a space and an ellipsis
# ("attention. …") is how a four-dot ellipsis is set (Chicago 13.53).
_ELLIPSIS4 = re.compile(r"…\s?\.|\.…|(?<!\.)\.{4}(?!\.)|(?:\. ){3}\.")
_UNDERSCORE = re.compile(r"(?<!\w)_(?=\w)|(?<=\w)_(?!\w)")  # at a word's edge: emphasis markup, not snake_case
_DOUBLE_HYPHEN = re.compile(r"--")


def _capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha() and (ch.isupper() or ch.islower())]
    words = [w for w in re.findall(r"[^\W\d_]+", text) if len(w) >= 3 and not re.fullmatch(r"[IVXLCDM]+", w)]
    return len(letters) >= 4 and bool(words) and all(ch.isupper() for ch in letters)


def display(book: Book) -> dict[str, Any]:
    caps: dict[tuple[str, str], list[int]] = defaultdict(list)
    for line in book.lines("heading", "head"):
        if _capitals(line.text):
            caps[(line.kind, " ".join(line.text.split()))].append(line.page)
    straight: dict[str, list[dict[str, Any]]] = {"'": [], '"': []}
    patterns = {"four_dot_ellipsis": _ELLIPSIS4, "underscore": _UNDERSCORE, "double_hyphen": _DOUBLE_HYPHEN}
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in patterns}
    mono_pages: Counter[int] = Counter()
    mono_lines = 0
    for page in book.pages:
        if not page.lines:
            continue
        for line in page.lines:
            mono = [g for g in line.ink if g.mono]
            if mono:
                mono_pages[page.number] += len(mono)
                mono_lines += 1
            for mark in straight:
                n = line.text.count(mark)
                if n:
                    in_mono = sum(g.text.count(mark) for g in mono)
                    straight[mark].append({"page": page.number, "count": n, "in_monospace": in_mono})
            if line.kind == "toc":
                continue
            for name, pattern in patterns.items():
                for match in pattern.finditer(line.text):
                    a, b = max(0, match.start() - 25), match.end() + 25
                    found[name].append(
                        {
                            "page": page.number,
                            "kind": line.kind,
                            "mono": line.kind == "pre",
                            "text": _excerpt(line.text[a:b]),
                        }
                    )
    return {
        "capitals": [{"kind": k, "text": t, "pages": pages} for (k, t), pages in caps.items()],
        "straight_quotes": {
            mark: {
                "count": sum(e["count"] for e in entries),
                "in_monospace": sum(e["in_monospace"] for e in entries),
                "pages": sorted({e["page"] for e in entries}),
            }
            for mark, entries in straight.items()
        },
        **found,
        "monospace": {"glyphs": sum(mono_pages.values()), "lines": mono_lines, "pages": sorted(mono_pages)},
    }


def blank_pages(book: Book) -> list[int]:
    return [page.number for page in book.pages if page.glyph_count == 0]


def measure(book: Book) -> dict[str, Any]:
    kinds = Counter(line.kind for page in book.pages for line in page.lines)
    natural = book.spaces.get(book.body_font)
    return {
        "file": str(book.path),
        "pages": len(book.pages),
        "blank_pages": blank_pages(book),
        "body_size_pt": book.body_size,
        "body_font": book.body_font,
        "natural_space_em": {name: round(width, 3) for name, width in sorted(book.spaces.items())},
        "body_natural_space_em": round(natural, 3) if natural is not None else None,
        "lines": {kind: kinds.get(kind, 0) for kind in KINDS},
        "word_spacing": {kind: word_spacing(book, kind) for kind in ("body", "quote", "footnote")},
        "overfull": overfull(book),
        "hyphenation": hyphenation(book),
        "notes": notes(book),
        "display": display(book),
    }


def measure_screen(book: Book) -> dict[str, Any]:
    return {"file": str(book.path), "pages": len(book.pages), "blank_pages": blank_pages(book)}


# --- The table ------------------------------------------------------------------


def page_ranges(pages: Iterable[int]) -> str:
    """``1, 3, 4, 5, 9`` as ``1, 3–5, 9``."""
    ordered = sorted(set(pages))
    parts: list[str] = []
    start = previous = None
    for page in [*ordered, None]:
        if page is not None and previous is not None and page == previous + 1:
            previous = page
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = page
    return ", ".join(parts) if parts else "none"


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}% ({n} of {total})" if total else "n/a"


def format_report(r: dict[str, Any]) -> str:
    out = [f"{Path(r['file']).name}: {r['pages']} pages"]
    row = out.append

    def item(label: str, value: str) -> None:
        row(f"  {label:<30}{value}")

    item("blank pages", f"{len(r['blank_pages'])}: {page_ranges(r['blank_pages'])}")
    natural = r["body_natural_space_em"]
    item(
        "body type",
        f"{r['body_size_pt']:g} pt {r['body_font']}, its space {natural:.3f} em"
        if natural is not None
        else f"{r['body_size_pt']:g} pt {r['body_font']}",
    )
    item("lines", ", ".join(f"{k} {n}" for k, n in r["lines"].items() if n))
    for kind, ws in r["word_spacing"].items():
        if not ws.get("justified_lines"):
            continue
        item(
            f"word space, {kind}",
            f"{ws['justified_lines']} justified lines: median {ws['median_em']:.3f} em, "
            f"p90 {ws['p90_em']:.3f}, max {ws['max_em']:.3f} ({ws['max_where']})",
        )
        item("", f"over {LOOSE_EM} em: {_share(ws['over_limit'], ws['justified_lines'])}")
        if kind == "body":
            item("", f"max line: {ws['max_text']}")
    if r["overfull"]:
        item(
            "past the right edge", f"{len(r['overfull'])} lines, pages {page_ranges(o['page'] for o in r['overfull'])}"
        )
    h = r["hyphenation"]
    item("hyphenated lines", f"{_share(h['hyphenated'], h['text_lines'])} of body and quote lines")
    first, last = h["longest_run_page"], h["longest_run_end_page"]
    pages = f"p. {first}" if first == last else f"pp. {first}–{last}"
    item("", f"longest run {h['longest_run']}" + (f" ({pages})" if h["longest_run"] else ""))
    item("", f"lines ending at a source hyphen: {h['source_hyphen_ends']}")
    item("", f"notes: {_share(h['note_lines_hyphenated'], h['note_lines'])}")
    item("word split at a recto foot", _list(f"{e['where']}: …{e['text'][-25:]}" for e in h["recto_foot"]))
    item("hyphenated headings", _list(f"p. {e['page']} {e['kind']}: {e['text']}" for e in h["headings"]))
    n = r["notes"]
    item("notes", f"{n['calls']} calls, {n['notes']} notes")
    if n["pages"]:
        item("", "labels: " + "; ".join(f"p{e['page']}: {','.join(e['notes']) or '-'}" for e in n["pages"]))
    item(
        "notes off their call's page",
        _list(
            f"call {e['label']} on p. {e['call_page']}, note on p. {e['note_page']}"
            if e["call_page"] is not None
            else f"note {e['label']} on p. {e['note_page']} without a call on its page"
            for e in n["off_page"]
        ),
    )
    item("a note's second call", _list(f"{e['label']} on p. {e['page']}" for e in n["called_twice"]))
    item(
        "calls starting a line", _list(f"{e['label']} on p. {e['page']}: {e['text']}" for e in n["calls_at_line_start"])
    )
    for shape in n["call_shapes"]:
        item(
            "call size and rise",
            f"{shape['size_pt']:g} pt ({shape['of_line']:.2f} of the line), "
            + ("superior figures" if shape["superior"] else f"raised {shape['rise_em']:.2f} em")
            + f", figures {shape['figure_height_pt']:g} pt high: {shape['count']} calls",
        )
    d = r["display"]
    item(
        "capitals in heads/headings",
        _list(f"{c['kind']} {c['text']!r} ×{len(c['pages'])} (p. {page_ranges(c['pages'])})" for c in d["capitals"]),
    )
    for mark, s in d["straight_quotes"].items():
        item(
            f"straight {mark}",
            f"{s['count']}"
            + (f" ({s['in_monospace']} in monospace), pages {page_ranges(s['pages'])}" if s["count"] else ""),
        )
    for name in ("four_dot_ellipsis", "underscore", "double_hyphen"):
        entries = d[name]
        label = name.replace("_", " ")
        if not entries:
            item(label, "0")
            continue
        mono = sum(e["mono"] for e in entries)
        first = next((e for e in entries if not e["mono"]), entries[0])
        item(
            label,
            f"{len(entries)} ({mono} in monospace), pages {page_ranges(e['page'] for e in entries)}: {first['text']!r}",
        )
    m = d["monospace"]
    item("monospace", f"{m['glyphs']} glyphs on {m['lines']} lines, {len(m['pages'])} pages: {page_ranges(m['pages'])}")
    return "\n".join(out)


def _list(items: Iterable[str], limit: int = 8) -> str:
    entries = list(items)
    if not entries:
        return "none"
    shown = "; ".join(entries[:limit])
    return f"{len(entries)}: {shown}" + (f"; … {len(entries) - limit} more" if len(entries) > limit else "")


def format_page(book: Book, page: Page) -> str:
    """A page's lines as the classifier sees them: kind, justified (J), size,
    baseline, start and end, mean word space in em, text."""
    out = [
        f"{book.path.name} p. {page.number}: {len(page.lines)} lines, rules at {[round(r.y, 1) for r in page.rules]}"
    ]
    for line in page.lines:
        mean = line.mean_space_em()
        space = f"{mean:.3f}" if mean is not None else "  -  "
        out.append(
            f"  {line.kind:<8} {'J' if line.justified else ' '} {line.size:5.2f} {line.baseline:6.1f} "
            f"{line.x0:6.1f}-{line.x1:6.1f} {space} {_excerpt(line.text, 70)}"
        )
    return "\n".join(out)


def format_screen(r: dict[str, Any]) -> str:
    return f"{Path(r['file']).name}: {r['pages']} pages, {len(r['blank_pages'])} blank: {page_ranges(r['blank_pages'])}"


# --- Building the measured books ------------------------------------------------

CORPUS = ROOT / "tests" / "corpus"
# The print editions of the corpus texts: (edition, folder, text, trim).
CORPUS_BOOKS = (
    ("engels", "01-pg-engels-socialism-utopian-scientific", "39257-8.txt", "5.5x8.5"),
    ("bradley", "02-pg-bradley-enclosures-in-england", "29258.txt", "6x9"),
    ("obrien", "03-pg-obrien-mediaeval-economic-teaching", "13488-8.txt", "5.5x8.5"),
)


def corpus_config() -> str:
    """A config marking each corpus text for print, as tests/conftest.py's CORPUS_CONFIG does."""
    return "".join(
        f'\n[[edition]]\nname = "{name}"\nsources = ["{text}"]\n'
        f'[edition.metadata]\ndate = "2026-11-25"\nprint_identifier = "urn:editionbuilder:typography:{name}"\n'
        f'[edition.print]\nenabled = true\ntrim = "{trim}"\n'
        for name, _, text, trim in CORPUS_BOOKS
    )


def build_books(work: Path) -> list[str]:
    """Build the anthology and the corpus print editions into ``work/books``
    with the editionbuilder command; the names of the editions built."""
    books = work / "books"
    project = work / "corpus"
    project.mkdir(parents=True, exist_ok=True)
    for _, folder, text, _ in CORPUS_BOOKS:
        shutil.copyfile(CORPUS / folder / text, project / text)
    (project / "editions.toml").write_text(corpus_config(), encoding="utf-8")
    command = [sys.executable, "-m", "editionbuilder", "build", "--out", str(books)]
    log = work / "build.log"
    with log.open("w", encoding="utf-8") as handle:
        for config, extra in ((ROOT / "editions.toml", ["--edition", "anthology"]), (project / "editions.toml", [])):
            print(f"==> building {config} into {books} (log: {log})", file=sys.stderr, flush=True)
            handle.flush()
            done = subprocess.run(
                [*command, "--config", str(config), *extra], stdout=handle, stderr=subprocess.STDOUT, check=False
            )
            if done.returncode != 0:
                raise SystemExit(f"the build failed (exit {done.returncode}): see {log}")
    return ["anthology", *(name for name, *_ in CORPUS_BOOKS)]


# --- Command line ------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path, help="press PDFs (screen PDFs with --screen)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--screen", action="store_true", help="screen PDFs: report blank pages only")
    parser.add_argument("--build", action="store_true", help="build the anthology and the corpus print editions first")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "typography", help="--build's folder")
    parser.add_argument("--page", type=int, action="append", default=[], help="print page N's lines as classified")
    args = parser.parse_args(argv)
    if args.page:
        for path in args.pdfs:
            book = read_book(path)
            for number in args.page:
                print(format_page(book, book.pages[number - 1]))
        return 0
    press, screen = list(args.pdfs if not args.screen else []), list(args.pdfs if args.screen else [])
    if args.build:
        names = build_books(args.work)
        press += [args.work / "books" / f"{name}-press.pdf" for name in names]
        screen += [args.work / "books" / f"{name}.pdf" for name in names]
    if not press and not screen:
        parser.error("name PDFs, or --build")
    reports: list[dict[str, Any]] = []
    tables: list[str] = []
    for path in press:
        reports.append(measure(read_book(path)))
        tables.append(format_report(reports[-1]) + "\n")
        if not args.json:
            print(tables[-1], flush=True)
    for path in screen:
        reports.append(measure_screen(read_book(path)))
        tables.append(format_screen(reports[-1]))
        if not args.json:
            print(tables[-1], flush=True)
    as_json = json.dumps(reports, indent=2, ensure_ascii=False)
    if args.json:
        print(as_json)
    if args.build:
        (args.work / "typography.txt").write_text("\n".join(tables) + "\n", encoding="utf-8")
        (args.work / "typography.json").write_text(as_json + "\n", encoding="utf-8")
        print(f"(written to {args.work}/typography.txt and .json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
