"""A config's editions built together (cli.py, scheduling.py): as many at
once as the build's jobs, one edition's failure stopping no other, the
summary naming it and the exit status its error's."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from editionbuilder import pipeline
from editionbuilder.cli import main
from paths import ROOT

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


def test_editions_are_built_at_once_within_the_jobs(tmp_path, monkeypatch, capsys):
    config = catalog(tmp_path / "p")
    two = Overlap(monkeypatch, meet=2)
    assert (
        main(["build", "--config", str(config), "--format", "epub", "--jobs", "2", "--out", str(tmp_path / "a")]) == 0
    )
    assert two.most == 2
    one = Overlap(monkeypatch)
    assert (
        main(["build", "--config", str(config), "--format", "epub", "--jobs", "1", "--out", str(tmp_path / "b")]) == 0
    )
    assert one.most == 1
    for name in ("one", "two", "three"):
        assert (tmp_path / "a" / f"{name}.epub").read_bytes() == (tmp_path / "b" / f"{name}.epub").read_bytes()


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
