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
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from conftest import CORPUS_EDITION, ENGELS
from editionbuilder import writers
from editionbuilder.cli import main
from editionbuilder.config import load_config
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.layout.pages import PrintedPage, PrintLayout, infer_folios, roman
from editionbuilder.options import BuildOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.qa.align import align
from editionbuilder.writers import WriteContext, formats_for, get_writer, output_path
from editionbuilder.writers.epub import pagelist
from editionbuilder.writers.epub.pagelist import mark_pages
from editionbuilder.writers.print import engine as pdf
from editionbuilder.writers.print import typeset
from paths import ROOT
from test_ace import report_of, violations

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
    # A note number of 1-3 digits after a word's closing punctuation
    # ("grazing.6"), in a word with a letter (not a bare number).
    words = [re.sub(r"(?<=[.,;:\u2019\u201d)\]])\d{1,3}$", "", w) if re.search(r"[^\W\d_]", w) else w for w in words]
    # A lettered or symbol note call after closing punctuation ("sharpness.C", "end.*").
    words = [re.sub(r"(?<=[.,;:\u201d)\]])[A-Z*\u2020]$", "", w) for w in words]
    # A note call of 1-3 digits or a symbol right after a letter (with any
    # closing punctuation between, kept), in a word with a lower-case letter.
    return [
        re.sub(r"(?<=[^\W\d])([.,;:\u2019\u201d)]*)[0-9*\u2020]{1,3}$", r"\1", w) if re.search(r"[a-z]", w) else w
        for w in words
    ]


