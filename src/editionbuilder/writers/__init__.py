"""Writers by name: a registry, not an ``if fmt == ...`` chain.

A writer is a function ``(edition, out_path, ctx) -> None`` that writes one
output file atomically (``fsutil.atomic_output``), appends content problems
to ``ctx.diagnostics`` and raises ``RenderError`` when the output cannot be
made (a missing font file, a template error). Writers never print.
``output_path`` names each format's file (``NAME.FMT``, or ``NAME-press.pdf``)
and ``formats_for`` adds the press PDF for an edition marked for print.

Each entry imports its module on first use: the EPUB writer is the only
importer of ebooklib and the PDF writer the only importer of WeasyPrint, and
a build that wants only the PDF does not load ebooklib. (The EPUB's cover
image is drawn by WeasyPrint through ``pdf.render_pdf``, so an EPUB build
loads WeasyPrint too, unless the cover is kept in the build's cache:
``cover.CoverCache``.)
(The shape of pandoc's ``Text.Pandoc.Writers``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import ConfigError, Diagnostics
from ..model import Edition
from ..options import BuildOptions, EditionOptions, output_name


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What a writer needs besides the edition: the config, the build, a
    collector, and what earlier writers of the same build made for later
    ones (``products``: the press writer leaves the print layout under
    ``PRINT_LAYOUT`` for the EPUB's page list, the EPUB writer its cover
    image under ``COVER_PNG`` for the web edition)."""

    options: EditionOptions
    build: BuildOptions
    diagnostics: Diagnostics
    project_dir: Path
    products: dict = field(default_factory=dict)
    progress: Callable[[str], None] | None = None  # stage and page news for a terminal (the CLI's)

    @property
    def override_dirs(self) -> tuple[str, ...]:
        """The project's template and stylesheet folders, searched before the package's."""
        return tuple(str(self.project_dir / d) for d in self.build.extra_template_dirs)


PRINT_LAYOUT = "print-layout"
COVER_PNG = "cover-png"


@dataclass(frozen=True, slots=True)
class Declined:
    """A writer's reason for not writing its file (the press file of a book
    too short for print-on-demand, and then its cover): kept in the
    edition's manifest, where ``preflight`` reads it."""

    code: str  # the diagnostic code the writer reported
    detail: str
    pages: int = 0  # for the press file: the book's pages, and the printers' minimum
    minimum: int = 0


# A writer writes ``out`` and returns None, or returns why it did not.
Writer = Callable[[Edition, Path, WriteContext], Declined | None]


def _epub(edition: Edition, out: Path, ctx: WriteContext) -> Declined | None:
    from .epub import write_epub

    write_epub(edition, out, ctx)
    return None


def _pdf(edition: Edition, out: Path, ctx: WriteContext) -> Declined | None:
    from .pdf import write_pdf

    write_pdf(edition, out, ctx)
    return None


def _press(edition: Edition, out: Path, ctx: WriteContext) -> Declined | None:
    from .press import write_press

    return write_press(edition, out, ctx)


def _cover(edition: Edition, out: Path, ctx: WriteContext) -> Declined | None:
    from .cover import write_print_cover

    return write_print_cover(edition, out, ctx)


WRITERS: dict[str, Writer] = {"epub": _epub, "pdf": _pdf, "press": _press, "cover": _cover}


def output_path(out_dir: Path, name: str, fmt: str) -> Path:
    """Where format ``fmt`` of edition ``name`` is written (``options.OUTPUT_NAMES``);
    a writer may also decline to write (the press file of a book too short
    for print-on-demand, and then its cover)."""
    return out_dir / output_name(name, fmt)


def formats_for(options: EditionOptions, build: BuildOptions) -> tuple[str, ...]:
    """The formats to write, in the order they must be made: for an edition
    whose config asks for print (and a build that makes PDFs), the press PDF
    first, then its cover (the spine needs its page count), then the
    build's formats (the EPUB takes its page list from the press layout)."""
    if options.print.enabled and "pdf" in build.formats and "press" not in build.formats:
        return ("press", "cover", *build.formats)
    return build.formats


def get_writer(name: str) -> Writer:
    """The writer registered as ``name``; an unknown format is a config error naming the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(WRITERS))
        raise ConfigError(f"no writer for format {name!r} (known: {known})") from None
