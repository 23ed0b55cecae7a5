"""The print edition's pages, handed from the print writer to the EPUB and
web writers and to the checks: its running text, where each page begins
in it, and every page's folio (printed, or inferred where none is).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_ROMAN = re.compile(r"[ivxlcdm]+")  # lower-case roman numeral letters (checked by ``_value``)
_ROMAN_VALUES = (
    ("m", 1000),
    ("cm", 900),
    ("d", 500),
    ("cd", 400),
    ("c", 100),
    ("xc", 90),
    ("l", 50),
    ("xl", 40),
    ("x", 10),
    ("ix", 9),
    ("v", 5),
    ("iv", 4),
    ("i", 1),
)


@dataclass(frozen=True, slots=True)
class PrintedPage:
    """One page of the print edition: its number in the file (from 1), its
    folio (as printed, or inferred for a page that prints none) and the
    index in ``PrintLayout.words`` of the first word that begins on it;
    ``words`` is how many words begin on it, ``text`` whether it carries
    any text at all (a blank verso does not; the contents page does, but
    no running-text words). Every page with text gets a marker."""

    number: int
    folio: str
    first_word: int
    words: int
    text: bool = True


@dataclass(frozen=True, slots=True)
class PrintLayout:
    """The print edition's running text and where each page begins in it."""

    source: str  # the print edition's identifier (pageBreakSource)
    words: tuple[str, ...]
    pages: tuple[PrintedPage, ...]
    parts: tuple[str, ...] = ()  # for each word, the key of the book part it is in ("" unknown)


# The words of a print part and of its XHTML document (as the page list
# compares them) -> where each printed word stands among the document's
# (``writers/epub/pagelist.py``; kept for a build's next marking in
# ``Products.alignments``).
Alignments = dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[int, ...]]


# --------------------------------------------------------------------------
# Folios
# --------------------------------------------------------------------------


def roman(n: int) -> str:
    """``n`` in lower-case roman numerals (1 -> "i")."""
    out = []
    for letters, value in _ROMAN_VALUES:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _value(folio: str) -> tuple[int, bool] | None:
    """(number, is_roman) of a printed folio, or None for other text."""
    if folio.isdigit():
        return int(folio), False
    if _ROMAN.fullmatch(folio):
        n, rest = 0, folio
        for letters, value in _ROMAN_VALUES:
            while rest.startswith(letters):
                n, rest = n + value, rest[len(letters) :]
        return (n, True) if n and roman(n) == folio else None
    return None


def infer_folios(printed: Sequence[str]) -> list[str]:
    """Every page's folio from the ones printed ("" where a page prints
    none: a title page, a blank verso, a chapter opening if the design
    hides it). A page counts on from the nearest printed folio before it,
    in the same numbering, unless the next printed folio counts back to it
    (the pages before the first printed folio of a run, e.g. the half-title
    before the contents' "v" is "i"); a restart of the numbering (the text's
    "1" after roman front matter) is never counted across."""
    values = [_value(f) for f in printed]
    out = []
    for i, folio in enumerate(printed):
        if values[i] is not None:
            out.append(folio)
            continue
        after = next(((j, v) for j in range(i + 1, len(printed)) if (v := values[j])), None)
        if after and after[1][0] - (after[0] - i) >= 1:
            n, is_roman = after[1][0] - (after[0] - i), after[1][1]
        else:
            before = next(((j, v) for j in range(i - 1, -1, -1) if (v := values[j])), None)
            n, is_roman = (before[1][0] + i - before[0], before[1][1]) if before else (i + 1, False)
        out.append(roman(n) if is_roman else str(n))
    return out
