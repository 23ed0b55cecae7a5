"""The exporter: the edition model through pandoc's JSON AST to Markdown,
DOCX and HTML, and the Markdown read back by the pandoc reader.

The round trip (issue 6) compares a normalised projection of the model,
``project``. It keeps every word and the structure the issue names: the
metadata an editor sees, chapters with their placement and blocks (text,
block quotes with attributions, section breaks, headings, lists), the notes
in the order of their calls, the citations (prefix, items' text and keys,
separator, suffix; names, year and locator), the glossary, the references'
CSL-JSON fields with their source line and written date, the printed
entries, and the comments. It ignores, on purpose:

* ids and source positions: the reader makes its own (``s1-n1``,
  ``s1-ref-KEY``), and lines of the Markdown are not lines of the source.
  Citation keys are compared after undoing the reader's namespace
  (``s1-ref-`` + the exported id);
* note markers and kinds: a Markdown footnote is ``[^n]``, renumbered by
  pandoc, and has no kind;
* runs of white space: Markdown cannot hold two spaces in a row;
* the separator of a citation of one item: it is written only between
  items;
* ``removed`` and the metadata's ``sources``, ``origins``, ``identifier``:
  they describe the file read, which is now the Markdown.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

from editionbuilder.config import load_config, one_off_edition
from editionbuilder.diagnostics import ConfigError, Diagnostics, RenderError, Severity
from editionbuilder.model import (
    Block,
    BlockQuote,
    Citation,
    Code,
    Edition,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Preformatted,
    SectionBreak,
    Strong,
    Table,
    TermRef,
    Text,
)
from editionbuilder.model.text import bare_text as plain_text
from editionbuilder.model.walk import iter_inlines
from editionbuilder.options import ReaderOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.readers import ReadContext
from editionbuilder.readers.pandoc import ReadSettings, read_manuscript
from editionbuilder.report.accounting import account
from editionbuilder.transforms.csl import to_csl_json
from editionbuilder.writers.export.writer import (
    EXPORT_FORMATS,
    ExportResult,
    export,
    export_path,
)
from paths import ROOT, corpus_file

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
STEMS = [p.stem for p in SEEDS]
# The essay: citations, block quotes with attributions, glossary, bibliography.
ESSAY = "001_72f3cb4c218735c2"
PAPER = corpus_file("05-md-inara-joss-example-paper/paper.md")


def read_text_source(path: Path) -> tuple[Edition, Diagnostics]:
    diags = Diagnostics()
    return read_edition(one_off_edition([path]), Path("."), diags), diags


def read_back(path: Path) -> tuple[Edition, Diagnostics]:
    """An exported file through the registered reader and every pass."""
    diags = Diagnostics()
    return read_edition(one_off_edition([path]), Path("/"), diags), diags


class Trip(NamedTuple):
    """A seed read, exported as Markdown and read back, with what each step said."""

    ed: Edition
    diags: Diagnostics
    out: Path
    result: ExportResult
    back: Edition
    back_diags: Diagnostics


@pytest.fixture(scope="module")
def trips(tmp_path_factory) -> dict[str, Trip]:
    out_dir = tmp_path_factory.mktemp("md")
    found = {}
    for seed in SEEDS:
        ed, diags = read_text_source(seed)
        out = out_dir / f"{seed.stem}.md"
        result = export(ed, out, "markdown")
        found[seed.stem] = Trip(ed, diags, out, result, *read_back(out))
    return found


@pytest.fixture(scope="module")
def anthology() -> Edition:
    config = load_config(ROOT / "editions.toml")
    options = next(e for e in config.editions if e.name == "anthology")
    return read_edition(options, config.project_dir, Diagnostics())


# --------------------------------------------------------------------------
# The projection compared by the round trip (module docstring)
# --------------------------------------------------------------------------


def flat(inlines: tuple[Inline, ...], key) -> str:
    """Inlines as text with their structure marked; white space collapsed."""
    return " ".join("".join(_flat(i, key) for i in inlines).split())


def _flat(node: Inline, key) -> str:
    if isinstance(node, Text):
        return node.text
    if isinstance(node, (Emphasis, Strong)):
        mark = "_" if isinstance(node, Emphasis) else "**"
        return mark + flat(node.children, key) + mark
    if isinstance(node, TermRef):
        return "[[" + flat(node.children, key) + "]]"
    if isinstance(node, Link):
        # An internal link's fragment gets the reader's namespace ("s1-") once
        # more when the exported manuscript is read back, like every id.
        url = "#" + node.url[4:] if node.url.startswith("#s1-s1-") else node.url
        return f"[{flat(node.children, key)}]({url})"
    if isinstance(node, Code):
        return f"`{node.text}`"
    if isinstance(node, LineBreak):
        return " / "
    if isinstance(node, NoteRef):
        return "⟨note⟩"
    return "{" + citation_text(node, key) + "}"


def citation_text(c: Citation, key) -> str:
    sep = c.separator if len(c.items) > 1 else "|"
    items = sep.join(f"{i.text}→{key(i.key)}" for i in c.items)
    return c.prefix + items + c.suffix


def block(b: Block, key) -> tuple:
    if isinstance(b, Paragraph):
        return ("p", flat(b.inlines, key))
    if isinstance(b, Heading):
        return ("h", b.level, flat(b.inlines, key))
    if isinstance(b, BlockQuote):
        return ("quote", blocks(b.blocks, key), flat(b.attribution, key))
    if isinstance(b, SectionBreak):
        return ("break",)
    if isinstance(b, ListBlock):
        return ("list", b.ordered, b.start, tuple(blocks(item, key) for item in b.items))
    if isinstance(b, Table):
        return ("table", b.head, flat(b.caption, key), tuple(tuple(flat(c, key) for c in row) for row in b.rows))
    assert isinstance(b, Preformatted)
    return ("pre", b.text)


def blocks(bs: tuple[Block, ...], key) -> tuple:
    return tuple(block(b, key) for b in bs)


def reading_order(ed: Edition):
    """Every block group in one fixed order: chapters, glossary, comments."""
    yield from (c.blocks for c in ed.chapters)
    yield from (g.blocks for g in ed.glossary)
    yield from (c.blocks for c in ed.comments)


def notes_in_call_order(ed: Edition, key) -> list[tuple]:
    by_id = {n.id: n for n in ed.notes}
    calls = [i.note_id for bs in reading_order(ed) for i in iter_inlines(bs) if isinstance(i, NoteRef)]
    return [blocks(by_id[n].blocks, key) for n in calls]


def citations(ed: Edition, key) -> list[tuple]:
    found = [i for bs in reading_order(ed) for i in iter_inlines(bs) if isinstance(i, Citation)]
    return [
        (c.prefix, tuple((i.text, key(i.key), i.names, i.year, i.locator) for i in c.items), c.suffix) for c in found
    ]


def reference(r, key) -> dict:
    csl = {k: v for k, v in to_csl_json(r).items() if k != "id"}
    return {"csl": csl, "raw": r.raw, "issued": r.issued, "printed": plain_text(r.formatted)}


def project(ed: Edition, key=lambda k: k) -> dict:
    md = ed.metadata
    return {
        "metadata": (md.title, md.subtitle, md.authors, md.language, md.date, md.description, md.credits),
        "chapters": [(flat(c.title, key), c.matter, c.role, blocks(c.blocks, key)) for c in ed.chapters],
        "notes": notes_in_call_order(ed, key),
        "note_count": len(ed.notes),
        "citations": citations(ed, key),
        "glossary": [(g.term, blocks(g.blocks, key)) for g in ed.glossary],
        "references": {key(r.id): reference(r, key) for r in ed.references},
        "comments": [(c.number, c.author, blocks(c.blocks, key)) for c in ed.comments],
    }


def unprefixed(key: str) -> str:
    """A read-back reference id without the reader's namespace."""
    return key.removeprefix("s1-ref-")


