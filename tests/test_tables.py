"""Plain text's aligned columns, and a pandoc manuscript's tables
(Markdown, HTML, DOCX), become a ``Table`` of the model, set as a <table>
in the EPUB and the PDF, and a note called from its caption or a cell is
paired, numbered and linked like any other (issue 16, item 3)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from editionbuilder.cli import main
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import Emphasis, NoteRef, Preformatted, Table, Text
from editionbuilder.model.walk import iter_blocks, iter_inlines, walk_inlines
from editionbuilder.options import EditionOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.readers.plaintext.paragraphs import split_paragraphs
from editionbuilder.readers.plaintext.tables import read_table
from paths import BRADLEY, ROOT, bench_typography, corpus_file
from readerkit import read_text

X = "{http://www.w3.org/1999/xhtml}"

TEXT = """\
Yields of the Manors

The yield of the soil in single seasons is shown in the table below,
from the rolls of the manors.[1]

  TABLE I

    YIELD OF WHEAT ON THE MANORS[2]

                  _Area sown_         _Produce_          _Ratio produce_
    _Date_          _Acres_       _Bushels per acre_        _to seed_

    1208-1209        6838               4-1/3                 2-1/3
    1299-1300        3353               9[3]                  4
    1396-1397        2366-1/2           6                     3

The figures reveal an error which makes the test of little use.

[1] The rolls are at the county record office.

[2] Gras, appendix A.

