"""Headline-style title case for titles and headings a source wrote in capitals.

Project Gutenberg texts and typed manuscripts set headings in capitals
("CHAPTER II", "THE FERTILITY OF THE COMMON FIELDS") because plain text has
no other display type. A book sets them in its own display case: headline
style (Chicago Manual of Style 8.159-8.161), where the first and last words
and every major word begin with a capital, and articles, coordinating
conjunctions, prepositions and the "to" of an infinitive stay lower case.
Kept as written: roman numerals ("CHAPTER IV" becomes "Chapter IV"), the
pronoun "I", and the words ``keep`` names (the source's acronyms, such as
"USSR": capitals the text uses for a word it never writes otherwise).

Nothing here imports the package: ``transforms.set_display_case`` uses it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..lazyre import lazy_compile

# Lower case in headline style (CMOS 8.159): articles, coordinating
# conjunctions, and prepositions, whatever their length; "as" and the "to"
# of an infinitive. Chicago's list, with the prepositions of older English
# prose (the corpus's Gutenberg texts).
MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "as",
        "at",
        "by",
        "in",
        "of",
        "off",
        "on",
        "per",
        "to",
        "up",
        "via",
        "vs",
        "about",
        "above",
        "across",
        "after",
        "against",
        "along",
        "amid",
        "among",
        "around",
        "before",
        "behind",
        "below",
        "beneath",
        "beside",
        "besides",
        "between",
        "beyond",
        "despite",
        "down",
        "during",
        "except",
        "from",
        "inside",
        "into",
        "like",
        "near",
        "onto",
        "out",
        "outside",
        "over",
        "past",
        "since",
        "than",
        "through",
        "throughout",
        "till",
        "toward",
        "towards",
        "under",
        "underneath",
        "unlike",
        "until",
        "unto",
        "upon",
        "versus",
        "with",
        "within",
        "without",
    ]
)
# A word: letters, with the apostrophes and hyphens inside it.
_WORD = lazy_compile(r"[^\W\d_]+(?:['’\-‐][^\W\d_]+)*")
# A well-formed roman numeral (thousands, hundreds, tens, units), in capitals.
_ROMAN = lazy_compile(r"(?=[MDCLXVI])M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
# What ends a phrase inside a title: after it the next word starts a new
# one and takes a capital ("Section 1.—Aim and Scope"; "Chapter I: Introductory").
_PHRASE_END = lazy_compile(r"[:.;?!—–]\s*$|\n\s*$")


def in_capitals(text: str) -> bool:
    """Whether ``text`` is set in capitals: two letters or more, none lower case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def title_case(text: str, keep: Collection[str] = ()) -> str:
    """``text`` (in capitals) in headline-style title case; ``keep``: words
    to leave in capitals."""
    words = list(_WORD.finditer(text))
    out, at = [], 0
    for n, match in enumerate(words):
        before = text[at : match.start()]
        first = n == 0 or bool(_PHRASE_END.search(text[: match.start()]))
        last = n == len(words) - 1 or bool(_PHRASE_END.match(text[match.end() :].lstrip(" ")[:1] or "\n"))
        out += [before, _case_word(match.group(), first or last, keep)]
        at = match.end()
    out.append(text[at:])
    return "".join(out)


def _case_word(word: str, edge: bool, keep: Collection[str]) -> str:
    if word in keep or word == "I" or _ROMAN.fullmatch(word):
        return word
    parts = re.split(r"([\-‐])", word)
    cased = []
    for i, part in enumerate(parts):
        lower = part.lower()
        if i % 2 or (lower in MINOR_WORDS and not edge and i == 0):
            cased.append(lower)
        else:
            cased.append(_capitalise(lower))
    return "".join(cased)


def _capitalise(word: str) -> str:
    """The first letter in capitals ("publisher’s" -> "Publisher’s")."""
    return word[:1].upper() + word[1:]


def kept_capitals(texts: Collection[str]) -> frozenset[str]:
    """Words ``texts`` (running text) writes in capitals and never otherwise:
    acronyms such as "USSR" or "UK", which title case keeps."""
    words: set[str] = set()
    for text in texts:
        words.update(_WORD.findall(text))  # each word once: a book repeats most
    capitals = {w for w in words if len(w) >= 2 and w.isupper()}
    other = {w.lower() for w in words if w not in capitals}
    return frozenset(w for w in capitals if w.lower() not in other)
