"""Benchmark: a catalog of 12 editions built with one job and with two.

    python bench/catalog.py [--repeat N] [--keep DIR]

Makes a scratch project (a temporary folder, removed at the end unless
``--keep``) from texts of this repository only: the Gutenberg texts of
tests/corpus/0[1-3]-pg-*/ cut to different lengths (their header and
licence kept), and the shipped seeds/, in 12 editions, three of them with
print enabled (press PDF, screen PDF, cover) like the anthology of
editions.toml. Then ``editionbuilder build --jobs 1`` and ``--jobs 2`` are
run in turn, ``--repeat`` times each, every run into a new output folder
with no cache, so every run does the same work. The figures are wall
seconds and CPU seconds (user + system) of the build and every process it
started (``resource.getrusage(RUSAGE_CHILDREN)`` before and after).
Before the first build and after the last, two busy processes measure how
many cores' worth of CPU the machine gives at the moment: on a shared
machine it may be one of two, and then no build is faster with two jobs.

The build runs as ``python -m editionbuilder build`` would, through
``editionbuilder.cli.main``, and then stops the multiprocessing fork server
(the parent of the build's worker processes): Python leaves that server to
exit on its own after the build, unwaited, and the CPU time of the workers
it reaped would be missing from the figures.

Last, the outputs of every run (EPUBs, PDFs, reports, the site) are
compared with the first run's, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import COMMAND  # a build as a command of its own, its fork server waited for

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
TEXTS = {
    "engels": CORPUS / "01-pg-engels-socialism-utopian-scientific/39257-8.txt",
    "bradley": CORPUS / "02-pg-bradley-enclosures-in-england/29258.txt",
    "obrien": CORPUS / "03-pg-obrien-mediaeval-economic-teaching/13488-8.txt",
}
SEEDS = {"film": ROOT / "seeds/000_daf78f6bae771185.txt", "essay": ROOT / "seeds/001_72f3cb4c218735c2.txt"}

# The editions: (name, sources, print enabled). A source "TEXT:N" is TEXT
# cut after about N lines of its body.
EDITIONS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("essay", ("essay",), False),
    ("film", ("film",), False),
    ("anthology", ("essay", "film"), True),
    ("engels-short", ("engels:500",), False),
    ("engels-half", ("engels:1300",), True),
    ("bradley-short", ("bradley:700",), False),
    ("bradley-half", ("bradley:1500",), False),
    ("bradley-print", ("bradley:900",), True),
    ("obrien-short", ("obrien:900",), False),
    ("obrien-half", ("obrien:2400",), False),
    ("engels-bradley", ("engels:300", "bradley:400"), False),
    ("obrien-essay", ("obrien:600", "essay"), False),
)


def cut(text: Path, lines: int) -> bytes:
    """``text`` with its body cut after about ``lines`` lines (at the next
    blank line, so no paragraph is cut), Gutenberg's header and licence kept."""
    data = text.read_bytes().splitlines(keepends=True)
    start = next(n for n, line in enumerate(data) if line.lstrip(b"* ").startswith(b"START OF"))
    end = next(n for n, line in enumerate(data) if line.lstrip(b"* ").startswith(b"END OF"))
    stop = min(start + lines, end)
    while stop < end and data[stop].strip():
        stop += 1
    return b"".join([*data[:stop], b"\r\n", *data[end:]])


