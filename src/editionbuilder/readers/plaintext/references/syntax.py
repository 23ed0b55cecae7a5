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

from ....lazyre import lazy_compile
from .names import LOWER, UPPER

# A name particle inside a cited name (``van Gogh``, ``de Beauvoir``).
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|ten|ter)"

# One word of a cited name: a capital, then letters, apostrophes, hyphens or
# an acronym's slash, and an optional full stop (``Okonkwo``, ``Li-Wen``,
# ``HWL.``, ``IWG/UK``, ``O’Brien``).
_NAME_WORD = rf"[{UPPER}][{UPPER}{LOWER}'’\-/]*\.?"

# A cited name: optional ``The`` and particles, one to three words, or a
# body's name of up to eight with its small words (``Western Branch Lines
# Archive Group``, ``Council of Europe``), maybe with its acronym in
# brackets (``Urban Forestry Network [UFN]``).
_NAME = (
    rf"(?:The\s+)?(?:{_PARTICLE}\s+)*{_NAME_WORD}(?:\s+(?:(?:of|for|on|the|de)\s+)*{_NAME_WORD}){{0,7}}"
    rf"(?:\s+\[[{UPPER}][{UPPER}&/.\-]{{1,9}}\])?"
)

# Several names joined by ``and``/``&``, optionally ``et al.``.
_NAMES = rf"{_NAME}(?:,?\s+(?:and|&)\s+{_NAME})*(?:,?\s+et\s+al\.?)?"

# A year of publication with a disambiguating letter (``2001a``,
# ``1999(b)``), a translation's two years (``1931/1994``), or ``n.d.``;
# the lookahead keeps ``19845`` out.
_Y = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR = rf"{_Y}(?:[a-z]|\([a-z]\))?(?:\s?/\s?{_Y}[a-z]?)?(?![\w])|n\.\s?d\."

# A page: a number (``112v`` for a folio's side) or roman numerals (``xiv``).
_PAGE = r"(?:\d+[rv]?|[ivxlcdm]+)(?![\w])"
# A locator: page(s) in either case, chapter, section, paragraph, scene,
# folio, line or note, with a number or range (``p.6``, ``pp.5-6``,
# ``P.13``, ``p. 30``, ``ch. 3``, ``pp. xiv-xvi``, ``sc. 41``, ``f. 112v``).
_LOCATOR = (
    rf"(?:pp?|PP?|ch|chap|sec|para|§|sc|f|ff|fol|fols|ll?|nn?|col|vol)\.?\s?{_PAGE}"
    rf"(?:\s?[-–]\s?{_PAGE})?(?:\s?ff?\.(?!\w))?"
)
# Pages without ``p.``, as the Chicago and MLA styles write them (``41–44``).
_BARE_PAGES = r"\d+(?:\s?[-–]\s?\d+)?(?![\w])"
# An archive's shelfmark (``LR/2/14``, ``MS 4021``).
_SHELFMARK = rf"[{UPPER}]{{1,6}}(?:[/.]\w+)+|MS\.?\s\S+"

# What separates the parts of an item: a comma, or only a space (``2004a p.9``).
_SEP = r"(?:\s*,\s*|\s+)"

# One item: names then year and/or locator, or year and/or locator alone.
_ITEM = (
    rf"(?:(?P<names>{_NAMES}){_SEP})?"
    rf"(?:(?P<year>{_YEAR})(?:{_SEP}(?P<locator>{_LOCATOR}|{_BARE_PAGES}))?|(?P<locator2>{_LOCATOR}))"
)
_ITEM_RE = lazy_compile(_ITEM)

# ``ibid.``: the work cited last, maybe at another page.
_IBID_RE = lazy_compile(rf"(?i:ibid\.?|ib\.|idem)(?:,?\s*(?P<locator>{_LOCATOR}|{_BARE_PAGES}))?")

