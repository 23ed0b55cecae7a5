"""From classified paragraphs to the regions of a document.

A web essay runs: title, byline, body (with section breaks), a
bibliography, notes, a definitions appendix, a publisher's note (the
page's head, chrome and comments are set apart before, in ``page.py``).
A Gutenberg text runs: source front matter, then chapters under headings,
each maybe with a block of notes. The regions found here
do not depend on that order: each paragraph's kind (and a little context)
decides where it goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...lazyre import lazy_compile
from .classify import REFERENCES_HEADING, Item
from .notemarks import LABELLED_KINDS, NOTE_KINDS, continues_entry
from .paragraphs import Para

# A paragraph opening with a note's mark ("† text", "¹ text", "** text",
# "[2] text"), when no rule read it as a note.
NOTE_MARK = lazy_compile(r"^(?:[*†‡§¶]+|[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\d{1,3}\])\s+\S")
# A bibliography entry by its shape, when no rule read it as one: a family
# name or a body's name in capitals, a comma, and a year ("SURNAME, Given,
# Title, ..., 1964.", "A BOARD (AB), Report, ..., 1940.").
ENTRY_SHAPE = lazy_compile(r"^[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+)*(?:\s+\([A-Z]+\))?,\s.*\b(?:1[5-9]|20)\d\d\b")
# A glossary entry by its shape: a term of a few words in lower case, then
# a dash or a colon and its definition ("closed town — a settlement ...",
# "volta: the turn in the thought of a poem").
TERM_SHAPE = lazy_compile(r"^[^\W\d_A-Z][\w'’-]*(?:\s[\w'’-]+){0,3}(?:\s[—–]\s|:\s)\S")


@dataclass
class Chapter:
    heading: Item | None
    items: list[Item] = field(default_factory=list)
    # Further title lines joined to the heading ("CHAPTER I" / "THE TITLE").
    more_titles: list[Item] = field(default_factory=list)

    def titles(self) -> list[Item]:
        return ([self.heading] if self.heading else []) + self.more_titles


# "CHAPTER IV", "PART 2", "BOOK III", or a roman numeral alone: a numbered
# heading whose name follows on the next line.
NUMBERED_HEADING = lazy_compile(r"^(?:(?:CHAPTER|PART|BOOK)\s+[\dIVXLC]+|[IVXLC]{1,7})\.?$")
# "CONTENTS", the heading of a source's own table of contents.
CONTENTS = lazy_compile(r"^(?:TABLE OF )?CONTENTS\.?$", re.I)
# A prose paragraph: enough words to be text rather than a title-page line.
PROSE_MIN_WORDS = 25


@dataclass
class Entry:
    """A glossary entry or a comment: its opening item and what follows."""

    head: Item
    items: list[Item] = field(default_factory=list)


@dataclass
class Layout:
    chapters: list[Chapter] = field(default_factory=list)
    glossary: list[Entry] = field(default_factory=list)
    references: list[Item] = field(default_factory=list)
    publisher: list[Item] = field(default_factory=list)
    # "FOOTNOTES:" lines: the edition places notes itself.
    notes_headers: list[Item] = field(default_factory=list)
    # "References", "Works Cited" above a bibliography: the edition sets its own.
    references_headers: list[Item] = field(default_factory=list)


def lay_out(items: list[Item], is_reference: Callable[[str], bool]) -> Layout:
    layout = Layout(chapters=[Chapter(None)])
    items = split_reference_lines(items, is_reference)
    refs = _reference_runs(items, is_reference)
    mode = "body"
    i = 0
    while i < len(items):
        item = items[i]
        if i in refs:
            layout.references.append(item)
            i += 1
            continue
        if i + 1 in refs and i not in refs and REFERENCES_HEADING.match(item.text.strip()):
            layout.references_headers.append(item)
            i += 1
            continue
        mode = _switch(mode, item, items, i, layout)
        i = _place(mode, item, items, i, layout, is_reference)
    return layout


def _switch(mode: str, item: Item, items: list[Item], i: int, layout: Layout) -> str:
    """The region an item opens, or the current one."""
    if item.kind == "definition":
        return "glossary"
    if item.kind == "publisher":
        return "publisher"
    if item.kind == "heading" and item.level == 1:
        return "body"
    if item.kind == "notes-header":
        return "notes"
    if mode == "notes" and not _continues_notes(item):
        return "body"
    if mode == "publisher" and (item.para.blank_before >= 2 or len(layout.publisher) >= 2):
        return "body"
    if mode == "glossary" and (item.kind in ("heading", *NOTE_KINDS) or item.para.blank_before >= 2):
        return "body"
    if mode == "glossary" and item.kind == "content" and _has_text(layout) and not continues_entry(item.para):
        return "body"
    return mode


def _has_text(layout: Layout) -> bool:
    """The last `Definition:` entry has its text (on its line or in the
    paragraph after it): what comes next continues it only as prose."""
    entry = layout.glossary[-1] if layout.glossary else None
    return entry is None or bool(entry.head.text.strip() or entry.items)


def _continues_notes(item: Item) -> bool:
    if item.kind in LABELLED_KINDS:
        return True
    return item.kind == "content" and item.para.blank_before < 2


def _place(mode: str, item: Item, items: list[Item], i: int, layout: Layout, is_reference) -> int:
    if mode == "glossary":
        if item.kind == "definition":
            layout.glossary.append(Entry(item))
        elif item.kind == "content" and is_reference(item.text):
            layout.glossary[-1].items.append(Item("reference", item.para, item.text))
        else:
            layout.glossary[-1].items.append(item)
    elif mode == "publisher":
        layout.publisher.append(item)
    elif item.kind == "heading" and item.level == 1 and not _inside_contents(item, layout):
        layout.chapters.append(Chapter(item))
    elif mode == "notes" and item.kind == "content" and _after_note(layout.chapters[-1], item):
        layout.chapters[-1].items.append(Item("note-cont", item.para, item.text))
    elif item.kind == "notes-header":
        layout.notes_headers.append(item)
    else:
        layout.chapters[-1].items.append(item)
    return i + 1


def _after_note(chapter: Chapter, item: Item) -> bool:
    """A paragraph in a notes block continues a note only if one has begun
    and it reads as a note's paragraph (notemarks.continues_entry)."""
    last = chapter.items[-1].kind if chapter.items else ""
    return last in (*LABELLED_KINDS, "note-cont") and continues_entry(item.para)


