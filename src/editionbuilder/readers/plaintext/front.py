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
from dataclasses import dataclass

from ...model import Credit

# "Title – Subtitle": a spaced en or em dash (or spaced hyphen) separating a
# title from its subtitle on the first line.
TITLE_SPLIT = re.compile(r"\s+[–—-]\s+")

# "by Jane Doe" alone on its line: a byline. One to six capitalised words
# (name particles allowed), so "By 1941 Harry Pollitt was ..." is not one.
BYLINE = re.compile(
    r"^(?i:by)\s+([A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|da|di|du|van|von|der|den|la|le|of|and|&)){0,5})$"
)

# "... see here." / "click here" / "available here": the anchor text of a link
# the copy lost. Only short paragraphs qualify (see LOST_LINK_MAX_WORDS).
LOST_LINK = re.compile(r"\b(?:see|click|read(?: it)?|available|found|go|look) here[.!]?\s*$", re.I)
LOST_LINK_MAX_WORDS = 40

_ROLE = r"(?:director|directed by|author|written by|writer|producer|produced by|screenplay(?: by)?|music(?: by)?|camera|cinematography(?: by)?|editor|edited by|narrator|narrated by|presenter)"
# A run of roles ("author and producer") followed by a name written in
# capitals ("JANE DOE") or in title case ("Jane Doe"), two to four words.
# Role words match in any case; the name is case-sensitive. An initial may
# carry a full stop ("J."), a word may not end in one, so the name stops at
# the end of its sentence.
_NAME_WORD = r"(?:[A-Z]\.|[A-Z][A-Z'’-]+|[A-Z][a-z'’-]+)"
CREDIT = re.compile(
    rf"\b(?P<roles>(?i:{_ROLE})(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)(?i:{_ROLE}))*)\s*:?\s+"
    rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})"
)
# Role words inside a run of roles.
_ROLE_WORD = re.compile(_ROLE, re.I)
# "Company Name 2006" ending the paragraph after the credits: the company
# (one to five capitalised words) and its year.
COMPANY_YEAR = re.compile(r"(?:^|[.;]\s+)(?P<company>(?:[A-Z][\w'’&.-]*\s+){1,5}?)(?P<year>(?:1[89]|20)\d\d)\.?\s*$")

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


def byline_name(text: str) -> str:
    m = BYLINE.match(text.strip())
    return m.group(1).strip() if m else ""


def is_lost_link_line(text: str) -> bool:
    return bool(LOST_LINK.search(text)) and len(text.split()) <= LOST_LINK_MAX_WORDS


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
