"""The edition as the templates need it: ordered parts, labels, ids and hrefs.

The EPUB and the PDF render the same macros (``templates/macros.j2``). What
differs between them is decided here, in Python, and handed to the templates
as a ``View``: an EPUB is many files with links everywhere and its notes in a
notes file; a print PDF is one document with no links at all (printers refuse
link annotations) and its footnotes at the foot of the page of their call.
Templates then only print what they are given.

The order of the book lives here too: front matter, body, back matter from
the readers, then the apparatus built from ``Edition`` fields (notes,
glossary, bibliography, readers' responses), then a colophon last.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import (
    Chapter,
    Citation,
    CiteItem,
    Code,
    Edition,
    Inline,
    LineBreak,
    ListBlock,
    Metadata,
    Note,
    NoteRef,
    Reference,
    SourceInfo,
    TermRef,
    Text,
)
from ..walk import iter_inlines as walk_blocks
from ..walk import walk_inlines

# Words the apparatus prints. One language for now; a later ``labels`` option
# can pick a table by ``metadata.language``.
LABELS: Mapping[str, str] = {
    "contents": "Contents", "landmarks": "Landmarks", "titlepage": "Title Page",
    "start": "Start of Content", "notes": "Notes", "glossary": "Glossary",
    "bibliography": "Bibliography", "responses": "Readers’ Responses",
    "response": "Response", "backlink": "Back to the text", "untitled": "Untitled",
}

# A chapter's ``role`` as (epub:type, ARIA role): EPUB 3 Structural Semantics
# Vocabulary and DPUB-ARIA 1.1. Roles not listed get a plain <section>.
SEMANTICS: Mapping[str, tuple[str, str]] = {
    "chapter": ("chapter", "doc-chapter"), "introduction": ("introduction", "doc-introduction"),
    "preface": ("preface", "doc-preface"), "foreword": ("foreword", "doc-foreword"),
    "prologue": ("prologue", "doc-prologue"), "epilogue": ("epilogue", "doc-epilogue"),
    "afterword": ("afterword", "doc-afterword"), "conclusion": ("conclusion", "doc-conclusion"),
    "appendix": ("appendix", "doc-appendix"), "dedication": ("dedication", "doc-dedication"),
    "acknowledgments": ("acknowledgments", "doc-acknowledgments"),
    "colophon": ("colophon", "doc-colophon"), "rights": ("copyright-page", ""),
    "copyright": ("copyright-page", ""), "imprint": ("imprint", ""),
}

# Back-matter roles that close the book, after the generated apparatus.
LATE_ROLES = frozenset({"colophon"})

# Anything but the ASCII characters an XML id (NCName) may safely hold.
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9_.-]")


def xml_id(raw: str, prefix: str = "") -> str:
    """A valid, stable XML id for a model id (EPUBCheck rejects bad ids)."""
    value = prefix + _NOT_ID_CHAR.sub("-", raw)
    return value if value[:1].isalpha() or value[:1] == "_" else f"id-{value}"


@dataclass(frozen=True, slots=True)
class Medium:
    """What a writer's output can do, which decides ids and hrefs."""

    name: str
    links: bool  # print hrefs at all (a print interior must carry no links)
    footnotes_in_place: bool  # footnotes printed at their call (CSS float: footnote)
    one_document: bool  # hrefs are "#id", not "file.xhtml#id"

    def href(self, part_key: str, anchor: str) -> str:
        """The href of ``anchor`` inside part ``part_key``, "" when not linking."""
        if not self.links:
            return ""
        return f"#{anchor}" if self.one_document else f"{part_key}.xhtml#{anchor}"


EPUB = Medium("epub", links=True, footnotes_in_place=False, one_document=False)
PRINT = Medium("print", links=False, footnotes_in_place=True, one_document=True)


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


@dataclass(frozen=True, slots=True)
class Call:
    """One call to a note, as printed where it stands."""

    id: str  # element id of the call
    label: str
    href: str  # to the note ("" when not linking)
    note_id: str  # element id of the note
    note: Note | None = None  # the note itself when printed in place (footnote)


