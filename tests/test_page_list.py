"""The print edition's page numbers in the EPUB (writers/pagelist.py).

The shared build (conftest.py) typesets the press PDF before the EPUB of
every print edition: the shipped anthology and the Engels text in print.
The PDF is read back with Poppler's pdftotext (not with the layout boxes
the writer used), the EPUB with lxml, and the two are compared page by
page: the words right after each page's marker are the words the printed
page begins with.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS_EDITION
from lxml import etree
from paths import ROOT

from editionbuilder.config import load_config
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.options import BuildOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.writers import PRINT_LAYOUT, WriteContext, formats_for, get_writer, output_path
from editionbuilder.writers.pagelist import (
    PrintedPage,
    PrintLayout,
    align,
    infer_folios,
    mark_pages,
    roman,
)

PRINT_BOOKS = ("anthology", CORPUS_EDITION)
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
# Punctuation around a word, and case, differ between a heading set in
# capitals or a title in <cite> and the same words in the other edition.
_PUNCT = ".,;:!?\"'()[]{}*\u2018\u2019\u201c\u201d\u2014\u2013"


def norm(words: list[str]) -> list[str]:
    # a line may break after a dash: "Revolution.\u2014|Solution" is two words there
    words = [part for w in words for part in w.split("\u2014")]
    out = [w.strip(_PUNCT).casefold() for w in words]
    return [w for w in out if w]


def uncall(words: list[str]) -> list[str]:
    """pdftotext prints a note call as text after its word ("grazing.6",
    "sharpness.C"); the EPUB's note references are left out of its words."""
    words = [re.sub(r"(?<=[.,;:\u2019\u201d)\]])\d{1,3}$", "", w) if re.search(r"[^\W\d_]", w) else w
             for w in words]
    words = [re.sub(r"(?<=[.,;:\u201d)\]])[A-Z*\u2020]$", "", w) for w in words]
    return [re.sub(r"(?<=[^\W\d])([.,;:\u2019\u201d)]*)[0-9*\u2020]{1,3}$", r"\1", w) if re.search(r"[a-z]", w) else w
            for w in words]


