"""Parts of a book laid out at the same time (writers/typeset.py,
scheduling.py): the book is byte for byte the one a serial build makes,
whatever the guesses of the parts' folios were, and a part whose text did
not change is not laid out again.

The book is the shipped anthology (a print edition with a bibliography
that prints the pages of its citations): each build takes a few seconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import Future
from pathlib import Path

import pikepdf
import pytest

from editionbuilder.cli import main
from editionbuilder.config import load_config, source_date_epoch
from editionbuilder.options import BuildOptions
from editionbuilder.pipeline import build_edition
from editionbuilder.scheduling import Forked, Scheduler
from editionbuilder.writers.print import typeset
from editionbuilder.writers.print.engine import sharing
from paths import ROOT

EDITION = "anthology"
FILES = tuple(f"{EDITION}{suffix}" for suffix in (".epub", ".pdf", "-press.pdf", "-cover.pdf", ".report.txt"))


@dataclasses.dataclass
class Counting(Scheduler):
    """A scheduler that notes each part it is handed: (part key, first folio),
    and apart from them the margin sheets (their first folios)."""

    handed: list[tuple[str, int]] = dataclasses.field(default_factory=list)
    pdfs: list[str] = dataclasses.field(default_factory=list)  # of each: "press" or "screen"
    sheets: list[int] = dataclasses.field(default_factory=list)
    order: list[str] = dataclasses.field(default_factory=list)  # the part keys, and "sheet" for each sheet
    logs: list[str] = dataclasses.field(default_factory=list)  # of each task: its ``PartTask.measures_log``

    def submit(self, fn, /, *args) -> Future:
        task = args[0]
        self.order.append("sheet" if fn is typeset.typeset_margins else task.key)
        self.logs.append(task.measures_log)
        if fn is typeset.typeset_margins:
            self.sheets.append(task.first_folio)
        else:
            self.handed.append((task.key, task.first_folio))
            self.pdfs.append("press" if task.press else "screen")
        return super().submit(fn, *args)


def files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def build(out: Path, workers: Scheduler, project: Path = ROOT) -> dict[str, bytes]:
    """The anthology of ``project`` built into ``out`` through the library,
    its parts laid out by ``workers``, its typeset parts kept in ``out/.cache``."""
    config = load_config(project / "editions.toml")
    options = next(e for e in config.editions if e.name == EDITION)
    opts = BuildOptions(
        out_dir=str(out),
        project_dir=str(config.project_dir),
        source_date_epoch=source_date_epoch(options, os.environ),  # as the command line's
        cache_dir=str(out / ".cache"),
        workers=workers,
    )
    with workers:
        build_edition(options, opts)
    return {name: (out / name).read_bytes() for name in FILES[:-1]}


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    """The anthology built with ``--jobs 1``."""
    out = tmp_path_factory.mktemp("serial")
    assert (
        main(["build", "--config", str(ROOT / "editions.toml"), "--edition", EDITION, "--jobs", "1", "--out", str(out)])
        == 0
    )
    return out


def test_jobs_2_builds_the_bytes_of_jobs_1(serial, tmp_path):
    out = tmp_path / "out"
    assert (
        main(["build", "--config", str(ROOT / "editions.toml"), "--edition", EDITION, "--jobs", "2", "--out", str(out)])
        == 0
    )
    assert files(out) == files(serial)


def test_parts_handed_out_at_wrong_folios_are_not_laid_out_again(serial, tmp_path, monkeypatch):
    """Guesses far too long (a page per 40 words): the parts after the first
    are handed out at wrong folios, some of them on the wrong side; a part's
    layout depends on neither (its margins are laid out apart, and its text
    moved to its side's margins), so none is laid out twice, and the book
    is the serial one."""
    monkeypatch.setattr(typeset, "HTML_WORDS_PER_6X9_PAGE", 40)
    workers = Counting(jobs=2)
    built = build(tmp_path / "out", workers)
    serial_files = files(serial)
    assert built == {name: serial_files[name] for name in built}
    handed = list(zip(workers.pdfs, workers.handed, strict=True))
    assert len({(pdf, key) for pdf, (key, _folio) in handed}) == len(handed), handed
    with pikepdf.open(tmp_path / "out" / f"{EDITION}-press.pdf") as press:
        pages = len(press.pages)
    assert max(folio for _pdf, (_key, folio) in handed) > pages  # guessed wrong: past the book's end


def test_a_part_whose_text_did_not_change_is_not_laid_out_again(tmp_path):
    out = tmp_path / "out"
    first = Counting(jobs=2)
    built = build(out, first)
    assert len({key for key, _folio in first.handed}) > 3  # the parts of both PDFs, the front matter
    # guessed folios settle: no part is handed out at folio after folio
    # (the guesses of a first build are scaled by the parts typeset so far)
    folios: dict[tuple[str, str], set[int]] = {}
    for (key, folio), pdf in zip(first.handed, first.pdfs, strict=True):
        folios.setdefault((pdf, key), set()).add(folio)
    assert max(len(found) for found in folios.values()) <= 3, repr(first.handed)
    # The margin sheets (the running heads and folios, laid out apart) are
    # handed out as the parts' folios settle, and the front matter as soon
    # as every part's pages are told (``PartTask.notice``): each is laid out
    # once, none for a folio or a length its part does not end up with.
    parts = {(pdf, key) for (key, _folio), pdf in zip(first.handed, first.pdfs, strict=True)}
    fronts = [pdf for (key, _folio), pdf in zip(first.handed, first.pdfs, strict=True) if key == typeset.FRONT_KEY]
    assert sorted(fronts) == ["press", "screen"], first.order
    assert len(first.sheets) == len(parts) - 2, first.order
    again = Counting(jobs=2)
    assert build(out, again) == built
    assert again.handed == [] and again.sheets == []


def test_a_parallel_build_works_out_each_parts_key_once(serial, tmp_path, monkeypatch):
    """A parallel build plans the parts again each time one is typeset
    (``_Typesetter._plan``): each part's cache key (a digest of its HTML,
    stylesheets and fonts) is worked out once for each typesetter, not at
    every plan, and the book is the serial one."""
    made = typeset.PartCache.key
    keyed: list[tuple[int, str, str]] = []
    caches: list[typeset.PartCache] = []  # kept alive: their ids stay theirs

    def key(self, source, css, sheets, fonts, g):
        caches.append(self)
        keyed.append((id(self), source, css))
        return made(self, source, css, sheets, fonts, g)

    monkeypatch.setattr(typeset.PartCache, "key", key)
    workers = Counting(jobs=2)
    built = build(tmp_path / "out", workers)
    serial_files = files(serial)
    assert built == {name: serial_files[name] for name in built}
    assert len(workers.handed) > 6  # plans made again and again
    assert len(keyed) == len(set(keyed))
    # Every part is handed out with the log where its workers share what
    # they learn (``engine.sharing``): one log for both PDFs, kept in the
    # cache folder for the next build. A margin sheet, which breaks no
    # paragraph, has none.
    handed = list(zip(workers.order, workers.logs, strict=True))
    assert [key for key, log in handed if bool(log) == (key == "sheet")] == []
    logs = {Path(log) for log in workers.logs if log}
    assert len(logs) == 1 and next(iter(logs)).parent == tmp_path / "out" / ".cache" / "typeset"


def test_a_changed_sentence_lays_out_again_what_a_serial_build_does(tmp_path, monkeypatch):
    """One sentence of the essay changed, the last build's parts kept: a
    build with two jobs lays out again what a serial one does (the changed
    part, and the bibliography if a citation moved), no part after it at a
    guessed folio (their counts are the last build's, not guesses from the
    words, made bad guesses here), and makes the same bytes."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    shutil.copyfile(ROOT / "editions.toml", project / "editions.toml")
    build(project / "output", Scheduler(jobs=2), project)
    shutil.copytree(project / "output", project / "serial", symlinks=True)
    essay = project / "seeds/001_72f3cb4c218735c2.txt"
    text = essay.read_text(encoding="utf-8")
    essay.write_text(
        text.replace("One of the most retailed reasons", "One of the most repeated reasons"), encoding="utf-8"
    )
    monkeypatch.setattr(typeset, "HTML_WORDS_PER_6X9_PAGE", 40)
    laid_out: list[tuple[str, int]] = []
    real = typeset._PartLayout.result

    def noting(layout):
        laid_out.append((layout.task.key, layout.task.first_folio))
        return real(layout)

    monkeypatch.setattr(typeset._PartLayout, "result", noting)
    serial = build(project / "serial", Scheduler(jobs=1), project)
    assert laid_out and ("ch001", 1) in laid_out
    # The screen PDF's changed part is handed out while the press PDF's last
    # part is laid out (``_Typesetter.hand_ahead``), and taken: it is not
    # handed out again.
    ahead: list[int] = []
    hand_ahead = typeset._Typesetter.hand_ahead

    def handing(typesetter, free, log=""):
        hand_ahead(typesetter, free, log)
        ahead.append(len(typesetter.ctx.products.ahead))

    monkeypatch.setattr(typeset._Typesetter, "hand_ahead", handing)
    parallel = Counting(jobs=2)
    assert build(project / "output", parallel, project) == serial
    assert sorted(parallel.handed) == sorted(laid_out)
    assert max(ahead, default=0) >= 1


