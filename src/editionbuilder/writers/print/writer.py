"""The screen PDF writer (``NAME.pdf``): the book typeset part by part (``typeset``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ... import templating
from ...fsutil import atomic_write_bytes
from ...model import Edition
from ..context import WriteContext, Writing, Written
from .fonts import DEFAULT_FONTS, FontFace, check_fonts
from .profiles import SCREEN_PROFILE, TEXT_STYLESHEETS, BookProfile

if TYPE_CHECKING:
    from .typeset import TypesetBook


@dataclass(frozen=True)
class PdfWriter:
    """The screen PDF writer (``NAME.pdf``); ``fonts`` and ``stylesheets``
    can be swapped (tests, themes). ``press.PressWriter`` shares ``render``."""

    fonts: tuple[FontFace, ...] = DEFAULT_FONTS
    stylesheets: tuple[str, ...] = TEXT_STYLESHEETS
    profile: BookProfile = field(default=SCREEN_PROFILE)

    def __call__(self, edition: Edition, out: Path, ctx: WriteContext) -> Written | Writing:
        return written(out, self.render(edition, ctx))

    def render(self, edition: Edition, ctx: WriteContext, keep_layouts: bool = False) -> TypesetBook:
        """The typeset book (``typeset.TypesetBook``), part by part;
        ``keep_layouts``: with each part's WeasyPrint document."""
        from .typeset import typeset_book

        check_fonts(self.fonts)
        extra = ctx.override_dirs
        sheets = tuple(templating.find_stylesheet(name, extra) for name in (*self.stylesheets, self.profile.sheet))
        return typeset_book(edition, ctx, self.profile, sheets, self.fonts, keep_layouts)


def written(out: Path, book: TypesetBook) -> Written | Writing:
    """``book``'s PDF written to ``out``: now, or, while it is joined in
    another process (``TypesetBook.joining``), when the build asks."""

    def write() -> None:
        atomic_write_bytes(out, book.pdf)

    if book.joining:
        return Writing(out, write)
    write()
    return Written(out)


write_pdf = PdfWriter()
