"""The two profiles of one book: the screen PDF and the press PDF (PDF/X)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...layout import printview
from ...layout.view import Medium

# Debian's libgs-common: a v2 SWOP CMYK printer profile.
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@dataclass(frozen=True, slots=True)
class PressProfile:
    """PDF/X output for a printer: the variant, the CMYK ICC profile embedded
    as the output intent, and a fixed XMP DocumentID (a UUID string).

    WeasyPrint writes an output intent only when CSS loads a profile with
    ``@color-profile device-cmyk``, and a random DocumentID for PDF/X-4; the
    document must also carry ``dcterms.created``/``dcterms.modified`` meta
    tags, or PDF/X stamps the current time.
    """

    document_id: str
    variant: str = "pdf/x-4"
    icc: Path = CMYK_PROFILE


# --------------------------------------------------------------------------
# The book: one profile, rendered with the gutter its page count needs
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookProfile:
    """What differs between the screen and the press PDF of one book."""

    medium: Medium
    sheet: str  # the medium's stylesheet: colours, bookmarks
    variant: str = ""  # pdf_variant of a screen file
    press: PressProfile | None = None
    bleed: bool = False
    pad_even: bool = False  # count pages as if a blank verso closed an odd book
    # Every part of the text opens on a recto, after a blank verso where the
    # part before ends on a recto (a printed book). False (the screen PDF):
    # a part opens on the next page, whichever side, and no page is blank.
    recto_openings: bool = True


# The stylesheets of both PDFs, before their profile's own (``BookProfile.sheet``).
TEXT_STYLESHEETS = ("base.css", "print.css")

SCREEN_PROFILE = BookProfile(printview.SCREEN, "screen.css", "pdf/ua-1", recto_openings=False)
