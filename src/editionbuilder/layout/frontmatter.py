"""Front matter the writers generate: cover, title page, imprint, navigation.

The EPUB opens like a printed book (the order of Standard Ebooks' editions):
a cover document holding the cover image (``epub:type="cover"``), a title
page, an imprint (copyright page, where each text comes from, the credits,
and a colophon naming the typefaces and tools), then the navigation document
with a nested table of contents and the landmarks. Print gets the title page
only (its cover is a file of its own). Everything a template prints is
computed here; the templates are ``parts.j2`` (``cover``, ``titlepage``,
``imprint``, ``nav``) and ``toc.ncx.j2``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from .. import __version__
from ..model import Chapter, Heading, Metadata
from ..model.text import title_text
from .apparatus import BIBLIOGRAPHY_KEY, GLOSSARY_KEY, source_title
from .labels import LABELS
from .view import Landmark, Medium, Part, TocEntry, names, xml_id

COVER_KEY, TITLEPAGE_KEY, IMPRINT_KEY, NAV_KEY = "cover", "titlepage", "imprint", "nav"
COVER_IMAGE = "images/cover.png"

# What the colophon says about type and tools: true of every edition this
# package makes (the cover and the print interior are set in EB Garamond by
# file, writers/print/fonts.py; an ebook's text is set by the reader's device).
TYPEFACES = (
    "The cover is set in EB Garamond, by Georg Duffner and Octavio Pardo. "
    "The text of this ebook appears in the typeface your reading system is set to."
)
TOOLS = (
    f"Made with editionbuilder {__version__} from the sources above: the text was read and "
    "typeset with its own rules, the pages printed from Jinja2 templates, the ebook "
    "packaged with EbookLib, and the cover drawn with Pillow, or by WeasyPrint and Poppler."
)


@dataclass(frozen=True, slots=True)
class Cover:
    src: str
    alt: str


@dataclass(frozen=True, slots=True)
class Imprint:
    """The copyright page: what the edition is, whose, from where, made how."""

    metadata: Metadata
    byline: str
    identifier: str
    sources: tuple[str, ...]  # the sources' titles (their files are named in the report only)
    credits: tuple[tuple[str, str], ...]  # (role, name)
    notice: str = ""  # "© 2026 Holder" (``copyright_notice``)
    date: str = ""  # the edition's date in words (``date_in_words``)
    typefaces: str = TYPEFACES
    tools: str = TOOLS


@dataclass(frozen=True, slots=True)
class Navigation:
    toc: tuple[TocEntry, ...]
    landmarks: tuple[Landmark, ...]
    pages: tuple = ()  # pagelist.PageTarget: the print edition's pages, when marked


def identifier(metadata: Metadata) -> str:
    """The book's identifier: the configured one, or a UUID stable for title + authors."""
    if metadata.identifier:
        return metadata.identifier
    seed = "\x1f".join((metadata.title, *metadata.authors))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'editionbuilder:' + seed)}"


def print_identifier(metadata: Metadata) -> str:
    """The print edition's identifier as its copyright page gives it: the
    configured ``print_identifier`` (an ISBN), else the book's identifier."""
    return metadata.print_identifier or identifier(metadata)


def cover_alt(md: Metadata) -> str:
    """The cover's alt text: the words the image shows, in its order."""
    text = md.title or LABELS["untitled"]
    if md.subtitle:
        text += f": {md.subtitle}"
    if md.authors:
        text += f", {LABELS['by']} {names(md.authors)}"
    return text


def cover_page(md: Metadata) -> Part:
    return Part(COVER_KEY, "cover", LABELS["cover"], "front", Cover(COVER_IMAGE, cover_alt(md)), "cover")


def title_page(metadata: Metadata) -> Part:
    """The title page part: title, subtitle, authors, publisher. The
    credits a source names go to the imprint, not here."""
    content = {"metadata": metadata}
    return Part(TITLEPAGE_KEY, "titlepage", metadata.title or LABELS["titlepage"], "front", content, "titlepage")


def copyright_notice(md: Metadata) -> str:
    """ "© YEAR HOLDER" (Chicago 1.21): the holder the config names and the
    year of the edition's date; "" without a holder."""
    if not md.copyright_holder:
        return ""
    year = md.date[:4] if md.date[:4].isdigit() else ""
    return " ".join(filter(None, ("\u00a9", year, md.copyright_holder)))


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_in_words(iso: str, language: str = "en") -> str:
    """An ISO 8601 date (YYYY, YYYY-MM, YYYY-MM-DD) as a reader writes it:
    "November 25, 2026", or "25 November 2026" for British English
    (``en-GB``); "November 2026"; "2026". Anything else is returned as it is."""
    parts = iso.split("-")
    try:
        day = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return iso
    if len(parts) == 1:
        return str(day.year)
    month = MONTHS[day.month - 1]
    if len(parts) == 2:
        return f"{month} {day.year}"
    if language.lower().startswith("en-gb"):
        return f"{day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


