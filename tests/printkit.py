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