def pdf_pages(path: Path) -> list[list[str]]:
    """Each page's lines in layout order (tables stay in rows)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
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
    link: int = 0  # words of a link right after it (the marker stands before a link its page begins in)


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
        edges = [("link", "", doc), ("/link", "", doc)] if el.tag == X + "a" else []
        stream.extend([*edges[:1], *(("word", w, doc) for w in (el.text or "").split())])
        for child in el:
            walk(child, doc)
            stream.extend(("word", w, doc) for w in (child.tail or "").split())
        stream.extend(edges[1:])

    for href in spine:
        walk(docs[href], href)
    nav = docs["nav.xhtml"]
    page_list = [
        (a.text, a.get("href")) for n in nav.iter(X + "nav") if n.get(EPUB_TYPE) == "page-list" for a in n.iter(X + "a")
    ]
    return Epub(markers_of(stream), page_list, opf, docs, spine)


def markers_of(stream: list[tuple[str, str, str]]) -> list[Marker]:
    """The markers of a book's stream of (kind, value, document): "word",
    "mark" (a page-break marker, its label), "link" and "/link" (a link's
    edges)."""
    markers = []
    for n, (kind, value, doc) in enumerate(stream):
        if kind == "mark":
            link = link_after(stream, n)
            after = norm([v for k, v, _ in stream[n + 1 : n + 80] if k == "word"])[: 5 + link]
            before = norm([v for k, v, _ in stream[max(0, n - 8) : n] if k == "word"])
            markers.append(
                Marker(
                    value,
                    doc,
                    after,
                    before[-1] if before else "",
                    n + 1 < len(stream) and stream[n + 1][0] == "mark",
                    link,
                )
            )
    return markers


def link_after(stream: list[tuple[str, str, str]], n: int) -> int:
    """How many words (normalised) the link right after the marker at
    ``stream[n]`` holds: 0 unless only punctuation, such as the "(" of
    "(<a>Medvedev, 1979</a>)", stands between them."""
    for m in range(n + 1, len(stream)):
        kind, value, _ = stream[m]
        if kind == "link":
            close = next(j for j in range(m, len(stream)) if stream[j][0] == "/link")
            return len(norm([v for k, v, _ in stream[m:close] if k == "word"]))
        if kind != "word" or norm([value]):
            return 0
    return 0


@pytest.fixture(scope="session")
def printed(full_build) -> dict[str, tuple[list[list[str]], Epub]]:
    return {
        name: (pdf_pages(full_build / f"{name}-press.pdf"), read_epub(full_build / f"{name}.epub"))
        for name in PRINT_BOOKS
    }


def starts_alike(page: list[str], marker: Marker) -> str:
    """How the page's first words agree with the words after its marker
    ("" if they do not). The page's first line may be its running head
    (one line, or two when pdftotext splits it), and the page may begin
    with the end of a word hyphenated on the page before: that word
    belongs to the page where it begins, so its marker follows it. A page
    may also begin within a link's text: its marker stands before the link
    (never inside it), and the page begins with one of the link's words.
    The folio at its foot is no word of the text."""
    expected = marker.after
    if page and re.fullmatch(r"\d+|[ivxlc]+", page[-1]):
        page = page[:-1]  # the folio: on a page of one line, it would be compared as text
    for skip in (0, 1, 2):
        got = norm(uncall(words_of(page[skip:])))
        k = min(len(expected), len(got))
        if got and got[:k] == expected[:k]:
            return "same words"
        for d in range(1, marker.link):
            if got and got[: min(len(expected) - d, len(got))] == expected[d : d + len(got)]:
                return "within the link after the marker"
        if (
            len(got) > 1
            and marker.before.endswith(got[0])
            and marker.before != got[0]
            and got[1 : k + 1] == expected[:k]
        ):
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
        if re.fullmatch(r"\d+|[ivxlc]+", printed_folio):  # an arabic or lower-case roman folio
            assert label == printed_folio, (n + 1, label)
    assert len({label for label, _ in epub.page_list}) == len(epub.page_list)


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
        if marker.next_is_marker and re.fullmatch(r"[ivxlc]+", marker.label):  # a front-matter folio
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


# Elements that end a run of text (a word cannot go on across them); every
# other element (em, span, a, cite, sup...) is inline: a word may go on
# through it, as in wo<em>rd</em>.
_BLOCKS = frozenset(
    X + t
    for t in (
        "html",
        "head",
        "body",
        "section",
        "article",
        "aside",
        "nav",
        "header",
        "footer",
        "main",
        "div",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hgroup",
        "blockquote",
        "pre",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "figure",
        "figcaption",
        "br",
        "hr",
    )
)


def text_stream(el, out: list) -> list:
    """``el``'s text in document order as strings, with a newline at each
    block edge and each page-break marker as the element itself; all text counts,
    note references included (a reader sees them)."""
    if not isinstance(el.tag, str):
        return out
    if el.get(EPUB_TYPE) == "pagebreak":
        out.append(el)
        return out
    edge = ["\n"] if el.tag in _BLOCKS else []
    out += [*edge, el.text or ""]
    for child in el:
        text_stream(child, out)
        out.append(child.tail or "")
    out += edge
    return out


def chars_beside(stream: list, n: int) -> tuple[str, str]:
    """The characters right before and right after the marker at
    ``stream[n]``, through inline elements and past other markers (a
    newline at a block edge or the document's end)."""
    before = next((t for t in reversed(stream[:n]) if isinstance(t, str) and t), "\n")
    after = next((t for t in stream[n + 1 :] if isinstance(t, str) and t), "\n")
    return before[-1], after[0]


def markers_inside_words(root) -> list[tuple[str, str, str]]:
    """(id, char before, char after) of each marker with text on both sides."""
    stream = text_stream(root, [])
    found = []
    for n, token in enumerate(stream):
        if not isinstance(token, str):
            before, after = chars_beside(stream, n)
            if not before.isspace() and not after.isspace():
                found.append((token.get("id"), before, after))
    return found


def test_markers_inside_words_are_found_through_inline_elements():
    """The check below sees a marker that splits a word across inline
    markup (wo|<em>rd</em>, <em>wo|</em><span>rd</span>), and passes markers
    between words, whatever the markup around them."""

    def doc(body: str):
        return etree.fromstring(
            f'<html xmlns="http://www.w3.org/1999/xhtml" '
            f'xmlns:epub="http://www.idpf.org/2007/ops"><body>{body}</body></html>'
        )

    def mark(ident: str) -> str:
        return f'<span epub:type="pagebreak" id="{ident}"/>'

    assert markers_inside_words(doc(f"<p>wo{mark('a')}<em>rd</em></p>")) == [("a", "o", "r")]
    assert markers_inside_words(doc(f"<p><em>wo{mark('a')}</em><span>rd</span></p>")) == [("a", "o", "r")]
    assert markers_inside_words(doc(f"<p>wo{mark('a')}{mark('b')}<em>rd</em></p>")) == [
        ("a", "o", "r"),
        ("b", "o", "r"),
    ]
    assert markers_inside_words(doc(f"<p>one <em>two</em> {mark('a')}<em>three</em></p>")) == []
    assert markers_inside_words(doc(f"<p>one</p>{mark('a')}<p>two</p><p>three{mark('b')}</p>")) == []


@pytest.mark.parametrize("name", PRINT_BOOKS)
def test_markers_are_outside_links_and_between_words(printed, name):
    _, epub = printed[name]
    for doc in epub.docs.values():
        for el in doc.iter(X + "span"):
            if el.get(EPUB_TYPE) != "pagebreak":
                continue
            assert not any(a.tag == X + "a" for a in el.iterancestors()), el.get("id")
            # a heading element, h1 to h6
            assert not any(re.fullmatch(r"h[1-6]", a.tag.removeprefix(X)) for a in el.iterancestors()), el.get("id")
        # never inside a word: a space or a block's edge on one side at least
        assert markers_inside_words(doc) == []


# DAISY Ace 1.4's checks of a page list (ace-core checker-epub.js and
# checker.js); it reports a rule only when it fails.
ACE_PAGE_RULES = (
    "epub-pagelist-broken",
    "epub-pagelist-missing-pagebreak",
    "epub-pagesource",
    "metadata-accessibilityFeature-printPageNumbers-nopagelist",
    "metadata-accessibilityFeature-printPageNumbers-nopagebreaks",
)


def test_ace_sees_the_page_breaks_and_passes_its_page_list_checks(ace_reports):
    """Ace on the anthology: it finds the page-break markers (a book without
    them reports ``hasPageBreaks`` false), so its silence on the page-list
    rules (each entry a marker, each marker listed, pageBreakSource given,
    the printPageNumbers feature backed by a page list and by markers) is
    a pass, not a rule that had nothing to check."""
    report = report_of(ace_reports, "anthology")
    assert report["properties"]["hasPageBreaks"] is True
    assert [v for v in violations(report) if v["rule"] in ACE_PAGE_RULES] == []
    assert report_of(ace_reports, "film")["properties"].get("hasPageBreaks") is not True  # no print edition


def test_package_names_the_print_edition_as_page_source(printed):
    config = {e.name: e for e in load_config(ROOT / "editions.toml").editions}
    _, epub = printed["anthology"]
    metas = {(m.get("property"), m.text) for m in epub.opf.iter("{*}meta")}
    # no ISBN assigned yet (editions.toml): the print edition is the book's own identifier
    assert not config["anthology"].metadata.print_identifier
    assert ("pageBreakSource", config["anthology"].metadata.identifier) in metas
    for feature in ("pageBreakMarkers", "printPageNumbers", "pageNavigation"):
        assert ("schema:accessibilityFeature", feature) in metas
    summary = next(t for p, t in metas if p == "schema:accessibilitySummary")
    assert "page numbers of the print edition" in summary
    _, engels = printed[CORPUS_EDITION]
    assert ("pageBreakSource", "urn:editionbuilder:test:engels-print") in {
        (m.get("property"), m.text) for m in engels.opf.iter("{*}meta")
    }


def test_bibliography_page_numbers_agree_with_the_markers(printed):
    """The print bibliography's "cited on p. 3, 5" and, in the EPUB, the
    pages (by marker) of the citations each entry links back to."""
    pages, epub = printed["anthology"]
    opening = next(n for n, p in enumerate(pages) if p and p[0] == "Bibliography")
    text = " ".join(" ".join(words_of(p)) for p in pages[opening:])
    # "cited on p. 3" or "cited on pp. 3, 5, 12": the page numbers after it
    printed_refs = [
        sorted({int(x) for x in m.replace(",", " ").split()})
        for m in re.findall(r"cited on pp?\. (\d+(?:, \d+)*)", text)
    ]
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
            epub_refs.append(sorted({int(page_of[h]) for h in backs}))
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
                for el in root.xpath(
                    "//*[@epub:type='pagebreak']", namespaces={"epub": "http://www.idpf.org/2007/ops"}
                ):
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
    assert ctx.products.print_layout is None
    assert any(d.code == "page-list-not-made" for d in ctx.diagnostics.items)
    assert _texts(plain) == _texts(full_build / "anthology.epub")
    with zipfile.ZipFile(plain) as z:
        assert b"pagebreak" not in z.read("EPUB/ch001.xhtml")


def test_the_press_pdf_is_typeset_before_the_epub():
    """One typesetting: the press writer leaves its layout for the EPUB."""
    anthology = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "anthology")
    order = formats_for(anthology, BuildOptions(formats=("epub", "pdf")))
    assert order.index("press") < order.index("epub")


