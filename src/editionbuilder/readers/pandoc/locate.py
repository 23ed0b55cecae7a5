"""Source lines for pandoc elements, found by searching the manuscript's words.

Pandoc's Markdown reader keeps no source positions in its AST (only the
CommonMark reader has ``sourcepos``, and it does not read pandoc's
Markdown: grid tables, citations and YAML blocks parse differently), yet
every block of the model must say which lines it came from. So the reader
finds them: the manuscript is cut into word tokens (letters and digits,
case folded, as ``accounting.WORD``), each block's words are taken from its
AST, and the block's first words are searched in order after the previous
block's end (a cursor), its last words after its start.

Why words and not characters: markup (``*``, ``[…](url)``, ``\\``, table
rules) sits between the words in the source and is gone from the AST, so
the search skips up to ``_GAP`` source tokens between two words of the
block (a link's URL), and tolerates a few words of the AST that the source
spells otherwise (an HTML entity, a smart quote's neighbour).

Limits, on purpose documented: a block whose first words repeat those of a
later decoy is found at the first one after the cursor, which is right as
long as blocks are searched in document order (they are; note definitions,
which Markdown places anywhere, are searched from their own ``[^label]:``
line); a block none of whose words are in the source (an empty paragraph)
gets the cursor's line; the end of a block is the first match of its last
words after its start, which is early when those words repeat inside it.
Binary manuscripts (DOCX, ODT, EPUB) have no lines: the locator is empty
and every position is line 0 of the file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# A word: a run of letters or digits (the fidelity checks' definition).
_WORD_RE = re.compile(r"[^\W_]+")

# How many source tokens may stand between two consecutive words of a block
# (a URL between a link's text and the next word has about ten).
_GAP = 24

# How many words of a block's start (and end) are searched.
_PROBE = 6

# AST elements whose text is a string field rather than inlines:
# ``Str`` holds it in ``c``, the others in ``c[1]`` (after attributes or a
# format name).
_TEXT_AT_1 = frozenset({"Code", "CodeBlock", "Math", "RawInline", "RawBlock"})


def words(text: str) -> list[str]:
    """The case-folded word tokens of ``text``."""
    return [w.casefold() for w in _WORD_RE.findall(text)]


def ast_words(node: Any) -> list[str]:
    """The words an AST node shows in the source, in order.

    A note's text is left out (Markdown defines it elsewhere); a citation
    counts with its text as written; attributes and URLs are not words of
    the text (the search skips them in the source).
    """
    if isinstance(node, list):
        return [w for item in node for w in ast_words(item)]
    if not isinstance(node, dict) or "t" not in node:
        return []
    kind = node["t"]
    c: Any = node.get("c")  # pandoc JSON: its shape is the kind's (Space and the like have none)
    if kind == "Str":
        return words(c)
    if kind in _TEXT_AT_1:
        return words(c[1])
    if kind == "Note":
        return []
    return ast_words(c)


@dataclass(frozen=True, slots=True)
class Span:
    """Lines ``line``..``end`` (1-based) and the token range they were found at."""

    line: int
    end: int
    first: int = -1
    last: int = -1


class Locator:
    """Finds blocks in the manuscript text, in document order (a cursor)."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self._tokens: list[str] = []
        self._token_lines: list[int] = []
        self._at: dict[str, list[int]] = defaultdict(list)
        for n, line in enumerate(self.lines, start=1):
            for w in words(line):
                self._at[w].append(len(self._tokens))
                self._tokens.append(w)
                self._token_lines.append(n)
        self.cursor = 0

    @property
    def empty(self) -> bool:
        return not self._tokens

    def cursor_line(self) -> int:
        """The line of the next unread token (where an unfound block must be)."""
        if not self._token_lines:
            return 0
        return self._token_lines[min(self.cursor, len(self._token_lines) - 1)]

    def span(self, needle: Sequence[str]) -> Span | None:
        """Where the block with these words is, searched from the cursor
        (then from the start, if an earlier guess overshot); moves the cursor
        past it."""
        if not needle or self.empty:
            return None
        head = self._anchor(needle[:_PROBE], self.cursor) or self._anchor(needle[:_PROBE], 0)
        if head is None:
            return None
        first, end = head
        if len(needle) > _PROBE:
            tail = self._anchor(needle[-_PROBE:], first)
            end = tail[1] if tail else end
        self.cursor = max(self.cursor, end + 1)
        return Span(self._token_lines[first], self._token_lines[end], first, end)

    def line_within(self, needle: Sequence[str], span: Span, after: int = 0) -> int:
        """The line, inside ``span``, where ``needle`` first occurs at or after
        line ``after``; the span's first line when it is not found there."""
        if not needle or span.first < 0:
            return span.line
        start = bisect_left(self._token_lines, max(after, span.line))
        hit = self._anchor(needle[:_PROBE], start)
        if hit is None or self._token_lines[hit[0]] > span.end:
            return span.line
        return self._token_lines[hit[0]]

    def token_at_line(self, line: int) -> int:
        """The index of the first token on or after ``line``."""
        return bisect_left(self._token_lines, line)

    def _anchor(self, needle: Sequence[str], start: int) -> tuple[int, int] | None:
        """First and last token of the first match of ``needle`` at or after
        ``start``; a word missing from the source may be skipped (one in
        three), and so may the first word or two of a needle of five or
        more (a shorter one would then match almost anywhere)."""
        for skip in range(max(1, min(3, len(needle) - 3))):
            part = needle[skip:]
            for p in self._positions(part[0], start):
                last = self._follow(part, p)
                if last is not None:
                    return p, last
        return None

    def _positions(self, word: str, start: int) -> list[int]:
        at = self._at.get(word, [])
        return at[bisect_left(at, start) :]

    def _follow(self, needle: Sequence[str], p: int) -> int | None:
        """The last token matching ``needle[1:]`` after ``p``, each within
        ``_GAP`` tokens of the one before; None when too many are missing."""
        at, misses = p, 0
        for word in needle[1:]:
            nxt = self._next(word, at + 1)
            if nxt is None:
                misses += 1
                if misses * 3 > len(needle):
                    return None
                continue
            at = nxt
        return at

    def _next(self, word: str, start: int) -> int | None:
        at = self._at.get(word, [])
        i = bisect_left(at, start)
        if i < len(at) and at[i] < start + _GAP:
            return at[i]
        return None

    def find_near(self, needle: Sequence[str], line: int, end: int) -> Span | None:
        """Where ``needle`` starts between lines ``line`` and ``end``, without
        moving the cursor (a table's caption, a note's definition)."""
        if not needle or self.empty:
            return None
        hit = self._anchor(needle[:_PROBE], self.token_at_line(max(1, line)))
        if hit is None or self._token_lines[hit[0]] > end:
            return None
        return Span(self._token_lines[hit[0]], self._token_lines[hit[1]], hit[0], hit[1])

    def run_around(self, line: int) -> tuple[int, int]:
        """The run of non-blank lines holding ``line`` (a table, a caption)."""
        if not (0 < line <= len(self.lines)) or not self.lines[line - 1].strip():
            return line, line
        first, last = line, line
        while first > 1 and self.lines[first - 2].strip():
            first -= 1
        while last < len(self.lines) and self.lines[last].strip():
            last += 1
        return first, last

    def move_past(self, line: int) -> None:
        """Put the cursor after ``line`` (never back)."""
        self.cursor = max(self.cursor, self.token_at_line(line + 1))