@dataclass(frozen=True, slots=True)
class NoteEntry:
    note: Note
    id: str
    label: str
    backlink: str  # href of its first call, "" if none
    epub_type: str  # footnote | endnote
    role: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A glossary entry, reference or response with its element id and label."""

    item: Any
    id: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class Group:
    """Entries from one source; ``title`` is "" when the edition has one source."""

    title: str
    entries: tuple[Entry, ...]
    entry_tag: str = "h2"  # heading level of the entries inside


@dataclass(frozen=True)
class View:
    """Everything templates print besides the model: labels, ids and hrefs."""

    lang: str
    medium: Medium
    labels: Mapping[str, str]
    calls: Mapping[int, Call]  # id(NoteRef) -> Call: each occurrence is distinct
    ref_hrefs: Mapping[str, str]
    term_hrefs: Mapping[str, str]

    def call(self, ref: NoteRef) -> Call:
        """The call record of this NoteRef occurrence (unknown note: unlinked mark)."""
        fallback = Call("", ref.marker or ref.note_id, "", "")
        return self.calls.get(id(ref), fallback)

    def cite_href(self, item: CiteItem) -> str:
        return self.ref_hrefs.get(item.key, "") if item.key else ""

    def term_href(self, ref: TermRef) -> str:
        return self.term_hrefs.get(ref.term_id, "")

    def url(self, url: str) -> str:
        return url if self.medium.links else ""

    def heading_tag(self, level: int) -> str:
        """Headings inside a part sit below its <h1> title: level 1 and 2 are <h2>."""
        return f"h{min(max(level, 2), 6)}"

    def list_start_style(self, block: ListBlock) -> str:
        """WeasyPrint ignores <ol start>: the same number as a counter reset."""
        return f"counter-reset: list-item {block.start - 1}"

    def xml_id(self, raw: str) -> str:
        return xml_id(raw) if raw else ""


@dataclass(frozen=True)
class Layout:
    view: View
    parts: tuple[Part, ...]



def plain_text(inlines: Sequence[Inline]) -> str:
    """The words of ``inlines`` without note calls: for <title>, nav and NCX."""
    words = []
    for node in walk_inlines(inlines):
        if isinstance(node, (Text, Code)):
            words.append(node.text)
        elif isinstance(node, Citation):
            items = node.separator.join(item.text for item in node.items)
            words.append(f"{node.prefix}{items}{node.suffix}")
        elif isinstance(node, LineBreak):
            words.append(" ")
    return " ".join("".join(words).split())


def _part_inlines(part: Part) -> Iterator[Inline]:
    """The inlines of a part in the order its macro prints them."""
    content = part.content
    if isinstance(content, Chapter):
        yield from walk_inlines(content.title)
        yield from walk_blocks(content.blocks)
    elif isinstance(content, tuple):  # glossary entries or groups
        for entry in _entries(content):
            yield from walk_blocks(getattr(entry.item, "blocks", ()))


def _entries(content: tuple) -> Iterator[Entry]:
    for element in content:
        yield from element.entries if isinstance(element, Group) else (element,)


# --------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------


def _chapter_part(index: int, chapter: Chapter) -> Part:
    epub_type, role = SEMANTICS.get(chapter.role, ("", ""))
    title = plain_text(chapter.title) or chapter.role.capitalize() or LABELS["untitled"]
    return Part(f"ch{index:03d}", "chapter", title, chapter.matter, chapter, epub_type, role)


def _chapter_parts(edition: Edition) -> tuple[list[Part], list[Part]]:
    """(front + body + back, late back matter), each in source order."""
    rank = {"front": 0, "body": 1, "back": 2}
    ordered = sorted(enumerate(edition.chapters), key=lambda p: (rank.get(p[1].matter, 1), p[0]))
    main, late = [], []
    for index, (_, chapter) in enumerate(ordered, start=1):
        part = _chapter_part(index, chapter)
        is_late = chapter.matter == "back" and chapter.role in LATE_ROLES
        (late if is_late else main).append(part)
    return main, late


def _source_title(source: SourceInfo) -> str:
    return source.title or source.path.rsplit("/", 1)[-1]


def group_by_source(entries: Sequence[Entry], sources: Sequence[SourceInfo]) -> tuple[Group, ...]:
    """Entries grouped by the source they came from (``pos.file`` = source path).

    With one source or none there is one untitled group. Entries from no
    listed source come last, under no title, so none is lost.
    """
    if len(sources) <= 1:
        return (Group("", tuple(entries)),)
    groups = []
    for source in sources:
        mine = tuple(e for e in entries if e.item.pos.file == source.path)
        if mine:
            groups.append(Group(_source_title(source), mine, "h3"))
    paths = {s.path for s in sources}
    rest = tuple(e for e in entries if e.item.pos.file not in paths)
    if rest:
        groups.append(Group("", rest, "h3"))
    return tuple(groups)


def _apparatus_parts(edition: Edition) -> list[Part]:
    """Glossary, bibliography and responses parts (notes come later: they need the calls)."""
    sources = edition.metadata.sources
    parts = []
    if edition.glossary:
        entries = tuple(Entry(g, xml_id(g.id, "term-")) for g in edition.glossary)
        parts.append(Part("glossary", "glossary", LABELS["glossary"], "back", entries,
                          "glossary", "doc-glossary"))
    if edition.references:
        refs = tuple(Entry(r, xml_id(r.id, "ref-"), reference_text(r)) for r in edition.references)
        parts.append(Part("bibliography", "bibliography", LABELS["bibliography"], "back",
                          group_by_source(refs, sources), "bibliography", "doc-bibliography"))
    if edition.comments:
        comments = tuple(Entry(c, xml_id(c.id, "response-"), f"{LABELS['response']} {c.number}")
                         for c in edition.comments)
        parts.append(Part("responses", "responses", LABELS["responses"], "back",
                          group_by_source(comments, sources)))
    return parts


def reference_text(ref: Reference) -> str:
    """The entry as printed: the source's own text until a CSL formatter exists."""
    if ref.raw:
        return ref.raw
    names = ", ".join(n.literal or " ".join(p for p in (n.given, n.particle, n.family) if p)
                      for n in ref.author)
    year = ref.issued.literal or (str(ref.issued.year) + ref.issued.suffix if ref.issued.year else "")
    bits = [names, year and f"({year})", ref.title, ref.container_title, ref.publisher]
    return ". ".join(b for b in bits if b)


