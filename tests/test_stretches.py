"""A long part laid out a stretch at a time (writers/print/stretches.py):
the stretches give the pages one document of the whole part gives, and
each is cut where a page opens on a paragraph of its own.

The long part here is the Engels text run together without its headings
(a text whose chapters the reader does not find: one part), laid out with
stretches of a few pages so that it has many; and a chapter made to have
a note set off its call's page in the middle (``test_notes_placement``),
mended in its stretch.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import itertools
import json
import os
import re
import subprocess
import threading
import uuid
import weakref
from concurrent.futures import Future
from pathlib import Path

import pikepdf
import pytest

import test_notes_placement as notes
from editionbuilder import scheduling
from editionbuilder.config import one_off_edition
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.options import BuildOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.writers import WriteContext
from editionbuilder.writers.print import pagesetup, stretches, subsets, typeset
from editionbuilder.writers.print.engine import MisplacedNote
from editionbuilder.writers.print.fonts import DEFAULT_FONTS
from editionbuilder.writers.print.press import press_profile
from editionbuilder.writers.print.profiles import SCREEN_PROFILE
from editionbuilder.writers.print.writer import PdfWriter
from paths import ENGELS, corpus_file
from printkit import page_images

EPOCH = 1_764_028_800
STRETCH = 6  # pages: the part (about 50 pages) is laid out in seven stretches or so
SHEET = 7  # pages: its margin sheet is made in nine pieces or so


def unchaptered(folder: Path) -> Path:
    """The Engels body with no heading: every paragraph whose letters are
    all capitals left out (CHAPTER I., the section titles)."""
    text = corpus_file(ENGELS).read_bytes().decode("latin-1").replace("\r\n", "\n")
    body = text.split("*** START", 1)[1].split("\n", 1)[1].split("*** END", 1)[0]
    paras = [p for p in re.split(r"\n\s*\n", body) if re.sub(r"[^A-Za-z]", "", p) and not p.isupper()]
    path = folder / "unchaptered.txt"
    path.write_text("A Book Without Chapters\n\nby Someone\n\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return path


def typeset_book(
    path: Path, press: bool, stretch_pages: int, sheet_pages: int = 0, keep_layouts: bool = True
) -> typeset.TypesetBook:
    """The book of ``path`` typeset (no cache), a part longer than twice
    ``stretch_pages`` laid out in stretches of as many pages, its margin
    sheet made in pieces of ``sheet_pages`` (0: the default); its layouts
    kept (``keep_layouts``) unless asked."""
    options = one_off_edition([path])
    edition = read_edition(options, path.parent, Diagnostics(), format_bibliography=False)
    assert len(edition.chapters) == 1
    ctx = WriteContext(options, BuildOptions(source_date_epoch=EPOCH), Diagnostics(), path.parent)
    profile = press_profile(edition, ctx) if press else SCREEN_PROFILE
    with pytest.MonkeyPatch.context() as m:
        m.setattr(typeset, "STRETCH_PAGES", stretch_pages)
        m.setattr(typeset, "SHEET_PAGES", sheet_pages or typeset.SHEET_PAGES)
        return PdfWriter(profile=profile).render(edition, ctx, keep_layouts=keep_layouts)


@pytest.fixture(scope="module")
def text(tmp_path_factory) -> Path:
    return unchaptered(tmp_path_factory.mktemp("stretches"))


@pytest.fixture(scope="module")
def whole(text) -> dict[bool, typeset.TypesetBook]:
    """The screen (False) and press (True) books, the part laid out whole."""
    return {press: typeset_book(text, press, 10_000) for press in (False, True)}


def laid_out(book: typeset.TypesetBook) -> list:
    """What the book knows of each part but its PDF: its pages, anchors,
    running text, notes (``PartResult.meta``, but where it was cut and
    the bookmarks it carries when it was)."""
    return [(key, part and {**part.meta(), "cuts": None, "outline": None}) for key, part in book.flow]


@pytest.fixture(scope="module")
def stretched(text) -> dict[bool, typeset.TypesetBook]:
    """The screen (False) and press (True) books, the part laid out in stretches."""
    return {press: typeset_book(text, press, STRETCH, SHEET) for press in (False, True)}


@pytest.mark.parametrize("press", [False, True], ids=["screen", "press"])
def test_stretches_give_the_pages_of_the_whole_part(text, whole, press, monkeypatch):
    """The part laid out in stretches and laid out whole: the same pages
    (running text, anchors, notes), drawn alike, with the same text, links
    and bookmarks; the part written a stretch at a time, a PDF for each.
    Its stretches begin on rectos and versos, so this holds only if a
    stretch is laid out on the side its first page is on, and from the top
    of the page (not below the body's top margin, as a document's first
    page is). Its margin sheet is made in pieces of a few pages (with the
    running heads and folios of the sheet made whole: the same images and
    text), some opening on rectos, some on versos."""
    firsts, leads = [], []
    real, margins = typeset._PartLayout._render, typeset.typeset_margins

    def noting(layout, *args, **kwargs):
        if layout.task.key == "ch001":
            firsts.append(layout.task.first_folio)
        return real(layout, *args, **kwargs)

    def sheet(task):
        leads.append((task.first_folio, task.lead))
        return margins(task)

    monkeypatch.setattr(typeset._PartLayout, "_render", noting)
    monkeypatch.setattr(typeset, "typeset_margins", sheet)
    stretched = typeset_book(text, press, STRETCH, SHEET)
    pieces = [folio for folio, lead in leads if lead == 1]
    assert len(pieces) >= 6 and {folio % 2 for folio in pieces} == {0, 1}
    offsets = sorted({f - 1 for f in firsts})
    print(f"\n{len(offsets)} stretches, from pages {offsets}")
    assert len(offsets) >= 5
    assert {o % 2 for o in offsets} == {0, 1}  # stretches opening on rectos and on versos
    assert stretched.file_pages == whole[press].file_pages > 40
    assert laid_out(stretched) == laid_out(whole[press])
    part = dict(stretched.flow)["ch001"]
    assert part is not None and len(part.more) == len(part.cuts) == len(offsets) - 1
    assert list(part.cuts) == [o - offsets[0] for o in offsets[1:]]
    assert page_images([stretched.pdf]) == page_images([whole[press].pdf])
    assert pdf_text(stretched.pdf) == pdf_text(whole[press].pdf)
    assert destinations(stretched.pdf) == destinations(whole[press].pdf)
    assert bookmarks(stretched.pdf) == bookmarks(whole[press].pdf)
    # (the screen PDF's bookmarks are a tree, not a list; the press file has none)
    assert any(children for _t, _c, _w, children in bookmarks(stretched.pdf)) != press
    assert structure(stretched.pdf) == structure(whole[press].pdf)
    assert bool(structure(stretched.pdf)) != press  # (the screen PDF is tagged, PDF/UA)


@pytest.mark.parametrize("shift", [0.0, 17.0])
def test_a_part_in_stretches_is_joined_as_the_part_written_whole(text, whole, stretched, shift):
    """The part written a stretch at a time and written whole, joined into
    a book as a part that opens on a recto (no shift) and on a verso (its
    text, links and bookmarks moved to the other side's margins, page by
    page): the same page images, destinations and bookmark tree."""
    from editionbuilder.writers.print import assemble

    def joined(book: typeset.TypesetBook) -> bytes:
        part = dict(book.flow)["ch001"]
        assert part is not None
        sheet = assemble.assemble([assemble.PartPdf(whole[False].pdf, frozenset())])  # any pages to draw over
        front = dict(whole[False].flow)["front-matter"]
        assert front is not None
        opening = assemble.PartPdf(front.pdf, frozenset(front.anchors))
        parts = [opening, typeset._with_sheet(part, [lambda: sheet], shift)]
        return assemble.assemble(parts, faces=subsets.known_faces(DEFAULT_FONTS))

    ours, theirs = joined(stretched[False]), joined(whole[False])
    assert dict(stretched[False].flow)["ch001"].more and not dict(whole[False].flow)["ch001"].more
    assert bookmarks(ours) == bookmarks(theirs)
    assert destinations(ours) == destinations(theirs)
    assert page_images([ours], 30) == page_images([theirs], 30)


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def destinations(data: bytes) -> list[tuple[str, int, list]]:
    """Each named destination of a PDF: its name, page index and place;
    and each link's target and page index."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        index = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
        found = [
            (str(name), index[dest[0].objgen], [float(v) for v in list(dest)[2:]])
            for name, dest in pikepdf.NameTree(doc.Root.Names.Dests).items()
        ]
        for n, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", ()):
                target = annot.get("/Dest") or annot.get("/A", {}).get("/D") or annot.get("/A", {}).get("/URI")
                found.append((str(target), n, [round(float(v), 2) for v in annot.Rect]))
        return sorted(found)


