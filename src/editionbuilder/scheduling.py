"""Where the work of a build runs: in this process, a local process pool, or
a Dask cluster.

A build hands out pure tasks: a function of this package and the data it
needs (a part's HTML and stylesheet text, ``writers.print.typeset.PartTask``),
whose result is data (the part's PDF bytes and layout facts). So the same
task runs anywhere the package, WeasyPrint and the fonts are installed:

- ``jobs`` 1 and no scheduler: in the calling thread, one after the other;
- ``jobs`` N: a pool of N worker processes on this machine, started when
  the first task is handed out, or before (``Scheduler.warm_up``), from a
  fork server (``forkserver``: the workers do not inherit the build's
  threads, which a fork would, and WeasyPrint is loaded once, by the
  server). The command's own process forks that server from itself when
  it runs no other thread (``_fork_server``); else, and for a program
  that builds in its own process, multiprocessing starts a new interpreter;
- a scheduler address (``tcp://HOST:PORT``): ``distributed.Client`` sends
  the tasks to the Dask cluster behind it, retried on another worker when
  one fails or dies. Dask is imported only then.

A ``Scheduler`` is shared by every edition of a build built in this
process (``jobs``: the budget of the whole build). A build of several
editions with a local pool builds each edition in a worker process of its
own instead (``edition_pool``), its parts laid out there, inline.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import gc
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial
from types import FrameType
from typing import IO, Any, Generic, NoReturn, TypeVar

from .diagnostics import ConfigError

# Layout in this process is done one document at a time: WeasyPrint's logger,
# the line breaker's hook and the engine's other hooks (the layout contexts
# listed, ``engine._contexts_made``) are process-wide (writers/print/engine/),
# so two threads of a catalog build must not lay out at once.
LAYOUT_LOCK = threading.RLock()

# Held by whoever writes to stderr during a build (the CLI's progress and
# diagnostics) and by ``quiet_forkserver`` while stderr points at the null
# device: a line written from another edition's thread in that moment
# would be lost.
STDERR_LOCK = threading.RLock()

# What a worker that lays parts out imports: the typesetter, and the engine
# (WeasyPrint), which the typesetter loads only where it lays a part out.
TYPESETTER = ["editionbuilder.writers.print.typeset", "editionbuilder.writers.print.engine"]

# How long each task ``Scheduler.warm_up`` hands out keeps its worker busy:
# long enough that the next one finds no worker idle and the pool forks
# another, short beside a part's layout (the pool's workers are started
# while the build reads; a part handed out meanwhile waits this long).
WARM_UP_S = 0.01

# How often Dask runs a task again after it raised (a lost worker is
# another matter: the scheduler moves its tasks to the other workers).
DASK_RETRIES = 3


# The cyclic garbage collector's thresholds in a build of the CLI and in its
# workers (``fewer_collections``, ``start_worker``). A part's layout makes
# millions of objects that live as long as its document, and at Python
# 3.11's thresholds (700, 10, 10) the collector walks them again and again:
# 0.60 s of a 500-page PDF's 14.5 CPU seconds, against 0.30 s at these
# (timed with ``gc.callbacks``). Cycles are still collected: a worker's
# peak at 1,000 pages goes from 92 to 106 MB. (mypy raises its own.)
GC_THRESHOLDS = (10_000, 10, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector at ``GC_THRESHOLDS`` for a build, and back at the
    process's own thresholds after it. The thresholds are the process's:
    for one build at a time (the CLI builds a catalog's editions inside one)."""
    saved = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


def start_worker(build_pid: int) -> None:
    """A pool's worker: it leaves with the build (``leave_with_build``),
    collects garbage as a build does (``GC_THRESHOLDS``), leaves Ctrl-C to
    the build, and leaves on SIGTERM (``_stop_worker``). Its initializer
    (``Scheduler``, ``edition_pool``)."""
    gc.set_threshold(*GC_THRESHOLDS)
    leave_with_build(build_pid)
    # Ctrl-C reaches every process of the terminal's group: the build's
    # process alone answers it, and stops its workers (``_stop_pool``).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_worker)


class WorkerStopped(KeyboardInterrupt):
    """Raised in a pool's worker by SIGTERM during a task: the build stopped (``_stop_pool``)."""


