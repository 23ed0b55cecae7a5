"""The printed book: the press PDF (PDF/X-4, CMYK, no links) and the screen
PDF (links, bookmarks, PDF/UA-1) of the shipped anthology, a bleed variant,
a Gutenberg text in print, and a book too short for the press.

Everything is built once per session (the anthology twice, for the
byte-identity check) and read back with pikepdf and Poppler's pdftotext;
the typesetting is measured on the PDF text: hyphenated line ends, notes
on the page of their call, contents page numbers, recto openings.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import time
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from paths import ROOT, SHARED

from editionbuilder.config import load_config, one_off_edition
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import Edition, NoteRef, Paragraph
from editionbuilder.options import BuildOptions, EditionOptions, PrintOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.preflight import Spec, preflight_interior
from editionbuilder.walk import iter_blocks, walk_inlines
from editionbuilder.writers import (
    WriteContext,
    formats_for,
    get_writer,
    output_path,
    pagesetup,
)
from editionbuilder.writers import printview
from editionbuilder.writers.pdf import PdfWriter
from editionbuilder.writers.press import MIN_PAGES, press_profile

EPOCH = 1_764_028_800  # 2025-11-25T00:00:00Z
ENGELS = SHARED / "corpus/01-pg-engels-socialism-utopian-scientific/39257-8.txt"
HYPHENS = ("\u2010", "-")  # WeasyPrint's hyphenate-character, and a compound's own hyphen
ORNAMENT = "* * *"
SECONDS: dict[str, float] = {}


@dataclasses.dataclass
class Book:
    """One built edition: its options, model, files and diagnostics."""

    options: EditionOptions
    edition: Edition
    files: dict[str, Path]
    diagnostics: Diagnostics


def shipped(name: str) -> EditionOptions:
    project = load_config(ROOT / "editions.toml")
    return next(e for e in project.editions if e.name == name)


def build(options: EditionOptions, out: Path, fmts=("pdf", "press")) -> Book:
    diags = Diagnostics()
    edition = read_edition(options, ROOT, Diagnostics())
    ctx = WriteContext(options, BuildOptions(source_date_epoch=EPOCH), diags, ROOT)
    files = {}
    for fmt in fmts:
        target = output_path(out, options.name, fmt)
        started = time.perf_counter()
        get_writer(fmt)(edition, target, ctx)
        SECONDS[f"{options.name}/{out.name}.{fmt}"] = time.perf_counter() - started
        files[fmt] = target
    return Book(options, edition, files, diags)


@pytest.fixture(scope="session")
def books(tmp_path_factory) -> dict[str, Book]:
    """anthology (twice), anthology with bleed, Engels in print at 5.5 x 8.5 in, film in print (too short)."""
    anthology = shipped("anthology")
    bleed = dataclasses.replace(anthology, name="bleed", print=dataclasses.replace(anthology.print, bleed=True))
    engels = dataclasses.replace(one_off_edition([ENGELS]), name="engels",
                                 print=PrintOptions(enabled=True, trim="5.5x8.5", width_in=5.5, height_in=8.5))
    film = dataclasses.replace(shipped("film"), print=PrintOptions(enabled=True))
    made = {
        "a": build(anthology, tmp_path_factory.mktemp("a")),
        "b": build(anthology, tmp_path_factory.mktemp("b")),
        "bleed": build(bleed, tmp_path_factory.mktemp("bleed"), ("press",)),
        "engels": build(engels, tmp_path_factory.mktemp("engels"), ("press",)),
        "film": build(film, tmp_path_factory.mktemp("film"), ("press",)),
    }
    print("\nseconds per PDF:", {k: round(v, 1) for k, v in SECONDS.items()})
    return made


def page_texts(path: Path) -> list[list[str]]:
    """Each page as its lines of text (pdftotext's reading order)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in text.split("\f")[:-1]]


def flat(lines: list[str]) -> str:
    """A page's words with WeasyPrint's hyphenation breaks joined again."""
    return " ".join("\n".join(lines).replace("\u2010\n", "").split())


def line_boxes(path: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, each line's (xMin, xMax, text) from ``pdftotext -bbox-layout``."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    pages = []
    for page in root.iter("{*}page"):
        pages.append([(float(ln.get("xMin")), float(ln.get("xMax")), " ".join(w.text or "" for w in ln.iter("{*}word")))
                      for ln in page.iter("{*}line")])
    return pages


def folio(lines: list[str]) -> str:
    return lines[-1] if lines and re.fullmatch(r"\d+|[ivxlc]+", lines[-1]) else ""


# --------------------------------------------------------------------------
# Files, boxes, profiles
# --------------------------------------------------------------------------


def test_formats_add_the_press_file_and_cover_for_print_editions():
    build_options = BuildOptions(formats=("epub", "pdf"))
    # the press file first: its cover needs its page count, the EPUB its pages
    assert formats_for(shipped("anthology"), build_options) == ("press", "cover", "epub", "pdf")
    assert formats_for(shipped("essay"), build_options) == ("epub", "pdf")
    assert output_path(Path("out"), "anthology", "press") == Path("out/anthology-press.pdf")
    assert output_path(Path("out"), "anthology", "cover") == Path("out/anthology-cover.pdf")


def test_press_page_size_boxes_and_even_count(books):
    with pikepdf.open(books["a"].files["press"]) as pdf:
        assert len(pdf.pages) % 2 == 0 and len(pdf.pages) >= MIN_PAGES
        for page in pdf.pages:
            assert [float(v) for v in page.mediabox] == [0, 0, 432, 648]
            assert [float(v) for v in page.obj["/TrimBox"]] == [0, 0, 432, 648]
            assert "/BleedBox" in page.obj


def test_bleed_on_three_sides_only(books):
    b = pagesetup.BLEED_IN * 72
    with pikepdf.open(books["bleed"].files["press"]) as pdf:
        for index, page in enumerate(pdf.pages):
            assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, 432 + b, 648 + 2 * b])
            x0 = 0 if index % 2 == 0 else b  # a recto's bleed is on its right, a verso's on its left
            assert [float(v) for v in page.obj["/TrimBox"]] == pytest.approx([x0, b, x0 + 432, b + 648])
            assert [float(v) for v in page.obj["/BleedBox"]] == pytest.approx([0, 0, 432 + b, 648 + 2 * b])