def bookmarks(data: bytes) -> list:
    """The bookmark tree of a PDF: each item's title, count (negative:
    closed), page index, place (rounded) and children."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        index = {page.obj.objgen: n for n, page in enumerate(doc.pages)}

        def items(first) -> list:
            found, item = [], first
            while item is not None:
                page, _xyz, x, y, _zoom = list(item.Dest)
                where = (index[page.objgen], round(float(x), 2), round(float(y), 2))
                found.append((str(item.Title), int(item.get("/Count", 0)), where, items(item.get("/First"))))
                item = item.get("/Next")
            return found

        return items(doc.Root.Outlines.First) if "/Outlines" in doc.Root else []


def structure(data: bytes) -> list[str]:
    """The structure types of a tagged PDF's elements, in order."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        found, todo = [], [doc.Root.StructTreeRoot] if "/StructTreeRoot" in doc.Root else []
        while todo:
            element = todo.pop()
            kids = element.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for kid in reversed(kids):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    found.append(str(kid.S))
                    todo.append(kid)
        return found


def test_a_stretch_is_written_by_a_forked_child_as_the_worker_writes_it(text, stretched, monkeypatch, tmp_path):
    """With a helper (a worker of this machine's pool), every stretch but
    the last is written by a child forked from the worker, while the worker
    lays out the next (``scheduling.Forked``); the last, by the worker
    itself, before it takes the child's PDF of the one before (the two
    written at the same time). The book is the same, byte for byte, as
    when the worker writes each stretch itself."""
    me = os.getpid()
    real_written, real_take = typeset._written, typeset._take
    events: list[tuple[str, int]] = []  # what the worker (this process) did, in order

    def written(rendered):
        (tmp_path / f"{os.getpid()}-{rendered.pages}-{uuid.uuid4().hex}").touch()
        if os.getpid() == me:
            events.append(("writes", rendered.pages))
        return real_written(rendered)

    def take(waiting, done):
        events.append(("takes", len(waiting)))
        return real_take(waiting, done)

    monkeypatch.setattr(typeset, "_written", written)
    monkeypatch.setattr(typeset, "_take", take)
    monkeypatch.setattr(scheduling.Scheduler, "helpers", property(lambda self: 1))
    forked = typeset_book(text, False, STRETCH, SHEET)
    part = dict(stretched[False].flow)["ch001"]
    assert part is not None and len(part.more) >= 2
    writers = [tuple(int(x) for x in p.name.split("-")[:2]) for p in tmp_path.iterdir()]
    assert len(writers) == len(part.more) + 1  # every stretch of the part, once
    children = [pid for pid, _pages in writers if pid != me]
    assert len(children) == len(part.more) and len(set(children)) == len(children)  # each by a child of its own
    last_pages = part.pages - part.cuts[-1]
    assert (me, last_pages) in writers
    # the last stretch written here while the child of the one before was still to be taken
    assert events[-2:] == [("writes", last_pages), ("takes", 1)]
    assert forked.pdf == stretched[False].pdf


