"""What a writer is given and what it gives back.

A writer is a function ``(edition, out, ctx) -> Written | Writing |
Declined``: it writes ``out`` atomically (``fsutil.atomic_output``), or
leaves it to be written when the build asks (a PDF joined meanwhile in
another process), or declines and says why. It appends content problems
to ``ctx.diagnostics``, raises ``RenderError`` when the output cannot be
made, and never prints. What one
writer of a build makes for a later one travels in ``ctx.products``, a typed
record (the press writer's layout and page count for the EPUB's page list,
the cover's spine and the web edition; the EPUB's cover image for the web
edition), never through files read back.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostics
from ..layout.pages import Alignments, PrintLayout
from ..options import BuildOptions, EditionOptions

if TYPE_CHECKING:
    from ..scheduling import Forked


@dataclass(slots=True)
class Products:
    """What earlier writers of one build made for later ones."""

    print_layout: PrintLayout | None = None  # the press book's pages (the EPUB's page list, the web edition)
    press_pages: int = 0  # the press PDF's page count (the cover's spine); 0: no press file in this build
    cover_png: bytes | None = None  # the EPUB's cover image (shown again by the web edition)
    # The print parts' page counts by part key, found by the first PDF of the
    # build: the other PDF's first guesses (press and screen share a text block).
    part_pages: dict[str, int] = field(default_factory=dict)
    # Parts of the screen PDF handed to the workers while the press PDF's
    # last parts were laid out (by cache key): the screen PDF takes those
    # it wants, at the folios it finds (writers/print/typeset.py).
    ahead: dict[str, Future] = field(default_factory=dict)
    # The page list's alignments of a print part's words with an XHTML
    # document's (writers/epub/pagelist.py), made by the EPUB for the web
    # edition, whose documents have the EPUB's words (all but the imprint's).
    alignments: Alignments = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WriteContext:
    """What a writer needs besides the edition: the config, the build, a
    collector, and what earlier writers of the same build made (``products``)."""

    options: EditionOptions
    build: BuildOptions
    diagnostics: Diagnostics
    project_dir: Path
    products: Products = field(default_factory=Products)
    progress: Callable[[str], None] | None = None  # stage and page news for a terminal (the CLI's)
    # The EPUB's cover image, ordered once the sources were read and drawn in
    # another process meanwhile (``cover.order_cover``); None: the writer orders it.
    cover: Callable[[], bytes] | None = None
    # Children of this process a PDF is joined in while the build writes
    # its other outputs (``typeset.TypesetBook.joining``): the build's
    # (``pipeline.build_edition``) with a pool of this machine's workers.
    joins: Forked[bytes] | None = None

    @property
    def override_dirs(self) -> tuple[str, ...]:
        """The project's template and stylesheet folders, searched before the package's."""
        return self.build.override_dirs(self.project_dir)


@dataclass(frozen=True, slots=True)
class Written:
    """A writer wrote its file."""

    path: Path


@dataclass(frozen=True, slots=True)
class Declined:
    """A writer's reason for not writing its file (the press file of a book
    too short for print-on-demand, and then its cover): kept in the
    edition's manifest, where ``preflight`` reads it."""

    code: str  # the diagnostic code the writer reported
    detail: str
    pages: int = 0  # for the press file: the book's pages, and the printers' minimum
    minimum: int = 0


@dataclass(frozen=True, slots=True)
class Writing:
    """A writer's file still being made (a PDF joined in a child of the
    build process, ``WriteContext.joins``): ``finish`` waits for it and
    writes ``path``; the build calls it before it offers the file."""

    path: Path
    finish: Callable[[], None]


Result = Written | Writing | Declined
