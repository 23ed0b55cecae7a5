"""The pandoc reader: the real manuscripts of the corpus (Markdown with a
.bib, pandoc's citation test, a DOCX with a footnote and an endnote), then
one small invented manuscript per rule. Every test runs the bundled pandoc.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from editionbuilder.diagnostics import Diagnostics, InputError
from editionbuilder.model import (
    BlockQuote,
    Chapter,
    Citation,
    Code,
    Edition,
    Heading,
    Inline,
    ListBlock,
    Metadata,
    NoteRef,
    Paragraph,
    Preformatted,
    SectionBreak,
    Table,
    Text,
    serialize,
)
from editionbuilder.model.text import model_words
from editionbuilder.model.walk import iter_blocks, iter_inlines
from editionbuilder.options import EditionOptions, ReaderOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.readers import ReadContext, reader_for
from editionbuilder.readers.pandoc import ReadSettings, read_manuscript, read_pandoc
from editionbuilder.readers.pandoc.cites import split_written
from editionbuilder.report.accounting import account
from paths import corpus_file

PAPER = corpus_file("05-md-inara-joss-example-paper/paper.md").parent
CITATIONS = corpus_file("06-md-pandoc-markdown-citations/markdown-citations.txt").parent
NOTES = corpus_file("07-docx-pandoc-notes/notes.docx").parent


def read(path: Path, fmt: str = "", bibliography: tuple[str, ...] = ()) -> tuple[Edition, Diagnostics]:
    diags = Diagnostics()
    ctx = ReadContext(path, path.name, "s1", ReaderOptions(), diags)
    settings = ReadSettings(fmt or {".docx": "docx", ".html": "html"}.get(path.suffix, "markdown"), bibliography)
    return read_manuscript(ctx, settings), diags


def write(tmp_path: Path, text: str, name: str = "ms.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def codes(diags: Diagnostics, code: str) -> list[int]:
    """The lines of the diagnostics with ``code``."""
    return [d.pos.line for d in diags.items if d.code == code]


def all_blocks(ed: Edition):
    for c in ed.chapters:
        yield from iter_blocks(c.blocks)


def all_inlines(ed: Edition):
    for c in ed.chapters:
        yield from iter_inlines(c.blocks)
    for n in ed.notes:
        yield from iter_inlines(n.blocks)


def cite_items(ed: Edition):
    return [i for n in all_inlines(ed) if isinstance(n, Citation) for i in n.items]


def headings(ed: Edition) -> list[Heading]:
    return [b for b in all_blocks(ed) if isinstance(b, Heading)]


def text_of(inlines: tuple[Inline, ...]) -> str:
    return "".join(getattr(i, "text", "") for i in inlines)


def unaccounted(ed: Edition, path: Path) -> tuple[int, ...]:
    return account(ed, {path.name: path.read_text(encoding="utf-8")})[0].unaccounted


# --------------------------------------------------------------------------
# 05: the Open Journals example paper
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper() -> tuple[Edition, Diagnostics]:
    return read(PAPER / "paper.md")


def test_paper_metadata(paper):
    ed, _ = paper
    meta = ed.metadata
    assert meta.title == "Article Writing with Markdown and the Open Journals publishing pipeline"
    assert meta.authors == ("Albert Krewinkel", "Juanjo Bazán", "Arfon M. Smith")
    assert meta.date == "2022-06-29"
    # Both YAML blocks, the second at the very end, are the metadata's lines.
    assert [(p.line, p.end_line) for p in meta.origins] == [(1, 35), (472, 475)]


def test_paper_chapters_and_25_headings(paper):
    ed, _ = paper
    titles = [text_of(c.title) for c in ed.chapters]
    assert titles == [
        "Summary",
        "Statement of Need",
        "Markdown primer",
        "Article metadata",
        "Internal references",
        "Behind the scenes",
    ]
    levels = [h.level for h in headings(ed)]
    assert len(titles) + len(levels) == 25
    assert (levels.count(2), levels.count(3), levels.count(4), levels.count(5)) == (6, 11, 1, 1)
    # the headings inside the fenced block stay code
    assert not any(text_of(h.inlines) in ("Section", "Subsection") for h in headings(ed))


def test_paper_two_footnotes_one_in_the_block_quote(paper):
    ed, _ = paper
    assert [(n.pos.line, n.pos.end_line) for n in ed.notes] == [(200, 201), (208, 208)]
    assert text_of(ed.notes[1].blocks[0].inlines) == "An open license that allows reuse."
    quote = next(b for b in all_blocks(ed) if isinstance(b, BlockQuote))
    assert [n.note_id for n in iter_inlines(quote.blocks) if isinstance(n, NoteRef)] == [ed.notes[1].id]
    # the code block decoy keeps its note syntax as text
    code = next(b for b in all_blocks(ed) if isinstance(b, Preformatted) and "[^1]:" in b.text)
    assert code.pos.line == 188 and code.pos.end_line == 193


def test_paper_seven_citations_of_five_keys_all_kept_entries(paper):
    ed, diags = paper
    items = cite_items(ed)
    assert len(items) == 7
    assert sorted({i.key for i in items}) == [
        "s1-ref-krewinkel2017",
        "s1-ref-pdfa3",
        "s1-ref-smith2018",
        "s1-ref-upper1974",
        "s1-ref-yaml_website",
    ]
    assert [i.text for i in items].count("@upper1974") == 3
    # all 8 entries of the .bib are kept, the 3 never cited included
    assert len(ed.references) == 8
    assert {"s1-ref-bradford1976", "s1-ref-chatops", "s1-ref-quarto"} <= {r.id for r in ed.references}
    assert not codes(diags, "citation-unresolved")
    # the decoy in inline code stays code
    assert Code("[@upper1974]") in list(all_inlines(ed))


def test_paper_degradations_are_reported_with_lines(paper):
    ed, diags = paper
    assert codes(diags, "image-missing") == [137, 143, 404]
    assert codes(diags, "table-simplified") == []  # both tables are the model's, nothing simplified
    assert len(codes(diags, "math-as-text")) == 8
    assert 467 in codes(diags, "raw-dropped")
    tables = [b for b in all_blocks(ed) if isinstance(b, Table)]
    assert [(t.pos.line, t.pos.end_line, len(t.rows), t.head) for t in tables] == [(85, 103, 8, 1), (423, 430, 4, 1)]
    assert codes(diags, "style-dropped")[0] == 92  # the strikeout in the first table's cell
    comments = [r for r in ed.removed if "HTML comment" in r.reason]
    assert any("立花 瀧" in r.text for r in comments)


def test_paper_every_line_accounted_for(paper):
    ed, _ = paper
    assert unaccounted(ed, PAPER / "paper.md") == ()
    assert [r.pos.line for r in ed.removed if "link reference" in r.reason] == [54, 402]


# --------------------------------------------------------------------------
# 06: pandoc's citation test manuscript
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def citations() -> tuple[Edition, Diagnostics]:
    return read(CITATIONS / "markdown-citations.txt", "markdown", ("biblio.bib",))


def test_citations_counts_and_keys(citations):
    ed, _ = citations
    items = cite_items(ed)
    assert len(items) == 21
    keys = [i.key for i in items]
    assert keys.count("s1-ref-item1") == 11
    assert keys.count("s1-ref-пункт3") == 5
    assert keys.count("s1-ref-item2") == 3
    assert keys.count("") == 2
    assert len(ed.references) == 3 and len(ed.notes) == 3


def test_citations_missing_key_warned_with_its_line(citations):
    _, diags = citations
    assert codes(diags, "citation-unresolved") == [4, 6]


def test_citations_keep_the_written_text(citations):
    ed, _ = citations
    written = [
        n.prefix + n.separator.join(i.text for i in n.items) + n.suffix
        for n in all_inlines(ed)
        if isinstance(n, Citation)
    ]
    assert "@item1 [-@item2 p. 30; see also @пункт3]" in written
    assert "[see @item1 chap. 3; also @пункт3 p. 34-35]" in written
    assert "[-@item2 p. 44]" in written
    group = next(n for n in all_inlines(ed) if isinstance(n, Citation) and len(n.items) == 3 and n.prefix == "[")
    assert [i.text for i in group.items] == ["see @item1 chap. 3", "@пункт3", "@item2"]
    assert group.items[0].locator.replace("\xa0", " ") == "chap. 3"
    assert group.items[0].names == ("Doe",) and group.items[0].year == "2005"


def test_citations_title_and_empty_references_heading(citations):
    ed, _ = citations
    assert ed.metadata.title == "Pandoc with citeproc-hs"
    assert [text_of(c.title) for c in ed.chapters] == ["Pandoc with citeproc-hs"]
    assert [(r.pos.line, r.pos.end_line) for r in ed.removed] == [(32, 33)]
    assert unaccounted(ed, CITATIONS / "markdown-citations.txt") == ()


# --------------------------------------------------------------------------
# 07: DOCX with a footnote and an endnote
# --------------------------------------------------------------------------


def test_docx_footnote_and_endnote_kept_distinct():
    ed, diags = read(NOTES / "notes.docx")
    assert [(n.kind, text_of(n.blocks[0].inlines)) for n in ed.notes] == [
        ("footnote", "My note."),
        ("endnote", "This is an endnote at the end of the document."),
    ]
    assert len({n.id for n in ed.notes}) == 2
    para = next(b for b in all_blocks(ed) if isinstance(b, Paragraph))
    refs = [i.note_id for i in para.inlines if isinstance(i, NoteRef)]
    assert refs == [n.id for n in ed.notes]
    assert text_of(para.inlines) == "Test footnote. Test endnote."
    assert [h.level for h in headings(ed)] == [2]
    assert ed.metadata.authors == ("Jesse Rosenthal",)
    assert ed.metadata.title == "A footnote" and codes(diags, "title-from-heading") == [0]
    assert ed.references == () and ed.glossary == ()


# --------------------------------------------------------------------------
# The three through the pipeline (typography, terms, CSL formatting)
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The corpus manuscripts in one project; pandoc's ``.txt`` test file
    as ``.md``, its bibliography beside it under the same name."""
    root = tmp_path_factory.mktemp("project")
    for name in ("paper.md", "paper.bib"):
        shutil.copy(PAPER / name, root / name)
    shutil.copy(CITATIONS / "markdown-citations.txt", root / "citations.md")
    shutil.copy(CITATIONS / "biblio.bib", root / "citations.bib")
    shutil.copy(NOTES / "notes.docx", root / "notes.docx")
    return root


