"""Writers by name: a registry, not an ``if fmt == ...`` chain.

A writer is a function ``(edition, out_path, ctx) -> None`` that writes one
output file atomically (``fsutil.atomic_output``), appends content problems
to ``ctx.diagnostics`` and raises ``RenderError`` when the output cannot be
made (a missing font file, a template error). Writers never print.

Each entry imports its module on first use: the EPUB writer is the only
importer of ebooklib and the PDF writer the only importer of WeasyPrint, and
a build that wants only the PDF does not load ebooklib. (The EPUB's cover
image is drawn by WeasyPrint through ``pdf.render_pdf``, so an EPUB build
loads WeasyPrint too.)
(The shape of pandoc's ``Text.Pandoc.Writers``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ConfigError, Diagnostics
from ..model import Edition
from ..options import BuildOptions, EditionOptions


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What a writer needs besides the edition: the config, the build, a collector."""

    options: EditionOptions
    build: BuildOptions
    diagnostics: Diagnostics
    project_dir: Path


Writer = Callable[[Edition, Path, WriteContext], None]


def _epub(edition: Edition, out: Path, ctx: WriteContext) -> None:
    from .epub import write_epub

    write_epub(edition, out, ctx)


def _pdf(edition: Edition, out: Path, ctx: WriteContext) -> None:
    from .pdf import write_pdf

    write_pdf(edition, out, ctx)


WRITERS: dict[str, Writer] = {"epub": _epub, "pdf": _pdf}


def get_writer(name: str) -> Writer:
    """The writer registered as ``name``; an unknown format is a config error naming the known ones."""
    try:
        return WRITERS[name]
    except KeyError:
        known = ", ".join(sorted(WRITERS))
        raise ConfigError(f"no writer for format {name!r} (known: {known})") from None
