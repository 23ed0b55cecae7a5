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

Fonts are declared face by face with explicit files (``fonts``): asking
fontconfig for "EB Garamond" gets the 08 caption cut and a faked bold. A
missing file is a ``RenderError`` naming it, before anything is rendered.
Nothing is fetched from the network: the URL fetcher serves only local files
under the project, the stylesheet folders and the font folders.
"""

from __future__ import annotations

# First: WeasyPrint imported without ctypes' lookups of its libraries.
from . import loading  # noqa: F401

# isort: split

import errno
import hashlib
import logging
import weakref
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pydyf
import weasyprint
from weasyprint import layout as wlayout
from weasyprint import pdf as wpdf
from weasyprint.anchors import make_page_bookmark_tree
from weasyprint.formatting_structure import boxes as wboxes
from weasyprint.layout import page as wpage
from weasyprint.logger import LOGGER, PROGRESS_LOGGER
from weasyprint.matrix import Matrix
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .... import codes, templating
from ....diagnostics import Diagnostics, OutputError, RenderError
from .. import linebreak, pagesetup, subsets
from ..facefiles import face_stamp, twin_folder
from ..flow import FOLIO_BOX, Flow, LayoutStop, Progress
from ..fonts import FontFace, narrow_twins, twin_css
from ..pdfx import press_css, write_options
from ..profiles import PressProfile
from . import sharing
from .spacing import PLANNED_ENGINE, Measures, even_spacing, text_key


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
    # Paragraphs (``text_key``) with more orphans than the stylesheet gives,
    # and how many: a remedy for a note set off its call's page (``typeset``).
    orphans: tuple[tuple[tuple[str, str], int], ...] = ()
    # A paragraph whose opening lines end a page with notes goes on to the
    # next page whole, not the notes (``spacing._notes_kept``); False: as
    # WeasyPrint sets it.
    keep_notes: bool = True
    # The font files (by SHA-256) whose subsets the book makes when it joins
    # its parts (``subsets``): a part's PDF defers them. Empty: a whole PDF.
    deferred_fonts: frozenset[str] = frozenset()
    # A part of the text, whose margins its margin sheet prints
    # (``typeset.part_css``): its margin boxes are not laid out
    # (``_margins_apart``).
    margins_apart: bool = False


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

    def closing_paragraph(self, number: int) -> tuple[tuple[str, str], int] | None:
        """The paragraph (``text_key``) the main flow of page ``number`` (of
        the file) ends with, and its lines on that page, when it goes on to
        the next page; else None."""
        found: list[tuple[object, int]] = []  # (element, lines on the page) of each paragraph, in order

        def walk(box) -> None:
            children = getattr(box, "children", ()) or ()
            lines = sum(isinstance(c, wboxes.LineBox) for c in children)
            if lines:
                found.append((getattr(box, "element", None), lines))
            for child in children:
                if not isinstance(child, wboxes.LineBox):
                    walk(child)

        pages = self.document.pages
        if not 1 <= number < len(pages):
            return None
        for child in pages[number - 1]._page_box.children:
            if not isinstance(child, (wboxes.MarginBox, wboxes.FootnoteAreaBox)):
                walk(child)
        if not found or found[-1][0] is None:
            return None
        element, lines = found[-1]
        key = text_key(element)
        return (key, lines) if key in self.paragraphs_on({number + 1}) else None

    def block_openings(self) -> tuple[int, dict[int, int]]:
        """The blocks of the document's part (the children of its
        ``section.part``): how many there are, and the pages (index from 0)
        whose main flow begins with one of them, the block not begun on an
        earlier page, and whose notes all begin on them: page -> the block's
        index (``stretches``)."""
        openings = BlockOpenings()
        found = {
            number: opened
            for number, page in enumerate(self.document.pages)
            if (opened := openings.add(number, page._page_box)) is not None
        }
        return openings.blocks, found

    def misplaced_notes(self) -> list[MisplacedNote]:
        """Every footnote set on another page than its call's, from the
        layout boxes: the call is the ``::footnote-call`` box of the note's
        element, the note a child of the page's footnote area. Read once:
        the remedies ask it of a layout several times (``typeset``)."""
        return list(self._misplaced)

    @cached_property
    def _misplaced(self) -> tuple[MisplacedNote, ...]:
        calls: dict[str, tuple[int, str]] = {}  # note id -> (page, part id)
        notes: dict[str, int] = {}
        labels: dict[str, str] = {}

        def find_calls(box, number: int, part: str) -> None:
            element = getattr(box, "element", None)
            tag = getattr(box, "element_tag", "") or ""
            if (section := _part_section(box)) is not None:
                part = section.get("id") or part
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
        return tuple(
            MisplacedNote(labels[note], page, notes[note], part)
            for note, (page, part) in calls.items()
            if note in notes and notes[note] != page
        )

    def flow(self) -> Flow:
        """The document's main-flow words, page by page (``PartFacts``)."""
        facts = PartFacts()
        facts.add(self)
        return facts.flow()

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
        options = write_options(self.job.press, self.job.geometry, self.job.variant)
        with (
            _log_to(self.diagnostics),
            _as_render_error(),
            _page_references_kept(),
            _subsets_deferred(self.job.deferred_fonts),
            _flate_level(FLATE_LEVEL),
        ):
            return self.document.write_pdf(**options)