# In a pool's worker: whether a task runs (``_task``), and whether the build
# asked the worker to leave (SIGTERM, ``_stop_worker``).
_in_task = False
_stopping = False


def _stop_worker(_signum: int, frame: FrameType | None) -> None:
    """SIGTERM in a pool's worker: during a task, the task unwinds (its
    temporary files removed, its children killed) and the worker leaves
    (``_task``), the build's next requests left unanswered while it
    unwinds; while the worker sends a result back, nothing yet (a result
    cut in two would leave the build's end of the pipe waiting for the
    rest forever: the build asks again, ``_stop_pool``); between tasks,
    the worker leaves at once."""
    global _stopping
    first, _stopping = not _stopping, True
    if _in_task:
        if first:
            raise WorkerStopped
        return
    if sending_a_result(frame):
        return
    os._exit(1)


def sending_a_result(frame: FrameType | None) -> bool:
    """Whether ``frame`` (a signal handler's) is within a pool worker's
    sending of a result to the build (``concurrent.futures.process``)."""
    while frame is not None:
        if frame.f_code.co_name == "_sendback_result":
            return True
        frame = frame.f_back
    return False


def _task(fn: Callable[..., Any], /, *args: Any) -> Any:
    """``fn(*args)`` in a worker of this machine's pool, which leaves once
    the call has unwound if the build stopped it (``_stop_worker``): the
    pool would otherwise hand it the next task."""
    global _in_task
    if _stopping:
        os._exit(1)
    _in_task = True
    try:
        return fn(*args)
    except WorkerStopped:
        os._exit(1)
    finally:
        _in_task = False


def available_cores() -> int:
    """The cores this process may run on."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counter is not None:
        return max(counter() or 1, 1)
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


class _Inline(cf.Executor):
    """Runs each task at once, in the calling thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


@dataclass
class Scheduler:
    """The executor of a build's tasks, made on first use (``submit``) and
    shut down by ``close``. ``jobs``: how many tasks may run at once;
    ``address``: a Dask scheduler's, or "" for this machine."""

    jobs: int = 1
    address: str = ""
    # The pool's fork server may be a fork of this process (``quiet_forkserver``):
    # a process that is the command's own (``cli.run``), not a program's
    # that builds in its own (a fork would carry into every worker whatever
    # that program had changed in the modules by then).
    fork_here: bool = False
    _executor: cf.Executor | None = field(default=None, repr=False)
    _client: Any = field(default=None, repr=False)
    _threads: int = 0  # the Dask cluster's, when it answered
    _warming: bool = field(default=False, repr=False)  # ``warm_up`` was asked
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def parallel(self) -> bool:
        """Whether tasks run elsewhere, several at once (else: inline)."""
        return bool(self.address) or self.jobs > 1

    @property
    def helpers(self) -> int:
        """How many children a worker of this machine's pool may fork to
        write what it laid out while it lays out the next stretch of a long
        part (``Forked``): one, for a pool of two jobs or more (a long part
        keeps one worker busy, and its stretches' PDFs take the time of
        another: in a pool of two, the core of the worker left idle when
        no other part is left). The build process forks twice as many, to
        join its press and screen PDFs while it writes the other outputs
        (``pipeline.build_edition``). None in a Dask worker, whose tasks run in
        threads beside the worker's own (a fork copies only the calling
        thread, and may find a lock another one held), nor for one job,
        nor in a build of several editions (each edition's worker lays its
        parts out inline, ``edition_pool``)."""
        return 1 if self.jobs > 1 and not self.address else 0

    @property
    def slots(self) -> int:
        """How many tasks to keep in flight."""
        return max(self.jobs, self._threads)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future:
        executor = self.executor()
        if isinstance(executor, _Inline) or self.address:
            return executor.submit(fn, *args)
        return executor.submit(_task, fn, *args)

    def warm_up(self) -> None:
        """Start this machine's pool in the background, while the build
        reads its sources: the fork server, which imports the typesetter
        (a third of a second), and every worker, forked from it (a worker
        the pool forked when a part is handed out would hold that part back
        by a tenth of a second). A pool forks a worker for a task when none
        is idle: each of the ``jobs`` tasks handed out here keeps its worker
        busy for ``WARM_UP_S``, so that the next one finds none idle. Nothing
        for one job, or a Dask cluster (its workers are running already);
        nothing again once asked, until ``close``."""
        with self._lock:
            if self.jobs <= 1 or self.address or self._executor is not None or self._warming:
                return
            self._warming = True
        # The fork server is started here, in the calling thread, before the
        # warm-up thread is: forked from this process if it runs no other
        # thread, else a new interpreter (``quiet_forkserver``).
        with contextlib.suppress(Exception):  # a pool that cannot start says so on its first real task
            start_forkserver(TYPESETTER, self.fork_here)
        threading.Thread(target=self._start, name="editionbuilder-warm-up", daemon=True).start()

    def _start(self) -> None:
        with contextlib.suppress(Exception):  # a pool that cannot start says so on its first real task
            executor = self.executor()
            for _ in range(self.jobs):
                executor.submit(_task, time.sleep, WARM_UP_S)

    def executor(self) -> cf.Executor:
        with self._lock:
            if self._executor is None:
                self._executor = self._make()
            return self._executor

    def _make(self) -> cf.Executor:
        if self.address:
            self._client = dask_client(self.address)
            self._threads = _dask_threads(self._client)
            return self._client.get_executor(retries=DASK_RETRIES, pure=False)
        if self.jobs <= 1:
            return _Inline()
        import multiprocessing  # only for a pool: a build of one job needs none

        # The workers start from a server that has imported the typesetter
        # and its engine (WeasyPrint) once: a new worker is a fork of it, not
        # a fresh start. This process imports neither to hand parts out.
        start_forkserver(TYPESETTER, self.fork_here)
        context = multiprocessing.get_context("forkserver")
        return cf.ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=context, initializer=start_worker, initargs=(os.getpid(),)
        )

    def close(self, cancel: bool = False) -> None:
        with self._lock:
            executor, client = self._executor, self._client
            self._executor = self._client = None
            self._warming = False
        # A pool's module is loaded only when a pool is made: a build of one
        # job that checked its executor against it would load it for nothing.
        pools = sys.modules.get("concurrent.futures.process")
        if pools is not None and isinstance(executor, pools.ProcessPoolExecutor):
            if cancel:
                _stop_pool(executor)
            else:
                executor.shutdown(wait=True)
        elif executor is not None:
            executor.shutdown(wait=not cancel)
        if client is not None:
            client.close()

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, kind, *_rest) -> None:
        self.close(cancel=kind is not None)