@pytest.mark.parametrize("source", ["paper.md", "citations.md", "notes.docx"])
def test_builds_through_the_pipeline_and_round_trips(project, source):
    diags = Diagnostics()
    ed = read_edition(EditionOptions(name="t", sources=(source,)), project, diags)
    assert serialize.loads(serialize.dumps(ed)) == ed
    assert all(r.formatted for r in ed.references)
    assert ed.chapters and all(c.title for c in ed.chapters)


def test_registry_chooses_the_pandoc_reader():
    for suffix in (".md", ".markdown", ".docx", ".html", ".htm", ".odt", ".epub"):
        assert reader_for(Path("x" + suffix)) is read_pandoc


# --------------------------------------------------------------------------
# Rules, on small invented manuscripts
# --------------------------------------------------------------------------


def test_metadata_forms(tmp_path):
    text = """---
title: The Salt Roads
subtitle: Trade and Memory
author:
  - Ines Okafor
  - name: Tomas Veld
date: 1999
lang: fr
abstract: |
  A study of *salt*.

  In two parts.
---

Body text.
"""
    ed, _ = read(write(tmp_path, text))
    m = ed.metadata
    assert (m.title, m.subtitle, m.authors, m.date, m.language) == (
        "The Salt Roads",
        "Trade and Memory",
        ("Ines Okafor", "Tomas Veld"),
        "1999",
        "fr",
    )
    assert m.description == "A study of salt. In two parts."
    # no level-1 heading: one chapter titled by the title
    assert [text_of(c.title) for c in ed.chapters] == ["The Salt Roads"]


