"""Builds shared by the test modules: a press PDF takes seconds to typeset,
so every module that reads the shipped outputs reads one build.

``full_build`` is what ``make`` builds, every edition of editions.toml with
all its outputs, plus a print edition of a Gutenberg text from the corpus
(a project of its own in a scratch folder, as a publisher would set it up).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from editionbuilder.cli import main
from paths import ENGELS as ENGELS_FILE
from paths import ROOT, corpus_file

ENGELS = corpus_file(ENGELS_FILE)
SHIPPED = ("essay", "film", "anthology")
CORPUS_EDITION = "39257-8"
BOOKS = (*SHIPPED, CORPUS_EDITION)

# The corpus project's config: the Engels text in print at 5.5 x 8.5 in.
CORPUS_CONFIG = f"""
[[edition]]
name = "{CORPUS_EDITION}"
sources = ["{ENGELS.name}"]

[edition.metadata]
date = "2026-11-25"
print_identifier = "urn:editionbuilder:test:engels-print"

[edition.print]
enabled = true
trim = "5.5x8.5"
"""


def corpus_project(folder: Path) -> Path:
    """A project holding the Engels text and a config marking it for print."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ENGELS, folder / ENGELS.name)
    config = folder / "editions.toml"
    config.write_text(CORPUS_CONFIG, encoding="utf-8")
    return config


def build_all(out: Path, scratch: Path) -> None:
    """Every shipped edition and the corpus print edition, all outputs, into ``out``."""
    assert main(["build", "--config", str(ROOT / "editions.toml"), "--out", str(out)]) == 0
    assert main(["build", "--config", str(corpus_project(scratch)), "--out", str(out)]) == 0


@pytest.fixture(scope="session")
def corpus_config(tmp_path_factory) -> Path:
    """The corpus project's config (the Engels text in print)."""
    return corpus_project(tmp_path_factory.mktemp("corpus-a"))


@pytest.fixture(scope="session")
def full_build(tmp_path_factory, corpus_config) -> Path:
    out = tmp_path_factory.mktemp("build-a")
    assert main(["build", "--config", str(ROOT / "editions.toml"), "--out", str(out)]) == 0
    assert main(["build", "--config", str(corpus_config), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="session")
def builds(full_build, tmp_path_factory) -> tuple[Path, Path]:
    """Every edition built twice, into two folders."""
    b = tmp_path_factory.mktemp("build-b")
    build_all(b, tmp_path_factory.mktemp("corpus-b"))
    return full_build, b


@pytest.fixture(scope="session")
def site_server(full_build, tmp_path_factory):
    """``editionbuilder serve`` of ``full_build``'s site on 127.0.0.1 and a
    free port (its address), stopped after the session."""
    from sitekit import serving

    with serving(["--out", str(full_build)], tmp_path_factory.mktemp("serve-log")) as server:
        yield server


@pytest.fixture(scope="session")
def shipped_epubs(full_build) -> dict[str, Path]:
    """The EPUB of every book of ``full_build``, by edition name."""
    return {name: full_build / f"{name}.epub" for name in BOOKS}


@pytest.fixture(scope="session")
def ace_reports(request, tmp_path_factory, shipped_epubs) -> dict:
    """DAISY Ace's report on every book of ``full_build`` (or the
    ``AceFailed`` of a book Ace could not check), two books at a time."""
    from concurrent.futures import ThreadPoolExecutor

    from epubkit import ACE, CHROMIUM_WRAPPER, AceFailed, announce, require_tools, run_ace

    require_tools(ACE, CHROMIUM_WRAPPER)
    work = tmp_path_factory.mktemp("ace")

    def check(name: str):
        try:
            return run_ace(shipped_epubs[name], work / name)
        except AceFailed as e:
            return e

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = dict(zip(BOOKS, pool.map(check, BOOKS), strict=False))
    announce(request, f"DAISY Ace reports (report.html, report.json): {work}/NAME/try1/report/")
    return reports
