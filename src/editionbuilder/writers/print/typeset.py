"""A print book typeset part by part, each part kept between builds.

Every part of the text (a chapter, the glossary, the bibliography, the
readers' responses) opens on a new page. The book is therefore typeset one
part at a time, each part a WeasyPrint document of its own, and the parts'
PDFs are joined (``assemble``). A part is laid out from a recto with its
folios unseen and its other margins left out (``part_css``); what the
margins print (the running heads, the folios) depends on its place in the
book, and is laid out apart, in a *margin sheet* of as many pages
(``margin_sheet``), drawn over the part's pages. A part that opens on a
verso has its text moved to the other side's margins, page by page. So a part's layout depends on nothing before
it, and a part that moves is never laid out again. In the press file every
part opens on a recto, with a blank verso after a part that ends on a
recto; the screen PDF (``BookProfile.recto_openings`` False) has no blank
page: a part opens on the page after the last one, a verso when its folio
is even.
Page numbers printed as text are resolved once the pages they name are
typeset:

1. the parts of the text, in reading order;
2. the bibliography prints the folios of the citations before it, and of
   those after it (readers' responses) as the previous pass found them: when
   a number it printed turns out wrong, the parts from the bibliography on
   are typeset again (from the cache, but for what changed);
3. the front matter last (half-title, title page, copyright page, the
   contents with every folio), placed first.

A typeset part is kept in ``BuildOptions.cache_dir`` under a key made of
everything that decides its pages: its HTML, the stylesheets, the fonts,
the page geometry, the PDF profile and this program's code
(``code_digest``); a margin sheet under its first folio, page count and
running heads. Changing one chapter re-typesets that chapter, the margin
sheets of the later ones if its page count changed, and the front matter
if a folio in the contents changed. A part from the cache is the same bytes
a new typesetting gives, so an incremental build is byte-identical to a
clean one.

With workers (``BuildOptions.workers``: a process pool, a Dask cluster)
the parts of the text are laid out at the same time, each handed out as
soon as a worker is free, at the folio the parts before it give, those not
yet typeset counted at a guessed length (``_Typesetter._text_at_once``): a
wrong guess costs nothing (the margin sheets are made once the folios are
known), and the book is the serial one, byte for byte. The build process
then loads no engine: this module imports it only where a part is laid
out, and what the build process needs of it is in ``flow``.

A part longer than ``STRETCH_PAGES`` twice is laid out a stretch at a
time (``stretches``), each cut at a page that opens on a paragraph: the
same pages as one document of the part, its remedies laid out again
stretch by stretch.

The gutter grows with the book's final page count (``pagesetup.gutter_in``):
the first typesetting uses the count the cache remembers from the last
build, or an estimate from the text's length; a book whose count lands in
another gutter class is typeset again with the right one.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import glob
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property, partial
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from ... import codes
from ...diagnostics import Diagnostic, Diagnostics
from ...fsutil import atomic_write_bytes
from ...layout import pages
from ...layout.apparatus import BIBLIOGRAPHY_KEY
from ...layout.pages import PrintLayout
from ...layout.view import Layout, Part
from ...model import Chapter, Edition
from ...model.text import model_words
from ...roomy import roomy
from ...scheduling import INLINE, LAYOUT_LOCK, Forked, Pending, Scheduler
from ..context import WriteContext
from . import pagefoot, pagesetup, stretches, subsets
from .flow import FOLIO_BOX, Flow, LayoutStop, Progress, engine_version
from .fonts import FontFace, font_css, render_digest
from .profiles import SCREEN_PROFILE, TEXT_STYLESHEETS, BookProfile, PressProfile

if TYPE_CHECKING:
    from .assemble import PartPdf
    from .engine import PartFacts, Rendered

CACHE_VERSION = "6"  # 2: each entry holds the digest of its PDF; 3: folios apart; 4: margins apart; 5: subsets apart;
# 6: a PDF for each stretch
FRONT_KEY = "front-matter"
# Words per 6 x 9 in page of 11 pt text, chapter openings and blank versos
# included: 360 to 382 measured on books of 100 to 1,000 pages (bench/).
WORDS_PER_6X9_PAGE = 370
TEXT_AREA_6X9 = (6 - 1.375) * (9 - 1.75)  # its text block, in square inches
# The same in words of a part's HTML (its notes and headings too), measured
# on the Engels text at 5.5 x 8.5 in: a first guess of a part's pages when
# parts are laid out at once (``_Typesetter._text_at_once``).
HTML_WORDS_PER_6X9_PAGE = 445
MEASURED_MIN_PAGES = 4  # a part guessed shorter does not scale the guesses of the others
MAX_PASSES = 3  # of the bibliography's page references; of the gutter
# A page with more footnotes than this is not laid out as a column box (_typeset).
COLUMN_NOTES_MAX = 8
# Layouts of a part with paragraphs moved on to keep notes with their calls
# (``_PartLayout._keep_notes_with_calls``): a paragraph moved on moves the
# text after it, and may send a later page's note astray, mended by the next
# (a long chapter of the corpus took three).
NOTE_PASSES = 6
# The first layout of a part moves a paragraph on rather than its page's
# notes (``spacing._notes_kept``), as the remedy above does in a second
# layout; False: the first layout is WeasyPrint's own, every such note then
# mended by the remedy (what its tests lay out).
KEEP_NOTES = True
# A part longer than twice this many pages is laid out a stretch of about
# this many at a time (``stretches``): a text whose chapters the reader did
# not find is one part of hundreds of pages.
STRETCH_PAGES = 48
# A long part's stretches let go between two runs of the collector: what a
# stretch's layout leaves to it (its computed styles, which name themselves,
# and the HTML they hold: 2.3 MB a stretch, measured) is freed every
# ``COLLECT_STRETCHES``, not when a build's collector next looks at the
# oldest objects (``GC_THRESHOLDS``), after dozens. A collection took 0.05 s.
COLLECT_STRETCHES = 4
# A part's margin sheet longer than this many pages is made in pieces of
# as many pages at a time, handed to the workers at once and joined as each
# comes (``_Typesetter._margin_sheets``): one long part's sheet made in one
# task kept the book waiting for it.
SHEET_PAGES = 2 * STRETCH_PAGES
# The share of a long part's guessed pages (``_Typesetter._estimate``) its
# margin sheet's pieces are made for while it is laid out, by the workers
# the other parts leave free (``_Typesetter._sheets_ahead``): its guess and
# a sixth more, by which a first guess may be short (the unchaptered
# 1,000-page text of ``bench/run.py``: 741 pages guessed, 869 laid out). A
# piece the part turns out too short for is not taken: it cost the time of
# a worker that had nothing else to do (a piece left to make after the part
# may keep the book waiting). At 0.8, three of that text's nine pieces were
# left to make after its layout, and its book was joined 0.13 s later than
# at 1.2, which leaves only its last, short piece (a timeline of each).
SHEETS_AHEAD_SHARE = 1.2
# How often a build waiting for parts whose workers will tell of them
# (``PartTask.notice``) looks for what they told, until it has handed out
# the front matter: a few milliseconds of the third of a part's time its
# PDF takes to write.
NOTICE_POLL_S = 0.02
# The log in that folder where the workers share the widths and breaks they
# work out (``PartTask.measures_log``, ``engine.sharing``), when the build
# keeps nothing; else the log is kept in the cache folder for the next
# build (``PartCache.measures_log``), and started afresh past this size.
MEASURES_LOG = "measures.log"
# A stylesheet that names another file (a face of its own, a sheet it
# imports): what is measured with it is not kept between builds, whose
# measures are told apart by the sheets' files and the faces the build
# knows (``engine._styles``).
_NAMES_A_FILE = re.compile(rb"url\(|@import", re.I)
MEASURES_KEPT_MAX = 64 * 2**20
# The remedies of a part or stretch (notes off their page, rectos ending in
# a broken word) lay it out again whole, up to a dozen times: at most this
# many pages in all. A part or stretch of a hundred pages gets every
# remedy; one that has no page to cut it at (``stretches``: no page opens
# on a plain paragraph) gets fewer, and says so (``remedies-limited``). An
# unchaptered part of a thousand pages laid out whole took ten times a
# chaptered text's time, in nine layouts.
REMEDY_PAGES = 1200


@dataclass(frozen=True)
class PartResult:
    """One typeset part: its PDF and what the book needs to know of it."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]  # element id -> page index in the part (from 0)
    words: tuple[str, ...]  # its running text (``pdf.Flow``)
    starts: tuple[int, ...]
    printed: tuple[str, ...]
    inked: tuple[bool, ...]
    parts: tuple[str, ...]
    misplaced: tuple[tuple[str, int, int], ...]  # notes off their page: label, call and note page index
    warnings: tuple[tuple[str, str], ...]  # what WeasyPrint said: (code, message)
    heading: str = ""  # the HTML of its heading, which sets its running head (``part_heading``)
    # A part laid out in stretches (``stretches``) is written a stretch at a
    # time: ``pdf`` holds its first stretch's pages, ``more`` the PDFs of
    # the others, each from page index ``cuts[n]`` of the part on; and
    # ``outline`` its bookmarks, which the book makes (``engine.PartFacts.outline``).
    more: tuple[bytes, ...] = ()
    cuts: tuple[int, ...] = ()
    outline: tuple = ()
    # Whether its HTML holds an element WeasyPrint tags as a figure
    # (``_FIGURES``), whose box the join moves with its page's content; the
    # structure elements of a part without one (thousands in a long part)
    # are not walked for one. True where it is not known.
    figures: bool = True

    def meta(self) -> dict:
        """What the cache keeps beside its PDFs (``PartCache.put``): its
        fields as they are (strings, numbers, tuples of them and the anchors'
        dict), which JSON writes as ``asdict``'s copy of them
        (``dataclasses.asdict`` copies each, deeply: a tenth of a second for
        a book of 100 pages)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("pdf", "more")}

    @property
    def pdfs(self) -> tuple[bytes, ...]:
        """Its PDF, or the PDFs of its stretches in order."""
        return (self.pdf, *self.more)


@dataclass
class TypesetBook:
    """The typeset book: the PDF, its page count, its running text by page,
    the notes set off their call's page, and, when asked for, the parts
    laid out in this build (``rendered``: their WeasyPrint documents, by
    part key). The PDF is given by ``joined``, when first asked for:
    ``joining``, it is being joined in a child of this process
    (``WriteContext.joins``) while the build goes on, and is waited for
    then."""

    joined: Callable[[], bytes]
    pages: int  # the book's pages, before a press file's closing blank verso
    flow: list[tuple[str, PartResult | None]]  # (part key, result) in page order; None: a blank verso
    folios: list[int]  # by ``flow``: a part of the text's first folio, else 0
    rendered: dict[str, Rendered] = field(default_factory=dict)

    @property
    def joining(self) -> bool:
        """Whether its PDF is joined in a child (``Forked``)."""
        return isinstance(self.joined, Pending)

    @cached_property
    def pdf(self) -> bytes:
        return self.joined()

    def discard(self) -> None:
        """Its PDF not wanted (a page count in another gutter class, a press
        file too short to print): a child still joining it is stopped."""
        if isinstance(self.joined, Pending) and "pdf" not in self.__dict__:
            self.joined.drop()

    @property
    def file_pages(self) -> int:
        """The pages of the file (a press file's count is even)."""
        return sum(part.pages if part is not None else 1 for _key, part in self.flow)

    def print_layout(self, source: str) -> PrintLayout:
        """Where each page of the book begins in its running text
        (``pagelist``): the parts' running texts one after the other, a
        blank verso a page without words."""
        words: list[str] = []
        parts: list[str] = []
        starts, printed, inked = [], [], []
        for (_key, part), folio in zip(self.flow, self.folios, strict=True):
            if part is None:
                starts.append(len(words))
                printed.append("")
                inked.append(False)
                continue
            starts.extend(len(words) + s for s in part.starts)
            printed.extend(part.printed if not folio else folios_printed(part, folio))
            inked.extend(part.inked)
            words.extend(part.words)
            parts.extend(part.parts)
        return Flow(tuple(words), tuple(starts), tuple(printed), tuple(inked), tuple(parts)).layout(source)

    def misplaced_notes(self) -> list[tuple[str, int, int]]:
        """(label, call page, note page) of every note set off its call's
        page, in pages of the book (from 1)."""
        out, first = [], 1
        for _key, part in self.flow:
            if part is not None:
                out += [(label, first + call, first + note) for label, call, note in part.misplaced]
            first += part.pages if part is not None else 1
        return out


def folios_printed(part: PartResult, first_folio: int) -> tuple[str, ...]:
    """The folio printed on each page of a part of the text at
    ``first_folio`` ("" where none is): the pages that carry one are those
    of its layout, which numbered them from another folio (``part_css``)."""
    return tuple(str(first_folio + n) if mark else "" for n, mark in enumerate(part.printed))


def typeset_book(
    edition: Edition,
    ctx: WriteContext,
    profile: BookProfile,
    sheets: Sequence[Path],
    fonts: Sequence[FontFace],
    keep_layouts: bool = False,
) -> TypesetBook:
    """``edition`` typeset in ``profile``, with the gutter its page count
    needs. ``keep_layouts``: keep each part's WeasyPrint document in
    ``TypesetBook.rendered`` (for inspection; a long book's layouts take
    much memory, so a build lets each go once its PDF is made)."""
    cache = PartCache.of(ctx, profile)
    guess = cache.remembered_pages() or estimate_pages(edition, ctx.options.print)
    for _ in range(MAX_PASSES):
        g = pagesetup.geometry(ctx.options.print, guess, profile.bleed)
        book = _Typesetter(edition, ctx, profile, sheets, fonts, g, cache, keep_layouts).book()
        if pagesetup.gutter_in(book.file_pages) == pagesetup.gutter_in(guess):
            break
        book.discard()
        guess = book.file_pages
    cache.finish(book.file_pages)
    for label, call, note in book.misplaced_notes():
        # WeasyPrint 70 can set a long note a page after its call (print.css,
        # "Footnotes"); the reader of the proof must know.
        ctx.diagnostics.add(
            codes.NOTE_OFF_PAGE,
            (
                f"{profile.medium.name} PDF: note {label} is called on page {call} "
                f"(of the file) but set at the foot of page {note}"
            ),
        )
    return book


def estimate_pages(edition: Edition, options) -> int:
    """About how many pages the book will have: its words over the words a
    page of its trim holds. Only the gutter class depends on it."""
    area = (options.width_in - 1.375) * (options.height_in - 1.75)
    per_page = max(WORDS_PER_6X9_PAGE * area / TEXT_AREA_6X9, 1.0)
    return max(int(len(model_words(edition)) / per_page), 1)


# A running head in small capitals, as its heading (base.css ``.small-caps``).
_SMALL_CAPS_HEAD = "font-variant-caps: all-small-caps; letter-spacing: 0.05em;"
# The margin boxes of a page (css-page-3): a part's are printed by its
# margin sheet; in the part, the folio's is hidden and the others have no
# content (``part_css``), and the engine lays none out (``engine._margins_apart``).
_MARGINS = tuple(
    f"@{side}-{place}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
)


def part_css() -> str:
    """A part of the text's own stylesheet: its folios hidden, its pages
    numbered from 1, so that its layout tells which pages carry a folio
    (``engine.Flow.printed``: the engine reads it from the folio box's
    style, and lays out no margin box of a part, ``engine._margins_apart``),
    and its other page margins (the running heads) given no content; its
    first page a recto. What the margins
    print depends on the part's place in the book (the folio, the side of
    each page, the book's title): its margin sheet prints them
    (``margin_sheet``). A part's layout is thus the same wherever it is, and
    a part that moves is not laid out again."""
    hidden = " ".join(
        f"{m} {{ visibility: hidden !important; }}" if m == FOLIO_BOX else f"{m} {{ content: none !important; }}"
        for m in _MARGINS
    )
    return f"@page :first {{ counter-reset: page 1; }}\n@page {{ {hidden} }}\n"


def part_heading(source: str) -> str:
    """The heading of a part's HTML (the ``h1`` that opens its
    ``section.part``): what sets its running head (print.css), "" if none."""
    found = _PART_HEADING.search(source)
    return found.group(1) if found else ""


# The first section.part of a part's HTML (templates/parts.j2) and the h1
# that opens it: print.css sets the running head from "section.part > h1".
_PART_HEADING = re.compile(r'<section\b[^>]*\bclass="part\b[^"]*"[^>]*>\s*(<h1\b.*?</h1>)', re.S)


def margin_sheet(
    first_folio: int,
    pages: int,
    heading: str,
    book_title: str,
    lang: str,
    created_at: str,
    title_small_caps: bool = False,
    part_small_caps: bool = False,
) -> tuple[str, str]:
    """The HTML and the stylesheet of a part's margin sheet: as many pages as
    the part, of its page type (``section.part``: the ``main`` pages of
    print.css) and on the sides its folios give, numbered from
    ``first_folio``, with nothing on them but their margins: the folios and
    the running heads, the book title on versos (``book_title``) and the
    part's on rectos (from its ``heading``, copied in unseen). A running
    head is a page's margin box, which no selector of the text reaches: the
    versos' is in small capitals when the book's title is
    (``title_small_caps``), the rectos' when the part's title is. The
    sheet's pages are drawn over the part's (``assemble``)."""
    meta = (
        f'<meta name="dcterms.created" content="{created_at}"/><meta name="dcterms.modified" content="{created_at}"/>'
        if created_at
        else ""
    )
    html = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"/><title>{first_folio}</title>{meta}</head>'
        f'<body><section class="part margin-sheet">{heading}{"<div></div>" * pages}</section></body></html>'
    )
    title = book_title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    css = (
        f"@page :first {{ counter-reset: page {first_folio}; }}\n"
        f'html {{ string-set: book-title "{title}"; }}\n'
        ".margin-sheet > h1 { visibility: hidden; }\n"
        # A note in the heading stays out: floated to the sheet's foot, its
        # rule would be drawn over the part's page.
        ".margin-sheet > h1 .footnote { display: none; }\n"
        ".margin-sheet > div + div { break-before: page; }\n"
    )
    for side, small_caps in (("left", title_small_caps), ("right", part_small_caps)):
        if small_caps:
            css += f"@page main:{side} {{ @top-center {{ {_SMALL_CAPS_HEAD} }} }}\n"
    if first_folio % 2 == 0:
        css += "html { break-before: left; }\n"
    return html, css