def test_a_parallel_build_joins_its_pdfs_in_a_child_while_it_writes_the_rest(serial, tmp_path, monkeypatch):
    """With workers, each PDF is joined in a child of the build process
    (``WriteContext.joins``) while the build goes on: the press and screen
    PDFs, whose writers come before the EPUB's, are written once the web
    edition's pages are made, before its landing page gives their sizes.
    The files are the serial build's."""
    from editionbuilder.writers import WRITERS
    from editionbuilder.writers.print import assemble, writer
    from editionbuilder.writers.web import writer as web

    events: list[str] = []
    joiners = tmp_path / "joiners"
    joined, wrote, epub, pages = assemble.assemble, writer.atomic_write_bytes, WRITERS["epub"], web.render_page

    def joining(*args, **kwargs):
        with joiners.open("a") as noted:  # (a child's notes are lost with its memory)
            noted.write(f"{os.getpid()}\n")
        return joined(*args, **kwargs)

    def writing(out, data):
        events.append(Path(out).name)
        wrote(out, data)

    def epub_writer(edition, out, ctx):
        events.append("epub")
        return epub(edition, out, ctx)

    def page(*args, **kwargs):
        if "page" not in events:
            events.append("page")
        return pages(*args, **kwargs)

    children: list[int] = []
    fork = Forked._fork

    def forking(forked, call):
        child = fork(forked, call)
        children.extend([child[0]] if child else [])
        return child

    monkeypatch.setattr(assemble, "assemble", joining)
    monkeypatch.setattr(writer, "atomic_write_bytes", writing)
    monkeypatch.setitem(WRITERS, "epub", epub_writer)
    monkeypatch.setattr(web, "render_page", page)
    monkeypatch.setattr(Forked, "_fork", forking)
    out = tmp_path / "out"
    config = ROOT / "editions.toml"
    assert main(["build", "--config", str(config), "--edition", EDITION, "--jobs", "2", "--out", str(out)]) == 0
    assert files(out) == files(serial)
    pids = joiners.read_text().split()
    assert len(pids) == 2 and str(os.getpid()) not in pids
    assert sorted(map(str, children)) == sorted(pids)
    for child in children:  # each waited for
        with pytest.raises(ChildProcessError):
            os.waitpid(child, os.WNOHANG)
    assert events == ["epub", "page", f"{EDITION}-press.pdf", f"{EDITION}.pdf"]
    # one job: joined in the build's process, each file written as its writer returns
    events.clear()
    joiners.unlink()
    out = tmp_path / "serial"
    assert main(["build", "--config", str(config), "--edition", EDITION, "--jobs", "1", "--out", str(out)]) == 0
    assert files(out) == files(serial)
    assert joiners.read_text().split() == [str(os.getpid())] * 2
    assert events == [f"{EDITION}-press.pdf", f"{EDITION}.pdf", "epub", "page"]


