"""Print interior PDF writer: the only module that imports WeasyPrint.

One HTML document is rendered from the shared templates (``print_book.html.j2``)
with ``base.css`` and ``print.css``, plus a small stylesheet made here from the
edition options: the trim size and the font faces. Footnotes are printed in
place and float to the foot of their page (``float: footnote``); the print
view carries no links, since printers refuse link annotations.

Fonts are declared face by face with explicit files (RECIPES.md): asking
fontconfig for "EB Garamond" gets the 08 caption cut and a faked bold. A
missing file is a ``RenderError`` naming it, before anything is rendered.
Nothing is fetched from the network: the URL fetcher serves only local files
under the project, the stylesheet folders and the font folders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import weasyprint
from weasyprint.logger import LOGGER
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import templating
from ..diagnostics import Diagnostics, RenderError
from ..fsutil import atomic_write_bytes
from ..model import Edition
from ..options import PrintOptions
from . import WriteContext, html

EBGARAMOND = "/usr/share/fonts/opentype/ebgaramond"
TEXT_FAMILY = "Edition Text"
BOLD_FAMILY = "Edition Text Bold"
MONO_FAMILY = "Edition Mono"
BOLD_SELECTORS = "strong, b, .note-label"


@dataclass(frozen=True, slots=True)
class FontFace:
    """One @font-face: a family name of our own, bound to one font file."""

    family: str
    path: str
    style: str = "normal"
    weight: int = 400


# Debian's fonts-ebgaramond has no bold italic, and its 12 Bold cut has only
# 127 glyphs: fontconfig ranks it below the Regular (it does not cover the
# "en" orthography), so inside one family WeasyPrint fakes bold from the
# Regular. The Bold is therefore a family of its own, used for bold text with
# the text family as fallback for the glyphs it lacks. Preformatted text
# needs a monospace face to keep its columns.
DEFAULT_FONTS: tuple[FontFace, ...] = (
    FontFace(TEXT_FAMILY, f"{EBGARAMOND}/EBGaramond12-Regular.otf"),
    FontFace(TEXT_FAMILY, f"{EBGARAMOND}/EBGaramond12-Italic.otf", "italic"),
    FontFace(BOLD_FAMILY, f"{EBGARAMOND}/EBGaramond12-Bold.otf", "normal", 700),
    FontFace(MONO_FAMILY, "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
)


class LocalFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and refuses everything else."""

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols=("file",))
        self.roots = tuple(Path(r).resolve() for r in roots)

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme != "file":
            raise ValueError(f"refusing to fetch {url}: only local files are used")
        path = Path(unquote(parsed.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"refusing to fetch {path}: outside the project, styles and fonts")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class PdfWriter:
    """The print PDF writer; ``fonts`` and ``stylesheets`` can be swapped (tests, themes)."""

    fonts: tuple[FontFace, ...] = DEFAULT_FONTS
    stylesheets: tuple[str, ...] = ("base.css", "print.css")

    def __call__(self, edition: Edition, out: Path, ctx: WriteContext) -> None:
        check_fonts(self.fonts)
        extra = tuple(str(ctx.project_dir / d) for d in ctx.build.extra_template_dirs)
        sheets = tuple(templating.find_stylesheet(name, extra) for name in self.stylesheets)
        job = PdfJob(render_html(edition, extra), sheets, page_css(ctx.options.print, self.fonts),
                     self.fonts, ctx.project_dir)
        atomic_write_bytes(out, render_pdf(job, ctx.diagnostics))


@dataclass(frozen=True)
class PdfJob:
    """One HTML document to render: its stylesheets (files, then a generated
    one) and fonts; local files are served from the project, the stylesheet
    folders and the font folders only."""

    source: str
    sheets: tuple[Path, ...]
    extra_css: str
    fonts: tuple[FontFace, ...]
    project_dir: Path


def render_pdf(job: PdfJob, diagnostics: Diagnostics) -> bytes:
    """The PDF of ``job`` in memory; WeasyPrint's warnings become diagnostics.

    Shared by the interior and the cover (writers/cover.py), so that
    WeasyPrint is imported here only.
    """
    roots = [job.project_dir, templating.STYLE_DIR, *(p.parent for p in job.sheets),
             *(Path(f.path).parent for f in job.fonts)]
    fetcher = LocalFetcher(roots)
    with _log_to(diagnostics):
        try:
            fonts = FontConfiguration()
            css = [weasyprint.CSS(filename=str(p), url_fetcher=fetcher, font_config=fonts)
                   for p in job.sheets]
            css.append(weasyprint.CSS(string=job.extra_css, url_fetcher=fetcher, font_config=fonts))
            document = weasyprint.HTML(string=job.source, base_url=str(job.project_dir.resolve()),
                                       url_fetcher=fetcher)
            return document.write_pdf(stylesheets=css, font_config=fonts)
        except Exception as exc:  # a WeasyPrint failure is not the user's traceback
            raise RenderError(f"PDF rendering failed: {type(exc).__name__}: {exc}") from exc


write_pdf = PdfWriter()


def check_fonts(fonts: Sequence[FontFace]) -> None:
    """Refuse to render with a font file missing: fontconfig would substitute silently."""
    for face in fonts:
        if not Path(face.path).is_file():
            raise RenderError(f"font file not found: {face.path} ({face.family}, {face.style}, "
                              f"{face.weight}); install it or change the font configuration")


def render_html(edition: Edition, extra_dirs: Sequence[str] = ()) -> str:
    """The whole book as one HTML document, from the shared templates."""
    lay = html.layout(edition, html.PRINT)
    md = edition.metadata
    return templating.render("print_book.html.j2", extra_dirs, parts=lay.reading_order, v=lay.view,
                             title=md.title or html.LABELS["untitled"], authors=md.authors)


def page_css(options: PrintOptions, fonts: Sequence[FontFace]) -> str:
    """The stylesheet that depends on options: trim size, font faces and families."""
    return f"{font_css(fonts)}@page {{ size: {options.width_in}in {options.height_in}in; }}\n"


def font_css(fonts: Sequence[FontFace]) -> str:
    """@font-face rules binding each face to its file, and the families' uses."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{f.family}"; src: url("{Path(f.path).as_uri()}"); '
        f"font-style: {f.style}; font-weight: {f.weight}; }}"
        for f in fonts
    )
    return (
        f"{faces}\n"
        f'html {{ font-family: "{TEXT_FAMILY}"; }}\n'
        f'{BOLD_SELECTORS} {{ font-family: "{BOLD_FAMILY}", "{TEXT_FAMILY}"; }}\n'
        f'pre, code {{ font-family: "{MONO_FAMILY}"; }}\n'
    )


class _DiagnosticsHandler(logging.Handler):
    """WeasyPrint's warnings (bad CSS, unreachable resources) as diagnostics."""

    def __init__(self, diagnostics: Diagnostics):
        super().__init__(logging.WARNING)
        self.diagnostics = diagnostics

    def emit(self, record: logging.LogRecord) -> None:
        self.diagnostics.warn("pdf-render", record.getMessage())


@contextmanager
def _log_to(diagnostics: Diagnostics) -> Iterator[None]:
    """Route WeasyPrint's log to ``diagnostics`` for the duration: writers never print."""
    handler = _DiagnosticsHandler(diagnostics)
    propagate = LOGGER.propagate
    LOGGER.addHandler(handler)
    LOGGER.propagate = False
    try:
        yield
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.propagate = propagate