@dataclass(frozen=True)
class PartTask:
    """What laying out one part takes, as data: a task a worker process or
    a Dask worker runs (``typeset_part``) with no file of the project. The
    stylesheets travel as their text beside the path they were read from;
    the fonts must be installed where the task runs (the same paths)."""

    key: str
    title: str
    source: str  # the part's HTML
    own: str  # its own stylesheet (``part_css``)
    first_folio: int  # 0: the front matter
    sheets: tuple[tuple[str, bytes], ...]  # (path, contents) of each stylesheet file
    css: str  # the stylesheet every part shares
    fonts: tuple[FontFace, ...]
    project_dir: str
    press: PressProfile | None
    variant: str
    g: pagesetup.PageGeometry
    recto_openings: bool
    # The font files (SHA-256) whose subsets the book makes when it joins
    # the parts (``subsets``): the part's PDF defers them.
    deferred_fonts: frozenset[str] = frozenset()
    # Children the worker may fork to write a long part's stretches (all
    # but the last) while it lays out the next (``scheduling.Forked``): the
    # same bytes as when it writes them itself, so not part of the cache key.
    helpers: int = 0
    # Pages laid out first and left out of the PDF: a margin sheet's piece
    # after the first (``_Typesetter._margin_sheets``).
    lead: int = 0
    # A file of this machine the worker writes the part's page count and
    # anchors to once its layout is final, before it writes the PDF (a
    # third of its time): the build hands out the front matter, whose
    # contents need them, meanwhile (``_Typesetter._front_ahead``). "":
    # none (a Dask worker, one job). Not part of the cache key.
    notice: str = ""
    # A file of this machine where the workers share the widths and breaks
    # they work out (``engine.sharing``): the same bytes with it or without
    # it, so not part of the cache key. "": none (a Dask worker, one job,
    # a margin sheet).
    measures_log: str = ""


# The elements WeasyPrint tags as figures, with a layout box (pdf/tags.py:
# an image and an inline SVG drawing), as the HTML may spell them (the
# HTML parser reads ``<image>`` as ``<img>``); a part's HTML without any
# holds no figure.
_FIGURES = re.compile(r"<(?:img|image|svg)\b", re.IGNORECASE)


def _with_sheet(part: PartResult, sheet: Sequence[Callable[[], bytes]], shift: float) -> PartPdf:
    """A part's PDF to join, with the pieces of its margin sheet (each
    waited for when the book reaches its pages); a part written a stretch
    at a time, with each stretch's PDF and the anchors on its pages."""
    from .assemble import PartPdf  # pikepdf: for the build process

    margins = _Waited(sheet)
    if not part.more:
        return PartPdf(part.pdf, frozenset(part.anchors), margins, shift, figures=part.figures)
    bounds = (0, *part.cuts, part.pages)
    anchors = [frozenset(a for a, page in part.anchors.items() if lo <= page < hi) for lo, hi in pairwise(bounds)]
    more = tuple(zip(part.more, anchors[1:], strict=True))
    return PartPdf(part.pdf, anchors[0], margins, shift, more, part.outline, figures=part.figures)


