"""Builds shared by the test modules: a press PDF takes seconds to typeset,
so every module that reads the shipped outputs reads one build.

``full_build`` is what ``make`` builds, every edition of editions.toml with
all its outputs, plus a print edition of a Gutenberg text from the corpus
(a project of its own in a scratch folder, as a publisher would set it up).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from editionbuilder.cli import main
from paths import ENGELS as ENGELS_FILE
from paths import ROOT, corpus_file

ENGELS = corpus_file(ENGELS_FILE)
SHIPPED = ("essay", "film", "anthology")
CORPUS_EDITION = "39257-8"
BOOKS = (*SHIPPED, CORPUS_EDITION)

# ``make test`` runs the tests in a process per core (pytest-xdist,
# ``--dist loadfile``: a module's tests in one process, so that its own
# shared builds are made once); the shipped build is made once for all of
# them (``made_once``). The modules with a test marked ``slow`` (minutes
# on their own) are handed out first, so that the others run beside them
# rather than after them.


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = {item.nodeid.split("::")[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in slow)  # stable: the order within stays


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


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` filled by ``make`` once for the whole run: with
    the tests in a process per core (``make test``: pytest-xdist), the first
    process to ask makes it under a lock in the run's shared temporary
    folder and the others wait for it and read it."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    shared = tmp_path_factory.getbasetemp().parent  # pytest-N/, the parent of each process's popen-gwK/
    folder, done = shared / name, shared / f"{name}.done"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a process that failed left
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def full_build(tmp_path_factory) -> Path:
    def make(folder: Path) -> None:
        assert main(["build", "--config", str(ROOT / "editions.toml"), "--out", str(folder / "out")]) == 0
        assert main(["build", "--config", str(corpus_project(folder / "corpus")), "--out", str(folder / "out")]) == 0

    return made_once(tmp_path_factory, "build-a", make) / "out"


@pytest.fixture(scope="session")
def corpus_config(full_build) -> Path:
    """The config of ``full_build``'s corpus project (the Engels text in print)."""
    return full_build.parent / "corpus" / "editions.toml"


@pytest.fixture(scope="session")
def builds(full_build, tmp_path_factory) -> tuple[Path, Path]:
    """Every edition built twice, into two folders."""
    second = made_once(tmp_path_factory, "build-b", lambda folder: build_all(folder / "out", folder / "corpus"))
    return full_build, second / "out"


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
