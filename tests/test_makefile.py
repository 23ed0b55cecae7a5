"""``make``: builds once, does nothing when nothing changed, and builds again
when an input changed or an output of the last build is missing.

The project's Makefile runs in a scratch project (one seed, one edition)
with this test environment's virtualenv; its setup stamps are taken as up to
date (``-o``), so only the build rule is exercised.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from paths import ROOT

VENV = Path(sys.prefix)
FILM = ROOT / "seeds" / "000_daf78f6bae771185.txt"


def make(project: Path) -> str:
    command = [
        "make",
        "-f",
        str(ROOT / "Makefile"),
        "-C",
        str(project),
        f"VENV={VENV}",
        "-o",
        f"{VENV}/.install.stamp",
        "-o",
        f"{VENV}/.system-packages.stamp",
        "-o",
        "setup",
        "build",
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_make_builds_again_when_an_output_is_missing(tmp_path):
    (tmp_path / "seeds").mkdir()
    shutil.copy(FILM, tmp_path / "seeds" / FILM.name)
    (tmp_path / "editions.toml").write_text(
        f'[[edition]]\nname = "film"\nsources = ["seeds/{FILM.name}"]\n', encoding="utf-8"
    )
    first = make(tmp_path)
    assert "wrote output/film.epub" in first
    outputs = (tmp_path / "output/.build.stamp").read_text(encoding="utf-8").split()
    assert outputs == [
        "output/film.epub",
        "output/film.pdf",
        "output/film.report.txt",
        "output/site/index.html",  # the site's door and its two feeds
        "output/site/opds/catalog.xml",
        "output/site/opds/catalog.json",
    ]

    assert "building" not in make(tmp_path)  # nothing changed: nothing runs
    epub = (tmp_path / "output/film.epub").read_bytes()
    (tmp_path / "output/film.epub").unlink()
    again = make(tmp_path)
    assert "building" in again and "wrote output/film.epub" in again
    assert (tmp_path / "output/film.epub").read_bytes() == epub
    assert "building" not in make(tmp_path)

    (tmp_path / "seeds" / FILM.name).write_bytes(FILM.read_bytes() + b"\nOne more line.\n")
    assert "building" in make(tmp_path)  # an input changed