# --------------------------------------------------------------------------
# Markdown: the round trip on both seeds
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stem", STEMS)
def test_round_trip_gives_the_same_model(trips, stem):
    trip = trips[stem]
    want, got = project(trip.ed), project(trip.back, unprefixed)
    for part in want:
        assert got[part] == want[part], part


@pytest.mark.parametrize("stem", STEMS)
def test_round_trip_holds_what_the_seeds_have(trips, stem):
    """The projection is not vacuous: each seed has what the issue names."""
    p = project(trips[stem].back, unprefixed)
    assert p["comments"] and p["chapters"]
    assert p["notes"] or (len(p["citations"]) >= 20 and len(p["glossary"]) == 3 and len(p["references"]) == 33)
    assert all(key for c in p["citations"] for (_, key, *_rest) in c[1])


@pytest.mark.parametrize("stem", STEMS)
def test_round_trip_accounts_for_every_line_and_adds_no_warning(trips, stem):
    trip = trips[stem]
    assert account(trip.back, {str(trip.out): trip.out.read_text(encoding="utf-8")})[0].unaccounted == ()
    before = {d.code for d in trip.diags.items}
    after = {d.code for d in trip.back_diags.items if d.severity is Severity.WARNING}
    assert after <= before


@pytest.mark.parametrize("stem", STEMS)
def test_markdown_is_a_clean_manuscript(trips, stem):
    ed, out = trips[stem].ed, trips[stem].out
    text = out.read_text(encoding="utf-8")
    yaml = text.split("\n---\n", 1)[0]
    assert yaml.startswith("---\n") and f"title: {ed.metadata.title}" in yaml
    assert "\nauthor:\n- " in yaml and "lang: en" in yaml
    assert "# Readers’ Responses {.comments}" in text and "## Response 1 {.comment}" in text
    assert "<" not in text  # no raw HTML anywhere
    assert bool(re.search(r"^\[\^1\]: ", text, re.MULTILINE)) == bool(ed.notes)