def test_a_build_of_one_pdf_alone_joins_it_in_its_own_process(tmp_path, monkeypatch):
    """Nothing else to write meanwhile (the screen PDF of an edition not
    for print, no web edition): the PDF is joined in the build's process,
    not in a child it would wait for at once."""
    from editionbuilder.writers.print import assemble

    joined, pids = assemble.assemble, []

    def joining(*args, **kwargs):
        pids.append(os.getpid())
        return joined(*args, **kwargs)

    monkeypatch.setattr(assemble, "assemble", joining)
    config = load_config(ROOT / "editions.toml")
    options = next(e for e in config.editions if e.name == "essay")
    opts = BuildOptions(
        out_dir=str(tmp_path / "out"),
        project_dir=str(config.project_dir),
        formats=("pdf",),
        workers=Scheduler(jobs=2),
    )
    with opts.workers:
        build_edition(options, opts)
    assert pids == [os.getpid()]
    assert (tmp_path / "out" / "essay.pdf").is_file()


def test_a_join_whose_child_dies_is_made_again_in_the_build(serial, tmp_path, monkeypatch):
    """A child joining a PDF killed: the build joins it itself, and makes the
    serial build's files."""
    from editionbuilder.writers.print import assemble

    joined, build_pid, deaths = assemble.assemble, os.getpid(), tmp_path / "deaths"

    def dying(*args, **kwargs):
        if os.getpid() != build_pid:
            deaths.write_text("died")
            os.kill(os.getpid(), signal.SIGKILL)
        return joined(*args, **kwargs)

    monkeypatch.setattr(assemble, "assemble", dying)
    out = tmp_path / "out"
    config = ROOT / "editions.toml"
    assert main(["build", "--config", str(config), "--edition", EDITION, "--jobs", "2", "--out", str(out)]) == 0
    assert deaths.read_text() == "died"
    assert files(out) == files(serial)