[3] The acreage planted is obviously understated.
"""


def plain(inlines) -> str:
    return "".join(n.text if isinstance(n, Text) else "/" for n in walk_inlines(inlines) if not isinstance(n, Emphasis))


def tables(edition) -> list[Table]:
    return [b for c in edition.chapters for b in iter_blocks(c.blocks) if isinstance(b, Table)]


def test_aligned_columns_read_as_caption_heads_and_rows():
    paras = [p for p in split_paragraphs(TEXT) if p.min_indent >= 2]
    table = read_table(paras, 2)
    assert table is not None
    assert table.caption == ("TABLE I", "YIELD OF WHEAT ON THE MANORS[2]")
    assert table.head == 2
    assert table.rows == (
        ("", "_Area sown_", "_Produce_", "_Ratio produce_"),
        ("_Date_", "_Acres_", "_Bushels per acre_", "_to seed_"),
        ("1208-1209", "6838", "4-1/3", "2-1/3"),
        ("1299-1300", "3353", "9[3]", "4"),
        ("1396-1397", "2366-1/2", "6", "3"),
    )


@pytest.mark.parametrize(
    "lines",
    [
        ["+-------+-------+", "| a     | b     |", "+-------+-------+"],  # a drawn box
        ["Name        Value"],  # one row
        ["one     two", "three", "four"],  # a single row fills two columns
        ["a  b c d e", "ab c  d ef"],  # no boundary blank on every row
    ],
)
def test_what_is_no_table_stays_preformatted(lines):
    paras = split_paragraphs("\n".join("    " + line for line in lines) + "\n")
    assert read_table(paras, 4) is None


def test_notes_called_from_a_table_are_paired_numbered_and_linked(tmp_path):
    ed, diags = read_text(tmp_path, TEXT)
    [table] = tables(ed)
    assert plain(table.caption) == "TABLE I/YIELD OF WHEAT ON THE MANORS/"
    assert (table.head, len(table.rows)) == (2, 5)
    calls = [n for n in iter_inlines((table,)) if isinstance(n, NoteRef)]
    notes = {n.id: n for n in ed.notes}
    assert [notes[c.note_id].label for c in calls] == ["2", "3"]  # after the paragraph's 1
    assert not [d for d in diags.items if d.code.startswith("note-")]
    assert not [b for c in ed.chapters for b in c.blocks if isinstance(b, Preformatted)]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tables")
    (folder / "yields.txt").write_text(TEXT, encoding="utf-8")
    assert (
        main(["build", str(folder / "yields.txt"), "--out", str(folder / "out"), "--format", "epub", "--format", "pdf"])
        == 0
    )
    return folder / "out"


def test_epub_sets_a_table_whose_calls_link_to_their_notes(built):
    with zipfile.ZipFile(built / "yields.epub") as z:
        docs = {n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    [table] = [t for d in docs.values() for t in d.iter(X + "table")]
    assert "".join(table.find(X + "caption").itertext()).startswith("TABLE IYIELD OF WHEAT")
    assert [len(tr.findall(X + "th")) for tr in table.find(X + "thead")] == [3, 4]  # no empty head cell
    assert len(table.find(X + "tbody")) == 3
    links = [a for a in table.iter(X + "a") if a.get("role") == "doc-noteref"]
    assert [a.text for a in links] == ["2", "3"]
    for a in links:
        file, _, anchor = a.get("href").partition("#")
        note = docs[file].find(f".//*[@id='{anchor}']")
        assert note is not None and "".join(note.find(f"{X}span[@class='note-label']").itertext()) == a.text


def test_pdf_sets_the_table_and_its_notes_at_the_foot_of_the_page(built):
    typography = bench_typography()
    book = typography.read_book(built / "yields.pdf")
    found = typography.notes(book)
    assert found["calls"] == 3 and found["notes"] == 3 and found["off_page"] == []
    words = " ".join(line.text for page in book.pages for line in page.lines)
    assert "1299–1300" in words and "Bushels per acre" in words and "9[3]" not in words


def test_bradleys_tables_call_their_notes():
    corpus_file(BRADLEY)
    diags = Diagnostics()
    edition = read_edition(EditionOptions("t", (f"tests/corpus/{BRADLEY}",)), ROOT, diags)
    found = tables(edition)
    assert len(found) >= 5
    called = {n.note_id for t in found for n in iter_inlines((t,)) if isinstance(n, NoteRef)}
    markers = sorted((n.marker for n in edition.notes if n.id in called), key=int)
    assert markers == ["53", "54", "55", "56", "126", "127"]
    unreferenced = [d.message for d in diags.items if d.code == "note-unreferenced"]
    assert not [m for m in unreferenced if any(f"note {k} " in m for k in markers)]


def test_a_caption_is_never_left_at_the_foot_of_a_page():
    """base.css's table rules in WeasyPrint: however much text comes
    before the table, its caption and first row share a page."""
    from weasyprint import CSS, HTML

    from editionbuilder.templating import STYLE_DIR

    rows = "".join(f"<tr><td>row{i}</td><td>x</td></tr>" for i in range(5))
    page = CSS(string="@page { size: 300pt 300pt; margin: 20pt } p { margin: 0; line-height: 14pt }")
    pages_of = []
    for fill in range(120, 260, 4):  # the table pushed down 4 pt at a time
        body = f'<div style="height: {fill}pt"></div>'
        caption = "<caption>TABLE IV<br/>A TITLE<br/>CAPTIONEND</caption>"
        html = f"<html><body>{body}<table>{caption}<tbody>{rows}</tbody></table></body></html>"
        doc = HTML(string=html).render(stylesheets=[CSS(filename=str(STYLE_DIR / "base.css")), page])
        texts = ["".join(_texts(p._page_box)) for p in doc.pages]
        pages_of.append(
            (
                [n for n, t in enumerate(texts) if "TABLE IV" in t],
                [n for n, t in enumerate(texts) if "CAPTIONEND" in t],
                [n for n, t in enumerate(texts) if "row0" in t],
            )
        )
    assert all(top == cap == row for top, cap, row in pages_of), pages_of
    assert any(cap == [1] for _, cap, _ in pages_of)  # some text did push the table over


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", None) or ():
        yield from _texts(child)


# --------------------------------------------------------------------------
# Tables of a pandoc manuscript (Markdown, HTML, DOCX)
# --------------------------------------------------------------------------

MANUSCRIPT = """\
# Harvests

The yields are below.

| Manor    | Acres | Bushels |
|----------|------:|--------:|
| Witney   | 6838  | 4[^w]   |
| Downton  | 3353  | *9*     |

: Yield of wheat on two manors

[^w]: The roll for that year is damaged.

