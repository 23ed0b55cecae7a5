"""Running text to inline nodes: emphasis and footnote calls.

Citations are found later (``citations.CitationLinker``) and typography is a
transform; this module only recognises what plain text marks with symbols.
A footnote call becomes a ``NoteRef`` whose ``note_id`` is still empty: the
note pairing in ``notes.py`` fills it, or turns the call back into text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ...lazyre import lazy_compile
from ...model import Block, BlockQuote, Emphasis, Heading, Inline, NoteRef, Paragraph, Position, Table, Text
from ...model.walk import iter_blocks, merge_texts, walk_inlines
from .notemarks import SUPER_LABEL, SUPERSCRIPT_DIGITS, SYMBOL_LABEL

# `_words_`: Project Gutenberg's and e-mail's way of writing italics. The
# underscores must hug non-space text and not touch word characters outside,
# so snake_case identifiers and lone underscores stay text.
EMPHASIS = lazy_compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")

# Italics inside a word, as Gutenberg transcribes a printed book's italic
# letters: an abbreviation's letter (`_P_son`, the "per" of "person" set as
# an italic P) or a unit after a figure (`1_s._`, one shilling). One edge of
# the span is a word's edge, the other is glued to a letter or figure; with
# both edges glued (`snake_case_name`) it is an identifier and stays text.
# The span is one piece of a word (no space), so no sentence is swallowed.
EMPHASIS_WORD_START = lazy_compile(r"(?<![\w_])_(?=[^\s_])([^_\s]+?)(?<=\S)_(?=[^\W_])")
EMPHASIS_WORD_END = lazy_compile(r"(?<=[^\W_])_(?=[^\s_])([^_\s]+?)(?<=\S)_(?![\w_])")
# A word holding one of these is an address or a path (`site.org/_static_x`,
# `a_b_@mail`), whose underscores are never italics.
_NOT_PROSE = lazy_compile(r"[/\\@=<>]|://")

# Any of the three; each starts with an underscore, and the lookahead on it
# lets ``re`` skip to the underscores instead of trying the lookbehinds at
# every position (the same matches).
_ANY_EMPHASIS = lazy_compile(
    "(?=_)(?:" + "|".join(f"(?:{p.pattern})" for p in (EMPHASIS, EMPHASIS_WORD_START, EMPHASIS_WORD_END)) + ")"
)

# `[12]`, `[1000]` or `[B]`: the bracketed call of Gutenberg texts and many
# web copies; up to four digits or one capital letter, so that `[of corn]`,
# `[sic]` and `[Hegel: ..., p. 535.]` are never taken for calls. Four
# figures must be glued to a word or punctuation: `2012 [1964]` is the
# first edition's year, not note 1964.
BRACKET_CALL = lazy_compile(r"\[(?:\d{1,3}|[A-Z])\]|(?<=[^\s\d(\[])\[\d{4}\]")

# `word*`, `'†`, `.**`: a symbol glued to the end of the text before it and
# followed by a space, punctuation, a bracket or the end. Symbols standing
# alone (`*  *  *` rows, `† 1850`) or starting a line (a note's own mark) do
# not match.
STAR_CALL = lazy_compile(rf"(?<=[^\s*†‡])(?:{SYMBOL_LABEL})(?=[\s,.;:)\]'\"’”(\[]|$)")

# `book.¹`, `“...”³`, `centuries¹²`, `in 1871²`: superscript figures glued
# to a word of three letters or more, to a year, or to punctuation, a
# quotation mark or a bracket. After a short number or a short word they
# are an exponent or a unit (`10³`, `m²`, `km²`), not a call.
_LETTER = rf"[^\W\d_{SUPERSCRIPT_DIGITS}]"
SUPER_CALL = lazy_compile(rf"(?:(?<={_LETTER}{{3}})|(?<=\D\d{{4}})|(?<=[.,;:!?'\"’”)\]]))(?:{SUPER_LABEL})(?![^\W_])")

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
    for m in _ANY_EMPHASIS.finditer(text):
        inner = next(g for g in m.groups() if g is not None)
        if m.group(1) is None and _NOT_PROSE.search(_word_at(text, m.start(), m.end())):
            continue
        if m.start() > pos:
            parts.append((text[pos : m.start()], False))
        parts.append((inner, True))
        pos = m.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def _word_at(text: str, start: int, end: int) -> str:
    """The run of non-space characters holding ``text[start:end]``."""
    left = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    right = min((i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0), default=len(text))
    return text[left:right]


def emphasis_in_words(blocks: Sequence[Block]) -> Iterator[tuple[Position, str]]:
    """Each italic span read inside a word (``EMPHASIS_WORD_START``/``_END``),
    as (its block's position, the word as the source wrote it): such a
    reading is a guess, for the report. A span that touches a letter or
    figure outside it can come from no other rule."""
    for block in iter_blocks(tuple(blocks)):
        runs = [block.inlines] if isinstance(block, (Paragraph, Heading)) else []
        runs += [block.attribution] if isinstance(block, BlockQuote) else []
        runs += [block.caption, *(cell for row in block.rows for cell in row)] if isinstance(block, Table) else []
        for run in filter(None, runs):
            for before, node, after in zip((None, *run[:-1]), run, (*run[1:], None), strict=True):
                if not isinstance(node, Emphasis):
                    continue
                left = _edge(_LAST_WORD, before)
                right = _edge(_FIRST_WORD, after)
                if left[-1:].isalnum() or right[:1].isalnum():
                    inner = "".join(n.text for n in walk_inlines(node.children) if isinstance(n, Text))
                    yield block.pos, f"{left}_{inner}_{right}"


# The non-space characters that end, and that begin, a text (maybe none).
_LAST_WORD = lazy_compile(r"\S*\Z")
_FIRST_WORD = lazy_compile(r"\A\S*")


def _edge(pattern: re.Pattern[str], node: Inline | None) -> str:
    found = pattern.search(node.text) if isinstance(node, Text) else None
    return found.group(0) if found else ""


# Each call style, its pattern, and the characters its calls start with.
_CALL_STYLES = (("[", BRACKET_CALL, "["), ("*", STAR_CALL, "*†‡"), ("¹", SUPER_CALL, SUPERSCRIPT_DIGITS))


def _split_calls(text: str, calls: str) -> list[Inline]:
    styles = [(p.pattern, starts) for style, p, starts in _CALL_STYLES if style in calls]
    if not styles:
        return [Text(text)] if text else []
    # The lookahead on the calls' first characters lets ``re`` skip to them
    # instead of trying the lookbehinds at every position (the same matches).
    starts = re.escape("".join(s for _p, s in styles))
    out: list[Inline] = []
    pos = 0
    for m in re.finditer(f"(?=[{starts}])(?:" + "|".join(f"(?:{p})" for p, _s in styles) + ")", text):
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
_EMPHASIS_OPENED = lazy_compile(r"(?:^|(?<=[\s(“‘\"']))\*{1,3}(?=[^\s*])[^*]*$")


def call_text(ref: NoteRef) -> str:
    """The source text of an unpaired call, to put back as text: a symbol or
    superscript call is its mark, a bracketed one its label in brackets."""
    bare = ref.marker[:1] in "*†‡" + SUPERSCRIPT_DIGITS
    return ref.marker if bare else f"[{ref.marker}]"