@pytest.mark.parametrize("helpers", [0, 1], ids=["written-here", "written-by-a-child"])
def test_a_stretchs_layout_goes_once_it_is_written(text, stretched, helpers, monkeypatch):
    """A worker holds the layouts of the stretch it lays out, and of the
    one before while a child still writes it, not every stretch of the
    part (an 879-page part held them all: 445 MB). With the collector off
    (and not run every few stretches): a layout goes by its reference
    counts alone, its reference cycles broken once it is made
    (``engine._cycles_broken``). The book is the same."""
    real = typeset._PartLayout._render
    made: list[tuple[int, weakref.ref]] = []  # (the stretch's first folio, a page of its layouts)
    order: list[int] = []  # the stretches' first folios, as they are laid out
    held: list[tuple[set[int], set[int]]] = []  # as each layout of the part begins: alive, allowed

    def render(layout, *args, **kwargs):
        if layout.task.key != "ch001":
            return real(layout, *args, **kwargs)
        first = layout.task.first_folio
        if first not in order:
            order.append(first)
        before = set(order[-2:-1]) if helpers else set()  # the stretch its child may still be writing
        held.append(({f for f, page in made if page() is not None} - {first}, before))
        rendered = real(layout, *args, **kwargs)
        made.extend((first, weakref.ref(page._page_box)) for page in rendered.document.pages)
        return rendered

    monkeypatch.setattr(typeset._PartLayout, "_render", render)
    monkeypatch.setattr(typeset, "COLLECT_STRETCHES", 10**9)
    monkeypatch.setattr(scheduling.Scheduler, "helpers", property(lambda self: helpers))
    gc.collect()
    gc.disable()
    try:
        book = typeset_book(text, False, STRETCH, SHEET, keep_layouts=False)
        alive = sum(page() is not None for _first, page in made)
    finally:
        gc.enable()
    assert len(order) >= 5  # the part was laid out in stretches
    assert all(live <= allowed for live, allowed in held), held
    assert any(live for live, _allowed in held) == bool(helpers)
    assert alive == 0
    assert book.pdf == stretched[False].pdf