class PartFacts:
    """What a book needs of a part's laid-out pages (``typeset``), read a
    run of pages at a time (``add``): a long part is laid out a stretch at
    a time, and each stretch's pages can go once they are read and written.
    The runs are the part's pages in order, and what goes on from page to
    page goes on from run to run, as in one document: a word hyphenated at
    a page's foot, the part a word is in, a bookmark's nesting. Page
    numbers are the part's, from 1."""

    def __init__(self) -> None:
        self.pages = 0
        self.anchors: dict[str, int] = {}  # element id -> the page it is first on
        self.overflowing: list[tuple[int, str]] = []  # ``Rendered.overflowing_text``
        self.misplaced: list[MisplacedNote] = []  # ``Rendered.misplaced_notes``
        self._flow = _FlowPages()
        self._outline = _Outline()

    def add(self, rendered: Rendered) -> None:
        """The pages of ``rendered``, after the ones added before. A note
        and its call are on pages of one run (a stretch ends where no note
        called before its end is set after it: ``typeset._clean_breaks``)."""
        before = self.pages
        for name, number in rendered.anchor_pages().items():
            self.anchors.setdefault(name, before + number)
        self.overflowing += [(before + number, text) for number, text in rendered.overflowing_text()]
        self.misplaced += [
            replace(m, call_page=before + m.call_page, note_page=before + m.note_page)
            for m in rendered.misplaced_notes()
        ]
        for page in rendered.document.pages:
            self._flow.add(page)
            self._outline.add(page)
        self.pages += rendered.pages

    def flow(self) -> Flow:
        """The main-flow words of the pages added (``_FlowPages``)."""
        return self._flow.flow()

    def outline(self) -> tuple:
        """The bookmarks of the pages added (``_Outline``)."""
        return self._outline.tree()


class _FlowPages:
    """The main-flow words of a document's pages, added in order: the
    index of each page's first word, its printed folio, whether it carries
    text, and the part each word is in. Read from the layout boxes the
    pages were made of (no second layout, no text extraction)."""

    def __init__(self) -> None:
        self.text = _FlowText()
        self.printed: list[str] = []
        self.starts: list[int] = []
        self.inked: list[bool] = []

    def add(self, page) -> None:
        box = page._page_box  # WeasyPrint 70: the laid-out PageBox
        self.printed.append(_folio(box))
        self.starts.append(len(self.text.words))
        flow = [c for c in box.children if not isinstance(c, (wboxes.MarginBox, wboxes.FootnoteAreaBox))]
        self.inked.append(any("".join(_texts_in(c)).strip() for c in flow))
        for child in flow:
            self.text.add_block(child)

    def flow(self) -> Flow:
        text = self.text
        return Flow(tuple(text.words), tuple(self.starts), tuple(self.printed), tuple(self.inked), tuple(text.parts))