def test_blocks_before_the_first_chapter_heading(tmp_path):
    ed, _ = read(write(tmp_path, "---\ntitle: T\n---\n\nA preface.\n\n# One\n\nText.\n\n## Part\n\nMore.\n"))
    assert [(text_of(c.title), c.pos.line) for c in ed.chapters] == [("T", 0), ("One", 7)]
    assert [type(b).__name__ for b in ed.chapters[1].blocks] == ["Paragraph", "Heading", "Paragraph"]
    assert ed.chapters[1].blocks[1].id == "s1-part"


def test_definition_list_becomes_the_glossary(tmp_path):
    text = "# Words\n\nSome text.\n\nTithe\n:   A tenth part, paid to the church.\n\nCorvée\n:   Unpaid labour.\n\n    Owed to a lord.\n"
    ed, _ = read(write(tmp_path, text))
    assert [(g.id, g.term, g.pos.line, g.pos.end_line) for g in ed.glossary] == [
        ("s1-g-tithe", "Tithe", 5, 6),
        ("s1-g-corvée", "Corvée", 8, 11),
    ]
    assert len(ed.glossary[1].blocks) == 2
    assert [type(b).__name__ for b in ed.chapters[0].blocks] == ["Paragraph"]


def test_rule_list_and_code(tmp_path):
    text = "Para one.\n\n* * *\n\n3. third\n4. fourth\n\n```python\nprint('x')\n```\n"
    ed, _ = read(write(tmp_path, text))
    rule, lst, code = ed.chapters[0].blocks[1:]
    assert isinstance(rule, SectionBreak) and rule.pos.line == 3
    assert isinstance(lst, ListBlock) and lst.ordered and lst.start == 3 and (lst.pos.line, lst.pos.end_line) == (5, 6)
    assert (
        isinstance(code, Preformatted) and code.text == "print('x')" and (code.pos.line, code.pos.end_line) == (8, 10)
    )


