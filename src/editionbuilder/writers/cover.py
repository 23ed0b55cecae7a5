"""The typographic cover: title, subtitle and authors set in EB Garamond.

The design is a template and a stylesheet of its own (``templates/cover.html.j2``,
``styles/cover.css``) so that the print cover can reuse it at another size:
every length in ``cover.css`` is in ``rem``, and the root font size is one
hundredth of the page width, set here. The page is rendered to PDF in memory
by WeasyPrint (through ``pdf.render_pdf``, the only WeasyPrint importer), then
rasterised by Poppler's ``pdftoppm`` at exactly the pixel size asked for.

Why this route: WeasyPrint 70 has no raster output, and Poppler is already a
build dependency (``make`` installs poppler-utils). Both steps are
deterministic: the PDF is byte-identical between runs (no dates are written
without PDF/X) and ``pdftoppm`` writes PNGs without timestamps, so two
builds give the same cover bytes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import templating
from ..diagnostics import Diagnostics, RenderError
from ..model import Metadata
from .pdf import DEFAULT_FONTS, PdfJob, check_fonts, font_css, render_pdf
from .view import LABELS

# Large enough for every store (Apple Books asks at least 1400 px wide; KDP
# and Kobo recommend 1600 x 2560, a 1 : 1.6 ratio).
COVER_PX = (1600, 2560)
TEMPLATE = "cover.html.j2"
STYLESHEET = "cover.css"
PDFTOPPM_TIMEOUT_S = 60

# Title lengths (characters) up to which a size class is used: a long title
# is set smaller so that it still fits in a few lines (WeasyPrint cannot
# shrink text to fit by itself).
TITLE_SIZES: tuple[tuple[int, str], ...] = ((16, "title-short"), (36, "title-medium"), (70, "title-long"))


@dataclass(frozen=True, slots=True)
class CoverText:
    """What the cover shows, as the template prints it."""

    lang: str
    title: str
    subtitle: str
    byline: tuple[tuple[str, str], ...]  # (separator, name): names never break inside
    publisher: str
    size_class: str


def cover_text(md: Metadata) -> CoverText:
    title = md.title or LABELS["untitled"]
    size = next((cls for limit, cls in TITLE_SIZES if len(title) <= limit), "title-very-long")
    return CoverText(md.language or "en", title, md.subtitle, byline(md.authors), md.publisher, size)


def byline(authors: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Each author with the words before it: "", ", " or " and " (as ``names``)."""
    last = len(authors) - 1
    return tuple(("" if i == 0 else f" {LABELS['and']} " if i == last else ", ", a)
                 for i, a in enumerate(authors))


def cover_html(md: Metadata, extra_dirs: Sequence[str] = ()) -> str:
    """The cover page as one HTML document."""
    return templating.render(TEMPLATE, extra_dirs, c=cover_text(md))


def cover_png(md: Metadata, extra_dirs: Sequence[str], project_dir: Path,
              diagnostics: Diagnostics, size: tuple[int, int] = COVER_PX) -> bytes:
    """The cover image as PNG bytes, ``size`` pixels wide and high."""
    check_fonts(DEFAULT_FONTS)
    width, height = size
    # 1 CSS px = 1/96 in: a page of width x height px rasterised to exactly that size.
    sizing = f"@page {{ size: {width}px {height}px; margin: 0; }}\nhtml {{ font-size: {width / 100}px; }}\n"
    sheet = templating.find_stylesheet(STYLESHEET, extra_dirs)
    job = PdfJob(cover_html(md, extra_dirs), (sheet,), font_css(DEFAULT_FONTS) + sizing,
                 DEFAULT_FONTS, project_dir)
    return rasterise(render_pdf(job, diagnostics), size)


def rasterise(pdf: bytes, size: tuple[int, int]) -> bytes:
    """The first page of ``pdf`` as a PNG of exactly ``size`` pixels (Poppler)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RenderError("pdftoppm not found: install poppler-utils (make does) to draw the cover")
    width, height = size
    command = [exe, "-png", "-singlefile", "-f", "1", "-l", "1",
               "-scale-to-x", str(width), "-scale-to-y", str(height), "-"]  # stdin to stdout
    try:
        done = subprocess.run(command, input=pdf, capture_output=True, check=True,
                              timeout=PDFTOPPM_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise RenderError(f"pdftoppm could not rasterise the cover: {detail.decode(errors='replace').strip() or exc}") from exc
    return done.stdout