def _made(part: PartPdf | None) -> PartPdf | None:
    """``part`` with its margin sheet's pieces all made (``_Waited``)."""
    if part is None or part.margins is None:
        return part
    return replace(part, margins=tuple(part.margins))


class _Waited(Sequence[bytes]):
    """The PDFs that functions give, each function called once, when its
    PDF is first asked for."""

    def __init__(self, made: Sequence[Callable[[], bytes]]) -> None:
        self._made = list(made)
        self._got: dict[int, bytes] = {}

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, index):  # an index (no slice is asked for)
        if index not in self._got:
            self._got[index] = self._made[index]()
        return self._got[index]


@roomy  # its frames kept in one chunk of memory (``roomy``)
def typeset_part(task: PartTask) -> PartResult:
    """Lay out one part (a task for a worker: ``scheduling``)."""
    with LAYOUT_LOCK:
        return _PartLayout(task).result()


@roomy
def typeset_margins(task: PartTask) -> bytes:
    """The PDF of a part's margin sheet (``margin_sheet``; a task for a
    worker), but for its first ``task.lead`` pages. Untagged: its pages are
    drawn as artifacts (``assemble``), and what WeasyPrint says of the
    stylesheets comes with the parts."""
    with LAYOUT_LOCK:
        rendered = _PartLayout(task)._render(task.source, task.own, Diagnostics(), task.first_folio)
        if task.lead:
            rendered = replace(rendered, document=rendered.document.copy(rendered.document.pages[task.lead :]))
        return rendered.pdf()


