"""The command line: the only place that prints or exits.

    editionbuilder build [--config FILE] [--edition NAME] [--out DIR]
    editionbuilder build FILE... [--out DIR] [SOURCE OPTIONS]
    editionbuilder inspect FILE [--stats] [SOURCE OPTIONS]
    editionbuilder preflight [--config FILE] [--edition NAME] [--out DIR]
    editionbuilder check [--config FILE] [--edition NAME] [--out DIR]
    editionbuilder export FILE-or-EDITION --to FORMAT [SOURCE OPTIONS]
    editionbuilder site [--config FILE] [--out DIR]
    editionbuilder serve [--config FILE] [--out DIR] [--port N] [--bind ADDRESS] [--watch]
    editionbuilder init DIR
    editionbuilder --version

SOURCE OPTIONS are pandoc's, for source FILEs only (a config sets the same
things itself): -f/--from FORMAT, --bibliography FILE, --csl FILE,
-M/--metadata KEY=VALUE.

Diagnostics print as ``file:line: warning: message [code]`` on stderr;
errors as one line ``editionbuilder: error: ...`` with the exit code of
their class (see README), with no traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import codes
from .config import DEFAULT_CONFIG_NAME, SourceOptions, load_config, one_off_edition, source_date_epoch
from .diagnostics import Diagnostics, EditionError, OutputError, Severity
from .model import Position, serialize
from .options import BuildOptions, EditionOptions, output_name
from .report.accounting import stats

if TYPE_CHECKING:
    from .scheduling import Scheduler

EXIT_STRICT = 6
EXIT_PREFLIGHT = 7  # a press file failed a print-on-demand check (or is missing)
EXIT_FIDELITY = 8  # an output's words are not the model's (lost, moved or added)
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_TERMINATED = 128 + signal.SIGTERM
# In the output folder: what a build keeps for the next (typeset parts,
# covers, compiled templates and patterns); safe to delete.
CACHE_DIR = ".cache"


def main(argv: list[str] | None = None, *, command: bool = False) -> int:
    """The ``editionbuilder`` command line ``argv`` (else the process's
    arguments) run, and its exit status. ``command``: this process is the
    command's own, as ``run`` makes it: a stop is watched to its end
    (``_watch_the_stop``), and a pool's fork server may be a fork of it
    (``Scheduler.fork_here``), for the rest of the process (the command's
    exit is watched too). A program that calls ``main`` in its own process
    leaves it False."""
    global _watching_stops
    if command:
        _watching_stops = True
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with _terminate_as_interrupt():
            return args.func(args)
    except EditionError as err:
        if args.debug:
            raise
        print(f"editionbuilder: error: {err.format()}", file=sys.stderr)
        return err.exit_code
    except Terminated:
        _end_progress_line()
        print("editionbuilder: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        _end_progress_line()
        print("editionbuilder: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as err:  # the machine refused a read or a write the code did not expect to fail
        if args.debug:
            raise
        where = f"{err.filename}: " if err.filename else ""
        print(f"editionbuilder: error: {where}{err.strerror or err}", file=sys.stderr)
        return OutputError.exit_code
    except Exception as err:  # a bug: say so in one line, details with --debug
        if args.debug:
            raise
        print(
            f"editionbuilder: internal error: {type(err).__name__}: {err} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


# How long a stop (Ctrl-C, SIGTERM) may take the command: past it, the
# command leaves at once (``_watch_the_stop``).
STOP_DEADLINE_S = 60.0
_watching_stops = False  # the command runs (``run``, ``main(command=True)``), not ``main`` alone


def run() -> NoReturn:
    """The ``editionbuilder`` command: ``main``, and its exit status. A
    command that left a thread that may never end (``scheduling.left_behind``:
    a pool's, waiting for a lock an interrupt left held) leaves at once,
    where the interpreter's exit would wait for that thread forever; so does
    a stop that has not ended after ``STOP_DEADLINE_S``, the exit included."""
    code = main(command=True)
    scheduling = sys.modules.get("editionbuilder.scheduling")
    if scheduling is not None and scheduling.left_behind():
        _leave(code)
    sys.exit(code)


def _leave(code: int) -> NoReturn:
    """Leave now, with ``code``, what was printed written out."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing more to say
            stream.flush()
    _forget_temp_folder()
    os._exit(code)


def _forget_temp_folder() -> None:
    """Remove the folder multiprocessing made for its fork server's socket,
    as its own exit would (``multiprocessing.util.get_temp_dir``; the
    ``tempdir`` it keeps is private), for a command that leaves without it."""
    processes = sys.modules.get("multiprocessing.process")
    config = getattr(processes.current_process(), "_config", {}) if processes is not None else {}
    folder = config.get("tempdir") if isinstance(config, dict) else None
    if isinstance(folder, str):
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


_stop_code = 0  # the exit status of the stop watched (``_watch_the_stop``), once one is


def _watch_the_stop(code: int) -> None:
    """On the first stop of the command (``run``): if it has not ended
    after ``STOP_DEADLINE_S``, the command leaves with ``code``
    (``_stop_overdue``), whatever its undoing waits for (a lock that an
    interrupt left held, which a thread the build waits for needs). Called
    by a signal handler: a timer of the process, no lock taken."""
    global _stop_code
    if not _watching_stops or _stop_code:
        return
    _stop_code = code
    signal.setitimer(signal.ITIMER_REAL, STOP_DEADLINE_S)


def _stop_overdue(_signum: int, _frame: object) -> None:
    """SIGALRM, ``STOP_DEADLINE_S`` after a stop: its line, and leave. It
    runs in the main thread even while that thread waits for a lock, and
    takes none (the streams' own may be held)."""
    line = "terminated" if _stop_code == EXIT_TERMINATED else "interrupted"
    with contextlib.suppress(OSError):
        os.write(2, f"editionbuilder: {line}\n".encode())
    with contextlib.suppress(Exception):
        _forget_temp_folder()
    os._exit(_stop_code)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the build is, so that it unwinds as after
    Ctrl-C: staging folders removed, the last good files kept."""


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(_signum: int, _frame: object) -> None:
        _watch_the_stop(EXIT_TERMINATED)
        raise Terminated

    def interrupt(_signum: int, _frame: object) -> None:
        _watch_the_stop(EXIT_INTERRUPTED)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    # Ctrl-C as Python answers it, watched; not where it is ignored (a
    # command started in the background).
    interrupting = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if interrupting:
        signal.signal(signal.SIGINT, interrupt)
    alarm = signal.signal(signal.SIGALRM, _stop_overdue) if _watching_stops else None
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        if interrupting:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        # After a stop, the deadline stays set: it covers the interpreter's
        # exit too, which waits for the threads the command started.
        if alarm is not None and not _stop_code:
            signal.signal(signal.SIGALRM, alarm)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="editionbuilder", description="Build EPUB and print PDF editions from plain-text sources."
    )
    # --debug goes before or after the command; the subcommands leave it unset
    # (SUPPRESS) unless given, so they do not undo a --debug given before them.
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.add_argument("--version", action=_Version, help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build editions (all in the config, or one from FILEs)")
    b.add_argument("files", nargs="*", type=Path, help="sources for a one-off edition (no config)")
    b.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    b.add_argument("--edition", action="append", default=[], help="build only this edition (repeatable)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: the config's output, output/)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--format", action="append", choices=["epub", "pdf"], help="only this output (repeatable)")
    b.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="build N editions, or lay out N parts of one, at once (default: the config's jobs, else one per core)",
    )
    b.add_argument(
        "--scheduler",
        default="",
        metavar="ADDRESS",
        help="lay the parts out on the Dask cluster of this scheduler (tcp://HOST:PORT; needs dask[distributed])",
    )
    b.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    _add_source_options(b)
    b.set_defaults(func=cmd_build)
    i = sub.add_parser("inspect", help="print the edition model of a source as JSON")
    i.add_argument("file", type=Path)
    i.add_argument("--stats", action="store_true", help="print counts instead of the model")
    i.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    _add_source_options(i)
    i.set_defaults(func=cmd_inspect)
    f = sub.add_parser("preflight", help="check the print editions' press PDFs and covers (KDP, IngramSpark)")
    f.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    f.add_argument("--edition", action="append", default=[], help="check only this edition (repeatable)")
    f.add_argument(
        "--out", type=Path, default=None, help="folder of the built files (default: the config's output, output/)"
    )
    f.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    f.set_defaults(func=cmd_preflight, files=[])
    c = sub.add_parser("check", help="compare the words of every built EPUB and PDF with the edition model")
    c.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    c.add_argument("--edition", action="append", default=[], help="check only this edition (repeatable)")
    c.add_argument(
        "--out", type=Path, default=None, help="folder of the built files (default: the config's output, output/)"
    )
    c.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    c.set_defaults(func=cmd_check, files=[])

    s = sub.add_parser("site", help="write output/site (bookshelf, web editions, OPDS feeds) from the built editions")
    s.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    s.add_argument(
        "--out", type=Path, default=None, help="folder of the built files (default: the config's output, output/)"
    )
    s.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_site, files=[], edition=[])

    v = sub.add_parser("serve", help="serve output/site on this machine; with --watch, rebuild and reload on changes")
    v.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    v.add_argument("--out", type=Path, default=None, help="output folder (default: the config's output, output/)")
    v.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    v.add_argument("--bind", default="127.0.0.1", metavar="ADDRESS", help="address to listen on (default 127.0.0.1)")
    v.add_argument("--watch", action="store_true", help="build first, then rebuild and reload pages on every change")
    v.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        default=0,
        metavar="N",
        help="with --watch: build N editions, or lay out N parts of one, at once; the workers are kept "
        "from one rebuild to the next (default: the config's jobs, else one per core)",
    )
    v.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    v.set_defaults(func=cmd_serve, files=[], edition=[])
    n = sub.add_parser("init", help="make a new project in DIR that builds with make")
    n.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")
    n.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    n.set_defaults(func=cmd_init)

    x = sub.add_parser("export", help="write an edition as DOCX, Markdown or HTML through pandoc")
    x.add_argument("target", help="a source FILE, or the NAME of an edition in the config")
    x.add_argument("--to", required=True, choices=["docx", "html", "markdown"], help="output format")
    x.add_argument("--config", type=Path, default=None, help=f"edition config (default: {DEFAULT_CONFIG_NAME})")
    x.add_argument("--out", type=Path, default=None, help="output folder (default: the config's output, output/)")
    x.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    _add_source_options(x)
    x.set_defaults(func=cmd_export)
    return p


class _Version(argparse.Action):
    """``--version``: the installed package's version, looked up only when
    asked (reading package metadata costs tens of milliseconds, which other
    runs need not pay)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=kwargs.get("help"))

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option: str | None = None
    ) -> None:
        from importlib.metadata import version

        print(f"editionbuilder {version('editionbuilder')}")
        parser.exit()