def looks_like_apparatus(text: str) -> bool:
    """A paragraph in the shape of a note, a bibliography entry or a
    glossary entry (NOTE_MARK, ENTRY_SHAPE, TERM_SHAPE)."""
    return any(p.match(text) for p in (NOTE_MARK, ENTRY_SHAPE, TERM_SHAPE))


def _inside_contents(item: Item, layout: Layout) -> bool:
    """An indented heading-like line under a CONTENTS heading is an entry of
    the contents, not a heading."""
    head = layout.chapters[-1].heading
    return item.para.indent > 0 and head is not None and CONTENTS.match(head.text) is not None


def split_reference_lines(items: list[Item], is_reference) -> list[Item]:
    """A paragraph whose every line is a reference, one item per line: a
    bibliography typed with no blank line between its entries."""
    out: list[Item] = []
    for it in items:
        lines = it.para.lines
        if it.kind == "content" and len(lines) > 1 and all(is_reference(ln.strip()) for ln in lines):
            for n, line in enumerate(lines):
                para = Para((line,), it.para.start + n, it.para.blank_before if n == 0 else 0)
                out.append(Item("content", para, line.strip()))
        else:
            out.append(it)
    return out


def _reference_runs(items: list[Item], is_reference) -> set[int]:
    """Indexes of bibliography entries: two or more reference lines in a row.

    Every such run holds an item at an odd index, and each of its items is
    one or next to one: so the items at odd indexes are read first, and
    the others only beside one that is a reference (a book of prose reads
    half its paragraphs). An item left unread stands alone."""

    known: dict[int, bool] = {}

    def reads(i: int) -> bool:
        if i not in known:
            known[i] = items[i].kind == "content" and is_reference(items[i].text)
        return known[i]

    for i in range(1, len(items), 2):
        if reads(i):
            reads(i - 1)
            if i + 1 < len(items):
                reads(i + 1)
    flags = [known.get(i, False) for i in range(len(items))]
    out: set[int] = set()
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and flags[j]:
            j += 1
        if j - i >= 2:
            out.update(range(i, j))
        i = max(j, i + 1)
    return out


def join_titles(chapters: list[Chapter]) -> list[Chapter]:
    """Join a numbered heading and its name into one title, and a heading
    with nothing under it to the next chapter's title."""
    out: list[Chapter] = []
    pending: list[Item] = []
    for ch in chapters:
        if (
            ch.heading is not None
            and NUMBERED_HEADING.match(ch.heading.text)
            and ch.items
            and _is_name_line(ch.items[0])
        ):
            ch.more_titles.append(ch.items.pop(0))
        if pending and ch.heading is not None:
            ch.more_titles[:0] = [*pending[1:], ch.heading]
            ch.heading, pending = pending[0], []
        if (
            ch.heading is not None
            and not ch.items
            and ch is not chapters[-1]
            and NUMBERED_HEADING.match(ch.heading.text)
        ):
            pending = ch.titles()
            continue
        out.append(ch)
    return out


def _is_name_line(item: Item) -> bool:
    text = item.text
    return (
        item.kind in ("content", "heading") and len(item.para.lines) <= 2 and len(text) <= 80 and text.upper() == text
    )


def split_source_front(chapters: list[Chapter]) -> tuple[list[Item], list[Chapter]]:
    """Chapters before the first one with prose in it: a Gutenberg text's
    title page, dedication and the like, kept together as source front matter."""
    for n, ch in enumerate(chapters):
        if any(
            it.kind == "content" and it.para.indent == 0 and len(it.text.split()) >= PROSE_MIN_WORDS for it in ch.items
        ):
            front = [it for c in chapters[:n] for it in c.titles() + c.items]
            return front, chapters[n:]
    return [], chapters
