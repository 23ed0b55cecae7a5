"""What tests of the print engine share: a document of the screen PDF's
kind (tagged PDF/UA-1, the shipped stylesheets and faces, 6 x 9 in)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from editionbuilder.options import PrintOptions
from editionbuilder.templating import STYLE_DIR
from editionbuilder.writers.print import engine as pdf
from editionbuilder.writers.print import pagesetup
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, font_css

GEOMETRY = pagesetup.geometry(PrintOptions(), 100, False)


def part_task(source: str, sheets, g: pagesetup.PageGeometry, variant: str = "", key: str = "ch", title: str = "T"):
    """A ``typeset.PartTask`` laying out ``source`` (a part's whole HTML)
    from folio 1 with the stylesheet files ``sheets`` and the shipped
    faces on pages of ``g``, as a worker is handed it."""
    from editionbuilder.writers.print.typeset import PartTask, part_css

    return PartTask(
        key=key,
        title=title,
        source=source,
        own=part_css(),
        first_folio=1,
        sheets=tuple((str(path), Path(path).read_bytes()) for path in sheets),
        css=font_css(DEFAULT_FONTS) + pagesetup.page_css(g),
        fonts=tuple(DEFAULT_FONTS),
        project_dir=".",
        press=None,
        variant=variant,
        g=g,
        recto_openings=True,
    )


def screen_job(body: str, **fields) -> pdf.PdfJob:
    """A job laying out ``body`` (HTML inside <body>) as the screen PDF's
    parts are, with ``fields`` of ``PdfJob`` replaced."""
    html = f'<!DOCTYPE html><html lang="en"><head><title>T</title></head><body>{body}</body></html>'
    job = pdf.PdfJob(
        html,
        (STYLE_DIR / "base.css", STYLE_DIR / "print.css"),
        font_css(DEFAULT_FONTS) + pagesetup.page_css(GEOMETRY),
        DEFAULT_FONTS,
        Path("."),
        None,
        "pdf/ua-1",
        GEOMETRY,
    )
    return dataclasses.replace(job, **fields)


def page_images(pdfs, dpi: int = 40) -> list[bytes]:
    """The PNG of every page of ``pdfs`` (PDF bytes, one file after the
    other), rasterised by ``pdftoppm``: pages drawn alike give the same
    bytes, whatever the files' structure."""
    import subprocess
    import tempfile

    images = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, data in enumerate(pdfs):
            src = Path(tmp) / f"{n}.pdf"
            src.write_bytes(data)
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / f"{n}-p")], check=True)
            images += [p.read_bytes() for p in sorted(Path(tmp).glob(f"{n}-p-*.png"), key=_page_number)]
    return images


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])
