"""Where a displayed quotation starts and ends, and what it is attributed to.

A paragraph that is wholly a quotation ("“...” (Author, p.1)", or in
single marks, "‘...’ (Author, p.1)") is a block quote; what follows the closing mark is its attribution: a parenthetical
citation, or a dash and a name ("— Name, Work") on the same line, on the
next line or in the next paragraph (an epigraph's form). A quotation may
open in one paragraph and close paragraphs later: that is one block quote.
A quotation that closes in the middle of its paragraph is an inline
quotation and stays in the running text. A paragraph of a quotation whose
lines are all short keeps its line breaks (verse).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lazyre import lazy_compile
from .notemarks import BRACKET_LABEL, SUPER_LABEL, SYMBOL_LABEL
from .paragraphs import Para

# A note call as it may follow a closing quotation mark: `*`, `†`, `¹`, `[3]`.
_CALL = rf"(?:{SYMBOL_LABEL}|{SUPER_LABEL}|\[(?:{BRACKET_LABEL})\])"
# What may follow the closing quotation mark of a displayed quotation:
# punctuation, a footnote call and a parenthetical citation (itself maybe
# followed by a call).
_TAIL = lazy_compile(
    rf"^[\s.,;:!?]*{_CALL}?[\s.,;:!?]*(?P<paren>\(.*\)|[^()]*\))?(?:[\s.]*(?P<call>{_CALL}))?[\s.]*$",
    re.S,
)
# A dash attribution after the closing mark: an em or en dash, a double or
# single hyphen, then the source. The source begins with a capital or a
# figure: "— and so it went" goes on with the sentence, it names nobody.
_DASH_TAIL = lazy_compile(rf"^[\s.,;:!?]*{_CALL}?[\s.,;:!?]*\s(?P<dash>[—–―]|--?)\s*(?P<who>[A-Z0-9].*)$", re.S)
# A line or paragraph that is a dash attribution alone: "— Name, Work".
DASH_LINE = lazy_compile(r"^(?:[—–―]|--?)\s*(?P<who>[A-Z0-9].*)$", re.S)
# A line or paragraph that is a parenthetical alone: the citation of the
# quotation above it, set on a line of its own.
PAREN_LINE = lazy_compile(r"^(?P<who>\([^()]+\))\.?$")
# An attribution is a name and a source, not a passage of text.
ATTRIBUTION_MAX_WORDS = 25
# On the closing mark's own line, a dash attribution is shorter and is no
# sentence ("”. — That was the last he said of it." goes on with the text).
SAME_LINE_MAX_WORDS = 12
# A single quotation mark (and maybe a call) ending a paragraph whose double
# quotation is still open: the quotation closed with the wrong character.
_WRONG_CLOSER = lazy_compile(rf"['’‘]\s*{_CALL}?[\s.]*$")
# A paragraph ending with a parenthetical that holds a number (a year or a
# page): the attribution of a quotation whose closing mark is missing.
_TRAILING_PAREN = lazy_compile(r"\((?P<inner>[^()]{1,120})\)[\s.]*$")
MAX_QUOTE_PARAGRAPHS = 15
# Lines of a quotation this short, two or more of them, are verse: their
# breaks are kept. Prose hard-wrapped in the source runs longer.
VERSE_MAX_LINE = 55


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    end: int  # index of the last paragraph of the quotation (its attribution's, when that stands alone)
    attribution: str  # the parenthetical or the dash's source after it, "" if none
    closed: str  # "yes", "wrong-mark" or "at-citation"
    cut: int = -1  # where the attribution begins in the closing paragraph's text (-1: it has none)
    alone: bool = False  # the attribution is a paragraph of its own, ``end``


def opens_quotation(text: str) -> bool:
    return text[:1] in '“"‘' or (text[:1] == "'" and text[1:2].isalpha())


def closes_inline(text: str) -> bool:
    """True when the quotation opening ``text`` closes inside it (an inline
    quotation at the head of a paragraph), so no warning is due. A single
    mark may open an elision ("'Tis"), so it is never taken as unclosed."""
    return text.count("”") >= 1 or text.count('"') >= 2 or text[:1] in "‘'"


def find_quote(paras: list[Para], start: int, stops: set[int]) -> QuoteSpan | None:
    """The quotation opening ``paras[start]``, if it is a displayed one.

    ``stops`` are indexes a quotation cannot run into (section breaks,
    headings). Returns None for an inline quotation and for one that never
    closes (the caller warns).
    """
    if paras[start].text[:1] in "‘'":
        return _single_quoted(paras, start, stops)
    depth = 0
    for j in range(start, min(len(paras), start + MAX_QUOTE_PARAGRAPHS)):
        if j > start and j in stops:
            return None
        text = paras[j].text
        # Multi-paragraph quotations may reopen each paragraph with a mark
        # that does not nest ("“...¶“...”"): skip it.
        first = 1 if j > start and depth > 0 and text[:1] in '“"' else 0
        for k in range(first, len(text)):
            depth = _step(depth, text, k)
            if depth == 0:
                return _closed_at(paras, j, k, stops)
        if depth == 1 and _WRONG_CLOSER.search(text):
            return QuoteSpan(j, "", "wrong-mark")
        if (m := _TRAILING_PAREN.search(text)) and any(c.isdigit() for c in m.group("inner")):
            return QuoteSpan(j, text[m.start() :].rstrip(" ."), "at-citation", m.start())
    return None


def _single_quoted(paras: list[Para], start: int, stops: set[int]) -> QuoteSpan | None:
    """A paragraph in single quotation marks (British style): displayed
    when no other quotation opens in it and its last closing mark is
    followed by an attribution only. An apostrophe inside a word is no
    closing mark; one ending a word ("the weavers’ yard") is, but only the
    last counts."""
    text = paras[start].text
    if any(_opens_single(text, k) for k in range(1, len(text))):
        return None
    closers = [k for k in range(1, len(text)) if _closes_single(text, k)]
    return _closed_at(paras, start, closers[-1], stops) if closers else None


def _opens_single(text: str, k: int) -> bool:
    return text[k] in "‘'" and text[k - 1] in ' (“"' and text[k + 1 : k + 2].isalpha()


def _closes_single(text: str, k: int) -> bool:
    return text[k] in "’'" and not text[k - 1].isspace() and not text[k + 1 : k + 2].isalpha()


def _step(depth: int, text: str, k: int) -> int:
    ch = text[k]
    if ch == "“":
        return depth + 1
    if ch == "”":
        return max(depth - 1, 0)
    if ch == '"':
        # A straight mark closes when one is open and it follows text.
        if depth > 0 and k > 0 and not text[k - 1].isspace():
            return depth - 1
        return depth + 1
    return depth


def _closed_at(paras: list[Para], j: int, k: int, stops: set[int]) -> QuoteSpan | None:
    """The quotation closed at ``k`` of paragraph ``j``: displayed when only
    an attribution follows the mark, inline otherwise."""
    text = paras[j].text
    tail = text[k + 1 :]
    if (m := _DASH_TAIL.match(tail)) and _is_dash_source(paras[j], k + 1 + m.start("dash"), m.group("who")):
        return QuoteSpan(j, m.group("who").strip(), "yes", k + 1 + m.start("dash"))
    m = _TAIL.match(tail)
    if not m:
        return None
    if m.group("paren"):
        # A call after the citation stays with it, in the attribution.
        source = m.group("paren").strip() + (m.group("call") or "")
        return QuoteSpan(j, source, "yes", k + 1 + m.start("paren"))
    if j + 1 < len(paras) and j + 1 not in stops and (source := source_line(paras[j + 1])):
        return QuoteSpan(j + 1, source, "yes", alone=True)
    return QuoteSpan(j, "", "yes")


def source_line(para: Para) -> str:
    """The source a one-line paragraph gives alone ("— Name, Work" or
    "(Name, 1990, p. 4)"), or ""; a dash keeps its source without it."""
    if len(para.lines) != 1:
        return ""
    text = para.text
    m = DASH_LINE.match(text) or PAREN_LINE.match(text)
    return m.group("who").strip() if m and len(text.split()) <= ATTRIBUTION_MAX_WORDS else ""


def indented_source(quote: list[Para], after: Para | None) -> tuple[list[Para], str, bool]:
    """An indented quotation's source: its last line when that is a dash
    line or a parenthetical alone, or the one-line paragraph ``after`` it
    in that form. Returns the quotation's paragraphs without it, the
    source, and whether ``after`` was taken."""
    last = quote[-1]
    tail = last.with_lines(last.lines[-1:], last.end)
    if (source := source_line(tail)) and (len(last.lines) > 1 or len(quote) > 1):
        rest = [last.with_lines(last.lines[:-1], last.start)] if len(last.lines) > 1 else []
        return quote[:-1] + rest, source, False
    if after is not None and after.blank_before < 2 and (source := source_line(after)):
        return quote, source, True
    return quote, "", False


def _is_dash_source(para: Para, at: int, who: str) -> bool:
    """A dash after the closing mark names the source when it opens a line
    of its own, or, on the mark's line, when what follows is short and is
    no sentence."""
    words = len(who.split())
    if at in _line_starts(para):
        return words <= ATTRIBUTION_MAX_WORDS
    return words <= SAME_LINE_MAX_WORDS and not who.rstrip().endswith((".", "!", "?"))


def _line_starts(para: Para) -> set[int]:
    """Where each line of ``para`` begins in ``para.text`` (stripped lines
    joined with single spaces)."""
    starts, pos = set(), 0
    for line in para.lines:
        starts.add(pos)
        pos += len(line.strip()) + 1
    return starts


def quotation_parts(paras: list[Para], start: int, span: QuoteSpan) -> list[tuple[int, list[str]]]:
    """The paragraphs of the quotation as (index, lines): one line for
    prose, several for verse; the attribution left out."""
    out = []
    for j in range(start, span.end + 1):
        if span.alone and j == span.end:
            break
        lines = [ln.strip() for ln in paras[j].lines]
        if j == span.end and span.cut >= 0:
            lines = _lines_before(lines, span.cut)
        text = " ".join(lines)
        verse = len(lines) > 1 and all(len(ln) <= VERSE_MAX_LINE for ln in lines)
        out.append((j, lines if verse else [text]))
    return out


def _lines_before(lines: list[str], cut: int) -> list[str]:
    """The lines (as joined by single spaces) up to character ``cut``."""
    out, pos = [], 0
    for line in lines:
        if pos >= cut:
            break
        out.append(line[: cut - pos].rstrip())
        pos += len(line) + 1
    return [ln for ln in out if ln]