def _add_source_options(p: argparse.ArgumentParser) -> None:
    """pandoc's options for reading source FILEs, under pandoc's names."""
    g = p.add_argument_group("source options (with source FILEs only, as pandoc takes them)")
    g.add_argument(
        "-f",
        "--from",
        dest="from_format",
        default="",
        metavar="FORMAT",
        help="input format of every FILE: markdown, commonmark, gfm, docx, html... (extensions as in markdown+smart), "
        "or plain for the plain-text reader (default: by suffix)",
    )
    g.add_argument("--bibliography", action="append", default=[], metavar="FILE", help="bibliography file (repeatable)")
    g.add_argument("--csl", default="", metavar="FILE", help="CSL style of the bibliography")
    g.add_argument(
        "-M",
        "--metadata",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set metadata: title, subtitle, author (repeatable), lang, date, publisher, rights, identifier... "
        "(repeatable)",
    )


def _source_options(args: argparse.Namespace) -> SourceOptions:
    """What the source options say (nothing, on commands without them)."""
    return SourceOptions(
        from_format=getattr(args, "from_format", ""),
        bibliography=tuple(getattr(args, "bibliography", ())),
        csl=getattr(args, "csl", ""),
        metadata=tuple(getattr(args, "metadata", ())),
    )


def _refuse_source_options(args: argparse.Namespace) -> None:
    """The source options set a one-off edition: with a config, its own keys
    say the same per edition, and two places for one setting would leave
    a reader unsure which wins."""
    given = _source_options(args)
    options = {
        "--from": given.from_format,
        "--bibliography": given.bibliography,
        "--csl": given.csl,
        "--metadata": given.metadata,
    }
    names = [name for name, value in options.items() if value]
    if names:
        raise_usage(
            f"{', '.join(names)}: only with source FILEs; for the editions of a config set from, "
            "bibliography, bibliography_style and [edition.metadata] in it"
        )


