"""Writers by name: a registry, not an ``if fmt == ...`` chain.

A writer is a function ``(edition, out_path, ctx) -> Written | Writing |
Declined`` (``context``) that writes one output file atomically (or has it
written when the build asks: a PDF joined meanwhile in another process),
appends content problems to ``ctx.diagnostics`` and raises ``RenderError``
when the output cannot be made (a missing font file, a template error).
Writers never print.
``output_path`` names each format's file (``NAME.FMT``, or ``NAME-press.pdf``)
and ``formats_for`` adds the press PDF for an edition marked for print.

Each entry imports its module on first use: the EPUB writer is the only
importer of ebooklib and the print engine (``print.engine``) the only
importer of WeasyPrint, and a build that wants only the PDF does not load
ebooklib. (The EPUB's cover image is drawn by WeasyPrint through
``print.engine.render_pdf``, so an EPUB build loads WeasyPrint too, unless
the cover is kept in the build's cache, ``cover.CoverCache``; an EPUB-only
build loads it in a fork that draws the cover while the build reads,
``cover.CoverDrawer``.)
(The shape of pandoc's ``Text.Pandoc.Writers``.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import ConfigError
from ..model import Edition
from ..options import BuildOptions, EditionOptions, output_name
from .context import Declined, Products, Result, WriteContext, Writing, Written

__all__ = [
    "Declined",
    "Products",
    "Result",
    "WriteContext",
    "Writing",
    "Written",
    "formats_for",
    "get_writer",
    "output_path",
]


# A writer writes ``out`` (``Written``), has it written when the build asks
# (``Writing``), or says why it did not (``Declined``).
Writer = Callable[[Edition, Path, WriteContext], Result]


def _epub(edition: Edition, out: Path, ctx: WriteContext) -> Result:
    from .epub.writer import write_epub

    write_epub(edition, out, ctx)
    return Written(out)


def _pdf(edition: Edition, out: Path, ctx: WriteContext) -> Result:
    from .print.writer import write_pdf

    return write_pdf(edition, out, ctx)


def _press(edition: Edition, out: Path, ctx: WriteContext) -> Result:
    from .print.press import write_press

    return write_press(edition, out, ctx)


def _cover(edition: Edition, out: Path, ctx: WriteContext) -> Result:
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
    first, then the screen PDF, then the press PDF's cover (the spine needs
    its page count), then the build's other formats (the EPUB takes its page
    list from the press layout); else the build's formats as they are. The
    PDFs of print come first: with workers, each is joined in a child of
    the build while the rest is written (``WriteContext.joins``)."""
    if options.print.enabled and "pdf" in build.formats and "press" not in build.formats:
        return ("press", "pdf", "cover", *(f for f in build.formats if f != "pdf"))
    return build.formats


def typesets(formats: tuple[str, ...]) -> bool:
    """Whether a build of ``formats`` lays a book's parts out (a PDF: the
    screen or the press file), on the workers ``Scheduler.warm_up`` starts."""
    return bool({"pdf", "press"} & set(formats))


def get_writer(name: str) -> Writer:
    """The writer registered as ``name``; an unknown format is a config error naming the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(WRITERS))
        raise ConfigError(f"no writer for format {name!r} (known: {known})") from None