def test_math_raw_and_image_degrade_with_warnings(tmp_path):
    (tmp_path / "here.png").write_bytes(b"\x89PNG")
    text = "Intro.\n\nThe sum $a+b$ holds.\n\n<!-- an aside -->\n\n![A map](here.png)\n\n![Gone](gone.png)\n"
    ed, diags = read(write(tmp_path, text))
    assert codes(diags, "math-as-text") == [3]
    assert Code("a+b") in list(all_inlines(ed))
    assert codes(diags, "raw-dropped") == [5]
    assert codes(diags, "image-dropped") == [7] and codes(diags, "image-missing") == [9]
    assert "A map" in [text_of(b.inlines) for b in all_blocks(ed) if isinstance(b, Paragraph)]


def test_inline_note_and_note_definition_positions(tmp_path):
    text = "First^[An inline note.] and second.[^a]\n\nMore.\n\n[^a]: The defined note,\n    over two lines.\n"
    ed, _ = read(write(tmp_path, text))
    assert [(n.pos.line, n.pos.end_line) for n in ed.notes] == [(1, 1), (5, 6)]
    assert unaccounted(ed, tmp_path / "ms.md") == ()


def test_csl_json_and_yaml_bibliographies_and_a_missing_one(tmp_path):
    item = {
        "id": "roe02",
        "type": "book",
        "title": "Fen <i>and</i> Marsh",
        "author": [{"family": "Roe", "given": "Ann"}],
        "issued": {"date-parts": [[2002]]},
    }
    (tmp_path / "refs.json").write_text(json.dumps([item]), encoding="utf-8")
    (tmp_path / "more.yaml").write_text(
        "- id: kay88\n  type: book\n  title: Dykes\n  issued:\n    date-parts: [[1988]]\n", encoding="utf-8"
    )
    text = "---\nbibliography: [refs.json, more.yaml, none.bib]\n---\n\nSee [@roe02, p. 4; @kay88] and @nobody.\n"
    ed, diags = read(write(tmp_path, text))
    assert [(r.id, r.title, r.issued.year) for r in ed.references] == [
        ("s1-ref-roe02", "Fen and Marsh", 2002),
        ("s1-ref-kay88", "Dykes", 1988),
    ]
    cite = next(n for n in all_inlines(ed) if isinstance(n, Citation) and len(n.items) == 2)
    # pandoc joins a locator's label and number with a no-break space
    assert [(i.text, i.key, i.locator) for i in cite.items] == [
        ("@roe02, p. 4", "s1-ref-roe02", "p.\xa04"),
        ("@kay88", "s1-ref-kay88", ""),
    ]
    assert codes(diags, "citation-unresolved") == [5]
    assert [d.pos.file for d in diags.items if d.code == "bibliography-missing"] == ["none.bib"]