def cmd_build(args: argparse.Namespace) -> int:
    """Every edition asked for; then, for a config's editions, the site."""
    editions, project, out = _editions(args)
    with_site = not args.files
    warned, failed = _build_editions(editions, project, out, args, web=with_site)
    if with_site:
        _build_site(project, out)
    if failed:
        names = ", ".join(f.name for f in failed)
        built = len(editions) - len(failed)
        print(f"editionbuilder: {built} of {len(editions)} editions built; failed: {names}", file=sys.stderr)
        return _described(failed[0].error)[1]
    if args.strict and warned:
        print("editionbuilder: error: warnings with --strict", file=sys.stderr)
        return EXIT_STRICT
    return 0


def _formats(args: argparse.Namespace) -> tuple[str, ...]:
    """The formats a build makes: ``--format``'s, else the EPUB and the PDF."""
    return tuple(getattr(args, "format", None) or ("epub", "pdf"))


def _jobs(text: str) -> int:
    """``--jobs``: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of jobs (1 or more), got {text!r}")
    return value


def _scheduler(args: argparse.Namespace) -> Scheduler:
    """Where the build's parts are laid out: ``--jobs``/``--scheduler``, else
    the config's ``jobs``/``scheduler``, else a process per core. Its
    ``jobs`` is also how many editions of a catalog are built at once."""
    from .scheduling import Scheduler, available_cores, check_address

    address = check_address(getattr(args, "scheduler", "") or getattr(args, "config_scheduler", ""))
    jobs = getattr(args, "jobs", 0) or getattr(args, "config_jobs", 0) or available_cores()
    workers = Scheduler(jobs, address, fork_here=_watching_stops)
    if address:
        workers.executor()  # Dask installed, and its scheduler answering, before any work
    return workers


class _Failed(Exception):
    """An edition of a catalog build that failed: its name and its error."""

    def __init__(self, name: str, error: BaseException):
        super().__init__(name)
        self.name, self.error = name, error


def _build_editions(
    editions: list[EditionOptions],
    project: Path,
    out: Path,
    args: argparse.Namespace,
    web: bool,
    kept: Scheduler | None = None,
) -> tuple[bool, list[_Failed]]:
    """Build ``editions`` into ``out``, printing their diagnostics and files
    in the config's order; whether any showed a warning, and the editions
    that failed. ``kept``: the workers to lay the parts out on, which the
    caller keeps for its next builds (``serve --watch``); else the build
    makes its own and closes them.

    The editions are built at once, as many as the build's jobs: with a
    local pool (``--jobs N``, N > 1) each in a worker process of its own
    (``edition_pool``), its parts laid out there; with a Dask cluster in
    threads of this process, their parts laid out by the cluster
    (``scheduling``). One edition's failure stops no other. A build of one
    edition raises its error, and lays its parts out on all the workers."""
    from concurrent.futures import Future, ThreadPoolExecutor, wait

    from .scheduling import STDERR_LOCK, STOP_WAIT_S, fewer_collections, leave_behind

    warned, failed = False, []
    stop = threading.Event()

    def progress(message: str) -> None:
        if stop.is_set():  # Ctrl-C or SIGTERM in the main thread: unwind this edition too
            raise KeyboardInterrupt
        _progress(message)

    def options_for(options: EditionOptions, workers: Scheduler | None) -> BuildOptions:
        return BuildOptions(
            out_dir=str(out),
            project_dir=str(project),
            source_date_epoch=source_date_epoch(options, os.environ),
            formats=_formats(args),
            strict=getattr(args, "strict", False),
            cache_dir=str(out / CACHE_DIR),  # typeset parts kept between builds (writers/print/typeset.py)
            web=web,
            workers=workers,
        )

    def one(options: EditionOptions, workers: Scheduler):
        return build_edition(options, options_for(options, workers), progress=progress)

    with nullcontext(kept) if kept is not None else _scheduler(args) as workers, fewer_collections():
        apart = len(editions) > 1 and workers.jobs > 1 and not workers.address
        together = min(workers.jobs, len(editions)) if len(editions) > 1 else 1
        from .writers import typesets

        if not apart and typesets(_formats(args)):
            # The pool that lays the parts out starts before this process
            # loads the pipeline: its fork server loads WeasyPrint, which
            # takes longer than reading a short book (``Scheduler.warm_up``).
            workers.warm_up()
        from .edition_pool import EditionPool
        from .pipeline import build_edition

        processes = threads = None
        started: list[Future | None] = []
        stopped = False
        try:
            if apart:
                from .templating import compile_templates

                # Progress lines are only shown on a terminal: elsewhere the workers send none.
                processes = EditionPool(together, _progress if sys.stderr.isatty() else None, _watching_stops)
                started = list(processes.build(editions, [options_for(e, None) for e in editions]))
                # While the fork server loads the workers' modules, this
                # process compiles the templates into the output's cache,
                # where each worker finds them (0.1 s each), and loads the
                # site's modules: the site is made last, here.
                with contextlib.suppress(Exception):  # only a saving: a worker meets the same failure, and says it
                    compile_templates(out / CACHE_DIR, BuildOptions().override_dirs(project))
                if web:
                    from . import site  # noqa: F401
            elif together > 1:
                threads = ThreadPoolExecutor(max_workers=together, thread_name_prefix="edition")
                for e in editions:  # each kept as it starts: a stop waits for those started
                    started.append(threads.submit(one, e, workers))
            else:
                started = [None] * len(editions)
            for options, future in zip(editions, started, strict=True):
                try:
                    result = future.result() if future else one(options, workers)
                except Exception as err:
                    if len(editions) == 1:
                        raise
                    failed.append(_Failed(options.name, err))
                    _say_failed(options.name, err, args)
                    continue
                shown = [d for d in result.diagnostics if d.code not in options.silence]
                with STDERR_LOCK:
                    for d in shown:
                        print(d.format(), file=sys.stderr)
                    for path in result.outputs:
                        print(f"wrote {path}", flush=True)
                warned |= any(d.severity is Severity.WARNING for d in shown)
        except BaseException:
            stop.set()
            stopped = True
            if processes is not None:
                processes.close(stop=True)
            workers.close(cancel=True)
            raise
        finally:
            if threads is not None:
                # Stopped, the editions' threads unwind (``progress``), and
                # are not waited for long: the interrupt may have left the
                # lock of an edition's future held by this thread, which the
                # edition's thread would wait for forever to give its result
                # (``scheduling._stop_pool``).
                if stopped and wait([f for f in started if f is not None], timeout=STOP_WAIT_S).not_done:
                    leave_behind(threads)
                threads.shutdown(wait=not stopped, cancel_futures=True)
            if processes is not None:
                processes.close()
    return warned, failed


def _say_failed(name: str, err: BaseException, args: argparse.Namespace) -> None:
    """One line for an edition that failed, as ``main`` says an error."""
    import traceback

    from .scheduling import STDERR_LOCK

    message, _code = _described(err)
    with STDERR_LOCK:
        if getattr(args, "debug", False):
            traceback.print_exception(err, file=sys.stderr)
        print(f"editionbuilder: error: edition {name}: {message}", file=sys.stderr, flush=True)


def _described(err: BaseException) -> tuple[str, int]:
    """What ``main`` prints for an error, and the exit status of its class."""
    if isinstance(err, EditionError):
        return err.format(), err.exit_code
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        return f"{where}{err.strerror or err}", OutputError.exit_code
    return f"internal error: {type(err).__name__}: {err} (run with --debug for details)", EXIT_INTERNAL


def cmd_site(args: argparse.Namespace) -> int:
    """The site alone, from the editions already built into the output folder."""
    _, project, out = _editions(args)  # the config must be good: it names the output folder
    _build_site(project, out)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site until Ctrl-C or SIGTERM (then exit 0, or the stop's
    status past ``STOP_DEADLINE_S``); with --watch, build first and
    rebuild on every change."""
    from .site import SITE_DIR

    editions, project, out = _editions(args)
    site = out / SITE_DIR
    if not args.watch:
        if not (site / "index.html").is_file():
            raise_usage(f"no site in {out}: run editionbuilder build first, or serve --watch")
        _serve(site, args, None)
        return 0
    # The workers are kept from one build to the next: a rebuild hands its
    # parts to a pool that has loaded the typesetter, and whose workers know
    # the widths and breaks of the paragraphs they laid out before.
    rebuilder = _Rebuilder(args, editions, project, out, _scheduler(args))
    try:
        _build_editions(editions, project, out, args, web=True, kept=rebuilder.workers)
        _build_site(project, out)
        _serve(site, args, rebuilder)
    except BaseException:
        rebuilder.workers.close(cancel=True)  # as a build stopped closes its own (``Scheduler.__exit__``)
        raise
    rebuilder.workers.close()
    return 0


