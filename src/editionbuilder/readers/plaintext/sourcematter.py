"""What a digitised book carries besides its author's text, read for the
few facts an edition keeps: the Project Gutenberg ebook's number and
release date, whether its licence calls the text public domain in the
United States, the source edition's imprint (place, publisher, year), and
the publisher's advertisements bound in at the end or start of the book.

Every rule is a pattern of the conventions these books share (Gutenberg's
header fields, a title page's imprint lines, a publisher's list of other
books with formats and prices), never a phrase of one book.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...lazyre import lazy_compile
from .paragraphs import Para

# "Release Date: March 24, 2012 [EBook #39257]" (also "eBook", "Ebook",
# lower-case "date", and two spaces before the bracket): the date the
# ebook was released and its number in the Gutenberg catalogue.
RELEASE = lazy_compile(r"^Release Date:\s*(?P<date>[^\[]*?)\s*\[e-?book\s*#\s*(?P<number>\d+)\]", re.I | re.M)
# The licence's own words for a text free of copyright in the United States
# ("... are in the public domain in the United States", "not protected by
# U.S. copyright law"): only then does the edition say so.
PUBLIC_DOMAIN_US = lazy_compile(
    r"public\s+domain\s+in\s+the\s+(?:United\s+States|U\.\s?S\.)|not\s+protected\s+by\s+U\.\s?S\.\s+copyright", re.I
)

# -- the source edition's imprint ----------------------------------------------
# A line that names a publisher: a firm ("& Co.", "& Sons", "Company",
# "Ltd."), a press, a university or a society publishing, "Publishers",
# or a firm acting as "Agents".
PUBLISHER_LINE = lazy_compile(
    r"&\s*(?:Co\b|Company\b|Sons?\b)|\b(?:Company|Press|Publishers?|Publishing|University|Society|"
    r"Verlag|Ltd|Limited|Agents?)\b",
    re.I,
)
# A year alone on its line, as a title page dates the edition ("1918",
# "MCMXX" is left alone: a roman year is rarer and ambiguous).
YEAR_LINE = lazy_compile(r"^\s*(?:1[5-9]|20)\d\d\.?\s*$")
# "PRINTED IN U.S.A.", "Printed in Great Britain": part of an imprint,
# not a fact the note repeats.
PRINTED_IN = lazy_compile(r"^\s*printed\s+(?:in|by)\b", re.I)
# A place alone on its line beside the publisher ("New York", "CHICAGO",
# "London:"): one to three capitalised words, nothing else.
PLACE_LINE = lazy_compile(r"^\s*[A-Z][\w.']*(?:\s+[A-Z][\w.']*){0,2}:?\s*$")
# "LONDON: P.S. KING & SON": a place and a colon before the publisher.
PLACE_PREFIX = lazy_compile(r"^\s*([A-Z][\w.']*(?:\s+[A-Z][\w.']*){0,2}):\s+(.+)$")
# Gutenberg's underscores around italics ("_Publishers CHICAGO_").
_UNDERSCORE = lazy_compile(r"(?<!\w)_|_(?!\w)")
# A word written in capitals (two letters or more).
_CAPS = lazy_compile(r"[A-Z]{2,}")


def release(header_text: str) -> tuple[str, str]:
    """(release date, ebook number) of a Gutenberg header, or ("", "")."""
    m = RELEASE.search(header_text)
    return (m.group("date").strip(), m.group("number")) if m else ("", "")


def says_public_domain_us(licence: str) -> bool:
    return bool(PUBLIC_DOMAIN_US.search(licence))


def _imprint_kind(line: str) -> str:
    """ "publisher", "year", "place", "printed" or "" for one line."""
    text = _UNDERSCORE.sub("", line).strip()
    if YEAR_LINE.match(text):
        return "year"
    if PRINTED_IN.match(text):
        return "printed"
    if len(text.split()) <= 8 and PUBLISHER_LINE.search(text):
        return "publisher"
    if PLACE_LINE.match(text):
        return "place"
    return ""


def _is_imprint(p: Para) -> bool:
    """A paragraph of the title page's foot: every line a place, a
    publisher, a year or a printer's line, and at least one publisher or
    year (a place alone could be a title's word)."""
    kinds = [_imprint_kind(ln) for ln in p.lines]
    return all(kinds) and any(k in ("publisher", "year") for k in kinds)


def _plain(line: str) -> str:
    """An imprint line as a sentence prints it: no underscores, a line in
    capitals set in title case ("LONGMANS, GREEN & CO." → "Longmans, Green & Co.")."""
    text = " ".join(_UNDERSCORE.sub("", line).split())
    if text.upper() == text:
        text = _CAPS.sub(lambda m: m.group(0).capitalize(), text)
    return text


@dataclass(frozen=True, slots=True)
class Imprint:
    """The source edition's imprint as its title page gives it."""

    text: str  # "New York: Columbia University; …, 1918" ("" when none was found)
    paras: tuple[Para, ...]


def imprint(lead: Sequence[Para]) -> Imprint:
    """The last run of imprint paragraphs before the text (a title page's
    foot comes after its title and byline), as one phrase: each place
    before its publisher ("Chicago: Charles H. Kerr & Company"), publishers
    split by semicolons, the year last."""
    marked = [i for i, p in enumerate(lead) if _is_imprint(p)]
    if not marked:
        return Imprint("", ())
    first = marked[-1]
    while first - 1 in marked:
        first -= 1
    run = lead[first : marked[-1] + 1]
    parts: list[str] = []
    year = ""
    place = ""
    for p in run:
        for line in p.lines:
            kind = _imprint_kind(line)
            text = _plain(line)
            if kind == "year":
                year = text.rstrip(".")
            elif kind == "place":
                place = text.rstrip(":")
            elif kind == "publisher":
                m = PLACE_PREFIX.match(text)
                if m:
                    place, text = m.group(1), m.group(2)
                parts.append(f"{place}: {text}" if place else text)
                place = ""
    if place:
        parts.append(place)
    phrase = "; ".join(p.rstrip(",;:") for p in parts)
    if year:
        phrase = f"{phrase}, {year}" if phrase else year
    return Imprint(phrase, tuple(run))


# -- a transcriber's note without a frame --------------------------------------
# "Transcriber's Notes:" / "Transcriber's Note" alone on its line, the head
# of the note a Gutenberg transcriber adds at the end without a box.
TRANSCRIBER_HEAD = lazy_compile(r"^\s*Transcriber'?s'?\s+notes?:?\s*$", re.I)


def find_unframed_transcriber_note(paras: Sequence[Para]) -> set[int]:
    """Indexes of an unframed transcriber's note: its head line and the
    paragraphs after it indented at least as far (the note's items), up to
    the first paragraph set further left."""
    for i, p in enumerate(paras):
        if TRANSCRIBER_HEAD.match(p.lines[0]):
            found = {i}
            for j in range(i + 1, len(paras)):
                if paras[j].min_indent < p.indent:
                    break
                found.add(j)
            return found
    return set()


# -- publishers' advertisements ------------------------------------------------
# Marks of a publisher's list of books for sale, each a convention of the
# trade, not of one publisher. Each is a word every match of the pattern
# holds, or None, and the pattern: ``re`` finds a plain word in a paragraph several times
# faster than a pattern that opens on ``\b``, so the word is looked for
# first, with the same flags (a paragraph without it carries no such mark).
_AD_MARKS = (
    # a price in dollars or pounds ("$3.00", "$1.50", "£1 1s.")
    (None, r"[$£]\s?\d+(?:\.\d\d)?\b"),
    # a price in shillings and pence ("7s. 6d.", "5s. net", "3/6 net"): a
    # number of one or two digits that no letter, digit or underscore precedes (the
    # digit is matched first, then what stands before it is checked, so
    # that ``re`` skips to the digits), and "s.", "/6 net" or "/-" after it
    (None, r"\d(?<!\w\d)\d?(?:s\.(?:\s?\d{1,2}d\.)?|/\d{1,2}\s+net\b|/-)"),
    # "net" after a price or a format: a publisher's net price
    ("net", r"(?:\d|8vo|mo|cloth)[.,]?\s+_?net_?\b"),
    # a book's format: "8vo", "Crown 8vo", "12mo", "4to", "Demy 8vo", "folio"
    (None, r"\b(?:\d{1,2}mo|[48]vo|4to|Fcap\.?|Foolscap)\b"),
    # the binding and the price's head: "cloth, $2", "Price, 5s."
    (None, r"\bcloth\b.{0,20}\d|\bPrice,?\s+[$£\d]"),
    # "Pp. vii + 269": the page count a catalogue gives
    ("pp.", r"\bPp\.\s+[ivxlc]+\s*\+\s*\d+"),
    # "By the same author", "Works by ...", "Uniform with this volume",
    # "Now ready", "In preparation", "Second Impression": a list's heads
    (None, r"^(?:By the same author|Works by\b|Uniform with\b|Now ready\b|In preparation\b|Books by\b)"),
    (None, r"\((?:_)?(?:Second|Third|Fourth|New)\s+(?:Impression|Edition)(?:_)?\)"),
    # "Annual subscription", "single numbers": a journal's terms of sale
    (None, r"\bannual\s+(?:subscription|dues)\b|\bsingle\s+(?:numbers|copies)\b"),
)
AD_MARKS = [
    (lazy_compile(re.escape(word), re.I) if word else None, lazy_compile(pattern, re.I)) for word, pattern in _AD_MARKS
]


def ad_marks(text: str) -> int:
    """How many marks of a publisher's advertisement a paragraph carries."""
    return sum(1 for word, p in AD_MARKS if (word is None or word.search(text)) and p.search(text))


# A chapter is an advertisement when this share of its paragraphs, and at
# least AD_MIN of them, carry a mark: a list of books, each with a format
# or a price. A chapter of text that names one book's price (a preface's
# "(cloth, $1.00)") carries one mark in many paragraphs.
AD_SHARE = 0.25
AD_MIN = 2
# A chapter with no mark of its own is taken with the advertisements around
# it (a journal's blurb, a publisher's address between two lists) only when
# it is this short: a weak decision, reported as such.
AD_WEAK_MAX_PARAS = 4


def ad_strength(paras: Sequence[Para]) -> str:
    """ "strong" for a list of books for sale, "mark" for a chapter with
    some mark of one, "short" for a short chapter with none, else ""."""
    texts = [p.text for p in paras if p.text.strip()]
    marked = sum(1 for t in texts if ad_marks(t))
    if marked >= AD_MIN and marked >= AD_SHARE * len(texts):
        return "strong"
    if marked:
        return "mark"
    return "short" if len(texts) <= AD_WEAK_MAX_PARAS else ""


def find_advertisements(chapters: Sequence[Sequence[Para]]) -> dict[int, bool]:
    """Chapter index -> True (strong) or False (weak) for the advertisements
    at the end of a book and at its start.

    From the end: a run of chapters each a list of books for sale, or with
    some mark of one, or short and markless, that begins with a list (a
    last chapter of text naming a price, or short, before the lists is
    left to the text); the chapters after the first list that are no list
    themselves are weak.
    From the start: lists of books only (a book opens with its own
    preliminaries, which a mark or two does not make advertisements).
    """
    # Each chapter's strength is read when first asked for: the runs stop at
    # the first chapter that is none, so a book's body is mostly not read.
    strengths: dict[int, str] = {}

    def strength(k: int) -> str:
        if k not in strengths:
            strengths[k] = ad_strength(chapters[k])
        return strengths[k]

    found: dict[int, bool] = {}
    i = len(chapters)
    while i > 0 and strength(i - 1):
        i -= 1
    run = list(range(i, len(chapters)))
    while run and strength(run[0]) != "strong":
        run.pop(0)
    for k in run:
        found[k] = strength(k) == "strong"
    for k in range(len(chapters)):
        if k in found or strength(k) != "strong":
            break
        found[k] = True
    return found
