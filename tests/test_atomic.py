"""An edition's files change as one set (fsutil.staged_outputs): whatever
moment a build stops at (a failure, SIGTERM, SIGKILL), the names in the
output folder give the whole last set or the whole new one, and the next
build clears what the stopped one left.

The first test stops the publishing step after each of its file-system
operations in turn; the others stop real builds with real signals.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editionbuilder.fsutil import EDITIONS, staged_outputs
from stopkit import running, terminated

EDITIONBUILDER = Path(sys.executable).with_name("editionbuilder")


def published(out: Path, names: set[str]) -> dict[str, bytes | None]:
    """What each name gives a reader now (None: nothing, or a dangling link)."""
    return {n: (out / n).read_bytes() if (out / n).is_file() else None for n in sorted(names)}


def publish(out: Path, files: dict[str, bytes], withdrawn: tuple[str, ...] = ()) -> None:
    with staged_outputs(out, "book") as stage:
        for name, data in files.items():
            (stage.dir / name).write_bytes(data)
        stage.commit(list(files), {"edition": "book", "files": list(files)}, withdrawn)


class Stop(Exception):
    """The process dies here."""


class StopAt:
    """``os.replace`` and ``os.symlink`` (every step that changes a name)
    that raise ``Stop`` at call number ``at``."""

    def __init__(self, monkeypatch, at: int):
        self.calls, self.at = 0, at
        for name in ("replace", "symlink"):
            monkeypatch.setattr(os, name, self._counted(getattr(os, name)))

    def _counted(self, real):
        def call(*args, **kwargs):
            self.calls += 1
            if self.calls == self.at:
                raise Stop
            return real(*args, **kwargs)

        return call


def test_a_stop_after_any_step_of_publishing_leaves_one_whole_set(tmp_path, monkeypatch):
    old = {"book.epub": b"old epub", "book.pdf": b"old pdf", "book-press.pdf": b"old press"}
    new = {"book.epub": b"new epub", "book.pdf": b"new pdf", "book.report.txt": b"new report"}
    names = set(old) | set(new)
    want_old = {n: old.get(n) for n in sorted(names)}
    want_new = {n: new.get(n) for n in sorted(names)}
    for stop_at in range(1, 40):
        out = tmp_path / f"out{stop_at}"
        publish(out, old)
        StopAt(monkeypatch, stop_at)
        try:
            publish(out, new, withdrawn=("book-press.pdf",))
            finished = True
        except Stop:
            finished = False
        monkeypatch.undo()
        now = published(out, names)
        assert now in (want_old, want_new), (stop_at, now)
        if finished:
            assert now == want_new
            break
        publish(out, new)  # the next build: the new set, and nothing of the stopped one left
        assert published(out, names) == want_new
        assert sorted(p.name for p in (out / EDITIONS).iterdir() if not p.is_symlink()) == [
            os.readlink(out / EDITIONS / "book")
        ]
    assert stop_at > 5  # every step of the publishing was stopped at once


BOOK = "A Small Book\n\nby Some Author\n\n{}\n"


def _project(tmp_path: Path, words: str) -> Path:
    (tmp_path / "book.txt").write_text(BOOK.format(words), encoding="utf-8")
    return tmp_path


def _run(project: Path) -> None:
    subprocess.run([EDITIONBUILDER, "build", "book.txt"], cwd=project, check=True, capture_output=True)


@pytest.fixture(scope="module")
def sets(tmp_path_factory) -> tuple[dict, dict]:
    """The files of a build of the old text and of the new one."""
    old, new = tmp_path_factory.mktemp("old"), tmp_path_factory.mktemp("new")
    _run(_project(old, "The first text of the book. " * 1500))
    _run(_project(new, "A second text of the book. " * 1500))
    return (
        {p.name: p.read_bytes() for p in (old / "output").iterdir() if p.is_file()},
        {p.name: p.read_bytes() for p in (new / "output").iterdir() if p.is_file()},
    )


@pytest.mark.parametrize("delay", [0.8, 1.8, 2.6])
def test_a_build_killed_at_any_moment_leaves_the_old_set_or_the_new(tmp_path, sets, delay):
    old, new = sets
    work = tmp_path / "work"
    work.mkdir()
    project = _project(work, "The first text of the book. " * 1500)
    _run(project)
    project = _project(work, "A second text of the book. " * 1500)
    build = subprocess.Popen([EDITIONBUILDER, "build", "book.txt"], cwd=project, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    build.kill()
    build.wait()
    now = {n: (project / "output" / n).read_bytes() for n in old}
    assert now in (old, new)
    _run(project)  # the next build finishes, and removes what the killed one left
    assert {n: (project / "output" / n).read_bytes() for n in new} == new
    folders = [p for p in (project / "output" / EDITIONS).iterdir() if not p.is_symlink()]
    assert len(folders) == 1


def test_sigterm_stops_a_build_like_ctrl_c(tmp_path):
    project = _project(tmp_path, "The first text of the book. " * 1500)
    _run(project)
    before = {p.name: p.read_bytes() for p in (project / "output").iterdir() if p.is_file()}
    # long enough to be still running after 2 s (about 3.4 s on a quiet machine)
    project = _project(tmp_path, "A second text of the book. " * 4000)
    build = subprocess.Popen([EDITIONBUILDER, "build", "book.txt"], cwd=project, stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)
    terminated(build)
    assert {p.name: p.read_bytes() for p in (project / "output").iterdir() if p.is_file()} == before
    folders = [p for p in (project / "output" / EDITIONS).iterdir() if not p.is_symlink()]
    assert len(folders) == 1  # the stopped build's folder is gone
    # its workers, stopped mid-part, removed the files they were writing to the cache
    assert not list((project / "output").rglob("*.tmp"))


# A build whose interrupt came at the worst moment. Python runs a signal
# handler between two bytecodes, and ``threading.Condition.__enter__`` is
# Python: an interrupt raised there once the lock is taken leaves it held
# by the main thread, as if its ``with`` block had never ended. A future's
# condition left so made the pool's own thread wait for it forever, and the
# build with it (seen once: a build that never left after SIGTERM). This
# script's ``build`` command makes that state on purpose: it hands long
# tasks to a pool of two workers, takes the last future's lock, and is
# interrupted as by Ctrl-C; then, by ``MODE``, the command ends as a build
# does (``interrupted``; ``twice``: Ctrl-C again while the build waits for
# its pool to stop), as ``serve`` does after Ctrl-C (``served``: exit 0),
# or fails with an error (``failed``).
STOPPED_WITH_A_LOCK_HELD = """
import os, signal, sys, threading, time
from pathlib import Path