@dataclass
class _Typesetter:
    edition: Edition
    ctx: WriteContext
    profile: BookProfile
    sheets: Sequence[Path]
    fonts: Sequence[FontFace]
    g: pagesetup.PageGeometry
    cache: PartCache
    keep_layouts: bool = False
    rendered: dict[str, Rendered] = field(default_factory=dict)
    fresh: dict[str, PartResult] = field(default_factory=dict)  # typeset in this build, by cache key
    _measured: dict[str, tuple[float, int]] = field(default_factory=dict)  # by part key: guessed and typeset pages
    # The book laid out with the folios known, by them, and each part's HTML
    # in one of those layouts (``_layout``): a parallel build plans the parts
    # again each time one is typeset (``_plan``).
    _layouts: dict[tuple[tuple[str, str], ...], Layout] = field(default_factory=dict)
    _html: dict[tuple[int, tuple[str, ...]], str] = field(default_factory=dict)
    # What each plan would otherwise work out again for every part: its
    # cache key (and a margin sheet's piece's), by its HTML and stylesheet
    # (``_digest``), and the words of its HTML, by the HTML (``_estimate``).
    _digests: dict[tuple[str, str], str] = field(default_factory=dict)
    _words: dict[str, int] = field(default_factory=dict)
    # The pieces of margin sheets handed out while the parts are laid out
    # (``_sheets_ahead``), by cache key: ``_margin_sheets`` takes those of
    # the folios and lengths the parts turn out to have.
    _early: dict[str, cf.Future] = field(default_factory=dict)
    _early_seen: set[tuple[str, int, int, int]] = field(default_factory=set)  # (part key, folio, start, length)
    # Where the workers tell a part's pages and anchors before its PDF is
    # written (``PartTask.notice``), while ``book`` runs with a pool of this
    # machine; what they told, by cache key; and the front matter handed
    # out from it (``_front_ahead``), by cache key.
    _notices: Path | None = None
    _told: dict[str, tuple[int, dict[str, int]]] = field(default_factory=dict)
    _front_early: tuple[str, cf.Future] | None = None  # its cache key, and the worker's future
    _front_handed: bool = False  # ``_front_ahead`` made its front matter's task (handed out, or kept)

    def _layout(self, known: Mapping[str, str]) -> Layout:
        """The book laid out (``printview.book_layout``) with ``known``
        folios, made once for each (its parts' HTML is kept by its id)."""
        # The book's layout and HTML are made in the build process: a worker
        # laying parts out loads neither (nor Jinja2).
        from ...layout import printview

        key = tuple(sorted(known.items()))
        if key not in self._layouts:
            self._layouts[key] = printview.book_layout(self.edition, self.profile.medium, known)
        return self._layouts[key]

    def _next_folio(self, folio: int, pages: int) -> int:
        """The first folio of the part after one of ``pages`` pages from
        ``folio``: past a blank verso where parts open on rectos."""
        return folio + pages + (pages % 2 if self.profile.recto_openings else 0)

    @cached_property
    def workers(self) -> Scheduler:
        """Where the parts are laid out: in this process when the build has
        one job, or when the layouts are kept (they stay in this process)."""
        given = self.ctx.build.workers
        return given if isinstance(given, Scheduler) and not self.keep_layouts else INLINE

    def book(self) -> TypesetBook:
        """The book typeset (``_book``), with a folder for the workers of this
        machine to tell of the parts they lay out (``PartTask.notice``)."""
        folder = None
        if self.workers.parallel and not self.workers.address:
            # (a part no longer waited for may still be telling of itself as the folder goes)
            with contextlib.suppress(OSError):  # no temporary folder: the parts tell nothing
                folder = tempfile.TemporaryDirectory(prefix="editionbuilder-", ignore_cleanup_errors=True)
        with folder or contextlib.nullcontext() as told:
            self._notices = Path(told) if told else None
            try:
                return self._book()
            finally:
                self._notices, self._front_handed = None, False
                self._told.clear()
                if self._front_early is not None:
                    self._front_early[1].cancel()
                self._front_early = None

    def _book(self) -> TypesetBook:
        known: dict[str, str] = {}
        for _ in range(MAX_PASSES):
            text, found = self._text(known)
            if _cited_pages(text, found) == _cited_pages(text, known):
                break
            known = found
        lay = self._layout(found)
        recto = self.profile.recto_openings
        firsts, folio = [], 1
        for _key, part in text:
            firsts.append(folio)
            folio = self._next_folio(folio, part.pages)
        # The front matter (unless handed out already, ``_front_ahead``) is
        # handed out before the margin sheets not made yet: the longest of
        # these last tasks starts first, and the sheets fill the other
        # workers meanwhile.
        front_matter = self._part_started(FRONT_KEY, lay, lay.front, 0)
        sheets = self._margin_sheets(text, firsts, lay)
        # A part is laid out from a recto: opening on a verso (an even folio,
        # in the screen PDF), each of its pages is on the other side, its
        # text moved by the difference of the two sides' left margins.
        from . import assemble  # pikepdf: for this process, not for a worker laying parts out

        b = self.g.bleed_in
        shift = (self.g.outside_in + b - self.g.inside_in) * pagesetup.PT
        front = front_matter()
        flow: list[tuple[str, PartResult | None]] = [(FRONT_KEY, front)]
        folios = [0]
        # Each part's PDF with its margin sheet, taken as the book is joined:
        # the parts before a sheet still being laid out are joined meanwhile.
        pdfs: list[Callable[[], assemble.PartPdf] | None] = [
            partial(assemble.PartPdf, front.pdf, frozenset(front.anchors))
        ]
        blank = [("", None)] if recto and front.pages % 2 else []
        for (key, part), first, sheet in zip(text, firsts, sheets, strict=True):
            flow += [*blank, (key, part)]
            folios += [0] * len(blank) + [first]
            pdfs += [None] * len(blank)
            moved = shift if first % 2 == 0 else 0.0
            pdfs.append(partial(_with_sheet, part, sheet, moved))
            blank = [("", None)] if recto and part.pages % 2 else []
        pages = sum(p.pages if p else 1 for _k, p in flow)
        if self.profile.pad_even and pages % 2:  # the press file ends on a verso
            flow, folios, pdfs = [*flow, ("", None)], [*folios, 0], [*pdfs, None]
        parts = (made() if made else None for made in pdfs)
        joins = self.ctx.joins if self.workers.helpers else None
        if joins is None:
            pdf = assemble.assemble(parts, self._boxes, self._faces)
            return TypesetBook(partial(bytes, pdf), pages, flow, folios, self.rendered)
        # Joined in a child while this process writes the other outputs:
        # every part and margin sheet is made first (a sheet is kept in the
        # cache as it is taken), so that the child has only to join them.
        ready = [_made(part) for part in parts]
        joined = joins.submit(partial(assemble.assemble, ready, self._boxes, self._faces))
        return TypesetBook(joined, pages, flow, folios, self.rendered)

    def _margin_sheets(
        self, text: Sequence[tuple[str, PartResult]], firsts: Sequence[int], lay: Layout
    ) -> list[list[Callable[[], bytes]]]:
        """The margin sheet of each part of the text (``margin_sheet``), from
        the cache, or handed to the workers while the parts were laid out
        (``_sheets_ahead``), or now, in pieces of up to ``SHEET_PAGES``
        pages: each function given returns a piece's PDF, waiting for it if
        need be."""
        made: list[list[Callable[[], bytes]]] = []
        for (key, part), first in zip(text, firsts, strict=True):
            pieces: list[Callable[[], bytes]] = []
            for start in range(0, max(part.pages, 1), SHEET_PAGES):
                pages = min(part.pages - start, SHEET_PAGES)
                digest, task = self._sheet_piece(lay, key, part.heading, first, start, pages)
                kept = self.cache.get(digest)
                if kept is not None:
                    pieces.append(partial(bytes, kept.pdf))
                    continue
                early = self._early.pop(digest, None)
                if early is not None:
                    pieces.append(partial(self._keep_sheet, digest, pages, early))
                elif self.workers.parallel:
                    pieces.append(partial(self._keep_sheet, digest, pages, self.workers.submit(typeset_margins, task)))
                else:
                    pieces.append(partial(self._keep_sheet, digest, pages, task))
            made.append(pieces)
        self._drop_early()  # made for a folio or a length the parts did not have
        return made

    def _drop_early(self) -> None:
        """Cancel the pieces handed out ahead (``_sheets_ahead``) that no
        worker has started, and forget them all."""
        for future in self._early.values():
            future.cancel()
        self._early.clear()
        self._early_seen.clear()

    def _handed_ahead(self) -> list[cf.Future]:
        """What was handed out ahead of the parts (margin sheets' pieces, the
        front matter) and is not made yet: each keeps a worker busy."""
        front = [self._front_early[1]] if self._front_early else []
        return [future for future in (*self._early.values(), *front) if not future.done()]

    def _sheet_piece(
        self, lay: Layout, key: str, heading: str, first: int, start: int, pages: int
    ) -> tuple[str, PartTask]:
        """The cache key and the task of the piece of part ``key``'s margin
        sheet of ``pages`` pages from the part's page index ``start``, the
        part opening at folio ``first`` with ``heading`` (``part_heading``).
        A piece after the first is laid out from the page before its own,
        and that page left out: the first page of a sheet is its part's
        opening page, which print.css gives no running head (``:nth(1 of
        main)``)."""
        from .document import created

        md = self.edition.metadata
        content = next(p.content for p in lay.parts if p.key == key)
        lead = 1 if start else 0  # the page before the piece's, laid out and left out
        source, own = margin_sheet(
            first + start - lead,
            pages + lead,
            heading,
            md.title or "",
            lay.view.lang,
            created(self.ctx.build.source_date_epoch),
            md.title_small_caps,
            isinstance(content, Chapter) and content.small_caps,
        )
        keyed = self._keyed_css + own + repr(self.profile.press) + (f"lead {lead}" if lead else "")
        digest = self._digest(source, keyed)
        title = f"margins from page {first + start}"
        # (a margin sheet breaks no paragraph: it has nothing to share)
        task = self._part_task("margins", title, source, own, first + start - lead, "", shared=False)
        return digest, replace(task, lead=lead)

    def _sheets_ahead(
        self, free: int, settled: Sequence[tuple[str, str, int, int]], running: Iterable[PartTask], lay: Layout
    ) -> None:
        """Hand out up to ``free`` pieces of margin sheets: first those of the
        parts whose folio and length are known for good (``settled``:
        ``_settled``), in reading order, the ones ``_margin_sheets`` takes;
        then those of the long parts being laid out (``running``): the whole
        pieces of their guessed length and a sixth more
        (``SHEETS_AHEAD_SHARE``), at the folio each was handed out at. In a
        given book a piece's sheet depends on nothing else of its part: the
        pieces of a part that ends up at that folio and at least that long
        are the ones ``_margin_sheets`` takes; any other is not taken, and
        the time a worker spent on it is lost. Each piece is looked at once."""
        for key, heading, first, start, length in self._pieces_ahead(settled, running):
            if free <= 0:
                return
            if (key, first, start, length) in self._early_seen:
                continue
            self._early_seen.add((key, first, start, length))
            digest, piece = self._sheet_piece(lay, key, heading, first, start, length)
            if digest in self._early or self.cache.peek(digest) is not None:
                continue  # handed out for another part at that folio, or kept by the last build
            self._early[digest] = self.workers.submit(typeset_margins, piece)
            free -= 1

    def _pieces_ahead(
        self, settled: Sequence[tuple[str, str, int, int]], running: Iterable[PartTask]
    ) -> Iterator[tuple[str, str, int, int, int]]:
        """The pieces ``_sheets_ahead`` may hand out, in its order: (part key,
        heading, first folio, start, length) of each."""
        for key, heading, first, count in settled:
            for start in range(0, count, SHEET_PAGES):
                yield key, heading, first, start, min(count - start, SHEET_PAGES)
        for task in running:
            probable = int(self._estimate(task.source) * SHEETS_AHEAD_SHARE)
            for start in range(0, probable - SHEET_PAGES + 1, SHEET_PAGES):
                yield task.key, part_heading(task.source), task.first_folio, start, SHEET_PAGES

    def _keep_sheet(self, digest: str, pages: int, made: cf.Future | PartTask) -> bytes:
        """A margin sheet, or a piece of one, made in this build (by a
        worker, or now from its task), kept for the next."""
        pdf = made.result() if isinstance(made, cf.Future) else typeset_margins(made)
        # (a sheet is drawn over its part's pages untagged: it holds no figure)
        self.cache.put(digest, PartResult(pdf, pages, {}, (), (), (), (), (), (), (), figures=False))
        return pdf

    def _text(self, known: Mapping[str, str]) -> tuple[list[tuple[str, PartResult]], dict[str, str]]:
        """Every part of the text from folio 1; ``known``: the folios the
        bibliography prints for citations it comes before."""
        if self.workers.parallel:
            return self._text_at_once(known)
        lay = self._layout(known)
        found: dict[str, str] = {}
        done, folio = [], 1
        for part in lay.parts:
            if part.key == BIBLIOGRAPHY_KEY:
                lay = self._layout({**known, **found})
                part = next(p for p in lay.parts if p.key == BIBLIOGRAPHY_KEY)
            result = self._part(part.key, lay, (part,), folio)
            found.update(_folios(result.anchors, folio))
            done.append((part.key, result))
            folio = self._next_folio(folio, result.pages)
        return done, found

    def _text_at_once(self, known: Mapping[str, str]) -> tuple[list[tuple[str, PartResult]], dict[str, str]]:
        """``_text`` with the parts laid out at the same time by the build's
        workers. A part's first folio depends on the page counts of the
        parts before it: each part is handed out at the folio the parts
        before it give, as far as they are typeset, and past them as their
        page counts are guessed (the count a part had at the last build, or
        at another folio in this one, else its words over a page's), or
        told by the workers laying them out (``_hear``). A part handed out
        at a wrong folio is kept: its layout does not depend on it
        (``margin_sheet``). Meanwhile the margin sheets of the parts whose
        folios are known for good, and the front matter once every part's
        are, are handed out (``_sheets_ahead``, ``_front_ahead``). The book
        is the one ``_text`` makes one part after the other: every part at
        the folio the typeset parts before it give (a test)."""
        # A part's page count hardly depends on its folio, nor on the PDF's
        # profile (the press and the screen PDF share their text block): the
        # counts this build found for the other PDF come first.
        shared = self.ctx.products.part_pages
        guessed = {**self.cache.remembered_part_pages(), **shared}
        running: dict[cf.Future, str] = {}  # the parts being typeset, by cache key
        telling: set[str] = set()  # those handed out with a notice to write (``PartTask.notice``)
        keys: dict[str, str] = {}  # cache key -> part key
        tasks: dict[str, PartTask] = {}
        ahead = self.ctx.products.ahead
        try:
            while True:
                plan, todo, told = self._plan(known, guessed)
                if not todo:
                    break
                wanted = {digest for digest, _task in todo}
                for future, digest in list(running.items()):
                    if digest not in wanted and future.cancel():
                        del running[future]  # not started, and no longer at that folio
                for digest, task in todo:
                    if digest in ahead and digest not in running.values():
                        running[ahead.pop(digest)] = digest  # handed out by the press PDF
                        keys[digest], tasks[digest] = task.key, task
                for digest, task in todo:
                    if len(running) >= self.workers.slots:
                        break
                    if digest not in running.values():
                        self._say(f"typesetting {task.title[:60]} (from page {task.first_folio})")
                        running[self.workers.submit(typeset_part, task)] = digest
                        keys[digest], tasks[digest] = task.key, task
                        if task.notice:
                            telling.add(digest)
                if self._notices is not None and not self._front_handed:
                    self._front_ahead(known, plan, todo, told)
                free = self.workers.slots - len(running) - len(self._handed_ahead())
                if free > 0 and self.then is not None:
                    self.then.hand_ahead(free, self._measures_log())
                    free -= sum(not future.done() for future in ahead.values())  # the screen PDF's parts
                if free > 0:
                    untold = (tasks[d] for d in running.values() if d not in self._told)
                    self._sheets_ahead(free, self._settled(plan, todo), untold, self._layout(known))
                # The join's module (pikepdf: a sixth of a second) loaded
                # while the workers lay the parts out, not after them.
                from . import assemble  # noqa: F401

                # woken by a sheet's piece or the front matter too, to hand
                # out the next; and, while the front matter waits for a
                # part that will tell of itself, by what the workers tell
                finished: set[cf.Future] = set()
                while not finished and (waiting := [*running, *self._handed_ahead()]):
                    listening = not self._front_handed and any(
                        d in telling and d not in self._told for d in running.values()
                    )
                    finished, _ = cf.wait(
                        waiting, timeout=NOTICE_POLL_S if listening else None, return_when=cf.FIRST_COMPLETED
                    )
                    if listening and self._hear(guessed, keys, set(running.values())):
                        break  # planned again with the pages told
                for future in finished:
                    if future not in running:
                        continue  # a margin sheet's piece (``_sheets_ahead``)
                    digest = running.pop(future)
                    result = future.result()
                    self.fresh[digest] = result
                    # kept now, while the workers lay out the rest: not
                    # after the last part, when the book waits for it
                    self.cache.put(digest, result)
                    guessed[keys[digest]] = shared[keys[digest]] = result.pages
                    self._measured[keys[digest]] = (self._estimate(tasks[digest].source, scaled=False), result.pages)
        except BaseException:
            self._drop_early()
            raise
        finally:
            for future in running:
                future.cancel()
            if self.then is None:  # the last PDF of the build: what was handed out for it and not taken
                for future in ahead.values():
                    future.cancel()
                ahead.clear()
        done: list[tuple[str, PartResult]] = []
        found: dict[str, str] = {}
        for key, digest, result, folio in plan:
            self._use(key, digest, result)
            found.update(_folios(result.anchors, folio))
            done.append((key, result))
        return done, found

    def _hear(self, guessed: dict[str, int], keys: Mapping[str, str], running: set[str]) -> bool:
        """Read what the workers told of the parts being laid out
        (``PartTask.notice``): their page counts go into ``guessed``, where
        ``_plan`` finds them, their anchors into ``_told``. Whether a part
        was told of since the last call."""
        assert self._notices is not None
        heard = False
        for path in self._notices.glob("*.json"):
            digest = path.stem
            if digest in self._told or digest not in running:
                continue
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
                data = json.loads(path.read_text(encoding="utf-8"))
                pages, anchors = int(data["pages"]), {str(k): int(v) for k, v in data["anchors"].items()}
                guessed[keys[digest]] = pages
                self._told[digest] = (pages, anchors)
                heard = True
        return heard

    def _front_ahead(
        self, known: Mapping[str, str], plan: Sequence, todo: Sequence[tuple[str, PartTask]], found: Mapping[str, str]
    ) -> None:
        """Hand out the front matter once every part of the text is typeset
        or told of by the worker laying it out (``_hear``): its contents
        need every part's folios (``found``, from ``_plan``), which the
        parts' page counts and anchors give before their PDFs are written.
        ``book`` takes it if the front matter it asks for is this one (the
        same cache key: the parts ended at the folios told), as it takes a
        part (``_part_started``); one kept by the last build is not made."""
        if len(plan) + len(todo) < len(self._layout(known).parts):
            return  # the bibliography, not handed out yet
        if any(digest not in self._told for digest, _task in todo):
            return  # a part still being laid out
        lay = self._layout(dict(found))
        digest, task = self._task(FRONT_KEY, lay, lay.front, 0)
        self._front_handed = True
        if self.fresh.get(digest) is None and self.cache.peek(digest) is None:
            self._say("typesetting the front matter while the last parts are written")
            self._front_early = (digest, self.workers.submit(typeset_part, task))

    def _settled(
        self, plan: Sequence[tuple[str, str, PartResult, int]], todo: Sequence[tuple[str, PartTask]]
    ) -> list[tuple[str, str, int, int]]:
        """The parts of the text whose folio and length are known for good:
        typeset or told of (``_hear``), as is every part before them. The
        key, heading, first folio and page count of each, in reading order."""
        parts = [(folio, key, result.heading, result.pages) for key, _digest, result, folio in plan]
        for digest, task in todo:
            told = self._told.get(digest)
            parts.append((task.first_folio, task.key, part_heading(task.source), told[0] if told else 0))
        settled = []
        for folio, key, heading, count in sorted(parts, key=lambda part: part[0]):
            if not count:
                break  # not known yet: nor is the folio of any part after it
            settled.append((key, heading, folio, count))
        return settled

    def _plan(
        self, known: Mapping[str, str], guessed: Mapping[str, int]
    ) -> tuple[list[tuple[str, str, PartResult, int]], list[tuple[str, PartTask]], dict[str, str]]:
        """The parts of the text at the folios the typeset ones give: (key,
        cache key, result, first folio) of each, when all are typeset; else
        the tasks of the parts not typeset at their folio, in reading order;
        and the folio of each anchor of the parts typeset or told of
        (``_hear``), as the book's contents print them."""
        lay = self._layout(known)
        found: dict[str, str] = {}
        plan: list[tuple[str, str, PartResult, int]] = []
        todo: list[tuple[str, PartTask]] = []
        folio = 1
        for part in lay.parts:
            if part.key == BIBLIOGRAPHY_KEY:
                lay = self._layout({**known, **found})
                part = next(p for p in lay.parts if p.key == BIBLIOGRAPHY_KEY)
            digest, task = self._task(part.key, lay, (part,), folio)
            result = self.fresh.get(digest) or self.cache.peek(digest)
            if result is None:
                # The bibliography prints the folios of the citations before
                # it: it is handed out once the parts before it are typeset,
                # or told of by their workers (``_hear``: their pages are in
                # ``guessed``, their anchors in ``_told``).
                if part.key != BIBLIOGRAPHY_KEY or all(d in self._told for d, _task in todo):
                    todo.append((digest, task))
                if digest in self._told:
                    found.update(_folios(self._told[digest][1], folio))
                pages = guessed.get(part.key) or max(round(self._estimate(task.source)), 1)
            else:
                plan.append((part.key, digest, result, folio))
                found.update(_folios(result.anchors, folio))
                pages = result.pages
            folio = self._next_folio(folio, pages)
        return plan, todo, found

    @cached_property
    def then(self) -> _Typesetter | None:
        """The screen PDF's typesetter, when this is the press PDF's and the
        build makes the screen PDF next with workers: its parts are handed
        out (``hand_ahead``) when this PDF's last parts leave workers idle.
        Its stylesheets and geometry are the screen writer's defaults (a
        writer with others makes other cache keys: the parts handed out are
        then not taken, and only their time is lost)."""
        if self.profile.press is None or "pdf" not in self.ctx.build.formats or not self.workers.parallel:
            return None
        from ... import templating

        extra = self.ctx.override_dirs
        sheets = tuple(templating.find_stylesheet(name, extra) for name in (*TEXT_STYLESHEETS, SCREEN_PROFILE.sheet))
        cache = PartCache.of(self.ctx, SCREEN_PROFILE)
        guess = cache.remembered_pages() or estimate_pages(self.edition, self.ctx.options.print)
        g = pagesetup.geometry(self.ctx.options.print, guess, SCREEN_PROFILE.bleed)
        return _Typesetter(self.edition, self.ctx, SCREEN_PROFILE, sheets, self.fonts, g, cache)

    def hand_ahead(self, free: int, log: str = "") -> None:
        """Hand out up to ``free`` parts of this PDF not typeset yet, at the
        folios the page counts found so far give (``Products.ahead``), with
        the log of the PDF whose build hands them out (``PartTask.measures_log``:
        this PDF's own build has not made its folder yet; the log tells each
        record's fonts apart)."""
        ahead = self.ctx.products.ahead
        guessed = {**self.cache.remembered_part_pages(), **self.ctx.products.part_pages}
        _plan, todo, _found = self._plan({}, guessed)
        for digest, task in todo:
            if free <= 0:
                break
            if digest not in ahead:
                self._say(f"typesetting {task.title[:60]} for the screen PDF (from page {task.first_folio})")
                ahead[digest] = self.workers.submit(typeset_part, replace(task, measures_log=log))
                free -= 1

    def _estimate(self, source: str, scaled: bool = True) -> float:
        """About how many pages a part's HTML fills (a guess to start from):
        its words over a page's, times what the parts typeset so far in
        this build filled over what they were guessed to (``scaled``)."""
        options = self.ctx.options.print
        area = (options.width_in - 1.375) * (options.height_in - 1.75)
        words = self._words.get(source)
        if words is None:
            words = self._words[source] = len(re.sub(r"<[^>]*>", " ", source).split())
        pages = words / max(HTML_WORDS_PER_6X9_PAGE * area / TEXT_AREA_6X9, 1.0)
        # Parts of a few pages say little of a page's words (a page of two
        # lines counts as one): only longer ones scale the guess, within
        # bounds, so that no run of short parts can drive it off.
        long = [(g, n) for g, n in self._measured.values() if g >= MEASURED_MIN_PAGES]
        if scaled and long:
            ratio = sum(n for _g, n in long) / sum(g for g, _n in long)
            pages *= min(max(ratio, 0.5), 2.0)
        return pages

    def _task(self, key: str, lay, parts: Sequence[Part], first_folio: int) -> tuple[str, PartTask]:
        """One part's cache key and the task that typesets it."""
        from .document import created, parts_html

        extra = self.ctx.override_dirs
        html_key = (id(lay), tuple(p.key for p in parts))
        source = self._html.get(html_key)
        if source is None:
            source = parts_html(lay, parts, self.edition, extra, created(self.ctx.build.source_date_epoch))
            self._html[html_key] = source
        own = part_css() if first_folio else ""
        # The front matter's file gives the book its metadata, the press
        # file's DocumentID among them (``assemble``): it is part of its key.
        profile = repr(self.profile.press) if not first_folio else ""
        digest = self._digest(source, self._keyed_css + own + profile)
        task = self._part_task(key, parts[0].title, source, own, first_folio, self.profile.variant)
        if self._notices is not None and first_folio:
            task = replace(task, notice=str(self._notices / f"{digest}.json"))
        return digest, task

    def _digest(self, source: str, css: str) -> str:
        """The cache key of a part or a margin sheet's piece laid out from
        ``source`` with ``css``, worked out once (``_digests``): a plan asks
        for every part's, and a sheet's piece handed out ahead is asked for
        again when the book takes it."""
        digest = self._digests.get((source, css))
        if digest is None:
            digest = self._digests[source, css] = self.cache.key(source, css, self.sheets, self.fonts, self.g)
        return digest

    def _part_task(
        self, key: str, title: str, source: str, own: str, first_folio: int, variant: str, shared: bool = True
    ) -> PartTask:
        """A task laying out ``source`` with this book's stylesheets, fonts,
        geometry and profile (``variant``: the PDF's, or "" for an untagged
        margin sheet), with the log of what its workers learn when
        ``shared`` (``PartTask.measures_log``)."""
        p = self.profile
        return PartTask(
            key,
            title,
            source,
            own,
            first_folio,
            self._sheet_texts,
            self.css,
            tuple(self.fonts),
            str(self.ctx.project_dir),
            p.press,
            variant,
            self.g,
            p.recto_openings,
            frozenset(self._faces),
            self.workers.helpers,
            measures_log=self._measures_log() if shared else "",
        )

    def _measures_log(self) -> str:
        """Where the workers of this machine share what they learn
        (``PartTask.measures_log``): the log the cache folder keeps for the
        next build (a rebuild after a changed sentence breaks that
        sentence's paragraph again, and no other), else one in this PDF's
        build's temporary folder; "" for a Dask cluster's workers, on other
        machines, and for one job keeping nothing."""
        if self.workers.address:
            return ""
        here = str(self._notices / MEASURES_LOG) if self._notices is not None else ""
        if self._sheets_name_files:
            return here  # a face or sheet they name may change, unseen by the log's tag
        return self.cache.measures_log or here

    @cached_property
    def _sheets_name_files(self) -> bool:
        """Whether a stylesheet names another file (``_NAMES_A_FILE``)."""
        return any(_NAMES_A_FILE.search(text) for _name, text in self._sheet_texts)

    @cached_property
    def _faces(self) -> dict[str, str]:
        """The font files whose subsets the parts leave to the book, by their
        SHA-256 (``subsets``)."""
        return subsets.known_faces(self.fonts)

    @cached_property
    def _keyed_css(self) -> str:
        """What a part's cache key takes of the book's stylesheet: the sheet,
        and the faces whose subsets the part leaves to the book (a part kept
        with a face deferred is not taken by a build that cannot make its
        subset)."""
        return self.css + repr(sorted(self._faces))

    @cached_property
    def _sheet_texts(self) -> tuple[tuple[str, bytes], ...]:
        return tuple((str(path), Path(path).read_bytes()) for path in self.sheets)

    def _part(self, key: str, lay, parts: Sequence[Part], first_folio: int) -> PartResult:
        """One part of the text, from the cache or typeset now (``_part_started``)."""
        return self._part_started(key, lay, parts, first_folio)()

    def _part_started(self, key: str, lay, parts: Sequence[Part], first_folio: int) -> Callable[[], PartResult]:
        """A part (or the front matter: ``first_folio`` 0) from the cache,
        or typeset in this process now, or handed to a worker now; the
        function returned gives it (waiting for the worker), once."""
        digest, task = self._task(key, lay, parts, first_folio)
        kept = self.fresh.get(digest) or self.cache.get(digest)
        if kept is not None:
            return partial(self._taken, key, digest, kept, first_folio, False)
        early = None
        if self._front_early is not None and self._front_early[0] == digest:
            early, self._front_early = self._front_early[1], None
        if early is None:
            self._say(f"typesetting {parts[0].title[:60]}" + (f" (from page {first_folio})" if first_folio else ""))
        if not self.workers.parallel:
            layout = _PartLayout(task, self.ctx.progress, self.keep_layouts)
            with LAYOUT_LOCK:
                made = layout.result()
            self.rendered.update(layout.rendered)
            return partial(self._taken, key, digest, made, first_folio, True)
        future = early or self.workers.submit(typeset_part, task)

        def typeset() -> PartResult:
            if self.then is not None:
                self.then.hand_ahead(self.workers.slots - 1, self._measures_log())
            return self._taken(key, digest, future.result(), first_folio, True)

        return typeset

    def _taken(self, key: str, digest: str, result: PartResult, first_folio: int, typeset: bool) -> PartResult:
        """``result``, taken by the book (``_use``); its last page said when it was typeset now."""
        if typeset and first_folio:
            self._say(f"page {first_folio + result.pages - 1}")
        self._use(key, digest, result)
        return result

    def _use(self, key: str, digest: str, result: PartResult) -> None:
        """``result`` is the part the book takes: kept for the next build,
        its warnings the build's."""
        if digest not in self.cache.memory:  # not kept yet (a part of the text handed out is kept as it comes)
            self.cache.put(digest, result)
        self.fresh.pop(digest, None)
        self.cache.used.add(digest)
        self.cache.part_pages[key] = result.pages
        # Said once for the book: the stylesheets' warnings come with every
        # part, and a part laid out again (the gutter) says what it said.
        said = {(d.code, d.message) for d in self.ctx.diagnostics.items}
        for code, message in result.warnings:
            if (code, message) not in said:
                self.ctx.diagnostics.add(codes.named(code), message)
                said.add((code, message))

    @cached_property
    def css(self) -> str:
        """The stylesheet every part shares: the faces, the page geometry
        (made once: the widest preformatted line is found in the whole book)."""
        from ...layout import printview

        return (
            font_css(self.fonts)
            + pagesetup.page_css(self.g)
            + pagesetup.preformatted_css(self.g, printview.widest_preformatted(self.edition))
        )

    def _boxes(self, index: int) -> dict[str, tuple[float, float, float, float]]:
        """Page ``index``'s TrimBox (at the trim, by recto or verso) and BleedBox."""
        return {"/TrimBox": pagesetup.trim_box_pt(self.g, index), "/BleedBox": pagesetup.media_box_pt(self.g)}

    def _say(self, message: str) -> None:
        if self.ctx.progress is not None:
            self.ctx.progress(message)