def imprint_page(md: Metadata) -> Part:
    content = Imprint(
        metadata=md,
        byline=names(md.authors),
        identifier=identifier(md),
        sources=tuple(source_title(s) for s in md.sources),
        credits=tuple((c.role.capitalize(), c.name) for c in md.credits),
        notice=copyright_notice(md),
        date=date_in_words(md.date, md.language),
    )
    return Part(IMPRINT_KEY, "imprint", LABELS["imprint"], "front", content, "imprint copyright-page")


# --------------------------------------------------------------------------
# Table of contents and landmarks
# --------------------------------------------------------------------------


def heading_anchors(parts: Sequence[Part]) -> dict[int, str]:
    """id(Heading) -> element id for every top-level heading of every chapter.

    Ids are prefixed with the part key, so two sources using the same
    heading id stay distinct in the one-document print edition.
    """
    anchors = {}
    for part in parts:
        if not isinstance(part.content, Chapter):
            continue
        headings = [b for b in part.content.blocks if isinstance(b, Heading)]
        for n, h in enumerate(headings, start=1):
            anchors[id(h)] = xml_id(f"{part.key}-{h.id}" if h.id else f"{part.key}-h{n}")
    return anchors


@dataclass
class _Node:
    """A TOC line while it is being nested (mutable, frozen into a TocEntry)."""

    level: int
    title: str
    href: str
    children: list[_Node]
    byline: str = ""


def table_of_contents(parts: Sequence[Part], anchors: dict[int, str], medium: Medium) -> tuple[TocEntry, ...]:
    """Every part but the cover and the nav, its headings nested under it by level."""
    top: list[_Node] = []
    for part in parts:
        if part.key in (COVER_KEY, NAV_KEY):
            continue
        title = LABELS["titlepage"] if part.key == TITLEPAGE_KEY else part.title
        node = _Node(1, title, medium.href(part.key), [], part.byline)
        top.append(node)
        if isinstance(part.content, Chapter):
            _nest(
                node,
                [
                    (max(h.level, 2), title_text(h.inlines), medium.href(part.key, anchors[id(h)]))
                    for h in part.content.blocks
                    if isinstance(h, Heading)
                ],
            )
    counter = iter(range(1, 1_000_000))
    return tuple(_freeze(n, counter) for n in top)


def _nest(parent: _Node, headings: list[tuple[int, str, str]]) -> None:
    """Each heading goes under the nearest earlier heading of a lower level."""
    stack = [parent]
    for level, title, href in headings:
        while len(stack) > 1 and stack[-1].level >= level:
            stack.pop()
        node = _Node(level, title, href, [])
        stack[-1].children.append(node)
        stack.append(node)


def _freeze(node: _Node, counter) -> TocEntry:
    own = f"toc-{next(counter)}"
    return TocEntry(own, node.title, node.href, tuple(_freeze(c, counter) for c in node.children), node.byline)


def landmarks(parts: Sequence[Part], medium: Medium) -> tuple[Landmark, ...]:
    """Cover, contents, start of the text, glossary, bibliography: those that exist."""
    keys = {p.key for p in parts}
    body = next((p for p in parts if p.matter == "body"), None)
    wanted = [
        ("cover", LABELS["cover"], COVER_KEY if COVER_KEY in keys else ""),
        ("toc", LABELS["contents"], NAV_KEY if NAV_KEY in keys else ""),
        ("bodymatter", LABELS["start"], body.key if body else ""),
        ("glossary", LABELS["glossary"], GLOSSARY_KEY if GLOSSARY_KEY in keys else ""),
        ("bibliography", LABELS["bibliography"], BIBLIOGRAPHY_KEY if BIBLIOGRAPHY_KEY in keys else ""),
    ]
    return tuple(Landmark(kind, title, medium.href(key)) for kind, title, key in wanted if key)


def front_parts(md: Metadata, medium: Medium) -> list[Part]:
    """The generated front matter before the nav: cover and imprint for an EPUB."""
    if not medium.navigation:
        return [title_page(md)]
    return [cover_page(md), title_page(md), imprint_page(md)]


def nav_part(toc: tuple[TocEntry, ...], marks: tuple[Landmark, ...]) -> Part:
    return Part(NAV_KEY, "nav", LABELS["contents"], "front", Navigation(toc, marks), "toc")
