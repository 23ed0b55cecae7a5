"""Segments of a capitals-convention entry that belong to no part of its order.

``FAMILY, Given, Title, 2nd edn, trans. I. Name, Publisher, Place, 2012 [1964].``
— an edition, a translator and a first year in brackets may stand anywhere
among the segments of ``bibliography``'s convention. They are taken out
before the line is read (so that ``2nd edn`` is not part of the title nor
``trans. I. Name`` the publisher) and set on the reference after.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ....lazyre import lazy_compile
from ....model import Issued, Name, Reference
from .heads import parse_name_list
from .names import segments

_EDITION_RE = lazy_compile(
    r"(?:\d+(?:st|nd|rd|th)|[Rr]ev(?:ised)?\.?|[Nn]ew|[Ss]econd|[Tt]hird|[Ff]ourth)\s+(?:ed|edn|edition)\.?"
)
_TRANSLATOR_RE = lazy_compile(r"(?:[Tt]rans\.|[Tt]r\.|[Tt]ranslated\s+by)\s+(?P<names>.+)")
_FIRST_YEAR_RE = lazy_compile(r"(?P<year>\d{4}[a-z]?)\s*\[(?P<orig>\d{4})\]")


@dataclass
class Extras:
    edition: str = ""
    translator: tuple[Name, ...] = ()
    original: int = 0

    def apply(self, ref: Reference) -> Reference:
        original = Issued(self.original) if self.original else ref.original_date
        return replace(
            ref,
            edition=self.edition or ref.edition,
            translator=self.translator or ref.translator,
            original_date=original,
        )


def take_extras(line: str) -> tuple[str, Extras]:
    """The line without its extra segments, and what they said."""
    extras = Extras()
    kept = []
    for seg in segments(line):
        text = seg.text
        if _EDITION_RE.fullmatch(text.rstrip(".") + "."):
            extras.edition = text.rstrip(".")
            continue
        m = _TRANSLATOR_RE.fullmatch(text)
        if m and (names := parse_name_list(m["names"])):
            extras.translator = names
            continue
        if m := _FIRST_YEAR_RE.search(text):
            extras.original = int(m["orig"])
            text = text[: m.start()] + m["year"] + text[m.end() :]
        kept.append(text)
    return ", ".join(kept), extras