def test_press_output_intent_fonts_and_no_links_or_bookmarks(books):
    with pikepdf.open(books["a"].files["press"]) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and len(intent.DestOutputProfile.read_bytes()) > 10_000
        assert all("/Annots" not in page.obj for page in pdf.pages)
        assert "/Outlines" not in pdf.Root and "/StructTreeRoot" not in pdf.Root
        assert b"PDF/X-4" in pdf.Root.Metadata.read_bytes()
        fonts = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts and all(re.match(r"/[A-Z]{6}\+", f) for f in fonts)  # every font subset


def _streams(pdf: pikepdf.Pdf):
    """Every page's content and every form XObject, with its owner's label."""
    for n, page in enumerate(pdf.pages, 1):
        yield f"page {n}", page
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
            yield f"form {obj.objgen}", obj


def test_press_colours_are_cmyk_only(books):
    with pikepdf.open(books["a"].files["press"]) as pdf:
        for label, owner in _streams(pdf):
            ops = {str(op) for _operands, op in pikepdf.parse_content_stream(owner)}
            assert not ops & {"rg", "RG", "g", "G"}, label  # no DeviceRGB, no DeviceGray
        text_page = list(pikepdf.parse_content_stream(pdf.pages[6]))
        assert next(list(o) for o, op in text_page if str(op) == "cs") == [pikepdf.Name.DeviceCMYK]


def test_screen_has_links_bookmarks_and_tags(books):
    with pikepdf.open(books["a"].files["pdf"]) as pdf:
        assert any("/Annots" in page.obj for page in pdf.pages)
        assert pdf.Root.Outlines.get("/First") is not None
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        assert b"pdfuaid" in pdf.Root.Metadata.read_bytes()
        assert "/OutputIntents" not in pdf.Root


def _embedded_font_names(path: Path) -> set[str]:
    names = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                stream = obj.get("/FontFile3") or obj.get("/FontFile2")
                names.add(TTFont(io.BytesIO(stream.read_bytes()))["name"].getDebugName(4))
    return names


@pytest.mark.parametrize("fmt", ["press", "pdf"])
def test_fonts_are_the_eb_garamond_12_programs(books, fmt):
    names = _embedded_font_names(books["a"].files[fmt])
    assert {"EB Garamond 12 Regular", "EB Garamond 12 Italic"} <= names
    assert all(n.startswith("EB Garamond 12 ") for n in names), names


@pytest.mark.parametrize("fmt", ["press", "pdf"])
def test_rebuilds_are_byte_identical(books, fmt):
    assert books["a"].files[fmt].read_bytes() == books["b"].files[fmt].read_bytes()


@pytest.mark.parametrize("key,spec", [("a", Spec(6, 9, paper="cream")), ("bleed", Spec(6, 9, bleed=True)),
                                      ("engels", Spec(5.5, 8.5))])
def test_preflight_passes_on_the_press_files(books, key, spec):
    report = preflight_interior(books[key].files["press"], spec)
    assert report.passed, [c for c in report.checks if not c.passed]


