"""Calls run in forked children (``scheduling.Forked``): what a worker has
laid out is written there while it lays out the next stretch of a long
part. A child's result comes back as the call's own; a child that cannot
be forked, or fails, or dies, leaves the call to this process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

import pytest

from editionbuilder import scheduling
from editionbuilder.scheduling import Forked, Scheduler
from stopkit import running


@pytest.fixture(autouse=True)
def own_temp_dir(tmp_path, monkeypatch):
    """The children's files in a folder of the test's own (none must be left)."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    yield
    assert list(tmp_path.iterdir()) == []


def test_each_call_runs_in_a_child_and_gives_its_result():
    parent = os.getpid()
    with Forked(1) as forked:
        got = [forked.submit(lambda n=n: (n, os.getpid(), b"x" * n)) for n in range(4)]
        results = [get() for get in got]
    assert [n for n, _pid, _data in results] == [0, 1, 2, 3]
    assert all(pid != parent for _n, pid, _data in results)
    assert len({pid for _n, pid, _data in results}) == 4
    assert [data for _n, _pid, data in results] == [b"x" * n for n in range(4)]


def test_a_child_prints_nothing(capfd):
    """What a child would print goes nowhere: another thread of this
    process may have held a stream's lock at the fork, which the child
    would wait for forever. (Its result still comes back.)"""

    def speaking() -> int:
        print("said on stdout", flush=True)
        print("said on stderr", file=sys.stderr, flush=True)
        return os.getpid()

    with Forked(1) as forked:
        assert forked.submit(speaking)() != os.getpid()
    out, err = capfd.readouterr()
    assert "said on" not in out + err


def test_a_call_dropped_is_stopped_and_its_child_waited_for(tmp_path):
    """A call whose result is not wanted (a book typeset again at another
    gutter): its child is killed and waited for, at once."""
    started = tmp_path / "started"

    def slow() -> int:
        started.write_text("yes")
        time.sleep(60)
        return 1

    with Forked(1) as forked:
        pending = forked.submit(slow)
        for _ in range(500):  # the child under way
            if started.exists():
                break
            time.sleep(0.01)
        (child,) = [pid for pid, _out in forked._running.values()]
        began = time.monotonic()
        pending.drop()
        assert time.monotonic() - began < 5
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)
        with pytest.raises(RuntimeError):
            pending()  # nothing to give
    started.unlink()


def test_without_helpers_each_call_runs_here_when_asked_for():
    ran = []
    with Forked(0) as forked:
        get = forked.submit(lambda: ran.append(os.getpid()) or "done")
        assert ran == []
        assert get() == "done" and ran == [os.getpid()]


def test_no_more_children_than_helpers_at_a_time(tmp_path):
    """A child that finished leaves a mark; each child looks, as it starts,
    at how many others have started and not finished."""
    marks = tmp_path / "marks"
    marks.mkdir()

    def call(n: int) -> int:
        (marks / f"{n}.start").touch()
        running = len(list(marks.glob("*.start"))) - len(list(marks.glob("*.end")))
        time.sleep(0.1)
        (marks / f"{n}.end").touch()
        return running

    with Forked(2) as forked:
        got = [forked.submit(lambda n=n: call(n)) for n in range(6)]
        assert max(get() for get in got) <= 2
    for path in marks.iterdir():
        path.unlink()
    marks.rmdir()


def test_a_child_that_dies_leaves_the_call_to_this_process():
    parent = os.getpid()

    def call() -> int:
        if os.getpid() != parent:
            os._exit(3)  # a child killed, or out of memory
        return os.getpid()

    with Forked(1) as forked:
        assert forked.submit(call)() == parent


def test_an_error_is_raised_here():
    def call():
        raise ValueError("no such glyph")

    with Forked(1) as forked:
        get = forked.submit(call)
        with pytest.raises(ValueError, match="no such glyph"):
            get()


def test_no_fork_here_runs_the_call_here(monkeypatch):
    def refused():
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    with Forked(1) as forked:
        assert forked.submit(os.getpid)() == os.getpid()


