"""``editionbuilder init DIR``: a new project that builds with ``make`` at once."""

from __future__ import annotations

import subprocess
import sys

from editionbuilder.cli import main


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"editionbuilder: error: {tmp_path} is not empty: init makes a new project in a new or empty folder"]
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_inited_project_builds_with_make(tmp_path):
    """``init`` then ``make``: the edition, its report without a warning,
    and the site."""
    project = tmp_path / "book"
    assert main(["init", str(project)]) == 0
    assert {"editions.toml", "Makefile", "README.md", "styles", "texts"} <= {p.name for p in project.iterdir()}
    assert (project / "styles/README.md").is_file()
    config = (project / "editions.toml").read_text(encoding="utf-8")
    assert "@IDENTIFIER@" not in config and 'identifier = "urn:uuid:' in config
    run = subprocess.run(
        ["make", f"EDITIONBUILDER={sys.executable} -m editionbuilder"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "warning" not in run.stderr, run.stderr
    out = project / "output"
    for name in ("lighthouse.epub", "lighthouse.pdf", "site/index.html", "site/lighthouse/ch001.html"):
        assert (out / name).is_file(), name
    report = (out / "lighthouse.report.txt").read_text(encoding="utf-8")
    for line in (
        "notes                1",
        "glossary_entries     1",
        "citations_resolved   2",
        "warnings             0",
    ):
        assert line in report, report
