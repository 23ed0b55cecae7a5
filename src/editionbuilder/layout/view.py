"""What templates print besides the model: parts, labels, ids and hrefs.

The EPUB and the PDF render the same macros (``templates/macros.j2``). What
differs between them is decided in Python and handed to the templates as a
``View``: an EPUB is many files with links everywhere and its notes in a
notes file; a print PDF is one document with no links at all (printers refuse
link annotations) and its footnotes at the foot of the page of their call.
Templates then only print what they are given.

This module holds the value types and the small helpers every layout module
shares (``notes``, ``apparatus``, ``frontmatter``, ``html``); it computes
nothing about a particular book.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import (
    Chapter,
    CiteItem,
    Heading,
    Inline,
    ListBlock,
    Note,
    NoteRef,
    TermRef,
)
from ..model.walk import iter_inlines, walk_inlines
from .labels import LABELS

# A chapter's ``role`` as (epub:type, ARIA role): EPUB 3 Structural Semantics
# Vocabulary and DPUB-ARIA 1.1. Roles not listed get a plain <section>.
SEMANTICS: Mapping[str, tuple[str, str]] = {
    "chapter": ("chapter", "doc-chapter"),
    "introduction": ("introduction", "doc-introduction"),
    "preface": ("preface", "doc-preface"),
    "foreword": ("foreword", "doc-foreword"),
    "prologue": ("prologue", "doc-prologue"),
    "epilogue": ("epilogue", "doc-epilogue"),
    "afterword": ("afterword", "doc-afterword"),
    "conclusion": ("conclusion", "doc-conclusion"),
    "appendix": ("appendix", "doc-appendix"),
    "dedication": ("dedication", "doc-dedication"),
    "epigraph": ("epigraph", "doc-epigraph"),
    "acknowledgments": ("acknowledgments", "doc-acknowledgments"),
    "colophon": ("colophon", "doc-colophon"),
    "rights": ("copyright-page", ""),
    "copyright": ("copyright-page", ""),
    "imprint": ("imprint", ""),
}

# Back-matter roles that close the book, after the generated apparatus (a
# note on where a text comes from follows its notes).
LATE_ROLES = frozenset({"colophon", "source-note"})

# Anything but the ASCII characters an XML id (NCName) may safely hold.
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9_.-]")


def xml_id(raw: str, prefix: str = "") -> str:
    """A valid, stable XML id for a model id (EPUBCheck rejects bad ids)."""
    value = prefix + _NOT_ID_CHAR.sub("-", raw)
    return value if value[:1].isalpha() or value[:1] == "_" else f"id-{value}"


@dataclass(frozen=True, slots=True)
class Medium:
    """What a writer's output can do, which decides ids, hrefs and front matter."""

    name: str
    links: bool  # print hrefs at all (a print interior must carry no links)
    footnotes_in_place: bool  # footnotes printed at their call (CSS float: footnote)
    one_document: bool  # hrefs are "#id", not "file.xhtml#id"
    navigation: bool = False  # a cover document, an imprint and a nav document (EPUB)
    suffix: str = ".xhtml"  # of each part's file, when parts are files

    def href(self, part_key: str, anchor: str = "") -> str:
        """The href of ``anchor`` inside part ``part_key``, "" when not linking."""
        if not self.links:
            return ""
        if self.one_document:
            return f"#{anchor or part_key}"
        return f"{part_key}{self.suffix}#{anchor}" if anchor else f"{part_key}{self.suffix}"


EPUB = Medium("epub", links=True, footnotes_in_place=False, one_document=False, navigation=True)
PRINT = Medium("print", links=False, footnotes_in_place=True, one_document=True)
# The web reading edition (writers/web.py): a page per part, as the EPUB has a file.
WEB = Medium("web", links=True, footnotes_in_place=False, one_document=False, suffix=".html")


@dataclass(frozen=True, slots=True)
class Part:
    """One unit of output: a file of the EPUB, a section of the PDF."""

    key: str  # EPUB file stem and element id of the section
    macro: str  # macro of templates/parts.j2 that renders it
    title: str  # plain text, for the nav, the NCX and <title>
    matter: str  # front | body | back
    content: Any
    epub_type: str = ""
    role: str = ""
    byline: str = ""  # an anthology's piece: its own authors ("A and B"), for the contents and its title


@dataclass(frozen=True, slots=True)
class Call:
    """One call to a note, as printed where it stands."""

    id: str  # element id of the call
    label: str
    href: str  # to the note ("" when not linking)
    note_id: str  # element id of the note
    note: Note | None = None  # the note itself when printed in place (footnote)


@dataclass(frozen=True, slots=True)
class Backlink:
    """A link from an entry (note, glossary term, reference) back to the text."""

    href: str
    label: str