def test_a_join_that_fails_fails_the_build_and_keeps_the_last_files(serial, tmp_path, monkeypatch, capsys):
    """A join that raises (in its child, then again in the build): the
    build fails with the error's one line, and the output folder keeps the
    last build's files."""
    from editionbuilder.diagnostics import RenderError
    from editionbuilder.writers.print import assemble

    out = tmp_path / "out"
    shutil.copytree(serial, out, symlinks=True)
    before = files(out)

    joiners = tmp_path / "joiners"

    def failing(*_args, **_kwargs):
        with joiners.open("a") as noted:
            noted.write(f"{os.getpid()}\n")
        raise RenderError("the parts' PDFs could not be joined")

    monkeypatch.setattr(assemble, "assemble", failing)
    config = ROOT / "editions.toml"
    capsys.readouterr()
    assert main(["build", "--config", str(config), "--edition", EDITION, "--jobs", "2", "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert f"{EDITION}-press.pdf: the parts' PDFs could not be joined" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert files(out) == before
    pids = joiners.read_text().split()
    assert str(os.getpid()) in pids and len(set(pids)) > 1  # tried in a child, then in the build


def test_a_rebuild_breaks_again_only_the_paragraph_that_changed(tmp_path):
    """The widths and breaks the workers find are kept in the cache folder
    (``PartCache.measures_log``): after one changed sentence, a two-job
    build measures only its new word and breaks only its paragraph (once
    for each PDF's stylesheets), and makes the files of a build that kept
    nothing."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "seeds", project / "seeds")
    shutil.copyfile(ROOT / "editions.toml", project / "editions.toml")
    out = project / "output"
    build(out, Scheduler(jobs=2), project)
    (log,) = (out / ".cache" / "typeset").glob(f"{EDITION}.measures-*.log")
    kept = log.read_bytes()
    assert len(list(sharing._records(kept[sharing._START :]))) > 2
    essay = project / "seeds/001_72f3cb4c218735c2.txt"
    text = essay.read_text(encoding="utf-8")
    essay.write_text(
        text.replace("One of the most retailed reasons", "One of the most repeated reasons"), encoding="utf-8"
    )
    rebuilt = build(out, Scheduler(jobs=2), project)
    added = log.read_bytes()
    assert added.startswith(kept)
    learnt = [pickle.loads(added[len(kept) :][a:b]) for _tag, a, b in sharing._records(added[len(kept) :])]
    assert len(learnt) == 2  # the press PDF's stylesheets and the screen PDF's
    for widths, plans in learnt:
        assert [text for _font, text in widths] == ["repeated"]
        (runs, *_widths), *others = plans
        assert others == [] and "".join(run.text for run in runs).startswith("One of the most repeated reasons")
    assert rebuilt == build(tmp_path / "clean", Scheduler(jobs=2), project)


def test_a_stylesheet_that_names_another_file_keeps_no_measures(tmp_path):
    """A project's stylesheet that imports another (or names a face of its
    own): the file it names could change, unseen by the measures' tag, so
    the build keeps no log of them between builds; without it, one is kept."""
    config = load_config(ROOT / "editions.toml")
    options = next(e for e in config.editions if e.name == "essay")

    def logs(project: Path) -> list[Path]:
        opts = BuildOptions(
            out_dir=str(project / "out"),
            project_dir=str(project),
            formats=("pdf",),
            cache_dir=str(project / "out" / ".cache"),
            workers=Scheduler(jobs=2),
        )
        with opts.workers:
            build_edition(options, opts)
        assert (project / "out" / "essay.pdf").is_file()
        return list((project / "out" / ".cache" / "typeset").glob("essay.measures-*.log"))

    plain, importing = tmp_path / "plain", tmp_path / "importing"
    for project in (plain, importing):
        shutil.copytree(ROOT / "seeds", project / "seeds")
    (importing / "styles").mkdir()
    (importing / "styles" / "more.css").write_text("p { orphans: 2; }\n", encoding="utf-8")
    sheet = (ROOT / "src/editionbuilder/styles/print.css").read_text(encoding="utf-8")
    (importing / "styles" / "print.css").write_text('@import "more.css";\n' + sheet, encoding="utf-8")
    assert len(logs(plain)) == 1
    assert logs(importing) == []


STARTER = """
import sys, threading, time
from editionbuilder.scheduling import STDERR_LOCK, Scheduler

def chatter():
    for n in range(400):
        with STDERR_LOCK:
            print(f"line {n}", file=sys.stderr, flush=True)
        time.sleep(0.001)

thread = threading.Thread(target=chatter)
thread.start()
time.sleep(0.02)
with Scheduler(jobs=2) as workers:
    workers.executor()  # starts the fork server, stderr on the null device meanwhile
thread.join()
"""


def test_no_line_to_stderr_is_lost_while_the_fork_server_starts(tmp_path):
    # Lines written from another thread (another edition's progress and
    # diagnostics) while the fork server starts wait for stderr to come back.
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STARTER], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [f"line {n}" for n in range(400)]


# A process that starts a pool of two workers, with a pipe and a locked
# file of its own open, a SIGTERM handler of its own, and text left in its
# stdout's buffer; a worker prints a line. ``MODE``: "command", the
# command's own process with no other thread (``Scheduler.fork_here``);
# "threaded", the same with another thread running; "keyed", the same with
# a fork server that shares a key with its clients (Python 3.14's);
# "library", a program that builds in its own process. It prints whether
# the fork server has its command line (a fork of it, not a new
# interpreter), and whether SIGTERM ended the server with its default
# action, its handler not run there; each process that runs its exit
# handlers, or the finalizer of a cycle that was garbage at the fork,
# leaves a file named by its pid.
FORK_SERVER = """
import atexit, fcntl, gc, os, select, signal, sys, threading, time, weakref
from functools import partial
from pathlib import Path

from editionbuilder.scheduling import Scheduler


class Node:
    pass


def leak():  # shared memory left by a worker, for the resource tracker to remove
    from multiprocessing import shared_memory

    memory = shared_memory.SharedMemory(create=True, size=16)
    memory.close()  # not unlinked: still registered with the tracker
    return memory.name


def main():
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    (folder / "build").write_text(str(os.getpid()))
    atexit.register(lambda: (folder / f"exit-{os.getpid()}").touch())
    signal.signal(signal.SIGTERM, lambda *_: (folder / "handled").touch())
    if mode == "threaded":
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    if mode == "keyed":  # as Python 3.14's fork server, whose clients share a key with it
        from multiprocessing import forkserver

        forkserver._forkserver._forkserver_authkey = b"k" * 32
    print("before", end=" ")  # in the buffer: stdout is a pipe
    read, write = os.pipe()
    lock = open(folder / "lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    gc.disable()  # garbage of the build's at the fork, with a finalizer
    cycle = Node()
    cycle.itself = cycle
    weakref.finalize(cycle, lambda: (folder / f"finalized-{os.getpid()}").touch())
    del cycle
    with Scheduler(jobs=2, fork_here=mode != "library") as workers:
        workers.warm_up()
        gc.enable()
        workers.submit(gc.collect).result()  # a worker collects: not the build's garbage
        server = workers.submit(os.getppid).result()  # a worker's parent
        os.close(write)
        # no other process holds the pipe open: its reader sees its end
        assert select.select([read], [], [], 10)[0] and os.read(read, 1) == b"", "the pipe is held open"
        lock.close()
        with open(folder / "lock") as again:  # nor the lock
            fcntl.flock(again, fcntl.LOCK_EX | fcntl.LOCK_NB)
        forked = Path(f"/proc/{server}/cmdline").read_bytes() == Path("/proc/self/cmdline").read_bytes()
        workers.submit(partial(print, "from a worker", flush=True)).result()
        left = Path("/dev/shm", workers.submit(leak).result())
    os.kill(server, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while (ended := os.waitpid(server, os.WNOHANG))[0] == 0:
        assert time.monotonic() < deadline, "SIGTERM did not end the fork server"
        time.sleep(0.05)
    status = ended[1]
    # multiprocessing's resource tracker: a fork of the build's too, in the
    # build's command; it ignores SIGTERM (as multiprocessing starts it), and
    # leaves once its pipe is closed.
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    tracked = Path(f"/proc/{tracker._pid}/cmdline").read_bytes() == Path("/proc/self/cmdline").read_bytes()
    os.kill(tracker._pid, signal.SIGTERM)
    time.sleep(0.2)
    stays = os.waitpid(tracker._pid, os.WNOHANG)[0] == 0
    was_left = left.exists()
    tracker._stop()  # (waits for it: what it would run at its exit has run)
    removed = was_left and not left.exists()  # by the tracker, told of it by the worker
    print("after")
    ended_by_term = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM
    print(forked, tracked, ended_by_term, stays, removed, (folder / "handled").exists())


if __name__ == "__main__":  # (a new interpreter's workers import this file)
    main()
"""


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads processes from /proc (Linux)")
@pytest.mark.parametrize(
    ("mode", "forked"), [("command", True), ("threaded", False), ("keyed", False), ("library", False)]
)
def test_a_command_s_fork_server_is_a_fork_of_it_that_keeps_none_of_its_files(tmp_path, mode, forked):
    """The command's own process, with no other thread, forks its pool's
    fork server from itself (it has the build's modules already); else
    multiprocessing starts a new interpreter; so does its resource tracker.
    Either way the server, the tracker and the workers hold none of the
    build's files open (a pipe's reader sees its
    end, a lock is free once the build lets it go), the server answers
    SIGTERM with its default action, not with the build's handler, nothing
    the build had buffered is written twice, the tracker ignores SIGTERM
    as multiprocessing's does (not with the build's handler) and removes
    the shared memory a worker left once the pool is gone, and no
    process but the build runs the build's exit handlers, nor the
    finalizers of its garbage."""
    script = tmp_path / "server.py"
    script.write_text(FORK_SERVER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout kept in a buffer
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path), mode],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["before from a worker", "after", f"{forked} {forked} True True True False"]
    build = (tmp_path / "build").read_text()
    assert [p.name for p in tmp_path.glob("exit-*")] == [f"exit-{build}"]  # the build's exit alone ran
    assert [p.name for p in tmp_path.glob("finalized-*")] == [f"finalized-{build}"]  # and its finalizer


def test_a_stylesheet_warning_is_said_once_whatever_the_jobs(tmp_path):
    # Each worker process parses the stylesheets itself; the warning a
    # sheet gives comes with every part and is said once for the book.
    from editionbuilder.config import one_off_edition

    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    (project / "styles" / "print.css").write_text(
        (ROOT / "src/editionbuilder/styles/print.css").read_text(encoding="utf-8") + "\np { colour-of: red; }\n",
        encoding="utf-8",
    )
    chapters = "".join(f"CHAPTER {n}\n\n" + f"Sentence {n} of the chapter, one of a few. " * 40 + "\n\n" for n in "ABC")
    (project / "book.txt").write_text("A Book of Parts\n\nby Some Author\n\n" + chapters, encoding="utf-8")
    said = {}
    for jobs in (1, 2):
        build = BuildOptions(
            out_dir=str(project / f"out{jobs}"),
            project_dir=str(project),
            source_date_epoch=1_764_028_800,
            formats=("pdf",),
            workers=Scheduler(jobs),
        )
        with build.workers:
            result = build_edition(one_off_edition([project / "book.txt"]), build)
        said[jobs] = [d.message for d in result.diagnostics if d.code == "pdf-render"]
    assert len(said[1]) == 1 and "colour-of" in said[1][0]
    assert said[2] == said[1]
    assert (project / "out1/book.pdf").read_bytes() == (project / "out2/book.pdf").read_bytes()


def test_the_worker_processes_start_before_the_first_part_is_handed_out():
    """``warm_up`` (called by a build before it reads its sources) starts
    the pool in the background: the fork server, which imports the
    typesetter, and every worker, forked from it. One job has no pool to
    start."""
    inline = Scheduler(jobs=1)
    inline.warm_up()
    assert inline._executor is None
    started = []
    with Scheduler(jobs=2) as workers:
        real = workers._start
        workers._start = lambda: started.append(1) or real()  # type: ignore[method-assign]
        workers.warm_up()
        workers.warm_up()  # the command line's and the pipeline's: one pool started, once
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pool = workers._executor
            if pool is not None and len(getattr(pool, "_processes", None) or ()) == 2:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the worker processes did not start")
        assert workers.submit(os.getpid).result() != os.getpid()  # a worker process, not this one
        assert started == [1]
    workers.warm_up()  # closed: a build that uses the scheduler again starts it again
    try:
        deadline = time.monotonic() + 60
        while started != [1, 1] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started == [1, 1]
    finally:
        while workers._warming and workers._executor is None and time.monotonic() < deadline:
            time.sleep(0.05)  # the pool made before it is closed
        workers.close()


def test_the_workers_and_the_cli_collect_garbage_less_often(tmp_path, monkeypatch):
    """A pool's workers, a catalog's edition workers and the CLI's builds
    run with the collector's ``GC_THRESHOLDS`` (a layout's millions of
    objects walked less often); a program that calls the CLI in its own
    process has its thresholds back after the build."""
    import gc

    from editionbuilder import pipeline
    from editionbuilder.edition_pool import EditionPool
    from editionbuilder.scheduling import GC_THRESHOLDS

    with Scheduler(jobs=2) as workers:
        assert workers.submit(gc.get_threshold).result() == GC_THRESHOLDS
    with EditionPool(2) as editions:
        assert editions._pool.submit(gc.get_threshold).result() == GC_THRESHOLDS
    during = []
    build = pipeline.build_edition
    monkeypatch.setattr(pipeline, "build_edition", lambda *a, **k: during.append(gc.get_threshold()) or build(*a, **k))
    before = gc.get_threshold()
    assert before != GC_THRESHOLDS  # the build's must be seen to be set, and the process's back
    book = tmp_path / "book.txt"
    book.write_text("A Book\n\nThe text of the book.\n", encoding="utf-8")
    assert main(["build", str(book), "--format", "epub", "--jobs", "1", "--out", str(tmp_path / "out")]) == 0
    assert during == [GC_THRESHOLDS]
    assert gc.get_threshold() == before


def _tagged(tag: str) -> set[int]:
    """The processes whose environment holds ``tag``."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if tag.encode() in (entry / "environ").read_bytes():
                    found.add(int(entry.name))
            except OSError:  # gone meanwhile, or not ours
                continue
    return found


def _workers_of(build: int, pids: set[int]) -> set[int]:
    """Those of ``pids`` whose parent is a child of ``build``: the workers
    of its pool (its fork server's children)."""
    parents = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):  # gone meanwhile
            parents[pid] = int((Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1]).split()[1])
    return {pid for pid, parent in parents.items() if parents.get(parent) == build}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads processes from /proc (Linux)")
def test_the_worker_processes_leave_with_a_build_killed(tmp_path):
    """A build killed with SIGKILL (no chance to close its pool) leaves no
    worker process and no fork server behind: each worker watches the build
    process (``scheduling.leave_with_build``)."""
    tag = f"EDITIONBUILDER_TEST_TAG={uuid.uuid4().hex}"
    name, _, value = tag.partition("=")
    book = tmp_path / "book.txt"
    book.write_text("A Book\n\n" + "\n\n".join(["The first text of the book. " * 40] * 150) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "editionbuilder", "build", str(book), "--format", "pdf", "--jobs", "2"]
    build = subprocess.Popen(
        [*command, "--out", str(tmp_path / "out")], env={**os.environ, name: value}, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while not _workers_of(build.pid, _tagged(tag)):  # a worker, a child of the fork server
        assert build.poll() is None, "the build ended before its workers started"
        assert time.monotonic() < deadline, "no worker process started"
        time.sleep(0.05)
    build.kill()
    build.wait()
    deadline = time.monotonic() + 30
    while _tagged(tag):
        assert time.monotonic() < deadline, f"left behind: {sorted(_tagged(tag))}"
        time.sleep(0.1)