class LayoutLog:
    """Every layout WeasyPrint makes in a build (``pdf.render_document``,
    the real one), with the writer at work when it was asked for, and the
    page lists made: the press layout read (``TypesetBook.print_layout``) and
    the ones the EPUB and web writers mark their pages from (``pagelist.mark_pages``)."""

    def __init__(self, monkeypatch) -> None:
        self.active = ["-"]
        self.events: list[tuple] = []  # ("layout", writer, stylesheets, pages) | ("read", ...) | ("marked", ...)
        self.read: list[PrintLayout] = []
        self.marked: list[PrintLayout] = []
        for fmt, writer in list(writers.WRITERS.items()):
            monkeypatch.setitem(writers.WRITERS, fmt, self._during(fmt, writer))
        layout = self._layout(pdf.render_document)
        monkeypatch.setattr(pdf, "render_document", layout)  # typeset takes it from the engine as it lays out
        monkeypatch.setattr(typeset.TypesetBook, "print_layout", self._reading(typeset.TypesetBook.print_layout))
        monkeypatch.setattr(pagelist, "mark_pages", self._marking(pagelist.mark_pages))

    def _during(self, name, fn):
        def run(*args, **kwargs):
            self.active.append(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.active.pop()

        return run

    def _layout(self, render):
        def run(job, diagnostics, progress=None, first_page=1, stop=None, shared=""):
            rendered = render(job, diagnostics, progress, first_page, stop, shared)
            self.events.append(("layout", self.active[-1], tuple(p.name for p in job.sheets), rendered.pages))
            return rendered

        return run

    def _reading(self, print_layout):
        def run(book, source):
            layout = self._during("reading the pages", print_layout)(book, source)
            self.read.append(layout)
            self.events.append(("read", self.active[-1], book.file_pages))
            return layout

        return run

    def _marking(self, mark_pages):
        def run(documents, layout, names, *rest):
            self.marked.append(layout)
            self.events.append(("marked", self.active[-1]))
            return mark_pages(documents, layout, names, *rest)

        return run

    def layouts(self, writer: str) -> list[tuple[tuple[str, ...], int]]:
        """(stylesheets, pages) of each layout made while ``writer`` ran."""
        return [(e[2], e[3]) for e in self.events if e[0] == "layout" and e[1] == writer]


def test_the_epub_lays_out_nothing_to_learn_the_pages(full_build, tmp_path, monkeypatch):
    """The anthology built as `make` builds it, every layout recorded: the
    press writer lays the book out part by part (a part a second time only
    for a note repair; the whole again only for a wider gutter:
    writers/typeset.py), the book's pages are read from those layouts with
    no other, and the EPUB writer lays out nothing (its cover image, of the
    package's design, is drawn with Pillow): its page list is the press
    layout, passed on."""
    log = LayoutLog(monkeypatch)
    # --jobs 1: the parts laid out in this process, where the log sees them
    args = ["build", "--config", str(ROOT / "editions.toml"), "--edition", "anthology", "--jobs", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    press = log.layouts("press")
    assert press and all("press.css" in sheets for sheets, _pages in press)
    assert sum(pages for _sheets, pages in press) >= 24
    assert log.layouts("reading the pages") == []
    assert log.layouts("epub") == []  # the cover image is drawn with Pillow (writers/cover_image.py)
    # one reading of the press layout, which the EPUB and the web edition both mark their pages from
    assert len(log.read) == 1 and len(log.marked) == 2 and all(m is log.read[0] for m in log.marked)
    kinds = [(kind, who) for kind, who, *_ in log.events]
    assert kinds.index(("read", "press")) == max(n for n, k in enumerate(kinds) if k == ("layout", "press")) + 1
    assert kinds.index(("marked", "epub")) > kinds.index(("read", "press"))
    with pikepdf.open(tmp_path / "anthology-press.pdf") as press_file:
        assert [e[2] for e in log.events if e[0] == "read"] == [len(press_file.pages)]
    assert len(log.read[0].pages) == log.events[kinds.index(("read", "press"))][2]
    assert len(read_epub(tmp_path / "anthology.epub").page_list) == sum(p.text for p in log.read[0].pages) > 0
    assert (tmp_path / "anthology.epub").read_bytes() == (full_build / "anthology.epub").read_bytes()


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
    printed = ["Title", "Title", "by", "A", "Contents", "One", "two", "three", "four", "five", "six", "seven"]
    epub = ["Title", "by", "A", "Imprint", "text", "here", "One", "two", "three", "four", "five", "six", "seven"]
    out = align(printed, epub)
    assert out[0] == 0 and out[2] == 1  # "by" is the EPUB's second word
    assert out[4] == epub.index("One")  # "Contents": print only, points at the next shared word
    assert [epub[out[i]] for i in range(5, 12)] == printed[5:12]
    assert out == sorted(out)


def _align_word_by_word(printed, epub):
    """``align`` as a plain walk: one word at a time, the gram index made
    first (what ``align`` does faster: runs compared a chunk at a time,
    the index made at the first difference it needs)."""
    from editionbuilder.qa.align import _nearby, _resume, gram_index

    grams = gram_index(epub)
    matched = [None] * len(printed)
    i = j = 0
    while i < len(printed) and j < len(epub):
        if printed[i] == epub[j]:
            matched[i], i, j = j, i + 1, j + 1
            continue
        resume = _nearby(printed, epub, i, j) or _resume(printed, grams, i, j)
        if resume is None:
            i += 1
        else:
            i, j = resume
    out, nxt = [len(epub)] * len(printed), len(epub)
    for k in range(len(printed) - 1, -1, -1):
        nxt = matched[k] if matched[k] is not None else nxt
        out[k] = nxt
    return out


def test_align_gives_what_a_word_by_word_walk_gives():
    """Long runs in step (past the 64 words compared at once), differences
    at and around a chunk's edges, passages only one side has, and the
    ends of either sequence."""
    import random

    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(40)]
    for _ in range(300):
        text = [rng.choice(vocabulary) for _ in range(rng.randrange(0, 400))]
        printed, epub = list(text), list(text)
        for _ in range(rng.randrange(0, 6)):  # a word changed, dropped or added, or a passage on one side
            side = rng.choice((printed, epub))
            at = rng.randrange(0, len(side) + 1)
            kind = rng.randrange(4)
            if kind == 0 and at < len(side):
                side[at] = "other"
            elif kind == 1 and at < len(side):
                del side[at]
            elif kind == 2:
                side.insert(at, rng.choice(vocabulary))
            else:
                side[at:at] = [f"only{n}" for n in range(rng.randrange(1, 90))]
        assert align(printed, epub) == _align_word_by_word(printed, epub)


XHTML_DOC = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
    b"<head><title>T</title></head><body><section><h1>Head<em>ing</em></h1>"
    b'<p>One <em>tw</em>o three <a href="#r">four five</a> six.'
    b'<a epub:type="noteref" href="#n">1</a> seven</p><p>eight</p></section></body></html>'
)


