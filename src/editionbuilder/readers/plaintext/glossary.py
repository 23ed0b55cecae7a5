"""Glossaries written without `Definition:` lines.

`Definition: TERM.` paragraphs are classified one by one (classify.py) and
gathered by layout.py. The forms here need their neighbours to be read,
so they are taken from the chapters' paragraphs once the layout is made:
- under a "Glossary" heading: `term — definition`, `term: definition`,
  or a definition list (the term on a line of its own, its definition on
  the next lines or in the next paragraph), until a paragraph in another
  form than the first entry's;
- with no heading: a run of two or more `term — definition` (or
  `term: definition`) entries whose terms begin in lower case, as no
  sentence of running text does (reported, the signal being weaker).
Entries may stand one to a paragraph or one to a line. A paragraph in
one of these shapes left as text is reported too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ... import codes
from ...diagnostics import Diagnostics
from ...lazyre import lazy_compile
from ...model import Position
from .classify import GLOSSARY_HEADING, Item
from .layout import Chapter, Entry, Layout

# A term: words of letters, with hyphens and apostrophes inside and single
# spaces between, no figures and no punctuation ("Thursday 18 March, 7pm"
# is a date, "The council, in 1994" a sentence).
_TERM = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_])|\s(?=[^\W\d_]))*"
TERM = lazy_compile(rf"^{_TERM}$")
# "term — definition": a spaced em or en dash, an unspaced em dash, or a
# spaced hyphen or double hyphen between the term and its definition.
DASH_ENTRY = lazy_compile(rf"^(?P<term>{_TERM})(?:\s+[—–]\s*|—\s*|\s+--?\s+)(?P<definition>\S.*)$", re.S)
# "term: definition".
COLON_ENTRY = lazy_compile(rf"^(?P<term>{_TERM}):\s+(?P<definition>\S.*)$", re.S)
TERM_MAX_WORDS = 5
TERM_MAX_CHARS = 48
# A definition is a phrase at least; with no heading to say so, a longer one.
DEFINITION_MIN_WORDS = 2
UNHEADED_DEFINITION_MIN_WORDS = 4


@dataclass
class Glossary:
    """What was taken from the chapters: entries and the headings above them."""

    entries: list[Entry] = field(default_factory=list)
    headings: list[Item] = field(default_factory=list)


def take_glossary(layout: Layout, is_reference: Callable[[str], bool], diags: Diagnostics, file: str) -> Glossary:
    """Take the glossaries out of ``layout.chapters`` (their paragraphs
    leave the text); a "Glossary" heading above `Definition:` entries is
    taken too. Returns what was taken."""
    found = Glossary()
    _report_continued(layout.glossary, diags, file)
    reader = _Reader(found, is_reference, diags, file, {e.head.para.start for e in layout.glossary})
    for ch in list(layout.chapters):
        headed = ch.heading is not None and GLOSSARY_HEADING.match(ch.heading.text)
        if not (headed and reader.chapter_heading(ch, layout)):
            ch.items = reader.items(ch.items)
    return found


def _report_continued(entries: list[Entry], diags: Diagnostics, file: str) -> None:
    """A `Definition:` entry's paragraphs after its definition are its own
    by their place and shape only (layout.py): each is reported."""
    for e in entries:
        later = e.items if e.head.text.strip() else e.items[1:]
        for it in later:
            diags.add(
                codes.GLOSSARY_CONTINUED,
                f"read as a further paragraph of the definition of {e.head.label!r}",
                Position(file, it.para.start, it.para.end),
            )


@dataclass
class _Reader:
    found: Glossary
    is_reference: Callable[[str], bool]
    diags: Diagnostics
    file: str
    definitions: set[int]  # first lines of the `Definition:` entries

    def chapter_heading(self, ch: Chapter, layout: Layout) -> bool:
        """A chapter headed "GLOSSARY": its entries are taken, what follows
        them goes back to the chapter before. False if it has none."""
        assert ch.heading is not None  # the caller matched it
        end, entries = self.section(ch.items, 0)
        if not entries and not self._defined_after(ch.heading, ch.items[0] if ch.items else None):
            return False
        self.found.headings.append(ch.heading)
        self.found.entries += entries
        rest = self.items(ch.items[end:])
        at = layout.chapters.index(ch)
        if at > 0:
            layout.chapters[at - 1].items += rest
            layout.chapters.remove(ch)
        else:
            ch.heading, ch.items = None, rest
        return True

    def items(self, items: list[Item]) -> list[Item]:
        out: list[Item] = []
        i = 0
        while i < len(items):
            step = self.heading(items, i) or self.run(items, i)
            if step:
                i = step
                continue
            self.warn_shape(items[i])
            out.append(items[i])
            i += 1
        return out

    def heading(self, items: list[Item], i: int) -> int:
        """A glossary heading and its entries: the index after them, or 0."""
        head = items[i]
        if head.kind not in ("content", "heading") or not GLOSSARY_HEADING.match(head.text):
            return 0
        end, entries = self.section(items, i + 1)
        if entries or self._defined_after(head, items[i + 1] if i + 1 < len(items) else None):
            self.found.headings.append(head)
            self.found.entries += entries
            return end
        self.diags.add(
            codes.GLOSSARY_HEADING_EMPTY,
            f"{head.text!r} is followed by no entry in a form the reader knows; it is kept as text",
            self._pos(head),
        )
        return 0

    def _defined_after(self, head: Item, after: Item | None) -> bool:
        """A `Definition:` entry comes right after ``head`` (layout took it)."""
        limit = after.para.start if after is not None else 1 << 30
        return any(head.para.end < line < limit for line in self.definitions)

    def section(self, items: list[Item], i: int) -> tuple[int, list[Entry]]:
        """The entries from ``items[i]`` on, in the form of the first one: a
        glossary is written one way, so a paragraph in another form (the
        "Bibliography" heading and the first reference after a glossary of
        dashes) ends it."""
        entries: list[Entry] = []
        form = ""
        while i < len(items) and (not entries or items[i].para.blank_before < 2):
            item = items[i]
            if item.kind not in ("content", "heading"):
                break
            if (parsed := entries_of(item, headed=True)) and form in ("", parsed[0][3]):
                entries += [Entry(_entry_item(sub, term, definition)) for sub, term, definition, _ in parsed]
                form, i = parsed[0][3], i + 1
            elif form in ("", "pair") and i + 1 < len(items) and self._listed_pair(item, items[i + 1]):
                head = Item("definition", item.para, "", label=item.text)
                entries.append(Entry(head, [items[i + 1]]))
                form, i = "pair", i + 2
            else:
                break
        return i, entries

    def _listed_pair(self, term: Item, definition: Item) -> bool:
        """A term paragraph, then its definition paragraph (a definition
        list whose items the copy set apart with blank lines)."""
        return (
            len(term.para.lines) == 1
            and is_term(term.text)
            and definition.kind == "content"
            and definition.para.blank_before < 2
            and not is_term(definition.text)
            and headed_entry(definition) is None
            and not self.is_reference(definition.text)
        )

    def run(self, items: list[Item], i: int) -> int:
        """Two or more unheaded entries in a row: the index after them, or 0."""
        found: list[tuple[Item, str, str, str]] = []
        j = i
        while j < len(items) and (j == i or items[j].para.blank_before < 2):
            parsed = entries_of(items[j], headed=False)
            if not parsed:
                break
            found += parsed
            j += 1
        if len(found) < 2:
            return 0
        self.found.entries += [Entry(_entry_item(sub, term, definition)) for sub, term, definition, _ in found]
        self.diags.add(
            codes.GLOSSARY_INFERRED,
            f"{len(found)} lines in the form 'term — definition' are read as glossary entries (no Glossary heading)",
            Position(self.file, items[i].para.start, items[j - 1].para.end),
        )
        return j

    def warn_shape(self, item: Item) -> None:
        """A paragraph shaped like an unheaded entry, alone: kept as text."""
        if item.kind == "content" and unheaded_entry(item):
            self.diags.add(
                codes.GLOSSARY_LIKE_TEXT,
                "this paragraph has the shape of a glossary entry ('term — definition') "
                "but stands alone, with no Glossary heading; it is kept as text",
                self._pos(item),
            )

    def _pos(self, item: Item) -> Position:
        return Position(self.file, item.para.start, item.para.end)


def is_term(text: str) -> bool:
    return bool(TERM.match(text)) and len(text) <= TERM_MAX_CHARS and len(text.split()) <= TERM_MAX_WORDS


def entries_of(item: Item, headed: bool) -> list[tuple[Item, str, str, str]] | None:
    """The entries a paragraph holds, as (item, term, definition, form):
    one, or one a line when every line is an entry of one form (a list
    copied without blank lines). ``headed``: under a glossary heading."""
    if item.kind not in ("content", "heading") or (not headed and item.kind != "content"):
        return None
    lines = [ln.strip() for ln in item.para.lines]
    each = [_entry_line(ln, headed) for ln in lines] if len(lines) > 1 else []
    if each and all(each) and len({e[2] for e in each if e}) == 1:
        subs = [Item(item.kind, item.para.with_lines((ln,), item.para.start + n), ln) for n, ln in enumerate(lines)]
        return [(sub, *e) for sub, e in zip(subs, each, strict=True) if e]
    one = headed_entry(item) if headed else _entry_line(item.text, headed)
    return [(item, *one)] if one else None


def headed_entry(item: Item) -> tuple[str, str, str] | None:
    """(term, definition, form) of a paragraph under a glossary heading;
    the form is "list" (the term on a line of its own), "dash" or "colon"."""
    lines = [ln.strip() for ln in item.para.lines]
    if len(lines) > 1 and is_term(lines[0]):
        return lines[0], " ".join(lines[1:]), "list"
    return _entry_line(item.text, headed=True)


def _entry_line(text: str, headed: bool) -> tuple[str, str, str] | None:
    """(term, definition, form) of `term — definition` or `term: definition`.
    With no heading above, the term begins in lower case (a sentence of
    running text begins with a capital) and the definition is longer."""
    if not headed and not text[:1].islower():
        return None
    least = DEFINITION_MIN_WORDS if headed else UNHEADED_DEFINITION_MIN_WORDS
    for form, pattern in (("dash", DASH_ENTRY), ("colon", COLON_ENTRY)):
        if (m := pattern.match(text)) and _fits(m, least):
            return m.group("term"), m.group("definition"), form
    return None


def unheaded_entry(item: Item) -> tuple[str, str, str] | None:
    """(term, definition, form) of a paragraph that reads as an entry with
    no heading above it."""
    return _entry_line(item.text, headed=False) if item.kind == "content" else None


def _fits(m: re.Match[str], min_words: int) -> bool:
    return is_term(m.group("term")) and len(m.group("definition").split()) >= min_words


def _entry_item(item: Item, term: str, definition: str) -> Item:
    return Item("definition", item.para, definition, label=term)
