"""The pieces of a bibliography line: comma segments and the names at its head.

Web-copied essays write their bibliographies in one loose convention::

    SURNAME, Given, Title, Publisher, Place, Year.
    SURNAME, Given and OTHER, Given, ‘Article’, In:- Journal, No. 5, 1990.
    CORPORATE BODY IN CAPITALS, Title, Year.

The head of the line names the authors (or editors); the family name is in
capitals, which is what tells a reference from prose. This module finds the
segments of a line (commas outside quotes and parentheses) and reads the
head. ``bibliography`` reads what follows (title, container, imprint, date).

Names are stored in the source's case: ``OKONKWO``-style capitals are the
source's typography (small capitals in print), title-casing them would
corrupt ``McDONALD``, ``IWG/UK.`` or ``DU BOIS``; matching elsewhere is
case-insensitive, and ``Reference.raw`` keeps the line verbatim anyway.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ....lazyre import lazy_compile
from ....model import Name

# Upper- and lower-case letters of Latin-1 and Latin Extended-A/B, so that
# ``ÉLUARD`` or ``Łukasz`` are letters to the patterns below (``re`` has no
# ``\p{Lu}``). Built from the Unicode tables rather than typed by hand.
_EXTRA = [chr(c) for c in range(0xC0, 0x250)]
UPPER = "A-Z" + "".join(c for c in _EXTRA if c.isupper())
LOWER = "a-z" + "".join(c for c in _EXTRA if c.islower())

# Name particles that stand before a family name (``van der``, ``de la``);
# compared case-insensitively, so ``VAN DER MEER`` splits like ``van der Meer``.
PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "dos",
        "das",
        "d’",
        "d'",
        "al",
        "el",
        "bin",
        "ibn",
    ]
)

# A particle word, in either case, followed by space (``van `` / ``VAN ``).
_PARTICLE = r"(?i:van|von|der|den|de|del|della|di|da|du|la|le|ten|ter|dos|das|al|el)"

# One word of a family name written in capitals: at least two capitals, with
# inner apostrophes or hyphens (``O’BRIEN``, ``LI-WEN``); an optional
# ``Mc``/``Mac`` prefix in lower case (``McDONALD``).
_CAPS_WORD = rf"(?:Ma?c)?[{UPPER}][{UPPER}'’\-]*[{UPPER}]"

# A family name: optional particles, then one or more capitalised words
# (``VAN DER MEER``, ``GARCÍA MÁRQUEZ``, ``CHEN LI-WEN``).
FAMILY_RE = lazy_compile(rf"(?:{_PARTICLE}\s+)*{_CAPS_WORD}(?:\s+{_CAPS_WORD})*")

# One given name: a capitalised word (``Adaeze``, ``Jean-Paul``, ``Soo-jin``) or a run of
# initials with or without spaces (``T.``, ``A. M.``, ``J.-P.``).
_GIVEN_WORD = (
    rf"(?:[{UPPER}][{LOWER}'’]+(?:-[{UPPER}{LOWER}][{LOWER}]+)?"
    rf"|[{UPPER}]\.(?:\s?-?[{UPPER}]\.)*)"
)

# Given names: one to four given words, optionally followed by trailing
# particles (``Ludwig van``) that belong to the family name.
GIVEN_RE = lazy_compile(rf"(?P<given>{_GIVEN_WORD}(?:\s+{_GIVEN_WORD}){{0,3}})(?P<particle>(?:\s+{_PARTICLE})*)")

# Initials followed directly by a title, without a comma between them
# (``FERREIRA, A. M. Essays on Tenure``).
_INITIALS_TAIL_RE = lazy_compile(rf"(?P<given>[{UPPER}]\.(?:\s?-?[{UPPER}]\.)*)\s+(?P<tail>[{UPPER}‘“'\"].*)", re.S)

# Given names, then ``and``/``&`` and the next author's family name
# (``Lucia and TANAKA``, ``J.-P. and KOWALSKI``): the next author's given
# names are the following segment.
_GIVEN_AND_NEXT_RE = lazy_compile(rf"(?P<given>.+?)\s+(?:and|&)\s+(?P<family>{FAMILY_RE.pattern})")

# An editor marker standing as a segment of its own (``Ed.``, ``Eds``,
# ``(ed.)``, ``editor``).
_EDITOR_RE = lazy_compile(r"\(?(?:[Ee]ds?|[Ee]ditors?)\.?\)?")

# An editor marker at the end of the given names (``Ingrid (ed.)``).
_EDITOR_TAIL_RE = lazy_compile(r"\s*\((?:[Ee]ds?|[Ee]ditors?)\.?\)$|(?<=\.)\s+[Ee]ds?\.$")

# ``et al.`` standing as a segment after the last name given.
_ET_AL_RE = lazy_compile(r"et\.?\s+al\.?")

# A body's acronym after its name (``TRANSLATORS’ GUILD (TGL)``): the
# acronym stays in the raw line, where citations are matched against it.
_ACRONYM_TAIL_RE = lazy_compile(r"(?P<name>.+?)\s*[(\[][A-Z][A-Z&/.\-]{1,9}[)\]]")

# A corporate author or acronym in capitals: capitals, digits, spaces and the
# punctuation of acronyms (``IWG/UK.``, ``AT&T``, ``NORTH-WEST
# TENANTS FEDERATION``). Letters must all be capitals.
_CORPORATE_RE = lazy_compile(rf"[{UPPER}0-9][{UPPER}0-9\s&/.'’\-]*")

# Words that make a name in capitals a body rather than a person, even when a
# capitalised segment follows that could pass for given names.
_CORPORATE_WORDS = frozenset(
    [
        "OF",
        "FOR",
        "AND",
        "THE",
        "PARTY",
        "COMMITTEE",
        "ORGANISATION",
        "ORGANIZATION",
        "UNION",
        "LEAGUE",
        "INSTITUTE",
        "ASSOCIATION",
        "SOCIETY",
        "COMMISSION",
        "COUNCIL",
        "GROUP",
        "MOVEMENT",
        "FEDERATION",
        "CONGRESS",
        "DEPARTMENT",
        "MINISTRY",
        "OFFICE",
        "BUREAU",
        "CENTRE",
        "CENTER",
        "UNIVERSITY",
        "COLLECTIVE",
        "FRONT",
        "NETWORK",
        "ALLIANCE",
        "BANK",
        "FUND",
        "AGENCY",
        "FOUNDATION",
        "CORPORATION",
        "COMPANY",
        "BOARD",
        "GOVERNMENT",
        "CONFERENCE",
        "INTERNATIONAL",
    ]
)

# Words saying a segment names a publisher (``Harbour Press``, ``Kestrel
# Publications``), or an acronym of two to six capitals (``KUP``, ``HUP``).
PUBLISHER_RE = lazy_compile(
    r"\b(?:Press|Publications?|Publishers?|Publishing|Books|Verlag|Éditions|Editions|Editores|"
    r"Edizioni|Ltd|Inc|Co\.|House|University)\b|^[A-Z]{2,6}\.?$"
)

# The article of an inverted title-like name (``WORKER, THE`` = The Worker).
_ARTICLE_RE = lazy_compile(r"THE|The")

_OPEN_QUOTES = "‘“"
_CLOSE_QUOTES = "’”"
# The only characters ``segments`` acts on: quote marks, parentheses, commas
# (every other character is stepped over).
_SEGMENT_MARKS = lazy_compile(f"[{re.escape(_OPEN_QUOTES + _CLOSE_QUOTES)}'\"(),]")


@dataclass(frozen=True, slots=True)
class Segment:
    """A comma-separated piece of a line; ``start``/``end`` index the line."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Head:
    """The names at the head of a line and where the rest begins."""

    names: tuple[Name, ...]
    editors: bool
    rest_start: int
    corporate: bool = False


