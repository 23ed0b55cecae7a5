"""Display type (issue #16, item 4): titles and headings in the edition's
case, curly quotes in the metadata the books print, and the printed book's
language tag, which chooses its hyphenation patterns.

The case is set in the model (``transforms.set_display_case``), so every
writer prints it: checked here on the model, the EPUB's headings and nav,
and the print HTML's running heads."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pytest
import weasyprint
from fontTools.ttLib import TTFont
from lxml import etree
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1

from editionbuilder.config import load_config
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.layout.printview import hyphenation_language
from editionbuilder.model import (
    Chapter,
    Credit,
    Edition,
    Emphasis,
    Heading,
    LineBreak,
    Metadata,
    Note,
    NoteRef,
    Paragraph,
    Position,
    Text,
    serialize,
)
from editionbuilder.model.text import bare_text, title_text
from editionbuilder.options import BuildOptions, EditionOptions, ReaderOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.transforms import TransformContext, run_passes
from editionbuilder.transforms.casing import in_capitals, kept_capitals, title_case
from editionbuilder.writers import WriteContext, get_writer
from editionbuilder.writers.print.document import render_html
from editionbuilder.writers.web.writer import write_web_edition

# --------------------------------------------------------------------------
# Title case
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capitals", "cased"),
    [
        ("THE PRICE OF WOOL", "The Price of Wool"),
        ("THE FERTILITY OF THE COMMON FIELDS", "The Fertility of the Common Fields"),
        ("THE DISINTEGRATION OF THE OPEN-FIELDS", "The Disintegration of the Open-Fields"),
        ("CHAPTER IV", "Chapter IV"),
        ("PUBLISHER’S NOTE", "Publisher’s Note"),
        ("SECTION 1.—AIM AND SCOPE OF THE ESSAY", "Section 1.—Aim and Scope of the Essay"),
        ("CHAPTER I: INTRODUCTORY", "Chapter I: Introductory"),
        ("WHAT IT WAS FOR", "What It Was For"),  # the last word takes a capital
        ("OF MONEY AND OF THE USE OF IT", "Of Money and of the Use of It"),  # the first too
        ("THE CIVIL WAR IN FRANCE", "The Civil War in France"),  # "CIVIL" is no roman numeral
    ],
)
def test_headline_style(capitals, cased):
    assert title_case(capitals) == cased


def test_acronyms_the_text_writes_in_capitals_stay():
    keep = kept_capitals(["The USSR fell, and the UK watched.", "Not the end, NOT the beginning."])
    assert keep == {"USSR", "UK"}  # "NOT" is also written "Not"
    assert title_case("THE USSR AND THE UK", keep) == "The USSR and the UK"


def test_what_is_in_capitals():
    assert in_capitals("CHAPTER II") and in_capitals("PUBLISHER’S NOTE")
    assert not in_capitals("Chapter II") and not in_capitals("I") and not in_capitals("1848")


def edition_in_capitals() -> Edition:
    pos = Position("book.txt", 3)
    title = (Text("CHAPTER I"), LineBreak(), Text("THE PRICE OF WOOL IN THE USSR"))
    blocks = (
        Paragraph((Text("The USSR bought wool, and the price of wool rose."),), pos),
        Heading(2, (Text("SECTION 1.—THE SALE OF GOODS"),), pos, "s1"),
        Heading(2, (Text("A Heading as Written"),), pos, "s2"),
        Paragraph((Text("More text."),), pos),
    )
    chapter = Chapter("ch1", title, blocks, pos=pos)
    md = Metadata(
        title="A BOOK OF WOOL",
        authors=("George O'Brien",),
        publisher="Longmans' Press",
        credits=(Credit("editor", "Mary O'Neill"),),
        language="en",
        identifier="urn:x:wool",
        date="2026-11-25",
    )
    return Edition(md, (chapter,))


@pytest.fixture(scope="module")
def transformed() -> tuple[Edition, Diagnostics]:
    diags = Diagnostics()
    return run_passes(edition_in_capitals(), TransformContext(ReaderOptions(), diags)), diags


def test_the_model_records_the_case(transformed):
    edition, diags = transformed
    chapter = edition.chapters[0]
    assert chapter.title == (Text("Chapter I"), LineBreak(), Text("The Price of Wool in the USSR"))
    headings = [b.inlines for b in chapter.blocks if isinstance(b, Heading)]
    assert headings == [(Text("Section 1.—The Sale of Goods"),), (Text("A Heading as Written"),)]
    assert edition.metadata.title == "A Book of Wool"
    cased = [d for d in diags.items if d.code == "heading-case-set"]
    assert len(cased) == 3  # the chapter title, one heading, the book title; not the heading in its own case
    assert "'CHAPTER I / THE PRICE OF WOOL IN THE USSR' is set as 'Chapter I / The Price of Wool in the USSR'" in (
        cased[0].message
    )
    assert cased[0].pos.line == 3


def test_a_title_is_cased_as_a_whole_across_its_emphasis():
    """ "OF" after an emphasised word is still inside the title: lower case."""
    title = (Text("THE "), Emphasis((Text("WEALTH"),)), Text(" OF NATIONS"), LineBreak(), Text("BOOK I"))
    edition = dataclasses.replace(
        edition_in_capitals(), chapters=(dataclasses.replace(edition_in_capitals().chapters[0], title=title),)
    )
    done = run_passes(edition, TransformContext(ReaderOptions(), Diagnostics()))
    assert done.chapters[0].title == (
        Text("The "),
        Emphasis((Text("Wealth"),)),
        Text(" of Nations"),
        LineBreak(),
        Text("Book I"),
    )


def test_printed_metadata_is_curly(transformed):
    md = transformed[0].metadata
    assert md.authors == ("George O’Brien",) and md.publisher == "Longmans’ Press"
    assert md.credits[0].name == "Mary O’Neill"


def test_epub_and_running_heads_print_the_case(transformed, tmp_path):
    edition = transformed[0]
    options = EditionOptions("wool", ("book.txt",))
    ctx = WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), tmp_path)
    out = tmp_path / "wool.epub"
    get_writer("epub")(edition, out, ctx)
    with zipfile.ZipFile(out) as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith((".xhtml", ".ncx", ".opf")))
    assert "The Price of Wool in the USSR" in text and "Section 1.—The Sale of Goods" in text
    assert "PRICE OF WOOL" not in text and "SALE OF GOODS" not in text
    assert "O’Brien" in text and "O'Brien" not in text
    html = render_html(edition)
    assert 'data-running-head="Chapter I: The Price of Wool in the USSR"' in html


# --------------------------------------------------------------------------
# Small capitals (heading_case = "small-caps")
# --------------------------------------------------------------------------


def small_caps_edition(text_paragraphs: int = 1) -> tuple[Edition, Diagnostics]:
    """``edition_in_capitals`` in the small-caps case, its chapter long
    enough (``text_paragraphs``) to run over pages with running heads, and
    a second chapter whose title the source wrote in mixed case; a note in
    each, so that the EPUB's notes are headed by the chapters' titles."""
    edition = edition_in_capitals()
    first = edition.chapters[0]
    words = Text("The wool was weighed and sold by the tod at the fair. " * 14)
    text = Paragraph((words,), first.pos)
    blocks = (*first.blocks[:2], Paragraph((words, NoteRef("n1")), first.pos), *(text,) * text_paragraphs)
    blocks += first.blocks[2:]
    second = Chapter("ch2", (Text("A Chapter as Written"),), (Paragraph((words, NoteRef("n2"))),), pos=first.pos)
    notes = tuple(Note(n, (Paragraph((Text("A tod is twenty-eight pounds."),)),), kind="endnote") for n in ("n1", "n2"))
    chapters = (dataclasses.replace(first, blocks=blocks), second)
    edition = dataclasses.replace(edition, chapters=chapters, notes=notes)
    diags = Diagnostics()
    return run_passes(edition, TransformContext(ReaderOptions(), diags, heading_case="small-caps")), diags


def test_small_caps_are_recorded_over_title_case_text():
    edition, diags = small_caps_edition()
    first, second = edition.chapters
    assert first.title == (Text("Chapter I"), LineBreak(), Text("The Price of Wool in the USSR"))
    assert (first.small_caps, second.small_caps) == (True, False)
    headings = [(bare_text(b.inlines), b.small_caps) for b in first.blocks if isinstance(b, Heading)]
    assert headings == [("Section 1.—The Sale of Goods", True), ("A Heading as Written", False)]
    assert (edition.metadata.title, edition.metadata.title_small_caps) == ("A Book of Wool", True)
    assert all(d.message.endswith("in small capitals") for d in diags.items if d.code == "heading-case-set")
    assert serialize.loads(serialize.dumps(edition)) == edition


def test_the_config_option_reaches_the_model(tmp_path):
    """``heading_case`` in editions.toml, through the pipeline's reading of a
    plain-text source whose title and chapter heads are in capitals."""
    (tmp_path / "wool.txt").write_text(
        "THE BOOK OF WOOL\n\nBy Jane Weaver\n\n\nCHAPTER I\n\nTHE PRICE OF WOOL\n\n"
        "The wool was weighed and sold by the tod at the fair, and the price rose while the weather held.\n",
        encoding="utf-8",
    )
    config = tmp_path / "editions.toml"
    config.write_text('[[edition]]\nname = "wool"\nsources = ["wool.txt"]\nheading_case = "small-caps"\n')
    loaded = load_config(config)
    edition = read_edition(loaded.editions[0], loaded.project_dir, Diagnostics(), format_bibliography=False)
    assert [(title_text(c.title), c.small_caps) for c in edition.chapters] == [("Chapter I: The Price of Wool", True)]
    assert (edition.metadata.title, edition.metadata.title_small_caps) == ("The Book of Wool", True)


def test_title_case_marks_nothing_and_source_case_changes_nothing(transformed):
    edition = transformed[0]
    assert not edition.metadata.title_small_caps
    assert not any(c.small_caps for c in edition.chapters)
    assert not any(b.small_caps for c in edition.chapters for b in c.blocks if isinstance(b, Heading))
    diags = Diagnostics()
    kept = run_passes(edition_in_capitals(), TransformContext(ReaderOptions(), diags, heading_case="source"))
    assert kept.chapters[0].title == (Text("CHAPTER I"), LineBreak(), Text("THE PRICE OF WOOL IN THE USSR"))
    assert kept.metadata.title == "A BOOK OF WOOL" and not kept.chapters[0].small_caps
    assert not [d for d in diags.items if d.code == "heading-case-set"]


def test_epub_marks_small_caps_headings_but_not_the_nav(tmp_path):
    edition, _ = small_caps_edition()
    ctx = WriteContext(
        EditionOptions("wool", ("book.txt",)), BuildOptions(source_date_epoch=0), Diagnostics(), tmp_path
    )
    out = tmp_path / "wool.epub"
    get_writer("epub")(edition, out, ctx)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    with zipfile.ZipFile(out) as z:
        docs = {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    marked = {
        " ".join("".join(h.itertext()).split())
        for doc in docs.values()
        for h in doc.iterfind(".//x:*[@class]", ns)
        if "small-caps" in h.get("class").split()
    }
    # the chapter heading, the heading in capitals, the title page's title,
    # the chapter's title over its notes (the chapter heading's lines are
    # parted by a <br/>); not the second chapter's, in the source's case
    assert marked == {
        "Chapter IThe Price of Wool in the USSR",
        "Section 1.—The Sale of Goods",
        "A Book of Wool",
        "Chapter I: The Price of Wool in the USSR",
    }
    nav = next(doc for doc in docs.values() if doc.find(".//x:nav[@id='toc']", ns) is not None)
    toc = nav.find(".//x:nav[@id='toc']", ns)
    assert "Chapter I: The Price of Wool in the USSR" in " ".join("".join(toc.itertext()).split())
    assert not [e for e in toc.iter() if "small-caps" in (e.get("class") or "")]


def test_web_edition_marks_the_same_headings(tmp_path):
    edition, _ = small_caps_edition()
    ctx = WriteContext(
        EditionOptions("wool", ("book.txt",)), BuildOptions(source_date_epoch=0), Diagnostics(), tmp_path
    )
    write_web_edition(edition, tmp_path / "web", ctx, [])
    pages = {p.name: etree.parse(str(p), etree.HTMLParser()) for p in (tmp_path / "web").glob("*.html")}

    def marked(name: str) -> list[str]:
        found = pages[name].iterfind(".//main//*[@class]")
        return [" ".join("".join(e.itertext()).split()) for e in found if "small-caps" in e.get("class").split()]

    chapter = next(n for n, page in pages.items() if "The Price of Wool" in "".join(page.getroot().itertext()))
    assert chapter != "index.html"
    assert marked(chapter) == ["Chapter IThe Price of Wool in the USSR", "Section 1.—The Sale of Goods"]
    assert marked("titlepage.html") == ["A Book of Wool"]
    assert marked("index.html") == ["A Book of Wool"]  # the landing page's title; its contents list is plain


class _GlyphDevice(PDFPageAggregator):
    """pdfminer's layout, each character remembering the glyph it draws."""

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
        advance = super().render_char(matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate)
        self.cur_item._objs[-1].glyph = (font, cid)
        return advance