def test_short_edition_gets_no_press_file_and_a_warning(books):
    film = books["film"]
    assert not film.files["press"].exists()
    warned = [d for d in film.diagnostics.items if d.code == "too-short-for-press"]
    assert len(warned) == 1
    assert re.match(r"\d+ pages; print-on-demand needs at least 24", warned[0].message)


# --------------------------------------------------------------------------
# The book's structure, read from the PDF text
# --------------------------------------------------------------------------


def contents_lines(pages: list[list[str]]) -> list[tuple[str, int]]:
    page = next(p for p in pages if p and p[0] == "Contents")
    entries = [re.match(r"(.+?)\s*\.{3,}\s*(\d+)$", ln) for ln in page[1:]]
    return [(m.group(1), int(m.group(2))) for m in entries if m]


@pytest.mark.parametrize("key", ["a", "engels"])
def test_contents_numbers_are_the_folios_of_recto_openings(books, key):
    pages = page_texts(books[key].files["press"])
    lines = contents_lines(pages)
    assert len(lines) >= 3
    for title, number in lines:
        # An opening has no running head: its first line begins the title.
        opening = [n for n, p in enumerate(pages, 1) if p and title.startswith(p[0][:20]) and folio(p) == str(number)]
        assert opening, (title, number)
        assert opening[0] % 2 == 1, f"{title} opens on page {opening[0]}, a verso"


def test_front_matter_in_roman_text_from_1(books):
    pages = page_texts(books["a"].files["press"])
    folios = [folio(p) for p in pages]
    assert pages[0] == ["On the Soviet Collapse"]  # the half-title, no folio
    assert folios[4] == "v" and pages[4][0] == "Contents"
    first = next(n for n, f in enumerate(folios) if f == "1")
    assert first % 2 == 0  # index 0-based: a recto
    assert [f for f in folios[first:] if f] == [str(n) for n in range(1, len(pages) - first + 1) if folios[first + n - 1]]


def test_copyright_page_is_the_title_verso(books):
    page = flat(page_texts(books["a"].files["press"])[3])
    for expected in ("ISBN: PLACEHOLDER", "This edition: 2026-11-25", "Sources", "EB Garamond"):
        assert expected in page, expected


def test_blank_pages_carry_no_folio_or_running_head(books):
    for key in ("a", "engels"):
        pages = page_texts(books[key].files["press"])
        for n, page in enumerate(pages, 1):
            words = sum(len(line.split()) for line in page)
            assert words == 0 or words > 6 or n <= 3, f"{key} page {n}: {page}"
        assert pages[1] == []  # the half-title's verso


def test_running_heads_book_title_on_versos_part_title_on_rectos(books):
    pages = page_texts(books["a"].files["press"])
    versos = [p[0] for n, p in enumerate(pages, 1) if n % 2 == 0 and n > 6 and p and folio(p) and len(p) > 3]
    assert versos and set(versos) == {"On the Soviet Collapse"}
    rectos = {p[0] for n, p in enumerate(pages, 1) if n % 2 == 1 and n > 6 and p and len(p) > 3}
    assert "Why Did the Soviet Union Collapse?" in rectos


def _call_contexts(edition: Edition) -> list[tuple[str, str]]:
    """(the words just before a note's call, the note's first words) for every footnote."""
    notes = {n.id: n for n in edition.notes}
    found = []
    for block in _paragraphs(edition):
        before = ""
        for node in walk_inlines(block.inlines):
            if isinstance(node, NoteRef) and node.note_id in notes:
                note_words = " ".join(_plain(notes[node.note_id]).split()[:6])
                found.append((" ".join(before.split()[-4:]), note_words))
            before += getattr(node, "text", "")
    return found


def _paragraphs(edition: Edition):
    for chapter in edition.chapters:
        yield from (b for b in iter_blocks(chapter.blocks) if isinstance(b, Paragraph))
    for comment in edition.comments:
        yield from (b for b in iter_blocks(comment.blocks) if isinstance(b, Paragraph))


def _plain(note) -> str:
    return " ".join(getattr(n, "text", "") for b in note.blocks if isinstance(b, Paragraph)
                    for n in walk_inlines(b.inlines))


def text_with_pages(pages: list[list[str]]) -> tuple[str, list[int]]:
    """The body text of the book as one string (running heads and folios
    left out, words hyphenated across a page break joined) and, for each
    character, the index of the page it stands on."""
    text, owner = "", []
    for n, page in enumerate(pages):
        lines = page[:-1] if folio(page) else page
        lines = lines[1:] if folio(page) and n and len(lines) > 1 else lines  # the running head
        chunk = flat(lines)
        if text.endswith("\u2010"):
            text, owner = text[:-1], owner[:-1]
        elif text:
            chunk = " " + chunk
        text += chunk
        owner += [n] * len(chunk)
    return text, owner