def _stretch_words(g: pagesetup.PageGeometry) -> int:
    """The words of HTML ``STRETCH_PAGES`` pages of ``g`` hold, about."""
    area = (g.width_in - 1.375) * (g.height_in - 1.75)
    return int(STRETCH_PAGES * HTML_WORDS_PER_6X9_PAGE * area / TEXT_AREA_6X9)


def _clean_breaks(
    rendered: Rendered, misplaced: list, blocks: stretches.Blocks, start: int, end: int
) -> list[tuple[int, int]]:
    """The pages of a stretch (blocks ``start`` to ``end``) that may open a
    stretch of their own (``stretches``): a plain paragraph's first line
    begins each, and no note called before it is set on or after it. Each
    page's index and its paragraph's block, in order."""
    count, openings = rendered.block_openings()
    if count != end - start:
        return []  # the HTML was read as other blocks than ``stretches`` finds
    return [
        (page, start + opened)
        for page, opened in sorted(openings.items())
        if blocks.opens_stretch(start + opened) and not any(m.call_page <= page < m.note_page for m in misplaced)
    ]


def _folios(anchors: Mapping[str, int], folio: int) -> Iterable[tuple[str, str]]:
    """The folio printed for each of a part's ``anchors`` (page indexes in
    the part) when the part opens at ``folio``."""
    return ((anchor, str(folio + index)) for anchor, index in anchors.items())


