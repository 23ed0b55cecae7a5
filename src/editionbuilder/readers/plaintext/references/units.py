"""The sentences of a bibliography entry in the author-date and notes styles.

``Title. Place: Publisher.`` — the styles of APA, Harvard, Chicago and MLA
end each part of an entry with a full stop, where the capitals convention
(``bibliography``) separates them with commas. A unit ends at a full stop
(or ``?``/``!``) followed by a space, outside quotation marks, parentheses
and brackets, and not after an initial (``L.``) or an abbreviation that
runs on (``vol.``, ``pp.``, ``no.``, ``trans.``). A quoted title is a unit
of its own when its closing punctuation is inside the quotes
(``“Title.” Journal``); a quotation that closes without it leaves what
follows in the same unit (``‘Title’, In: …``), for the reader to split.
"""

from __future__ import annotations

from dataclasses import dataclass

from ....lazyre import lazy_compile
from .names import UPPER

_OPEN = "‘“"
_CLOSE = "’”"
_BRACKETS = {"(": ")", "[": "]"}

# Abbreviations after which a full stop does not end a unit.
_RUNS_ON = frozenset(
    ("vol", "vols", "no", "nos", "pp", "p", "trans", "tr", "comp", "repr", "St", "Dr", "Mr", "Mrs", "Ms", "cf")
)
_RUNS_ON_RE = lazy_compile(rf"(?:^|[\s(])(?:[{UPPER}]|(?i:{'|'.join(_RUNS_ON)}))$")

# ``ed.`` runs on unless an ordinal or ``Rev.`` comes before it (``2nd ed.``).
_EDITOR_ABBR_RE = lazy_compile(r"(?:^|[\s(])[Ee]ds?$")
_EDITION_BEFORE_RE = lazy_compile(r"(?:\d+(?:st|nd|rd|th)|[Rr]ev\.?|[Nn]ew|[Rr]evised|[Ee]xpanded)\s+[Ee]d$")


@dataclass(frozen=True, slots=True)
class Unit:
    """One sentence of an entry; ``start``/``end`` index the line."""

    text: str
    start: int
    end: int


def _closes(text: str, i: int) -> bool:
    """A quote mark closes unless a letter follows (``Traders’ Guild`` closes,
    ``River’s`` does not)."""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    return not nxt.isalpha()


def _ends_unit(text: str, i: int) -> bool:
    """Whether the stop at ``i`` ends a unit (a space or the end follows)."""
    if i + 1 < len(text) and not text[i + 1].isspace():
        return False
    if text[i] != ".":
        return True
    before = text[:i]
    if _EDITOR_ABBR_RE.search(before):
        return bool(_EDITION_BEFORE_RE.search(before))
    return not _RUNS_ON_RE.search(before)


def units(text: str, start: int = 0) -> list[Unit]:
    """The units of ``text[start:]``, stripped, with their positions."""
    out: list[Unit] = []
    quote, stack, begin = "", [], start
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch in _CLOSE + '"' and _closes(text, i):
                quote = ""
                if text[i - 1] in ".?!" and (i + 1 == len(text) or text[i + 1].isspace()):
                    out.append(_unit(text, begin, i + 1))
                    begin = i + 1
        elif ch in _OPEN or (ch == '"' and (i == 0 or not text[i - 1].isalnum())):
            quote = ch
        elif ch in _BRACKETS:
            stack.append(_BRACKETS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif not stack and ch in ".?!" and _ends_unit(text, i):
            out.append(_unit(text, begin, i + 1))
            begin = i + 1
        i += 1
    out.append(_unit(text, begin, len(text)))
    return [u for u in out if u.text]


def _unit(text: str, begin: int, end: int) -> Unit:
    """The unit between ``begin`` and ``end`` without spaces or its closing stop."""
    raw = text[begin:end]
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    if body.endswith(".") and not _quoted_whole(body):
        body = body[:-1].rstrip()
    return Unit(body, begin + lead, begin + lead + len(body))


def _quoted_whole(text: str) -> bool:
    return len(text) > 1 and text[0] in _OPEN + '"'


def split_quoted(text: str) -> tuple[str, str] | None:
    """``(inside, after)`` for a unit opening with a quotation, or None.

    ``inside`` loses the stop or comma the style puts inside the quotes.
    """
    if not text or text[0] not in _OPEN + '"':
        return None
    for i in range(1, len(text)):
        if text[i] in _CLOSE + '"' and _closes(text, i):
            inside = text[1:i].strip().rstrip(".,")
            return inside, text[i + 1 :].strip().lstrip(",.").strip().rstrip(".")
    return None
