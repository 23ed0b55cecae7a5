"""The catalog feeds of the site: every edition on the bookshelf, for reading apps.

- ``opds/catalog.xml``: an OPDS 1.2 acquisition feed, an Atom document
  (RFC 4287) rendered from ``templates/opds_catalog.xml.j2``;
- ``opds/catalog.json``: an OPDS 2.0 feed (JSON).

Each entry gives the title, authors, language, identifier, summary and
issued date, the cover and its thumbnail (``http://opds-spec.org/image``,
``.../image/thumbnail``), and an acquisition link
(``http://opds-spec.org/acquisition``) for the EPUB and the screen PDF
with their media types and sizes. Links are relative to the feed, so the
site works from any address. The feeds' own times are their newest
entry's, never the clock.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from typing import Any

from .. import templating
from ..catalog import HTML_TYPE, OPDS_ATOM_TYPE, OPDS_JSON_TYPE, PNG_TYPE, CatalogEntry
from ..config_values import date_parts

ATOM_TEMPLATE = "opds_catalog.xml.j2"
ACQUISITION = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
CATALOG_TITLE = "Bookshelf"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def feed_id(entries: Sequence[CatalogEntry]) -> str:
    """The feed's id: the same for the same books."""
    seed = "\n".join(sorted(e.identifier for e in entries))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'editionbuilder:catalog:' + seed)}"


def entry_id(entry: CatalogEntry) -> str:
    """An Atom id must be an IRI: the identifier when it is one (a ``urn:``),
    else a URN made from it."""
    if _URI.match(entry.identifier):
        return entry.identifier
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'editionbuilder:' + entry.identifier)}"


def updated(entries: Sequence[CatalogEntry]) -> str:
    return max(e.updated for e in entries)


def atom_feed(entries: Sequence[CatalogEntry], extra_dirs: Sequence[str]) -> bytes:
    text = templating.render(
        ATOM_TEMPLATE,
        extra_dirs,
        id=feed_id(entries),
        title=CATALOG_TITLE,
        updated=updated(entries),
        entries=[(e, entry_id(e)) for e in entries],
        types={"atom": OPDS_ATOM_TYPE, "json": OPDS_JSON_TYPE, "html": HTML_TYPE, "png": PNG_TYPE},
        rels={"acquisition": ACQUISITION, "image": IMAGE, "thumbnail": THUMBNAIL},
    )
    return text.encode("utf-8")


def json_feed(entries: Sequence[CatalogEntry]) -> bytes:
    feed = {
        "metadata": {
            "title": CATALOG_TITLE,
            "identifier": feed_id(entries),
            "modified": updated(entries),
            "numberOfItems": len(entries),
        },
        "links": [
            {"rel": "self", "href": "catalog.json", "type": OPDS_JSON_TYPE},
            {"rel": "alternate", "href": "catalog.xml", "type": OPDS_ATOM_TYPE},
            {"rel": "alternate", "href": "../index.html", "type": HTML_TYPE},
        ],
        "publications": [publication(e) for e in entries],
    }
    return (json.dumps(feed, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def publication(e: CatalogEntry) -> dict[str, Any]:
    """One OPDS 2.0 publication: its metadata, acquisition links and images."""
    base = f"../{e.name}/"
    metadata: dict[str, Any] = {
        "@type": "http://schema.org/Book",
        "title": e.title,
        "identifier": entry_id(e),
        "language": e.language,
        "modified": e.updated,
        "author": [{"name": a} for a in e.authors],
        "description": e.summary,
    }
    if e.subtitle:
        metadata["subtitle"] = e.subtitle
    if e.publisher:
        metadata["publisher"] = e.publisher
    day = date_parts(e.issued) if e.issued else None
    if day is not None:
        metadata["published"] = day.isoformat()
    links = [
        {"rel": ACQUISITION, "href": base + d.file, "type": d.type, "size": d.size, "title": d.label}
        for d in e.downloads
    ]
    links.append({"rel": "alternate", "href": base + "index.html", "type": HTML_TYPE})
    images = [
        {"rel": rel, "href": base + image.file, "type": PNG_TYPE, "width": image.width, "height": image.height}
        for rel, image in ((IMAGE, e.cover), (THUMBNAIL, e.thumbnail))
    ]
    return {"metadata": metadata, "links": links, "images": images}
