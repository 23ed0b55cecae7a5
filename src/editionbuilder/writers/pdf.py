"""Print PDFs: the only module that imports WeasyPrint.

A book's HTML comes from the shared templates (``print_book.html.j2``,
laid out by ``printview``) and is set with ``base.css``, ``print.css`` and a
medium sheet (``screen.css`` or ``press.css``), plus a stylesheet made from
the options: the page geometry (``pagesetup``) and the font faces.
Footnotes are printed in place and float to the foot of their page
(``float: footnote``). The book is typeset part by part and the parts kept
between builds (``typeset``); this module lays out one document
(``render_document``) and reads what the book needs from its layout boxes:
anchors, notes set off their page, the running text by page.

Two profiles of one book (``BookProfile``): the screen PDF written here
(``NAME.pdf``: links, bookmarks, tagged PDF/UA-1, sRGB) and the press PDF
(``press.py``: PDF/X-4, CMYK, no links).

Fonts are declared face by face with explicit files (RECIPES.md): asking
fontconfig for "EB Garamond" gets the 08 caption cut and a faked bold. A
missing file is a ``RenderError`` naming it, before anything is rendered.
Nothing is fetched from the network: the URL fetcher serves only local files
under the project, the stylesheet folders and the font folders.
"""

from __future__ import annotations

import errno
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.formatting_structure import boxes as wboxes
from weasyprint.layout import block as wblock
from weasyprint.layout.percent import resolve_one_percentage
from weasyprint.logger import LOGGER, PROGRESS_LOGGER
from weasyprint.text import line_break as wlines
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import codes, templating
from ..diagnostics import Diagnostics, OutputError, RenderError
from ..fsutil import atomic_write_bytes
from ..model import Edition
from ..options import PrintOptions
from . import WriteContext, html, linebreak, pagelist, pagesetup, printview
from .callfigures import call_css
from .view import Medium

Progress = Callable[[str], None]

EBGARAMOND = "/usr/share/fonts/opentype/ebgaramond"
TEXT_FAMILY = "Edition Text"
BOLD_FAMILY = "Edition Text Bold"
MONO_FAMILY = "Edition Mono"
BOLD_SELECTORS = "strong, b, dfn, .note-label"  # dfn: a glossary term (base.css sets it bold)
# Debian's libgs-common: a v2 SWOP CMYK printer profile (RECIPES.md).
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
# The XMP DocumentID WeasyPrint writes for PDF/X-4: "xmp.did:" and a random UUID.
_XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


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


class LocalFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and refuses everything else."""

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols=("file",))
        self.roots = tuple(Path(r).resolve() for r in roots)

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise ValueError(f"refusing to fetch {url}: only local files are used")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"refusing to fetch {path}: outside the project, styles and fonts")
        return super().fetch(url, headers)


@dataclass(frozen=True, slots=True)
class PressProfile:
    """PDF/X output for a printer: the variant, the CMYK ICC profile embedded
    as the output intent, and a fixed XMP DocumentID (a UUID string).

    WeasyPrint writes an output intent only when CSS loads a profile with
    ``@color-profile device-cmyk``, and a random DocumentID for PDF/X-4; the
    document must also carry ``dcterms.created``/``dcterms.modified`` meta
    tags, or PDF/X stamps the current time (RECIPES.md).
    """

    document_id: str
    variant: str = "pdf/x-4"
    icc: Path = CMYK_PROFILE


@dataclass(frozen=True)
class PdfJob:
    """One HTML document to render: its stylesheets (files, then a generated
    one) and fonts; local files are served from the project, the stylesheet
    folders and the font folders only. ``variant`` is WeasyPrint's
    ``pdf_variant`` for a file that is not a press file ("pdf/ua-1");
    ``geometry`` with bleed makes the writer set each page's TrimBox."""

    source: str
    sheets: tuple[Path, ...]
    extra_css: str
    fonts: tuple[FontFace, ...]
    project_dir: Path
    press: PressProfile | None = None  # None: a plain PDF
    variant: str = ""
    geometry: pagesetup.PageGeometry | None = None
    part_css: str = ""  # a stylesheet of this document's own, parsed for it alone
    # Paragraphs (``text_key``) that keep WeasyPrint's greedy breaks: a
    # second layout's remedy for a note set off its call's page.
    greedy: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class MisplacedNote:
    """A footnote set on another page than its call (pages of the file)."""

    label: str
    call_page: int
    note_page: int
    part: str  # the id of the book part (section) holding the call