def test_essay_markdown_conventions(trips):
    ed, _, out, result, _, _ = trips[ESSAY]
    text = out.read_text(encoding="utf-8")
    bib = out.with_suffix(".json")
    assert result.outputs == (out, bib)
    assert f"bibliography: {bib.name}" in text and 'nocite: "[@*]"' in text
    assert '[([Majid, p.1]{.cite key="s1-ref17"})]{.citation}' in text
    assert "> ::: attribution\n> [(" in text
    assert re.search(r"^\* \* \*$", text, re.MULTILINE)
    assert "# Glossary {.glossary}\n\nproductive forces\n\n:   " in text
    assert '{matter="back" chapter-role="about"}' in text
    items = json.loads(bib.read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [r.id for r in ed.references]
    suffixed = next(i for i in items if i.get("year-suffix"))
    assert suffixed["custom"]["raw"]


def test_film_note_inside_a_comment_stays_a_note(trips):
    film = next(t for s, t in trips.items() if s != ESSAY)
    assert len(film.back.notes) == 1
    calls = [i for i in iter_inlines(film.back.comments[0].blocks) if isinstance(i, NoteRef)]
    assert [c.note_id for c in calls] == [film.back.notes[0].id]
    assert film.out.with_suffix(".json").exists() is False


# --------------------------------------------------------------------------
# DOCX and HTML
# --------------------------------------------------------------------------


def editions(anthology) -> list[tuple[str, Edition]]:
    return [(p.stem, read_text_source(p)[0]) for p in SEEDS] + [("anthology", anthology)]


def note_texts(ed: Edition) -> list[str]:
    return [" ".join(flat(b.inlines, str).split()) for n in ed.notes for b in n.blocks if isinstance(b, Paragraph)]


def words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text))


def test_docx_reads_back_with_notes_and_bibliography(anthology, tmp_path):
    for name, ed in editions(anthology):
        out = tmp_path / f"{name}.docx"
        export(ed, out, "docx", epoch=0)
        assert zipfile.ZipFile(out).testzip() is None
        diags = Diagnostics()
        ctx = ReadContext(out, out.name, "s1", ReaderOptions(), diags)
        back = read_manuscript(ctx, ReadSettings("docx"))
        assert note_texts(back) == note_texts(ed), name
        body = words(
            " ".join(flat(b.inlines, str) for c in back.chapters for b in c.blocks if isinstance(b, Paragraph))
        )
        for ref in ed.references:
            assert words(plain_text(ref.formatted)) in body, ref.id