def _closes_quote(line: str, i: int) -> bool:
    """A quote mark closes a quotation unless a letter follows (``River’s``)."""
    nxt = line[i + 1] if i + 1 < len(line) else ""
    return not nxt.isalpha()


def segments(line: str, start: int = 0) -> list[Segment]:
    """Split at commas outside quotations and parentheses.

    Titles carry commas inside their quotes (``‘Letter to ..., 1879’``), so a
    plain ``split(",")`` would cut them apart.
    """
    return list(_segments(line, start))


# A line is split several times (its extras, the capitals convention, the
# reference it is read as): the segments are kept for the lines last split.
@functools.lru_cache(maxsize=2048)
def _segments(line: str, start: int) -> tuple[Segment, ...]:
    out: list[Segment] = []
    quote, depth, begin = "", 0, start
    for mark in _SEGMENT_MARKS.finditer(line, start):
        i = mark.start()
        ch = line[i]
        if quote:
            if ch in _CLOSE_QUOTES + "'\"" and _closes_quote(line, i):
                quote = ""
        elif ch in _OPEN_QUOTES or (ch in "'\"" and (i == 0 or not line[i - 1].isalnum())):
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0:
            out.append(_segment(line, begin, i))
            begin = i + 1
    out.append(_segment(line, begin, len(line)))
    return tuple(s for s in out if s.text)