@dataclass
class Rendered:
    """A laid-out document, before it is written: its pages can be counted
    and searched for element ids before the bytes are made."""

    document: weasyprint.Document
    job: PdfJob
    diagnostics: Diagnostics

    @property
    def pages(self) -> int:
        return len(self.document.pages)

    def anchor_pages(self) -> dict[str, int]:
        """Element id -> the number (from 1) of the page it is on."""
        found: dict[str, int] = {}
        for number, page in enumerate(self.document.pages, start=1):
            for anchor in page.anchors:
                found.setdefault(anchor, number)
        return found

    def overflowing_text(self) -> list[tuple[int, str]]:
        """(page number, text) of every text run laid out past the page's
        edge, where the PDF cuts it off: a string with no break that the
        writer could not fit (the body text breaks the long ones)."""
        found = []
        for number, page in enumerate(self.document.pages, start=1):
            box = page._page_box
            width, height = box.margin_width(), box.margin_height()
            stack = list(box.children)
            while stack:  # a loop: boxes nest as deeply as the text's structure
                b = stack.pop()
                if isinstance(b, wboxes.TextBox) and b.text.strip():
                    right, bottom = b.position_x + b.margin_width(), b.position_y + b.margin_height()
                    if b.position_x < -0.5 or right > width + 0.5 or bottom > height + 0.5:
                        found.append((number, b.text))
                stack.extend(getattr(b, "children", ()) or ())
        return found

    def most_notes_on_a_page(self) -> int:
        """The largest number of footnotes any page of the layout holds."""
        areas = (
            c for page in self.document.pages for c in page._page_box.children if isinstance(c, wboxes.FootnoteAreaBox)
        )
        return max((len(area.children) for area in areas), default=0)

    def paragraphs_on(self, numbers: set[int]) -> frozenset[tuple[str, str]]:
        """The paragraphs (``text_key``) with lines on pages ``numbers`` (of the file)."""
        found: set[tuple[str, str]] = set()

        def walk(box) -> None:
            children = getattr(box, "children", ()) or ()
            if any(isinstance(c, wboxes.LineBox) for c in children):
                found.add(text_key(getattr(box, "element", None)))
            for child in children:
                if not isinstance(child, wboxes.LineBox):
                    walk(child)

        for number, page in enumerate(self.document.pages, start=1):
            if number in numbers:
                walk(page._page_box)
        return frozenset(found)

    def misplaced_notes(self) -> list[MisplacedNote]:
        """Every footnote set on another page than its call's, from the
        layout boxes: the call is the ``::footnote-call`` box of the note's
        element, the note a child of the page's footnote area."""
        calls: dict[str, tuple[int, str]] = {}  # note id -> (page, part id)
        notes: dict[str, int] = {}
        labels: dict[str, str] = {}

        def find_calls(box, number: int, part: str) -> None:
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", "") or ""
            if tag == "section" and element is not None and "part" in (element.get("class") or "").split():
                part = element.get("id") or part
            if tag.endswith("::footnote-call") and element is not None:
                calls.setdefault(element.get("id") or "", (number, part))
            for child in getattr(box, "children", ()) or ():
                find_calls(child, number, part)

        for number, page in enumerate(self.document.pages, start=1):
            for child in page._page_box.children:
                if isinstance(child, wboxes.FootnoteAreaBox):
                    for note in child.children:
                        if getattr(note, "element", None) is not None and note.element.get("id"):
                            notes.setdefault(note.element.get("id"), number)
                            labels[note.element.get("id")] = note.element.get("data-label") or "?"
                elif not isinstance(child, wboxes.MarginBox):
                    find_calls(child, number, "")
        return [
            MisplacedNote(labels[note], page, notes[note], part)
            for note, (page, part) in calls.items()
            if note in notes and notes[note] != page
        ]

    def flow(self) -> Flow:
        """The document's main-flow words, page by page, read from the layout
        boxes it was made of (no second layout, no text extraction): the
        index of each page's first word, its printed folio, whether it
        carries text, and the part each word is in."""
        printed, starts, inked = [], [], []
        text = _FlowText()
        for page in self.document.pages:
            box = page._page_box  # WeasyPrint 70: the laid-out PageBox
            printed.append(_folio(box))
            starts.append(len(text.words))
            flow = [c for c in box.children if not isinstance(c, (wboxes.MarginBox, wboxes.FootnoteAreaBox))]
            inked.append(any("".join(_texts_in(c)).strip() for c in flow))
            for child in flow:
                text.add_block(child)
        return Flow(tuple(text.words), tuple(starts), tuple(printed), tuple(inked), tuple(text.parts))

    def part_pdf(self) -> bytes:
        """The PDF of one part of a book (``typeset``): a link to an anchor of
        another part is kept by naming that anchor at the part's last page
        (the assembled book sends it to the right page: ``assemble``)."""
        anchors = self.anchor_pages()
        missing = sorted(
            {
                target
                for page in self.document.pages
                for kind, target, *_ in page.links
                if kind == "internal" and target not in anchors
            }
        )
        last = self.document.pages[-1]
        for name in missing:
            last.anchors[name] = (0, 0, 0, 0)
        try:
            return self.pdf()
        finally:
            for name in missing:
                del last.anchors[name]

    def pdf(self) -> bytes:
        """The PDF bytes."""
        with _log_to(self.diagnostics), _as_render_error():
            return self.document.write_pdf(**_write_options(self.job))


