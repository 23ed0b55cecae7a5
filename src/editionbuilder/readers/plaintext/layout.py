"""From classified paragraphs to the regions of a document.

A web essay runs: title, byline, body (with section breaks), a
bibliography, a definitions appendix, a publisher's note, reader comments,
boilerplate. A Gutenberg text runs: source front matter, then chapters
under headings, each maybe with a block of notes. The regions found here
do not depend on that order: each paragraph's kind (and a little context)
decides where it goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .classify import Item, numbered_item
from .notemarks import LABELLED_KINDS, NOTE_KINDS, continues_entry
from .paragraphs import Para

# A numbered list with no "N thoughts on" heading is taken for reader
# comments only when its items are this long on average (comments are
# paragraphs; an author's numbered points are usually short) and the list
# runs to the end of the document.
COMMENT_MIN_WORDS = 12


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
NUMBERED_HEADING = re.compile(r"^(?:(?:CHAPTER|PART|BOOK)\s+[\dIVXLC]+|[IVXLC]{1,7})\.?$")
# "CONTENTS", the heading of a source's own table of contents.
CONTENTS = re.compile(r"^(?:TABLE OF )?CONTENTS\.?$", re.I)
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
    comments: list[Entry] = field(default_factory=list)
    comments_header: list[Item] = field(default_factory=list)
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
    if mode == "comments":
        return mode
    if item.kind == "comments-header" or (item.kind == "content" and _starts_comment_list(items, i)):
        return "comments"
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
    if mode == "comments":
        _place_comment(item, layout)
    elif mode == "glossary":
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


def _inside_contents(item: Item, layout: Layout) -> bool:
    """An indented heading-like line under a CONTENTS heading is an entry of
    the contents, not a heading."""
    head = layout.chapters[-1].heading
    return item.para.indent > 0 and head is not None and CONTENTS.match(head.text) is not None


def _place_comment(item: Item, layout: Layout) -> None:
    if item.kind == "comments-header":
        layout.comments_header.append(item)
        return
    m = numbered_item(item.para.lines[0]) if item.para.indent <= 4 else None
    if m and item.kind in ("content", "heading"):
        head = Item("comment", item.para, m.group("rest") + _rest_lines(item), label=m.group("num"))
        layout.comments.append(Entry(head))
        return
    # Inside a comment only notes keep their kind: a "Definition:" or a
    # heading-like line a reader wrote is their text, whole.
    if not item.kind.endswith("note"):
        item = Item("content", item.para, item.para.text)
    if layout.comments:
        layout.comments[-1].items.append(item)
    else:
        # A note opening the comments has no comment to go to: its whole text,
        # mark included, opens one.
        layout.comments.append(Entry(Item("comment", item.para, item.para.text, label="")))


def _rest_lines(item: Item) -> str:
    rest = [ln.strip() for ln in item.para.lines[1:]]
    return (" " + " ".join(rest)) if rest else ""


def _starts_comment_list(items: list[Item], i: int) -> bool:
    """A numbered list after a section gap, running to the end, of long items."""
    if items[i].para.blank_before < 2 or not numbered_item(items[i].para.lines[0]):
        return False
    heads = [it for it in items[i:] if it.para.indent <= 4 and numbered_item(it.para.lines[0])]
    others = [it for it in items[i:] if it not in heads]
    if len(heads) < 2 or any(it.para.indent < 2 for it in others):
        return False
    words = sum(len(it.text.split()) for it in heads) / len(heads)
    return words >= COMMENT_MIN_WORDS


# The heading a bibliography stands under ("References", "Works Cited").
REFERENCES_HEADING = re.compile(
    r"^(?:references?|sources?|bibliography|select bibliography|works cited|works consulted|"
    r"literature(?: cited)?|further reading|reading list|notes and references)\s*:?$",
    re.I,
)


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
    """Indexes of bibliography entries: two or more reference lines in a row."""
    flags = [it.kind == "content" and is_reference(it.text) for it in items]
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
