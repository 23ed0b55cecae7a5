"""A book's HTML document for the print writers, from the shared templates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from ... import templating
from ...layout import printview
from ...layout.labels import LABELS
from ...layout.view import Medium
from ...model import Edition


def created(epoch: int) -> str:
    """The build's timestamp as a W3C date-time (dcterms.created)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_html(
    edition: Edition, extra_dirs: Sequence[str] = (), medium: Medium = printview.PRINT, created_at: str = ""
) -> str:
    """The whole book as one HTML document, from the shared templates (the
    book the benchmark gives plain WeasyPrint; the writers typeset it part
    by part: ``typeset``)."""
    lay = printview.book_layout(edition, medium)
    return parts_html(lay, lay.reading_order, edition, extra_dirs, created_at)


def parts_html(lay, parts: Sequence, edition: Edition, extra_dirs: Sequence[str], created_at: str) -> str:
    """An HTML document of some parts of a book laid out as ``lay``."""
    md = edition.metadata
    return templating.render(
        "print_book.html.j2",
        extra_dirs,
        parts=parts,
        v=lay.view,
        title=md.title or LABELS["untitled"],
        authors=md.authors,
        created=created_at,
    )