class _Outline:
    """A document's bookmarks, its pages added in order, as WeasyPrint
    writes them at zoom 1 (document.py, ``make_bookmark_tree``, page by
    page with anchors.py's ``make_page_bookmark_tree``, the nesting carried
    from page to page): (title, page index, x, y, children, state) of
    each, x and y in points from the page's bottom left; a book joined from
    PDFs of its pages makes them so."""

    SCALE = 0.75  # CSS px to PDF points: WeasyPrint's zoom 1

    def __init__(self) -> None:
        self.root: list = []
        self._skipped: list[int] = []
        self._last_by_depth: list[list] = [self.root]
        self._level = 0
        self._pages = 0

    def add(self, page) -> None:
        matrix = Matrix(a=self.SCALE, d=-self.SCALE, f=page.height * self.SCALE)
        self._level = make_page_bookmark_tree(
            page, self._skipped, self._last_by_depth, self._level, self._pages, matrix
        )
        self._pages += 1

    def tree(self) -> tuple:
        def data(tree) -> tuple:
            return tuple((label, page, x, y, data(kids), state) for label, (page, x, y), kids, state in tree)

        return data(self.root)


@contextmanager
def _stopped(stop: LayoutStop | None) -> Iterator[None]:
    """WeasyPrint lays a document's pages out one after another
    (layout/page.py, ``make_all_pages``, a generator that
    layout/__init__.py's ``layout_document`` reads to its end) before it
    adds their margins: while ``stop`` is given, that generator ends after
    the first page ``stop`` says True of, and the document holds the pages
    up to it, each as a layout of the whole would have it (a page is laid
    out from the ones before it alone). Another major version of WeasyPrint
    lays every page out."""
    if stop is None or not PLANNED_ENGINE:
        yield
        return
    made = wlayout.make_all_pages

    def make_all_pages(context, root_box, html, pages):
        for number, page in enumerate(made(context, root_box, html, pages)):
            yield page
            if stop(number, page):
                # As the generator does at a document's end: no state kept
                # for pages after this one, and the next page's marked as
                # made, or layout_document would lay the rest out on a
                # second pass (the one it makes for page-based counters).
                del context.page_maker[number + 2 :]
                context.page_maker[number + 1][-1].update(content_changed=False, pages_wanted=False)
                context.broken_out_of_flow.clear()
                context.reported_footnotes.clear()
                return

    wlayout.make_all_pages = make_all_pages
    try:
        yield
    finally:
        wlayout.make_all_pages = made


@contextmanager
def _margins_apart(active: bool) -> Iterator[None]:
    """A part of the text prints nothing in its margins (its margin sheet
    does: ``typeset.part_css``), and its layout tells only which of its
    pages carry a folio (``Flow.printed``). While ``active``, WeasyPrint
    makes no margin box of a page (layout/page.py, ``make_margin_boxes``:
    the styles of sixteen boxes, the folio's counters copied, its text
    laid out, unseen): the page is marked with the folio its folio box
    would hold, where that box would be made (its ``content`` neither
    ``normal``, ``inhibit`` nor ``none``, as WeasyPrint decides it), in
    decimal: the folio printed is the margin sheet's, and only whether
    there is one counts (``typeset.folios_printed``)."""
    if not active:
        yield
        return
    made = wlayout.make_margin_boxes

    def make_margin_boxes(context, page, state):
        style = context.style_for(page.page_type, FOLIO_BOX)
        if style is not None and style["content"] not in ("normal", "inhibit", "none"):
            page.folio_unseen = str(state[1]["page"][-1])
        return ()

    wlayout.make_margin_boxes = make_margin_boxes
    try:
        yield
    finally:
        wlayout.make_margin_boxes = made


