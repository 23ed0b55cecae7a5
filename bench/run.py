"""Benchmarks: our builds against the tools a user would pick instead.

    python bench/run.py [--pages 1,100,500,1000] [--jobs 1,2] [--repeat N]
                        [--unchaptered-pages N] [--quick] [--out FILE]

Every figure is a command run in a fresh process, timed from outside:
wall seconds ("s"), and CPU seconds ("CPU s": user + system of the
process and of every program it ran, ``resource.getrusage(RUSAGE_CHILDREN)``
before and after, so a build's worker processes, pdftoppm and pandoc's
citeproc count). The tools compared run side by side in the same run, so
the ratios compare on the same machine state; absolute seconds vary. The
books: the shipped anthology, and synthetic books of about N pages made
from the corpus texts, in chapters of 40 paragraphs ("pages" is always the
count in the PDF built, not N). Book rows build without a cache, as a
first build does. The tables, in the order printed:

Every command is given a new, empty installation cache
(``EDITIONBUILDER_CACHE_DIR``, see ``editionbuilder/installation.py``) unless
said otherwise: it compiles its templates and patterns as the first build
of a new installation does.

Fixed costs, each the best of ``--repeat`` runs: ``editionbuilder build``
of a one-page EPUB with nothing kept (a new output folder and a new
installation: the cover drawn, the templates and patterns compiled), in a
new output folder of an installation that built before (the cover drawn,
the compiled templates and patterns read from the installation's cache),
and built again in the same folder (everything kept), against pandoc on
the same text; ``editionbuilder inspect --stats`` of each seed, with
nothing kept and with its compiled patterns in the installation's cache.
Columns: our s and CPU s, pandoc's, and ours as a ratio of pandoc's
("wall x", "CPU x").

EPUB against pandoc 3 (markdown -> epub3, run directly) on the same
paragraphs: our build (read + transforms + EPUB writer; it has no
parallel part, so ``--jobs`` does not change it), pandoc's, and the
ratios ours/pandoc; first a build with no cache (the cover drawn, the
patterns and templates compiled), then one in a new output folder of an
installation that built before ("new folder": the cover drawn, the
patterns and templates read back), then one with the cache a build before
it left ("kept": a build again after an edit of the text).

PDF against plain WeasyPrint: our screen PDF (read + transforms +
templates + WeasyPrint, part by part, joined) built with each of
``--jobs`` (``BuildOptions.workers = Scheduler(N, fork_here=True)``, as
``build --jobs N`` makes it in the command's process, its fork server a
fork of that process:
1 lays the parts out in the build process, N > 1 in a pool of N worker
processes), against WeasyPrint alone rendering the same book's HTML and
CSS as one document. Columns: WeasyPrint's s and CPU s; for each job count
our s, CPU s, "wall x" and "CPU x" (ours / WeasyPrint's), and s/page.

Peak memory (MB of resident memory, ``ru_maxrss``) of the same builds:
plain WeasyPrint's process; for each job count the build process
("build MB") and the largest of its worker processes ("worker MB", from
``RUSAGE_CHILDREN`` once the pool and the fork server that started the
workers have exited; "-" with one job, where the build process lays the
parts out itself).

Unchaptered text: the corpus Gutenberg bodies (between the ``*** START``
and ``*** END`` lines) run together without their headings, repeated to
about ``--unchaptered-pages`` pages (default: the largest of ``--pages``),
so the reader finds one chapter, against the same text in chapters (a
``CHAPTER N`` heading before every 40th paragraph, as the synthetic book
has them: the same paragraphs, notes and quotations; what the target
compares, s/page growing with a part's length) and the chaptered
synthetic book of the same size (another text: only the bodies'
paragraphs of more than 40 words, a third of the notes). The title gives
what the reader finds in each (chapters, as ``editionbuilder inspect``
shows them, and the counts of its ``--stats``).
Columns, for each job count: pages, s and s/page of the unchaptered text
and of the same text in chapters, the ratio of their s/page, the ratio of
their wall s (the same words, paragraphs and notes: the text in chapters
has more pages, each chapter opening on a recto, so its pages are cheaper
on average; with two jobs its chapters are also laid out two at a time),
and the synthetic book's pages, s/page and ratio.

Print edition, for the books of 100 pages or more (the largest book when
none is that long): a print edition (press PDF, cover, screen PDF, EPUB)
built whole with ``editionbuilder build`` (its default jobs: one per
core), then built again after one sentence of a middle chapter changed,
each build a command of its own (``COMMAND``), as ``make`` runs it.
Columns: pages of the press PDF, s and CPU s of both builds, and the
rebuild's share of the full build's wall seconds; then the same two
builds, with the site, on workers kept between them, as ``editionbuilder
serve --watch`` keeps them (its first build, and its rebuild on the
change): their wall seconds, and the rebuild's share.

Targets (issue 17) are printed in each table's title, and a figure they
apply to is marked "ok" or "over": PDF wall <= 0.65 x plain WeasyPrint and PDF
CPU <= 1.10 x at 100 pages and more; the EPUB within pandoc's wall
seconds at 100 pages and more; a one-page EPUB within 0.4 s; a rebuild
within 10% of the full build at 100 pages and more; at most 300 MB per
worker at 1,000 pages and more (the build process with one job); an
unchaptered text's s/page within 1.2 x the same text's in chapters.

It prints the tables and writes them to ``--out``. ``--runs N`` measures
the books' rows (and the unchaptered text's) N times, in rounds of every
command one after the other, and keeps the medians of the seconds and
the largest peak memory: one run of the same code can differ from the
next by a tenth of a ratio. The fixed costs are the best of ``--repeat``. ``--quick`` (``--pages 20 --repeat 1``) checks that
everything runs, in a few minutes.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import functools
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
TEXTS = (
    "01-pg-engels-socialism-utopian-scientific/39257-8.txt",
    "02-pg-bradley-enclosures-in-england/29258.txt",
    "03-pg-obrien-mediaeval-economic-teaching/13488-8.txt",
)
WORDS_PER_PAGE = 330  # a 6 x 9 in page of 11 pt text, measured on our PDFs


def child(mode: str, src: str, work: str) -> None:
    """One measurement, run in its own process; prints JSON: its seconds,
    the peak memory of this process and of the largest of its workers (MB),
    and the pages of the PDF it made (0 for an EPUB)."""
    start = time.perf_counter()
    name, _, jobs = mode.partition(":")
    found = _CHILD_MODES[name](Path(src), Path(work), int(jobs or 1))
    _stop_forkserver()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pdf = found.pop("pdf", None)
    pages = _pdf_pages(pdf) if pdf is not None else 0
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "worker_mb": 0.0, "pages": pages, **found}))


def _ours(fmt: str, kept: bool = False):
    """Our build of one format: the EPUB, or the screen PDF (the one PDF plain
    WeasyPrint is compared with: a print edition's press file and cover are
    left out here, and measured in the rebuild row), with ``jobs`` workers;
    ``kept``: with a cache folder in ``work`` (what an earlier build kept)."""

    def run(src: Path, work: Path, jobs: int) -> dict:
        from editionbuilder.config import load_config, one_off_edition
        from editionbuilder.options import BuildOptions
        from editionbuilder.pipeline import build_edition
        from editionbuilder.scheduling import Scheduler, fewer_collections

        if src.suffix == ".toml":
            options, project = next(e for e in load_config(src).editions if e.name == "anthology"), src.parent
        else:
            options, project = one_off_edition([src]), src.parent
        options = dataclasses.replace(options, print=dataclasses.replace(options.print, enabled=False))
        # as `build --jobs N` makes it, in the command's own process (``cli.run``)
        with Scheduler(jobs, fork_here=True) as workers, fewer_collections():
            build_edition(
                options,
                BuildOptions(
                    out_dir=str(work),
                    project_dir=str(project),
                    formats=(fmt,),
                    source_date_epoch=1_764_028_800,
                    workers=workers,
                    cache_dir=str(work / ".cache") if kept else "",
                ),
            )
            worker_mb = _workers_peak_mb(workers)
        return {"pdf": next(work.glob("*.pdf")) if fmt == "pdf" else None, "worker_mb": worker_mb}

    return run


def _stop_forkserver() -> None:
    """Stop the fork server that started a pool's workers, and wait for it.
    The workers are its children, not this process's: their CPU seconds
    reach this process's ``RUSAGE_CHILDREN`` (and so the figures of whoever
    waits for this process) only once the fork server, which waited for
    them, has been waited for in turn. Left running, it outlives this
    process and its workers' seconds are counted nowhere."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is None:  # no pool was started: nothing to stop (nor to import)
        return
    stop = getattr(forkserver._forkserver, "_stop", None)  # no public way
    if stop is not None:
        stop()