# MLA: a name, maybe a short title, and pages without ``p.`` (``Vale 46``,
# ``Arkwright, Counting House 23–25``, ``Arkwright, “Keeping the Books” 14``).
_MLA_ITEM_RE = lazy_compile(
    rf"(?P<names>{_NAMES})(?:,\s*(?P<title>“[^”]+”|\"[^\"]+\"|[{UPPER}][\w’'\-]*(?:\s+[\w’'\-]+){{0,5}}))?"
    rf"\s+(?P<locator>{_BARE_PAGES})"
)
# A source named by a short title or an archive, with a locator or shelfmark
# (``Consultation paper, p. 6``, ``County Archive, LR/2/14``).
_NAMED_SOURCE_RE = lazy_compile(
    rf"(?P<title>[{UPPER}][\w’'\-]*(?:\s+[\w’'\-]+){{0,5}}),\s*(?P<locator>{_LOCATOR}|{_SHELFMARK})"
)
# A work quoted at second hand: what is quoted, then the work quoted in.
_QUOTED_IN_RE = lazy_compile(r"(?P<pre>(?:[^,;()]+,\s*){0,3}?)(?:quoted|cited)\s+in\s+(?P<rest>.+)", re.I)

# The title form: names, a comma, then a few title words (``Pereira and
# Tanaka, Salt and Iron``); the words are checked by ``_is_title_words``.
_TITLE_ITEM_RE = lazy_compile(rf"(?P<names>{_NAMES})\s*,\s*(?P<title>[{UPPER}‘“][^;]*)")

# Words a title may have in lower case between capitalised ones.
_SMALL_WORDS = frozenset(
    ["a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "at", "by", "with", "from", "de", "la", "le"]
)

# A lead-in kept with the opening parenthesis (``(see Author, 1990)``).
_LEAD_RE = lazy_compile(r"\s*(?:(?:see also|see|cf\.|compare)\s+)?", re.I)

# Separators between the names in one item.
_NAME_SPLIT_RE = lazy_compile(r",?\s+(?:and|&)\s+|,?\s+et\s+al\.?")
# A bracketed acronym after a body's name: an alias, not a name.
_ACRONYM_RE = lazy_compile(r"\s*\[[^\]]*\]")

# An innermost closed parenthesis.
_CLOSED_RE = lazy_compile(r"\(([^()]*)\)")
_PARENTHESIS_RE = lazy_compile(r"[()]")

# A parenthesis opened, then items, with no closing one: ends the paragraph
# or a sentence (``(Author, 1990. Next``).
_UNCLOSED_RE = lazy_compile(rf"\((?P<body>\s*{_ITEM.replace('?P<', '?P<u_')}(?:\s*;\s*[^;()]+?)*)(?=[.;,]?\s|[.;,]?$)")

# A closing parenthesis never opened, after a short name and a year
# (``that year, Okonkwo, 1998) and``); starts after a space or punctuation.
_MISSING_OPEN_RE = lazy_compile(
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
    ibid: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """A candidate citation at ``start``..``end`` of a string, with its layout."""

    start: int
    end: int
    prefix: str
    items: tuple[ItemSyntax, ...]
    separator: str
    suffix: str


# Words that open a clause, not a citation (``(In 1901 the council …)``).
_CLAUSE_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "during",
        "for",
        "from",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "our",
        "she",
        "since",
        "that",
        "the",
        "their",
        "these",
        "they",
        "this",
        "those",
        "to",
        "until",
        "we",
        "when",
        "where",
        "which",
        "while",
        "who",
        "with",
        "you",
    ]
)
# What a citation carries: a year, ``n.d.``, or a page.
_CITATION_MARK_RE = lazy_compile(rf"(?<![\w/]){_Y}(?![\d])|n\.\s?d\.|\b(?:pp?|PP?)\.\s?\d")


def unparsed_citations(text: str, taken: list[Span]) -> list[str]:
    """Closed parentheses outside ``taken`` that look like a citation — a
    capitalised name, then a year or a page, in a dozen words — but are
    not one of the forms read: an editor should see them."""
    out = []
    for m in _CLOSED_RE.finditer(text):
        if _overlaps(m.start(), m.end(), taken):
            continue
        inside = m.group(1).strip()
        words = inside.split()
        if not words or len(words) > 12 or not _CITATION_MARK_RE.search(inside):
            continue
        first = _LEAD_RE.sub("", inside, count=1).split()[:1]
        if first and first[0][:1].isupper() and first[0].lower().strip(",.") not in _CLAUSE_WORDS:
            out.append(inside)
    return out