@dataclass(frozen=True, slots=True)
class Flow:
    """The running text of a typeset document, page by page (``Rendered.flow``)."""

    words: tuple[str, ...]
    starts: tuple[int, ...]  # per page: the index of the first word that begins on it
    printed: tuple[str, ...]  # per page: the folio printed on it ("" none)
    inked: tuple[bool, ...]  # per page: whether it carries any text
    parts: tuple[str, ...]  # per word: the key of the book part it is in

    def layout(self, source: str) -> pagelist.PrintLayout:
        """Where each page begins among the words (``pagelist``), every
        page's folio inferred from the ones printed."""
        folios = pagelist.infer_folios(self.printed)
        ends = [*self.starts[1:], len(self.words)]
        pages = tuple(
            pagelist.PrintedPage(n, folios[n - 1], start, end - start, self.inked[n - 1])
            for n, (start, end) in enumerate(zip(self.starts, ends, strict=True), start=1)
        )
        return pagelist.PrintLayout(source, self.words, pages, self.parts)


# WeasyPrint's hyphenate-character (print.css leaves the default): a line
# that ends with it was hyphenated by the layout, and its word goes on.
HYPHENATE_CHARACTER = "\u2010"


class _FlowText:
    """Words of the main flow, line by line, as ``Rendered.flow``
    walks the pages: text boxes of one line are joined as they are (spaces
    are in the text), lines and blocks are separated by a space unless the
    line ended with a hyphen the layout added. Generated text is left out:
    a box of a pseudo-element (note calls ``::footnote-call``, list
    ``::marker``, leaders and page references ``::after``) and all inside it.
    So is a printed table of contents (``role="doc-toc"``): the EPUB has
    its own, in the nav, so the print contents page has no words to align
    and its marker goes where the text after it begins.
    A word belongs to the page its first letter is on."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self.parts: list[str] = []  # the id of the part (``section.part``) each word is in
        self._part = ""
        self._open = False  # the last word continues on the next line (hyphenated)

    def add_block(self, box) -> None:
        if "::" in (getattr(box, "element_tag", "") or ""):
            return
        element = getattr(box, "element", None)
        if element is not None and element.get("role") == "doc-toc":
            return
        if (
            element is not None
            and getattr(box, "element_tag", "") == "section"
            and "part" in (element.get("class") or "").split()
        ):
            self._part = element.get("id") or ""
        if isinstance(box, wboxes.LineBox):
            self._add_line("".join(self._texts(box)))
            return
        for child in getattr(box, "children", ()):
            self.add_block(child)

    def _texts(self, box) -> Iterator[str]:
        if "::" in (getattr(box, "element_tag", "") or ""):
            return
        if isinstance(box, wboxes.TextBox):
            yield box.text
        for child in getattr(box, "children", ()) or ():
            yield from self._texts(child)

    def _add_line(self, line: str) -> None:
        # A soft hyphen is kept in the text of a line hyphenated at it
        # (before the hyphen the layout adds) and draws nothing.
        line = line.replace(linebreak.SOFT_HYPHEN, "")
        end = line.rstrip()
        # Broken by the layout with a hyphen it added ("pro-|duced"), or
        # after a word's own hyphen ("self-|restraining"): the word goes on.
        hyphenated = end.endswith(HYPHENATE_CHARACTER) or (end.endswith("-") and end[-2:-1].isalpha())
        if end.endswith(HYPHENATE_CHARACTER):
            line = end[:-1]
        parts = line.split()
        if not parts:
            return
        if self._open and self.words and not line[:1].isspace():
            self.words[-1] += parts.pop(0)
        self.words.extend(parts)
        self.parts.extend([self._part] * len(parts))
        self._open = hyphenated


def _folio(page_box) -> str:
    """The folio printed at the foot of a page ("" for none)."""
    for child in page_box.children:
        if isinstance(child, wboxes.MarginBox) and child.at_keyword == "@bottom-center":
            return "".join(_texts_in(child)).strip()
    return ""


def _texts_in(box) -> Iterator[str]:
    """Every text of ``box`` and its descendants, generated text included."""
    if isinstance(box, wboxes.TextBox):
        yield box.text
    for child in getattr(box, "children", ()) or ():
        yield from _texts_in(child)


def render_document(
    job: PdfJob, diagnostics: Diagnostics, progress: Progress | None = None, first_page: int = 1
) -> Rendered:
    """Lay out ``job``; WeasyPrint's warnings become diagnostics, and the
    book's page count so far goes to ``progress`` (every ``PAGE_STEP``
    pages; ``first_page``: the book's page the document begins on)."""
    with _log_to(diagnostics), _pages_to(progress, first_page - 1), _as_render_error(), _even_spacing(job.greedy):
        styles = _styles(job)
        # Colour profiles are made anew for each document: WeasyPrint writes
        # a profile's bytes from its object, and a second writing of one
        # object gives other bytes (the file would not be reproducible).
        profiles: dict = dict(styles.profiles)  # (a user's sheet's own, parsed for this document alone)
        own = _press_css(job.press) + job.part_css
        css = [
            *styles.css,
            *(
                [
                    weasyprint.CSS(
                        string=own, url_fetcher=styles.fetcher, font_config=styles.fonts, color_profiles=profiles
                    )
                ]
                if own
                else []
            ),
        ]
        document = weasyprint.HTML(
            string=job.source, base_url=str(job.project_dir.resolve()), url_fetcher=styles.fetcher
        )
        options = {k: v for k, v in _write_options(job).items() if k != "finisher"}
        rendered = document.render(stylesheets=css, font_config=styles.fonts, color_profiles=profiles, **options)
    return Rendered(rendered, job, diagnostics)