def pdf_glyphs(path: Path) -> list[list[tuple[str, float, float, str]]]:
    """Page by page, each character drawn: (its text, its size, its height
    on the page, the name of its glyph in the embedded font). WeasyPrint
    writes Identity-H fonts whose CIDs are the glyph ids of the embedded
    OpenType font, so the name is that font's own."""
    manager = PDFResourceManager()
    device = _GlyphDevice(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    orders: dict[int, list[str]] = {}
    pages = []
    with path.open("rb") as f:
        for page in PDFPage.get_pages(f):
            interpreter.process_page(page)
            chars: list[tuple[str, float, float, str]] = []
            stack = [device.get_result()]
            while stack:
                item = stack.pop()
                if isinstance(item, LTChar):
                    font, cid = item.glyph  # type: ignore[attr-defined]
                    if id(font) not in orders:
                        program = resolve1(font.descriptor["FontFile3"]).get_data()
                        orders[id(font)] = TTFont(io.BytesIO(program)).getGlyphOrder()
                    chars.append((item.get_text(), round(item.size, 1), item.y0, orders[id(font)][cid]))
                elif isinstance(item, LTContainer):
                    stack.extend(reversed(list(item)))
            pages.append(chars)
    return pages


def test_pdf_headings_and_running_heads_use_the_fonts_small_capitals(tmp_path):
    """The letters of a small-caps heading, its contents line and its
    running heads are the font's own small capitals (EB Garamond's ".sc"
    glyphs, from c2sc and smcp), not capitals scaled down; the chapter in
    mixed case and the text keep their letters."""
    edition, _ = small_caps_edition(text_paragraphs=8)
    options = EditionOptions("wool", ("book.txt",))
    out = tmp_path / "wool.pdf"
    get_writer("pdf")(edition, out, WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), tmp_path))
    pages = pdf_glyphs(out)

    def lines(page):  # its lines of text, top first: (text, size, glyph names of the letters)
        rows: dict[float, list] = {}
        for text, size, y, glyph in page:
            rows.setdefault(round(y), []).append((text, size, glyph))
        return [
            ("".join(t for t, _, _ in row), row[0][1], {g for t, _, g in row if t.isalpha()})
            for _, row in sorted(rows.items(), reverse=True)
        ]

    every = [line for page in pages for line in lines(page)]
    small = {text for text, _, glyphs in every if glyphs and all(g.endswith(".sc") for g in glyphs)}
    assert {"Chapter I", "The Price of Wool in the USSR", "Section 1.—The Sale of Goods"} <= small
    # the contents line, its leader dots after the title
    assert any(text.startswith("Chapter I: The Price of Wool in the USSR..") for text in small)
    # the running heads, 9 pt at the head of a page: the book's title on a
    # verso, the chapter's on a recto
    heads = [(text, glyphs) for page in pages if page for text, size, glyphs in lines(page)[:1] if size == 9.0]
    assert {text for text, _ in heads} == {"A Book of Wool", "Chapter I: The Price of Wool in the USSR"}
    assert all(g.endswith(".sc") for _, glyphs in heads for g in glyphs)
    assert "A Chapter as Written" in {text for text, _, _ in every} and "A Chapter as Written" not in small
    assert not [text for text in small if "weighed" in text]