def is_bare_pages(locator: str) -> bool:
    """Pages written without ``p.`` (``41–44``): a citation only when a
    listed author is named with them, since ``(Route 46)`` looks the same."""
    return bool(re.fullmatch(_BARE_PAGES, locator))


def split_names(names: str) -> tuple[str, ...]:
    """``Pereira and Tanaka`` -> ("Pereira", "Tanaka"); ``et al.`` and a
    bracketed acronym dropped."""
    return tuple(n.strip() for n in _NAME_SPLIT_RE.split(_ACRONYM_RE.sub("", names)) if n.strip())


def parse_item(text: str) -> ItemSyntax | None:
    """What one item says, or None if it is not an item's shape.

    A work quoted at second hand (``X, quoted in Author, Year``) is an item
    of the work it was quoted in; its text keeps the whole.
    """
    m = _QUOTED_IN_RE.fullmatch(text)
    if m and len(m["pre"].split()) <= 8:
        inner = parse_item(m["rest"])
        return None if inner is None else ItemSyntax(text, inner.names, inner.year, inner.locator, inner.title)
    for form in (_ibid, _author_date, _mla, _named_source, _titled):
        item = form(text)
        if item is not None:
            return item
    return None


def _author_date(text: str) -> ItemSyntax | None:
    m = _ITEM_RE.fullmatch(text)
    if m is None:
        return None
    names = split_names(m["names"]) if m["names"] else ()
    return ItemSyntax(text, names, m["year"] or "", m["locator"] or m["locator2"] or "")


def _ibid(text: str) -> ItemSyntax | None:
    m = _IBID_RE.fullmatch(text)
    return ItemSyntax(text, locator=m["locator"] or "", ibid=True) if m else None


def _mla(text: str) -> ItemSyntax | None:
    if not text[-1:].isdecimal():
        return None  # the item ends in its pages' figures (``\d``): no need to compile the pattern
    m = _MLA_ITEM_RE.fullmatch(text)
    if m is None or (m["title"] and not _is_title_words(m["title"])):
        return None
    return ItemSyntax(text, split_names(m["names"]), locator=m["locator"], title=(m["title"] or "").strip('“”"'))


def _titled(text: str) -> ItemSyntax | None:
    m = _TITLE_ITEM_RE.fullmatch(text)
    if m and _is_title_words(m["title"]):
        return ItemSyntax(text, split_names(m["names"]), title=m["title"])
    return None


def _named_source(text: str) -> ItemSyntax | None:
    m = _NAMED_SOURCE_RE.fullmatch(text)
    return ItemSyntax(text, locator=m["locator"], title=m["title"]) if m else None


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
        items.append(ItemSyntax(text, item.names, item.year, item.locator, item.title, item.ibid))
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
    if not _unpaired(text)[0]:
        return []  # every parenthesis is closed: the pattern need not even be compiled
    out = []
    for m in _UNCLOSED_RE.finditer(text):
        if _overlaps(m.start(), m.end(), taken) or _closes_later(text, m.start()):
            continue
        parsed = parse_items(m["body"])
        if parsed and all(i.year or i.locator for i in parsed[1]):
            lead, items, separator, trail = parsed
            out.append(Span(m.start(), m.end(), "(" + lead, items, separator, trail))
    return out


def _unpaired(text: str) -> tuple[int, int]:
    """How many ``(`` of ``text`` no ``)`` closes (``_closes_later``), and
    how many ``)`` close nothing opened before them (``_depth_before``)."""
    depth = stray = 0
    for ch in _PARENTHESIS_RE.findall(text):
        if ch == "(":
            depth += 1
        elif depth:
            depth -= 1
        else:
            stray += 1
    return depth, stray


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
    if not _unpaired(text)[1]:
        return []  # every ``)`` closes one: the pattern need not even be compiled
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