def _workers_peak_mb(workers) -> float:
    """The largest peak resident memory (``VmHWM``, what their ``ru_maxrss``
    would say) of a process pool's workers, read while they are alive.
    ``RUSAGE_CHILDREN`` cannot give it: the workers are children of the
    fork server, and the largest child it reports may be one of the
    compilers ``ctypes.util.find_library`` runs when WeasyPrint loads."""
    pool = workers._executor  # made on the first part handed out
    peaks = []
    for pid in getattr(pool, "_processes", None) or {}:
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        except OSError:  # gone, or not Linux
            continue
        if m := re.search(r"^VmHWM:\s+(\d+) kB", status, re.M):
            peaks.append(int(m.group(1)) / 1024)
    return max(peaks, default=0.0)


def _plain_weasyprint(src: Path, work: Path, jobs: int) -> dict:
    """WeasyPrint alone on the HTML and CSS our writer produced (saved by
    ``prepare``): what a user gets by calling WeasyPrint directly."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = (work / "book.html").read_text(encoding="utf-8")
    # WeasyPrint loads a sheet's @font-face rules only through a font
    # configuration given to the sheet and to the document: without one it
    # sets the book in a fallback face (DejaVu Sans here), another layout.
    fonts = FontConfiguration()
    sheets = [weasyprint.CSS(filename=str(p), font_config=fonts) for p in sorted(work.glob("*.css"))]
    out = work / "plain.pdf"
    weasyprint.HTML(string=html, base_url=str(ROOT)).write_pdf(out, stylesheets=sheets, font_config=fonts)
    listed = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    faces = {line.split()[0].partition("+")[2] for line in listed.splitlines()[2:] if line.strip()}
    strange = sorted(f for f in faces if not f.startswith("Edition-"))  # the book's families (fonts.py)
    if strange:
        raise SystemExit(f"plain WeasyPrint set the book in other faces than its own: {', '.join(strange)}")
    return {"pdf": out}


def _pdf_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def prepare(src: Path, work: Path) -> None:
    """Save the inputs of the anchors: our HTML and CSS, and a Markdown copy."""
    from editionbuilder.config import load_config, one_off_edition
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.layout.printview import SCREEN
    from editionbuilder.pipeline import read_edition
    from editionbuilder.templating import find_stylesheet
    from editionbuilder.writers.print.document import render_html
    from editionbuilder.writers.print.fonts import DEFAULT_FONTS, page_css

    if src.suffix == ".toml":
        options, project = next(e for e in load_config(src).editions if e.name == "anthology"), src.parent
    else:
        options, project = one_off_edition([src]), Path("/")
    edition = read_edition(options, project, Diagnostics())
    (work / "book.html").write_text(render_html(edition, medium=SCREEN), encoding="utf-8")  # the screen PDF's
    for n, name in enumerate(("base.css", "print.css", "screen.css")):
        (work / f"{n}-{name}").write_text(find_stylesheet(name).read_text(encoding="utf-8"), encoding="utf-8")
    (work / "9-page.css").write_text(page_css(options.print, DEFAULT_FONTS), encoding="utf-8")
    paragraphs = [_escape_md(p) for p in _paragraph_texts(edition)]
    (work / "book.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")


def _paragraph_texts(edition):
    from editionbuilder.model.text import block_texts

    for chapter in edition.chapters:
        yield from (t for t in block_texts(chapter.blocks) if t.strip())


def _escape_md(text: str) -> str:
    # Markdown-significant characters are escaped so pandoc reads prose.
    return re.sub(r"([\\`*_{}\[\]<>#+\-!|])", r"\\\1", " ".join(text.split()))


def synthetic(pages: int, folder: Path) -> Path:
    """A plain-text book of about ``pages`` pages from the corpus bodies, in
    chapters of about 40 paragraphs (``CHAPTER N`` headings)."""
    from editionbuilder.sources import read_source

    paras = []
    for name in TEXTS:
        text = read_source(CORPUS / name).text
        body = text.split("*** START", 1)[-1].split("*** END", 1)[0]
        paras += [" ".join(p.split()) for p in body.split("\n\n") if len(p.split()) > 40]
    words, chapters, chapter, n = 0, [], [], 0
    while words < pages * WORDS_PER_PAGE:
        chapter.append(paras[n % len(paras)])
        words += len(chapter[-1].split())
        n += 1
        if len(chapter) == 40:
            chapters.append(chapter)
            chapter = []
    chapters += [chapter] if chapter else []
    chapters = [f"CHAPTER {k}\n\n" + "\n\n".join(c) for k, c in enumerate(chapters, start=1)]
    path = folder / f"synthetic-{pages}.txt"
    text = "A Synthetic Book of Political Economy\n\nby Various Authors\n\n\n" + "\n\n\n".join(chapters) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def unchaptered(pages: int, folder: Path) -> Path:
    """A plain-text book of about ``pages`` pages whose chapters the reader
    does not find: the corpus Gutenberg bodies run together without their
    headings (every paragraph whose letters are all capitals: CHAPTER I,
    INTRODUCTION, SECTION 1.—...), notes and quotations kept, repeated
    as often as the size needs."""
    from editionbuilder.sources import read_source

    paras = []
    for name in TEXTS:
        text = read_source(CORPUS / name).text
        body = text.split("*** START", 1)[-1].split("\n", 1)[-1].split("*** END", 1)[0]
        for para in re.split(r"\n\s*\n", body):
            letters = re.sub(r"[^A-Za-z]", "", para)
            # Paragraphs of three words or fewer are the other lines a
            # reader may take for a heading ("Footnotes:", a byline, a date
            # line) or index entries.
            if letters and not letters.isupper() and len(para.split()) > 3:
                paras.append(para.strip("\n"))
    words, book = 0, []
    while words < pages * WORDS_PER_PAGE:
        book.append(paras[len(book) % len(paras)])
        words += len(book[-1].split())
    path = folder / f"unchaptered-{pages}.txt"
    text = "An Unchaptered Book of Political Economy\n\nby Various Authors\n\n\n" + "\n\n".join(book) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def rechaptered(src: Path) -> Path:
    """The unchaptered text ``src`` in chapters: a ``CHAPTER N`` heading
    before every 40th paragraph, as the synthetic book has them, and
    nothing else changed (the same paragraphs, notes and quotations)."""
    head, body = src.read_text(encoding="utf-8").split("\n\n\n", 1)
    paras = body.rstrip("\n").split("\n\n")
    chapters = [f"CHAPTER {n // 40 + 1}\n\n" + "\n\n".join(paras[n : n + 40]) for n in range(0, len(paras), 40)]
    path = src.with_name(f"same-text-in-chapters-{src.stem.rsplit('-', 1)[-1]}.txt")
    path.write_text(head + "\n\n\n" + "\n\n\n".join(chapters) + "\n", encoding="utf-8")
    return path


def reading(src: Path) -> dict:
    """What the reader finds in ``src``: its chapters (what ``editionbuilder
    inspect`` shows; its ``--stats`` do not count them), and the counts of
    ``inspect --stats`` (paragraphs, block quotes, notes...)."""
    from editionbuilder.config import one_off_edition
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.pipeline import read_edition
    from editionbuilder.report.accounting import stats

    edition = read_edition(one_off_edition([src]), src.parent, Diagnostics(), format_bibliography=False)
    return {"chapters": len(edition.chapters), **stats(edition, [])}


def print_project(src: Path, folder: Path) -> Path:
    """A project printing ``src`` (press PDF, cover, screen PDF, EPUB)."""
    folder.mkdir()
    (folder / src.name).write_bytes(src.read_bytes())
    config = folder / "editions.toml"
    config.write_text(
        f'[[edition]]\nname = "book"\nsources = ["{src.name}"]\n'
        '[edition.metadata]\ndate = "2026-01-01"\n[edition.print]\nenabled = true\n',
        encoding="utf-8",
    )
    return config


def _cpu_seconds() -> float:
    """CPU seconds of this process and of the programs it ran."""
    own, ran = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ran.ru_utime + ran.ru_stime


# ``editionbuilder`` run as a command of its own, as ``python -m
# editionbuilder`` runs it (``cli.run``), which then stops its pool's fork
# server and waits for it, so that the CPU seconds of the server's workers
# reach whoever waits for the command (``_stop_forkserver``).
COMMAND = """
import sys
from multiprocessing import forkserver
from editionbuilder.cli import main
code = main(sys.argv[1:], command=True)
if forkserver._forkserver._forkserver_pid is not None:
    forkserver._forkserver._stop()
