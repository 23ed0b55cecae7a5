"""The press PDF (``NAME-press.pdf``): the interior a printer accepts.

Written only for an edition whose config asks for print
(``options.print.enabled``). The same book as the screen PDF
(``pdf.PdfWriter``), in another profile:

- PDF/X-4 with the CMYK output intent embedded (``pdf.PressProfile``), every
  colour ``device-cmyk`` (``press.css``: black text is ``0 0 0 1``);
- no links, no bookmarks, no tags (KDP forbids annotations and bookmarks);
- bleed on the top, bottom and outside edges when the options ask for it,
  with each page's TrimBox at the trim (``pagesetup``);
- an even page count: an odd book ends with a blank verso, the back of
  its last leaf; never more (no padding to reach a minimum);
- reproducible: the dates come from the build's ``source_date_epoch`` and
  the XMP DocumentID from the edition's identifier.

A book under 24 pages is too short for print-on-demand (KDP, IngramSpark):
it gets no press file and a ``too-short-for-press`` warning (the build
then removes a stale one from an earlier build, so that it cannot be
uploaded by mistake: ``pipeline.build_edition``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from ... import codes
from ...isbn import check_isbn
from ...layout import printview
from ...layout.frontmatter import identifier, print_identifier
from ...model import Edition
from ...options import output_name
from ..context import Declined, Result, WriteContext
from .fonts import DEFAULT_FONTS, FontFace
from .profiles import BookProfile, PressProfile
from .writer import PdfWriter, written

PRESS_SUFFIX = output_name("", "press")  # "-press.pdf"
MIN_PAGES = 24  # KDP's and IngramSpark's shortest paperback


def press_path(out: Path) -> Path:
    """``NAME-press.pdf``: ``out`` itself when so named (``writers.output_path``),
    else beside it (``NAME.press`` or ``NAME.pdf``)."""
    if out.name.endswith(PRESS_SUFFIX):
        return out
    return out.with_name(out.name.split(".")[0] + PRESS_SUFFIX)


def press_profile(edition: Edition, ctx: WriteContext) -> BookProfile:
    """PDF/X-4 with a DocumentID fixed by the edition's identifier."""
    document_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "editionbuilder-press:" + identifier(edition.metadata)))
    return BookProfile(
        printview.PRINT, "press.css", press=PressProfile(document_id), bleed=ctx.options.print.bleed, pad_even=True
    )


@dataclass(frozen=True)
class PressWriter:
    """Writes ``NAME-press.pdf`` for a print edition of 24 pages or more."""

    fonts: tuple[FontFace, ...] = DEFAULT_FONTS

    def __call__(self, edition: Edition, out: Path, ctx: WriteContext) -> Result:
        target = press_path(out)
        if not ctx.options.print.enabled:
            detail = (
                f"the edition's config does not ask for print ([print] enabled = true): no {target.name} was written"
            )
            ctx.diagnostics.add(codes.PRINT_NOT_ENABLED, detail)
            return Declined(codes.PRINT_NOT_ENABLED.name, detail)
        isbn = check_isbn(edition.metadata.print_identifier)
        if isbn.claimed and not isbn.valid:
            message = f"the print identifier {isbn.text!r} {isbn.problem}: no barcode is printed, and preflight fails"
            ctx.diagnostics.add(codes.ISBN_INVALID, message)
        writer = PdfWriter(self.fonts, profile=press_profile(edition, ctx))
        book = writer.render(edition, ctx)
        if book.pages < MIN_PAGES:
            book.discard()
            target.unlink(missing_ok=True)
            detail = f"{book.pages} pages; print-on-demand needs at least {MIN_PAGES}, so no {target.name} was written"
            ctx.diagnostics.add(codes.TOO_SHORT_FOR_PRESS, detail)
            return Declined(codes.TOO_SHORT_FOR_PRESS.name, detail, book.pages, MIN_PAGES)
        ctx.products.print_layout = book.print_layout(print_identifier(edition.metadata))
        ctx.products.press_pages = book.file_pages  # the pages of the file, a closing blank verso included
        return written(target, book)


write_press = PressWriter()