INLINE = Scheduler()

# How long a stopped build waits for its pool's workers to unwind their
# tasks (``_stop_pool``) before it kills those still running, and then for
# the pool's own thread to end.
STOP_WAIT_S = 5.0
# How often a stopped build asks its workers again to leave: a worker that
# was sending a result back leaves once it is done (``_stop_worker``).
STOP_ASK_S = 0.05

# What this process started that may never end (``leave_behind``).
_left: set[object] = set()


def leave_behind(what: object) -> None:
    """Say that ``what`` (a thread, a pool) may never end: left waiting for
    a lock that an interrupt left held (``_stop_pool``). The command then
    leaves without waiting for its threads (``cli.run``)."""
    _left.add(what)


def left_behind() -> bool:
    """Whether something was left behind (``leave_behind``)."""
    return bool(_left)


def _stop_pool(executor: cf.ProcessPoolExecutor) -> None:
    """A stopped build's pool (Ctrl-C, SIGTERM, an error): the parts not
    started dropped, each worker asked to leave (SIGTERM, again every
    ``STOP_ASK_S``: its part unwinds, its temporary files removed and its
    children killed, ``_stop_worker``) and waited for, killed past
    ``STOP_WAIT_S``; then the pool's own thread waited for as long.

    That thread may never end: an interrupt raised inside
    ``threading.Condition.__enter__`` once its lock is taken (Python runs
    signal handlers there) leaves a future's lock held by the interrupted
    thread, which the pool's thread then waits for forever. The pool is
    then left behind (``leave_behind``). (``_processes`` and
    ``_executor_manager_thread`` are private: Python 3.14's
    ``terminate_workers`` does what is done here with the first.)"""
    from multiprocessing import connection  # loaded with the pool already

    # Taken before the shutdown, which lets them go; the dict is the pool's,
    # and holds a worker a task handed out meanwhile starts (``shutdown``
    # waits for that task's ``submit`` to end).
    processes = getattr(executor, "_processes", None) or {}
    manager = getattr(executor, "_executor_manager_thread", None)
    # Left behind until its thread is seen to end: a second Ctrl-C while
    # this waits must not leave the command waiting for it at its exit.
    leave_behind(executor)
    executor.shutdown(wait=False, cancel_futures=True)
    workers = list(processes.values())
    try:
        deadline = time.monotonic() + STOP_WAIT_S
        while alive := [w for w in workers if w.is_alive()]:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for worker in alive:
                with contextlib.suppress(OSError, ValueError):  # gone meanwhile
                    worker.terminate()
            connection.wait([w.sentinel for w in alive], timeout=min(STOP_ASK_S, left))
    finally:
        for worker in workers:
            with contextlib.suppress(OSError, ValueError, AssertionError):
                if worker.is_alive():
                    worker.kill()
                worker.join()
    if manager is not None:
        manager.join(STOP_WAIT_S)
    if manager is None or not manager.is_alive():
        _left.discard(executor)


