"""Where a displayed quotation starts and ends.

A paragraph that is wholly a quotation ("“...” (Author, p.1)") is a block
quote; the parenthetical citation after the closing mark is its attribution.
A quotation may open in one paragraph and close paragraphs later: that is
one block quote. A quotation that closes in the middle of its paragraph is
an inline quotation and stays in the running text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .notemarks import BRACKET_LABEL, SUPER_LABEL, SYMBOL_LABEL

# A note call as it may follow a closing quotation mark: `*`, `†`, `¹`, `[3]`.
_CALL = rf"(?:{SYMBOL_LABEL}|{SUPER_LABEL}|\[(?:{BRACKET_LABEL})\])"
# What may follow the closing quotation mark of a displayed quotation:
# punctuation, a footnote call and a parenthetical citation.
_TAIL = re.compile(rf"^[\s.,;:!?]*{_CALL}?[\s.,;:!?]*(?P<paren>\(.*\)|[^()]*\))?[\s.]*$", re.S)
# A single quotation mark (and maybe a call) ending a paragraph whose double
# quotation is still open: the quotation closed with the wrong character.
_WRONG_CLOSER = re.compile(rf"['’‘]\s*{_CALL}?[\s.]*$")
# A paragraph ending with a parenthetical that holds a number (a year or a
# page): the attribution of a quotation whose closing mark is missing.
_TRAILING_PAREN = re.compile(r"\((?P<inner>[^()]{1,120})\)[\s.]*$")
MAX_QUOTE_PARAGRAPHS = 15


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    end: int  # index of the last paragraph of the quotation
    attribution: str  # the parenthetical after it, "" if none
    closed: str  # "yes", "wrong-mark" or "at-citation"


def opens_quotation(text: str) -> bool:
    return text[:1] in '“"'


def find_quote(texts: list[str], start: int, stops: set[int]) -> QuoteSpan | None:
    """The quotation opening ``texts[start]``, if it is a displayed one.

    ``stops`` are indexes a quotation cannot run into (section breaks,
    headings). Returns None for an inline quotation and for one that never
    closes (the caller warns).
    """
    depth = 0
    for j in range(start, min(len(texts), start + MAX_QUOTE_PARAGRAPHS)):
        if j > start and j in stops:
            return None
        text = texts[j]
        # Multi-paragraph quotations may reopen each paragraph with a mark
        # that does not nest ("“...¶“...”"): skip it.
        first = 1 if j > start and depth > 0 and text[:1] in '“"' else 0
        for k in range(first, len(text)):
            depth = _step(depth, text, k)
            if depth == 0:
                return _closed_at(text, k, j)
        if depth == 1 and _WRONG_CLOSER.search(text):
            return QuoteSpan(j, "", "wrong-mark")
        if (m := _TRAILING_PAREN.search(text)) and any(c.isdigit() for c in m.group("inner")):
            return QuoteSpan(j, text[m.start() :].rstrip(" ."), "at-citation")
    return None


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


def _closed_at(text: str, k: int, j: int) -> QuoteSpan | None:
    m = _TAIL.match(text[k + 1 :])
    if not m:
        return None
    return QuoteSpan(j, (m.group("paren") or "").strip(), "yes")


def split_attribution(text: str, attribution: str) -> str:
    """``text`` without its trailing attribution."""
    if attribution and attribution in text:
        cut = text.rfind(attribution)
        return text[:cut].rstrip()
    return text