# --------------------------------------------------------------------------
# Even word spacing: each justified paragraph's breaks chosen as a whole
# --------------------------------------------------------------------------

# WeasyPrint breaks lines greedily (layout/inline.py). While a document is
# laid out, ``_even_spacing`` wraps the function that lays out the lines of
# a block (``iter_line_boxes``, as layout/block.py calls it): before the
# first line of a justified paragraph, its text boxes are measured with
# WeasyPrint's own shaping (Pango over HarfBuzz, the embedded faces), the
# breaks chosen by ``linebreak.plan`` and written into the boxes (no-break
# spaces, soft hyphens, and the text before the last line cut into a box of
# its own with narrower word spacing), so the greedy breaker finds no other
# break and lays out the chosen lines. Only the boxes change: the HTML and
# the EPUB are untouched. The internals it relies on are WeasyPrint 70's;
# with another major version the paragraphs are broken greedily, as before.
_PLANNED_ENGINE = "70"


class _Unplannable(Exception):
    """Inline content the breaker does not model (an inline block, an image,
    a preserved line break, text that does not wrap): broken greedily."""


@dataclass
class _Paragraphs:
    """One document's planned paragraphs, by their line box's id."""

    shaper: _Shaper
    greedy: frozenset[tuple[str, str]] = frozenset()  # paragraphs broken greedily (``text_key``)
    done: dict[int, _Planned] = field(default_factory=dict)


