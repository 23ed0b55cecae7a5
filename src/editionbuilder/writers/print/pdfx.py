"""PDF/X for a printer: the output intent's colour profile, a fixed XMP
DocumentID in place of WeasyPrint's random one, and TrimBox/BleedBox on
pages with bleed. Works on the PDF objects WeasyPrint wrote.
"""

from __future__ import annotations

import re

from . import pagesetup
from .profiles import PressProfile

# The XMP DocumentID WeasyPrint writes for PDF/X-4: "xmp.did:" and a random UUID.
_XMP_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def press_css(press: PressProfile | None) -> str:
    """The output intent's profile, loaded as WeasyPrint's device-cmyk space."""
    if press is None:
        return ""
    return (
        f"@color-profile device-cmyk {{ src: url({press.icc.as_uri()}); "
        "components: c, m, y, k; }\n"
    )  # without components WeasyPrint crashes


def write_options(press: PressProfile | None, g: pagesetup.PageGeometry | None, variant: str) -> dict:
    """write_pdf options: the variant, and a finisher that replaces
    WeasyPrint's random XMP DocumentID (PDF/X-4) and sets the boxes of
    pages with bleed, before the file ID is hashed."""
    if press is None:
        return {"pdf_variant": variant} if variant else {}
    fixed = b"xmp.did:" + press.document_id.encode("ascii")

    def finisher(_document, pdf) -> None:
        for obj in pdf.objects:
            chunks = getattr(obj, "stream", None)
            if chunks and getattr(obj, "extra", {}).get("Type") == "/Metadata":
                obj.stream = [
                    _XMP_DOCUMENT_ID.sub(fixed, c if isinstance(c, bytes) else str(c).encode()) for c in chunks
                ]
        if g is not None and g.bleed_in:
            set_boxes(pdf, g)

    return {"pdf_variant": press.variant, "finisher": finisher}


def set_boxes(pdf, g: pagesetup.PageGeometry) -> None:
    """TrimBox at the trim, BleedBox the whole page, page by page (the
    arrays WeasyPrint made are changed in place: pydyf stays WeasyPrint's)."""
    pages = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"]
    for index, page in enumerate(pages):
        page["TrimBox"][:] = pagesetup.trim_box_pt(g, index)
        page["BleedBox"][:] = pagesetup.media_box_pt(g)