sys.exit(code)
"""


def _command(*args: str) -> None:
    """``editionbuilder ARGS`` run as a command of its own (``COMMAND``)."""
    done = subprocess.run([sys.executable, "-c", COMMAND, *args], capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"editionbuilder {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


def _rebuild(src: Path, work: Path, jobs: int) -> dict:
    """A full build of a print edition, then one sentence of a middle
    chapter changed and the edition built again from its kept parts, each
    build a command of its own, as ``make`` runs it (the figure is the
    rebuild's share of the full build)."""
    config = print_project(src, work / "project")
    started, cpu = time.perf_counter(), _cpu_seconds()
    _command("build", "--config", str(config))
    full, full_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    _change_a_sentence(config.parent / src.name)
    started, cpu = time.perf_counter(), _cpu_seconds()
    _command("build", "--config", str(config))
    rebuild, rebuild_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    return {
        "pdf": _print_pdf(config.parent / "output"),
        "full": full,
        "full_cpu": full_cpu,
        "rebuild": rebuild,
        "rebuild_cpu": rebuild_cpu,
    }


def _change_a_sentence(book: Path) -> None:
    """One sentence of the chapter after the middle of ``book`` changed (of
    the last, in a book of one chapter, as ``--pages 1`` makes)."""
    text = book.read_text(encoding="utf-8")
    middle = text.find("CHAPTER", len(text) // 2)
    if middle < 0:
        middle = max(text.rfind("CHAPTER"), 0)
    at = text.index(". ", middle + 200)
    book.write_text(text[:at] + ", we say" + text[at:], encoding="utf-8")


def _rebuild_kept(src: Path, work: Path, jobs: int) -> dict:
    """As ``_rebuild``, on workers kept between the two builds, as
    ``editionbuilder serve --watch`` keeps them: its first build, then its
    rebuild after the change (``cli._Rebuilder``), the site each time.
    Wall seconds only: the workers' CPU seconds come to this process when
    the pool closes, not build by build."""
    from types import SimpleNamespace

    from editionbuilder import cli

    config = print_project(src, work / "project")
    args = cli._parser().parse_args(["serve", "--watch", "--config", str(config)])
    editions, project, out = cli._editions(args)
    workers = dataclasses.replace(cli._scheduler(args), fork_here=True)  # as the command makes it (``cli.run``)
    rebuilder = cli._Rebuilder(args, editions, project, out, workers)
    rebuilder.server = SimpleNamespace(version=0)  # the pages a rebuild tells to reload: none here
    try:
        started = time.perf_counter()
        failed = cli._build_editions(editions, project, out, args, web=True, kept=rebuilder.workers)[1]
        assert not failed, failed
        cli._build_site(project, out)
        full = time.perf_counter() - started
        book = config.parent / src.name
        _change_a_sentence(book)
        started = time.perf_counter()
        rebuilder({book})
        rebuild = time.perf_counter() - started
        assert rebuilder.server.version == 1  # rebuilt, not "still serving the last good site"
    finally:
        rebuilder.workers.close()
    return {"pdf": _print_pdf(out), "full": full, "rebuild": rebuild}


def _print_pdf(out: Path) -> Path:
    """The print edition's press PDF in ``out``; a book under 24 pages has
    none: its pages are the screen PDF's."""
    pdf = out / "book-press.pdf"
    return pdf if pdf.is_file() else pdf.with_name("book.pdf")


_CHILD_MODES = {
    "epub": _ours("epub"),
    "epub-kept": _ours("epub", kept=True),
    "pdf": _ours("pdf"),  # "pdf:N": with N jobs
    "weasyprint": _plain_weasyprint,
    "rebuild": _rebuild,
    "rebuild-kept": _rebuild_kept,
}


# The installation's cache (``editionbuilder.installation``) each command is
# given: a new empty folder per command unless one is named, so that a
# build compiles its templates and patterns as the first build of a new
# installation does, whatever ran before it.
@functools.cache
def _caches_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="eb-bench-installation-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def installation_cache() -> Path:
    """A new, empty installation cache folder, removed at the end of the run."""
    return Path(tempfile.mkdtemp(dir=_caches_root()))


def run_timed(command: list[str], cwd: Path | None = None, installation: Path | None = None) -> dict:
    """Run ``command`` with ``installation`` as the installation's cache (a
    new empty one by default); its wall seconds, its CPU seconds and those
    of every program it ran (``RUSAGE_CHILDREN``), merged with the JSON
    lines it printed (a build's own lines are skipped)."""
    env = {**os.environ, "EDITIONBUILDER_CACHE_DIR": str(installation or installation_cache())}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found: dict = {"wall": wall, "cpu": cpu}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            found.update(json.loads(line))
    return found


def measure(mode: str, src: Path, work: Path, installation: Path | None = None) -> dict:
    """One of ``_CHILD_MODES`` in a process of its own (``installation``: as ``run_timed``)."""
    return run_timed([sys.executable, __file__, "child", mode, str(src), str(work)], installation=installation)


def pandoc_command(markdown: Path, out: Path) -> list[str]:
    """pandoc itself (not through Python) making an EPUB 3 of ``markdown``."""
    import pypandoc

    return [
        pypandoc.get_pandoc_path(),
        str(markdown),
        "-f",
        "markdown",
        "-t",
        "epub3",
        "-o",
        str(out),
        "--metadata",
        "title=Benchmark",
        "--metadata",
        "lang=en",
    ]


def bench_one(
    label: str, src: Path, tmp: Path, size: int | None, jobs: list[int], rebuild: bool, runs: int = 1
) -> dict:
    """Every row of one book: pandoc, our EPUB, our PDF with each job
    count, plain WeasyPrint, and the print edition's rebuild; ``runs``
    rounds of them all, one command after the other (a slow minute of the
    machine falls on every command alike), each figure the median of its
    runs (``_median``)."""
    work = tmp / label
    work.mkdir()
    prepare(src, work)
    modes = ["epub", *(f"pdf:{n}" for n in jobs), "weasyprint", *(["rebuild", "rebuild-kept"] if rebuild else [])]
    found: dict[str, list[dict]] = {}
    for _ in range(runs):
        found.setdefault("pandoc", []).append(run_timed(pandoc_command(work / "book.md", work / "pandoc.epub")))
        for mode in modes:
            # plain WeasyPrint reads the HTML and CSS saved in ``work``; the
            # others build into an empty folder, as a first build does
            folder = work / mode.replace(":", "-") if mode != "weasyprint" else work
            if folder != work:
                shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(exist_ok=True)
            found.setdefault(mode, []).append(measure(mode, src, folder))
            if mode == "epub":  # built once to fill the caches, then measured
                kept, new, installed = work / "epub-kept", work / "epub-new", work / "installation"
                for made in (kept, new, installed):
                    shutil.rmtree(made, ignore_errors=True)
                for made in (kept, new):  # the installation's is made by the build, for its user alone
                    made.mkdir()
                measure("epub-kept", src, kept, installed)
                found.setdefault("epub-kept", []).append(measure("epub-kept", src, kept))
                # a new output folder, the installation's cache as that build left it
                found.setdefault("epub-new", []).append(measure("epub", src, new, installed))
    return {"label": label, "size": size, **{mode: _median(got) for mode, got in found.items()}}


def _median(runs: list[dict]) -> dict:
    """One figure of several runs: each time the median of the runs' (wall
    and CPU seconds apart), each peak memory the largest, the rest (pages,
    files) the last run's."""
    out = dict(runs[-1])
    for key in ("wall", "cpu", "seconds", "full", "full_cpu", "rebuild", "rebuild_cpu"):
        if key in out:
            out[key] = statistics.median(r[key] for r in runs)
    for key in ("peak_mb", "worker_mb"):
        if key in out:
            out[key] = max(r[key] for r in runs)
    return out


def bench_unchaptered(pages: int, tmp: Path, jobs: list[int], results: list[dict], runs: int = 1) -> dict:
    """The unchaptered text of about ``pages`` pages built as a PDF with each
    job count, and the same text in chapters, ``runs`` rounds of them
    (medians kept, ``_median``); and the chaptered synthetic book of that
    size (its rows from ``results`` when the run has it, else built here)."""
    work = tmp / f"unchaptered-{pages}"
    work.mkdir()
    src = unchaptered(pages, work)
    same = rechaptered(src)
    found: dict = {"label": src.stem, "read": reading(src)}
    found_same: dict = {"label": same.stem, "read": reading(same)}
    measured: dict[tuple[str, str], list[dict]] = {}
    for _ in range(runs):
        for n in jobs:
            for book in (src, same):
                folder = work / f"{book.stem}-pdf-{n}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                measured.setdefault((book.stem, f"pdf:{n}"), []).append(measure(f"pdf:{n}", book, folder))
    for (stem, mode), got in measured.items():
        (found if stem == src.stem else found_same)[mode] = _median(got)
    chaptered = next((r for r in results if r["size"] == pages), None)
    if chaptered is None:
        folder = tmp / f"chaptered-{pages}"
        folder.mkdir()
        book = synthetic(pages, folder)
        chaptered = {"label": book.stem, "read": reading(book)}
        for n in jobs:
            (folder / f"pdf-{n}").mkdir()
            chaptered[f"pdf:{n}"] = measure(f"pdf:{n}", book, folder / f"pdf-{n}")
    else:
        chaptered = {**chaptered, "read": reading(tmp / f"synthetic-{pages}.txt")}
    return {"pages": pages, "unchaptered": found, "same": found_same, "chaptered": chaptered}


def best_of(repeat: int, command: list[str], before=None, installation: Path | None = None) -> dict:
    """The least wall and the least CPU seconds of ``repeat`` runs of
    ``command`` (``before`` runs first each time, untimed; ``installation``:
    as ``run_timed``)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(run_timed(command, installation=installation))
    return {"wall": min(r["wall"] for r in runs), "cpu": min(r["cpu"] for r in runs), "runs": repeat}


def fixed_costs(tmp: Path, repeat: int) -> list[tuple[str, dict, dict | None]]:
    """The one-page EPUB (cold and warm cache) against pandoc, and
    ``inspect --stats`` of each seed: (row, ours, pandoc or None)."""
    import shutil

    folder = tmp / "fixed"
    folder.mkdir()
    src = synthetic(1, folder)
    prepare(src, folder)
    cli = [sys.executable, "-m", "editionbuilder"]
    cold_out, new_out, warm_out = folder / "cold", folder / "new", folder / "warm"
    installed = folder / "installation"
    build = [*cli, "build", str(src), "--format", "epub", "--out"]
    pandoc = best_of(repeat, pandoc_command(folder / "book.md", folder / "pandoc.epub"))
    cold = best_of(repeat, [*build, str(cold_out)], before=lambda: shutil.rmtree(cold_out, ignore_errors=True))
    run_timed([*build, str(warm_out)], installation=installed)  # fills both caches
    new = best_of(
        repeat,
        [*build, str(new_out)],
        before=lambda: shutil.rmtree(new_out, ignore_errors=True),
        installation=installed,
    )
    warm = best_of(repeat, [*build, str(warm_out)], installation=installed)
    rows: list[tuple[str, dict, dict | None]] = [
        ("1-page EPUB, nothing kept", cold, pandoc),
        ("1-page EPUB, new output folder", new, pandoc),
        ("1-page EPUB, kept", warm, pandoc),
    ]
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        inspect = [*cli, "inspect", str(seed), "--stats"]
        rows.append((f"inspect --stats seeds/{seed.name[:3]}, nothing kept", best_of(repeat, inspect), None))
        run_timed(inspect, installation=installed)  # its patterns kept
        rows.append(
            (f"inspect --stats seeds/{seed.name[:3]}, kept", best_of(repeat, inspect, installation=installed), None)
        )
    return rows


# Targets of issue 17, marked "ok" or "over" next to the figures they apply to.
WALL_TARGET = 0.65  # our PDF's wall seconds / plain WeasyPrint's, 100 pages and more
CPU_TARGET = 1.10  # our PDF's CPU seconds / plain WeasyPrint's, 100 pages and more
EPUB_TARGET = 1.00  # our EPUB's wall seconds / pandoc's, 100 pages and more
SMALL_EPUB_TARGET = 0.4  # seconds of a one-page EPUB
REBUILD_TARGET = 0.10  # rebuild / full build, 100 pages and more
WORKER_MB_TARGET = 300  # peak MB per worker, 1,000 pages and more
UNCHAPTERED_TARGET = 1.2  # unchaptered s/page / chaptered s/page


def _mark(value: float, limit: float, applies: bool = True, digits: int = 2) -> str:
    """``value``, with "ok" or "over" when a target applies to it."""
    text = f"{value:.{digits}f}"
    return f"{text} {'ok' if value <= limit else 'over'}" if applies else text


def _big(r: dict, pages: int = 100) -> bool:
    """Whether a book row is a synthetic book of ``pages`` pages or more
    (the sizes the targets are set at)."""
    return r.get("size") is not None and r["size"] >= pages


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def epub_table(results: list[dict]) -> str:
    head = ["book", "pages", "pandoc s", "pandoc CPU s", "EPUB s", "EPUB CPU s", "wall x", "CPU x"]
    head += ["new folder: EPUB s", "EPUB CPU s", "wall x", "CPU x"]
    head += ["kept: EPUB s", "EPUB CPU s", "wall x", "CPU x"]
    rows = []
    for r in results:
        theirs = r["pandoc"]
        row = [r["label"], str(r[f"pdf:{r['jobs'][0]}"]["pages"]), f"{theirs['wall']:.2f}", f"{theirs['cpu']:.2f}"]
        for ours in (r["epub"], r["epub-new"], r["epub-kept"]):
            row += [
                f"{ours['wall']:.2f}",
                f"{ours['cpu']:.2f}",
                _mark(ours["wall"] / theirs["wall"], EPUB_TARGET, _big(r)),
                f"{ours['cpu'] / theirs['cpu']:.2f}",
            ]
        rows.append(row)
    return _table(head, rows)


def pdf_table(results: list[dict], jobs: list[int]) -> str:
    head = ["book", "pages", "WeasyPrint s", "WeasyPrint CPU s"]
    for n in jobs:
        head += [f"jobs {n} s", f"jobs {n} CPU s", f"jobs {n} wall x", f"jobs {n} CPU x", f"jobs {n} s/page"]
    rows = []
    for r in results:
        plain = r["weasyprint"]
        row = [r["label"], str(r[f"pdf:{jobs[0]}"]["pages"]), f"{plain['wall']:.2f}", f"{plain['cpu']:.2f}"]
        for n in jobs:
            ours = r[f"pdf:{n}"]
            row += [
                f"{ours['wall']:.2f}",
                f"{ours['cpu']:.2f}",
                _mark(ours["wall"] / plain["wall"], WALL_TARGET, _big(r)),
                _mark(ours["cpu"] / plain["cpu"], CPU_TARGET, _big(r)),
                f"{ours['wall'] / max(ours['pages'], 1):.3f}",
            ]
        rows.append(row)
    return _table(head, rows)


def memory_table(results: list[dict], jobs: list[int]) -> str:
    head = ["book", "pages", "WeasyPrint MB"]
    for n in jobs:
        head += [f"jobs {n} build MB", f"jobs {n} worker MB"]
    rows = []
    for r in results:
        row = [r["label"], str(r[f"pdf:{jobs[0]}"]["pages"]), f"{r['weasyprint']['peak_mb']:.0f}"]
        for n in jobs:
            ours, applies = r[f"pdf:{n}"], _big(r, 1000)
            if n == 1:  # the build process lays the parts out: it is the worker
                row += [_mark(ours["peak_mb"], WORKER_MB_TARGET, applies, 0), "-"]
            else:
                row += [f"{ours['peak_mb']:.0f}", _mark(ours["worker_mb"], WORKER_MB_TARGET, applies, 0)]
        rows.append(row)
    return _table(head, rows)


def unchaptered_table(found: dict, jobs: list[int]) -> str:
    plain, same, chaptered = found["unchaptered"], found["same"], found["chaptered"]
    head = [
        "jobs",
        "unchaptered pages",
        "unchaptered s",
        "unchaptered s/page",
        "same text in chapters: pages",
        "s",
        "s/page",
        "s/page ratio",
        "s ratio",
        "synthetic book: pages",
        "s/page",
        "s/page ratio",
        "unchaptered: peak MB per worker",
    ]
    rows = []
    for n in jobs:
        a, b, c = plain[f"pdf:{n}"], same[f"pdf:{n}"], chaptered[f"pdf:{n}"]
        # with one job the build process lays the part out: it is the worker
        peak = a["peak_mb"] if n == 1 else a["worker_mb"]
        per_a, per_b, per_c = (r["wall"] / max(r["pages"], 1) for r in (a, b, c))
        rows.append(
            [
                str(n),
                str(a["pages"]),
                f"{a['wall']:.2f}",
                f"{per_a:.3f}",
                str(b["pages"]),
                f"{b['wall']:.2f}",
                f"{per_b:.3f}",
                _mark(per_a / per_b, UNCHAPTERED_TARGET, digits=3),
                f"{a['wall'] / b['wall']:.3f}",
                str(c["pages"]),
                f"{per_c:.3f}",
                f"{per_a / per_c:.2f}",
                _mark(peak, WORKER_MB_TARGET, found["pages"] >= 1000, 0),
            ]
        )
    return _table(head, rows)


def rebuild_table(results: list[dict]) -> str:
    head = ["book", "pages", "full build s", "full CPU s", "rebuild s", "rebuild CPU s", "rebuild/full"]
    head += ["kept workers: full build s", "rebuild s", "rebuild/full"]
    rows = []
    for r in results:
        if rb := r.get("rebuild"):
            kept = r.get("rebuild-kept")
            rows.append(
                [
                    r["label"],
                    str(rb["pages"]),
                    f"{rb['full']:.2f}",
                    f"{rb['full_cpu']:.2f}",
                    f"{rb['rebuild']:.2f}",
                    f"{rb['rebuild_cpu']:.2f}",
                    _mark(rb["rebuild"] / rb["full"], REBUILD_TARGET, _big(r), 3),
                    *(_kept_row(kept, _big(r)) if kept else ["-", "-", "-"]),
                ]
            )
    return _table(head, rows)


def _kept_row(kept: dict, big: bool) -> list[str]:
    """The rebuild row's columns of the build on kept workers (``_rebuild_kept``)."""
    share = _mark(kept["rebuild"] / kept["full"], REBUILD_TARGET, big, 3)
    return [f"{kept['full']:.2f}", f"{kept['rebuild']:.2f}", share]


def fixed_table(rows: list[tuple[str, dict, dict | None]]) -> str:
    lines = [
        "| command | s | CPU s | pandoc s | pandoc CPU s | wall x | CPU x |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, ours, pandoc in rows:
        if pandoc is None:
            lines.append(f"| {label} | {ours['wall']:.3f} | {ours['cpu']:.3f} | | | | |")
        elif label.startswith("1-page EPUB"):
            lines.append(
                f"| {label} | {_mark(ours['wall'], SMALL_EPUB_TARGET, digits=3)} | {ours['cpu']:.3f} "
                f"| {pandoc['wall']:.3f} | {pandoc['cpu']:.3f} "
                f"| {ours['wall'] / pandoc['wall']:.2f} | {ours['cpu'] / pandoc['cpu']:.2f} |"
            )
        else:
            lines.append(
                f"| {label} | {ours['wall']:.3f} | {ours['cpu']:.3f} | {pandoc['wall']:.3f} | {pandoc['cpu']:.3f} "
                f"| {ours['wall'] / pandoc['wall']:.2f} | {ours['cpu'] / pandoc['cpu']:.2f} |"
            )
    return "\n".join(lines)


def _counts(read: dict) -> str:
    return ", ".join(
        f"{read[key]} {name if read[key] == 1 else name + 's'}"
        for key, name in (
            ("chapters", "chapter"),
            ("paragraphs", "paragraph"),
            ("block_quotes", "block quote"),
            ("notes", "note"),
        )
    )


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected numbers of 1 or more, got {text!r}")
    return sizes


def _positive(text: str) -> int:
    n = int(text) if text.strip().isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of 1 or more, got {text!r}")
    return n


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(
        prog="bench/run.py",
        description=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--pages", type=_sizes, default=[1, 100, 500, 1000], help="synthetic book sizes (comma-separated)"
    )
    parser.add_argument("--jobs", type=_sizes, default=[1, 2], help="job counts of the PDF builds (comma-separated)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each fixed-cost command (the best is kept)")
    parser.add_argument(
        "--runs",
        type=_positive,
        default=1,
        help="rounds of the books' rows, one command after the other (medians kept; peak memory: the largest)",
    )
    parser.add_argument(
        "--unchaptered-pages",
        type=int,
        default=None,
        help="size of the unchaptered text (default: the largest of --pages; 0: leave it out)",
    )
    parser.add_argument("--quick", action="store_true", help="check that it runs: --pages 20 --repeat 1")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "results" / "latest.md", help="where the tables are written"
    )
    args = parser.parse_args()
    if args.quick:
        args.pages, args.repeat = [20], 1
    jobs = sorted(set(args.jobs))
    unchaptered_pages = max(args.pages) if args.unchaptered_pages is None else args.unchaptered_pages
    # Books of 100 pages or more get the rebuild row; a smaller run gets it
    # for its largest book, so that every row is checked.
    rebuild_from = min(100, max(args.pages))
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        fixed = fixed_costs(tmp, args.repeat)
        runs = args.runs
        results = [bench_one("anthology", ROOT / "editions.toml", tmp, None, jobs, False, runs)]
        for n in args.pages:
            results.append(bench_one(f"synthetic-{n}", synthetic(n, tmp), tmp, n, jobs, n >= rebuild_from, runs))
        for r in results:
            r["jobs"] = jobs
        found = bench_unchaptered(unchaptered_pages, tmp, jobs, results, runs) if unchaptered_pages else None
    report = (
        f"Benchmark of {date.today().isoformat()} on {platform.machine()}, {platform.python_version()}, "
        f"{_cpus()} cores (wall and CPU seconds; CPU includes the programs a command ran; x: ours / theirs; "
        f"the books' rows: {_rounds(runs)})\n\n"
        f"Fixed costs (best of {args.repeat}; target: a 1-page EPUB within {SMALL_EPUB_TARGET} s):\n\n"
        f"{fixed_table(fixed)}\n\n"
        f"EPUB against pandoc (target: wall x <= {EPUB_TARGET:.2f} at 100 pages and more):\n\n"
        f"{epub_table(results)}\n\n"
        f"PDF against plain WeasyPrint on the same HTML and CSS (targets at 100 pages and more: "
        f"wall x <= {WALL_TARGET}, CPU x <= {CPU_TARGET}):\n\n{pdf_table(results, jobs)}\n\n"
        f"Peak memory of the PDF builds, MB (target: <= {WORKER_MB_TARGET} MB per worker at 1,000 pages "
        f"and more):\n\n{memory_table(results, jobs)}\n\n"
    )
    if found is not None:
        report += (
            f"Unchaptered text of about {found['pages']} pages against the same text in chapters and the "
            f"synthetic book, PDF (targets: s/page ratio to the same text in chapters <= {UNCHAPTERED_TARGET}, "
            f"peak MB per worker <= {WORKER_MB_TARGET} at 1,000 pages and more); "
            f"the reader finds in the unchaptered text {_counts(found['unchaptered']['read'])}, in the same text "
            f"in chapters {_counts(found['same']['read'])}, in the synthetic book "
            f"{_counts(found['chaptered']['read'])}:"
            f"\n\n{unchaptered_table(found, jobs)}\n\n"
        )
    report += (
        f"Print edition, full build and rebuild after one changed sentence (target: rebuild/full <= "
        f"{REBUILD_TARGET} at 100 pages and more):\n\n{rebuild_table(results)}\n"
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


def _rounds(runs: int) -> str:
    return (
        "one run"
        if runs == 1
        else f"the medians of {runs} runs, each a round of every command; peak memory: the largest"
    )


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