def make_project(folder: Path) -> Path:
    """The scratch project's sources and config; the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    for _name, sources, _print in EDITIONS:
        for source in sources:
            if source in made:
                continue
            text, _, lines = source.partition(":")
            target = f"{text}-{lines}.txt" if lines else f"{text}.txt"
            data = cut(TEXTS[text], int(lines)) if lines else SEEDS[text].read_bytes()
            (folder / target).write_bytes(data)
            made[source] = target
    config = ['[defaults]\nlanguage = "en"\n']
    for n, (name, sources, printed) in enumerate(EDITIONS):
        listed = ", ".join(f'"{made[s]}"' for s in sources)
        config.append(
            f'[[edition]]\nname = "{name}"\nsources = [{listed}]\ninclude_comments = true\n'
            f'[edition.metadata]\nidentifier = "urn:uuid:00000000-0000-4000-8000-{n:012d}"\n'
            'date = "2026-11-25"\n'
        )
        if printed:
            config.append('[edition.print]\nenabled = true\ntrim = "6x9"\npaper = "cream"\n')
    path = folder / "editions.toml"
    path.write_text("\n".join(config), encoding="utf-8")
    return path


def build(config: Path, out: Path, jobs: int) -> tuple[float, float]:
    """One build into ``out``, with a new installation's cache (each build
    compiles what a first build compiles): its wall and CPU seconds."""
    with tempfile.TemporaryDirectory(prefix="eb-bench-installation-") as installation:
        env = {**os.environ, "EDITIONBUILDER_CACHE_DIR": installation}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-c", COMMAND, "build", "--config", str(config), "--jobs", str(jobs), "--out", str(out)],
            capture_output=True,
            text=True,
            cwd=config.parent,
            env=env,
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"build --jobs {jobs} failed ({run.returncode}):\n{run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _spin(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def cores_given() -> float:
    """How many cores' worth of CPU two busy processes get at this moment
    (2.0 on an idle machine of two cores or more): the most ``--jobs 2``
    can be faster than ``--jobs 1`` now. Other work on a shared machine
    takes the rest."""
    import concurrent.futures as cf

    start = time.perf_counter()
    with cf.ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, [2.0, 2.0]))
    return 4.0 / (time.perf_counter() - start)


def outputs(out: Path) -> dict[str, bytes]:
    """Every file a reader of ``out`` sees (links followed), by its path;
    the staging folders and the cache left out."""
    found = {}
    for folder, dirs, files in os.walk(out, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(folder) / name
            found[str(path.relative_to(out))] = path.read_bytes()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each job count (default 2)")
    parser.add_argument("--keep", type=Path, help="make the project and outputs here, and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="catalog-bench-"))
    try:
        config = make_project(work / "project")
        print(f"{len(EDITIONS)} editions, {sum(p for *_n, p in EDITIONS)} with print; {os.cpu_count()} cores")
        times: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
        first: dict[str, bytes] | None = None
        print(f"two busy processes get {cores_given():.2f} cores' worth of CPU now", flush=True)
        for n in range(args.repeat):
            for jobs in (1, 2) if n % 2 == 0 else (2, 1):
                out = work / f"out-{jobs}-{n}"
                shutil.rmtree(out, ignore_errors=True)
                wall, cpu = build(config, out, jobs)
                times[jobs].append((wall, cpu))
                print(f"  --jobs {jobs}  run {n + 1}: wall {wall:6.1f} s  cpu {cpu:6.1f} s", flush=True)
                made = outputs(out)
                if first is None:
                    first = made
                elif made != first:
                    differ = sorted(k for k in made.keys() | first.keys() if made.get(k) != first.get(k))
                    print(f"  OUTPUTS DIFFER from the first run: {', '.join(differ)}")
                    return 1
        assert first is not None
        best = {jobs: min(w for w, _c in runs) for jobs, runs in times.items()}
        cpu = {jobs: min(c for _w, c in runs) for jobs, runs in times.items()}
        print(f"best wall: --jobs 1 {best[1]:.1f} s, --jobs 2 {best[2]:.1f} s: {best[1] / best[2]:.2f}x faster")
        print(f"least cpu: --jobs 1 {cpu[1]:.1f} s, --jobs 2 {cpu[2]:.1f} s")
        print(f"two busy processes get {cores_given():.2f} cores' worth of CPU now")
        print(f"outputs of all {2 * args.repeat} runs byte-identical ({len(first)} files)")
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
