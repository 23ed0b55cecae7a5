"""Benchmarks: our builds against the tools a user would pick instead.

    python bench/run.py [--pages 1,100,500,1000] [--repeat N] [--out bench/results/latest.md]

Every figure is a command run in a fresh process, timed from outside:
wall seconds, and CPU seconds (user + system) of the process and every
program it ran (``resource.getrusage(RUSAGE_CHILDREN)`` before and after:
pdftoppm, pandoc's citeproc). The tools compared run side by side in the
same run, so the ratios compare on the same machine state; absolute
seconds vary. For each book (the shipped anthology, and synthetic books of
about N pages made from the corpus texts, in chapters):

- our EPUB build (read + transforms + EPUB writer) against pandoc 3
  (markdown -> epub3) on the same paragraphs;
- our PDF build (read + transforms + templates + WeasyPrint, part by part,
  joined) against plain WeasyPrint rendering the same book's HTML and CSS
  as one document (our overhead);
- for books of 100 pages or more, a print edition (press PDF, cover, screen
  PDF, EPUB) built whole, then built again after one sentence of a middle
  chapter changed: the rebuild's share of the full build.

And the fixed costs (issue 17, item 4), each the best of ``--repeat`` runs:
``editionbuilder build`` of a one-page EPUB with a cold cache (a new output
folder: the cover drawn, the templates compiled) and a warm one (built once
before), against pandoc on the same text; and ``editionbuilder inspect
--stats`` of each seed.

It prints the tables and writes them to a file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import resource
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
    """One measurement, run in its own process; prints JSON."""
    start = time.perf_counter()
    pages = _CHILD_MODES[mode](Path(src), Path(work))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "pages": pages}))


def _ours(fmt: str):
    """Our build of one format: the EPUB, or the screen PDF (the one PDF plain
    WeasyPrint is compared with: a print edition's press file and cover are
    left out here, and measured in the rebuild row)."""

    def run(src: Path, work: Path) -> int:
        from editionbuilder.config import load_config, one_off_edition
        from editionbuilder.options import BuildOptions
        from editionbuilder.pipeline import build_edition

        if src.suffix == ".toml":
            options, project = next(e for e in load_config(src).editions if e.name == "anthology"), src.parent
        else:
            options, project = one_off_edition([src]), src.parent
        options = dataclasses.replace(options, print=dataclasses.replace(options.print, enabled=False))
        build_edition(
            options,
            BuildOptions(out_dir=str(work), project_dir=str(project), formats=(fmt,), source_date_epoch=1_764_028_800),
        )
        return _pdf_pages(next(work.glob("*.pdf"))) if fmt == "pdf" else 0

    return run


def _plain_weasyprint(src: Path, work: Path) -> int:
    """WeasyPrint alone on the HTML and CSS our writer produced (saved by
    ``prepare``): what a user gets by calling WeasyPrint directly."""
    import weasyprint

    html = (work / "book.html").read_text(encoding="utf-8")
    sheets = [weasyprint.CSS(filename=str(p)) for p in sorted(work.glob("*.css"))]
    out = work / "plain.pdf"
    weasyprint.HTML(string=html, base_url=str(ROOT)).write_pdf(out, stylesheets=sheets)
    return _pdf_pages(out)


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


def _rebuild(src: Path, work: Path) -> int:
    """A full build of a print edition, then one sentence of a middle
    chapter changed and the edition built again from its kept parts: prints
    both times (the figure is the rebuild's share of the full build)."""
    from editionbuilder.cli import main

    config = print_project(src, work / "project")
    started, cpu = time.perf_counter(), _cpu_seconds()
    assert main(["build", "--config", str(config)]) == 0
    full, full_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    book = config.parent / src.name
    text = book.read_text(encoding="utf-8")
    middle = text.index("CHAPTER", len(text) // 2)
    at = text.index(". ", middle + 200)
    book.write_text(text[:at] + ", we say" + text[at:], encoding="utf-8")
    started, cpu = time.perf_counter(), _cpu_seconds()
    assert main(["build", "--config", str(config)]) == 0
    rebuild, rebuild_cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    print(json.dumps({"full": full, "full_cpu": full_cpu, "rebuild": rebuild, "rebuild_cpu": rebuild_cpu}))
    return _pdf_pages(config.parent / "output" / "book-press.pdf")


_CHILD_MODES = {
    "epub": _ours("epub"),
    "pdf": _ours("pdf"),
    "weasyprint": _plain_weasyprint,
    "rebuild": _rebuild,
}


def run_timed(command: list[str], cwd: Path | None = None) -> dict:
    """Run ``command``; its wall seconds, its CPU seconds and those of every
    program it ran (``RUSAGE_CHILDREN``), merged with the JSON lines it
    printed (a build's own lines are skipped)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
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


def measure(mode: str, src: Path, work: Path) -> dict:
    """One of ``_CHILD_MODES`` in a process of its own."""
    return run_timed([sys.executable, __file__, "child", mode, str(src), str(work)])


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


def bench_one(label: str, src: Path, tmp: Path, rebuild: bool) -> dict:
    work = tmp / label
    work.mkdir()
    prepare(src, work)
    rows = {"pandoc": run_timed(pandoc_command(work / "book.md", work / "pandoc.epub"))}
    for mode in ("epub", *(variant for _, variant in PDF_VARIANTS), "weasyprint", *(("rebuild",) if rebuild else ())):
        folder = work / mode if mode != "weasyprint" else work
        folder.mkdir(exist_ok=True)
        rows[mode] = measure(mode, src, folder)
    return {"label": label, **rows}


def best_of(repeat: int, command: list[str], before=None) -> dict:
    """The least wall and the least CPU seconds of ``repeat`` runs of
    ``command`` (``before`` runs first each time, untimed)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(run_timed(command))
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
    cold_out, warm_out = folder / "cold", folder / "warm"
    build = [*cli, "build", str(src), "--format", "epub", "--out"]
    pandoc = best_of(repeat, pandoc_command(folder / "book.md", folder / "pandoc.epub"))
    cold = best_of(repeat, [*build, str(cold_out)], before=lambda: shutil.rmtree(cold_out, ignore_errors=True))
    run_timed([*build, str(warm_out)])  # fills the cache
    warm = best_of(repeat, [*build, str(warm_out)])
    rows: list[tuple[str, dict, dict | None]] = [
        ("1-page EPUB, cold cache", cold, pandoc),
        ("1-page EPUB, warm cache", warm, pandoc),
    ]
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        rows.append(
            (f"inspect --stats seeds/{seed.name[:3]}", best_of(repeat, [*cli, "inspect", str(seed), "--stats"]), None)
        )
    return rows


def _mkdir(path: Path) -> bool:
    path.mkdir(exist_ok=True)
    return True


# Our PDF builds compared with plain WeasyPrint: (column label, child mode).
# Builds with parallel typesetting (``--jobs N``, issue 17 item 1) add their
# modes here, and each gets its columns in the PDF table; the catalog and
# Dask rows (items 2 and 3) get tables of their own beside ``fixed_table``.
PDF_VARIANTS: tuple[tuple[str, str], ...] = (("ours", "pdf"),)


def _pair(ours: dict, theirs: dict) -> str:
    """Wall and CPU seconds of both, and ours as a ratio of theirs."""
    return (
        f"| {ours['wall']:.2f} | {ours['cpu']:.2f} | {theirs['wall']:.2f} | {theirs['cpu']:.2f} "
        f"| {ours['wall'] / theirs['wall']:.2f} | {ours['cpu'] / theirs['cpu']:.2f} "
    )


def epub_table(results: list[dict]) -> str:
    lines = [
        "| book | EPUB s | EPUB CPU s | pandoc s | pandoc CPU s | wall ratio | CPU ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| {r['label']} " + _pair(r["epub"], r["pandoc"]) + "|" for r in results]
    return "\n".join(lines)


def pdf_table(results: list[dict]) -> str:
    head = "| book | pages "
    for label, _ in PDF_VARIANTS:
        head += f"| {label} s | {label} CPU s | WeasyPrint s | WeasyPrint CPU s | wall ratio | CPU ratio "
    head += "| s/page | peak MB |"
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for r in results:
        first = r[PDF_VARIANTS[0][1]]
        line = f"| {r['label']} | {first['pages']} "
        for _, mode in PDF_VARIANTS:
            line += _pair(r[mode], r["weasyprint"])
        line += f"| {first['wall'] / max(first['pages'], 1):.3f} | {first['peak_mb']:.0f} |"
        lines.append(line)
    return "\n".join(lines)


def rebuild_table(results: list[dict]) -> str:
    lines = [
        "| book | pages | full build s | full CPU s | rebuild s | rebuild CPU s | rebuild/full |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rb = r.get("rebuild")
        if rb:
            lines.append(
                f"| {r['label']} | {rb['pages']} | {rb['full']:.2f} | {rb['full_cpu']:.2f} | {rb['rebuild']:.2f} "
                f"| {rb['rebuild_cpu']:.2f} | {rb['rebuild'] / rb['full']:.3f} |"
            )
    return "\n".join(lines)


def fixed_table(rows: list[tuple[str, dict, dict | None]]) -> str:
    lines = [
        "| command | s | CPU s | pandoc s | pandoc CPU s | wall ratio | CPU ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, ours, pandoc in rows:
        if pandoc is None:
            lines.append(f"| {label} | {ours['wall']:.3f} | {ours['cpu']:.3f} | | | | |")
        else:
            lines.append(
                f"| {label} | {ours['wall']:.3f} | {ours['cpu']:.3f} | {pandoc['wall']:.3f} | {pandoc['cpu']:.3f} "
                f"| {ours['wall'] / pandoc['wall']:.2f} | {ours['cpu'] / pandoc['cpu']:.2f} |"
            )
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="1,100,500,1000", help="synthetic book sizes (comma-separated)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each fixed-cost command (the best is kept)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        fixed = fixed_costs(tmp, args.repeat)
        results = [bench_one("anthology", ROOT / "editions.toml", tmp, False)]
        for n in (int(x) for x in args.pages.split(",") if x):
            results.append(bench_one(f"synthetic-{n}", synthetic(n, tmp), tmp, n >= 100))
    report = (
        f"Benchmark of {date.today().isoformat()} on {platform.machine()}, {platform.python_version()}, "
        f"{_cpus()} cores (wall and CPU seconds; CPU includes the programs a command ran)\n\n"
        f"Fixed costs (best of {args.repeat}):\n\n{fixed_table(fixed)}\n\n"
        f"EPUB against pandoc:\n\n{epub_table(results)}\n\n"
        f"PDF against plain WeasyPrint on the same HTML and CSS:\n\n{pdf_table(results)}\n\n"
        f"Print edition, full build and rebuild after one changed sentence:\n\n{rebuild_table(results)}\n"
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


def _cpus() -> int:
    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
