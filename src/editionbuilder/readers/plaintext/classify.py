"""Give every paragraph of a plain text a kind, by the conventions it follows.

Each pattern below is one convention of web-copied essays or of Project
Gutenberg texts; a paragraph that follows none is running text ("content").
Deciding what the kinds add up to (chapters, glossary, comments) is
``layout.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lazyre import lazy_compile
from .notemarks import NOTES_HEADER, match_note
from .paragraphs import Para

# "Definition: TERM." with the definition after it or in the next paragraphs;
# the term may also end at a colon or a spaced dash ("Definition: TERM:
# text"), or with the line ("Definition: TERM", the text below).
DEFINITION = lazy_compile(r"^Definition:\s*(?P<term>[^.]{1,80}?)(?:\s*(?:\.|:|\s[—–])\s*(?P<rest>.*)|\s*)$", re.S)
# "Published by NAME" alone (WordPress's author box) or "Written by NAME"
# alone after the text (Medium's): the heading of a note about the author
# or publisher, which goes to the back matter. (A "Written by" above the
# text is a byline, read with the head.)
AUTHOR_BOX = lazy_compile(r"^(?:Published|Written) by\s+(?P<name>\S.{1,60})$")
PUBLISHED_BY = AUTHOR_BOX
# "References", "Bibliography", "Works Cited", "Sources": the heading of a
# bibliography; "Glossary": of a glossary. The edition sets its own.
REFERENCES_HEADING = lazy_compile(
    r"^(?:references?|sources?|bibliography|select bibliography|works cited|works consulted|"
    r"literature(?: cited)?|further reading|reading list|notes and references)\s*:?$",
    re.I,
)
# "Glossary", "Glossary of terms", "Definitions", "Key terms", "Terms used"
# alone on a line (a colon allowed): the heading of a glossary. Not "Terms"
# alone: that is the link to a site's terms of service in its footer.
GLOSSARY_HEADING = lazy_compile(
    r"^(?:(?:a\s+)?glossary(?:\s+of\s+\w+(?:\s+\w+)?)?|definitions|key\s+terms|terms\s+used)\s*:?$", re.I
)
APPARATUS_HEADING = lazy_compile(f"{REFERENCES_HEADING.pattern}|{GLOSSARY_HEADING.pattern}", re.I)
# "  1. text": a numbered item; at most four spaces before the number.
NUMBERED_ITEM = lazy_compile(r"^\s{0,4}(?P<num>\d{1,3})[.)]\s+(?P<rest>\S.*)$", re.S)
# The marks of notes and the heading of a block of notes: notemarks.py.
# "[Illustration: caption]": where a Gutenberg text had a picture.
ILLUSTRATION = lazy_compile(r"^\[Illustration(?::[^\]]*)?\]$", re.I)
# "*   *   *" (three or more asterisks and nothing else): a scene break.
SCENE_ROW = lazy_compile(r"^(?:\*\s*){3,}$")
# Heading words that open a chapter-level unit in books (such a heading may
# be indented a little; other capitals lines must start at the margin).
CHAPTER_WORD = lazy_compile(
    r"^(?:CHAPTER|PART|BOOK|INTRODUCTION|PREFACE|FOREWORD|PROLOGUE|EPILOGUE|APPENDIX|"
    r"CONCLUSION|CONTENTS|INDEX|AUTHOR'?S NOTE|PUBLISHER'?S NOTE|TRANSLATOR'?S NOTE)\b"
)
# "SECTION 2.--TITLE": a second-level heading.
SECTION_WORD = lazy_compile(r"^SECTION\s+[\dIVXLC]+\b")
# "§ 3. _Title_.": a third-level heading (also "§3." with no space).
PARAGRAPH_SIGN = lazy_compile(r"^§\s*\d+\.\s+\S")
# A roman numeral alone on its line ("IV"), the bare chapter number of many
# older books.
ROMAN = lazy_compile(r"^[IVXLC]{1,7}\.?$")
# A line ending in a page number after a gap ("INDEX      109"): an entry
# of a table of contents, never a heading.
PAGE_NUMBER_END = lazy_compile(r"\S\s{2,}\d{1,4}$")
HEADING_MAX_CHARS = 80


@dataclass(frozen=True, slots=True)
class Item:
    kind: str
    para: Para
    text: str
    label: str = ""
    level: int = 0


def classify(para: Para, heading: bool = False) -> Item:
    """The kind of one paragraph seen alone (context is layout's concern).
    ``heading``: the page's layout made it a heading of the text. The
    headings of a web page's apparatus ("References", "Glossary") are read
    by their neighbours: layout.py and glossary.py."""
    text = para.text
    if heading:
        return Item("heading", para, text, level=2)
    for test in (_scene, _notes_header, _note, _definition, _publisher, _heading):
        item = test(para, text)
        if item is not None:
            return item
    return Item("content", para, text)


def _scene(para: Para, text: str) -> Item | None:
    return Item("scene", para, text) if SCENE_ROW.match(text) else None


def _notes_header(para: Para, text: str) -> Item | None:
    return Item("notes-header", para, text) if NOTES_HEADER.match(text) else None


def _note(para: Para, text: str) -> Item | None:
    found = match_note(text, para.indent)
    return Item(found[0], para, found[2], label=found[1]) if found else None


def _definition(para: Para, text: str) -> Item | None:
    m = DEFINITION.match(text)
    return Item("definition", para, m.group("rest") or "", label=m.group("term").strip()) if m else None


def _publisher(para: Para, text: str) -> Item | None:
    m = PUBLISHED_BY.match(text)
    return Item("publisher", para, text, label=m.group("name").strip()) if m else None


def _heading(para: Para, text: str) -> Item | None:
    """Headings of books: capitals on a short line, or numbered forms."""
    if len(para.lines) > 2 or len(text) > HEADING_MAX_CHARS or para.indent > 4:
        return None
    if (para.indent > 1 and not CHAPTER_WORD.match(text)) or PAGE_NUMBER_END.search(para.lines[0]):
        return None
    if PARAGRAPH_SIGN.match(text):
        return Item("heading", para, text, level=3)
    letters = [c for c in text if c.isalpha()]
    if not letters or text.upper() != text or text.endswith(","):
        return None
    if SECTION_WORD.match(text):
        return Item("heading", para, text, level=2)
    if CHAPTER_WORD.match(text) or ROMAN.match(text) or para.blank_before >= 2:
        return Item("heading", para, text, level=1)
    return None


def numbered_item(text: str) -> re.Match[str] | None:
    return NUMBERED_ITEM.match(text)