def leave_with_build(build_pid: int) -> None:
    """Make this worker process exit when the build process that started
    its pool is gone without closing it (SIGKILL, the out-of-memory
    killer). Nothing else would end it: each worker holds the pool's queues
    open, so none sees them close, and the fork server waits for every
    process it started. Called by a worker's initializer (``start_worker``)."""

    def watch() -> None:
        try:
            found = os.pidfd_open(build_pid)  # Linux: readable once the process has exited
        except (AttributeError, OSError):
            found = None
        if found is not None:
            select.select([found], [], [])
        else:  # elsewhere: asked every second
            while True:
                time.sleep(1)
                try:
                    os.kill(build_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    continue
        os._exit(1)

    threading.Thread(target=watch, name="editionbuilder-build-watch", daemon=True).start()


def start_forkserver(preload: list[str], fork_here: bool = False) -> None:
    """Start the fork server of this process's pools, if it is not
    running, with the modules ``preload`` imported (``quiet_forkserver``)."""
    import multiprocessing

    multiprocessing.get_context("forkserver").set_forkserver_preload(preload)
    quiet_forkserver(fork_here)


def quiet_forkserver(fork_here: bool = False) -> None:
    """Start the fork server, if it is not running: a fork of this process
    when ``fork_here`` and it can be (``_fork_server``), else a new
    interpreter, as multiprocessing starts it. Either way with its stderr
    on the null device, and multiprocessing's resource tracker (started
    first) too: the workers forked from it hand back everything they have
    to say as data; a worker still starting when a stopped build's process
    exits finds the pool gone and would print a traceback after
    "editionbuilder: terminated", and the tracker would warn of the pool's
    semaphores left."""
    from multiprocessing import forkserver

    for stream in (sys.stdout, sys.stderr):  # nothing buffered lost, nor written twice by a fork
        with contextlib.suppress(Exception):
            stream.flush()
    if fork_here and _fork_server():
        return
    with _stderr_quiet():
        forkserver.ensure_running()


@contextlib.contextmanager
def _stderr_quiet() -> Iterator[None]:
    """This process's stderr on the null device meanwhile, for what it
    starts (``STDERR_LOCK`` held: no line of another thread's is lost)."""
    with STDERR_LOCK:
        saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(null)


# What ``_fork_server`` reads of multiprocessing's fork server, as CPython
# keeps it from 3.8 to 3.13: where it listens, the write end of the pipe
# whose end tells it to leave, its pid, its lock, and the modules it
# preloads. From 3.14 the server and its clients share a key
# (``_forkserver_authkey``), which a server forked here would not know:
# there, and wherever a field is missing, multiprocessing starts its own.
_SERVER_FIELDS = ("_forkserver_address", "_forkserver_alive_fd", "_forkserver_pid", "_lock", "_preload_modules")
_SERVER_UNKNOWN = ("_forkserver_authkey",)


def _fork_server() -> bool:
    """Start multiprocessing's fork server as a fork of this process, not
    as a new interpreter: it has this process's modules already, and
    imports only what it preloads and this process has not (WeasyPrint),
    ready sooner and for less, and its workers find the build's own
    modules imported (the 100-page book's two-job screen PDF, ten builds
    each way taking turns with a server started as a new interpreter: 2.31
    to 2.42 s against 2.52 to 2.68 s). What it is given is what
    multiprocessing gives the one it starts: a socket to listen on and the
    read end of the pipe that tells it to leave (``_serve_forks``). Only
    from the main thread of a process that runs no other thread (a fork
    copies only the calling thread: a lock another one held would stay held
    in the server, which imports modules), where the files a process has
    open can be listed, and where multiprocessing keeps its fork server as
    this knows it (``_SERVER_FIELDS``); False otherwise, or when a fork
    server was started already (multiprocessing then knows it, and says
    whether it still runs). Signals are held back from the fork until the
    server is known here, and in the server until its handlers are Python's
    again: none runs a handler of the build's in the server, nor leaves a
    server that multiprocessing does not know. The build's objects are
    frozen for the fork (``gc.freeze``): the server and its workers never
    collect them, so that no finalizer of the build's runs there, and their
    pages stay shared."""
    import socket
    from multiprocessing import connection, forkserver, util

    server: Any = getattr(forkserver, "_forkserver", None)
    arbitrary_address = getattr(connection, "arbitrary_address", None)  # (not in the stubs)
    if (
        not hasattr(os, "fork")
        or not hasattr(signal, "pthread_sigmask")
        or _threads() != 1
        or threading.current_thread() is not threading.main_thread()
        or _open_fds() is None
        or server is None
        or arbitrary_address is None
        or not all(hasattr(server, name) for name in _SERVER_FIELDS)
        or any(hasattr(server, name) for name in _SERVER_UNKNOWN)
    ):
        return False
    with server._lock:
        if server._forkserver_pid is not None:
            return False
        _start_tracker()  # as multiprocessing does first: its workers are given the tracker's pipe
        try:
            with socket.socket(socket.AF_UNIX) as listener:
                address = arbitrary_address("AF_UNIX")
                listener.bind(address)
                if not util.is_abstract_socket_namespace(address):
                    os.chmod(address, 0o600)
                listener.listen()
                alive_r, alive_w = os.pipe()
                held = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
                try:
                    pid = _frozen_fork()
                    if pid == 0:  # (the build's objects stay frozen there)
                        _serve_forks(listener.fileno(), alive_r, list(server._preload_modules or ()), held)
                    os.close(alive_r)
                    server._forkserver_address = address
                    server._forkserver_alive_fd = alive_w
                    server._forkserver_pid = pid
                except BaseException:
                    os.close(alive_r)
                    os.close(alive_w)
                    raise
                finally:
                    signal.pthread_sigmask(signal.SIG_SETMASK, held)
        except OSError:  # no socket, no pipe or no process to be had: multiprocessing's own way
            return False
    return True


def _frozen_fork() -> int:
    """``os.fork()`` with this process's objects frozen (``gc.freeze``) in
    the child: it never collects them, so no finalizer of the build's runs
    there, and their pages stay shared. The parent has them back at once."""
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        raise
    if pid:
        gc.unfreeze()
    return pid


def _serve_forks(listener: int, alive_r: int, preload: list[str], held: Iterable[int | signal.Signals]) -> NoReturn:
    """The fork server forked from a build (``_fork_server``), given what a
    new interpreter would have of the build (``_as_a_new_process``: the
    workers it forks inherit it), and the socket it listens on and the
    pipe that tells it to leave. Then multiprocessing's own loop, which
    forks the workers. It leaves with ``os._exit``, running nothing of the
    build's exit. ``held``: the signal mask of the build before the fork."""
    from multiprocessing import forkserver

    code = 1
    try:
        server: Any = forkserver._forkserver
        server._lock = threading.Lock()  # (held by the build's thread at the fork)
        _as_a_new_process((listener, alive_r), held)
        forkserver.main(listener, alive_r, preload)
        code = 0
    except SystemExit:  # the pipe's end: every process that used the server has left
        code = 0
    finally:
        os._exit(code)


def _as_a_new_process(keep: Iterable[int], held: Iterable[int | signal.Signals], streams: bool = True) -> None:
    """In a child forked from a build (``_serve_forks``, ``_fork_tracker``):
    what a new interpreter would have of the build. Python's signal
    handlers, as a new interpreter starts with them: a signal the build
    handled itself is given its default action back (a signal it ignored
    stays ignored, as across a new program), and the signal mask ``held``.
    Its standard input and output (when ``streams``), and the files of
    ``keep``: every other file the build had open is replaced by the null
    device (stderr too, as ``quiet_forkserver`` starts the others). A pipe
    or a lock of the build's is not held open by the child, and the number
    stays taken, so that an object of the build's that closes its file
    closes the null device, not a file opened since."""
    for sig in signal.valid_signals():
        if callable(signal.getsignal(sig)):
            signal.signal(sig, signal.default_int_handler if sig == signal.SIGINT else signal.SIG_DFL)
    signal.set_wakeup_fd(-1)
    signal.pthread_sigmask(signal.SIG_SETMASK, held)
    kept = {*((0, 1) if streams else ()), *keep}
    null = os.open(os.devnull, os.O_RDWR)
    for fd in _open_fds() or ():
        if fd not in kept and fd != null:
            with contextlib.suppress(OSError):
                os.dup2(null, fd, inheritable=fd <= 2)
    os.close(null)


# What ``_start_tracker`` reads of multiprocessing's resource tracker, as
# CPython keeps it from 3.8 to 3.14: the write end of the pipe it reads, its
# pid and its lock.
_TRACKER_FIELDS = ("_fd", "_pid", "_lock")


def _start_tracker() -> None:
    """Start multiprocessing's resource tracker, if it is not running, as a
    fork of this process (``_fork_server``, which checked that it may
    fork) rather than as a new interpreter: the interpreter's start cost
    0.06 CPU s, beside the build reading its text and the fork server
    importing WeasyPrint on two cores. The tracker reads a pipe that every
    process of the pool writes to, and removes the semaphores and shared
    memory they leave once the last has closed it. Where multiprocessing
    keeps it otherwise than this knows (``_TRACKER_FIELDS``), or started it
    already, it is multiprocessing's to start (with stderr on the null
    device)."""
    from multiprocessing import resource_tracker

    tracker: Any = getattr(resource_tracker, "_resource_tracker", None)
    main = getattr(resource_tracker, "main", None)
    if tracker is not None and callable(main) and all(hasattr(tracker, name) for name in _TRACKER_FIELDS):
        with tracker._lock:
            if tracker._fd is None:
                with contextlib.suppress(OSError):  # no pipe or no process: multiprocessing's own way
                    _fork_tracker(tracker, main)
                    return
    with _stderr_quiet():
        resource_tracker.ensure_running()


def _fork_tracker(tracker: Any, main: Any) -> None:
    """Fork the resource tracker from this process, and give ``tracker``
    (multiprocessing's) its pid and the write end of the pipe it reads
    (``_start_tracker``). Signals are held back from the fork until then,
    as ``_fork_server`` holds them; the tracker starts with SIGINT and
    SIGTERM still held, as multiprocessing starts it: its loop ignores them
    (a Ctrl-C reaches the whole process group) before it lets them in. Its
    standard input and output are the null device too (its loop closes
    them), and its hook for uncaught exceptions and its stderr are
    Python's own. It leaves with the status its loop gives (from Python
    3.13: whether it found resources left, or failed to remove them)."""
    read, write = os.pipe()
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        try:
            pid = _frozen_fork()
            if pid == 0:  # (the build's objects stay frozen there: none of its finalizers runs)
                code = 1
                try:
                    _as_a_new_process((read,), {*held, signal.SIGINT, signal.SIGTERM}, streams=False)
                    sys.excepthook, sys.stderr = sys.__excepthook__, sys.__stderr__
                    main(read)
                    code = 0
                except SystemExit as end:  # (3.13: ``main`` leaves with its status)
                    code = end.code if isinstance(end.code, int) else int(end.code is not None)
                finally:
                    os._exit(code)
            tracker._pid, tracker._fd = pid, write
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
    except BaseException:
        os.close(write)
        raise
    finally:
        os.close(read)


def _threads() -> int:
    """How many threads this process runs: from the system where it says
    (a thread started outside ``threading`` counts), else ``threading``'s."""
    with contextlib.suppress(OSError):
        return len(os.listdir("/proc/self/task"))
    return threading.active_count()


def _open_fds() -> list[int] | None:
    """The files this process has open (their numbers), or None where they
    cannot be listed."""
    for folder in ("/proc/self/fd", "/dev/fd"):
        with contextlib.suppress(OSError):
            return sorted(int(name) for name in os.listdir(folder) if name.isdigit())
    return None


def dask_client(address: str) -> Any:
    """A ``distributed.Client`` of the cluster at ``address``; a one-line
    ``ConfigError`` when Dask is not installed or the scheduler does not answer."""
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(
            f"--scheduler {address}: Dask is not installed (pip install 'editionbuilder[cluster]')"
        ) from None
    try:
        return Client(address, timeout=10, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"--scheduler {address}: no Dask scheduler answers there ({exc})") from None


def _dask_threads(client: Any) -> int:
    try:
        return sum(client.nthreads().values()) or 1
    except Exception:  # a scheduler gone: the tasks will say so
        return 1


def check_address(address: str) -> str:
    """A Dask scheduler's address as the config or ``--scheduler`` gives it."""
    if address and "://" not in address:
        raise ConfigError(f"scheduler {address!r}: expected an address such as tcp://HOST:8786")
    return address


T = TypeVar("T")

# A forked child that has slept this long without using any CPU time is
# taken as stuck (``_reap``): waiting forever for a lock that another
# thread of its parent held at the fork. What a child does (laying out,
# joining, writing a file) waits on no other process; a child waiting on
# the disk or for memory is not asleep so (Linux's state "D", not "S").
STUCK_AFTER_S = 10.0


def _cpu_state(pid: int) -> tuple[str, int] | None:
    """Process ``pid``'s state and the CPU time it has used, in clock ticks
    (Linux's ``/proc``); None where they cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        # state, utime, stime: fields 3, 14 and 15 of proc(5)
        return fields[0].decode("ascii"), int(fields[11]) + int(fields[12])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None


def _reap(pid: int) -> int:
    """Wait for child ``pid`` to end, and its wait status. A child stuck
    (asleep, with no CPU time used, for ``STUCK_AFTER_S``) is killed first:
    its call then runs in this process (``Forked``). Where a child's state
    cannot be read (not Linux), it is waited for as long as it runs."""
    try:
        ended = os.pidfd_open(pid)  # readable once the child has ended
    except (AttributeError, OSError):
        return os.waitpid(pid, 0)[1]
    try:
        seen, still = _cpu_state(pid), 0.0
        check = min(STUCK_AFTER_S / 4, 1.0)
        while not select.select([ended], [], [], check)[0]:
            now = _cpu_state(pid)
            asleep = now is not None and seen is not None and now[0] == "S" and now[1] == seen[1]
            still = still + check if asleep else 0.0
            seen = now
            if still >= STUCK_AFTER_S:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                break
        return os.waitpid(pid, 0)[1]
    finally:
        os.close(ended)


@dataclass(frozen=True)
class Pending(Generic[T]):
    """A call handed to ``Forked``: called, its result (once); ``drop``:
    not wanted (a child still running it is killed)."""

    result: Callable[[], T]
    drop: Callable[[], None]

    def __call__(self) -> T:
        return self.result()


# Linux's prctl option by which a process is sent a signal when the thread
# that forked it ends (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1


@cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (None elsewhere), found before a fork: a
    child forked from a process with other threads loads no library (one
    of them may have held the loader's lock at the fork)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        found: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return found


class Forked(Generic[T]):
    """Calls run in children forked from this process, at most ``helpers``
    at a time (0: each runs here, when its result is asked for). A child
    sees this process's memory as it was at the fork, with nothing copied:
    what a worker has laid out is written there (a laid-out page holds
    the text engine's objects, which cannot be sent to another process),
    while the worker goes on. Its result comes back pickled, through a
    file. A call whose child cannot be forked, or fails or dies, or is
    stuck (``_reap``), runs again here when its result is asked for: the
    error, if any, is raised here,
    and a call must give the same result wherever it runs. The file has no
    name (``tempfile.TemporaryFile``): a child and this process share it
    open, and it goes when both have closed it, so that none is left
    behind, whatever process is killed. Used as a context manager: leaving
    it waits for the children still running.

    Used by a worker, to write a long part's stretches (its only other
    thread waits on the build process and holds no lock), and by the build
    process, to join a PDF (``pipeline.build_edition``: its other threads
    are the pool's, and the site server's in ``serve --watch``). A child
    prints nothing, and calls nothing of those threads': a lock one of them
    held at the fork stays held in the child. On Linux a child is killed
    when the thread that forked it ends (``PR_SET_PDEATHSIG``), which the
    context manager otherwise waits for: a worker, or a build, killed
    (SIGKILL, the out-of-memory killer, a worker still running 5 s after a
    stop: ``_stop_pool``) leaves no child writing a stretch no one will
    read."""

    def __init__(self, helpers: int) -> None:
        self.helpers = helpers
        self._running: dict[int, tuple[int, IO[bytes]]] = {}  # by call's number: the child's pid and its file
        self._done: dict[int, bytes | None] = {}  # what a child wrote, by call's number (None: it failed)
        self._given: set[int] = set()  # the calls whose result was given
        self._calls = 0

    def submit(self, call: Callable[[], T]) -> Pending[T]:
        """Start ``call``; what is returned gives its result, once, when
        called (or, dropped, stops it)."""
        while len(self._running) >= self.helpers > 0:
            self._wait(next(iter(self._running)))
        self._calls += 1
        child = self._fork(call) if self.helpers > 0 else None
        if child is not None:
            self._running[self._calls] = child
        return Pending(partial(self._result, self._calls, call), partial(self._drop, self._calls))

    def _drop(self, number: int) -> None:
        """A call whose result is not wanted: its child, if still running, killed."""
        if number in self._given:
            return
        self._given.add(number)
        if number in self._running:
            with contextlib.suppress(OSError):
                os.kill(self._running[number][0], signal.SIGKILL)
            self._wait(number)
        self._done.pop(number, None)

    def _fork(self, call: Callable[[], T]) -> tuple[int, IO[bytes]] | None:
        try:
            # kept open until the child is waited for (``_wait``)
            out = tempfile.TemporaryFile(prefix="editionbuilder-", suffix=".pickle")  # noqa: SIM115
        except OSError:  # no room for a file: the call runs here
            return None
        die_with, parent = _prctl(), os.getpid()
        try:
            with warnings.catch_warnings():
                # Python warns of a fork in a process with other threads: a
                # worker's only other thread waits on the build process
                # (``leave_with_build``) and holds no lock.
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except (AttributeError, OSError):  # no fork here, or no room for a process
            out.close()
            return None
        except BaseException:
            out.close()
            raise
        if pid == 0:  # the child: it leaves with os._exit, running nothing of this process's exit
            code = 1
            try:
                if die_with is not None:
                    die_with(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                if os.getppid() != parent:  # its parent ended before the child asked for that
                    os._exit(1)
                # The collector would walk (and so copy) every object the
                # child shares with its parent; the child lives one call.
                gc.disable()
                # Nothing is printed from the child: another thread may have
                # held a stream's lock at the fork (the site server's, in
                # ``serve --watch``), which the child would wait for forever.
                # A call that fails runs again in this process, and speaks there.
                sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115
                out.write(pickle.dumps(call(), protocol=pickle.HIGHEST_PROTOCOL))
                out.flush()
                code = 0
            finally:
                os._exit(code)
        return pid, out

    def _wait(self, number: int) -> None:
        """Wait for a child, and keep what it wrote (None when it failed).
        The child is forgotten once it is waited for: interrupted (Ctrl-C),
        leaving kills it and waits for it."""
        pid, out = self._running[number]
        data = None
        try:
            status = _reap(pid)
        except ChildProcessError:  # waited for already
            status = -1
        del self._running[number]
        try:
            if status != -1 and os.waitstatus_to_exitcode(status) == 0:
                out.seek(0)  # (the child's writes moved the offset both share)
                data = out.read()
        except OSError:
            data = None
        finally:
            out.close()
        self._done[number] = data

    def _result(self, number: int, call: Callable[[], T]) -> T:
        if number in self._given:
            raise RuntimeError("a forked call's result is given once")
        self._given.add(number)
        if number in self._running:
            self._wait(number)
        data = self._done.pop(number, None)
        if data is None:
            return call()
        result: T = pickle.loads(data)
        return result

    def __enter__(self) -> Forked[T]:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        """Wait for the children still running; on an error (or a stop),
        kill them first: what they write is no longer wanted."""
        for number in list(self._running):
            if kind is not None:
                with contextlib.suppress(OSError):
                    os.kill(self._running[number][0], signal.SIGKILL)
            self._wait(number)
        self._done.clear()