@contextmanager
def _contexts_made() -> Iterator[list]:
    """The layout contexts WeasyPrint makes while this is entered
    (document.py, ``Document._build_layout_context``), listed in what it
    gives (``_cycles_broken``). Under another major version, none. Entered
    by one layout at a time (``scheduling.LAYOUT_LOCK``), as the engine's
    other hooks: the class's own method is put back on leaving."""
    made: list = []
    if not PLANNED_ENGINE:
        yield made
        return
    build = weasyprint.Document.__dict__["_build_layout_context"]  # a classmethod

    def kept(cls, *args, **kwargs):
        context = build.__func__(cls, *args, **kwargs)
        made.append(context)
        return context

    weasyprint.Document._build_layout_context = classmethod(kept)
    try:
        yield made
    finally:
        weasyprint.Document._build_layout_context = build


def _cycles_broken(document: weasyprint.Document, contexts: list) -> None:
    """A laid-out document's reference cycles, broken once its layout is
    done, so that it goes as soon as it is let go, not when the collector
    next looks at the oldest objects (``scheduling.GC_THRESHOLDS``: a
    build's collector looks seldom). Each holds all its document's boxes or
    styles:

    - a page's box and its footnote area name each other (the area's
      ``page``: its containing block while it is laid out, layout/page.py;
      the drawing takes the page box from the page);
    - the layout context holds its images' loader (``get_image_from_uri``),
      which holds the context. The loader is kept, naming the context
      weakly: an SVG image draws the images it holds with its context's
      loader when the page is drawn (svg/images.py), and keeps the
      context (images.py, ``SVGImage``), so the context lives as long as
      something may still load with it.

    Measured on an 879-page part laid out a stretch at a time: the worker
    grew 11.6 MB per stretch let go with both cycles, 5.5 MB with them
    broken, 3.3 MB with what is left collected every few stretches
    (``typeset.COLLECT_STRETCHES``: the part's words and its stretches'
    PDFs, which it keeps), and spent 0.4 s less in the collector."""
    for page in document.pages:
        for child in page._page_box.children:
            if isinstance(child, wboxes.FootnoteAreaBox):
                child.page = None
    for context in contexts:
        loader = context.get_image_from_uri
        if isinstance(loader, partial) and any(held is context for held in loader.keywords.values()):
            weakly = {name: weakref.proxy(held) if held is context else held for name, held in loader.keywords.items()}
            context.get_image_from_uri = partial(loader.func, *loader.args, **weakly)
    contexts.clear()


@contextmanager
def _page_styles_shared() -> Iterator[None]:
    """WeasyPrint gives each page a page type of its own (its side, blank
    or not, page name, index and page groups: layout/page.py,
    ``remake_page``) and computes the styles of the page and of its 16
    margin boxes anew for it (``set_page_type_computed_styles``): a third
    of a margin sheet's layout. Which ``@page`` rules apply to a page
    (css/__init__.py, ``_page_type_match``) depends on its side, blankness,
    name and firstness, and on what the ``:nth()`` selectors say of it
    (print.css has one: the first page of each group of ``main`` pages).
    While a document is laid out, a page that matches the same rules as
    an earlier page takes that page's computed styles: the same objects,
    each computed from the same declarations, parents and page size. What
    WeasyPrint then sets in a page's styles (its ``overflow``, its page
    counter: ``make_page``, ``_standardize_page_based_counters``) comes out
    the same when set again. A page laid out again (WeasyPrint's second
    pass, for page numbers printed in the text) that was the first of its
    kind is styled anew, as WeasyPrint styles it: the first page's styles
    may have been computed before the page size that viewport units are
    relative to was known. Under another major version of WeasyPrint every
    page is styled anew."""
    if not PLANNED_ENGINE:
        yield
        return
    made = wpage.set_page_type_computed_styles
    # By the rules a page matches: the first page styled so, and the
    # pseudo-types (margin boxes, footnote area) its styles were computed for.
    styled: dict[tuple, tuple[object, tuple[str, ...]]] = {}
    document: list = []  # the document's StyleFor, and its :nth() page selectors

    def set_page_type_computed_styles(page_type, html, style_for) -> None:
        if not document or document[0] is not style_for:
            styled.clear()
            document[:] = [
                style_for,
                tuple(
                    selector[2]
                    for sheet, _origin, _specificity in style_for._sheets
                    for _rule, selectors, _declarations in sheet.page_rules
                    for selector in selectors
                    if selector[2].index is not None
                ),
            ]
        rules = (
            page_type.side,
            page_type.blank,
            page_type.name,
            page_type.index == 0,
            tuple(style_for._page_type_match(selector, page_type) for selector in document[1]),
        )
        computed = style_for.get_computed_styles()
        found = styled.get(rules)
        if found is None or found[0] == page_type:
            made(page_type, html, style_for)
            styled[rules] = (page_type, tuple(pseudo for element, pseudo in computed if element == page_type))
            return
        first, pseudos = found
        for pseudo in pseudos:
            computed[page_type, pseudo] = computed[first, pseudo]

    wpage.set_page_type_computed_styles = set_page_type_computed_styles
    try:
        yield
    finally:
        wpage.set_page_type_computed_styles = made


