"""A config's editions built together (cli.py, edition_pool.py,
scheduling.py): as many at once as the build's jobs, in worker processes
with a local pool, the files the same bytes as a build of one job; one
edition's failure stopping no other, the summary naming it and the exit
status its error's; SIGTERM stopping the workers' builds too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from editionbuilder import edition_pool, pipeline
from editionbuilder.cli import main
from editionbuilder.fsutil import EDITIONS
from editionbuilder.options import BuildOptions, EditionOptions
from paths import BRADLEY, ENGELS, ROOT, corpus_file
from stopkit import terminated

FILM = ROOT / "seeds/000_daf78f6bae771185.txt"


def catalog(folder: Path, bad: bytes | None = None) -> Path:
    """Three editions of the film page, EPUB only; the second's source is
    ``bad`` when given (an empty file: an input error when it is read)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FILM, folder / "film.txt")
    (folder / "broken.txt").write_bytes(bad if bad is not None else FILM.read_bytes())
    config = folder / "editions.toml"
    config.write_text(
        "".join(
            f'[[edition]]\nname = "{name}"\nsources = ["{source}"]\n\n'
            for name, source in (("one", "film.txt"), ("two", "broken.txt"), ("three", "film.txt"))
        ),
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failed_edition_stops_no_other_and_is_named(tmp_path, capsys, jobs):
    config = catalog(tmp_path / "p", bad=b"")
    out = tmp_path / "out"
    assert main(["build", "--config", str(config), "--format", "epub", "--jobs", jobs, "--out", str(out)]) == 3
    captured = capsys.readouterr()
    assert (out / "one.epub").is_file() and (out / "three.epub").is_file()
    assert not (out / "two.epub").exists()
    errors = [line for line in captured.err.splitlines() if line.startswith("editionbuilder:")]
    assert errors[0].startswith("editionbuilder: error: edition two: ") and "empty source" in errors[0]
    assert errors[-1] == "editionbuilder: 2 of 3 editions built; failed: two"
    assert f"wrote {out / 'three.epub'}" in captured.out
    assert (out / "site" / "index.html").is_file()  # the site of the editions built


def test_one_editions_failure_is_its_own_error_and_exit_status(tmp_path, capsys):
    """A build of one edition says its error as before: one line."""
    config = catalog(tmp_path / "p", bad=b"")
    assert main(["build", "--config", str(config), "--edition", "two", "--out", str(tmp_path / "out")]) == 3
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("editionbuilder: error: ") and "empty source" in line


class Overlap:
    """``pipeline.build_edition`` watched: how many editions were being built
    at once, at most; ``meet``: the first ``meet`` editions wait (up to 20 s)
    until they are all being built (a build of one at a time fails)."""

    def __init__(self, monkeypatch, meet: int = 0) -> None:
        self.lock, self.now, self.most = threading.Lock(), 0, 0
        self.barrier = threading.Barrier(meet, timeout=20) if meet else None
        self.first = meet
        real = pipeline.build_edition

        def watched(*args, **kwargs):
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
                self.first, meeting = self.first - 1, self.first > 0
            try:
                if self.barrier is not None and meeting:
                    self.barrier.wait()
                return real(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1

        monkeypatch.setattr(pipeline, "build_edition", watched)


def meeting_build(options: EditionOptions, build: BuildOptions) -> edition_pool.Built:
    """``edition_pool.build_in_worker``, in a worker process, once two
    editions are being built (each notes its process in OUT/../meet/NAME);
    alone for 20 s, it fails."""
    meet = Path(build.out_dir).parent / "meet"
    meet.mkdir(exist_ok=True)
    (meet / options.name).write_text(str(os.getpid()))
    deadline = time.monotonic() + 20
    while len(list(meet.iterdir())) < 2:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{options.name} was built alone")
        time.sleep(0.05)
    return edition_pool.build_in_worker(options, build)


def test_editions_are_built_at_once_within_the_jobs(tmp_path, monkeypatch, capsys):
    config = catalog(tmp_path / "p")
    monkeypatch.setattr(edition_pool, "EDITION_TASK", meeting_build)
    assert (
        main(["build", "--config", str(config), "--format", "epub", "--jobs", "2", "--out", str(tmp_path / "a")]) == 0
    )
    pids = {int(p.read_text()) for p in (tmp_path / "meet").iterdir()}
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes
    one = Overlap(monkeypatch)
    assert (
        main(["build", "--config", str(config), "--format", "epub", "--jobs", "1", "--out", str(tmp_path / "b")]) == 0
    )
    assert one.most == 1
    for name in ("one", "two", "three"):
        assert (tmp_path / "a" / f"{name}.epub").read_bytes() == (tmp_path / "b" / f"{name}.epub").read_bytes()


def published(out: Path) -> dict[str, bytes]:
    """Every file of ``out`` a reader sees (links followed), by its path;
    the staging folders and the cache left out."""
    found = {}
    for folder, dirs, files in os.walk(out, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            found[str((Path(folder) / name).relative_to(out))] = (Path(folder) / name).read_bytes()
    return found


# How long an edition takes in ``noting_build``, by its name: "a-long" is
# done long before "b-long", so that its worker alone is free to take the
# next; "b-short" outlasts "b-long", so that a worker handed "b-short"
# there would leave "a-short" to the other; the "slow" ones are still being
# built when the pool is stopped; "i-long" outlasts three quick ones.
NOTED_SECONDS = {"a-long": 0.1, "b-long": 1.0, "b-short": 1.5, "c-slow": 1.0, "d-slow": 1.0, "i-long": 2.0}


def noting_build(options: EditionOptions, build: BuildOptions) -> edition_pool.Built:
    """In place of ``edition_pool.build_in_worker``: notes its process in
    OUT/../ran/NAME, waits until two editions have been taken (so that each
    worker has one: up to 20 s), then ``NOTED_SECONDS`` (else 0.1 s); builds
    nothing."""
    ran = Path(build.out_dir).parent / "ran"
    ran.mkdir(exist_ok=True)
    (ran / options.name).write_text(str(os.getpid()))
    deadline = time.monotonic() + 20
    while len(list(ran.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(NOTED_SECONDS.get(options.name, 0.1))
    return edition_pool.Built(options.name, (), ())


def test_a_worker_builds_next_an_edition_of_a_text_it_has_built(tmp_path, monkeypatch):
    """The worker free first takes the largest edition left that shares a
    text with the one it built (a cut of it: the same beginning), not the
    largest left: largest first alone would give it "b-short", and
    "a-short" to the other worker."""
    text_a, text_b = corpus_file(BRADLEY).read_bytes(), corpus_file(ENGELS).read_bytes()
    sources = {"a-long": text_a, "b-long": text_b, "b-short": text_b[: len(text_b) // 2], "a-short": text_a[:8000]}
    for name, text in sources.items():
        (tmp_path / f"{name}.txt").write_bytes(text)
    editions = [EditionOptions(name, (f"{name}.txt",)) for name in sources]
    costs = [edition_pool.cost(e, tmp_path) for e in editions]
    assert costs == sorted(costs, reverse=True)  # largest first would hand out a-long, b-long, b-short, a-short
    monkeypatch.setattr(edition_pool, "EDITION_TASK", noting_build)
    builds = [BuildOptions(out_dir=str(tmp_path / "out"), project_dir=str(tmp_path)) for _ in editions]
    with edition_pool.EditionPool(2) as pool:
        futures = pool.build(editions, builds)
        assert [f.result(timeout=60).name for f in futures] == list(sources)
    ran = {p.name: int(p.read_text()) for p in (tmp_path / "ran").iterdir()}
    assert ran["a-short"] == ran["a-long"] != ran["b-long"]


def test_the_next_edition_is_the_largest_of_a_text_seen_else_the_largest(tmp_path):
    a, b = frozenset({"a"}), frozenset({"b"})
    costs, marks = [50, 90, 30, 30], [a, b, a, frozenset({"a", "b"})]
    assert edition_pool.next_edition([0, 1, 2, 3], costs, marks, set()) == 1  # nothing seen: the largest
    assert edition_pool.next_edition([0, 1, 2, 3], costs, marks, {"a"}) == 0  # the largest of text a
    assert edition_pool.next_edition([2, 3], costs, marks, {"a"}) == 2  # a tie: the first in the config
    assert edition_pool.next_edition([1, 3], costs, marks, {"b"}) == 1
    assert edition_pool.next_edition([1, 2], costs, marks, {"c"}) == 1
    # The marks: the same beginning is the same text, whatever follows it.
    (tmp_path / "x.txt").write_bytes(b"x" * edition_pool.TEXT_MARK_BYTES + b"one ending")
    (tmp_path / "y.txt").write_bytes(b"x" * edition_pool.TEXT_MARK_BYTES + b"another")
    (tmp_path / "z.txt").write_bytes(b"y" + b"x" * edition_pool.TEXT_MARK_BYTES)
    marks_of = {n: edition_pool.text_marks(EditionOptions(n, (f"{n}.txt",)), tmp_path) for n in "xyz"}
    assert marks_of["x"] == marks_of["y"] and len(marks_of["x"]) == 1
    assert not marks_of["x"] & marks_of["z"]
    assert edition_pool.text_marks(EditionOptions("gone", ("gone.txt", "x.txt")), tmp_path) == marks_of["x"]


def test_editions_not_handed_out_are_dropped_when_the_pool_stops(tmp_path, monkeypatch):
    """Stopped (Ctrl-C, SIGTERM): the editions being built finish or
    unwind, those no worker had taken are cancelled, and nothing waits."""
    monkeypatch.setattr(edition_pool, "EDITION_TASK", noting_build)
    editions = [EditionOptions(name, ()) for name in ("c-slow", "d-slow", "e", "f")]
    builds = [BuildOptions(out_dir=str(tmp_path / "out"), project_dir=str(tmp_path)) for _ in editions]
    pool = edition_pool.EditionPool(2)
    futures = pool.build(editions, builds)
    deadline = time.monotonic() + 60
    while not (tmp_path / "ran").is_dir() or len(list((tmp_path / "ran").iterdir())) < 2:
        assert time.monotonic() < deadline, "the pool took no edition in 60 s"
        time.sleep(0.05)
    pool.close(stop=True)
    assert [f.cancelled() for f in futures] == [False, False, True, True]
    assert sorted(p.name for p in (tmp_path / "ran").iterdir()) == ["c-slow", "d-slow"]


def test_an_edition_its_caller_cancels_is_not_built(tmp_path, monkeypatch):
    """A future cancelled before a worker is free for its edition: that
    edition is never built, and the worker takes the next one at once (not
    once the other worker is done)."""
    monkeypatch.setattr(edition_pool, "EDITION_TASK", noting_build)
    editions = [EditionOptions(name, ()) for name in ("h-quick", "i-long", "e", "f", "g")]
    builds = [BuildOptions(out_dir=str(tmp_path / "out"), project_dir=str(tmp_path)) for _ in editions]
    with edition_pool.EditionPool(2) as pool:
        futures = pool.build(editions, builds)
        assert futures[2].cancel()  # "e": not handed out while the first two are built
        assert [f.result(timeout=60).name for f in (futures[3], futures[4])] == ["f", "g"]
        assert not futures[1].done()  # "f" and "g" were built by the first worker while "i-long" was
        assert futures[1].result(timeout=60).name == "i-long"
    assert futures[2].cancelled()
    assert sorted(p.name for p in (tmp_path / "ran").iterdir()) == ["f", "g", "h-quick", "i-long"]


def test_a_catalog_in_worker_processes_is_the_catalog_of_one_job(tmp_path, capsys):
    """The shipped editions (one of them printed), and the site: the same
    bytes from worker processes as from this process, and the same lines."""
    config = ROOT / "editions.toml"
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / jobs
        assert main(["build", "--config", str(config), "--jobs", jobs, "--out", str(out)]) == 0
        captured = capsys.readouterr()
        results[jobs] = (published(out), captured.out.replace(str(out), "OUT"), captured.err)
    assert {"anthology-press.pdf", "anthology-cover.pdf", "essay.epub", "site/index.html"} <= set(results["2"][0])
    assert results["2"] == results["1"]


def test_sigterm_stops_the_editions_being_built_in_workers(tmp_path):
    """SIGTERM to the build stops its workers' builds too: the exit status
    of SIGTERM, one last line and no traceback, no staging folder left."""
    project = tmp_path / "p"
    project.mkdir()
    for name in ("engels", "bradley"):
        shutil.copyfile(corpus_file(ENGELS if name == "engels" else BRADLEY), project / f"{name}.txt")
    (project / "editions.toml").write_text(
        "".join(
            f'[[edition]]\nname = "{name}"\nsources = ["{name}.txt"]\n[edition.print]\nenabled = true\n\n'
            for name in ("engels", "bradley")
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "editionbuilder", "build", "--jobs", "2", "--out", str(out)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Both editions being built: their staging folders are there.
    deadline = time.monotonic() + 60
    while len(list((out / EDITIONS).glob("*.*"))) < 2 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    err = terminated(build)
    assert "Traceback" not in err
    assert [p.name for p in (out / EDITIONS).iterdir()] == []  # no edition was published, none half-built
    assert not list(out.glob("*.epub"))


def test_the_configs_jobs_and_scheduler(tmp_path, capsys, monkeypatch):
    """``jobs`` and ``scheduler`` beside ``output``: checked like any key,
    and taken when the command line does not say."""
    config = catalog(tmp_path / "p")
    text = config.read_text(encoding="utf-8")
    seen = Overlap(monkeypatch)
    config.write_text("jobs = 1\n" + text, encoding="utf-8")
    assert main(["build", "--config", str(config), "--format", "epub", "--out", str(tmp_path / "a")]) == 0
    assert seen.most == 1
    for bad, message in (("jobs = 0", "jobs: expected a whole number"), ('scheduler = "8786"', "scheduler: expected")):
        config.write_text(f"{bad}\n{text}", encoding="utf-8")
        capsys.readouterr()
        assert main(["build", "--config", str(config), "--out", str(tmp_path / "b")]) == 2
        assert message in capsys.readouterr().err


def test_a_short_printed_edition_is_handed_out_before_a_longer_unprinted_one(tmp_path):
    # A printed edition costs its press PDF and cover whatever its length:
    # handed out last, a short one is the catalog's tail (bench/catalog.py:
    # the anthology, 30 kB of text, took 3.3 s; an unprinted edition of
    # 100 kB, 2.5 s).
    from editionbuilder.options import PrintOptions

    (tmp_path / "short.txt").write_text("x" * 30_000, encoding="utf-8")
    (tmp_path / "long.txt").write_text("x" * 100_000, encoding="utf-8")
    printed = EditionOptions("printed", ("short.txt",), print=PrintOptions(enabled=True))
    plain = EditionOptions("plain", ("long.txt",))
    assert edition_pool.cost(printed, tmp_path) > edition_pool.cost(plain, tmp_path)
    # Among editions alike, the longer text still goes first.
    longer = EditionOptions("longer", ("long.txt",), print=PrintOptions(enabled=True))
    assert edition_pool.cost(longer, tmp_path) > edition_pool.cost(printed, tmp_path)