# --------------------------------------------------------------------------
# Note calls
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Seen:
    """One NoteRef occurrence: ``key`` is id() of the node, ``part`` where it stands."""

    key: int
    call_id: str
    part: str
    in_note: bool


@dataclass
class _CallTable:
    """Every call of every note, notes in order of first call."""

    by_note: dict[str, list[_Seen]] = field(default_factory=dict)
    keys: set[int] = field(default_factory=set)

    def add(self, ref: NoteRef, part: str, in_note: bool) -> None:
        if id(ref) in self.keys:  # one node object placed twice: keep its first place
            return
        seen = self.by_note.setdefault(ref.note_id, [])
        suffix = f"-{len(seen) + 1}" if seen else ""
        seen.append(_Seen(id(ref), xml_id(ref.note_id, "noteref-") + suffix, part, in_note))
        self.keys.add(id(ref))


def _collect_calls(parts: Sequence[Part], notes: Mapping[str, Note], notes_key: str) -> _CallTable:
    """Walk parts, then note bodies (in order of first call), recording NoteRefs."""
    table = _CallTable()
    for part in parts:
        for node in _part_inlines(part):
            if isinstance(node, NoteRef):
                table.add(node, part.key, False)
    done: set[str] = set()
    # Called notes in order of first call, then the uncalled, until no new call appears.
    while pending := [n for n in (*table.by_note, *notes) if n in notes and n not in done]:
        for note_id in pending:
            done.add(note_id)
            for node in walk_blocks(notes[note_id].blocks):
                if isinstance(node, NoteRef):
                    table.add(node, notes_key, True)
    return table