@contextmanager
def _page_references_kept() -> Iterator[None]:
    """pydyf's ``PDF.page_references`` (the reference of every page) is
    made anew each time it is read, and WeasyPrint reads it for each
    element it tags and each destination (pdf/tags.py, pdf/anchors.py):
    writing a document takes time in the square of its pages (a tenth of
    the build of a 900-page part). While a PDF is written it is kept, and
    made again when a page is added (pydyf only appends them)."""
    made = pydyf.PDF.page_references

    def kept(pdf: pydyf.PDF) -> tuple[bytes, ...]:
        pages = len(pdf.pages["Kids"])
        found = pdf.__dict__.get("_references_kept")
        if found is None or found[0] != pages:
            found = pdf.__dict__["_references_kept"] = (pages, made.fget(pdf))
        return found[1]

    pydyf.PDF.page_references = property(kept)
    try:
        yield
    finally:
        pydyf.PDF.page_references = made


# zlib's level for the streams of a PDF WeasyPrint writes here (its pages'
# content, a press file's colour profile, the faces it embeds itself, its
# object streams). pydyf asks for 9, zlib's slowest; 6 is zlib's default,
# and what the join compresses with (``assemble``, which keeps the pages'
# streams as they are and makes the object streams anew). The streams of
# the 100-page book's joined screen PDF (3.1 MB) took 0.179 CPU s at 9 and
# 0.052 s at 6, for 1.6 % more bytes.
FLATE_LEVEL = 6


class _FlateAt:
    """The ``zlib`` module as pydyf sees it while a PDF is written
    (``_flate_level``): what it compresses, compressed at ``level``."""

    def __init__(self, level: int) -> None:
        self.level = level

    def compressobj(self, level: int = -1, *args: Any, **kwargs: Any) -> Any:  # pydyf's Stream.data: level=9
        return zlib.compressobj(self.level, *args, **kwargs)

    def compress(self, data: bytes, level: int = -1) -> bytes:  # pydyf's inline images
        return zlib.compress(data, self.level)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


@contextmanager
def _flate_level(level: int) -> Iterator[None]:
    """pydyf's streams compressed at ``level`` (``FLATE_LEVEL``). Entered
    under ``scheduling.LAYOUT_LOCK``, as every PDF of this process is
    written: pydyf's module is the whole process's."""
    made = pydyf.zlib
    pydyf.zlib = _FlateAt(level)
    try:
        yield
    finally:
        pydyf.zlib = made