def pdf_pages(path: Path) -> list[list[str]]:
    """Each page's lines in layout order (tables stay in rows)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in text.split("\f")[:-1]]


def words_of(lines: list[str]) -> list[str]:
    return " ".join("\n".join(lines).replace(HYPHEN + "\n", "").split()).split()


@dataclasses.dataclass
class Marker:
    label: str
    doc: str
    after: list[str]  # the next words in reading order (normalised)
    before: str  # the word before it (normalised)
    next_is_marker: bool


@dataclasses.dataclass
class Epub:
    markers: list[Marker]
    page_list: list[tuple[str, str]]  # (label, href)
    opf: etree._Element
    docs: dict[str, etree._Element]
    spine: list[str]


def read_epub(path: Path) -> Epub:
    with zipfile.ZipFile(path) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        manifest = {i.get("id"): i.get("href") for i in opf.iter("{*}item")}
        spine = [manifest[r.get("idref")] for r in opf.iter("{*}itemref")]
        docs = {href: etree.fromstring(z.read(f"EPUB/{href}")) for href in manifest.values() if href.endswith(".xhtml")}
    stream: list[tuple[str, str, str]] = []  # (kind, value, doc)

    def walk(el, doc):
        if not isinstance(el.tag, str):
            return
        types = set((el.get(EPUB_TYPE) or "").split())
        if el.tag in (X + "head", X + "nav") or types & {"noteref", "footnote", "endnotes"}:
            return
        if "pagebreak" in types:
            stream.append(("mark", el.get("aria-label"), doc))
        stream.extend(("word", w, doc) for w in (el.text or "").split())
        for child in el:
            walk(child, doc)
            stream.extend(("word", w, doc) for w in (child.tail or "").split())

    for href in spine:
        walk(docs[href], href)
    markers = []
    for n, (kind, value, doc) in enumerate(stream):
        if kind == "mark":
            after = norm([v for k, v, _ in stream[n + 1:n + 80] if k == "word"])[:5]
            before = norm([v for k, v, _ in stream[max(0, n - 8):n] if k == "word"])
            markers.append(Marker(value, doc, after, before[-1] if before else "",
                                  n + 1 < len(stream) and stream[n + 1][0] == "mark"))
    nav = docs["nav.xhtml"]
    page_list = [(a.text, a.get("href")) for n in nav.iter(X + "nav") if n.get(EPUB_TYPE) == "page-list"
                 for a in n.iter(X + "a")]
    return Epub(markers, page_list, opf, docs, spine)


@pytest.fixture(scope="session")
def printed(full_build) -> dict[str, tuple[list[list[str]], Epub]]:
    return {name: (pdf_pages(full_build / f"{name}-press.pdf"), read_epub(full_build / f"{name}.epub"))
            for name in PRINT_BOOKS}


def starts_alike(page: list[str], marker: Marker) -> str:
    """How the page's first words agree with the words after its marker
    ("" if they do not). The page's first line may be its running head
    (one line, or two when pdftotext splits it), and the page may begin
    with the end of a word hyphenated on the page before: that word
    belongs to the page where it begins, so its marker follows it."""
    expected = marker.after
    for skip in (0, 1, 2):
        got = norm(uncall(words_of(page[skip:])))
        k = min(len(expected), len(got))
        if got and got[:k] == expected[:k]:
            return "same words"
        if len(got) > 1 and marker.before.endswith(got[0]) and marker.before != got[0] and got[1:k + 1] == expected[:k]:
            return "after the word split across the pages"
    return ""


# --------------------------------------------------------------------------
# The shipped print edition and the corpus print edition
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRINT_BOOKS)
def test_one_marker_per_printed_page_with_text_in_page_order(printed, name):
    pages, epub = printed[name]
    with_text = [n for n, p in enumerate(pages) if p]
    assert len(epub.page_list) == len(with_text) == len(epub.markers)
    assert [label for label, _ in epub.page_list] == [m.label for m in epub.markers]  # reading order
    for n, (label, _) in zip(with_text, epub.page_list, strict=True):
        printed_folio = pages[n][-1]
        if re.fullmatch(r"\d+|[ivxlc]+", printed_folio):
            assert label == printed_folio, (n + 1, label)
    assert len(set(label for label, _ in epub.page_list)) == len(epub.page_list)


@pytest.mark.parametrize("name", PRINT_BOOKS)
def test_each_page_begins_with_the_words_after_its_marker(printed, name):
    """Every page with text: its first words follow its marker. A page
    whose text the EPUB does not have (the print contents) has its marker
    at the next page's, where the text after it begins; only front matter
    may be such a page."""
    pages, epub = printed[name]
    with_text = [p for p in pages if p]
    mismatched, print_only = [], []
    for page, marker in zip(with_text, epub.markers, strict=True):
        if starts_alike(page, marker):
            continue
        if marker.next_is_marker and re.fullmatch(r"[ivxlc]+", marker.label):
            print_only.append(marker.label)
            continue
        mismatched.append((marker.label, " ".join(words_of(page)[:8]), " ".join(marker.after)))
    assert mismatched == []
    assert len(print_only) <= 1, print_only  # the contents page


@pytest.mark.parametrize("name", PRINT_BOOKS)
def test_page_list_links_to_page_breaks_only(printed, name):
    """ebooklib would list every element with an epub:type and an id; the
    nav's page list holds the page-break markers, each labelled."""
    _, epub = printed[name]
    for label, href in epub.page_list:
        doc, _, ident = href.partition("#")
        target = epub.docs[doc].xpath("//*[@id=$i]", i=ident)
        assert len(target) == 1
        el = target[0]
        assert el.get(EPUB_TYPE) == "pagebreak" and el.get("role") == "doc-pagebreak"
        assert el.get("aria-label") == label and el.tag == X + "span" and len(el) == 0 and not (el.text or "")
    all_breaks = [el for d in epub.docs.values() for el in d.iter() if el.get(EPUB_TYPE) == "pagebreak"]
    assert len(all_breaks) == len(epub.page_list)