def _note_order(edition: Edition, table: _CallTable) -> list[Note]:
    """Called notes in order of first call, then notes never called (kept, not lost)."""
    by_id = {n.id: n for n in edition.notes}
    called = [by_id[i] for i in table.by_note if i in by_id]
    return called + [n for n in edition.notes if n.id not in table.by_note]


def _note_semantics(note: Note) -> tuple[str, str]:
    """epub:type and role of a note. ``doc-endnote`` is deprecated in DPUB-ARIA 1.1
    and invalid on <aside> (EPUBCheck RSC-005), so an endnote carries no role."""
    return ("endnote", "") if note.kind == "endnote" else ("footnote", "doc-footnote")


def note_labels(order: Sequence[Note]) -> dict[str, str]:
    """The label of each note: the source's markers when every note has one,
    else numbers for all in order of first call (mixing the two would let a
    number collide with a marker such as ``4``)."""
    if all(n.marker for n in order):
        return {n.id: n.marker for n in order}
    return {n.id: str(i) for i, n in enumerate(order, start=1)}



def layout(edition: Edition, medium: Medium) -> Layout:
    """The parts of the book in order and the view their templates print from."""
    main, late = _chapter_parts(edition)
    apparatus = _apparatus_parts(edition)
    notes_by_id = {n.id: n for n in edition.notes}
    table = _collect_calls(main + apparatus + late, notes_by_id, "notes")
    order = _note_order(edition, table)
    labels = note_labels(order)
    in_place = _notes_in_place(order, table, medium)
    calls = _calls(table, labels, in_place, notes_by_id, medium)
    entries = _note_entries(order, labels, in_place, table, medium)
    notes_part = [Part("notes", "notes", LABELS["notes"], "back", entries, "endnotes", "doc-endnotes")]
    parts = main + (notes_part if entries else []) + apparatus + late
    view = View(
        lang=edition.metadata.language or "en", medium=medium, labels=LABELS, calls=calls,
        ref_hrefs={r.id: medium.href("bibliography", xml_id(r.id, "ref-")) for r in edition.references},
        term_hrefs={g.id: medium.href("glossary", xml_id(g.id, "term-")) for g in edition.glossary},
    )
    return Layout(view, tuple(parts))


def _notes_in_place(order: Sequence[Note], table: _CallTable, medium: Medium) -> frozenset[str]:
    """Footnotes printed at their first call (not from inside another note)."""
    if not medium.footnotes_in_place:
        return frozenset()
    return frozenset(
        n.id for n in order
        if n.kind != "endnote" and n.id in table.by_note and not table.by_note[n.id][0].in_note
    )


def _calls(table: _CallTable, labels: Mapping[str, str], in_place: frozenset[str],
           notes: Mapping[str, Note], medium: Medium) -> dict[int, Call]:
    calls = {}
    for note_id, seen in table.by_note.items():
        if note_id not in notes:
            continue  # an unresolved call prints its bare mark (View.call)
        anchor = xml_id(note_id, "note-")
        for index, call in enumerate(seen):
            here = note_id in in_place and index == 0
            href = "" if here else medium.href("notes", anchor)
            note = notes[note_id] if here else None
            calls[call.key] = Call(call.call_id, labels[note_id], href, anchor, note)
    return calls


def _note_entries(order: Sequence[Note], labels: Mapping[str, str], in_place: frozenset[str],
                  table: _CallTable, medium: Medium) -> tuple[NoteEntry, ...]:
    entries = []
    for note in order:
        if note.id in in_place:
            continue
        first = table.by_note.get(note.id)
        backlink = medium.href(first[0].part, first[0].call_id) if first else ""
        epub_type, role = _note_semantics(note)
        entries.append(NoteEntry(note, xml_id(note.id, "note-"), labels[note.id], backlink,
                                 epub_type, role))
    return tuple(entries)


def title_page(metadata: Metadata) -> Part:
    """The title page part: title, subtitle, authors, credits, publisher."""
    credits = tuple((c.role.capitalize(), c.name) for c in metadata.credits)
    content = {"metadata": metadata, "credits": credits}
    return Part("titlepage", "titlepage", metadata.title or LABELS["titlepage"], "front", content,
                "titlepage")