class _Shaper:
    """Widths of text in a box's style, shaped by Pango as WeasyPrint shapes
    it (``Measure`` of ``linebreak``); fonts are keyed by their style."""

    def __init__(self) -> None:
        self.styles: dict[str, object] = {}
        self.widths: dict[tuple[str, str], float] = {}
        self.context: object = None

    def font(self, style) -> str:
        key = wlines._font_style_cache_key(style, include_size=True) + repr(
            (style["letter_spacing"], style["word_spacing"])
        )
        self.styles.setdefault(key, style)
        return key

    def __call__(self, text: str, font) -> float:
        width = self.widths.get((font, text))
        if width is None:
            style = self.styles[font]
            layout = wlines.create_layout(text, style, self.context, None, 0)
            line, _ = layout.get_first_line()
            width = self.widths[(font, text)] = wlines.line_size(line, style)[0]
            layout.deactivate()
        return width


@contextmanager
def _even_spacing(greedy: frozenset[tuple[str, str]] = frozenset()) -> Iterator[None]:
    """Lay out justified paragraphs with ``linebreak``'s breaks (above), but
    for the paragraphs of ``greedy`` (``text_key``)."""
    original = wblock.iter_line_boxes
    if weasyprint.__version__.split(".")[0] != _PLANNED_ENGINE:
        yield
        return
    state = _Paragraphs(_Shaper(), greedy)

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack, containing_block, *args):
        if skip_stack is None:
            state.shaper.context = context
            _plan(state, box, containing_block)
        return original(context, box, position_y, bottom_space, skip_stack, containing_block, *args)

    wblock.iter_line_boxes = iter_line_boxes
    try:
        yield
    finally:
        wblock.iter_line_boxes = original


def _plan(state: _Paragraphs, linebox, block) -> None:
    """Choose the breaks of ``linebox`` (a justified block's lines) and write
    them into its text boxes; once per width it is laid out at."""
    width = block.width
    if block.style["text_align_all"] != "justify" or not isinstance(width, (int, float)) or width <= 0:
        return
    done = state.done.get(id(linebox))
    if done is not None:
        if done.width == width:
            return
        done.restore()  # laid out at another width: plan again
    try:
        if state.greedy and text_key(linebox.element) in state.greedy:
            raise _Unplannable
        pieces = list(_runs(linebox, state.shaper))
    except _Unplannable:
        state.done[id(linebox)] = _Planned(width, linebox)
        return
    resolve_one_percentage(linebox, "text_indent", width)
    joined = "".join(run.text for _, _, run in pieces)
    attrs = wlines.get_log_attrs(joined, linebox.style["lang"])
    total, left, right = linebox.style["hyphenate_limit_chars"]
    paragraph = linebreak.Paragraph(
        runs=tuple(run for _, _, run in pieces),
        first_width=width - linebox.text_indent,
        width=width,
        opportunities=frozenset(i for i in range(1, len(joined)) if attrs[i].is_line_break),
        limits=(total, left, right),
    )
    planned = state.done[id(linebox)] = _Planned(width, linebox)
    breaks = linebreak.plan(paragraph, state.shaper)
    if breaks is not None:
        for r, (text_box, parent, run) in enumerate(pieces):
            if text_box is not None:
                planned.write(text_box, parent, breaks.pieces(r, run.text), state.shaper(" ", run.font))


@dataclass
class _Planned:
    """A paragraph planned for a width: its text boxes' original texts and
    styles, and the original children of the boxes holding them. It keeps
    its line box alive: paragraphs are known by the box's id, which a box
    made and dropped during layout would otherwise pass on to another."""

    width: float
    linebox: Any
    boxes: list[tuple[Any, str, Any]] = field(default_factory=list)
    parents: list[tuple[Any, Any]] = field(default_factory=list)

    def write(self, text_box, parent, pieces: Sequence[tuple[str, bool]], space: float) -> None:
        """Set ``text_box`` as ``pieces`` (text, set with narrower spaces), a
        text box each; the breaker's soft hyphens are the only hyphenations."""
        style = text_box.style
        self.boxes.append((text_box, text_box.text, style))
        boxes: list[Any] = []
        for text, narrow in pieces:
            if not text:
                continue
            box = text_box.copy_with_text(text) if boxes else text_box
            box.text, box.style = text, style.copy()
            box.style["hyphens"] = "manual"
            if narrow:
                box.style["word_spacing"] = float(box.style["word_spacing"] or 0) - linebreak.SHRINK * space
            boxes.append(box)
        if len(boxes) > 1:
            self.parents.append((parent, parent.children))
            children = list(parent.children)
            at = next(i for i, child in enumerate(children) if child is text_box)
            parent.children = [*children[:at], *boxes, *children[at + 1 :]]

    def restore(self) -> None:
        for parent, children in reversed(self.parents):
            parent.children = children
        for text_box, text, style in self.boxes:
            text_box.text, text_box.style = text, style
        self.boxes.clear()
        self.parents.clear()