def _part_anchors(facts: PartFacts) -> dict[str, int]:
    """The anchors of a part laid out, by page index in the part (from 0)."""
    return {name: page - 1 for name, page in facts.anchors.items()}


def _tell(path: str, facts: PartFacts) -> None:
    """Write to ``path`` (``PartTask.notice``; "": nothing) the page count
    and anchors of a part laid out (``facts``), as its ``PartResult`` will
    hold them. Written whole or not at all (renamed into place); a build
    that no longer waits for it (the folder gone) is not told."""
    if not path:
        return
    told = json.dumps({"pages": facts.pages, "anchors": _part_anchors(facts)})
    with contextlib.suppress(OSError):
        part = Path(f"{path}.{os.getpid()}.part")
        part.write_text(told, encoding="utf-8")
        os.replace(part, path)


def _written(rendered: Rendered) -> tuple[bytes, tuple[Diagnostic, ...]]:
    """The PDF of a stretch's pages (``Rendered.part_pdf``), and what
    writing it said."""
    pdf = rendered.part_pdf()
    return pdf, tuple(rendered.diagnostics.items)


def _take(
    waiting: list[tuple[int, Callable[[], tuple[bytes, tuple[Diagnostic, ...]]]]],
    written: list[tuple[int, bytes, tuple[Diagnostic, ...]]],
) -> None:
    """The stretches ``waiting`` to be written (their pages, and the
    function that gives their PDF and what writing it said: ``Forked``),
    written, in order, into ``written``; none is left waiting, nor held."""
    while waiting:
        count, give = waiting.pop(0)
        written.append((count, *give()))


def _said_once(diags: Diagnostics, said: Iterable[Diagnostic]) -> None:
    """What ``said`` holds that ``diags`` does not say already (the same
    code and message), added to it: what each stretch says of the
    stylesheets, or writing it says, is said once for the part."""
    known = {(d.code, d.message) for d in diags.items}
    for item in said:
        if (item.code, item.message) not in known:
            diags.items.append(item)
            known.add((item.code, item.message))


class _StretchEnd:
    """Ends a stretch's layout (``render_document``'s ``stop``) at its
    first page from page ``pages`` on (index from 0) that opens on a block
    that may open a stretch (``stretches``; ``BlockOpenings``), rather than
    laying out the rest of its blocks only to lay them out again in the
    next stretch. ``_clean_breaks`` then reads the layout as it reads one
    laid out to its end (it also refuses a page with a note carried onto
    it, which this cannot see as the page is made)."""

    def __init__(self, blocks: stretches.Blocks, start: int, pages: int) -> None:
        from .engine import BlockOpenings  # WeasyPrint: where parts are laid out (``flow``)

        self.blocks, self.start, self.pages = blocks, start, pages
        self.openings = BlockOpenings()
        self.stopped = False

    def __call__(self, number: int, page_box: object) -> bool:
        if number == 0:  # a document's first page, or WeasyPrint's second pass over its pages
            self.openings = type(self.openings)()
        opened = self.openings.add(number, page_box)
        self.stopped = number >= self.pages and opened is not None and self.blocks.opens_stretch(self.start + opened)
        return self.stopped