@pytest.mark.parametrize("name", PRINT_BOOKS)
def test_markers_are_outside_links_and_between_words(printed, name):
    _, epub = printed[name]
    for doc in epub.docs.values():
        for el in doc.iter(X + "span"):
            if el.get(EPUB_TYPE) != "pagebreak":
                continue
            assert not any(a.tag == X + "a" for a in el.iterancestors()), el.get("id")
            assert not any(re.fullmatch(r"h[1-6]", a.tag.removeprefix(X)) for a in el.iterancestors()), el.get("id")
            prev = el.getprevious()
            before = (prev.tail if prev is not None and prev.tail else
                      "".join(prev.itertext()) if prev is not None else el.getparent().text) or ""
            after = el.tail or ""
            # never inside a word: a space, a block's edge or another marker on one side
            assert before == "" or before[-1].isspace() or after == "" or after[0].isspace() \
                or (prev is not None and prev.get(EPUB_TYPE) == "pagebreak"), el.get("id")


def test_package_names_the_print_edition_as_page_source(printed):
    config = {e.name: e for e in load_config(ROOT / "editions.toml").editions}
    _, epub = printed["anthology"]
    metas = {(m.get("property"), m.text) for m in epub.opf.iter("{*}meta")}
    assert ("pageBreakSource", config["anthology"].metadata.print_identifier) in metas
    for feature in ("pageBreakMarkers", "printPageNumbers", "pageNavigation"):
        assert ("schema:accessibilityFeature", feature) in metas
    summary = next(t for p, t in metas if p == "schema:accessibilitySummary")
    assert "page numbers of the print edition" in summary
    _, engels = printed[CORPUS_EDITION]
    assert ("pageBreakSource", "urn:editionbuilder:test:engels-print") in {
        (m.get("property"), m.text) for m in engels.opf.iter("{*}meta")}


def test_bibliography_page_numbers_agree_with_the_markers(printed):
    """The print bibliography's "cited on p. 3, 5" and, in the EPUB, the
    pages (by marker) of the citations each entry links back to."""
    pages, epub = printed["anthology"]
    opening = next(n for n, p in enumerate(pages) if p and p[0] == "Bibliography")
    text = " ".join(" ".join(words_of(p)) for p in pages[opening:])
    printed_refs = [sorted(set(int(x) for x in m.replace(",", " ").split()))
                    for m in re.findall(r"cited on p\. (\d+(?:, \d+)*)", text)]
    page_of: dict[str, str] = {}  # citation id -> folio of the marker before it
    current = ""
    for href in epub.spine:
        for el in epub.docs[href].iter():
            if el.get(EPUB_TYPE) == "pagebreak":
                current = el.get("aria-label")
            elif el.get("id"):
                page_of[f"{href}#{el.get('id')}"] = current
    bib = epub.docs["bibliography.xhtml"]
    epub_refs = []
    for li in bib.iter(X + "li"):
        backs = [a.get("href") for a in li.iter(X + "a") if a.get("role") == "doc-backlink"]
        if backs:
            epub_refs.append(sorted(set(int(page_of[h]) for h in backs)))
    assert len(printed_refs) >= 15
    assert printed_refs == epub_refs


# --------------------------------------------------------------------------
# The text is untouched; the order of the build
# --------------------------------------------------------------------------


def _texts(epub: Path) -> dict[str, str]:
    """Each document's text with the page markers taken out."""
    out = {}
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
                root = etree.fromstring(z.read(name))
                for el in root.xpath("//*[@epub:type='pagebreak']", namespaces={"epub": "http://www.idpf.org/2007/ops"}):
                    el.getparent().remove(el) if not el.tail else _drop(el)
                out[name] = "".join(root.itertext())
    return out