def _runs(box, shaper: _Shaper) -> Iterator[tuple[Any, Any, linebreak.Run]]:
    """The in-flow inline content of ``box`` in order: each text box (with
    the box holding it) as a run, and the sides of inline elements as fixed
    widths."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue  # a footnote, a float: set elsewhere
        if isinstance(child, wboxes.TextBox):
            style = child.style
            if style["white_space"] != "normal" or any(c in child.text for c in "\n\t\u00ad\u200b"):
                raise _Unplannable
            lang = style["lang"] if style["hyphens"] == "auto" and style["lang"] else ""
            yield child, box, linebreak.Run(child.text, shaper.font(style), lang)
        elif isinstance(child, wboxes.InlineBox):
            yield None, box, linebreak.Run(width=_side(child.style, "left"))
            yield from _runs(child, shaper)
            yield None, box, linebreak.Run(width=_side(child.style, "right"))
        else:
            raise _Unplannable


TEXT_KEY_CHARS = 80


def text_key(element) -> tuple[str, str]:
    """A paragraph known in any layout of the same HTML: its tag and the
    opening of its text (two paragraphs opening alike are both matched,
    which only costs evenness)."""
    if element is None:
        return ("", "")
    return (str(element.tag), "".join(element.itertext())[:TEXT_KEY_CHARS])


def _side(style, side: str) -> float:
    """An inline element's margin, border and padding on one side, in px."""
    total = float(style[f"border_{side}_width"] or 0)
    for name in (f"margin_{side}", f"padding_{side}"):
        value = style[name]
        if value == "auto" or getattr(value, "value", 0) == 0:
            continue
        if getattr(value, "unit", None) != "px":
            raise _Unplannable
        total += value.value
    return total


@dataclass(frozen=True)
class _Styles:
    """Stylesheets parsed once for every document of a book (the files and
    the options' sheet, not the colour profiles: ``render_document``), the
    font configuration they load their faces into, and the URL fetcher."""

    fonts: FontConfiguration
    css: tuple
    fetcher: LocalFetcher
    profiles: dict


_PARSED: dict[tuple, _Styles] = {}  # the stylesheets of the books laid out lately, by what they were made of
_PARSED_KEEP = 4


def _styles(job: PdfJob) -> _Styles:
    """The parsed stylesheets of ``job`` (its files and ``extra_css``), from
    the last books' if one had the same; a book's parts share them. Sheets
    that load a colour profile themselves are parsed for each document."""
    key = (
        job.sheets,
        tuple(p.stat().st_mtime_ns for p in job.sheets),
        job.extra_css,
        job.fonts,
        job.press,
        str(job.project_dir),
    )
    if key in _PARSED:
        return _PARSED[key]
    roots = [
        job.project_dir,
        templating.STYLE_DIR,
        *(p.parent for p in job.sheets),
        *(Path(f.path).parent for f in job.fonts),
        *([job.press.icc.parent] if job.press else []),
    ]
    fetcher, fonts = LocalFetcher(roots), FontConfiguration()
    profiles: dict = {}  # WeasyPrint's colour profiles by name, filled as the sheets are parsed
    css = [
        weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=fonts, color_profiles=profiles)
        for p in job.sheets
    ]
    css.append(weasyprint.CSS(string=job.extra_css, url_fetcher=fetcher, font_config=fonts, color_profiles=profiles))
    styles = _Styles(fonts, tuple(css), fetcher, profiles)
    if not profiles:
        while len(_PARSED) >= _PARSED_KEEP:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = styles
    return styles


def render_pdf(job: PdfJob, diagnostics: Diagnostics) -> bytes:
    """The PDF of ``job`` in memory.

    Shared by the interior and the cover (writers/cover.py), so that
    WeasyPrint is imported here only.
    """
    return render_document(job, diagnostics).pdf()