def _serve(site: Path, args: argparse.Namespace, rebuilder: _Rebuilder | None) -> None:
    """Serve ``site`` until Ctrl-C or SIGTERM; with a ``rebuilder``, watch
    the project and rebuild on every change."""
    from .site.serve import start_server, watch

    server = start_server(site, args.bind, args.port, args.watch, log=lambda line: print(line, file=sys.stderr))
    try:
        # Said inside the try: a client may be served, and a signal sent to
        # stop, as soon as the server runs, before this line is printed.
        print(f"serving {site} at {server.url} (Ctrl-C to stop)", flush=True)
        if rebuilder is not None:
            rebuilder.server = server
            watch(rebuilder.project, rebuilder.out, rebuilder)
        else:
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    print("editionbuilder: stopped serving", file=sys.stderr)


class _Rebuilder:
    """What ``serve --watch`` does on a change: rebuild what it touches
    (``serve.affected``), then the site, then tell the pages to reload. A
    build that fails says why and the last good site stays served."""

    def __init__(
        self, args: argparse.Namespace, editions: list[EditionOptions], project: Path, out: Path, workers: Scheduler
    ):
        self.args, self.editions, self.project, self.out = args, editions, project, out
        self.workers = workers  # kept between builds (``cmd_serve``)
        self.server: Any = None  # set once serving

    def __call__(self, changed: set[Path]) -> None:
        from concurrent.futures import BrokenExecutor

        from .site.serve import affected

        config = (self.args.config or Path(DEFAULT_CONFIG_NAME)).resolve()
        todo = affected(changed, config, self.editions, self.project)
        shown = ", ".join(sorted(str(_relative(p)) for p in changed))
        print(f"changed: {shown}: rebuilding {', '.join(todo.editions) or 'the site'}", file=sys.stderr, flush=True)
        try:
            if todo.config:
                self.editions = _editions(self.args)[0]
                self._new_workers()  # the config's jobs or scheduler may have changed
            chosen = [e for e in self.editions if e.name in todo.editions]
            failed = self._build(chosen)
            _build_site(self.project, self.out)
            if failed:
                raise failed[0].error
        except (EditionError, OSError, BrokenExecutor) as err:
            self._new_workers()  # a failed build may leave its pool broken: the next starts afresh
            message = err.format() if isinstance(err, EditionError) else str(err)
            print(f"editionbuilder: error: {message} (still serving the last good site)", file=sys.stderr, flush=True)
            return
        self.server.version += 1
        print(f"rebuilt: pages reload (build {self.server.version})", file=sys.stderr, flush=True)

    def _build(self, chosen: list[EditionOptions]) -> list[_Failed]:
        """Build ``chosen`` on the kept workers; again on new ones when a
        worker of the kept pool died since the last build (killed, out of
        memory), which leaves the pool unusable."""
        from concurrent.futures import BrokenExecutor

        failed: list[_Failed] | None
        try:
            failed = _build_editions(chosen, self.project, self.out, self.args, web=True, kept=self.workers)[1]
        except BrokenExecutor:
            failed = None
        if failed is None or any(isinstance(f.error, BrokenExecutor) for f in failed):
            self._new_workers()
            failed = _build_editions(chosen, self.project, self.out, self.args, web=True, kept=self.workers)[1]
        return failed

    def _new_workers(self) -> None:
        self.workers.close(cancel=True)
        self.workers = _scheduler(self.args)


