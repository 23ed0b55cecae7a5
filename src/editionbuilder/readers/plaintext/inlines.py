"""Running text to inline nodes: emphasis and footnote calls.

Citations are found later (``citations.CitationLinker``) and typography is a
transform; this module only recognises what plain text marks with symbols.
A footnote call becomes a ``NoteRef`` whose ``note_id`` is still empty: the
note pairing in ``notes.py`` fills it, or turns the call back into text.
"""

from __future__ import annotations

import re

from ...model import Emphasis, Inline, NoteRef, Text

# `_words_`: Project Gutenberg's and e-mail's way of writing italics. The
# underscores must hug non-space text and not touch word characters outside,
# so snake_case identifiers and lone underscores stay text.
EMPHASIS = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")

# `[12]` or `[B]`: the bracketed call of Gutenberg texts and many web copies;
# one to three digits or one capital letter, so that `[of corn]`, `[sic]` and
# `[Hegel: ..., p. 535.]` are never taken for calls.
BRACKET_CALL = re.compile(r"\[(\d{1,3}|[A-Z])\]")

# `word*`, `'*`, `.*`: an asterisk glued to the end of the text before it and
# followed by a space, punctuation or the end. Asterisks standing alone
# (`*  *  *` rows) or starting a line (a note's own mark) do not match.
STAR_CALL = re.compile(r"(?<=[^\s*])\*(?=[\s,.;:)\]'\"’”]|$)")


def parse_inlines(text: str, calls: str = "") -> tuple[Inline, ...]:
    """Inlines for ``text``; ``calls`` says which call styles to recognise.

    ``calls`` holds ``"["`` for bracketed calls and/or ``"*"`` for asterisk
    calls: a document without any note text has no calls, so its brackets
    and asterisks stay text.
    """
    out: list[Inline] = []
    for piece, is_emph in _split_emphasis(text):
        inner = _split_calls(piece, calls)
        out.extend([Emphasis(tuple(inner))] if is_emph else inner)
    return _merge_text(out)


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
    patterns = []
    if "[" in calls:
        patterns.append(BRACKET_CALL.pattern)
    if "*" in calls:
        patterns.append(STAR_CALL.pattern)
    if not patterns:
        return [Text(text)] if text else []
    out: list[Inline] = []
    pos = 0
    for m in re.finditer("|".join(f"(?:{p})" for p in patterns), text):
        if m.start() > pos:
            out.append(Text(text[pos : m.start()]))
        label = m.group(0).strip("[]")
        out.append(NoteRef("", label))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def _merge_text(inlines: list[Inline]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            out.append(node)
    return tuple(out)


def call_text(ref: NoteRef) -> str:
    """The source text of an unpaired call, to put back as text."""
    return "*" if ref.marker == "*" else f"[{ref.marker}]"
