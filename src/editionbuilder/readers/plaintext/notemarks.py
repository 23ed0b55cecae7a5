"""The marks of notes: how a note's text begins and how its call looks.

Web pages and Project Gutenberg texts mark notes in four ways, each kept
as its own kind of paragraph so that notes.py pairs each its own way:
- "mark-note": a symbol, `* `, `** `, `† `, `‡ ` (doubled daggers too),
  called by the same symbol glued to the text it follows (`word.†`);
- "super-note": superscript figures, `¹ `, `¹² `, called by the same
  figures glued to the text (`book.¹`, `“...”³`);
- "bracket-note": a figure or capital in brackets, `[12] `, `[1000] `,
  `[B] `, called by the same bracketed label (`word.[12]`);
- "inline-note": `[Footnote 3: ...]` placed after the paragraph that calls
  it, Gutenberg's form, called `[3]` and paired in order (its numbering
  restarts on every printed page).
"""

from __future__ import annotations

import re

from ...lazyre import lazy_compile
from .paragraphs import Para

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
# Up to four figures or one capital: `[1000]` is a note label (long essays
# and Gutenberg texts number notes into the thousands), `[of corn]`,
# `[sic]`, `[1848-9]` and `[Hegel: ..., p. 535.]` are never labels.
BRACKET_LABEL = r"\d{1,4}|[A-Z]"
# Symbol marks: one to three asterisks, one or two daggers or double daggers.
SYMBOL_LABEL = r"\*{1,3}|†{1,2}|‡{1,2}"
SUPER_LABEL = f"[{SUPERSCRIPT_DIGITS}]{{1,3}}"

# "[12] text" / "[B] text": a note in a notes block, its label first.
BRACKET_NOTE = lazy_compile(rf"^\[(?P<label>{BRACKET_LABEL})\]\s+(?P<rest>\S.*)$", re.S)
# "[Footnote 3: text]" or the variant "[Footnote: 3 text]": an inline note
# placed after the paragraph that calls it.
INLINE_NOTE = lazy_compile(r"^\[Footnote(?:\s+(?P<a>\w{1,3})\s*:|\s*:\s*(?P<b>\w{1,3})\b)\s*(?P<rest>.*)$", re.S)
# "* text", "** text", "† text": a symbol note. The text must not begin
# with another mark, so a row of stars (a scene break) is never a note.
MARK_NOTE = lazy_compile(rf"^(?P<label>{SYMBOL_LABEL})\s+(?P<rest>[^*†‡\s].*)$", re.S)
# "¹ text": a superscript-numbered note. No paragraph of running text
# begins with a superscript figure and a space. ("¹Text", glued, is one
# word to the source's word count, so it is not split.)
SUPER_NOTE = lazy_compile(rf"^(?P<label>{SUPER_LABEL})\s+(?P<rest>\S.*)$", re.S)
# "Notes", "Footnotes:", "NOTES", "Endnotes": the heading of a block of notes.
NOTES_HEADER = lazy_compile(r"^(?:FOOT|END)?NOTES?:?$", re.I)
# A symbol note indented this much is an indented list or verse, not a note.
MARK_NOTE_MAX_INDENT = 8

NOTE_KINDS = ("mark-note", "super-note", "bracket-note", "inline-note")
# Kinds paired by their label (an inline note is paired in order).
LABELLED_KINDS = ("mark-note", "super-note", "bracket-note")


def match_note(text: str, indent: int) -> tuple[str, str, str] | None:
    """(kind, label, text after the mark) for a paragraph that begins a
    note, or None."""
    if m := INLINE_NOTE.match(text):
        rest = m.group("rest")
        rest = rest[:-1].rstrip() if rest.endswith("]") else rest
        return "inline-note", m.group("a") or m.group("b"), rest
    if m := BRACKET_NOTE.match(text):
        return "bracket-note", m.group("label"), m.group("rest")
    if indent < MARK_NOTE_MAX_INDENT and (m := MARK_NOTE.match(text)):
        return "mark-note", m.group("label"), m.group("rest")
    if m := SUPER_NOTE.match(text):
        return "super-note", m.group("label"), m.group("rest")
    return None


def split_note_lines(paras: list[Para]) -> list[Para]:
    """Notes copied one to a line with no blank line between them ("¹ ...",
    "² ..."): each line that begins a note opens a paragraph of its own, so
    that no note is read as the tail of the one before it."""
    out: list[Para] = []
    for p in paras:
        starts = [n for n, line in enumerate(p.lines) if n == 0 or _begins_note(line)]
        if len(starts) == 1 or not _begins_note(p.lines[0]):
            out.append(p)
            continue
        for a, b in zip(starts, [*starts[1:], len(p.lines)], strict=True):
            out.append(Para(p.lines[a:b], p.start + a, p.blank_before if a == 0 else 0))
    return out


def _begins_note(line: str) -> bool:
    return match_note(line.strip(), len(line) - len(line.lstrip())) is not None


def call_family(marker: str) -> str:
    """The kind of note a call of ``marker`` can be paired with."""
    if marker[:1] in "*†‡":
        return "mark-note"
    if marker[:1] in SUPERSCRIPT_DIGITS:
        return "super-note"
    return "bracket-note"


def continues_entry(para: Para) -> bool:
    """Whether an unmarked paragraph after a note in a block of notes, or
    after a `Definition:` entry, can be that note's or entry's next
    paragraph: indented (a quotation, verse or table inside it) or prose:
    a sentence's end (or a comma, leading into a quotation), on one line of
    some length or on lines wrapped at a width. A short line without a
    sentence's end ("Works Cited", "References", "Labels: ...", a name) or
    a stack of short lines (a related post's title, date and category) is
    what follows, not part of it."""
    if para.min_indent >= 2:
        return True
    if not re.search(r"[.!?:;,)\]”’\"'…]$", para.text):
        return False
    if len(para.lines) == 1:
        return len(para.text.split()) >= CONTINUATION_MIN_WORDS
    return all(len(ln.strip()) >= WRAPPED_MIN_CHARS for ln in para.lines[:-1])


CONTINUATION_MIN_WORDS = 8
# Lines of prose wrapped at a width are at least this long, but the last.
WRAPPED_MIN_CHARS = 40