+-----------+---------------------------+
| Crop      | Remarks                   |
+===========+===========================+
| Barley    | Sown late.                |
|           |                           |
|           | Reaped in September.      |
+-----------+---------------------------+
| Oats      | - on the upland           |
|           | - on the marsh            |
+-----------+---------------------------+

The figures end here.
"""


def _pandoc_manuscript(tmp_path: Path, text: str, name: str):
    from editionbuilder.options import ReaderOptions
    from editionbuilder.readers import ReadContext
    from editionbuilder.readers.pandoc import ReadSettings, read_manuscript

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics()
    ctx = ReadContext(path, path.name, "s1", ReaderOptions(), diags)
    fmt = {".md": "markdown", ".html": "html"}[path.suffix]
    return read_manuscript(ctx, ReadSettings(fmt)), diags


def _cells(table: Table) -> list[list[str]]:
    return [[plain(c) for c in row] for row in table.rows]


def test_a_markdown_manuscripts_tables_are_tables(tmp_path):
    from editionbuilder.report.accounting import account

    ed, diags = _pandoc_manuscript(tmp_path, MANUSCRIPT, "ms.md")
    pipe, grid = tables(ed)
    assert plain(pipe.caption) == "Yield of wheat on two manors"
    assert pipe.head == 1
    assert _cells(pipe) == [["Manor", "Acres", "Bushels"], ["Witney", "6838", "4/"], ["Downton", "3353", "9"]]
    [call] = [n for n in iter_inlines((pipe,)) if isinstance(n, NoteRef)]
    [note] = [n for n in ed.notes if n.id == call.note_id]
    assert "damaged" in plain(note.blocks[0].inlines)  # type: ignore[union-attr]
    assert (pipe.pos.line, pipe.pos.end_line) == (5, 10)  # the table and its caption
    # the grid table: two paragraphs joined by a line break, a list as its items
    assert grid.head == 1 and grid.caption == ()
    assert _cells(grid) == [
        ["Crop", "Remarks"],
        ["Barley", "Sown late./Reaped in September."],
        ["Oats", "\u2022 on the upland/\u2022 on the marsh"],
    ]
    simplified = [d for d in diags.items if d.code == "table-simplified"]
    assert [(d.pos.line, d.pos.end_line) for d in simplified] == [(14, 23), (14, 23)]
    assert "several paragraphs or lines" in simplified[0].message and "list" in simplified[1].message
    assert not [b for c in ed.chapters for b in iter_blocks(c.blocks) if isinstance(b, Preformatted)]
    assert account(ed, {"ms.md": MANUSCRIPT})[0].unaccounted == ()


def test_spanning_cells_and_a_foot_of_an_html_table(tmp_path):
    html = (
        "<html><body><h1>Rents</h1><table><caption>Rents <em>due</em></caption>"
        "<thead><tr><th>Manor</th><th colspan='2'>Rent</th></tr></thead>"
        "<tbody><tr><td rowspan='2'>Witney</td><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></tbody>"
        "<tfoot><tr><td>Total</td><td>4</td><td>6</td></tr></tfoot></table></body></html>"
    )
    ed, diags = _pandoc_manuscript(tmp_path, html, "ms.html")
    [table] = tables(ed)
    assert plain(table.caption) == "Rents due" and table.head == 1
    assert _cells(table) == [
        ["Manor", "Rent", ""],
        ["Witney", "1", "2"],
        ["", "3", "4"],
        ["Total", "4", "6"],  # the foot, last
    ]
    [span] = [d.message for d in diags.items if d.code == "table-simplified"]
    assert "spanning several columns or rows" in span


def test_a_docx_manuscripts_table_is_a_table(tmp_path):
    from editionbuilder.pandoc_tool import PandocJob, run

    job = PandocJob("markdown", "docx", "en", "making a test manuscript")
    path = tmp_path / "ms.docx"
    path.write_bytes(run(job, MANUSCRIPT.encode()).stdout)
    diags = Diagnostics()
    from editionbuilder.options import ReaderOptions
    from editionbuilder.readers import ReadContext
    from editionbuilder.readers.pandoc import ReadSettings, read_manuscript

    ed = read_manuscript(ReadContext(path, path.name, "s1", ReaderOptions(), diags), ReadSettings("docx"))
    pipe, grid = tables(ed)
    assert plain(pipe.caption) == "Yield of wheat on two manors"
    assert _cells(pipe)[1:] == [["Witney", "6838", "4/"], ["Downton", "3353", "9"]]
    assert pipe.head == 1 and _cells(pipe)[0] == ["Manor", "Acres", "Bushels"]
    [call] = [n for n in iter_inlines((pipe,)) if isinstance(n, NoteRef)]
    assert call.note_id in {n.id for n in ed.notes}
    assert _cells(grid)[1] == ["Barley", "Sown late./Reaped in September."]


def test_a_note_called_from_a_manuscripts_table_cell_is_linked_in_the_epub(tmp_path):
    (tmp_path / "ms.md").write_text(MANUSCRIPT, encoding="utf-8")
    assert main(["build", str(tmp_path / "ms.md"), "--out", str(tmp_path / "out"), "--format", "epub"]) == 0
    with zipfile.ZipFile(tmp_path / "out" / "ms.epub") as z:
        docs = {n.rsplit("/", 1)[-1]: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
    found = [t for d in docs.values() for t in d.iter(X + "table")]
    assert len(found) == 2
    assert "".join(found[0].find(X + "caption").itertext()) == "Yield of wheat on two manors"
    [link] = [a for a in found[0].iter(X + "a") if a.get("role") == "doc-noteref"]
    file, _, anchor = link.get("href").partition("#")
    note = docs[file].find(f".//*[@id='{anchor}']")
    assert note is not None and "damaged" in "".join(note.itertext())


# --------------------------------------------------------------------------
# The print PDF: a caption never breaks from its table
# --------------------------------------------------------------------------

_FILL = "The soil of the manors was tilled in common fields, and the yield of each strip was entered on the rolls. "


def _pushed(extra: int) -> str:
    """Seven paragraphs, ``extra`` words more, then a table whose caption's
    last line calls a long note (the shape of a Gutenberg text's tables)."""
    filler = "\n\n".join(_FILL * 4 for _ in range(7))
    return f"""\
Yields of the Manors

{filler} {" ".join(["more"] * extra)} LASTWORD.

  TABLE IV

    ACREAGE PLANTED WITH GRAINS ON THE MANORS OF THE BISHOPRIC, FROM THE
                     ROLLS OF THE DEMESNE[1]

                  _Area sown_         _Produce_
    _Date_          _Acres_       _Bushels per acre_

    1208-1209        6838               4-1/3
    1299-1300        3353               9
    1396-1397        2366-1/2           6

The figures reveal an error which makes the test of little use.

[1] The rolls are at the county record office, and the acreage of the later years is understated in them, as \
the reeves entered only the sown demesne and not the land let to the tenants at rent.
"""


def test_a_caption_whose_last_line_calls_a_note_is_not_split_over_a_page(tmp_path):
    """Real PDF builds with the table pushed down a few words at a time:
    without ``caption { break-inside: avoid }`` the caption's first lines
    stayed at the foot of the page while its last line, with the note's
    call, went overleaf with the table (at 124 and 148 words here)."""
    typography = bench_typography()
    found = []
    for extra in (100, 124, 148):
        folder = tmp_path / str(extra)
        folder.mkdir()
        (folder / "yields.txt").write_text(_pushed(extra), encoding="utf-8")
        assert main(["build", str(folder / "yields.txt"), "--out", str(folder / "out"), "--format", "pdf"]) == 0
        book = typography.read_book(folder / "out" / "yields.pdf")
        page_of = {}
        for n, page in enumerate(book.pages):
            for line in page.lines:
                for key in ("LASTWORD", "ACREAGE", "DEMESNE", "1208"):
                    if key in line.text and key not in page_of:
                        page_of[key] = n
        found.append(page_of)
    assert all(p["ACREAGE"] == p["DEMESNE"] == p["1208"] for p in found), found
    # the table was at a page's foot: some caption went overleaf, after the text before it
    assert any(p["ACREAGE"] == p["LASTWORD"] + 1 for p in found), found
