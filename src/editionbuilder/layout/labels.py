"""The words the editions print that are not the text's own, by language.

Three sets: ``LABELS`` for every medium (the apparatus's headings, the
navigation), ``PRINT_LABELS`` for the printed book (the copyright page, page
references) and ``WEB_LABELS`` for the site's frame. ``labels_for`` picks a
language's sets by the primary subtag of a language tag ("en-GB" -> "en");
a language with no table of its own gets the English one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Words the apparatus prints (English).
LABELS: Mapping[str, str] = {
    "contents": "Contents",
    "landmarks": "Landmarks",
    "page_list": "Pages of the print edition",
    "titlepage": "Title Page",
    "start": "Start of Content",
    "notes": "Notes",
    "glossary": "Glossary",
    "bibliography": "Bibliography",
    "responses": "Readers’ Responses",
    "response": "Response",
    "backlink": "Back to the text",
    "untitled": "Untitled",
    # U+21A9 with U+FE0E (text presentation): Apple's systems draw a bare ↩ as an emoji.
    "backlink_mark": "\u21a9\ufe0e",
    "cover": "Cover",
    "imprint": "Imprint",
    "colophon": "Colophon",
    # the names of a source's untitled front-matter parts (their role's)
    "dedication": "Dedication",
    "epigraph": "Epigraph",
    "used_in": "Used in:",
    "cited_at": "Cited at:",
    "section_break": "Section break",
    "sources": "Sources",
    "credits": "Credits",
    "identifier": "Ebook identifier:",
    "edition": "This edition:",
    "publisher": "Published by",
    "by": "by",
    "and": "and",
}

PRINT_LABELS: Mapping[str, str] = {
    # EB Garamond has no ↩ (U+21A9, the EPUB's back-link mark): an arrow it has.
    **LABELS,
    "backlink_mark": "\u2191",
    "print_identifier": "ISBN",
    "cited_on": "cited on p.",
    "cited_on_pages": "cited on pp.",
    "copyright": "Copyright page",
    "book_identifier": "Identifier:",
    "rights_unstated": "No rights statement was supplied with this edition: "
    "the rights in its texts remain with their holders.",
    "typefaces": "Set in EB Garamond 12, a revival of Claude Garamont’s types by Georg Duffner "
    "and Octavio Pardo, and typeset with WeasyPrint.",
}

# Words the frame and the site's own pages print.
WEB_LABELS: Mapping[str, str] = {
    "bookshelf": "Bookshelf",
    "skip": "Skip to the text",
    "where": "Where you are",
    "pager": "Previous and next",
    "previous": "Previous",
    "next": "Next",
    "contents": "Contents",
    "start": "Start reading",
    "downloads": "Download",
    "feeds": "Catalog feeds for reading apps",
    "opds1": "OPDS 1.2 (Atom)",
    "opds2": "OPDS 2.0 (JSON)",
    "note": "Note",
    "close": "Close",
    "all_notes": "All notes",
    "pages": "Pages of the print edition",
    "page": "Page",
    "full_cover": "The cover, full size",
    "read_online": "Read it here",
    "about": "About this edition",
}


@dataclass(frozen=True, slots=True)
class Labels:
    """One language's sets of words."""

    book: Mapping[str, str]
    print: Mapping[str, str]
    web: Mapping[str, str]


ENGLISH = Labels(LABELS, PRINT_LABELS, WEB_LABELS)
BY_LANGUAGE: Mapping[str, Labels] = {"en": ENGLISH}


def labels_for(language: str) -> Labels:
    """The sets of words for language tag ``language`` (English when it has none)."""
    return BY_LANGUAGE.get(language.split("-")[0].lower(), ENGLISH)