from editionbuilder import cli
from editionbuilder.diagnostics import RenderError
from editionbuilder.scheduling import Scheduler

FOLDER = Path(os.environ["STARTED"])  # where each task says it began


def nap():
    (FOLDER / str(os.getpid())).touch()
    time.sleep(120)


def stopped():
    with Scheduler(jobs=2, fork_here=True) as workers:  # as the command's (``cli._scheduler``)
        futures = [workers.submit(nap) for _ in range(6)]
        while len(list(FOLDER.iterdir())) < 2:  # both workers in their task
            time.sleep(0.05)
        futures[-1]._condition.acquire()
        raise KeyboardInterrupt


GO = FOLDER.parent / "go"  # made once the results' locks are held


def big():
    (FOLDER / str(os.getpid())).touch()
    while not GO.exists():  # each task in a worker of its own, until the locks are held
        time.sleep(0.05)
    return b"x" * 10_000_000


def stopped_twice():
    # Both results' locks held: the pool's thread, once it has read the
    # first, waits for ever, and the other worker waits to send its own;
    # Ctrl-C again while the build waits for that worker to stop. The
    # locks are taken once both tasks have begun: the pool's thread takes
    # each future's lock to mark it running, and would wait for it there.
    with Scheduler(jobs=2, fork_here=True) as workers:
        futures = [workers.submit(big) for _ in range(2)]
        while len(list(FOLDER.iterdir())) < 2:  # however slow the workers' start
            time.sleep(0.05)
        for future in futures:
            future._condition.acquire()
        GO.touch()
        time.sleep(1.0)  # the results sent, or being sent
        threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
        raise KeyboardInterrupt


def build(args):
    mode = os.environ["MODE"]
    if mode == "twice":
        stopped_twice()
    if mode == "interrupted":
        stopped()
    try:
        stopped()
    except KeyboardInterrupt:
        if mode == "served":
            return 0
        raise RenderError("a part failed") from None


if __name__ == "__main__":
    cli.cmd_build = build
    sys.argv = ["editionbuilder", "build", "book.txt"]
    cli.run()