def test_mark_pages_puts_markers_between_words_outside_links_and_headings():
    words = ("Heading", "One", "two", "three", "four", "five", "six.", "seven", "eight")
    pages = (
        PrintedPage(1, "i", 0, 3),
        PrintedPage(2, "ii", 3, 0, False),
        PrintedPage(3, "1", 3, 2),
        PrintedPage(4, "2", 5, 3),
        PrintedPage(5, "3", 8, 1),
        PrintedPage(6, "4", 9, 0, True),
    )
    (out,), targets = mark_pages([XHTML_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    body = out.decode().split("<body>")[1]

    assert body == (
        f"<section>{mark('i')}<h1>Head<em>ing</em></h1>"
        f"<p>One <em>tw</em>o {mark('1')}three "
        f'{mark("2")}<a href="#r">four five</a> six.<a epub:type="noteref" href="#n">1</a> seven</p>'
        f"<p>{mark('3')}eight{mark('4')}</p></section></body></html>"
    )
    assert [t.folio for t in targets] == ["i", "1", "2", "3", "4"]  # a blank page (ii) has none
    assert targets[0].href == "a.xhtml#page-i"


def test_a_second_marking_with_the_same_layout_takes_the_parts_alignments(monkeypatch):
    """The web edition marks its pages after the EPUB, from the same print
    layout and documents with the same words: a part aligned once is not
    aligned again (``Products.alignments``), and is marked the same."""
    from editionbuilder.writers.epub import pagelist

    words = ("Heading", "One", "two", "three", "four", "five", "six.", "seven", "eight")
    pages = (PrintedPage(1, "1", 0, 3), PrintedPage(2, "2", 3, 6))
    layout = PrintLayout("src", words, pages, ("a",) * len(words))
    kept: dict = {}
    first = mark_pages([XHTML_DOC], layout, ["a.xhtml"], kept)
    assert len(kept) == 1
    aligned = []
    monkeypatch.setattr(pagelist, "align", lambda *given: aligned.append(given))
    assert mark_pages([XHTML_DOC], layout, ["a.html"], kept)[0] == first[0]
    assert aligned == []
    other = XHTML_DOC.replace(b"<p>eight</p>", b"<p>eight nine</p>")  # other words: aligned again
    monkeypatch.undo()
    mark_pages([other], layout, ["a.html"], kept)
    assert len(kept) == 2


def test_words_are_glued_across_inline_markup_only_where_no_space_parts_them():
    """A text after inline markup goes on the word before it unless it
    opens with a space; an empty element between two pieces parts nothing;
    a document with no text has no words."""
    from editionbuilder.writers.epub.pagelist import document_words

    def words(body: str) -> list[str]:
        root = etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>')
        return [w.text for w in document_words(root, 0)]

    assert words("<p>One <em>tw</em> o <em>th</em>ree</p>") == ["One", "tw", "o", "three"]
    assert words("<p>wo<em></em>rd <b>x</b>\ny</p>") == ["word", "x", "y"]
    assert words("<p>a</p><p>b<em>c</em></p>") == ["a", "bc"]
    assert words("<p></p><p>  </p>") == []


def test_pages_sharing_a_spot_keep_their_order():
    words = ("Contents", "Heading", "One", "two")
    pages = (PrintedPage(1, "v", 0, 1), PrintedPage(2, "1", 1, 3))
    (out,), _ = mark_pages([XHTML_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    assert out.decode().index('id="page-v"') < out.decode().index('id="page-1"') < out.decode().index("<h1>")


SPLIT_DOC = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
    b"<head><title>T</title></head><body>"
    b"<p>One wo<em>rd</em> <em>three</em> four<em>five</em> six</p><p>sev<em>en</em></p></body></html>"
)


def test_mark_pages_keeps_words_split_by_inline_markup_whole():
    """Words split by inline markup (wo<em>rd</em>, four<em>five</em>,
    sev<em>en</em>) are one word each: a page that begins at one gets its
    marker before the word's first letter; a page that begins right after
    an inline element, between it and the next word; a page past the last
    word (print-only text at the end), after the whole of that word, not
    where its first text node ends."""
    words = ("One", "word", "three", "fourfive", "six", "seven")
    pages = (
        PrintedPage(1, "1", 1, 1),
        PrintedPage(2, "2", 2, 1),
        PrintedPage(3, "3", 4, 1),
        PrintedPage(4, "4", 5, 1),
        PrintedPage(5, "5", 6, 0),
    )
    (out,), targets = mark_pages([SPLIT_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    body = out.decode().split("<body>")[1]

    assert body == (
        f"<p>One {mark(1)}wo<em>rd</em> <em>{mark(2)}three</em> four<em>five</em> {mark(3)}six</p>"
        f"<p>{mark(4)}sev<em>en{mark(5)}</em></p></body></html>"
    )
    assert markers_inside_words(etree.fromstring(out)) == []
    assert [t.folio for t in targets] == ["1", "2", "3", "4", "5"]


def mark(folio: str | int) -> str:
    """The page-break marker the EPUB writer puts for ``folio``."""
    return f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{folio}" aria-label="{folio}"/>'


LINK_DOC = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
    b'<head><title>T</title></head><body><p>censorship. <span id="cite-1">(<a href="#r">Medvedev, 1979</a>)'
    b'</span> This is <a href="#s">one two</a> three</p></body></html>'
)


def test_a_page_beginning_in_a_link_gets_its_marker_before_the_word_the_link_is_in():
    """A page that begins within a link's text gets its marker before the
    link; when the link's text goes on a word begun before it (the "(" of
    a citation), before that word, not between "(" and the link."""
    words = ("censorship.", "(Medvedev,", "1979)", "This", "is", "one", "two", "three")
    pages = (PrintedPage(1, "1", 0, 2), PrintedPage(2, "2", 2, 4), PrintedPage(3, "3", 6, 2))
    (out,), _ = mark_pages([LINK_DOC], PrintLayout("src", words, pages), ["a.xhtml"])
    body = out.decode().split("<body>")[1]

    assert body == (
        f'<p>{mark(1)}censorship. <span id="cite-1">{mark(2)}(<a href="#r">Medvedev, 1979</a>)</span>'
        f' This is {mark(3)}<a href="#s">one two</a> three</p></body></html>'
    )
    assert markers_inside_words(etree.fromstring(out)) == []


# --------------------------------------------------------------------------
# One document at a time, and the marked documents kept between builds
# --------------------------------------------------------------------------


def _doc(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>T</title></head><body>{body}</body></html>"
    ).encode()


# A book of five documents: a title page, a chapter whose last page begins
# with print-only words, print notes whose EPUB twin is all endnotes (no
# running text), a chapter, and end notes again, as the last document.
BOOK_NAMES = ["t.xhtml", "b.xhtml", "n.xhtml", "c.xhtml", "e.xhtml"]
BOOK_DOCS = [
    _doc("<h1>Alpha beta</h1>"),
    _doc("<p>Gamma <em>del</em>ta.</p>"),
    _doc('<section epub:type="endnotes"><p>Note one.</p></section>'),
    _doc("<p>Epsilon zeta.</p><p>Eta theta.</p>"),
    _doc('<section epub:type="endnotes"><p>Endnote.</p></section>'),
]
BOOK_WORDS = (
    "Alpha",
    "beta",
    "Gamma",
    "delta.",
    "Continued",
    "Note",
    "one.",
    "Epsilon",
    "zeta.",
    "Eta",
    "theta.",
    "Endnote.",
)
BOOK_PARTS = ("t", "t", "b", "b", "b", "n", "n", "c", "c", "c", "c", "e")
BOOK_PAGES = (
    PrintedPage(1, "i", 0, 2),
    PrintedPage(2, "1", 2, 2),
    PrintedPage(3, "2", 4, 1),  # print-only words: past the chapter's last, so before the next document's first
    PrintedPage(4, "3", 5, 2),  # print notes: their twin has no words, the same place
    PrintedPage(5, "4", 7, 2),
    PrintedPage(6, "5", 9, 2),
    PrintedPage(7, "6", 11, 1),  # the end notes, the last document: after the book's last word
    PrintedPage(8, "7", 12, 0),  # a page past the printed words (the colophon's): the same
)
BOOK_LAYOUT = PrintLayout("src", BOOK_WORDS, BOOK_PAGES, BOOK_PARTS)


def test_each_document_is_marked_where_the_whole_book_would_mark_it():
    """Marking one document at a time (which lets a rebuild take the
    unchanged ones back) puts every marker where aligning the whole
    book's words at once puts it: markers that go on past a document's
    words to the next document's first word, through a document with none,
    and markers past the book's last word."""
    each = pagelist._mark_each(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, {}, None)
    whole = pagelist._mark_whole(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, {})
    assert each is not None
    assert each == whole
    out, targets = each
    assert [t.href for t in targets] == [
        "t.xhtml#page-i",
        "b.xhtml#page-1",
        "c.xhtml#page-2",
        "c.xhtml#page-3",
        "c.xhtml#page-4",
        "c.xhtml#page-5",
        "c.xhtml#page-6",
        "c.xhtml#page-7",
    ]
    body = out[3].decode().split("<body>")[1]
    assert body == (
        f"<p>{mark('2')}{mark('3')}{mark('4')}Epsilon zeta.</p><p>{mark('5')}Eta theta.{mark('6')}{mark('7')}</p>"
        "</body></html>"
    )
    assert out[2] == BOOK_DOCS[2] and out[4] == BOOK_DOCS[4]  # no marker: the same bytes
    # a print part with no counterpart at all is aligned with the whole book
    orphan = dataclasses.replace(BOOK_LAYOUT, parts=("x", *BOOK_PARTS[1:]))
    assert pagelist._mark_each(BOOK_DOCS, orphan, BOOK_NAMES, {}, None) is None
    assert mark_pages(BOOK_DOCS, orphan, BOOK_NAMES) == pagelist._mark_whole(BOOK_DOCS, orphan, BOOK_NAMES, {})


def _marked_alike(documents, layout, names) -> tuple[list[bytes], list]:
    """What both ways of marking give, checked to be the same."""
    each = pagelist._mark_each(documents, layout, names, {}, None)
    assert each is not None
    assert each == pagelist._mark_whole(documents, layout, names, {})
    return each


def test_print_parts_in_another_order_than_the_spine_and_sharing_a_document_are_marked_alike():
    """Two print parts of one document (the half-title and the title page
    both stand for the EPUB's title page), print parts in another order
    than the EPUB's documents, notes whose words the next chapter has (a
    part whose counterpart has no running text stands at the next
    document's first word, not at a word of its own found further on),
    and a last document whose own page begins past its last word."""
    docs = [
        _doc("<p>Title words</p>"),
        _doc('<section epub:type="endnotes"><p>x zeta eta y</p></section>'),
        _doc("<p>Epsilon zeta eta theta.</p>"),
        _doc("<p>Iota kappa.</p>"),
    ]
    names = ["titlepage.xhtml", "n.xhtml", "c1.xhtml", "c2.xhtml"]
    words = ("Title", "Title", "words", "Iota", "kappa.", "More", "x", "zeta", "eta", "y", "Epsilon", "zeta", "eta")
    parts = ("halftitle", "titlepage", "titlepage", "c2", "c2", "c2", "n", "n", "n", "n", "c1", "c1", "c1")
    pages = (
        PrintedPage(1, "i", 0, 1),
        PrintedPage(2, "iii", 1, 2),
        PrintedPage(3, "1", 3, 2),
        PrintedPage(4, "2", 5, 1),  # print-only words at the end of the last document with words
        PrintedPage(5, "3", 7, 3),  # notes: "zeta eta" are the next chapter's words too
        PrintedPage(6, "4", 10, 3),
    )
    out, targets = _marked_alike(docs, PrintLayout("src", words, pages, parts), names)
    assert [t.href.split("#")[0] for t in targets] == [
        "titlepage.xhtml",
        "titlepage.xhtml",
        "c2.xhtml",
        "c2.xhtml",
        "c1.xhtml",
        "c1.xhtml",
    ]
    assert out[0].decode().split("<body>")[1] == f"<p>{mark('i')}{mark('iii')}Title words</p></body></html>"
    assert out[2].decode().split("<body>")[1] == f"<p>{mark('3')}{mark('4')}Epsilon zeta eta theta.</p></body></html>"
    assert out[3].decode().split("<body>")[1] == f"<p>{mark('1')}Iota kappa.{mark('2')}</p></body></html>"


def test_markers_in_one_text_node_are_put_from_the_last_word_back():
    """The half-title's page begins at the title page's third word and the
    title page's at its first: each marker lands before its own word (put
    from the last page back, the second would split the text first and
    send the first to its start)."""
    words = ("gamma", "delta", "Alpha", "beta", "gamma", "delta")
    parts = ("halftitle", "halftitle", "titlepage", "titlepage", "titlepage", "titlepage")
    pages = (PrintedPage(1, "i", 0, 2), PrintedPage(2, "iii", 2, 4))
    (out,), _ = _marked_alike(
        [_doc("<p>Alpha beta gamma delta</p>")], PrintLayout("src", words, pages, parts), ["titlepage.xhtml"]
    )
    assert out.decode().split("<body>")[1] == f"<p>{mark('iii')}Alpha beta {mark('i')}gamma delta</p></body></html>"


def _counting(monkeypatch) -> list[int]:
    """The documents ``pagelist._mark_one`` marks from now on, by index."""
    marked: list[int] = []
    one = pagelist._mark_one

    def counted(data, n, *rest):
        marked.append(n)
        return one(data, n, *rest)

    monkeypatch.setattr(pagelist, "_mark_one", counted)
    return marked


def test_kept_marked_documents_are_taken_back_and_a_changed_one_is_marked_again(tmp_path, monkeypatch):
    """A build keeps the documents it marked (``MarkedDocuments``); the next
    one marks none of them again when nothing changed, and only the one
    that changed when one did, with the bytes a marking with nothing kept
    gives. The file keeps what the last build used (the last document with
    words twice: once more with the markers past the book's end)."""
    folder = tmp_path / "pages"
    first = pagelist.MarkedDocuments(folder, "book.epub")
    made = mark_pages(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, None, first)
    first.save()
    assert made == mark_pages(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES)

    marked = _counting(monkeypatch)
    again = pagelist.MarkedDocuments(folder, "book.epub")
    assert mark_pages(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, None, again) == made
    assert marked == []
    assert again.diagnostics.items == []

    changed = [*BOOK_DOCS]
    changed[1] = _doc("<p>Gamma <em>del</em>ta, we say.</p>")
    layout = dataclasses.replace(
        BOOK_LAYOUT,
        words=(*BOOK_WORDS[:3], "delta,", "we", "say.", *BOOK_WORDS[4:]),
        parts=(*BOOK_PARTS[:3], "b", "b", "b", *BOOK_PARTS[4:]),
        pages=tuple(dataclasses.replace(p, first_word=p.first_word + 2 * (p.first_word > 3)) for p in BOOK_PAGES),
    )
    expected = mark_pages(changed, layout, BOOK_NAMES)
    marked.clear()
    third = pagelist.MarkedDocuments(folder, "book.epub")
    assert mark_pages(changed, layout, BOOK_NAMES, None, third) == expected
    assert marked == [1]
    third.save()
    kept = (folder / "book.epub.marked").read_bytes().split(b"\n", 1)[0]
    assert len(json.loads(kept)["entries"]) == len(BOOK_DOCS) + 1  # the last with words, twice


@pytest.mark.parametrize("damage", ["cut", "flipped", "garbled", "id", "words", "nested"])
def test_damaged_kept_markers_are_reported_and_the_pages_marked_again(tmp_path, monkeypatch, damage):
    """A kept file cut short, a byte of a document changed, a header that
    is not JSON, or one that is but was edited (a marker's id, a word
    count: the entry's digest covers them), or nested past what the JSON
    reader takes: reported once, and the pages marked as with nothing kept."""
    folder = tmp_path / "pages"
    kept = pagelist.MarkedDocuments(folder, "book.web")
    made = mark_pages(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, None, kept)
    kept.save()
    path = folder / "book.web.marked"
    data = path.read_bytes()
    head, body = data.split(b"\n", 1)
    if damage == "cut":
        data = data[: len(data) - 40]
    elif damage == "flipped":
        at = body.index(b"Epsilon")
        data = head + b"\n" + body[:at] + b"X" + body[at + 1 :]
    elif damage == "garbled":
        data = b"{" + data
    elif damage == "id":
        data = head.replace(b'"page-4"', b'"page-x"') + b"\n" + body
    elif damage == "words":
        data = head.replace(b'"words": 4', b'"words": 0') + b"\n" + body
    else:
        data = b"[" * 100_000 + b"\n" + body
    assert data != path.read_bytes()
    path.write_bytes(data)
    marked = _counting(monkeypatch)
    again = pagelist.MarkedDocuments(folder, "book.web")
    assert mark_pages(BOOK_DOCS, BOOK_LAYOUT, BOOK_NAMES, None, again) == made
    assert marked  # marked again
    assert [d.code for d in again.diagnostics.items] == ["cache-entry-discarded"]
    assert "book.web.marked" in again.diagnostics.items[0].message


def test_a_rebuild_marks_the_pages_of_the_changed_chapter_alone(full_build, tmp_path, monkeypatch):
    """The corpus print edition built again after one sentence of a middle
    chapter changed (its pages' breaks unmoved past the chapter), from the
    first build's output folder: the EPUB and the web edition each mark
    that chapter's document again, and no other; the EPUB is the one a
    build with nothing kept makes."""
    project = tmp_path / "project"
    shutil.copytree(full_build.parent / "corpus", project)
    out = tmp_path / "out"
    shutil.copytree(full_build, out, symlinks=True)
    text = project / ENGELS.name
    body = text.read_bytes()  # ISO-8859-1, as Project Gutenberg's "-8" files are
    at = body.index(b". ", len(body) // 2)
    text.write_bytes(body[:at] + b", we say" + body[at:])
    config = project / "editions.toml"
    marked = _counting(monkeypatch)
    assert main(["build", "--config", str(config), "--out", str(out)]) == 0
    kept_epub = (out / f"{CORPUS_EDITION}.epub").read_bytes()
    assert len(marked) == 2, marked  # one document of the EPUB, one of the web edition
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    assert main(["build", "--config", str(config), "--out", str(fresh)]) == 0
    assert kept_epub == (fresh / f"{CORPUS_EDITION}.epub").read_bytes()