def _segment(line: str, begin: int, end: int) -> Segment:
    raw = line[begin:end]
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return Segment(text, begin + lead, begin + lead + len(text))


def quoted_end(text: str) -> int:
    """Index just past the quotation ``text`` opens with, or -1."""
    if not text or text[0] not in _OPEN_QUOTES + "'\"":
        return -1
    for i in range(1, len(text)):
        if text[i] in _CLOSE_QUOTES + "'\"" and _closes_quote(text, i):
            return i + 1
    return -1


def is_corporate_caps(text: str) -> bool:
    """Capitals naming a body: ``NATIONAL TENANTS FEDERATION``, ``IWG/UK.``."""
    if not _CORPORATE_RE.fullmatch(text) or sum(c.isalpha() for c in text) < 2:
        return False
    return not any(c.islower() for c in text)


def is_body_name(family: str) -> bool:
    """Whether a name in capitals names a body (``… PARTY``, ``… OF …``)."""
    words = re.split(r"[\s\-]+", family.upper())  # words of ``NORTH-WEST X``
    return any(w in _CORPORATE_WORDS for w in words) or len(words) > 3


def person(family: str, given: str, particle: str = "") -> Name:
    """A person's ``Name``, moving leading particles off the family name."""
    words = family.split()
    lead = []
    while len(words) > 1 and words[0].lower() in PARTICLES:
        lead.append(words.pop(0))
    particles = " ".join(p for p in (" ".join(lead), particle.strip()) if p)
    return Name(family=" ".join(words), given=given.strip(), particle=particles)


def parse_head(line: str, segs: list[Segment], container: bool = False) -> Head | None:
    """The authors or editors a line (or an ``In:-`` container) opens with."""
    if not segs:
        return None
    head = _parse_persons(line, segs)
    if head is None:
        head = _parse_body(segs, container)
    return head


def _split_given(text: str) -> tuple[str, str, str, str] | None:
    """Given names of a segment, the next author's family, a title tail, particles."""
    text = _EDITOR_TAIL_RE.sub("", text)
    m = GIVEN_RE.fullmatch(text)
    if m:
        return m["given"], "", "", m["particle"]
    m = _GIVEN_AND_NEXT_RE.fullmatch(text)
    if m and (g := GIVEN_RE.fullmatch(m["given"])):
        return g["given"], m["family"], "", g["particle"]
    m = _INITIALS_TAIL_RE.fullmatch(text)
    if m:
        return m["given"], "", m["tail"], ""
    return None