# Errors by which the machine refuses a write: a full disk or quota, a
# file-size limit, a read-only file system, no permission.
_MACHINE_REFUSED = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM})


@contextmanager
def _as_render_error() -> Iterator[None]:
    try:
        yield
    except RenderError:
        raise
    except OSError as exc:
        if exc.errno in _MACHINE_REFUSED:  # not the book's fault: the disk's
            raise OutputError(f"PDF rendering could not write: {exc.strerror}") from exc
        raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # a WeasyPrint failure is not the user's traceback
        raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc


def _press_css(press: PressProfile | None) -> str:
    """The output intent's profile, loaded as WeasyPrint's device-cmyk space."""
    if press is None:
        return ""
    return (
        f"@color-profile device-cmyk {{ src: url({press.icc.as_uri()}); "
        "components: c, m, y, k; }\n"
    )  # without components WeasyPrint crashes


def _write_options(job: PdfJob) -> dict:
    """write_pdf options: the variant, and a finisher that replaces
    WeasyPrint's random XMP DocumentID (PDF/X-4) and sets the boxes of
    pages with bleed, before the file ID is hashed."""
    press, g = job.press, job.geometry
    if press is None:
        return {"pdf_variant": job.variant} if job.variant else {}
    fixed = b"xmp.did:" + press.document_id.encode("ascii")

    def finisher(_document, pdf) -> None:
        for obj in pdf.objects:
            chunks = getattr(obj, "stream", None)
            if chunks and getattr(obj, "extra", {}).get("Type") == "/Metadata":
                obj.stream = [
                    _XMP_DOCUMENT_ID.sub(fixed, c if isinstance(c, bytes) else str(c).encode()) for c in chunks
                ]
        if g is not None and g.bleed_in:
            _set_boxes(pdf, g)

    return {"pdf_variant": press.variant, "finisher": finisher}


def _set_boxes(pdf, g: pagesetup.PageGeometry) -> None:
    """TrimBox at the trim, BleedBox the whole page, page by page (the
    arrays WeasyPrint made are changed in place: pydyf stays WeasyPrint's)."""
    pages = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"]
    for index, page in enumerate(pages):
        page["TrimBox"][:] = pagesetup.trim_box_pt(g, index)
        page["BleedBox"][:] = pagesetup.media_box_pt(g)


# --------------------------------------------------------------------------
# The book: one profile, rendered with the gutter its page count needs
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookProfile:
    """What differs between the screen and the press PDF of one book."""

    medium: Medium
    sheet: str  # the medium's stylesheet: colours, bookmarks
    variant: str = ""  # pdf_variant of a screen file
    press: PressProfile | None = None
    bleed: bool = False
    pad_even: bool = False  # count pages as if a blank verso closed an odd book
    # Every part of the text opens on a recto, after a blank verso where the
    # part before ends on a recto (a printed book). False (the screen PDF):
    # a part opens on the next page, whichever side, and no page is blank.
    recto_openings: bool = True


SCREEN_PROFILE = BookProfile(printview.SCREEN, "screen.css", "pdf/ua-1", recto_openings=False)


@dataclass(frozen=True)
class PdfWriter:
    """The screen PDF writer (``NAME.pdf``); ``fonts`` and ``stylesheets``
    can be swapped (tests, themes). ``press.PressWriter`` shares ``render``."""

    fonts: tuple[FontFace, ...] = DEFAULT_FONTS
    stylesheets: tuple[str, ...] = ("base.css", "print.css")
    profile: BookProfile = field(default=SCREEN_PROFILE)

    def __call__(self, edition: Edition, out: Path, ctx: WriteContext) -> None:
        atomic_write_bytes(out, self.render(edition, ctx).pdf)

    def render(self, edition: Edition, ctx: WriteContext, keep_layouts: bool = False):
        """The typeset book (``typeset.TypesetBook``), part by part;
        ``keep_layouts``: with each part's WeasyPrint document."""
        from .typeset import typeset_book

        check_fonts(self.fonts)
        extra = ctx.override_dirs
        sheets = tuple(templating.find_stylesheet(name, extra) for name in (*self.stylesheets, self.profile.sheet))
        return typeset_book(edition, ctx, self.profile, sheets, self.fonts, keep_layouts)


write_pdf = PdfWriter()