@contextmanager
def _subsets_deferred(known: frozenset[str]) -> Iterator[None]:
    """While a part's PDF is written, each face of ``known`` (the SHA-256
    of its file) is embedded as a deferral (``subsets``), not as WeasyPrint's
    subset: the book makes one subset of the face for all its parts. As
    WeasyPrint's writer (pdf/fonts.py, ``build_fonts_dictionary``) does, a
    face's fonts are grouped by WeasyPrint's key for them and their glyphs
    joined. Left to WeasyPrint: a face it would not subset (full fonts, a
    font used in a form), or would change otherwise (a variable font, a
    colour, bitmap or CFF2 font, a face with glyphs missing), and a PDF of a
    version that lists a subset's glyphs in its descriptor (CIDSet, PDF
    1.4 and before). A deferral opens with the four bytes by which
    WeasyPrint's writer tells a CFF font from a TrueType one ("OTTO", or
    the TrueType version): a font collection's own ("ttcf") would not say
    which its face is. Each font is given back its bytes afterwards."""
    if not known:
        yield
        return
    made = wpdf.build_fonts_dictionary

    def build(pdf, fonts, compress, subset, options):
        groups: dict[str, list] = {}
        for font in fonts.values():
            groups.setdefault(font.hash, []).append(font)
        changed = []
        try:
            if subset and str(options["pdf_version"]) > "1.4":
                for group in groups.values():
                    font = group[0]
                    if font.bitmap or font.png or font.svg or font.colr or {"fvar", "CFF2"} & set(font.tables):
                        continue
                    if any(f.used_in_forms or f.missing for f in group):
                        continue
                    glyphs = sorted({glyph for f in group for glyph in f.to_unicode})
                    digest = hashlib.sha256(font.file_content).hexdigest()
                    if not glyphs or digest not in known:
                        continue
                    deferred = subsets.Deferral(digest, font.index, bool(options["hinting"]), tuple(glyphs))
                    head = b"OTTO" if "CFF " in font.tables else b"\0\1\0\0"
                    content = font.file_content
                    font.file_content = subsets.deferral(head, deferred)
                    font.clean = _not_cleaned  # an attribute of this font: WeasyPrint's subset is not made
                    changed.append((font, content))
            return made(pdf, fonts, compress, subset, options)
        finally:
            for font, content in changed:
                font.file_content = content
                font.__dict__.pop("clean", None)

    wpdf.build_fonts_dictionary = build
    try:
        yield
    finally:
        wpdf.build_fonts_dictionary = made


def _not_cleaned(to_unicode, hinting) -> None:
    """A deferred face's ``Font.clean``: nothing (``_subsets_deferred``)."""


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
        if (section := _part_section(box)) is not None:
            self._part = section.get("id") or ""
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
    """The folio at the foot of a page ("" for none): printed, or the one it
    would print (a part of the text, whose margins a margin sheet prints:
    ``_margins_apart``)."""
    unseen = getattr(page_box, "folio_unseen", None)
    if unseen is not None:
        return unseen
    for child in page_box.children:
        if isinstance(child, wboxes.MarginBox) and child.at_keyword == FOLIO_BOX:
            return "".join(_texts_in(child)).strip()
    return ""


def _part_box(page_box):
    """The box of the page's ``section.part`` (the first), or None."""
    stack = [c for c in page_box.children if not isinstance(c, (wboxes.MarginBox, wboxes.FootnoteAreaBox))]
    while stack:
        box = stack.pop(0)
        if _part_section(box) is not None:
            return box
        stack[:0] = getattr(box, "children", ()) or ()
    return None


class BlockOpenings:
    """Reads a document's pages in order (``add``): the page's block
    opening, as ``Rendered.block_openings`` gives them, page by page."""

    def __init__(self) -> None:
        self.section = None
        self.index: dict[int, int] = {}
        self.seen: set[int] = set()  # the blocks with a box on an earlier page
        self.noted: set[int] = set()  # the notes set on an earlier page

    @property
    def blocks(self) -> int:
        """How many blocks the part has (0 before its first page)."""
        return len(self.section) if self.section is not None else 0

    def add(self, number: int, page_box) -> int | None:
        """The block page ``number`` (index from 0, the pages added in
        order) opens with, or None."""
        notes = {
            id(note.element)
            for area in page_box.children
            if isinstance(area, wboxes.FootnoteAreaBox)
            for note in area.children
        }
        box = _part_box(page_box)
        if box is None:
            return None
        if self.section is None:
            self.section = box.element
            self.index = {id(child): n for n, child in enumerate(box.element)}
        kids = [self.index.get(id(getattr(c, "element", None))) for c in box.children]
        opened = None
        if number and kids and kids[0] is not None and kids[0] not in self.seen and not notes & self.noted:
            opened = kids[0]
        self.seen.update(k for k in kids if k is not None)
        self.noted |= notes
        return opened