def _parse_persons(line: str, segs: list[Segment]) -> Head | None:
    """``FAMILY, Given [and FAMILY, Given]... [, Ed.]``; None if not persons."""
    family, at, names = segs[0].text, 0, []
    if not FAMILY_RE.fullmatch(family) or is_body_name(family):
        return None
    while at + 1 < len(segs):
        split = _split_given(segs[at + 1].text)
        if split is None:
            break
        given, next_family, tail, particle = split
        names.append(person(family, given, particle))
        at += 2
        if tail:
            return Head(tuple(names), False, segs[at - 1].end - len(tail))
        if next_family:
            family, at = next_family, at - 1
            continue
        at = _extra_given(segs, at, names)
        if at + 1 < len(segs) and FAMILY_RE.fullmatch(segs[at].text) and _split_given(segs[at + 1].text):
            family = segs[at].text
            continue
        break
    if not names:
        return None
    return _with_role(line, segs, at, tuple(names))


def _extra_given(segs: list[Segment], at: int, names: list[Name]) -> int:
    """Fold ``HOLLOWAY, Mary, Ellen,``'s second given name into the first.

    Only a single capitalised word after a full (not initial) given name,
    and only when a title, something and a year can still follow: a
    one-word title (``KOWALSKI, T., Bridges``) must not become a name.
    """
    last = names[-1]
    if at + 4 > len(segs):
        return at
    word = segs[at].text
    after = segs[at + 1].text
    # The first item of a listed title (``Bread, Work and Land``): the
    # next segment goes on ``Word and ...``; or a title followed straight by
    # its publisher or year (``Anneke, Polders, Delta Books``).
    if re.match(r"\S+\s+(?:and|&|or)\s", after) or PUBLISHER_RE.search(after):
        return at
    if re.fullmatch(r"\d{4}\w?", after):  # ``Name, Title, 1990``: nothing between
        return at
    # One capitalised word after a full given name (``Mary, Ellen``).
    if re.fullmatch(rf"[{UPPER}][{LOWER}]+", word) and not last.given.endswith("."):
        names[-1] = Name(last.family, f"{last.given} {word}", last.particle, last.literal)
        return at + 1
    return at


def _with_role(line: str, segs: list[Segment], at: int, names: tuple[Name, ...]) -> Head:
    """Mark the names as editors when an ``Ed.`` segment or tail follows them
    (``et al.`` after the names is passed over)."""
    if at < len(segs) and _ET_AL_RE.fullmatch(segs[at].text):
        at += 1
    editors = at < len(segs) and bool(_EDITOR_RE.fullmatch(segs[at].text))
    if editors:
        at += 1
    elif at >= 1 and _EDITOR_TAIL_RE.search(segs[at - 1].text):
        editors = True
    start = segs[at].start if at < len(segs) else len(line)
    return Head(names, editors, start)


def _parse_body(segs: list[Segment], container: bool) -> Head | None:
    """A corporate author: capitals, ``X, THE`` inverted, or (in a container) a
    mixed-case body whose segment ends with a full stop (``Institute of Andean Studies.,``)."""
    first = segs[0].text
    acronym = _ACRONYM_TAIL_RE.fullmatch(first)
    if acronym and is_corporate_caps(acronym["name"]):
        first = acronym["name"]
    if is_corporate_caps(first):
        at, literal = 1, first
        if len(segs) > 1 and _ARTICLE_RE.fullmatch(segs[1].text):
            at, literal = 2, f"{segs[1].text} {first}"
    elif container and first.endswith(".") and len(segs) >= 3 and first[0].isupper():
        at, literal = 1, first[:-1]  # the stop ends the name's segment, not the name
    else:
        return None
    editors = at < len(segs) and bool(_EDITOR_RE.fullmatch(segs[at].text))
    at += editors
    start = segs[at].start if at < len(segs) else segs[-1].end
    return Head((Name(literal=literal),), editors, start, corporate=True)