def _drop(el) -> None:
    """Remove ``el`` and keep its tail text where it was."""
    prev, parent = el.getprevious(), el.getparent()
    if prev is not None:
        prev.tail = (prev.tail or "") + el.tail
    else:
        parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def test_markers_change_no_word_of_the_epub(full_build, tmp_path):
    """The anthology's EPUB written without the print layout, and with it:
    the same text in every document, markers aside."""
    options = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "anthology")
    edition = read_edition(options, ROOT, Diagnostics())
    ctx = WriteContext(options, BuildOptions(formats=("epub",)), Diagnostics(), ROOT)
    plain = output_path(tmp_path, "anthology", "epub")
    get_writer("epub")(edition, plain, ctx)
    assert PRINT_LAYOUT not in ctx.products
    assert any(d.code == "page-list-not-made" for d in ctx.diagnostics.items)
    assert _texts(plain) == _texts(full_build / "anthology.epub")
    with zipfile.ZipFile(plain) as z:
        assert b"pagebreak" not in z.read("EPUB/ch001.xhtml")


def test_the_press_pdf_is_typeset_before_the_epub():
    """One typesetting: the press writer leaves its layout for the EPUB."""
    anthology = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "anthology")
    order = formats_for(anthology, BuildOptions(formats=("epub", "pdf")))
    assert order.index("press") < order.index("epub")


# --------------------------------------------------------------------------
# The parts, on small inputs
# --------------------------------------------------------------------------


def test_roman_and_inferred_folios():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 90, 1999)] == ["i", "iv", "ix", "xiv", "xl", "xc", "mcmxcix"]
    # a half-title, a blank, a title page, a copyright page: no folio printed;
    # contents "v"; a blank verso; the text restarting at 1 on an opening page
    # that prints none; a blank verso at the end.
    printed = ["", "", "", "", "v", "", "", "2", "3", ""]
    assert infer_folios(printed) == ["i", "ii", "iii", "iv", "v", "vi", "1", "2", "3", "4"]
    assert infer_folios(["", "", ""]) == ["1", "2", "3"]


def test_align_matches_shared_words_and_points_print_only_words_ahead():
    printed = "Title Title by A Contents One two three four five six seven".split()
    epub = "Title by A Imprint text here One two three four five six seven".split()
    out = align(printed, epub)
    assert out[0] == 0 and out[2] == 1  # "by" is the EPUB's second word
    assert out[4] == epub.index("One")  # "Contents": print only, points at the next shared word
    assert [epub[out[i]] for i in range(5, 12)] == printed[5:12]
    assert out == sorted(out)


XHTML_DOC = (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
             b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
             b'<head><title>T</title></head><body><section><h1>Head<em>ing</em></h1>'
             b'<p>One <em>tw</em>o three <a href="#r">four five</a> six.'
             b'<a epub:type="noteref" href="#n">1</a> seven</p><p>eight</p></section></body></html>')


def test_mark_pages_puts_markers_between_words_outside_links_and_headings():
    words = ("Heading", "One", "two", "three", "four", "five", "six.", "seven", "eight")
    pages = (PrintedPage(1, "i", 0, 3), PrintedPage(2, "ii", 3, 0, False), PrintedPage(3, "1", 3, 2),
             PrintedPage(4, "2", 5, 3), PrintedPage(5, "3", 8, 1), PrintedPage(6, "4", 9, 0, True))
    (out,), targets = mark_pages([XHTML_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    body = out.decode().split("<body>")[1]

    def mark(f):
        return f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{f}" aria-label="{f}"/>'

    assert body == (f"<section>{mark('i')}<h1>Head<em>ing</em></h1>"
                    f"<p>One <em>tw</em>o {mark('1')}three "
                    f'{mark("2")}<a href="#r">four five</a> six.<a epub:type="noteref" href="#n">1</a> seven</p>'
                    f"<p>{mark('3')}eight{mark('4')}</p></section></body></html>")
    assert [t.folio for t in targets] == ["i", "1", "2", "3", "4"]  # a blank page (ii) has none
    assert targets[0].href == "a.xhtml#page-i"


def test_pages_sharing_a_spot_keep_their_order():
    words = ("Contents", "Heading", "One", "two")
    pages = (PrintedPage(1, "v", 0, 1), PrintedPage(2, "1", 1, 3))
    (out,), _ = mark_pages([XHTML_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    assert out.decode().index('id="page-v"') < out.decode().index('id="page-1"') < out.decode().index("<h1>")
