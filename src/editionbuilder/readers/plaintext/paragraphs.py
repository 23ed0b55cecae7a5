"""Split a plain text into paragraphs: runs of non-blank lines.

Web-copied essays put a paragraph on one line; Project Gutenberg texts wrap
them at about 70 columns. Either way a paragraph is what lies between blank
lines, and the number of blank lines before it carries meaning (two or more
mark a section break in web copies, a heading in Gutenberg texts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...lazyre import lazy_compile

# Leading horizontal whitespace of a line (its indentation).
_INDENT = lazy_compile(r"^[ \t]*")


def _indent_width(line: str) -> int:
    """Width of the line's indentation, tabs counted as 4 spaces."""
    m = _INDENT.match(line)
    assert m is not None  # ``[ \t]*`` matches every line, if only the empty string
    return len(m.group(0).replace("\t", "    "))


@dataclass(frozen=True, slots=True)
class Para:
    lines: tuple[str, ...]
    start: int  # 1-based number of the first line
    blank_before: int

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1

    @property
    def indent(self) -> int:
        """Indentation of the first line, tabs counted as 4 spaces."""
        return _indent_width(self.lines[0])

    @property
    def min_indent(self) -> int:
        return min(_indent_width(ln) for ln in self.lines)

    @property
    def text(self) -> str:
        """The lines joined with single spaces, outer whitespace stripped."""
        return " ".join(ln.strip() for ln in self.lines)

    def with_lines(self, lines: tuple[str, ...], start: int) -> Para:
        return Para(lines, start, self.blank_before)


def split_paragraphs(text: str) -> list[Para]:
    """Paragraphs of ``text`` (LF line ends) with their line numbers."""
    paras: list[Para] = []
    current: list[str] = []
    start = blanks = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.rstrip())
            continue
        if current:
            paras.append(Para(tuple(current), start, blanks))
            current, blanks = [], 0
        blanks += 1
    if current:
        paras.append(Para(tuple(current), start, blanks))
    return paras


# A line of running text wrapped by the copy ends without closing its
# sentence; a list of separate items (buttons, a name and a date, a menu)
# has short lines that each stand alone.
WRAP_MIN_CHARS = 45
CONTINUED_MIN_CHARS = 20
_SENTENCE_END = (".", "!", "?", ":", "…", "”", '"', "’", ")", "»")
# Opening and closing quotation marks, to tell whether a quotation runs on.
_OPENING, _CLOSING = "“«", "”»"


def continues(before: str, line: str) -> bool:
    """Whether ``line`` goes on with the text of ``before`` (a wrapped
    paragraph, a verse quotation) rather than standing alone."""
    first = line.lstrip()[:1]
    stripped = before.strip()
    if _quote_open(before):
        return True
    if first and (first.islower() or first in "(,;)"):
        # A wrapped line goes on in lower case; after a word or two (a
        # button, a badge) a lower-case line is an item of its own.
        return len(stripped) >= CONTINUED_MIN_CHARS
    return len(stripped) >= WRAP_MIN_CHARS and not stripped.endswith(_SENTENCE_END)


def _quote_open(text: str) -> bool:
    curly = sum(text.count(c) for c in _OPENING) - sum(text.count(c) for c in _CLOSING)
    return curly > 0 or text.count('"') % 2 == 1


def split_items(para: Para, stands_alone: Callable[[str], bool] = lambda _line: False) -> list[Para]:
    """A paragraph as the items its lines are: lines that go on with the
    line before stay together, any other line is an item of its own (the
    first keeps the paragraph's blank lines before it), and so is a line
    that ``stands_alone`` (a byline or a date under a long title)."""
    items: list[list[str]] = []
    for line in para.lines:
        if items and not stands_alone(line) and continues(" ".join(items[-1]), line):
            items[-1].append(line)
        else:
            items.append([line])
    out, start = [], para.start
    for n, lines in enumerate(items):
        out.append(Para(tuple(lines), start, para.blank_before if n == 0 else 0))
        start += len(lines)
    return out