@dataclass
class _PartLayout:
    """The layout of one part (``PartTask``), with its remedies."""

    task: PartTask
    progress: Progress | None = None
    keep_layouts: bool = False
    rendered: dict[str, Rendered] = field(default_factory=dict)
    _layouts_left: int = 0  # remedy layouts the part may still have (``REMEDY_PAGES``)
    _limited: bool = False  # a remedy was left out for it

    def result(self) -> PartResult:
        """The part laid out (``_laid_out``) and written: whole, or a
        stretch at a time when it is longer than ``STRETCH_PAGES`` twice
        (``stretches``), each stretch but the last written (by a forked
        child, where the task has ``helpers``) while the next is laid out."""
        from .engine import PartFacts  # WeasyPrint: where parts are laid out (``flow``)

        blocks = stretches.blocks_of(self.task.source) if self.task.key != FRONT_KEY else None
        words = _stretch_words(self.task.g)
        facts = PartFacts()
        with Forked[tuple[bytes, tuple[Diagnostic, ...]]](self.task.helpers) as forked:
            whole: Rendered | None = None  # the part laid out as one document
            pieces: list[tuple[int, bytes, tuple[Diagnostic, ...]]] = []  # else its stretches, written
            if blocks is None or sum(blocks.counts) < 2 * words:
                whole, _misplaced, diags = self._laid_out()
                facts.add(whole)
                _tell(self.task.notice, facts)
                if self.keep_layouts:
                    self.rendered[self.task.key] = whole
            else:
                diags, pieces = self._in_stretches(blocks, words, forked, facts)
            for page, text in facts.overflowing:
                shown = text if len(text) <= 40 else f"{text[:40]}… ({len(text)} characters)"
                message = f"page {page} of the part: {shown!r} runs past the edge of the page and is cut off in the PDF"
                diags.add(codes.TEXT_OVERFLOW, message)
            flow = facts.flow()
            anchors = _part_anchors(facts)
            if whole is not None:
                pdfs, cuts = [whole.part_pdf()], []
            else:
                pdfs, cuts = [], [0]
                for count, pdf, said in pieces:
                    pdfs.append(pdf)
                    cuts.append(cuts[-1] + count)
                    _said_once(diags, said)
        return PartResult(
            pdfs[0],
            facts.pages,
            anchors,
            flow.words,
            flow.starts,
            flow.printed,
            flow.inked,
            flow.parts,
            tuple((m.label, m.call_page - 1, m.note_page - 1) for m in facts.misplaced),
            tuple((d.code, d.message) for d in diags.items),
            part_heading(self.task.source),
            tuple(pdfs[1:]),
            tuple(cuts[1:-1]),
            facts.outline() if len(pdfs) > 1 else (),
            _FIGURES.search(self.task.source) is not None,
        )

    def _in_stretches(
        self, blocks: stretches.Blocks, words: int, forked: Forked, facts: PartFacts
    ) -> tuple[Diagnostics, list[tuple[int, bytes, tuple[Diagnostic, ...]]]]:
        """The part laid out a stretch of about ``words`` words at a time,
        each kept to its last clean break (``stretches``), the next laid out
        from there, on the side that page is on. A stretch is given its
        remedies (``_laid_out``) only for a fault (a note off its call's
        page, a recto ending in a broken word) on a page it keeps: the
        pages after its last clean break are laid out again in the next
        stretch, and mended there.

        Each stretch's kept pages are read into ``facts`` and handed to
        ``forked`` to be written (``_written``), then let go once written:
        a stretch's PDF is taken when the next stretch is laid out (its
        child writing it meanwhile; the last's, when the last stretch is
        written), or at once with no helpers, so a
        worker holds the layout of the stretch it lays out (two, while a
        remedy lays it out again) and, while a child writes it, the kept
        pages of the one before, whatever the part's length (a part's
        pages, all held, took 445 MB at 879 pages). The part's pages are
        told (``PartTask.notice``) once its last stretch is laid out, and
        the worker writes that stretch itself: with helpers, while a child
        writes the one before (the worker's peak then holds that writing).
        What was said, and each stretch's page count, PDF and what writing
        it said. With ``keep_layouts``, the part's pages are also kept, as
        one document (``rendered``)."""
        from .engine import Rendered  # WeasyPrint: where parts are laid out (``flow``)

        diags = Diagnostics()
        waiting: list[tuple[int, Callable[[], tuple[bytes, tuple[Diagnostic, ...]]]]] = []
        written: list[tuple[int, bytes, tuple[Diagnostic, ...]]] = []
        every: list = []  # the part's pages, for ``keep_layouts``
        first: Rendered | None = None  # the first stretch's layout, for ``keep_layouts``
        start, want = 0, words
        while True:
            end = blocks.end_after(start, want * 6 // 5)  # room for the layout to reach a page it may stop at
            last = end == len(blocks.blocks)
            # numbered on from the part's pages before it (its folios laid out hidden: ``part_css``)
            own = self.task.own + (stretches.LATER_CSS + stretches.numbered_from(facts.pages + 1) if start else "")
            if facts.pages % 2:  # the part is laid out from a recto: this stretch opens on a verso
                own += stretches.VERSO_CSS
            task = replace(
                self.task, source=blocks.source(start, end), own=own, first_folio=self.task.first_folio + facts.pages
            )
            layout = _PartLayout(task, self.progress)
            said = Diagnostics()
            # laid out up to the first page from about STRETCH_PAGES on that may open the next stretch
            ends = None if last else _StretchEnd(blocks, start, max(1, STRETCH_PAGES * 7 // 8))
            rendered = layout._render(task.source, task.own, said, task.first_folio, stop=ends)
            misplaced = rendered.misplaced_notes()
            cuts = [] if last else _clean_breaks(rendered, misplaced, blocks, start, end)
            keep = cuts[-1] if cuts else None
            if any(keep is None or f < keep[0] for f in layout._faults(rendered, misplaced)):
                if ends is not None and ends.stopped:  # the remedies lay the stretch out whole: so must the first
                    said = Diagnostics()
                    del rendered  # (not held while it is laid out again)
                    rendered = layout._render(task.source, task.own, said, task.first_folio)
                rendered, misplaced, said = layout._laid_out((rendered, said))
                cuts = [] if last else _clean_breaks(rendered, misplaced, blocks, start, end)
                keep = cuts[-1] if cuts else None
            if not last and keep is None:
                want *= 2  # no page of it opens on a paragraph of its own: a longer stretch
                del rendered
                continue
            _said_once(diags, said.items)
            kept = rendered.document.pages if keep is None else rendered.document.pages[: keep[0]]
            piece = Rendered(rendered.document.copy(kept), rendered.job, Diagnostics())
            facts.add(piece)
            if self.keep_layouts:
                every.extend(kept)
                first = first or rendered
            count = len(kept)
            del rendered, kept  # the pages it does not keep go now; the kept ones once written
            if keep is None:  # the last stretch: the part's pages all laid out, told at once
                _tell(self.task.notice, facts)
            else:
                _take(waiting, written)  # the stretch before, its child done: the child forked now shares none of it
            if (len(written) + len(waiting) + 1) % COLLECT_STRETCHES == 0:
                gc.collect()  # before the fork (or the last writing): a child sees this memory as it is
            if keep is None:
                # Written here, while a child may still write the stretch
                # before: the two at the same time (a child forked for it
                # would wait for that one to end).
                mine = _written(piece)
                del piece
                _take(waiting, written)
                written.append((count, *mine))
                break
            waiting.append((count, forked.submit(partial(_written, piece))))
            del piece
            if not forked.helpers:
                _take(waiting, written)  # written here, now
            start, want = keep[1], words
        if first is not None:
            self.rendered[self.task.key] = Rendered(first.document.copy(every), first.job, diags)
        return diags, written

    def _laid_out(self, laid: tuple[Rendered, Diagnostics] | None = None) -> tuple[Rendered, list, Diagnostics]:
        """Lay out the task's part (``own``: its stylesheet) as plain flow,
        then mend the notes WeasyPrint set off their call's page (print.css,
        "Footnotes"), each remedy kept only where it leaves fewer such notes:

        1. the paragraph that closes a call's page, when it goes on to the
           next page, is given one orphan more than its lines there, so it
           begins on the next page and leaves the notes their room
           (``_keep_notes_with_calls``);
        2. the part as one column, not tried where a page holds more than
           ``COLUMN_NOTES_MAX`` notes (a column box lays its text out again
           for every note it adds: its time grows with their square);
        3. the paragraphs of the call's page broken greedily.

        Then rectos that end in a broken word are mended (press files). The
        layout, the notes still off their page and what was said; ``laid``:
        the plain flow's layout and what was said of it, made already."""
        key, source, own, first_folio = self.task.key, self.task.source, self.task.own, self.task.first_folio
        if laid is None:
            diags = Diagnostics()
            rendered = self._render(source, own, diags, first_folio)
        else:
            rendered, diags = laid
        self._layouts_left = REMEDY_PAGES // max(rendered.pages, 1)
        misplaced = rendered.misplaced_notes()
        orphans: tuple[tuple[tuple[str, str], int], ...] = ()
        if misplaced and key != FRONT_KEY:
            rendered, misplaced, orphans = self._keep_notes_with_calls(source, own, first_folio, rendered, misplaced)
        if misplaced and key != FRONT_KEY and rendered.most_notes_on_a_page() <= COLUMN_NOTES_MAX and self._again():
            column = own + f"#{key} {{ columns: 1; }}\n"
            other = self._render(source, column, Diagnostics(), first_folio, orphans=orphans)
            if len(other.misplaced_notes()) < len(misplaced):
                rendered, misplaced, own = other, other.misplaced_notes(), column
        greedy: frozenset[tuple[str, str]] = frozenset()
        if misplaced and key != FRONT_KEY and self._again():
            # Still a note off its page: the paragraph breaker's lines on
            # the call's page may be what WeasyPrint cannot fit with the note
            # (it moves a page's notes on to keep a paragraph's lines
            # together). The paragraphs of the call's page broken greedily,
            # as WeasyPrint breaks lines, are kept if fewer notes go astray.
            calling = rendered.paragraphs_on({m.call_page for m in misplaced})
            other = self._render(source, own, Diagnostics(), first_folio, calling, orphans)
            if len(other.misplaced_notes()) < len(misplaced):
                rendered, misplaced, greedy = other, other.misplaced_notes(), calling
        if self.task.recto_openings and key != FRONT_KEY:
            rendered, misplaced = self._mend_recto_feet(source, own, first_folio, rendered, misplaced, greedy, orphans)
        if self._limited:
            diags.add(
                codes.REMEDIES_LIMITED,
                (
                    f"'{self.task.title[:60]}' ({rendered.pages} pages) is laid out as one part: it was laid out "
                    f"again for at most {REMEDY_PAGES} pages in all, so a note may stay off its call's page or a "
                    "recto end in a broken word (each said); headings the reader finds make parts of chapters"
                ),
            )
        return rendered, misplaced, diags

    def _keep_notes_with_calls(
        self, source: str, own: str, first_folio: int, rendered: Rendered, misplaced: list
    ) -> tuple[Rendered, list, tuple[tuple[tuple[str, str], int], ...]]:
        """The part laid out again with the paragraph that closes each call's
        page given one orphan more than its lines there (what the first
        layout does as it goes, ``KEEP_NOTES``: this mends what it misses,
        ``spacing._notes_kept``): the layout with the
        fewest notes off their page and no more rectos ending in a broken
        word, those notes, and the orphans it was given.

        The cause it mends: when a paragraph has its first line at the foot
        of a page and its second does not fit, WeasyPrint keeps orphans at
        2 by moving the page's footnotes to the next page, last first, until
        the second line fits (layout/block.py, ``_linebox_layout``: "first
        try to report footnotes"), and leaves their calls behind. With more
        orphans than it could have there, the paragraph goes to the next
        page whole, as it would without the notes: the page ends a line or
        two short, its notes under their calls. That moves the text after
        it, and may leave another page closing on a paragraph's opening
        lines with a note moved on (or the same paragraph, a line further
        down: WeasyPrint does the same to keep any number of orphans): each
        pass mends the calls' pages of the last, up to ``NOTE_PASSES``."""
        best: tuple[Rendered, list, tuple[tuple[tuple[str, str], int], ...]] = (rendered, misplaced, ())
        feet = self._recto_feet(rendered)
        raised: dict[tuple[str, str], int] = {}
        for _ in range(NOTE_PASSES):
            wanted = dict(raised)
            for note in misplaced:
                closing = rendered.closing_paragraph(note.call_page)
                if closing is not None and wanted.get(closing[0], 0) <= closing[1]:
                    wanted[closing[0]] = closing[1] + 1
            if wanted == raised or not self._again():
                break  # nothing left this remedy can mend, or no layout left for it
            orphans = tuple(sorted(wanted.items()))
            rendered = self._render(source, own, Diagnostics(), first_folio, orphans=orphans)
            misplaced, raised = rendered.misplaced_notes(), wanted
            # A layout with more rectos ending in a broken word is not kept
            # (a fault this remedy must not add), but the next pass may mend
            # its notes without one.
            if len(misplaced) < len(best[1]) and self._recto_feet(rendered) <= feet:
                best = (rendered, misplaced, orphans)
            if not misplaced:
                break
        return best

    def _faults(self, rendered: Rendered, misplaced: list) -> list[int]:
        """The pages (index from 0) of ``rendered`` a remedy would mend, in
        order: a note's call's, the note set on another page; a recto's that
        ends in a broken word, where parts open on rectos."""
        return sorted({m.call_page - 1 for m in misplaced} | {foot.page for foot in self._foot_breaks(rendered)})

    def _again(self) -> bool:
        """Whether the part may be laid out once more for a remedy
        (``REMEDY_PAGES``); counts the layout, or notes the limit met."""
        if self._layouts_left <= 0:
            self._limited = True
            return False
        self._layouts_left -= 1
        return True

    def _recto_feet(self, rendered: Rendered) -> int:
        """How many rectos of ``rendered`` end in a broken word (``_foot_breaks``)."""
        return len(self._foot_breaks(rendered))

    def _foot_breaks(self, rendered: Rendered) -> list[pagefoot.FootBreak]:
        """The rectos of ``rendered`` that end in a broken word (in a press
        book, where parts open on rectos: ``pagefoot``)."""
        if not self.task.recto_openings:
            return []
        return pagefoot.recto_foot_breaks(rendered.document, self.task.first_folio)

    def _mend_recto_feet(
        self,
        source: str,
        own: str,
        first_folio: int,
        rendered: Rendered,
        misplaced: list,
        greedy: frozenset[tuple[str, str]] = frozenset(),
        orphans: tuple[tuple[tuple[str, str], int], ...] = (),
    ) -> tuple[Rendered, list]:
        """Lay the part out again while a recto ends in a broken word
        (``pagefoot``), its paragraph unhyphenated, as long as that leaves
        fewer such rectos and no more notes off their page."""
        extra = ""
        breaks = pagefoot.recto_foot_breaks(rendered.document, first_folio)
        for _ in range(MAX_PASSES):
            if not breaks or not self._again():
                break
            extra += pagefoot.no_hyphens_css(rendered.document, breaks)
            other = self._render(source, own + extra, Diagnostics(), first_folio, greedy, orphans)
            found = pagefoot.recto_foot_breaks(other.document, first_folio)
            if len(found) >= len(breaks) or len(other.misplaced_notes()) > len(misplaced):
                break
            rendered, misplaced, breaks = other, other.misplaced_notes(), found
        return rendered, misplaced

    def _render(
        self,
        source: str,
        own: str,
        diags: Diagnostics,
        first_folio: int,
        greedy: frozenset[tuple[str, str]] = frozenset(),
        orphans: tuple[tuple[tuple[str, str], int], ...] = (),
        stop: LayoutStop | None = None,
    ) -> Rendered:
        from .engine import PdfJob, render_document  # WeasyPrint: where parts are laid out (``flow``)

        t = self.task
        job = PdfJob(
            source,
            self._sheets,
            t.css,
            t.fonts,
            Path(t.project_dir),
            t.press,
            t.variant,
            t.g,
            own,
            greedy,
            orphans,
            KEEP_NOTES,
            t.deferred_fonts,
            # a part of the text (its stylesheet opens with ``part_css``,
            # stretches and remedies add to it): its margins are the sheet's
            own.startswith(part_css()),
        )
        return render_document(job, diags, self.progress, max(first_folio, 1), stop, t.measures_log)

    @cached_property
    def _sheets(self) -> tuple[Path, ...]:
        return tuple(_sheet_file(path, text) for path, text in self.task.sheets)


def _sheet_file(path: str, text: bytes) -> Path:
    """A stylesheet the task carries, as a file: where it was read, when
    that file holds the same (this machine, or a shared file system), else
    a copy in a folder of this worker's, named by its digest."""
    here = Path(path)
    try:
        if here.read_bytes() == text:
            return here
    except OSError:
        pass
    folder = Path(tempfile.gettempdir()) / "editionbuilder-sheets" / hashlib.sha256(text).hexdigest()[:24]
    copy = folder / here.name
    if not copy.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(copy, text)
    return copy


def _cited_pages(text: Sequence[tuple[str, PartResult]], pages: Mapping[str, str]) -> dict[str, str]:
    """The folios of the anchors of the parts after the bibliography (the
    ones it may print before knowing them)."""
    keys = [k for k, _p in text]
    if BIBLIOGRAPHY_KEY not in keys:
        return {}
    later = [p for k, p in text[keys.index(BIBLIOGRAPHY_KEY) + 1 :]]
    return {a: pages.get(a, "") for p in later for a in p.anchors}


# --------------------------------------------------------------------------
# The cache of typeset parts
# --------------------------------------------------------------------------


@dataclass
class PartCache:
    """Typeset parts of one edition's PDF of one profile, kept in a folder
    (``folder`` None: kept for this build only). Each entry is the part's
    PDF (``KEY.pdf``; a part written in stretches, the first stretch's, and
    ``KEY-N.pdf`` each other's) and a JSON of what the book needs of it
    (with the SHA-256 of each PDF), named by its key; a build
    removes the entries of this edition and profile it did not use: those
    the last build used, and those written since, by this build or by one
    stopped before its end (a part typeset at once is kept as soon as it is
    typeset, before the book knows it takes it: ``_journal``)."""

    folder: Path | None
    name: str  # "EDITION.PROFILE"
    code: str  # the digest of the code that typesets (``code_digest``)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)  # damaged entries are reported here
    used: set[str] = field(default_factory=set)
    written: set[str] = field(default_factory=set)  # by this build
    memory: dict[str, PartResult] = field(default_factory=dict)
    part_pages: dict[str, int] = field(default_factory=dict)  # this build's, by part key

    @classmethod
    def of(cls, ctx: WriteContext, profile: BookProfile) -> PartCache:
        folder = Path(ctx.build.cache_dir) / "typeset" if ctx.build.cache_dir else None
        return cls(folder, f"{ctx.options.name}.{profile.medium.name}", code_digest(), ctx.diagnostics)

    def key(
        self, source: str, css: str, sheets: Sequence[Path], fonts: Sequence[FontFace], g: pagesetup.PageGeometry
    ) -> str:
        return render_digest((CACHE_VERSION, self.code, self.name, source, css, repr(g)), sheets, fonts)

    def get(self, key: str) -> PartResult | None:
        self.used.add(key)
        return self.peek(key)

    def peek(self, key: str) -> PartResult | None:
        """The part kept under ``key``, not yet marked as used by this build."""
        if key in self.memory or self.folder is None:
            return self.memory.get(key)
        meta = self.folder / f"{key}.json"
        if not meta.is_file():
            return None  # not kept: typeset it
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            digests = data.pop("sha256")
            if not isinstance(digests, list) or not digests:
                raise ValueError("it names no PDF")
            bodies = [self._piece(key, n).read_bytes() for n in range(len(digests))]
            if [hashlib.sha256(body).hexdigest() for body in bodies] != digests:
                raise ValueError("its PDF is not the one that was kept")
            result = PartResult(pdf=bodies[0], more=tuple(bodies[1:]), **_tuples(data))
            if len(result.cuts) != len(result.more):
                raise ValueError("its stretches are not those of its PDFs")
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # Damaged (a truncated file, a full disk, a hand edit): a part
            # that cannot be trusted is typeset again, never joined.
            self._remove(key)
            self.diagnostics.add(
                codes.CACHE_ENTRY_DISCARDED, f"a kept typeset part ({meta.name}) was damaged ({exc}): typeset again"
            )
            return None
        self.memory[key] = result
        return result

    def put(self, key: str, result: PartResult) -> None:
        self.memory[key] = result
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        if key not in self.written:
            self.written.add(key)
            # noted before its files are: a build stopped before ``finish``
            # leaves the next one the entries it may drop
            with open(self._journal(), "a", encoding="utf-8") as journal:
                journal.write(key + "\n")
        for n, pdf in enumerate(result.pdfs):
            atomic_write_bytes(self._piece(key, n), pdf)
        meta = {**result.meta(), "sha256": [hashlib.sha256(pdf).hexdigest() for pdf in result.pdfs]}
        atomic_write_bytes(self.folder / f"{key}.json", json.dumps(meta).encode("utf-8"))

    @cached_property
    def measures_log(self) -> str:
        """The log of the widths and breaks the edition's layouts found
        (``engine.sharing``), kept for its next build, "" with no folder:
        named by the edition and the code that typesets (the logs of other
        code are removed), and removed past ``MEASURES_KEPT_MAX`` (what the
        build finds is kept in a new one)."""
        if self.folder is None:
            return ""
        edition = self.name.rsplit(".", 1)[0]
        path = self.folder / f"{edition}.measures-{self.code[:16]}.log"
        with contextlib.suppress(OSError):
            for other in self.folder.glob(f"{glob.escape(edition)}.measures-*.log"):
                if other != path or other.stat().st_size > MEASURES_KEPT_MAX:
                    other.unlink(missing_ok=True)
            self.folder.mkdir(parents=True, exist_ok=True)
        return str(path)

    def _piece(self, key: str, n: int) -> Path:
        """The file of an entry's PDF, or of its ``n``th stretch's (``PartResult.more``)."""
        return self.folder / (f"{key}.pdf" if n == 0 else f"{key}-{n}.pdf")  # type: ignore[operator]

    def _remove(self, key: str) -> None:
        """An entry's files, removed."""
        assert self.folder is not None
        for path in (self.folder / f"{key}.json", self.folder / f"{key}.pdf", *self.folder.glob(f"{key}-*.pdf")):
            path.unlink(missing_ok=True)

    def remembered_pages(self) -> int:
        """The page count of this PDF at the last build (0: none known)."""
        try:
            return int(json.loads(self._manifest().read_text(encoding="utf-8"))["pages"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def remembered_part_pages(self) -> dict[str, int]:
        """The page count of each part (by its key) at the last build: a
        guess of its folios for a build that lays out parts at once."""
        try:
            found = json.loads(self._manifest().read_text(encoding="utf-8"))["part_pages"]
            return {str(k): int(v) for k, v in found.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def finish(self, pages: int) -> None:
        """Remember this build's page count and parts; drop the parts of the
        last build of this PDF that this one did not use, and those written
        since (``_journal``: by this build, or by one stopped before its end)
        that it did not use."""
        if self.folder is None:
            return
        try:
            before = set(json.loads(self._manifest().read_text(encoding="utf-8"))["parts"])
        except (OSError, ValueError, KeyError, TypeError):
            before = set()
        try:
            since = set(self._journal().read_text(encoding="utf-8").split())
        except (OSError, ValueError):
            since = set()
        for key in (before | since | self.written) - self.used:
            self._remove(key)
        manifest = {"pages": pages, "parts": sorted(self.used), "part_pages": self.part_pages}
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self._manifest(), json.dumps(manifest).encode("utf-8"))
        self._journal().unlink(missing_ok=True)

    def _manifest(self) -> Path:
        return self.folder / f"{self.name}.manifest.json"  # type: ignore[operator]

    def _journal(self) -> Path:
        """The keys of the entries written since the last build ended, one a line."""
        return self.folder / f"{self.name}.written"  # type: ignore[operator]


def _tuples(data: dict) -> dict:
    """A part's JSON with its lists as the tuples ``PartResult`` holds."""
    out = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    for key in ("misplaced", "warnings"):
        out[key] = tuple(tuple(item) for item in out[key])
    out["outline"] = _outline(out.get("outline", ()))
    return out


def _outline(items) -> tuple:
    """A part's bookmarks read from JSON: (title, page, x, y, children, state) of each."""
    return tuple((t, page, x, y, _outline(children), state) for t, page, x, y, children, state in items)


_DIGEST: list[str] = []


def code_digest() -> str:
    """A digest of the code that turns a part's HTML into its PDF and its
    layout (this package's writers), and of WeasyPrint's version: a part
    typeset by other code is typeset again."""
    if not _DIGEST:
        h = hashlib.sha256(engine_version().encode())
        # A part's warnings are kept by code name and read back through the
        # catalogue: a part cached under another catalogue is typeset again.
        h.update(repr(codes.CATALOGUE).encode())
        here = Path(__file__).parent
        for path in sorted([*here.glob("*.py"), *here.glob("engine/*.py"), Path(pages.__file__)]):
            h.update(path.read_bytes())
        _DIGEST.append(h.hexdigest())
    return _DIGEST[0]
