"""Parts laid out on a Dask cluster (``--scheduler``, scheduling.py): a real
``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, each
with one thread; the book they make is byte for byte the local one, and
still is when a worker is killed while it lays out a part.

The tasks carry what they need (a part's HTML and stylesheets) and bring
back bytes: the workers share no folder with the build, only the package
(on their PYTHONPATH here) and the fonts.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from editionbuilder.cli import main
from paths import ROOT

pytest.importorskip("distributed", reason="the cluster extra: pip install -e '.[cluster]'")

EDITION = "anthology"
# One thread each, no nanny (a killed worker stays dead), on this machine only.
WORKER_OPTIONS = ("--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1")
FILES = tuple(f"{EDITION}{suffix}" for suffix in (".epub", ".pdf", "-press.pdf", "-cover.pdf"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    address: str
    scheduler: subprocess.Popen
    workers: list[subprocess.Popen]


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    """A Dask scheduler and two workers (no nanny: a killed worker stays
    dead), stopped after the test."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}
    dask = [sys.executable, "-m", "dask"]
    logs = [open(tmp_path / f"dask-{n}.log", "wb") for n in range(3)]  # noqa: SIM115 (closed below)
    started: list[subprocess.Popen] = []
    try:
        started.append(
            subprocess.Popen(
                [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                env=env,
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        for n in (1, 2):
            started.append(
                subprocess.Popen(
                    [*dask, "worker", address, *WORKER_OPTIONS, "--name", f"w{n}"],
                    env=env,
                    stdout=logs[n],
                    stderr=subprocess.STDOUT,
                )
            )
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield Cluster(address, started[0], started[1:])
    finally:
        for process in reversed(started):
            if process.poll() is None:
                process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> dict[str, bytes]:
    """The anthology built on this machine."""
    out = tmp_path_factory.mktemp("local")
    assert main(["build", "--config", str(ROOT / "editions.toml"), "--edition", EDITION, "--out", str(out)]) == 0
    return {name: (out / name).read_bytes() for name in FILES}


def build_on(address: str, out: Path) -> dict[str, bytes]:
    args = ["build", "--config", str(ROOT / "editions.toml"), "--edition", EDITION, "--scheduler", address]
    assert main([*args, "--out", str(out)]) == 0
    return {name: (out / name).read_bytes() for name in FILES}


def test_a_book_laid_out_on_the_cluster_is_the_local_one(cluster, local, tmp_path):
    from distributed import Client

    assert build_on(cluster.address, tmp_path / "out") == local
    with Client(cluster.address, timeout=30) as client:
        done = client.run(lambda dask_worker: dask_worker.state.executed_count)  # both laid parts out
    assert len(done) == 2 and all(count > 0 for count in done.values())


def test_a_worker_killed_mid_build_still_gives_the_right_book(cluster, local, tmp_path):
    """The first worker to start a task is killed while it lays it out: the
    scheduler gives the task to the other worker, and the book is right."""
    from distributed import Client

    killed: list[int] = []

    def kill_the_first_busy_worker() -> None:
        with Client(cluster.address, timeout=30) as client:
            pids = client.run(os.getpid)  # worker address -> its process
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                busy = [addr for addr, keys in client.processing().items() if keys]
                if busy:
                    worker = next(p for p in cluster.workers if p.pid == pids[busy[0]])
                    os.kill(worker.pid, signal.SIGKILL)
                    killed.append(worker.pid)
                    return
                time.sleep(0.05)

    killer = threading.Thread(target=kill_the_first_busy_worker)
    killer.start()
    try:
        built = build_on(cluster.address, tmp_path / "out")
    finally:
        killer.join()
    assert len(killed) == 1
    assert sum(p.poll() is not None for p in cluster.workers) == 1  # one worker is dead
    assert built == local


def test_without_dask_the_scheduler_option_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    args = ["build", "--config", str(ROOT / "editions.toml"), "--edition", "essay", "--format", "pdf"]
    assert main([*args, "--scheduler", "tcp://127.0.0.1:1", "--out", str(tmp_path)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("editionbuilder: error: --scheduler tcp://127.0.0.1:1: Dask is not installed")


# A catalog built on the cluster, each edition in a thread of the build,
# stopped at the worst moment: Ctrl-C inside ``Future.result`` as the build
# waits for its first edition, raised in ``threading.Condition.__enter__``
# once the future's lock is taken (test_atomic.py). That edition's thread
# would wait for the lock forever to give its result; the build leaves.
STOPPED_CATALOG = """
import concurrent.futures as cf
import sys
import threading
import weakref

from editionbuilder import cli

editions = weakref.WeakSet()  # the futures of the editions' threads
submit, result = cf.ThreadPoolExecutor.submit, cf.Future.result


def submitted(self, *args, **kwargs):
    future = submit(self, *args, **kwargs)
    editions.add(future)
    return future


def interrupted(self, timeout=None):
    if self in editions and threading.current_thread() is threading.main_thread():
        self._condition.acquire()
        raise KeyboardInterrupt
    return result(self, timeout)


cf.ThreadPoolExecutor.submit, cf.Future.result = submitted, interrupted
sys.argv = ["editionbuilder", "build", *sys.argv[1:]]
cli.run()
"""


def test_a_catalog_on_the_cluster_stopped_with_a_lock_left_held_leaves(cluster, tmp_path):
    script = tmp_path / "stopped.py"
    script.write_text(STOPPED_CATALOG)
    args = ["--config", str(ROOT / "editions.toml"), "--edition", "essay", "--edition", "film"]
    build = subprocess.run(
        [sys.executable, str(script), *args, "--scheduler", cluster.address, "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert build.returncode == 130, build.stderr
    assert "editionbuilder: interrupted" in build.stderr.splitlines()
