"""The shapes of author-date citations in running text, without references.

This module only reads: which parentheses of a paragraph could be a
citation, and what each item in them says (names, year, locator, title
words). Whether a candidate is kept, and what it points to, is decided by
``citations`` with the bibliography at hand, because ``(1846)`` or
``(Northern Federation)`` look alike on their own.

Forms read (one item; several are separated by ``;``)::

    Author, p.N | Author, Year | Author, Year, p.N | Author, Year p.N
    A and B, Year, pp.5-6 | Author, Title Words | Year, p.N | Year | p.N

Spans found: a closed ``( … )``; a parenthesis opened and never closed
(``(Author, 1990`` to the end of the paragraph); and a closing one never
opened (``…, Author, 1985) ever since``). Every span keeps its exact
characters: ``prefix`` + items joined by ``separator`` + ``suffix`` is the
source text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .bibliography_names import LOWER, UPPER

# A name particle inside a cited name (``van Gogh``, ``de Beauvoir``).
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|ten|ter)"

# One word of a cited name: a capital, then letters, apostrophes, hyphens or
# an acronym's slash, and an optional full stop (``Okonkwo``, ``Li-Wen``,
# ``HWL.``, ``IWG/UK``, ``O’Brien``).
_NAME_WORD = rf"[{UPPER}][{UPPER}{LOWER}'’\-/]*\.?"

# A cited name: optional ``The`` and particles, one to three words.
_NAME = rf"(?:The\s+)?(?:{_PARTICLE}\s+)*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}"

# Several names joined by ``and``/``&``, optionally ``et al.``.
_NAMES = rf"{_NAME}(?:,?\s+(?:and|&)\s+{_NAME})*(?:,?\s+et\s+al\.?)?"

# A year of publication with a disambiguating letter (``2001a``,
# ``1999(b)``), or ``n.d.``; the lookahead keeps ``19845`` out.
_YEAR = r"(?:1[5-9]\d\d|20\d\d)(?:[a-z]|\([a-z]\))?(?![\w])|n\.d\."

# A locator: page(s) in either case, chapter, section or paragraph, with a
# number or range (``p.6``, ``pp.5-6``, ``P.13``, ``p. 30``, ``ch. 3``).
_LOCATOR = r"(?:pp?|PP?|ch|chap|sec|para|§)\.?\s?\d+(?:\s?[-–]\s?\d+)?(?:\s?ff?\.?)?"

# What separates the parts of an item: a comma, or only a space (``2004a p.9``).
_SEP = r"(?:\s*,\s*|\s+)"

# One item: names then year and/or locator, or year and/or locator alone.
_ITEM = (
    rf"(?:(?P<names>{_NAMES}){_SEP})?"
    rf"(?:(?P<year>{_YEAR})(?:{_SEP}(?P<locator>{_LOCATOR}))?|(?P<locator2>{_LOCATOR}))"
)
_ITEM_RE = re.compile(_ITEM)

# The title form: names, a comma, then a few title words (``Pereira and
# Tanaka, Salt and Iron``); the words are checked by ``_is_title_words``.
_TITLE_ITEM_RE = re.compile(rf"(?P<names>{_NAMES})\s*,\s*(?P<title>[{UPPER}‘“][^;]*)")

# Words a title may have in lower case between capitalised ones.
_SMALL_WORDS = frozenset(
    ["a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with", "from", "de", "la", "le"]
)

# A lead-in kept with the opening parenthesis (``(see Author, 1990)``).
_LEAD_RE = re.compile(r"\s*(?:(?:see also|see|cf\.|compare)\s+)?", re.I)

# Separators between the names in one item.
_NAME_SPLIT_RE = re.compile(r",?\s+(?:and|&)\s+|,?\s+et\s+al\.?")

# An innermost closed parenthesis.
_CLOSED_RE = re.compile(r"\(([^()]*)\)")

# A parenthesis opened, then items, with no closing one: ends the paragraph
# or a sentence (``(Author, 1990. Next``).
_UNCLOSED_RE = re.compile(rf"\((?P<body>\s*{_ITEM.replace('?P<', '?P<u_')}(?:\s*;\s*[^;()]+?)*)(?=[.;,]?\s|[.;,]?$)")

# A closing parenthesis never opened, after a short name and a year
# (``that year, Okonkwo, 1998) and``); starts after a space or punctuation.
_MISSING_OPEN_RE = re.compile(
    rf"(?:(?<=[\s,;:])|^)(?P<body>{_NAME_WORD}(?:\s+(?:and|&)\s+{_NAME_WORD})?"
    rf"{_SEP}(?:{_YEAR})(?:{_SEP}{_LOCATOR})?)\)"
)


@dataclass(frozen=True, slots=True)
class ItemSyntax:
    """One item as read: its exact text and the parts recognised in it."""

    text: str
    names: tuple[str, ...] = ()
    year: str = ""
    locator: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate citation at ``start``..``end`` of a string, with its layout."""

    start: int
    end: int
    prefix: str
    items: tuple[ItemSyntax, ...]
    separator: str
    suffix: str