"""


def _run_script(script: Path, **env: str) -> subprocess.CompletedProcess:
    """``script`` run by this Python with ``env`` added, its output kept."""
    return subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        # Ctrl-C as a terminal's: the test runner may have started this one ignoring it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


@pytest.mark.parametrize(
    ("mode", "code", "line"),
    [
        ("interrupted", 130, "editionbuilder: interrupted"),
        ("twice", 130, "editionbuilder: interrupted"),
        ("served", 0, None),
        ("failed", 4, "editionbuilder: error: a part failed"),
    ],
)
def test_a_stopped_build_leaves_with_a_lock_left_held(tmp_path, mode, code, line):
    """Stopped with a future's lock left held, a command still leaves, with
    its own status and last line, whether it ends stopped, carries on as
    ``serve`` does, or fails; and its workers are stopped, not waited for:
    their tasks would run two minutes more."""
    script, started = tmp_path / "stopped.py", tmp_path / "started"
    script.write_text(STOPPED_WITH_A_LOCK_HELD)
    started.mkdir()
    build = _run_script(script, STARTED=str(started), MODE=mode)
    assert build.returncode == code, build.stderr
    assert build.stderr.strip().splitlines() == ([line] if line else [])
    workers = [int(p.name) for p in started.iterdir()]
    assert len(workers) == 2
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(pid) for pid in workers)


# A stop whose undoing never ends, whatever the reason: the command leaves
# ``STOP_DEADLINE_S`` after the signal (here 1 s), with the stop's status
# and line.
STOP_NEVER_ENDING = """
import os, signal, sys, threading

from editionbuilder import cli


def build(args):
    try:
        os.kill(os.getpid(), signal.SIGINT if os.environ["SIGNAL"] == "INT" else signal.SIGTERM)
        threading.Event().wait(5)
    except KeyboardInterrupt:
        threading.Event().wait(120)  # an undoing that waits forever
    return 0


if __name__ == "__main__":
    cli.cmd_build = build
    cli.STOP_DEADLINE_S = 1.0
    sys.argv = ["editionbuilder", "build", "book.txt"]
    cli.run()
"""


@pytest.mark.parametrize(
    ("sent", "code", "line"),
    [("INT", 130, "editionbuilder: interrupted"), ("TERM", 143, "editionbuilder: terminated")],
)
def test_a_stop_that_never_ends_leaves_past_its_deadline(tmp_path, sent, code, line):
    script = tmp_path / "never.py"
    script.write_text(STOP_NEVER_ENDING)
    build = _run_script(script, SIGNAL=sent)
    assert build.returncode == code, build.stderr
    assert build.stderr.strip().splitlines() == [line]


def _in_a_child(body) -> tuple[int, bytes]:
    """Run ``body(write)`` in a forked child with a pool worker's SIGTERM
    handler; its exit code and what it wrote."""
    from editionbuilder import scheduling

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: it leaves with os._exit
        try:
            os.close(read)
            signal.signal(signal.SIGTERM, scheduling._stop_worker)
            body(lambda data: os.write(write, data))
        finally:
            os._exit(7)
    os.close(write)
    with os.fdopen(read, "rb") as got:
        written = got.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), written


def test_a_stopped_worker_unwinds_its_task_then_leaves():
    from editionbuilder import scheduling

    def task(write):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        finally:
            write(b"unwound")

    assert _in_a_child(lambda write: scheduling._task(task, write)) == (1, b"unwound")


def test_a_stopped_worker_between_tasks_leaves_at_once():
    def idle(write):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        write(b"stayed")

    assert _in_a_child(idle) == (1, b"")


def test_a_worker_stopped_while_it_sends_a_result_sends_it_whole_then_leaves():
    """A result cut in two would leave the build's end of the pipe waiting
    for the rest forever: the worker sends it, and leaves at its next task
    (or when the build asks again)."""
    import concurrent.futures.process

    from editionbuilder import scheduling

    # the name the worker's handler looks for on the stack
    assert hasattr(concurrent.futures.process, "_sendback_result")

    def sending(write):
        def _sendback_result():  # as concurrent.futures.process names it
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.1)
            write(b"sent")

        _sendback_result()
        scheduling._task(write, b" ran")

    assert _in_a_child(sending) == (1, b"sent")


def test_a_pools_workers_leave_ctrl_c_to_the_build():
    from editionbuilder.scheduling import Scheduler

    with Scheduler(jobs=2) as workers:
        assert workers.submit(signal.getsignal, signal.SIGINT).result() == signal.SIG_IGN


def test_a_stopped_worker_unwinds_its_task_whole_while_the_build_asks_again():
    """The build asks a worker to leave every ``STOP_ASK_S`` (``_stop_pool``):
    the requests after the first leave the task's unwinding alone."""
    from editionbuilder import scheduling

    def task(write):
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        finally:
            for _ in range(6):  # asked again while it unwinds
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.02)
            write(b"unwound")

    assert _in_a_child(lambda write: scheduling._task(task, write)) == (1, b"unwound")