def test_a_stretch_is_cut_on_a_page_that_opens_a_paragraph(whole):
    """A stretch may be cut at a page that opens on the first line of a
    plain paragraph; such a page is refused where a note called before it
    is set on it or after it, or where its first block is not a plain
    paragraph after a plain paragraph. Read on the part laid out whole, as
    if it were a stretch."""
    rendered = whole[True].rendered["ch001"]
    count, openings = rendered.block_openings()
    assert count > 50 and len(openings) > 3
    plain = stretches.Blocks("", tuple(f"<p>{n}</p>" for n in range(count)), "")
    breaks = typeset._clean_breaks(rendered, [], plain, 0, count)
    assert breaks == sorted(openings.items())
    page, block = breaks[-1]
    # a note called on the page before and set on this page rules it out, and no other
    carried = MisplacedNote("1", page, page + 1, "ch001")
    assert typeset._clean_breaks(rendered, [carried], plain, 0, count) == breaks[:-1]
    # a heading (not a plain paragraph) does not open a stretch, nor does the paragraph after it
    for heading in (block, block - 1):
        other = stretches.Blocks("", tuple("<h2>x</h2>" if n == heading else f"<p>{n}</p>" for n in range(count)), "")
        assert typeset._clean_breaks(rendered, [], other, 0, count) == breaks[:-1]
    # blocks read otherwise than the layout's: no cut
    assert typeset._clean_breaks(rendered, [], plain, 0, count + 1) == []


def test_blocks_of_a_part_are_its_sections_children():
    source = (
        '<html><body>\n<section id="c1" class="part chapter" aria-label="a > b">'
        '<h1 id="c1-title">T</h1>\n\n<p>One <em>two</em><br/>three.</p>\n'
        "<!-- a comment -->\n<hr>\n<p>Four.<img src='x.png' alt=\"a > b\"></p>\n<p>Five.</p>\n"
        '<div class="q"><p>Six.</p><section><p>Seven.</p></section></div>\n<p>Eight.</p>\n'
        "</section>\n</body></html>"
    )
    blocks = stretches.blocks_of(source)
    assert blocks is not None
    assert blocks.source(0, len(blocks.blocks)) == source
    assert [b.split(">", 1)[0] for b in blocks.blocks] == [
        '<h1 id="c1-title"',
        "<p",
        "<!-- a comment --",
        "<hr",
        "<p",
        "<p",
        '<div class="q"',
        "<p",
    ]
    assert blocks.blocks[1] == "<p>One <em>two</em><br/>three.</p>\n"
    assert [blocks.opens_stretch(n) for n in range(len(blocks.blocks))] == [False] * 5 + [True, False, False]
    # blocks 1 to 4 hold 3, 0 (the comment), 0 (the rule) and 1 words
    assert blocks.counts[1] == 3 and blocks.end_after(1, 4) == 5 and blocks.end_after(1, 3) == 2
    assert blocks.end_after(7, 100) == 8
    assert blocks.source(5, 6).endswith("<p>Five.</p>\n</section>\n</body></html>")
    # not read as a section of balanced elements: not cut
    assert stretches.blocks_of(source.replace("</div>", "")) is None
    assert stretches.blocks_of("<html><body><p>no part</p></body></html>") is None


