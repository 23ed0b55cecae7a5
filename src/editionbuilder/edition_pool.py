"""A config's editions built at once, each in a worker process.

Most of an edition's build is Python (reading, the transforms, the EPUB
writer, joining PDFs, the web edition) and holds the interpreter's lock:
editions built in threads of one process take turns on one core, however
many layouts the part workers do beside them. So a build of several
editions with a local pool (``--jobs N``, N > 1, no Dask scheduler) hands
each edition's whole build (``pipeline.build_edition``) to a pool of
``min(N, editions)`` worker processes, and N editions are built on N cores;
each edition lays its print parts out in its own worker, one after the
other. A build of one edition, or with a Dask cluster, keeps the parts of
its books in parallel (``scheduling``) instead.

The workers start, like the part workers, from the ``forkserver``, which
has imported the build's modules once, and with stderr on the null device:
what a worker has to say comes back as data. An edition's result is
``Built``, what the CLI prints of it; its error comes back as the
exception the build raised (``diagnostics.EditionError`` and its classes
pickle whole). The CLI takes their results in the config's order.

Which edition a worker builds next (``next_edition``): the largest left,
so that the longest build does not start last, unless one left shares a
text with an edition this worker has built: then the largest of those. A
worker keeps what it learnt of a text (the widths of its words, the
breaks of its paragraphs), and an edition of a text the worker has laid
out already is built 0.1-0.25 s sooner (bench/catalog.py: the shorter cut
of a text after the longer, or the other way round). So an edition is
handed out only when a worker is free (``_dispatch``), to the free one.

Progress lines, when asked for, come back through a queue and are passed
to the caller's callback in a thread of this process as they arrive.

Stopping (Ctrl-C, SIGTERM, an error in this process): ``close(stop=True)``
sets an event every worker looks at in its progress callback, as the
editions built in threads do: at its next stage or tenth page a worker
unwinds its build as after Ctrl-C (staging folder removed, the last good
files kept). The editions not started are dropped.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from .diagnostics import Diagnostic
from .options import BuildOptions, EditionOptions
from .pipeline import build_edition
from .scheduling import STOP_WAIT_S, TYPESETTER, sending_a_result, start_forkserver, start_worker

Progress = Callable[[str], None]

# The modules a worker needs, imported once by the fork server rather than
# by every worker: the pipeline, and the writers it imports when it writes.
PRELOAD = [
    "editionbuilder.edition_pool",
    "editionbuilder.writers",
    "editionbuilder.writers.epub.writer",
    *TYPESETTER,
]


@dataclass(frozen=True, slots=True)
class Built:
    """What the command line prints of an edition built in a worker (the
    edition's model stays there: it is large, and no caller needs it)."""

    name: str
    diagnostics: tuple[Diagnostic, ...]
    outputs: tuple[Path, ...]


def build_in_worker(options: EditionOptions, build: BuildOptions) -> Built:
    """One edition's build, in a worker (``build.workers`` None: its parts
    are laid out in this process)."""
    result = build_edition(options, build, progress=_worker_progress)
    return Built(result.name, result.diagnostics, result.outputs)


# Handed out to the workers; a module attribute so that a test can hand out
# its own function (which must be importable by name in the worker).
EDITION_TASK: Callable[[EditionOptions, BuildOptions], Built] = build_in_worker


# The worker's end of the pool, set by ``_start_worker``.
_stop: Any = None  # multiprocessing.Event: the build is stopping
_messages: Any = None  # multiprocessing.Queue of progress lines, or None


def _start_worker(stop: Any, messages: Any, build_pid: int) -> None:
    global _stop, _messages
    _stop, _messages = stop, messages
    start_worker(build_pid)
    if messages is not None:
        # A worker leaving does not wait for its last lines to be read:
        # the reader may already be gone.
        messages.cancel_join_thread()
    # Ctrl-C reaches every process of the terminal's group: the build's
    # process alone answers it, and stops the workers through ``_stop``
    # (a worker interrupted between two tasks would break the pool).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A SIGTERM sent to the whole group unwinds the worker's edition as
    # Ctrl-C does: its staging folder removed.
    signal.signal(signal.SIGTERM, _terminated)


def _terminated(_signum: int, frame: FrameType | None) -> None:
    """SIGTERM in an edition's worker: its edition unwinds; not while it
    sends a result back (cut in two, it would leave the build's end of the
    pipe waiting for the rest forever), after which the pool ends it."""
    if not sending_a_result(frame):
        raise KeyboardInterrupt


def _worker_progress(message: str) -> None:
    if _stop is not None and _stop.is_set():
        raise KeyboardInterrupt  # the build is stopping: unwind this edition too
    if _messages is not None:
        _messages.put(message)


# What an edition's build costs beside its text, in bytes of source text
# that take as long: every edition (its EPUB, screen PDF and site, about
# 0.8 s), and a printed one (its press PDF and cover, about 1.5 s more,
# and a fifth more for its text). Fitted to the twelve editions of
# bench/catalog.py built one by one (0.02 s a kilobyte of text).
EDITION_BYTES = 40_000
PRINT_BYTES = 75_000


def cost(options: EditionOptions, project: Path) -> int:
    """A guess of how long an edition takes to build, to hand the longest
    out first: the size of its sources, and what every edition and every
    printed one costs beside its text (``EDITION_BYTES``, ``PRINT_BYTES``):
    a short printed edition handed out last would be the build's tail."""
    size = 0
    for source in options.sources:
        with contextlib.suppress(OSError):  # a source missing: the build will say so
            size += (project / source).stat().st_size
    if options.print.enabled:
        size += PRINT_BYTES + size // 5
    return size + EDITION_BYTES


# How much of a source's beginning names its text (``text_marks``): two
# sources that begin with the same 4 kB are the same text, or cuts or
# revisions of one; a title page and a first paragraph fill that much.
TEXT_MARK_BYTES = 4096


def text_marks(options: EditionOptions, project: Path) -> frozenset[str]:
    """What names the texts of an edition: a digest of the beginning of
    each of its sources (``TEXT_MARK_BYTES``). Editions that share a mark
    are built better one after the other in the same worker
    (``next_edition``); a source that cannot be read has none."""
    marks = set()
    for source in options.sources:
        try:
            with open(project / source, "rb") as stream:
                head = stream.read(TEXT_MARK_BYTES)
        except OSError:  # the build will say so
            continue
        marks.add(hashlib.blake2b(head, digest_size=16).hexdigest())
    return frozenset(marks)


def next_edition(left: Sequence[int], costs: Sequence[int], marks: Sequence[frozenset[str]], seen: set[str]) -> int:
    """Which of the editions ``left`` (their indexes) a free worker builds
    next, that has built editions of the texts ``seen``: the costliest
    (``cost``) of those that share a text with them, or, when none does,
    the costliest of all. A tie goes to the first in the config."""
    kin = [n for n in left if marks[n] & seen]
    return min(kin or left, key=lambda n: (-costs[n], n))


@dataclass(frozen=True, slots=True)
class _Todo:
    """The editions an ``EditionPool`` builds: each with its build options,
    its ``cost``, its ``text_marks`` and the future of its result."""

    editions: list[EditionOptions]
    builds: list[BuildOptions]
    costs: list[int]
    marks: list[frozenset[str]]
    futures: list[cf.Future]


class EditionPool:
    """Worker processes that build editions; ``jobs``: how many at once.
    ``progress``: called with the workers' progress lines, or None (then
    the workers send none). ``fork_here``: their fork server may be a fork
    of this process, the command's own (``Scheduler.fork_here``)."""

    def __init__(self, jobs: int, progress: Progress | None = None, fork_here: bool = False) -> None:
        start_forkserver(PRELOAD, fork_here)  # (``Scheduler.fork_here``)
        context = multiprocessing.get_context("forkserver")
        self._stop = context.Event()
        self._messages = context.Queue() if progress is not None else None
        self._pool = cf.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self._stop, self._messages, os.getpid()),
        )
        self._jobs = jobs
        self._done = threading.Event()
        self._closed = False
        self._halt = False  # stopping: hand out no more editions
        self._handing = threading.Lock()  # held to hand one out, and to set ``_halt``
        self._dispatcher: threading.Thread | None = None  # hands the editions out (``build``)
        self._reader: threading.Thread | None = None
        if progress is not None:
            self._reader = threading.Thread(target=self._relay, args=(progress,), name="progress", daemon=True)
            self._reader.start()

    def build(self, editions: list[EditionOptions], builds: list[BuildOptions]) -> list[cf.Future]:
        """The futures of ``editions``' builds, each with its ``builds``, in
        their order (``workers`` of each build: None, a ``Scheduler`` stays
        in this process). They are handed out as workers come free, each to
        the free one (``next_edition``), by a thread of this process. Once
        for a pool: its workers are counted as free by that thread alone."""
        if self._dispatcher is not None:
            raise RuntimeError("an EditionPool builds one list of editions")
        projects = [Path(b.project_dir) for b in builds]
        todo = _Todo(
            editions,
            builds,
            [cost(e, project) for e, project in zip(editions, projects, strict=True)],
            [text_marks(e, project) for e, project in zip(editions, projects, strict=True)],
            [cf.Future() for _ in editions],
        )
        self._dispatcher = threading.Thread(target=self._dispatch_all, args=(todo,), name="editions", daemon=True)
        self._dispatcher.start()
        return todo.futures

    def _dispatch_all(self, todo: _Todo) -> None:
        """``_dispatch``; should it fail, every edition not built yet fails
        with its error (the CLI waits for each edition's future)."""
        try:
            self._dispatch(todo)
        except BaseException as err:
            for future in todo.futures:
                with contextlib.suppress(cf.InvalidStateError):
                    future.set_exception(err)

    def _dispatch(self, todo: _Todo) -> None:
        """Hand an edition out to each worker, and the next to each worker
        that is done, until none is left; each worker's result is copied to
        the edition's future. A worker is one of the pool's ``jobs`` slots:
        an edition handed out while the other slots' editions are being
        built is taken by the one worker free (two done at once may take
        each other's: only a saving is lost). Taking an edition of a text
        seen may start the largest one left later, by at most the time of
        the edition taken before it."""
        futures = todo.futures
        left = list(range(len(todo.editions)))
        running: dict[cf.Future, tuple[int, int]] = {}  # a worker's future: its slot, the edition
        seen: list[set[str]] = [set() for _ in range(self._jobs)]
        # The workers' futures as they end: a callback also runs for a
        # future the pool cancels (``close``), which ``cf.wait`` is not told of.
        ended: queue.SimpleQueue[cf.Future] = queue.SimpleQueue()

        def hand_out(slot: int) -> None:
            """The next edition to the worker of ``slot``; an edition that
            is cancelled, or that the pool cannot take, is passed over (it
            ends so), and the next is tried."""
            while left:
                n = next_edition(left, todo.costs, todo.marks, seen[slot])
                left.remove(n)
                with self._handing:
                    if self._halt:
                        futures[n].cancel()
                    if not futures[n].set_running_or_notify_cancel():  # cancelled: by the caller, or here
                        continue
                    try:
                        future = self._pool.submit(EDITION_TASK, todo.editions[n], todo.builds[n])
                    except Exception as err:  # the pool broke (a worker died): this edition fails with it
                        futures[n].set_exception(err)
                        continue
                    seen[slot] |= todo.marks[n]
                    running[future] = (slot, n)
                    future.add_done_callback(ended.put)
                    return

        for slot in range(self._jobs):
            hand_out(slot)
        while running:
            future = ended.get()
            slot, n = running.pop(future)
            if future.cancelled():  # by ``close(stop=True)``: the edition is running for its caller
                futures[n].set_exception(cf.CancelledError(f"edition {todo.editions[n].name} stopped"))
            elif (err := future.exception()) is not None:
                futures[n].set_exception(err)
            else:
                futures[n].set_result(future.result())
            hand_out(slot)

    def _relay(self, progress: Progress) -> None:
        assert self._messages is not None
        while not self._done.is_set():
            try:
                message = self._messages.get(timeout=0.1)
            except queue.Empty:
                continue
            except (OSError, EOFError, ValueError):  # the queue closed under us
                return
            if not self._stop.is_set():
                progress(message)

    def close(self, stop: bool = False) -> None:
        """Wait for every edition to be built; ``stop``: stop those being
        built, and drop those not handed out yet."""
        if self._closed:
            return
        self._closed = True
        if stop:
            self._stop.set()
            # Not waited for long: the dispatcher may hold it while it waits
            # for the lock of an edition's future that the interrupt left
            # held (``scheduling._stop_pool``); it reads ``_halt`` after.
            taken = self._handing.acquire(timeout=STOP_WAIT_S)
            self._halt = True
            if taken:
                self._handing.release()
        elif self._dispatcher is not None:  # every edition handed out first
            self._dispatcher.join()
        self._pool.shutdown(wait=True, cancel_futures=stop)
        if self._dispatcher is not None:
            # Stopped, it is not waited for long: the interrupt may have left
            # the lock of an edition's future held (``scheduling._stop_pool``),
            # which it would wait for forever. It ends with this process.
            self._dispatcher.join(STOP_WAIT_S if stop else None)
        self._done.set()
        if self._reader is not None:
            self._reader.join()
        if self._messages is not None:
            self._messages.close()
            self._messages.cancel_join_thread()

    def __enter__(self) -> EditionPool:
        return self

    def __exit__(self, kind, *_rest) -> None:
        self.close(stop=kind is not None)
