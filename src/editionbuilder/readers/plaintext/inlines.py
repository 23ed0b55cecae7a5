"""Running text to inline nodes: emphasis and footnote calls.

Citations are found later (``citations.CitationLinker``) and typography is a
transform; this module only recognises what plain text marks with symbols.
A footnote call becomes a ``NoteRef`` whose ``note_id`` is still empty: the
note pairing in ``notes.py`` fills it, or turns the call back into text.
"""

from __future__ import annotations

import re

from ...model import Emphasis, Inline, NoteRef, Text
from ...model.walk import merge_texts
from .notemarks import SUPER_LABEL, SUPERSCRIPT_DIGITS, SYMBOL_LABEL

# `_words_`: Project Gutenberg's and e-mail's way of writing italics. The
# underscores must hug non-space text and not touch word characters outside,
# so snake_case identifiers and lone underscores stay text.
EMPHASIS = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")

# `[12]`, `[1000]` or `[B]`: the bracketed call of Gutenberg texts and many
# web copies; up to four digits or one capital letter, so that `[of corn]`,
# `[sic]` and `[Hegel: ..., p. 535.]` are never taken for calls. Four
# figures must be glued to a word or punctuation: `2012 [1964]` is the
# first edition's year, not note 1964.
BRACKET_CALL = re.compile(r"\[(?:\d{1,3}|[A-Z])\]|(?<=[^\s\d(\[])\[\d{4}\]")

# `word*`, `'†`, `.**`: a symbol glued to the end of the text before it and
# followed by a space, punctuation, a bracket or the end. Symbols standing
# alone (`*  *  *` rows, `† 1850`) or starting a line (a note's own mark) do
# not match.
STAR_CALL = re.compile(rf"(?<=[^\s*†‡])(?:{SYMBOL_LABEL})(?=[\s,.;:)\]'\"’”(\[]|$)")

# `book.¹`, `“...”³`, `centuries¹²`, `in 1871²`: superscript figures glued
# to a word of three letters or more, to a year, or to punctuation, a
# quotation mark or a bracket. After a short number or a short word they
# are an exponent or a unit (`10³`, `m²`, `km²`), not a call.
_LETTER = rf"[^\W\d_{SUPERSCRIPT_DIGITS}]"
SUPER_CALL = re.compile(rf"(?:(?<={_LETTER}{{3}})|(?<=\D\d{{4}})|(?<=[.,;:!?'\"’”)\]]))(?:{SUPER_LABEL})(?![^\W_])")

# Every call style, as ``parse_inlines`` takes them.
ALL_CALLS = "[*¹"


def parse_inlines(text: str, calls: str = "") -> tuple[Inline, ...]:
    """Inlines for ``text``; ``calls`` says which call styles to recognise.

    ``calls`` holds ``"["`` for bracketed calls, ``"*"`` for symbol calls
    and ``"¹"`` for superscript calls (``ALL_CALLS``: all three). A call
    that pairs with no note goes back to text with a warning (notes.py), so
    recognising a style costs a text that has none of its notes nothing.
    """
    out: list[Inline] = []
    for piece, is_emph in _split_emphasis(text):
        inner = _split_calls(piece, calls)
        out.extend([Emphasis(tuple(inner))] if is_emph else inner)
    return merge_texts(tuple(out))


def _split_emphasis(text: str) -> list[tuple[str, bool]]:
    parts: list[tuple[str, bool]] = []
    pos = 0
    for m in EMPHASIS.finditer(text):
        if m.start() > pos:
            parts.append((text[pos : m.start()], False))
        parts.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def _split_calls(text: str, calls: str) -> list[Inline]:
    styles = (("[", BRACKET_CALL), ("*", STAR_CALL), ("¹", SUPER_CALL))
    patterns = [p.pattern for style, p in styles if style in calls]
    if not patterns:
        return [Text(text)] if text else []
    out: list[Inline] = []
    pos = 0
    for m in re.finditer("|".join(f"(?:{p})" for p in patterns), text):
        if _closes_emphasis(text, m.start()):
            continue
        if m.start() > pos:
            out.append(Text(text[pos : m.start()]))
        label = m.group(0)
        out.append(NoteRef("", label[1:-1] if label.startswith("[") else label))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def _closes_emphasis(text: str, at: int) -> bool:
    """An asterisk closing `*words*` or `**words**` (markdown emphasis typed
    into a comment), not a call: an asterisk opens a word before it, with
    no asterisk between."""
    return text[at] == "*" and _EMPHASIS_OPENED.search(text[:at]) is not None


# An asterisk run at the start of a word (after a space, a bracket or an
# opening quote) followed by text without another asterisk, to the end.
_EMPHASIS_OPENED = re.compile(r"(?:^|(?<=[\s(“‘\"']))\*{1,3}(?=[^\s*])[^*]*$")


def call_text(ref: NoteRef) -> str:
    """The source text of an unpaired call, to put back as text: a symbol or
    superscript call is its mark, a bracketed one its label in brackets."""
    bare = ref.marker[:1] in "*†‡" + SUPERSCRIPT_DIGITS
    return ref.marker if bare else f"[{ref.marker}]"