def test_stretch_words_follow_the_page():
    small = typeset._stretch_words(pagesetup.PageGeometry(5, 8, 0.5))
    large = typeset._stretch_words(pagesetup.PageGeometry(8.5, 11, 0.5))
    assert 0 < small < large


def test_a_note_off_its_page_in_a_stretch_is_mended_there(monkeypatch):
    """A chapter with a page whose note WeasyPrint sets off its call's page
    (the page of ``test_notes_placement``, opening on a new page in the
    middle of plain paragraphs) laid out in stretches of a few pages, each
    first laid out as WeasyPrint sets it (``typeset.KEEP_NOTES`` off): the
    stretch holding that page gets the remedy, and the part is the one laid
    out whole, every note on its call's page."""
    # plain paragraphs of many lengths, none beginning as another (a remedy
    # names its paragraph by its opening words: ``spacing.text_key``)
    back = notes.WORDS[::-1]
    filler = "".join(
        f"<p>{' '.join(back[(n + i) % len(back)] for i in range(40 + n * 37 % 90)).capitalize()}.</p>\n"
        for n in range(40)
    )

    def chapter(length: int) -> str:
        source = notes.part_html(length)
        opened = source.index('<section class="part" id="ch">') + len('<section class="part" id="ch">')
        closed = source.index("</section>")
        noted = source[opened:closed].replace("<p>", '<p style="break-before: page">', 1)
        return source[:opened] + filler + noted + filler + source[closed:]

    long = next(c for c in map(chapter, notes.LENGTHS) if notes.plain_layout(c).misplaced_notes())
    remedies = []
    real = typeset._PartLayout._render

    def noting(layout, source, own, diags, first_folio, greedy=frozenset(), orphans=(), stop=None):
        remedies.extend([first_folio] if orphans else [])
        return real(layout, source, own, diags, first_folio, greedy, orphans, stop)

    monkeypatch.setattr(typeset._PartLayout, "_render", noting)
    monkeypatch.setattr(typeset, "KEEP_NOTES", False)
    monkeypatch.setattr(typeset, "STRETCH_PAGES", 3)
    stretched = typeset.typeset_part(notes.task(long))
    assert remedies and stretched.misplaced == ()
    monkeypatch.setattr(typeset, "STRETCH_PAGES", 10_000)
    whole = typeset.typeset_part(notes.task(long))
    assert whole.misplaced == () and whole.pages == stretched.pages > 10
    assert stretched.more and not whole.more
    assert page_images(stretched.pdfs) == page_images([whole.pdf])


@pytest.mark.parametrize("stretch_pages", [3, 10_000])
def test_a_worker_tells_the_pages_and_anchors_its_part_will_hold(tmp_path, monkeypatch, stretch_pages):
    """Before it writes a part's PDF, the worker tells the build the
    part's page count and anchors (``PartTask.notice``), the ones its
    result holds: laid out whole, or a stretch at a time. The build hands
    out the front matter from them (``_Typesetter._front_ahead``)."""
    from editionbuilder.writers.print.engine import Rendered

    told = tmp_path / "part.json"
    monkeypatch.setattr(typeset, "STRETCH_PAGES", stretch_pages)
    written = []
    real = Rendered.part_pdf

    def writing(rendered):  # a part's PDF, or a stretch's
        written.append(told.is_file())
        return real(rendered)

    monkeypatch.setattr(Rendered, "part_pdf", writing)
    # plain paragraphs around the notes' chapter: pages a stretch may open on
    filler = "".join(
        f"<p>{' '.join(notes.WORDS[(n + i) % len(notes.WORDS)] for i in range(40 + n * 37 % 90)).capitalize()}.</p>"
        for n in range(30)
    )
    source = notes.part_html(notes.LENGTHS.start).replace("</section>", filler + "</section>")
    result = typeset.typeset_part(dataclasses.replace(notes.task(source), notice=str(told)))
    assert bool(result.more) == (stretch_pages == 3)
    assert json.loads(told.read_text()) == {"pages": result.pages, "anchors": result.anchors}
    assert result.anchors and result.pages > 1
    assert list(tmp_path.iterdir()) == [told]  # written whole, renamed into place
    # told before its PDF is written: the part's, or its last stretch's (the
    # stretches before it written as they were laid out)
    assert written == [False] * len(result.more) + [True]