@dataclass(frozen=True, slots=True)
class NoteEntry:
    note: Note
    id: str
    label: str
    backlinks: tuple[Backlink, ...]  # one per call, in order
    # The title of the chapter whose notes begin with this entry, where the
    # notes part lists the notes of more than one chapter (each numbered
    # from 1): the notes part prints it as a heading over them.
    heading: str = ""
    heading_small_caps: bool = False  # that heading is in small capitals, as the chapter's own


@dataclass(frozen=True, slots=True)
class Entry:
    """A glossary entry, reference or response with its element id and label.

    ``inlines`` is what a bibliography prints for the entry (a CSL formatter
    can hand formatted inlines in here without touching the template).
    """

    item: Any
    id: str
    label: str = ""
    inlines: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """Entries from one source; ``title`` is "" when the edition has one source."""

    title: str
    entries: tuple[Entry, ...]
    entry_tag: str = "h2"  # heading level of the entries inside


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One line of the table of contents, with the lines nested under it."""

    id: str  # NCX navPoint id
    title: str
    href: str
    children: tuple[TocEntry, ...] = ()
    byline: str = ""  # an anthology's piece: its authors


@dataclass(frozen=True, slots=True)
class Landmark:
    epub_type: str
    title: str
    href: str


@dataclass(frozen=True)
class View:
    """Everything templates print besides the model: labels, ids and hrefs."""

    lang: str
    medium: Medium
    labels: Mapping[str, str]
    calls: Mapping[int, Call]  # id(NoteRef) -> Call: each occurrence is distinct
    ref_hrefs: Mapping[str, str]
    term_hrefs: Mapping[str, str]
    heading_ids: Mapping[int, str]  # id(Heading) -> element id
    term_ids: Mapping[int, str]  # id(TermRef) -> element id of that use
    term_uses: Mapping[str, tuple[Backlink, ...]]  # glossary id -> its uses
    citations_of: Mapping[str, tuple[Backlink, ...]]  # reference id -> its citations
    # model id of a chapter or heading -> its href, for internal links "#id"
    fragments: Mapping[str, str] = field(default_factory=dict)

    def call(self, ref: NoteRef) -> Call:
        """The call record of this NoteRef occurrence (unknown note: unlinked mark)."""
        fallback = Call("", ref.marker or ref.note_id, "", "")
        return self.calls.get(id(ref), fallback)

    def cite_href(self, item: CiteItem) -> str:
        return self.ref_hrefs.get(item.key, "") if item.key else ""

    def term_href(self, ref: TermRef) -> str:
        return self.term_hrefs.get(ref.term_id, "")

    def term_id(self, ref: TermRef) -> str:
        """The element id of this use of a term (its glossary entry links back to it)."""
        return self.term_ids.get(id(ref)) or (xml_id(ref.id) if ref.id else "")

    def url(self, url: str) -> str:
        """A link's href: an internal "#id" goes to the file and anchor of the
        chapter or heading it names (nothing if it names none)."""
        if not self.medium.links:
            return ""
        if url.startswith("#"):
            return self.fragments.get(url[1:], "")
        return url

    def heading_tag(self, level: int) -> str:
        """Headings inside a part sit below its <h1> title: level 1 and 2 are <h2>."""
        return f"h{min(max(level, 2), 6)}"

    def heading_id(self, heading: Heading) -> str:
        """The element id of a heading (the nav links to it), "" if it has none."""
        return self.heading_ids.get(id(heading)) or (xml_id(heading.id) if heading.id else "")

    def list_start_style(self, block: ListBlock) -> str:
        """WeasyPrint ignores <ol start>: the same number as a counter reset."""
        return f"counter-reset: list-item {block.start - 1}"

    def xml_id(self, raw: str) -> str:
        return xml_id(raw) if raw else ""


@dataclass(frozen=True)
class Layout:
    """The parts of the book: generated front matter, then the edition's parts."""

    view: View
    parts: tuple[Part, ...]
    front: tuple[Part, ...] = ()
    landmarks: tuple[Landmark, ...] = ()
    toc: tuple[TocEntry, ...] = ()

    @property
    def reading_order(self) -> tuple[Part, ...]:
        return (*self.front, *self.parts)


def names(people: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return f" {LABELS['and']} ".join(filter(None, (", ".join(people[:-1]), people[-1]))) if people else ""


def part_inlines(part: Part) -> Iterator[Inline]:
    """The inlines of a part in the order its macro prints them."""
    content = part.content
    if isinstance(content, Chapter):
        yield from walk_inlines(content.title)
        yield from iter_inlines(content.blocks)
    elif isinstance(content, tuple):  # glossary entries or groups
        for entry in entries_of(content):
            yield from iter_inlines(getattr(entry.item, "blocks", ()))


def entries_of(content: tuple) -> Iterator[Entry]:
    """The entries of a part's content, whether grouped by source or not."""
    for element in content:
        if isinstance(element, Group):
            yield from element.entries
        elif isinstance(element, Entry):
            yield element
