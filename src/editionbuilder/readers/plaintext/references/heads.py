"""The names a bibliography entry in mixed case opens with.

The author-date and notes styles write the first author inverted and end
the names with a full stop or with the date in parentheses::

    Family, I., Family, I., & Family, I. (Year).          APA
    Family, I. and Family, I. (Year)                      Harvard
    Family, Given, Given Family, and Given Family. Year.  Chicago author-date
    Family, Given, and Given Family. Title.               Chicago notes, MLA
    de Family, Given, ed.                                 an editor, a particle
    Body of Words (ACR). Year.  /  Body of Words. (Year). a corporate author
    ---.                                                  MLA: the author above

Further authors are inverted like the first when its given names are
initials (APA, Harvard), and in reading order when they are words
(Chicago, MLA); the other order is tried when the expected one fails.
A body is only taken for an author when a date follows it at once:
otherwise ``Body of Words.`` cannot be told from a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....lazyre import lazy_compile
from ....model import Name
from .names import LOWER, UPPER, person

# Particles before a family name in mixed case (``de Wilde``, ``van der Berg``).
_PARTICLE = r"(?:van|von|der|den|de|del|della|di|da|du|la|le|ten|ter|dos|das|al|el|d['’])"

# One capitalised word of a family name (``Okafor-Reid``, ``O’Neill``,
# ``McAllister``, ``Sjögren``); a capital then letters, with inner capitals
# allowed, but not all capitals (the capitals convention is read elsewhere).
_CAP = rf"[{UPPER}][{LOWER}'’]*(?:[{UPPER}][{LOWER}'’]+)*[{LOWER}](?:-[{UPPER}][{LOWER}'’]+)*"

# A family name: particles, then one or two capitalised words.
_FAMILY = rf"(?:{_PARTICLE}\s+)*{_CAP}(?:\s+{_CAP})?"

# One given name: a word (``Agatha``, ``Jean-Paul``) or initials (``D.``,
# ``J.-P.``, ``R. A.``, ``RA``-less ``R.A.``).
_GIVEN_WORD = rf"(?:[{UPPER}][{LOWER}'’]+(?:-[{UPPER}][{LOWER}]+)?|[{UPPER}]\.(?:\s?-?[{UPPER}]\.)*)"
_GIVEN = rf"{_GIVEN_WORD}(?:\s+{_GIVEN_WORD}){{0,2}}"

# A suffix after the given names (``Jr.``, ``III``).
_SUFFIX = r"(?:,?\s+(?:Jr\.|Sr\.|II|III|IV))?"

# ``Family, Given`` (inverted) and ``Given Family`` (reading order).
_INVERTED_RE = lazy_compile(rf"(?P<family>{_FAMILY}),\s+(?P<given>{_GIVEN}){_SUFFIX}")
_DIRECT_RE = lazy_compile(rf"(?P<given>{_GIVEN})\s+(?P<family>{_FAMILY}){_SUFFIX}")

# What joins two authors: a comma, ``and`` or ``&`` (with or without it).
_JOIN_RE = lazy_compile(r"(?:,\s+(?:and\s+|&\s+)?|\s+(?:and|&)\s+)")

# ``et al.`` closing the list.
_ET_AL_RE = lazy_compile(r",?\s+et\s+al\.?")

# An editor marker after the names (``, ed.``, ``(Eds.)``, ``, editors``).
_EDITOR_RE = lazy_compile(r"(?:,\s+|\s+\()(?:[Ee]ds?\.|[Ee]ditors?|[Ee]ds?)\)?\.?")

# The end of the names: a full stop before the next word, a date in
# parentheses, or the end of the line.
_HEAD_END_RE = lazy_compile(r"\.?\s+(?=\()|\.\s+|(?<=\.)\s+|\.?$")

# A repeated author, MLA's and Chicago's three hyphens or dashes.
_REPEAT_RE = lazy_compile(r"(?:-{2,3}|—{1,3}|_{3,})\s*(?:,\s*(?:ed|eds|editor)\.?)?\.\s*")

# A corporate author: capitalised words and the small words of names,
# an acronym in parentheses or brackets, and a full stop.
_BODY_WORD = rf"[{UPPER}][\w’'&\-]*"
_BODY_RE = lazy_compile(
    rf"(?P<body>{_BODY_WORD}(?:\s+(?:(?:of|for|and|the|on|in|de|du|des|la|le|&)\s+)*{_BODY_WORD}){{0,9}})"
    rf"(?:\s+[(\[](?P<acronym>[{UPPER}][{UPPER}&/.\-]{{1,9}})[)\]])?\.?\s+"
)

# A date right after a body: ``(2020).``, ``(n.d.).``, ``2019.``.
_DATE_AFTER_RE = lazy_compile(r"\(\s*(?:1[5-9]\d\d|20\d\d|n\.\s?d\.)|(?:1[5-9]\d\d|20\d\d)[a-z]?\.")


@dataclass(frozen=True, slots=True)
class MixedHead:
    """The names an entry opens with, and where the rest begins."""

    names: tuple[Name, ...]
    end: int
    editors: bool = False
    repeat: bool = False
    et_al: bool = False
    acronym: str = ""


def parse_mixed_head(line: str) -> MixedHead | None:
    """The authors (or editors) a mixed-case entry opens with, or None."""
    m = _REPEAT_RE.match(line)
    if m:
        return MixedHead((), m.end(), editors=bool(re.search(r"ed", m.group(0))), repeat=True)
    return _persons(line) or _body(line)


def _persons(line: str) -> MixedHead | None:
    m = _INVERTED_RE.match(line)
    if m is None:
        return None
    names = [person(m["family"], m["given"])]
    inverted_first = m["given"].endswith(".")
    at = m.end()
    while True:
        j = _JOIN_RE.match(line, at)
        if j is None:
            break
        nxt = _next_name(line, j.end(), inverted_first)
        if nxt is None:
            break
        names.append(nxt[0])
        at = nxt[1]
    return _close(line, at, tuple(names))


def _next_name(line: str, at: int, inverted: bool) -> tuple[Name, int] | None:
    """The next author, in the order the first one suggests, else the other."""
    orders = (_INVERTED_RE, _DIRECT_RE) if inverted else (_DIRECT_RE, _INVERTED_RE)
    for pattern in orders:
        m = pattern.match(line, at)
        if m and _ends_name(line, m.end()):
            return person(m["family"], m["given"]), m.end()
    return None


def _ends_name(line: str, at: int) -> bool:
    """A name stops before a comma, a joining word, ``et al.``, an editor
    marker, the end of the names or of the line."""
    rest = line[at:]
    return not rest or bool(re.match(r"\.?(?:,|\s+(?:and|&|et\s+al)\b|\s+\(|\s+[^\s]|$)", rest))


def _close(line: str, at: int, names: tuple[Name, ...]) -> MixedHead | None:
    """Read ``et al.`` and an editor marker after the names, then their end."""
    et_al = _ET_AL_RE.match(line, at)
    if et_al:
        at = et_al.end()
    editor = _EDITOR_RE.match(line, at)
    if editor:
        at = editor.end()
    end = _HEAD_END_RE.match(line, at)
    if end is None:
        return None
    return MixedHead(names, end.end(), editors=bool(editor), et_al=bool(et_al))


def _body(line: str) -> MixedHead | None:
    """A body's name, taken only when the date follows it."""
    m = _BODY_RE.match(line)
    if m is None or not _DATE_AFTER_RE.match(line, m.end()):
        return None
    body = m["body"].rstrip(".")
    if len(body.split()) < 2 and not m["acronym"]:
        return None  # one word (``Oxford. 1990.``) is a place or a title as often as a body
    return MixedHead((Name(literal=body),), m.end(), acronym=m["acronym"] or "")


def parse_name_list(text: str) -> tuple[Name, ...]:
    """Names in reading order or inverted, as after ``edited by`` or ``In``
    (``T. Ashdown``, ``Colin Ward-Baxter and Ann Lee``, ``Varga, L.``); ()
    unless the whole text is names."""
    text = text.strip().rstrip(",")
    out: list[Name] = []
    at = 0
    while True:
        nxt = _next_name(text, at, inverted=False)
        if nxt is None:
            return ()
        out.append(nxt[0])
        at = nxt[1]
        j = _ET_AL_RE.match(text, at) or _JOIN_RE.match(text, at)
        if j is None or j.end() >= len(text):
            break
        at = j.end()
    return tuple(out) if not text[at:].strip(" .") or _ET_AL_RE.fullmatch(text[at:]) else ()
