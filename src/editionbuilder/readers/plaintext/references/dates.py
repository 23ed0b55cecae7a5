"""Dates as bibliographies write them: ``1999``, ``2001a``, ``n.d.``,
``1931/1994``, ``2012 [1964]``, ``October 14, 1962``, ``14 October 1962``,
``Spring 1984``, ``Undated``.

A date with two years names a translation or reprint: the later year is
the work's date (the one its citations give) and the other the original's.
"""

from __future__ import annotations

import re

from ....lazyre import lazy_compile
from ....model import Issued

_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_SEASON = r"(?:Spring|Summer|Autumn|Fall|Winter)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

# Whole dates, each with named parts.
_FORMS = (
    lazy_compile(rf"(?P<year>{YEAR})(?P<suffix>[a-z])?"),
    lazy_compile(rf"(?P<orig>{YEAR})\s*/\s*(?P<year>{YEAR})(?P<suffix>[a-z])?"),
    lazy_compile(rf"(?P<year>{YEAR})(?P<suffix>[a-z])?\s*\[(?P<orig>{YEAR})\]"),
    lazy_compile(rf"(?P<month>{MONTH})\s+(?P<day>{_DAY}),?\s+(?P<year>{YEAR})"),
    lazy_compile(rf"(?P<day>{_DAY})\s+(?P<month>{MONTH}),?\s+(?P<year>{YEAR})"),
    lazy_compile(rf"(?P<year>{YEAR}),\s+(?P<month>{MONTH})(?:\s+(?P<day>{_DAY}))?"),
    lazy_compile(rf"(?P<month>{MONTH}),?\s+(?P<year>{YEAR})"),
    lazy_compile(rf"(?P<season>{_SEASON})\s+(?P<year>{YEAR})"),
    lazy_compile(r"(?P<none>n\.\s?d\.?|undated|no date|n\.d)", re.I),
)

# A date inside a longer text: the first year-like run that reads as one.
DATE_SEARCH_RE = lazy_compile(
    rf"(?:{MONTH}\s+{_DAY},?\s+|{_DAY}\s+{MONTH},?\s+|{MONTH},?\s+|{_SEASON}\s+)?"
    rf"{YEAR}[a-z]?(?:\s*/\s*{YEAR}|\s*\[{YEAR}\])?(?![\d])|\bn\.\s?d\.",
)


def read_date(text: str) -> tuple[Issued, Issued] | None:
    """``(date, original date)`` when ``text`` is wholly a date, else None."""
    text = text.strip().strip(".,").strip()
    for form in _FORMS:
        m = form.fullmatch(text)
        if m:
            return _issued(m, text), _original(m)
    return None


def _issued(m: re.Match[str], text: str) -> Issued:
    parts = m.groupdict()
    if parts.get("none"):
        return Issued(literal="n.d.")
    month = month_number(parts.get("month") or "")
    day = int(re.sub(r"\D", "", parts.get("day") or "") or 0)
    literal = text if (month or day or parts.get("season")) else ""
    return Issued(int(parts["year"]), month, day, parts.get("suffix") or "", literal)


def _original(m: re.Match[str]) -> Issued:
    orig = m.groupdict().get("orig")
    return Issued(int(orig)) if orig else Issued()


def month_number(name: str) -> int:
    """1-12 for a month's name or its abbreviation ("Sept", "feb"), 0 for none."""
    key = name.lower()[:3]
    return next((i for i, full in enumerate(_MONTHS, 1) if full.startswith(key)), 0) if key else 0


def year_label(issued: Issued) -> str:
    """``1999a`` or ``n.d.``: how a citation names the date."""
    return f"{issued.year}{issued.suffix}" if issued.year else issued.literal