# --------------------------------------------------------------------------


def test_bare_english_is_american_in_print():
    assert hyphenation_language("en") == "en-US"
    assert hyphenation_language("en-GB") == "en-GB"
    assert hyphenation_language("fr") == "fr"


def test_print_html_carries_the_tag(transformed):
    assert '<html lang="en-US">' in render_html(transformed[0])
    british = dataclasses.replace(
        transformed[0], metadata=dataclasses.replace(transformed[0].metadata, language="en-GB")
    )
    assert '<html lang="en-GB">' in render_html(british)


def _breaks(lang: str, tmp: Path) -> set[str]:
    """The hyphenated pieces WeasyPrint sets for words that only fit a line
    broken, in a column a few letters wide."""
    words = " ".join(["determined", "capitalists", "reasonable"] * 2)
    html = (
        f'<html lang="{lang}"><body style="width: 5.5em; hyphens: auto; font-size: 12pt; '
        f'hyphenate-limit-chars: 6 2 2">{words}</body></html>'
    )
    text = weasyprint.HTML(string=html).write_pdf()
    path = tmp / f"{lang}.pdf"
    path.write_bytes(text)
    import subprocess

    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip().endswith("\u2010")}


def test_american_patterns_break_as_americans_do(tmp_path):
    """Measured through WeasyPrint: "de-ter-mined", "cap-i-tal-ists",
    "rea-son-able" with the tag the print gives "en"; British patterns
    ("determ-ined", "cap-it-al-ists", "reas-on-able") only for "en-GB"."""
    american = _breaks(hyphenation_language("en"), tmp_path)
    british = _breaks("en-GB", tmp_path)
    assert american and british
    assert not american & {"determ\u2010", "reas\u2010", "cap\u2010it\u2010"}
    assert american <= {
        "de\u2010",
        "deter\u2010",
        "cap\u2010",
        "capi\u2010",
        "capital\u2010",
        "rea\u2010",
        "reason\u2010",
    }
    assert british & {"determ\u2010", "reas\u2010", "capit\u2010", "capital\u2010", "reason\u2010"}
    assert american != british