def cmd_init(args: argparse.Namespace) -> int:
    from .project_init import init_project

    for path in init_project(args.dir):
        print(f"wrote {path}")
    print(f"next: cd {args.dir} && make")
    return 0


def _build_site(project: Path, out: Path) -> None:
    from .site import build_site
    from .templating import keep_compiled_templates

    _progress("site: writing the bookshelf, the web editions and the catalog feeds")
    # The compiled templates kept in the output folder, read back (and
    # those compiled here kept): ``site`` alone, or after a build of
    # editions in other processes, finds them there.
    keep_compiled_templates(out / CACHE_DIR)
    diags = Diagnostics()
    result = build_site(out, BuildOptions().override_dirs(project), diags)
    for d in diags.items:
        print(d.format(), file=sys.stderr)
    for path in result.outputs:
        print(f"wrote {path}")


def _editions(args: argparse.Namespace) -> tuple[list[EditionOptions], Path, Path]:
    """The editions to work on, the project folder and the output folder
    (``--out``, else the config's ``output``, else ``output/``)."""
    if getattr(args, "files", None):
        if args.config or args.edition:
            raise_usage("give either source FILEs or --config/--edition, not both")
        return (
            [one_off_edition(list(args.files), given=_source_options(args))],
            Path.cwd(),
            _given_out(args) or Path("output"),
        )
    _refuse_source_options(args)
    project = load_config(args.config or Path(DEFAULT_CONFIG_NAME))
    # How the config would have its builds run (``_scheduler``)
    args.config_jobs, args.config_scheduler = project.jobs, project.scheduler
    editions = list(project.editions)
    if args.edition:
        known = {e.name for e in editions}
        unknown = [n for n in args.edition if n not in known]
        if unknown:
            from .diagnostics import ConfigError

            raise ConfigError(f"no edition named {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        editions = [e for e in editions if e.name in args.edition]
    return editions, project.project_dir, _given_out(args) or _relative(project.output_dir)


def _given_out(args: argparse.Namespace) -> Path | None:
    """``--out``, which must name a folder (made if missing), not a file."""
    out: Path | None = args.out
    if out is not None and out.exists() and not out.is_dir():
        raise OutputError(f"--out: {out} is a file, not a folder")
    return out


def _relative(path: Path) -> Path:
    """``path`` as the user would type it: relative to the working folder
    when inside it ("wrote output/essay.epub"), else absolute."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def raise_usage(message: str) -> None:
    from .diagnostics import ConfigError

    raise ConfigError(message)


def cmd_inspect(args: argparse.Namespace) -> int:
    from .lazyre import keep_compiled_patterns, save_compiled_patterns
    from .pipeline import read_edition

    options = one_off_edition([args.file], given=_source_options(args))
    diags = Diagnostics()
    keep_compiled_patterns("")  # no output folder: the installation's cache alone
    # The counts need no bibliography style: --stats runs no citeproc.
    edition = read_edition(options, Path.cwd(), diags, format_bibliography=not args.stats)
    save_compiled_patterns()
    if args.stats:
        print(json.dumps(stats(edition, diags.items), ensure_ascii=False))
    else:
        sys.stdout.write(serialize.dumps(edition))
    for d in diags.items:
        print(d.format(), file=sys.stderr)
    return 0


def cmd_preflight(args: argparse.Namespace) -> int:
    """A pass/fail table of every print edition's press files; exit 7 on a failure."""
    from .qa.press_check import edition_reports, summary, table

    editions, _project, out = _editions(args)
    printed = [e for e in editions if e.print.enabled]
    for e in editions:
        if not e.print.enabled and args.edition:
            print(
                f"editionbuilder: edition {e.name} is not a print edition (print.enabled = false): skipped",
                file=sys.stderr,
            )
    if not printed:
        print("preflight: no print edition to check")
        return 0
    reports = [r for e in printed for r in edition_reports(e, out)]
    for line in table(reports):
        print(line)
    print(summary(reports))
    return 0 if all(r.passed for r in reports) else EXIT_PREFLIGHT


def cmd_check(args: argparse.Namespace) -> int:
    """The fidelity gate (qa/fidelity.py): one line per built file; exit 8 when
    a file loses, moves or adds a word, or a print edition's ISBN is not valid."""
    from .isbn import check_isbn
    from .pipeline import read_edition
    from .qa.fidelity import FORMATS, check_file

    editions, project, out = _editions(args)
    failed = checked = 0
    for options in editions:
        files = [out / output_name(options.name, fmt) for fmt in FORMATS]
        files = [f for f in files if f.is_file()]
        if not files:
            print(
                f"editionbuilder: no built file of edition {options.name} in {out}: run the build first",
                file=sys.stderr,
            )
            failed += 1
            continue
        edition = read_edition(options, project, Diagnostics())
        isbn = check_isbn(options.metadata.print_identifier)
        if options.print.enabled and isbn.claimed and not isbn.valid:
            print(f"FAIL  {options.name}: the print identifier {isbn.text!r} {isbn.problem}")
            failed += 1
        for path in files:
            report = check_file(edition, path)
            checked += 1
            verdict = "pass" if report.passed else "FAIL"
            print(
                f"{verdict}  {path.name}: {report.model_words} words of the model, "
                f"{report.lost_count} lost or moved, {report.added_count} added"
            )
            for stream, context in report.lost:
                print(f"      lost ({stream}): …{context}…")
            for context in report.added:
                print(f"      added: …{context}…")
            failed += not report.passed
    print(f"fidelity: {checked} file(s) checked, {failed} failed")
    return EXIT_FIDELITY if failed else 0


_open_line = False  # a "page N" line is on the terminal, to be overwritten


def _progress(message: str) -> None:
    """Progress on a terminal only; logs and CI stay quiet. The pages laid
    out so far overwrite each other on one line."""
    global _open_line
    if not sys.stderr.isatty():
        return
    from .scheduling import STDERR_LOCK

    with STDERR_LOCK:
        if message.startswith("page "):
            print(f"\r    typesetting: {message}", end="", file=sys.stderr, flush=True)
            _open_line = True
            return
        print(("\n" if _open_line else "") + f"  {message}", file=sys.stderr)
        _open_line = False


def _end_progress_line() -> None:
    """End the "page N" line left open on the terminal, so that the next
    line starts on its own."""
    global _open_line
    if _open_line:
        print(file=sys.stderr)
        _open_line = False


def cmd_export(args: argparse.Namespace) -> int:
    """``output/NAME.md`` (+ ``NAME.json``), ``NAME.docx`` or ``NAME.html``."""
    from .pipeline import read_edition, refuse_overwriting_inputs
    from .writers.export.writer import export, export_path

    options, project, out_dir = _export_edition(args)
    out = export_path(out_dir, options.name, args.to)
    refuse_overwriting_inputs(options, project, [out, out.with_suffix(".json")])
    diags = Diagnostics()
    edition = read_edition(options, project, diags)
    result = export(edition, out, args.to, source_date_epoch(options, os.environ))
    pandoc = [codes.PANDOC_WARNING.diagnostic(w, Position(str(out))) for w in result.warnings]
    for d in [*diags.items, *pandoc]:
        if d.code not in options.silence:
            print(d.format(), file=sys.stderr)
    for path in result.outputs:
        print(f"wrote {path}")
    return 0


def _export_edition(args: argparse.Namespace) -> tuple[EditionOptions, Path, Path]:
    """An existing FILE is a one-off edition (unless --config is given);
    anything else names an edition of the config."""
    if args.config is None and Path(args.target).is_file():
        return (
            one_off_edition([Path(args.target)], given=_source_options(args)),
            Path.cwd(),
            _given_out(args) or Path("output"),
        )
    _refuse_source_options(args)
    project = load_config(args.config or Path(DEFAULT_CONFIG_NAME))
    for options in project.editions:
        if options.name == args.target:
            return options, project.project_dir, _given_out(args) or _relative(project.output_dir)
    known = ", ".join(e.name for e in project.editions)
    from .diagnostics import ConfigError

    raise ConfigError(f"{args.target}: no such file, and no edition of that name in {project.path} (editions: {known})")


if __name__ == "__main__":  # pragma: no cover
    run()