def test_docx_is_reproducible_with_an_epoch(tmp_path):
    ed, _ = read_text_source(SEEDS[0])
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    export(ed, a, "docx", epoch=1_700_000_000)
    export(ed, b, "docx", epoch=1_700_000_000)
    assert a.read_bytes() == b.read_bytes()


def test_html_keeps_the_conventions(anthology, tmp_path):
    """HTML keeps classes and attributes: notes, glossary, comments and the
    citations' words come back; keys do not resolve (no file beside it)."""
    for name, ed in editions(anthology):
        out = tmp_path / f"{name}.html"
        export(ed, out, "html")
        assert "<!DOCTYPE html>" in out.read_text(encoding="utf-8")
        back, _ = read_back(out)

        def no_keys(k):
            return ""

        want, got = project(ed, no_keys), project(back, no_keys)
        for part in ("notes", "glossary", "comments"):
            assert got[part] == want[part], (name, part)
        assert [c[1] for c in got["citations"]] == [tuple((i[0], "", *i[2:]) for i in c[1]) for c in want["citations"]]
        printed = [c for c in back.chapters if c.role == "bibliography"]
        assert len(printed) == (1 if ed.references else 0)


def test_anthology_markdown_round_trip(anthology, tmp_path):
    """Two sources in one book: one comments section, both glossaries' and
    bibliographies' entries, each source's comments in order."""
    out = tmp_path / "anthology.md"
    export(anthology, out, "markdown")
    back, _ = read_back(out)
    want, got = project(anthology), project(back, unprefixed)
    for part in ("chapters", "notes", "citations", "glossary", "references", "comments"):
        assert got[part] == want[part], part


# --------------------------------------------------------------------------
# A corpus manuscript, and the API's edges
# --------------------------------------------------------------------------


def test_corpus_paper_exports_and_reads_back(tmp_path):
    """The JOSS paper (footnotes, pandoc citations, a .bib, two tables,
    images dropped) read, exported and read back."""
    ed, _ = read_back(PAPER)
    out = tmp_path / "paper.md"
    export(ed, out, "markdown")
    back, _ = read_back(out)
    want, got = project(ed), project(back, unprefixed)
    for part in want:
        assert got[part] == want[part], part
    assert account(back, {str(out): out.read_text(encoding="utf-8")})[0].unaccounted == ()
    for to in ("docx", "html"):
        assert export(ed, tmp_path / f"paper.{to}", to).outputs[0].stat().st_size > 0


def test_a_failed_export_leaves_the_previous_files(tmp_path, monkeypatch):
    ed, _ = read_text_source(SEEDS[1])
    out = tmp_path / "essay.md"
    export(ed, out, "markdown")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def fail(job, data):
        raise RenderError(f"{job.purpose}: pandoc failed")

    monkeypatch.setattr("editionbuilder.writers.export.writer.run", fail)
    with pytest.raises(RenderError, match=r"exporting essay\.md"):
        export(ed, out, "markdown")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_unknown_format_is_a_config_error(tmp_path):
    ed, _ = read_text_source(SEEDS[0])
    with pytest.raises(ConfigError, match="known: docx, html, markdown"):
        export(ed, tmp_path / "x.odt", "odt")
    assert not list(tmp_path.iterdir())


def test_export_paths():
    assert {f: export_path(Path("output"), "essay", f).name for f in EXPORT_FORMATS} == {
        "markdown": "essay.md",
        "docx": "essay.docx",
        "html": "essay.html",
    }


# --------------------------------------------------------------------------
# The reader's side of the conventions, on small manuscripts
# --------------------------------------------------------------------------


def read_md(tmp_path: Path, text: str) -> tuple[Edition, Diagnostics]:
    path = tmp_path / "ms.md"
    path.write_text(text, encoding="utf-8")
    diags = Diagnostics()
    return read_manuscript(ReadContext(path, path.name, "s1", ReaderOptions(), diags), ReadSettings("markdown")), diags


