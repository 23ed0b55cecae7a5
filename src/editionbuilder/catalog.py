"""What the bookshelf and the OPDS feeds say about one edition.

The web writer (``writers/web.py``) writes a ``CatalogEntry`` as
``web/book.json`` in the edition's set of files, once the EPUB and the
PDF are written, so that it names their exact sizes; ``site.py`` reads the
entries of every set to make the bookshelf and the feeds. Paths in an
entry are relative to the edition's folder of the site (``site/NAME/``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

# Media types of what the site offers, as the server sends them and the feeds declare them.
EPUB_TYPE = "application/epub+zip"
PDF_TYPE = "application/pdf"
PNG_TYPE = "image/png"
HTML_TYPE = "text/html"
OPDS_ATOM_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPDS_JSON_TYPE = "application/opds+json"

ENTRY_FILE = "book.json"


@dataclass(frozen=True, slots=True)
class Download:
    """A file readers take away: its name, media type, size in bytes and label."""

    file: str
    type: str
    size: int
    label: str


@dataclass(frozen=True, slots=True)
class Image:
    file: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    name: str
    title: str
    subtitle: str
    authors: tuple[str, ...]
    language: str
    identifier: str
    summary: str  # the description, else the opening words of the text
    publisher: str
    issued: str  # the edition's date as the config gives it (YYYY[-MM[-DD]]), or ""
    updated: str  # the build's timestamp, from SOURCE_DATE_EPOCH or the date: YYYY-MM-DDTHH:MM:SSZ
    downloads: tuple[Download, ...]
    cover: Image
    thumbnail: Image
    start: str  # the first page of the text
    alt: str  # the cover's alt text
    title_small_caps: bool = False  # the title is displayed in small capitals (``Metadata.title_small_caps``)


def dumps(entry: CatalogEntry) -> bytes:
    return json.dumps(asdict(entry), indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")


def loads(data: bytes) -> CatalogEntry:
    """An entry as ``dumps`` wrote it; ``ValueError`` for anything else."""
    try:
        raw = json.loads(data)
        return CatalogEntry(
            **{
                **raw,
                "authors": tuple(raw["authors"]),
                "downloads": tuple(Download(**d) for d in raw["downloads"]),
                "cover": Image(**raw["cover"]),
                "thumbnail": Image(**raw["thumbnail"]),
            }
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a catalog entry: {exc}") from None


def human_size(size: int) -> str:
    """``size`` bytes as a reader reads it: "840 kB", "1.2 MB" (SI units)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"