def test_references_in_the_manuscript_metadata(tmp_path):
    text = "---\nreferences:\n- id: lee70\n  type: book\n  title: Weirs\n---\n\nAs @lee70 shows.\n"
    ed, _ = read(write(tmp_path, text))
    assert [r.id for r in ed.references] == ["s1-ref-lee70"]
    assert cite_items(ed)[0].key == "s1-ref-lee70"


def test_html_manuscript_lines(tmp_path):
    text = "<html><body>\n<h1>Mills</h1>\n<p>The first\nparagraph.</p>\n<h2>Wheels</h2>\n<p>Second <em>one</em>.</p>\n</body></html>\n"
    ed, _ = read(write(tmp_path, text, "ms.html"))
    blocks = ed.chapters[0].blocks
    assert [(type(b).__name__, b.pos.line, b.pos.end_line) for b in blocks] == [
        ("Paragraph", 3, 4),
        ("Heading", 5, 5),
        ("Paragraph", 6, 6),
    ]
    assert ed.chapters[0].pos.line == 2


def test_locator_skips_a_decoy_in_code(tmp_path):
    text = "```\nThe tide comes in twice a day.\n```\n\nThe tide comes in twice a day.\n"
    ed, _ = read(write(tmp_path, text))
    assert [b.pos.line for b in ed.chapters[0].blocks] == [1, 5]


@pytest.mark.parametrize(
    ("written", "keys", "expected"),
    [
        ("[@a]", ["a"], ("[", ("@a",), "", "]")),
        ("@a [p. 3]", ["a"], ("", ("@a [p. 3]",), "", "")),
        ("[see @a; @b, 4]", ["a", "b"], ("[", ("see @a", "@b, 4"), "; ", "]")),
        ("@a [-@b; @c]", ["a", "b", "c"], ("", ("@a [", "-@b; ", "@c]"), "", "")),
        ("[@{a.b}]", ["a.b"], ("[", ("@{a.b}",), "", "]")),
    ],
)
def test_split_written_citations(written, keys, expected):
    pieces = split_written(written, keys)
    assert (pieces.prefix, pieces.items, pieces.separator, pieces.suffix) == expected
    assert pieces.prefix + pieces.separator.join(pieces.items) + pieces.suffix == written


def test_unknown_format_is_an_input_error(tmp_path):
    with pytest.raises(InputError):
        read(write(tmp_path, "x"), "rst")


def test_chapter_model_has_no_empty_titles(paper):
    ed, _ = paper
    assert all(isinstance(c, Chapter) and c.title and isinstance(c.title[0], Text) for c in ed.chapters)


def test_note_text_below_its_label(tmp_path):
    text = "A claim.[^b]\n\n[^b]:\n    The note's text.\n"
    ed, _ = read(write(tmp_path, text))
    assert [(n.pos.line, n.pos.end_line) for n in ed.notes] == [(3, 4)]


ODT_EPUB_SOURCE = """\
---
title: Tide Tables
author: Mira Holt
date: 2024-05-01
lang: en-GB
---

# Spring tides

The moon pulls hardest twice a month.[^a]

> A quoted line about the sea.

[^a]: Near the new and the full moon.
"""


@pytest.mark.parametrize("fmt", ["odt", "epub", "html"])
def test_odt_epub_and_html_manuscripts(tmp_path, fmt):
    """Manuscripts in ODT, EPUB and HTML (made here by pandoc from a small
    Markdown text) read into the model with their title, note and quote."""
    from editionbuilder.pandoc_tool import PandocJob, run

    job = PandocJob("markdown", fmt, "en", "making a test manuscript", args=("--standalone",))
    path = tmp_path / f"tide.{fmt}"
    path.write_bytes(run(job, ODT_EPUB_SOURCE.encode("utf-8")).stdout)
    diags = Diagnostics()
    options = EditionOptions(name="t", sources=(path.name,))
    ed = read_edition(options, tmp_path, diags)
    # pandoc's ODT reader does not read back the title its writer set as a
    # styled paragraph: the reader's documented fallback takes the first heading
    assert ed.metadata.title == ("Spring tides" if fmt == "odt" else "Tide Tables")
    words = " ".join(model_words(ed))
    assert "The moon pulls hardest twice a month" in words
    assert [
        " ".join(
            model_words(
                replace(ed, chapters=(), glossary=(), references=(), comments=(), metadata=Metadata(), notes=(n,))
            )
        )
        for n in ed.notes
    ] == ["Near the new and the full moon"]
    assert any(isinstance(b, BlockQuote) for c in ed.chapters for b in c.blocks)