def test_reader_citation_spans(tmp_path):
    ed, diags = read_md(
        tmp_path, "# A\n\nSee [(see [X, 1990]{.cite}; [Y, p.3]{.cite}; [Z]{.cite})]{.citation} and [W 2001]{.cite}.\n"
    )
    found = [i for i in iter_inlines(ed.chapters[0].blocks) if isinstance(i, Citation)]
    assert [(c.prefix, [i.text for i in c.items], c.separator, c.suffix) for c in found] == [
        ("(see ", ["X, 1990", "Y, p.3", "Z"], "; ", ")"),
        ("", ["W 2001"], "; ", ""),
    ]
    assert found[0].items[0].year == "1990" and found[0].items[1].locator == "p.3"
    assert [d.code for d in diags.items].count("citation-unresolved") == 4


def test_reader_sections_and_placement(tmp_path):
    text = (
        '# Intro {matter="front" chapter-role="preface"}\n\nHi.\n\n# Odd {matter="side"}\n\nText.\n\n'
        "# Glossary {.glossary}\n\nterm\n:   its definition\n\nA stray paragraph.\n\n"
        '# Comments {.comments}\n\n## Response 4 {.comment author="Ann"}\n\nFirst.\n\n## Reply {.comment}\n\nSecond.\n'
    )
    ed, diags = read_md(tmp_path, text)
    assert [(plain_text(c.title), c.matter, c.role) for c in ed.chapters] == [
        ("Intro", "front", "preface"),
        ("Odd", "body", "chapter"),
        ("Glossary", "body", "chapter"),
    ]
    assert [g.term for g in ed.glossary] == ["term"]
    assert [(c.number, c.author) for c in ed.comments] == [(4, "Ann"), (2, "")]
    codes = {d.code for d in diags.items}
    assert {"chapter-matter-unknown", "section-text-kept"} <= codes
    assert [r.text for r in ed.removed] == ["Glossary", "Comments"]


def test_character_references_written_in_the_text_survive_the_markdown_round_trip(tmp_path):
    """A text that says "&amp;", "&lt;" and "&#60;" (an HTML lesson, say)
    reads back as written: Markdown would take them for the characters."""
    src = tmp_path / "lesson.txt"
    src.write_text("A Lesson\n\nby Some One\n\nWrite &amp; for &, &lt; or &#60; for <, and Tom & Jerry.\n")
    ed, _ = read_back(src)
    out = tmp_path / "out" / "lesson.md"
    export(ed, out, "markdown")
    assert "\\&amp;" in out.read_text(encoding="utf-8")
    back, _ = read_back(out)

    def text(edition):
        return [" ".join(i.text for i in iter_inlines(c.blocks) if hasattr(i, "text")) for c in edition.chapters]

    assert text(back) == text(ed)
    assert "&amp; for &, &lt; or &#60; for <, and Tom & Jerry." in text(back)[0]


def test_a_docx_creator_with_markup_characters_is_printed_as_typed(tmp_path):
    """dc:creator "&lt;b&gt;Ada&lt;/b&gt;" in the DOCX's core.xml is the text
    "<b>Ada</b>": the author is that text, not its escaped XML."""
    from editionbuilder.pandoc_tool import PandocJob, run

    job = PandocJob("markdown", "docx", "en", "making a test manuscript", args=("--standalone",))
    docx = run(job, b"---\ntitle: A Manuscript\n---\n\nText.\n").stdout  # no author: the creator is the one
    path = tmp_path / "ms.docx"
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dc:creator>[^<]*</dc:creator>", b"", data)
                data = data.replace(b"</dc:title>", b"</dc:title><dc:creator>&lt;b&gt;Ada&lt;/b&gt;</dc:creator>", 1)
                assert b"<dc:creator>&lt;b&gt;Ada" in data
            dst.writestr(info, data)
    ed, _ = read_back(path)
    assert ed.metadata.authors == ("<b>Ada</b>",)