def _part_section(box):
    """The element of ``box`` when it is a box of a book part's
    ``section.part``, else None."""
    element = getattr(box, "element", None)
    if element is None or getattr(box, "element_tag", "") != "section":
        return None
    return element if "part" in (element.get("class") or "").split() else None


def _texts_in(box) -> Iterator[str]:
    """Every text of ``box`` and its descendants, generated text included."""
    if isinstance(box, wboxes.TextBox):
        yield box.text
    for child in getattr(box, "children", ()) or ():
        yield from _texts_in(child)


def render_document(
    job: PdfJob,
    diagnostics: Diagnostics,
    progress: Progress | None = None,
    first_page: int = 1,
    stop: LayoutStop | None = None,
    shared: str = "",
) -> Rendered:
    """Lay out ``job``; WeasyPrint's warnings become diagnostics, and the
    book's page count so far goes to ``progress`` (every ``PAGE_STEP``
    pages; ``first_page``: the book's page the document begins on).
    ``stop``: the document ends after the first page it says True of
    (``_stopped``). ``shared``: the log of what the workers of this
    machine learnt (``sharing``), read before and written after."""
    with _as_render_error():
        styles = _styles(job)
    # Stylesheets parsed for this document alone (they load a colour
    # profile) keep what it learns for no other: they share nothing either.
    shared = shared if not styles.profiles else ""
    if shared:
        sharing.take(shared, styles.tag, styles.measures)
    mark = styles.measures.mark()
    for warning in styles.warnings:  # the same for every document, whichever process parsed the sheets
        diagnostics.add(codes.named(warning.code), warning.message)
    with (
        _log_to(diagnostics),
        _pages_to(progress, first_page - 1),
        _as_render_error(),
        even_spacing(job.greedy, dict(job.orphans), styles.measures, job.keep_notes, styles.narrow),
        _stopped(stop),
        _page_styles_shared(),
        _margins_apart(job.margins_apart),
        _contexts_made() as contexts,
    ):
        # Colour profiles are made anew for each document: WeasyPrint writes
        # a profile's bytes from its object, and a second writing of one
        # object gives other bytes (the file would not be reproducible).
        profiles: dict = dict(styles.profiles)  # (a user's sheet's own, parsed for this document alone)
        own = press_css(job.press) + job.part_css
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
        options = {k: v for k, v in write_options(job.press, job.geometry, job.variant).items() if k != "finisher"}
        rendered = document.render(stylesheets=css, font_config=styles.fonts, color_profiles=profiles, **options)
    _cycles_broken(rendered, contexts)
    if shared:
        sharing.give(shared, styles.tag, styles.measures, mark)
    return Rendered(rendered, job, diagnostics)