def misplaced_notes(book: Book) -> list[tuple[str, str]]:
    """(words before the call, the note's first words) of every note not
    on the page of its call, measured on the press PDF's text."""
    pages = page_texts(book.files["press"])
    text, owner = text_with_pages(pages)
    contexts = _call_contexts(book.edition)
    assert contexts
    wrong = []
    for before, note in contexts:
        call = text.find(before)  # the call stands right after these words
        note_at = text.find(note)
        assert call >= 0 and note_at >= 0, (before, note)
        if owner[call + len(before) - 1] != owner[note_at]:
            wrong.append((before, note))
    return wrong


@pytest.mark.parametrize("key", ["a", "engels"])
def test_every_footnote_is_on_the_page_of_its_call(books, key):
    assert misplaced_notes(books[key]) == []
    assert not [d for d in books[key].diagnostics.items if d.code == "note-off-page"]


def test_the_layout_finds_the_notes_the_pdf_shows_off_their_page(books, tmp_path):
    """The Engels text set in one column throughout (the writer's first
    layout): WeasyPrint moves some notes a page past their calls. The
    writer's reading of the layout boxes finds the same notes as the PDF's
    text does, which is what lets it set those parts otherwise."""
    book = books["engels"]
    ctx = WriteContext(book.options, BuildOptions(source_date_epoch=EPOCH), Diagnostics(), ROOT)
    writer = PdfWriter(profile=press_profile(book.edition, ctx))
    first = writer._render(book.edition, ctx, pagesetup.ASSUMED_PAGES, frozenset())
    path = tmp_path / "one-column.pdf"
    path.write_bytes(first.pdf())
    found = first.misplaced_notes()
    measured = misplaced_notes(dataclasses.replace(book, files={"press": path}))
    assert found and len(found) == len(measured)
    assert {m.part for m in found} <= {p.key for p in printview.book_layout(book.edition).parts}


def test_bibliography_gives_pages_of_citations(books):
    pages = page_texts(books["a"].files["press"])
    text = " ".join(flat(p) for p in pages)
    cited = re.findall(r"cited on p\. ([\d, ]+)", text)
    assert len(cited) >= 15
    for pages_list in cited:
        numbers = [int(x) for x in pages_list.replace(",", " ").split()]
        assert numbers == sorted(set(numbers)), pages_list  # in order, never the same page twice
    # "Majid" is cited on the first text page: the page is listed for that entry.
    first_page_words = flat(next(p for p in pages if folio(p) == "1"))
    assert "(Majid, p.1)" in first_page_words
    assert re.search(r"Majid.{0,400}?cited on p\. 1\b", text)


# --------------------------------------------------------------------------
# Typesetting, measured on the PDF
# --------------------------------------------------------------------------


def body_lines(path: Path) -> list[str]:
    """Lines of text pages long enough to be justified body lines (not heads, folios, titles)."""
    pages = page_texts(path)
    start = next(n for n, p in enumerate(pages) if folio(p) == "1")
    return [ln for p in pages[start:] for ln in p[1:-1] if len(ln) >= 45]


@pytest.mark.parametrize("key", ["a", "engels"])
def test_hyphenation_is_moderate(books, key):
    lines = body_lines(books[key].files["press"])
    ends = [ln.endswith(HYPHENS) for ln in lines]
    share = sum(ends) / len(lines)
    run = longest = 0
    for hyphenated in ends:
        run = run + 1 if hyphenated else 0
        longest = max(longest, run)
    print(f"\n{key}: {sum(ends)} of {len(lines)} body lines end in a hyphen ({share:.1%}), longest run {longest}")
    assert share < 0.12
    assert longest <= 2


@pytest.mark.parametrize("key", ["a", "engels"])
def test_no_line_runs_past_the_measure(books, key):
    book = books[key]
    path = book.files["press"]
    pages = line_boxes(path)
    g = pagesetup.geometry(book.options.print, len(pages))
    width = g.width_in * 72
    for n, lines in enumerate(pages, 1):
        left, right = (g.inside_in, g.outside_in) if n % 2 else (g.outside_in, g.inside_in)
        for x0, x1, text in lines:
            assert x0 >= left * 72 - 1 and x1 <= width - right * 72 + 1, f"page {n}: {text!r} {x0:.1f}-{x1:.1f}"


def test_ornaments_never_alone_at_top_or_foot(books):
    for key in ("a", "engels"):
        for n, page in enumerate(page_texts(books[key].files["press"]), 1):
            body = page[1:-1] if folio(page) else page
            if ORNAMENT in body:
                index = body.index(ORNAMENT)
                assert 0 < index < len(body) - 1, f"{key} page {n}: {body}"


def test_seconds_per_pdf_are_reported(books):
    assert SECONDS and all(s < 120 for s in SECONDS.values()), SECONDS