def test_a_result_is_given_once():
    with Forked(1) as forked:
        get = forked.submit(os.getpid)
        assert get() != os.getpid()
        with pytest.raises(RuntimeError, match="once"):
            get()


def test_a_fork_that_fails_otherwise_leaves_no_file(monkeypatch):
    def broken():
        raise RuntimeError("fork refused by a library")

    monkeypatch.setattr(os, "fork", broken)
    with Forked(1) as forked, pytest.raises(RuntimeError, match="refused"):
        forked.submit(os.getpid)
    # (the fixture: no file left behind)


def test_leaving_on_an_error_stops_the_children():
    """A build that fails (or is stopped) while children write does not
    wait for them: they are killed."""
    started = time.monotonic()
    with pytest.raises(ValueError), Forked(1) as forked:
        forked.submit(lambda: time.sleep(60))
        raise ValueError("a later stretch failed")
    assert time.monotonic() - started < 30


def test_a_child_writes_to_a_file_with_no_name(tmp_path):
    """While a child runs, the temporary folder holds no file of it: a
    worker killed then (its children outlive it) leaves nothing behind."""
    with Forked(1) as forked:
        get = forked.submit(lambda: time.sleep(0.3) or b"x" * 100_000)
        assert list(tmp_path.iterdir()) == []
        assert get() == b"x" * 100_000


def test_leaving_waits_for_the_children_not_asked_for():
    with Forked(1) as forked:
        forked.submit(lambda: time.sleep(0.2))
    # (the fixture: no file left behind)


def test_helpers_of_a_pool_only():
    assert Scheduler(1).helpers == 0
    assert Scheduler(2).helpers == 1
    assert Scheduler(4, "tcp://127.0.0.1:8786").helpers == 0


def test_a_stuck_child_is_killed_and_its_call_runs_here(monkeypatch):
    """A child waiting forever (for a lock held at the fork by this
    process, here its own thread) uses no CPU time: after ``STUCK_AFTER_S``
    of that it is killed, and the call runs in this process."""
    monkeypatch.setattr(scheduling, "STUCK_AFTER_S", 0.4)
    held = threading.Lock()

    def call():
        with held:
            return os.getpid()

    def too_long(_signum, _frame):
        raise AssertionError("the stuck child was waited for 30 s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(30)  # a failure, not a test run that never ends
    try:
        with Forked(1) as forked:
            with held:
                get = forked.submit(call)
                (child,) = [pid for pid, _out in forked._running.values()]
            assert get() == os.getpid()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # waited for


def test_a_child_at_work_is_not_taken_as_stuck(monkeypatch):
    """A child using CPU time for longer than ``STUCK_AFTER_S`` runs to its end."""
    monkeypatch.setattr(scheduling, "STUCK_AFTER_S", 0.4)

    def call():
        end = time.process_time() + 1.5
        while time.process_time() < end:
            pass
        return os.getpid()

    with Forked(1) as forked:
        assert forked.submit(call)() != os.getpid()


def test_a_child_dies_with_the_process_that_forked_it(tmp_path):
    """A process killed while its child writes (SIGKILL: no chance to stop
    it) takes the child with it (``PR_SET_PDEATHSIG``), rather than leave
    it running a call whose result no one will read."""
    told = tmp_path / "child.pid"
    script = (
        "import os, time\n"
        "from pathlib import Path\n"
        "from editionbuilder.scheduling import Forked\n"
        "def call():\n"
        f"    Path({str(told)!r}).write_text(str(os.getpid()))\n"
        "    time.sleep(60)\n"
        "with Forked(1) as forked:\n"
        "    forked.submit(call)\n"
        "    time.sleep(60)\n"
    )
    # its child's file with no name in the test's folder, which must be left empty
    forking = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "TMPDIR": str(tmp_path)})
    child = None
    try:
        deadline = time.monotonic() + 30
        while not told.exists() or not told.read_text():
            assert forking.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        child = int(told.read_text())
        assert running(child)
        forking.kill()
        forking.wait(10)
        deadline = time.monotonic() + 5
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child)
    finally:
        forking.kill()
        forking.wait(10)
        if child is not None and running(child):
            os.kill(child, signal.SIGKILL)
        told.unlink(missing_ok=True)