@dataclass(frozen=True)
class _Styles:
    """Stylesheets parsed once for every document of a book (the files and
    the options' sheet, not the colour profiles: ``render_document``), the
    font configuration they load their faces into, the URL fetcher, and
    what WeasyPrint said of the sheets (``warnings``: handed to every
    document laid out with them, so that a part's warnings do not depend on
    which process parsed the sheets first), the widths and line breaks
    found in the documents laid out with its fonts (``measures``), and the
    family of each face's narrow twin, by the face's (``narrow``)."""

    fonts: FontConfiguration
    css: tuple
    fetcher: LocalFetcher
    profiles: dict
    warnings: tuple = ()
    measures: Measures = field(default_factory=Measures)
    narrow: dict[str, str] = field(default_factory=dict)
    made_of: tuple = ()  # what they were made of (``_styles``' key)

    @cached_property
    def tag(self) -> str:
        """What they were made of, named, with the shaping libraries'
        versions (``sharing``: the measures of the same fonts); worked out
        for a log, not for a document that shares nothing (a cover)."""
        return hashlib.sha256(repr((self.made_of, _shaping_libraries())).encode()).hexdigest()


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
        _font_files(job.fonts),
        job.press,
        str(job.project_dir),
    )
    if key in _PARSED:
        return _PARSED[key]
    # The faces' narrow twins, which the lines before a paragraph's last
    # are set in (``fonts.narrow_twins``): made here, where the task runs;
    # none where the paragraphs are not planned. A family takes its twins
    # only when each of its faces has one: else it is narrowed with word
    # spacing.
    twins = narrow_twins(job.fonts) if PLANNED_ENGINE else ()
    twinned = {t.of for t in twins}
    untwinned = {f.family for f in job.fonts if f not in twinned}
    twins = tuple(t for t in twins if t.of.family not in untwinned)
    roots = [
        job.project_dir,
        templating.STYLE_DIR,
        *(p.parent for p in job.sheets),
        *(Path(f.path).parent for f in job.fonts),
        *([twin_folder()] if twins else []),
        *([job.press.icc.parent] if job.press else []),
    ]
    fetcher, fonts = LocalFetcher(roots), FontConfiguration()
    profiles: dict = {}  # WeasyPrint's colour profiles by name, filled as the sheets are parsed
    said = Diagnostics()
    with _log_to(said):
        css = [
            weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=fonts, color_profiles=profiles)
            for p in job.sheets
        ]
        css.append(
            weasyprint.CSS(
                string=job.extra_css + twin_css(twins), url_fetcher=fetcher, font_config=fonts, color_profiles=profiles
            )
        )
    narrow = {t.of.family: t.face.family for t in twins}
    styles = _Styles(fonts, tuple(css), fetcher, profiles, tuple(said.items), narrow=narrow, made_of=key)
    if not profiles:
        while len(_PARSED) >= _PARSED_KEEP:
            del _PARSED[next(iter(_PARSED))]
        _PARSED[key] = styles
    return styles


def _font_files(fonts: Sequence[FontFace]) -> tuple[tuple[int, int], ...]:
    """The size and time of each face's file: a face changed in place is
    another face (its stylesheets parsed again, and its measures, which a
    log kept between builds holds, ``sharing``, not taken for it)."""
    found = []
    for face in fonts:
        try:
            found.append(face_stamp(face.path))
        except OSError:  # (said where the faces are checked)
            found.append((-1, -1))
    return tuple(found)


# HarfBuzz by its file's name on each platform (the names WeasyPrint's list
# ends with, which the loader opens without a search): open already, asked
# for its version.
_HARFBUZZ = ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll")


@cache
def _shaping_libraries() -> tuple[int, str, str]:
    """What else the widths and breaks a layout finds depend on (a log kept
    between builds, ``sharing``): the versions of Pango and HarfBuzz, which
    shape the words, and of pyphen, whose patterns hyphenate them. A version
    not found is this process's alone (a random name): what it learns is
    then shared with no other process, and taken from none."""
    import ctypes
    import uuid

    import pyphen
    from weasyprint.text.ffi import pango

    unknown = f"unknown {uuid.uuid4()}"
    shaper = unknown
    for name in _HARFBUZZ:
        with suppress(OSError, AttributeError):
            library = ctypes.CDLL(name)
            library.hb_version_string.restype = ctypes.c_char_p
            shaper = library.hb_version_string().decode("ascii", "replace")
            break
    # pyphen's version, from the name of its metadata's folder beside it
    # (``importlib.metadata`` looks through every installed package: 0.05 s)
    installed = [p.name for p in Path(pyphen.__file__).parent.parent.glob("pyphen-*.dist-info")]
    hyphenation = installed[0] if len(installed) == 1 else unknown
    return int(pango.pango_version()), shaper, hyphenation


def render_pdf(job: PdfJob, diagnostics: Diagnostics) -> bytes:
    """The PDF of ``job`` in memory.

    Shared by the interior and the cover (writers/cover.py), so that
    WeasyPrint is imported here only.
    """
    from ....scheduling import LAYOUT_LOCK  # one layout at a time in a process (a catalog's editions)

    with LAYOUT_LOCK:
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