# --------------------------------------------------------------------------
# Headings never end a line at a hyphen
# --------------------------------------------------------------------------


def _heading_lines(html_heading: str, tmp: Path, extra_css: str = "") -> list[str]:
    """The lines of a chapter heading set in a column 2.4 in wide with the
    package's base.css (pdftotext joins a word broken at a line's hyphen)."""
    import subprocess

    from editionbuilder.templating import find_stylesheet

    html = (
        f'<html lang="en-US"><head><style>@page {{ size: 2.4in 4in; margin: 0.2in }} {extra_css}</style></head>'
        f'<body><section class="part chapter"><h1>{html_heading}</h1></section></body></html>'
    )
    path = tmp / "heading.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf(stylesheets=[str(find_stylesheet("base.css", ()))]))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def test_a_compound_in_a_heading_stays_on_one_line(transformed, tmp_path):
    edition = transformed[0]
    chapter = edition.chapters[0]
    open_fields = dataclasses.replace(chapter, title=(Text("The Disintegration of the Open-Fields"),))
    html = render_html(dataclasses.replace(edition, chapters=(open_fields,)))
    heading = html.split('data-running-head="The Disintegration of the Open-Fields">')[1].split("</h1>")[0]
    assert heading == 'The Disintegration of the <span class="compound">Open-Fields</span>'
    assert "Open-Fields" in _heading_lines(heading, tmp_path)[-1]
    # without the rule the column breaks the compound at its hyphen
    assert not any(
        "Open-Fields" in line for line in _heading_lines(heading, tmp_path, ".compound { white-space: normal }")
    )
