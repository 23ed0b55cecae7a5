"""The command line's contract with a publisher: warnings silenced per code
in the config, one line and a documented exit code per error class, a
traceback only with ``--debug``, and built files in the config's output
folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editionbuilder import pipeline
from editionbuilder.cli import main
from editionbuilder.diagnostics import ValidationError
from editionbuilder.writers import pdf
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
    assert built == ["film.epub", "film.report.txt"]
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
    missing = pdf.FontFace(pdf.TEXT_FAMILY, str(tmp_path / "NoSuchFace-Regular.otf"))
    monkeypatch.setattr(pdf, "write_pdf", pdf.PdfWriter(fonts=(missing,)))
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
