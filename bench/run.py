"""Benchmarks: our builds against the tools a user would pick instead.

    python bench/run.py [--pages 1,100,500,1000] [--out bench/results/latest.md]

For each book (the shipped anthology, and synthetic books of about N pages
made from the corpus texts, in chapters) it measures, each in a fresh
process so that peak memory is the process's own:

- our EPUB build (read + transforms + EPUB writer) against pandoc 3
  (markdown -> epub3) on the same paragraphs;
- our PDF build (read + transforms + templates + WeasyPrint, part by part,
  joined) against plain WeasyPrint rendering the same book's HTML and CSS
  as one document (our overhead);
- for books of 100 pages or more, a print edition (press PDF, cover, screen
  PDF, EPUB) built whole, then built again after one sentence of a middle
  chapter changed: the rebuild's share of the full build.

It prints a table of seconds, ratios, seconds per page and peak memory, and
writes it to a file. Figures are ratios measured side by side in one run,
so they compare on the same machine state; absolute seconds vary.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import re
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
    import resource

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


def _pandoc(src: Path, work: Path) -> int:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    subprocess.run(
        [
            pandoc,
            str(work / "book.md"),
            "-f",
            "markdown",
            "-t",
            "epub3",
            "-o",
            str(work / "pandoc.epub"),
            "--metadata",
            "title=Benchmark",
            "--metadata",
            "lang=en",
        ],
        check=True,
    )
    return 0


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


def _rebuild(src: Path, work: Path) -> int:
    """A full build of a print edition, then one sentence of a middle
    chapter changed and the edition built again from its kept parts: prints
    both times (the figure is the rebuild's share of the full build)."""
    from editionbuilder.cli import main

    config = print_project(src, work / "project")
    started = time.perf_counter()
    assert main(["build", "--config", str(config)]) == 0
    full = time.perf_counter() - started
    book = config.parent / src.name
    text = book.read_text(encoding="utf-8")
    middle = text.index("CHAPTER", len(text) // 2)
    at = text.index(". ", middle + 200)
    book.write_text(text[:at] + ", we say" + text[at:], encoding="utf-8")
    started = time.perf_counter()
    assert main(["build", "--config", str(config)]) == 0
    print(json.dumps({"full": full, "rebuild": time.perf_counter() - started}))
    return _pdf_pages(config.parent / "output" / "book-press.pdf")


_CHILD_MODES = {
    "epub": _ours("epub"),
    "pdf": _ours("pdf"),
    "weasyprint": _plain_weasyprint,
    "pandoc": _pandoc,
    "rebuild": _rebuild,
}


def measure(mode: str, src: Path, work: Path) -> dict:
    """The JSON lines a child printed, merged (a build's own lines are skipped)."""
    run = subprocess.run([sys.executable, __file__, "child", mode, str(src), str(work)], capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"{mode} on {src.name} failed:\n{run.stderr[-2000:]}")
    found: dict = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            found.update(json.loads(line))
    return found


def bench_one(label: str, src: Path, tmp: Path, rebuild: bool) -> dict:
    work = tmp / label
    work.mkdir()
    prepare(src, work)
    modes = ("epub", "pandoc", "pdf", "weasyprint", *(("rebuild",) if rebuild else ()))
    rows = {
        mode: measure(mode, src, work / mode if mode in ("epub", "pdf", "rebuild") else work)
        for mode in modes
        if _mkdir(work / mode)
    }
    return {"label": label, **rows}


def _mkdir(path: Path) -> bool:
    path.mkdir(exist_ok=True)
    return True


def table(results: list[dict]) -> str:
    head = (
        "| book | pages | EPUB s | pandoc s | EPUB/pandoc | PDF s | WeasyPrint s | PDF/WeasyPrint "
        "| s/page | peak MB (PDF) | print edition: full build s | rebuild s | rebuild/full |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head]
    for r in results:
        e, p, d, w = r["epub"], r["pandoc"], r["pdf"], r["weasyprint"]
        pages = d["pages"]
        rb = r.get("rebuild")
        again = f"| {rb['full']:.2f} | {rb['rebuild']:.2f} | {rb['rebuild'] / rb['full']:.3f} |" if rb else "| | | |"
        lines.append(
            f"| {r['label']} | {pages} | {e['seconds']:.2f} | {p['seconds']:.2f} | {e['seconds'] / p['seconds']:.2f} "
            f"| {d['seconds']:.2f} | {w['seconds']:.2f} | {d['seconds'] / w['seconds']:.3f} "
            f"| {d['seconds'] / max(pages, 1):.3f} | {d['peak_mb']:.0f} " + again
        )
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="1,100,500,1000", help="synthetic book sizes (comma-separated)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        results = [bench_one("anthology", ROOT / "editions.toml", tmp, False)]
        for n in (int(x) for x in args.pages.split(",") if x):
            results.append(bench_one(f"synthetic-{n}", synthetic(n, tmp), tmp, n >= 100))
    report = (
        f"Benchmark of {date.today().isoformat()} on {platform.machine()}, {platform.python_version()}, "
        f"{_cpus()} cores\n\n{table(results)}\n"
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
