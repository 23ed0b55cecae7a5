"""The command line's contract with a publisher: warnings silenced per code
in the config, one line and a documented exit code per error class, a
traceback only with ``--debug``, and built files in the config's output
folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from editionbuilder import pipeline
from editionbuilder.cli import main
from editionbuilder.diagnostics import ValidationError
from editionbuilder.writers.print import writer as pdf
from editionbuilder.writers.print.fonts import TEXT_FAMILY, FontFace
from editionbuilder.writers.print.writer import PdfWriter
from paths import ROOT

FILM = ROOT / "seeds/000_daf78f6bae771185.txt"  # its one warning: quote-repaired


def film_project(folder: Path, extra: str = "") -> Path:
    """A project of the film page alone, EPUB only in the tests below."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FILM, folder / FILM.name)
    config = folder / "editions.toml"
    config.write_text(f'{extra}[[edition]]\nname = "film"\nsources = ["{FILM.name}"]\n', encoding="utf-8")
    return config


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("editionbuilder: "), err
    return err[0]


def test_a_silenced_code_is_not_shown_reported_or_counted_by_strict(tmp_path, capsys):
    loud = film_project(tmp_path / "loud")
    assert main(["build", "--config", str(loud), "--format", "epub", "--strict"]) == 6
    assert "[quote-repaired]" in capsys.readouterr().err
    assert "[quote-repaired]" in (tmp_path / "loud/output/film.report.txt").read_text(encoding="utf-8")
    quiet = film_project(tmp_path / "quiet")
    quiet.write_text(quiet.read_text(encoding="utf-8") + 'silence = ["quote-repaired"]\n', encoding="utf-8")
    assert main(["build", "--config", str(quiet), "--format", "epub", "--strict"]) == 0
    assert "[quote-repaired]" not in capsys.readouterr().err
    assert "[quote-repaired]" not in (tmp_path / "quiet/output/film.report.txt").read_text(encoding="utf-8")


def test_built_files_go_to_the_configs_output_folder(tmp_path, capsys):
    config = film_project(tmp_path / "p", 'output = "built/books"\n')
    assert main(["build", "--config", str(config), "--format", "epub"]) == 0
    built = sorted(p.name for p in (tmp_path / "p/built/books").iterdir() if not p.name.startswith("."))
    assert built == ["film.epub", "film.report.txt", "site"]  # the site: the config's editions
    assert not (tmp_path / "p/output").exists()


def test_an_output_folder_leaving_the_project_is_one_line_naming_file_and_key(tmp_path, capsys):
    config = film_project(tmp_path / "p", 'output = "../elsewhere"\n')
    assert main(["build", "--config", str(config)]) == 2
    line = one_line_error(capsys)
    assert (
        line == f"editionbuilder: error: {config}: output: ../elsewhere leaves the project directory: "
        "built files stay inside it"
    )
    assert not (tmp_path / "elsewhere").exists()


def test_a_missing_font_file_is_a_render_error_exit_4(tmp_path, capsys, monkeypatch):
    missing = FontFace(TEXT_FAMILY, str(tmp_path / "NoSuchFace-Regular.otf"))
    monkeypatch.setattr(pdf, "write_pdf", PdfWriter(fonts=(missing,)))
    assert main(["build", "--config", str(film_project(tmp_path / "p")), "--format", "pdf"]) == 4
    line = one_line_error(capsys)
    assert "font file not found" in line and "NoSuchFace-Regular.otf" in line
    assert not (tmp_path / "p/output/film.pdf").exists()