def engine_version() -> str:
    """The typesetting engine and its version (a typeset part's cache key)."""
    return f"WeasyPrint {weasyprint.__version__}"


def created(epoch: int) -> str:
    """The build's timestamp as a W3C date-time (dcterms.created)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_fonts(fonts: Sequence[FontFace]) -> None:
    """Refuse to render with a font file missing: fontconfig would substitute silently."""
    for face in fonts:
        if not Path(face.path).is_file():
            raise RenderError(
                f"font file not found: {face.path} ({face.family}, {face.style}, "
                f"{face.weight}); install it or change the font configuration"
            )


def render_html(
    edition: Edition, extra_dirs: Sequence[str] = (), medium: Medium = printview.PRINT, created_at: str = ""
) -> str:
    """The whole book as one HTML document, from the shared templates (the
    book the benchmark gives plain WeasyPrint; the writers typeset it part
    by part: ``typeset``)."""
    lay = printview.book_layout(edition, medium)
    return parts_html(lay, lay.reading_order, edition, extra_dirs, created_at)


def parts_html(lay, parts: Sequence, edition: Edition, extra_dirs: Sequence[str], created_at: str) -> str:
    """An HTML document of some parts of a book laid out as ``lay``."""
    md = edition.metadata
    return templating.render(
        "print_book.html.j2",
        extra_dirs,
        parts=parts,
        v=lay.view,
        title=md.title or html.LABELS["untitled"],
        authors=md.authors,
        created=created_at,
    )


def page_css(options: PrintOptions, fonts: Sequence[FontFace]) -> str:
    """The stylesheet that depends on options (bench/run.py): font faces and
    the page geometry of a book of the smallest gutter class."""
    return font_css(fonts) + pagesetup.page_css(pagesetup.geometry(options, pagesetup.ASSUMED_PAGES, False))


def font_css(fonts: Sequence[FontFace]) -> str:
    """@font-face rules binding each face to its file, and the families'
    uses (note calls: the text face's superior figures, ``callfigures``)."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{Path(f.path).as_uri()}"); '
        f"font-style: {f.style}; font-weight: {f.weight}; }}"
        for f in fonts
    )
    return (
        f"{faces}\n"
        f'html {{ font-family: "{TEXT_FAMILY}"; }}\n'
        f'{BOLD_SELECTORS} {{ font-family: "{BOLD_FAMILY}", "{TEXT_FAMILY}"; }}\n'
        f'pre, code {{ font-family: "{MONO_FAMILY}"; }}\n' + call_css(fonts, TEXT_FAMILY)
    )


class _DiagnosticsHandler(logging.Handler):
    """WeasyPrint's warnings (bad CSS, unreachable resources) as diagnostics."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(logging.WARNING)
        self.diagnostics = diagnostics

    def emit(self, record: logging.LogRecord) -> None:
        self.diagnostics.add(codes.PDF_RENDER, record.getMessage())


PAGE_STEP = 10  # pages between two progress reports


class _PageHandler(logging.Handler):
    """WeasyPrint's "Step 5 - Creating layout - Page N" as "page N" of the
    book (``offset``: the book's pages before the document)."""

    def __init__(self, progress: Progress, offset: int):
        super().__init__(logging.INFO)
        self.progress = progress
        self.offset = offset

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith("Step 5") and record.args:
            page = record.args[0] if isinstance(record.args, tuple) else record.args
            if isinstance(page, int) and (self.offset + page) % PAGE_STEP == 0:
                self.progress(f"page {self.offset + page}")


@contextmanager
def _pages_to(progress: Progress | None, offset: int = 0) -> Iterator[None]:
    if progress is None:
        yield
        return
    handler, level = _PageHandler(progress, offset), PROGRESS_LOGGER.level
    PROGRESS_LOGGER.addHandler(handler)
    PROGRESS_LOGGER.setLevel(logging.INFO)
    try:
        yield
    finally:
        PROGRESS_LOGGER.removeHandler(handler)
        PROGRESS_LOGGER.setLevel(level)


@contextmanager
def _log_to(diagnostics: Diagnostics) -> Iterator[None]:
    """Route WeasyPrint's log to ``diagnostics`` for the duration: writers never print."""
    handler = _DiagnosticsHandler(diagnostics)
    propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    try:
        yield
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = propagate