def test_a_part_written_in_stretches_is_kept_and_taken_back_whole(tmp_path, stretched):
    """A kept part written in stretches: each stretch's PDF kept and
    checked by its digest; one of them damaged, the entry is discarded,
    all its files with it, and reported."""
    part = dict(stretched[False].flow)["ch001"]
    assert part is not None and part.more
    cache = typeset.PartCache(tmp_path, "book.pdf", "code")
    cache.put("k", part)
    files = sorted(p.name for p in tmp_path.iterdir())
    pieces = ["k.json", "k.pdf", *(f"k-{n}.pdf" for n in range(1, len(part.more) + 1))]
    assert files == sorted([*pieces, "book.pdf.written"])  # and the note of what was written (``finish``)
    again = typeset.PartCache(tmp_path, "book.pdf", "code")
    assert again.peek("k") == part
    # the JSON says of another number of stretches than its PDFs: discarded
    meta = json.loads((tmp_path / "k.json").read_text())
    (tmp_path / "k.json").write_text(json.dumps({**meta, "cuts": meta["cuts"][1:]}))
    assert typeset.PartCache(tmp_path, "book.pdf", "code").peek("k") is None
    cache.put("k", part)
    (tmp_path / "k-2.pdf").write_bytes(b"%PDF-1.7 another stretch")
    damaged = typeset.PartCache(tmp_path, "book.pdf", "code")
    assert damaged.peek("k") is None
    assert [p.name for p in tmp_path.iterdir()] == ["book.pdf.written"]
    assert [d.code for d in damaged.diagnostics.items] == ["cache-entry-discarded"]


def test_a_stretch_is_laid_out_up_to_the_page_that_opens_the_next(monkeypatch):
    """A stretch's layout ends at its first page from about
    ``STRETCH_PAGES`` on that may open the next stretch
    (``typeset._StretchEnd``): it lays out that page and no more, and the
    next stretch begins on it. A chapter of plain paragraphs of many
    lengths (a page opening on one is common) laid out in 6-page stretches:
    each stretch that stopped so is followed by one from its last page, and
    the part gives the pages of the one laid out whole, drawn alike."""
    back = notes.WORDS[::-1]
    paragraphs = "".join(
        f"<p>{' '.join(back[(n + i) % len(back)] for i in range(20 + n * 37 % 70)).capitalize()}.</p>\n"
        for n in range(480)
    )
    source = notes.part_html(200).replace("<p>", paragraphs + "<p>", 1)
    laid: list[tuple[int, int, bool]] = []
    real = typeset._PartLayout._render

    def counting(layout, *args, **kwargs):
        rendered = real(layout, *args, **kwargs)
        stop = kwargs.get("stop")
        laid.append((layout.task.first_folio, rendered.pages, bool(stop and stop.stopped)))
        return rendered

    monkeypatch.setattr(typeset._PartLayout, "_render", counting)
    monkeypatch.setattr(typeset, "STRETCH_PAGES", 6)
    stretched = typeset.typeset_part(notes.task(source))
    stopped = [(folio, pages, after) for (folio, pages, ends), (after, _, _) in itertools.pairwise(laid) if ends]
    assert len(stopped) >= 3
    for folio, pages, after in stopped:
        assert after == folio + pages - 1 and pages - 1 >= 6 * 7 // 8  # all but its last page kept
    monkeypatch.setattr(typeset, "STRETCH_PAGES", 10_000)
    whole = typeset.typeset_part(notes.task(source))
    assert whole.pages == stretched.pages > 50
    assert (stretched.words, stretched.starts, stretched.anchors) == (whole.words, whole.starts, whole.anchors)
    assert page_images(stretched.pdfs) == page_images([whole.pdf])