def test_an_inconsistent_model_is_exit_5_and_a_bug_exit_70(tmp_path, capsys, monkeypatch):
    config = str(film_project(tmp_path / "p"))

    def refuse(*_args):
        raise ValidationError("note n9 is called but has no text")

    monkeypatch.setattr(pipeline, "run_passes", refuse)
    assert main(["build", "--config", config]) == 5
    assert "note n9 is called but has no text" in one_line_error(capsys)

    def crash(*_args):
        raise KeyError("chapter")

    monkeypatch.setattr(pipeline, "run_passes", crash)
    assert main(["build", "--config", config]) == 70
    line = one_line_error(capsys)
    assert line.startswith("editionbuilder: internal error: KeyError") and "--debug" in line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run(
        [sys.executable, "-m", "editionbuilder", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_a_traceback_only_with_debug(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"\n \n")
    plain = run_cli("build", "empty.txt", cwd=tmp_path)
    assert plain.returncode == 3 and "Traceback" not in plain.stderr
    [line] = plain.stderr.strip().splitlines()
    assert line.startswith("editionbuilder: error: ") and line.endswith("empty.txt: empty source")
    for args in (("--debug", "build", "empty.txt"), ("build", "empty.txt", "--debug")):
        debug = run_cli(*args, cwd=tmp_path)
        assert debug.returncode != 0 and "Traceback (most recent call last)" in debug.stderr
        assert "InputError" in debug.stderr


@pytest.mark.parametrize(
    "args",
    [["build", "--config", "nope.toml"], ["preflight", "--config", "nope.toml"], ["check", "--config", "nope.toml"]],
)
def test_a_missing_config_is_one_line_exit_2(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert "nope.toml" in one_line_error(capsys)


# --------------------------------------------------------------------------
# pandoc's options on one-off editions, and --version
# --------------------------------------------------------------------------

# Pandoc Markdown in a .txt file, as pandoc's own test files are: the
# suffix picks the plain-text reader, ``-f markdown`` pandoc's.
MANUSCRIPT = """\
---
title: A Small Paper
---

# First part

Some *emphasised* words.[^1]

## A section

More text, citing [@doe2001, p. 3].

[^1]: A note.
"""

# Named so that the reader does not take it as the manuscript's own
# bibliography (a .bib beside it with its name).
BIB = "@book{doe2001, author = {Doe, Jane}, title = {A Book of Things}, publisher = {Example Press}, year = {2001}}\n"

# Titles in bold, nothing else: visibly not Chicago author-date.
BOLD_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Bold titles</title><id>http://example.org/bold</id><updated>2026-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text variable="title" font-weight="bold"/></layout></bibliography>
</style>
"""


@pytest.fixture
def manuscript(tmp_path, monkeypatch) -> Path:
    """``paper.txt``, ``refs.bib`` and ``bold.csl`` in the working folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "bold.csl").write_text(BOLD_CSL, encoding="utf-8")
    path = tmp_path / "paper.txt"
    path.write_text(MANUSCRIPT, encoding="utf-8")
    return path


def inspect_model(capsys, *args: str) -> dict:
    assert main(["inspect", "paper.txt", *args]) == 0
    return json.loads(capsys.readouterr().out)


def kinds(model: dict) -> list[str]:
    """The types of every node of a serialised model, in document order."""
    found = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            found.append(node.get("t", ""))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(model)
    return found


def test_from_markdown_reads_a_markdown_file_named_txt(manuscript, capsys):
    plain = inspect_model(capsys)
    assert plain["metadata"]["title"] != "A Small Paper" and "notes" not in plain
    assert {"Heading", "Emphasis", "NoteRef"}.isdisjoint(kinds(plain))
    for option in (["-f", "markdown"], ["--from=markdown+smart"], ["--from", "commonmark_x"]):
        model = inspect_model(capsys, *option)
        assert model["metadata"]["title"] == "A Small Paper", option
        assert {"Heading", "Emphasis", "NoteRef"} <= set(kinds(model)), option
        assert [n["id"] for n in model["notes"]] == ["s1-n1"], option
    assert inspect_model(capsys, "-f", "plain") == plain


def test_bibliography_and_csl_options_resolve_and_format_citations(manuscript, capsys):
    assert main(["inspect", "paper.txt", "-f", "markdown", "--stats"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["citations_resolved"] == 0 and "[citation-unresolved]" in err
    model = inspect_model(capsys, "-f", "markdown", "--bibliography", "refs.bib", "--csl", "bold.csl")
    [reference] = model["references"]
    assert reference["id"] == "s1-ref-doe2001" and "Citation" in kinds(model)
    # (BibTeX titles are read in sentence case; Chicago would title-case it)
    assert reference["formatted"] == [{"t": "Strong", "children": [{"t": "Text", "text": "A book of things"}]}]
    assert "[citation-unresolved]" not in capsys.readouterr().err


def test_metadata_options_reach_the_model_and_the_epub(manuscript, capsys):
    metadata = ["-M", "title=Un titre", "-M", "author=A. Writer", "--metadata=author:B. Writer", "-M", "lang=fr"]
    model = inspect_model(capsys, "-f", "markdown", *metadata)["metadata"]
    assert (model["title"], model["authors"], model["language"]) == ("Un titre", ["A. Writer", "B. Writer"], "fr")
    assert main(["build", "paper.txt", "-f", "markdown", *metadata, "--format", "epub", "--out", "out"]) == 0
    with zipfile.ZipFile(manuscript.parent / "out/paper.epub") as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    assert "<dc:title>Un titre</dc:title>" in opf and "<dc:language>fr</dc:language>" in opf
    assert opf.index(">A. Writer</dc:creator>") < opf.index(">B. Writer</dc:creator>")


def test_export_reads_with_the_source_options(manuscript, capsys):
    args = ["export", "paper.txt", "-f", "markdown", "--bibliography", "refs.bib", "--to", "markdown", "--out", "out"]
    assert main(args) == 0
    text = (manuscript.parent / "out/paper.md").read_text(encoding="utf-8")
    assert "# First part" in text and "*emphasised*" in text and "[^1]: A note." in text
    assert json.loads((manuscript.parent / "out/paper.json").read_text(encoding="utf-8"))[0]["id"] == "s1-ref-doe2001"


def test_a_configs_from_reads_its_editions_sources(manuscript, capsys):
    config = manuscript.parent / "editions.toml"
    config.write_text('[[edition]]\nname = "paper"\nsources = ["paper.txt"]\nfrom = "markdown"\n', encoding="utf-8")
    assert main(["export", "paper", "--config", str(config), "--to", "markdown", "--out", "out"]) == 0
    text = (manuscript.parent / "out/paper.md").read_text(encoding="utf-8")
    assert "title: A Small Paper" in text and "# First part" in text and "[^1]: A note." in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["inspect", "paper.txt", "-f", "markdwn"], '--from: "markdwn" is not an input format (known: commonmark,'),
        (["build", "paper.txt", "-M", "titel=x"], '-M titel=x: unknown metadata key "titel" (did you mean "title"?)'),
        (["inspect", "paper.txt", "-M", "draft"], "-M draft: unknown metadata key"),
        (["inspect", "paper.txt", "-M", "title"], "-M title: give it a value (-M title=VALUE)"),
        (["export", "paper.txt", "--to", "html", "--bibliography", "no.bib"], "--bibliography: no such bibliography"),
        (["build", "paper.txt", "--csl", "no.csl"], "--csl: no such CSL style file no.csl"),
        (["build", "--config", "e.toml", "-f", "markdown"], "--from: only with source FILEs; for the editions of"),
        (["build", "-M", "title=x", "--csl", "bold.csl"], "--csl, --metadata: only with source FILEs"),
        (["export", "anthology", "--to", "html", "-M", "lang=fr"], "--metadata: only with source FILEs"),
    ],
)
def test_bad_source_options_are_one_line_exit_2(manuscript, capsys, args, message):
    assert main(args) == 2
    assert one_line_error(capsys).startswith(f"editionbuilder: error: {message}")


def test_version_is_the_installed_packages():
    done = run_cli("--version", cwd=ROOT)
    assert done.returncode == 0 and done.stdout == f"editionbuilder {version('editionbuilder')}\n"
    assert done.stderr == ""