def split_names(names: str) -> tuple[str, ...]:
    """``Pereira and Tanaka`` -> ("Pereira", "Tanaka"); ``et al.`` dropped."""
    return tuple(n.strip() for n in _NAME_SPLIT_RE.split(names) if n.strip())


def parse_item(text: str) -> ItemSyntax | None:
    """What one item says, or None if it is not an item's shape."""
    m = _ITEM_RE.fullmatch(text)
    if m:
        names = split_names(m["names"]) if m["names"] else ()
        return ItemSyntax(text, names, m["year"] or "", m["locator"] or m["locator2"] or "")
    m = _TITLE_ITEM_RE.fullmatch(text)
    if m and _is_title_words(m["title"]):
        return ItemSyntax(text, split_names(m["names"]), title=m["title"])
    return None


def _is_title_words(title: str) -> bool:
    """A few words in title case: not the rest of a sentence."""
    words = title.strip("‘’“”").split()
    # A stop or colon inside, followed by more words, is a sentence.
    if not 1 <= len(words) <= 8 or re.search(r"[.!?:;]\s", title):
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


def parse_items(content: str) -> tuple[str, tuple[ItemSyntax, ...], str, str] | None:
    """``(lead, items, separator, trail)`` for the inside of a parenthesis.

    ``lead`` is the whitespace and ``see`` before the first item, ``trail``
    the whitespace after the last; ``separator`` is the exact text between
    items when it is always the same, else ``;`` with the spaces kept in
    the items, so that the text is rebuilt exactly.
    """
    lead_match = _LEAD_RE.match(content)
    assert lead_match is not None  # every part of the pattern is optional: it always matches
    lead = lead_match.group(0)
    body = content[len(lead) :]
    trail = body[len(body.rstrip()) :]
    body = body.rstrip()
    if not body:
        return None
    pieces = re.split(r"(;\s*)", body)  # items and the exact separators between them
    texts, seps = pieces[0::2], pieces[1::2]
    separator = seps[0] if seps and all(s == seps[0] for s in seps) else ";"
    if separator == ";":
        texts = [texts[0]] + [s[1:] + t for s, t in zip(seps, texts[1:], strict=False)]
    items = []
    for text in texts:
        item = parse_item(text.strip())
        if item is None:
            return None
        items.append(ItemSyntax(text, item.names, item.year, item.locator, item.title))
    return lead, tuple(items), separator, trail


def find_spans(text: str) -> list[Span]:
    """Candidate citations of ``text`` in order, closed ones first in priority."""
    spans = [s for m in _CLOSED_RE.finditer(text) if (s := _closed_span(m))]
    spans += _unclosed_spans(text, spans)
    spans += _missing_open_spans(text, spans)
    return sorted(spans, key=lambda s: s.start)


def _closed_span(m: re.Match[str]) -> Span | None:
    parsed = parse_items(m.group(1))
    if parsed is None:
        return None
    lead, items, separator, trail = parsed
    return Span(m.start(), m.end(), "(" + lead, items, separator, trail + ")")


def _overlaps(start: int, end: int, spans: list[Span]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def _unclosed_spans(text: str, taken: list[Span]) -> list[Span]:
    """``(Author, 1990`` whose parenthesis no ``)`` closes."""
    out = []
    for m in _UNCLOSED_RE.finditer(text):
        if _overlaps(m.start(), m.end(), taken) or _closes_later(text, m.start()):
            continue
        parsed = parse_items(m["body"])
        if parsed and all(i.year or i.locator for i in parsed[1]):
            lead, items, separator, trail = parsed
            out.append(Span(m.start(), m.end(), "(" + lead, items, separator, trail))
    return out


def _closes_later(text: str, open_at: int) -> bool:
    """Whether the parenthesis at ``open_at`` has a matching ``)``."""
    depth = 0
    for ch in text[open_at:]:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return True
    return False


def _missing_open_spans(text: str, taken: list[Span]) -> list[Span]:
    """``Author, 1985)`` whose ``)`` closes nothing opened before it."""
    out = []
    for m in _MISSING_OPEN_RE.finditer(text):
        if _overlaps(m.start(), m.end(), taken) or _depth_before(text, m.end() - 1) > 0:
            continue
        item = parse_item(m["body"])
        if item is not None:
            out.append(Span(m.start(), m.end(), "", (item,), "; ", ")"))
    return out


def _depth_before(text: str, at: int) -> int:
    """How many parentheses are open just before ``at``."""
    depth = 0
    for ch in text[:at]:
        depth = max(0, depth + {"(": 1, ")": -1}.get(ch, 0))
    return depth