class _Handing(scheduling.Scheduler):
    """A pool that notes what it is handed: a part by its key, a piece of
    a margin sheet as ("sheet", first folio, lead, pages). With ``hold``,
    a part of the text laid out is given back only once that many pieces
    have been handed out (or after a minute): the pieces handed out while
    a part is laid out do not depend on the machine's speed."""

    def __init__(self, jobs: int, hold: int = 0) -> None:
        super().__init__(jobs)
        self.order: list = []
        self.hold = hold
        self._handed = threading.Condition()

    def submit(self, fn, /, *args):
        task = args[0]
        sheet = fn is typeset.typeset_margins
        with self._handed:
            self.order.append(
                ("sheet", task.first_folio, task.lead, task.source.count("<div></div>")) if sheet else task.key
            )
            self._handed.notify_all()
        future = super().submit(fn, *args)
        if sheet or not self.hold or not task.first_folio:
            return future
        held: Future = Future()
        future.add_done_callback(lambda done: threading.Thread(target=self._give, args=(done, held)).start())
        return held

    def _give(self, done: Future, held: Future) -> None:
        with self._handed:
            self._handed.wait_for(lambda: sum(h[0] == "sheet" for h in self.order) >= self.hold, timeout=60)
        if done.exception() is not None:
            held.set_exception(done.exception())
        else:
            held.set_result(done.result())


def _parallel_book(path: Path, words_per_page: int, hold: int = 0) -> tuple[typeset.TypesetBook, list]:
    """The screen book of ``path`` laid out by two worker processes, its
    margin sheet in pieces of ``SHEET`` pages, the parts' pages guessed
    from ``words_per_page``; and what the pool was handed, in order
    (``hold``: see ``_Handing``)."""
    options = one_off_edition([path])
    edition = read_edition(options, path.parent, Diagnostics(), format_bibliography=False)
    with _Handing(2, hold) as workers, pytest.MonkeyPatch.context() as m:
        # read by this process: the workers lay the part out whole, as ``serial``
        m.setattr(typeset, "SHEET_PAGES", SHEET)
        m.setattr(typeset, "HTML_WORDS_PER_6X9_PAGE", words_per_page)
        ctx = WriteContext(options, BuildOptions(source_date_epoch=EPOCH, workers=workers), Diagnostics(), path.parent)
        return PdfWriter(profile=SCREEN_PROFILE).render(edition, ctx), workers.order


@pytest.mark.parametrize("guessed_long", [False, True], ids=["guessed", "guessed-long"])
def test_a_long_parts_sheet_is_made_while_it_is_laid_out(text, guessed_long):
    """The pieces of a long part's margin sheet that its guessed length
    probably holds are handed to the workers the parts leave free while it
    is laid out (``_Typesetter._sheets_ahead``), before the front matter,
    which comes once the part is laid out (``_front_ahead``, as soon as its
    worker tells its pages); each piece is made once, and the book is
    the serial one, byte for byte. Pieces past the part's end (its guess
    with a sixth to spare, or guessed three times too long: the part then
    given back only once such pieces were handed out) are made and not
    taken: the book is still the serial one."""
    serial = typeset_book(text, False, 10_000, SHEET)
    part = dict(serial.flow)["ch001"]
    assert part is not None and part.pages > 4 * SHEET
    pieces = sum(-(-p.pages // SHEET) for key, p in serial.flow if p is not None and key != typeset.FRONT_KEY)
    words = typeset.HTML_WORDS_PER_6X9_PAGE
    book, order = _parallel_book(text, words // 3, pieces + 2) if guessed_long else _parallel_book(text, words)
    assert book.pdf == serial.pdf
    front = order.index(typeset.FRONT_KEY)
    early = [handed for handed in order[:front] if handed[0] == "sheet"]
    sheets = [handed for handed in order if handed[0] == "sheet"]
    assert early and len(sheets) == len(set(sheets))
    first = dict(zip((key for key, _p in serial.flow), serial.folios, strict=True))["ch001"]
    past = [(folio, pages) for _s, folio, _lead, pages in sheets if folio + pages > first + part.pages]
    # Each piece the book needs is made once; a piece made ahead past the
    # part's end is not taken (those of its range are made again, at their
    # true length): the book is the serial one.
    assert len(sheets) == pieces + len(past)
    if guessed_long:
        assert past
