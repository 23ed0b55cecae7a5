"""The head of a web-copied text: title, byline, credits, a lost-link line.

Conventions (from web pages copied as plain text):
- the first line is the title, often "Title – Subtitle";
- a byline "by NAME" stands alone near the top;
- a description paragraph may name credits ("Director NAME, author and
  producer NAME. Company 2006");
- an editorial line whose link was lost in copying ends "... see here.".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ...lazyre import lazy_compile
from ...model import Credit

# "Title – Subtitle": a spaced en or em dash (or spaced hyphen) separating a
# title from its subtitle on the first line.
TITLE_SPLIT = lazy_compile(r"\s+[–—-]\s+")

# Words of a person's name that are not capitalised: particles
# ("Piet van der Hoeven", "Inés de la Torre").
PARTICLES = frozenset(("de", "da", "di", "du", "des", "del", "della", "der", "den", "van", "von", "la", "le"))
PARTICLES |= {"ter", "ten", "bin", "ibn", "al", "el", "y", "st.", "st", "d'"}
# Capitalised words that begin titles and sentences, never a name: a line
# made of them ("The Bus Station Nobody Wanted") is not a name alone on its
# line. After "by", only the articles, prepositions and determiners rule a
# name out ("by Some One" is a byline, "By The Way" is not).
FUNCTION_WORDS = frozenset(("the", "a", "an", "in", "on", "of", "and", "or", "for", "to", "with", "at", "by"))
FUNCTION_WORDS |= {"from", "our", "my", "your", "his", "her", "their", "its", "this", "that", "these", "those"}
NOT_NAMES = FUNCTION_WORDS | {"why", "what", "how", "when", "where", "who", "it", "is", "are", "was", "be", "not"}
NOT_NAMES |= {"no", "yes", "all", "more", "most", "some", "new", "old", "about", "after", "before", "into", "over"}
NOT_NAMES |= {"under"}
# One word of a name: capitalised (Unicode letters, with hyphens and
# apostrophes: "Mackintosh-Baird", "O'Brien", "Ødegård") or an initial ("J.").
_PERSON_WORD = lazy_compile(r"^(?:[^\W\d_][.]|[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?)$")
NAME_MAX_WORDS = 5


def is_name(text: str, min_words: int = 1, strict: bool = True) -> bool:
    """A person's name: one to five words, each capitalised or a particle,
    the first capitalised, none a word that opens titles or sentences
    (``strict``; else none an article, preposition or determiner)."""
    words = text.split()
    if not (min_words <= len(words) <= NAME_MAX_WORDS) or not words[0][0].isupper():
        return False
    barred = NOT_NAMES if strict else FUNCTION_WORDS
    for w in words:
        if w.lower() in barred or not _PERSON_WORD.match(w):
            return False
        if not w[0].isupper() and w.lower() not in PARTICLES:
            return False
    return any(w.lower() not in PARTICLES for w in words)


def split_names(text: str, strict: bool = True) -> tuple[str, ...]:
    """The names of "A and B", "A, B & C" when each part is a name, else ()."""
    parts = [p.strip() for p in re.split(r",\s*(?:and\s+)?|\s+(?:and|&)\s+", text.strip()) if p.strip()]
    return tuple(parts) if parts and all(is_name(p, strict=strict) for p in parts) else ()


# Bylines, each with the names in the group "who" and anything after them
# (a date, a time, "No comments:") ignored:
# "by NAME", "By NAME · Launched ...", "Posted by NAME at 10:31",
# "Posted by NAME on 2 July 2018", "Written by NAME on 12 May 2016",
# "Posted on 14 March 2019 by NAME", "— NAME" and "— NAME, role" (a
# signature), "NAME · March 14, 2022", "NAME - June 01, 2020" (an author
# line with a date).
BYLINES = (
    lazy_compile(
        r"^(?:(?:a )?(?:guest post|posted|written|words|story|text|essay|article|review|report) )?by:?\s+"
        r"(?P<who>[^,·•|()]+?)(?:\s*(?:[,·•|]|\s[-–—]\s|\s(?:at|on|in)\s).*)?$",
        re.I,
    ),
    lazy_compile(r"^(?:author|words|writer)\s*:\s*(?P<who>[^,·•|()]+?)(?:\s*(?:[,·•|]|\s[-–—]\s).*)?$", re.I),
    lazy_compile(
        r"^(?:posted|published|written|updated) on\b.*?\bby\s+(?P<who>[^,·•|()]+?)(?:\s*(?:[,·•|]|\s[-–—]\s).*)?$",
        re.I,
    ),
    lazy_compile(r"^[—–]\s*(?P<who>[^,]+?)(?:,\s*[^,]{1,60})?$"),
)
DATED_AUTHOR = lazy_compile(r"^(?P<who>[^,·•|]+?)(?:\s*[,·•|]|\s+[-–—])\s+(?P<when>.+)$")


def byline_names(text: str, dated: Callable[[str], bool] = lambda _s: False) -> tuple[str, ...]:
    """The authors a byline names, or () when ``text`` is not a byline.
    ``dated`` says whether the rest of an author line is a date."""
    text = text.strip()
    for pattern in BYLINES:
        m = pattern.match(text)
        if m and (names := split_names(m.group("who"), strict=False)):
            return names
    m = DATED_AUTHOR.match(text)
    if m and dated(m.group("when")) and not dated(text):  # "Monday, 3 April 2023" is a date
        return split_names(m.group("who"), strict=False)
    return ()


def byline_name(text: str) -> str:
    names = byline_names(text)
    return names[0] if names else ""


# An editorial line whose link was lost in copying: a short line that
# points at another piece. Either its anchor was "here" ("... see here.",
# "The first, on the lease itself, is here.", "catch up here."), or it
# names a file by format and size ("(PDF, 1.4 MB)", "(MP3, 14 min)"), or it
# says the piece is a reply or a response to another, a follow-up, a longer
# or an audio version of one, or part of a series ("Read part one: ..."),
# or it is a pointer: an imperative to download, listen or watch, "Read:
# ...", "Previously: ...", "See also: ...".
LOST_HERE = lazy_compile(r"\bhere\s*[.!:)]*\s*$", re.I)
FILE_NOTE = lazy_compile(r"\((?:PDF|MP3|MP4|M4A|EPUB|DOCX?|ODT|ZIP|PPTX?|audio|video|slides)\b[^)]*\)", re.I)
RELATION = lazy_compile(
    r"\b(?:(?:a|in) (?:reply|response) to|is a (?:reply|response) to|(?:responds|replies) to|"
    r"(?:a )?follow-up (?:to|on)|follows up (?:on|to)|sequel to|continued from|"
    r"(?:longer|shorter|earlier|full|original|updated|extended) version of this|"
    r"(?:audio|video|podcast|pdf|printable|print|longer|shorter|annotated|illustrated) version\b|"
    r"part (?:one|two|three|four|\d+|[ivx]+)\b|previous (?:post|part|instalment)|first part|click here)",
    re.I,
)
POINTER = lazy_compile(
    r"^(?:read|see|view|click|catch up)\b.*(?::|\bthis (?:post|article|essay|piece|episode)\b)"
    r"|^(?:download|listen to|watch)\b"
    r"|^(?:earlier|previously|see also|also read|read also|read next|up next|related)\s*:",
    re.I,
)
LOST_LINK_MAX_WORDS = 40


def is_lost_link_line(text: str) -> bool:
    if len(text.split()) > LOST_LINK_MAX_WORDS:
        return False
    return any(p.search(text) for p in (LOST_HERE, FILE_NOTE, RELATION, POINTER))


_ROLE = r"(?:director|directed by|author|written by|writer|producer|produced by|screenplay(?: by)?|music(?: by)?|camera|cinematography(?: by)?|editor|edited by|narrator|narrated by|presenter)"
# A run of roles ("author and producer") followed by a name written in
# capitals ("JANE DOE") or in title case ("Jane Doe"), two to four words.
# Role words match in any case; the name is case-sensitive. An initial may
# carry a full stop ("J."), a word may not end in one, so the name stops at
# the end of its sentence.
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][A-Z'’-]+|[A-Z][a-z'’-]+)"
CREDIT = lazy_compile(
    rf"\b(?P<roles>(?i:{_ROLE})(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)(?i:{_ROLE}))*)\s*:?\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})"
)
# Role words inside a run of roles.
_ROLE_WORD = lazy_compile(_ROLE, re.I)
# "Company Name 2006" ending the paragraph after the credits: the company
# (one to five capitalised words) and its year.
COMPANY_YEAR = lazy_compile(r"(?:^|[.;]\s+)(?P<company>(?:[A-Z][\w'’&.-]*\s+){1,5}?)(?P<year>(?:1[89]|20)\d\d)\.?\s*$")

_ROLE_NAMES = {
    "directed by": "director",
    "written by": "author",
    "writer": "author",
    "produced by": "producer",
    "screenplay by": "screenplay",
    "music by": "music",
    "cinematography by": "cinematography",
    "edited by": "editor",
    "narrated by": "narrator",
}


@dataclass(frozen=True, slots=True)
class TitleParts:
    title: str
    subtitle: str


def split_title(line: str) -> TitleParts:
    parts = TITLE_SPLIT.split(line.strip(), maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return TitleParts(parts[0], parts[1])
    return TitleParts(line.strip(), "")


def person_name(name: str) -> str:
    """A name for metadata: ALL-CAPS words in title case, others unchanged."""
    return " ".join(w.capitalize() if w.isupper() and len(w) > 1 else w for w in name.split())


def find_credits(text: str) -> tuple[Credit, ...]:
    """Credits named in a description paragraph, in the order written."""
    credits: list[Credit] = []
    for m in CREDIT.finditer(text):
        name = person_name(m.group("name"))
        for role in _ROLE_WORD.findall(m.group("roles")):
            role = role.lower()
            credits.append(Credit(_ROLE_NAMES.get(role, role), name))
    if credits:
        tail = COMPANY_YEAR.search(text[_last_credit_end(text) :])
        if tail and tail.group("company").strip():
            credits.append(Credit("company", tail.group("company").strip()))
            credits.append(Credit("year", tail.group("year")))
    return tuple(credits)


def _last_credit_end(text: str) -> int:
    ends = [m.end() for m in CREDIT.finditer(text)]
    return ends[-1] if ends else 0
