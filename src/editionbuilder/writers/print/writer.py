"""The screen PDF writer (``NAME.pdf``): the book typeset part by part (``typeset``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ... import templating
from ...fsutil import atomic_write_bytes
from ...model import Edition
from ..context import WriteContext
from .fonts import DEFAULT_FONTS, FontFace, check_fonts
from .profiles import SCREEN_PROFILE, TEXT_STYLESHEETS, BookProfile


@dataclass(frozen=True)
class PdfWriter:
    """The screen PDF writer (``NAME.pdf``); ``fonts`` and ``stylesheets``
    can be swapped (tests, themes). ``press.PressWriter`` shares ``render``."""

    fonts: tuple[FontFace, ...] = DEFAULT_FONTS
    stylesheets: tuple[str, ...] = TEXT_STYLESHEETS
    profile: BookProfile = field(default=SCREEN_PROFILE)

    def __call__(self, edition: Edition, out: Path, ctx: WriteContext) -> None:
        atomic_write_bytes(out, self.render(edition, ctx).pdf)

    def render(self, edition: Edition, ctx: WriteContext, keep_layouts: bool = False):
        """The typeset book (``typeset.TypesetBook``), part by part;
        ``keep_layouts``: with each part's WeasyPrint document."""
        from .typeset import typeset_book

        check_fonts(self.fonts)
        extra = ctx.override_dirs
        sheets = tuple(templating.find_stylesheet(name, extra) for name in (*self.stylesheets, self.profile.sheet))
        return typeset_book(edition, ctx, self.profile, sheets, self.fonts, keep_layouts)


write_pdf = PdfWriter()