def test_bibliography_named_in_the_config(tmp_path):
    """A manuscript that names no bibliography takes the config's files."""
    from editionbuilder.config import load_config

    (tmp_path / "m.md").write_text("---\ntitle: T\n---\n\nAs shown [@k, p. 3].\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@book{k, author={Doe, Jane}, title={A Book}, year={2001}}\n", encoding="utf-8")
    (tmp_path / "e.toml").write_text('[[edition]]\nname = "e"\nsources = ["m.md"]\nbibliography = ["refs.bib"]\n')
    options = load_config(tmp_path / "e.toml").editions[0]
    diags = Diagnostics()
    ed = read_edition(options, tmp_path, diags)
    assert [r.title for r in ed.references] == ["A book"]  # pandoc's biblatex reader: sentence case
    cites = [n for c in ed.chapters for n in iter_inlines(c.blocks) if isinstance(n, Citation)]
    assert [i.key for c in cites for i in c.items] == [ed.references[0].id]
    assert not [d for d in diags.items if d.code == "citation-unresolved"]


def test_separators_in_a_docx_become_spaces_and_are_reported(tmp_path):
    """A DOCX holding U+2029 and U+2028 (no lines to point at): the model's
    text has spaces instead, and one warning names each."""
    from editionbuilder.pandoc_tool import PandocJob, run

    job = PandocJob("markdown", "docx", "en", "making a test manuscript")
    path = tmp_path / "seps.docx"
    path.write_bytes(run(job, "One\u2029two, and a line\u2028here.\n".encode()).stdout)
    ed, diags = read(path)
    words = " ".join(model_words(ed))  # (after the title, which is the file's name)
    assert words.endswith(" One two and a line here") and "\u2029" not in words
    assert [d.message for d in diags.items if d.code == "text-normalised"] == [
        "U+2029 PARAGRAPH SEPARATOR replaced by a space",
        "U+2028 LINE SEPARATOR replaced by a space",
    ]


def test_nesting_past_the_limit_keeps_every_word_in_order():
    """Quotations, lists, divisions and emphasis 40 deep: cut down to 12
    levels, no level recursed into past that, every word kept in order."""
    from editionbuilder.readers.pandoc.nesting import MAX_NESTING, flatten_nesting

    def para(word: str) -> dict:
        return {"t": "Para", "c": [{"t": "Str", "c": word}]}

    def emph(n: int, word: str) -> dict:
        return {"t": "Str", "c": word} if n == 0 else {"t": "Emph", "c": [emph(n - 1, word)]}

    node: dict = {"t": "Para", "c": [emph(40, "innermost")]}
    for n in range(40):
        kind = ("BlockQuote", "Div", "BulletList", "OrderedList")[n % 4]
        inner = [para(f"w{n}"), node]
        node = {
            "BlockQuote": {"t": "BlockQuote", "c": inner},
            "Div": {"t": "Div", "c": [["", [], []], inner]},
            "BulletList": {"t": "BulletList", "c": [inner]},
            "OrderedList": {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], [inner]]},
        }[kind]
    ast = {"blocks": [node]}

    def strings(value) -> list[str]:
        return (
            [value["c"]]
            if isinstance(value, dict) and value.get("t") == "Str"
            else [
                s
                for v in (value.values() if isinstance(value, dict) else value if isinstance(value, list) else [])
                for s in strings(v)
            ]
        )

    def depth(value, level=0) -> int:
        if isinstance(value, list):
            return max((depth(v, level) for v in value), default=level)
        if isinstance(value, dict):
            inner = level + (value.get("t") in ("BlockQuote", "Div", "BulletList", "OrderedList", "Emph"))
            return max((depth(v, inner) for v in value.values()), default=inner)
        return level

    before = strings(ast)
    done = flatten_nesting(ast)
    assert strings(ast) == before and before[-1] == "innermost"
    assert done.containers > 0 and depth(ast) <= MAX_NESTING + 1
