"""Entries of the author-date and notes styles (APA, Harvard, Chicago, MLA).

An entry is its names (``reference_heads``), maybe a date right after
them, then units ending in full stops (``reference_units``)::

    Names (Date). Title (2nd ed.). Container, 31(2), 144–67. Publisher.    APA
    Names (Date) ‘Title’, In: Editor (ed.) Book. Place: Publisher, pp.     Harvard
    Names. Date. “Title.” Journal 14 (2): 101–19.                          Chicago author-date
    Names. Title. Edited by X. 2nd ed. Place: Publisher, Date.             Chicago notes
    Names. “Title.” Container, edited by X, Publisher, Date, pp. 70–98.    MLA

The first unit is the title: quoted, it is a part of something (the
container follows); unquoted, a book whose bracketed tails are an edition,
a translator, a genre or pages. Each later unit is read by the first
pattern that takes it whole (``_READERS``); a unit none takes is kept in
``Reading.unused`` for a warning. The type follows from what was found
(``reference_types``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ....lazyre import lazy_compile
from ....model import Issued, Name, Reference
from .dates import DATE_SEARCH_RE, MONTH, YEAR, read_date
from .heads import MixedHead, parse_mixed_head, parse_name_list
from .units import Unit, split_quoted, units

# A date in parentheses right after the names (APA, Harvard), or a date
# unit of its own (Chicago author-date).
_PAREN_DATE_RE = lazy_compile(r"\(\s*(?P<date>[^()]{1,40}?)\s*\)\.?\s*")
_BARE_DATE_RE = lazy_compile(rf"(?P<date>{YEAR}[a-z]?(?:\s*\[{YEAR}\])?|n\.\s?d\.|[Uu]ndated)\.?(?:\s+|$)")

# Pages: ``pp. 55-80``, ``211–34``, ``ix–xxiv``, ``p. 7``.
_PAGE_RANGE = r"(?P<page>[\dxivlc]+(?:\s*[-–]\s*[\dxivlc]+)?)"
_PAGES = rf"(?:pp?\.\s*)?{_PAGE_RANGE}"

# A bracketed tail of a title: ``(2nd ed.)``, ``(L. Benn, Trans.)``, ``[Genre]``, ``(pp. 5-9)``.
_TAIL_RE = lazy_compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])$")
_EDITION_RE = lazy_compile(
    r"(?P<edition>(?:\d+(?:st|nd|rd|th)|[Rr]ev(?:ised)?\.?|[Nn]ew|[Ee]xpanded|[Ss]econd|[Tt]hird|[Ff]ourth)"
    r"(?:\s+(?:and\s+)?(?:[Rr]ev(?:ised)?\.?|[Ee]xpanded))?\s+(?:ed|edn|edition)\.?)"
)
_TRANSLATOR_TAIL_RE = lazy_compile(r"(?P<names>.+?),\s*(?:[Tt]rans|[Tt]r)\.?")

# Units read whole: ``In …``, ``Edited by``, ``Translated by``, ``Interview by``,
# the original date, ``Retrieved … from``, a manuscript's genre.
_IN_RE = lazy_compile(r"[Ii]n:?-?\s+(?P<rest>.+)")
_EDITED_RE = lazy_compile(r"(?:[Ee]dited|[Ee]d\.)\s+by\s+(?P<names>.+)")
_TRANSLATED_RE = lazy_compile(r"(?:[Tt]ranslated|[Tt]rans\.)\s+(?:by\s+)?(?P<names>.+)")
_INTERVIEW_RE = lazy_compile(r"[Ii]nterview(?:ed)?\s+by\s+(?P<names>.+)")
_ORIGINAL_RE = lazy_compile(rf"\(?(?:[Oo]riginal(?:\s+work)?|[Ff]irst)\s+published\s+(?:in\s+)?(?P<year>{YEAR})\)?")
_RETRIEVED_RE = lazy_compile(r"[Rr]etrieved(?:\s+(?:on\s+)?(?P<date>.+?),?)?\s+from\s+(?P<source>.+)")
_MANUSCRIPT_RE = lazy_compile(r"(?P<undated>[Uu]ndated\s+)?(?:[Uu]npublished\s+)?(?:manuscript|typescript)", re.I)

# Periodicals: MLA (``Journal, vol. 9, no. 2, 2018, pp. 44–51``), APA
# (``Journal, 31(2), 144-167``), Chicago (``Journal 14 (2): 101–19``), and a
# newspaper or a dated place (``Paper, October 14, 1962, 7``).
_FULL_DATE = rf"(?:{MONTH}\s+\d{{1,2}},?\s+{YEAR}|\d{{1,2}}\s+{MONTH}\s+{YEAR})"
_MLA_PERIODICAL_RE = lazy_compile(
    rf"(?P<ct>[^,]+?),\s*(?:vol\.\s*(?P<vol>\w+),?\s*)?(?:no\.\s*(?P<iss>[\w/\-]+),?\s*)?"
    rf"(?P<date>[^,]*{YEAR}[a-z]?)(?:,\s*{_PAGES})?",
    re.I,
)
_APA_PERIODICAL_RE = lazy_compile(
    rf"(?P<ct>.+?),\s*(?P<vol>(?!{YEAR}\b)\d+)\s*(?:\((?P<iss>[^)]+)\))?(?:,\s*{_PAGES})?"
)
_CHICAGO_PERIODICAL_RE = lazy_compile(
    rf"(?P<ct>.+?)\s+(?P<vol>(?!{YEAR}\b)\d+)(?:,?\s*no\.\s*(?P<iss2>\w+))?\s*(?:\((?P<iss>[^)]+)\))?:\s*{_PAGES}"
)
_DATED_RE = lazy_compile(rf"(?P<ct>[^,]+?),\s*(?P<date>{_FULL_DATE})(?:,\s*{_PAGES})?")

# A container with ``edited by`` in it (MLA, Chicago): title, editors, then the rest.
_EDITED_CONTAINER_RE = lazy_compile(r"(?P<ct>.+?),\s+edited\s+by\s+(?P<names>[^,]+)(?:,\s*(?P<rest>.+))?")
# APA and Harvard: editors, ``(Ed.)``, then the title (``T. Ashdown (Ed.), Title (pp. 5-9)``).
_EDITORS_FIRST_RE = lazy_compile(r"(?P<names>.+?)\s*\((?:[Ee]ds?|[Ee]ditors?)\.?\)\.?,?\s+(?P<ct>.+)")

# The imprint: ``Place: Publisher``, maybe with a date and pages after it.
_IMPRINT_RE = lazy_compile(
    rf"(?P<place>[^:,]+(?:,\s*[A-Z]{{2}})?):\s*(?P<pub>[^,]+?)(?:,\s*(?P<date>[^,]*{YEAR}[a-z]?))?(?:,\s*pp?\.\s*(?P<page>\S+))?"
)
# ``Publisher, Date`` (MLA, Chicago notes without a place).
_PUBLISHER_DATE_RE = lazy_compile(rf"(?P<pub>[^,]+),\s*(?P<date>{YEAR}[a-z]?)(?:,\s*pp?\.\s*(?P<page>\S+))?")
# An archive and its shelfmark (``County Record Office, TT/4/2``).
_ARCHIVE_RE = lazy_compile(
    r"(?P<archive>[^,]+),\s*(?P<loc>(?:MS|Box|Folder|f\.|fol\.)?\s*[A-Z0-9][\w.]*(?:[/\-][\w.]+)+|(?:MS|Box|Folder)\.?\s+\S+)"
)
# A name-like unit: capitalised words (``Holloway Books``, ``Calder UP``, ``SAG``).
_NAME_LIKE_RE = lazy_compile(
    r"[A-Z][\w’'&.\-]*(?:\s+(?:of|and|the|for|&|de|du)?\s*[A-Z&][\w’'&.\-]*){0,7}|privately printed|self-published",
    re.I,
)


@dataclass
class Reading:
    """What an entry said, field by field, and what no field took."""

    ref: Reference
    head: MixedHead
    part: bool = False
    kind: str = ""  # chapter, journal, newspaper, interview, manuscript, webpage
    unused: list[str] = field(default_factory=list)


def read_entry(line: str, ref: Reference, previous: tuple[Name, ...] = ()) -> Reading | None:
    """A reading of ``line`` in the sentence styles, or None if it opens with no names."""
    head = parse_mixed_head(line)
    if head is None:
        return None
    names = previous if head.repeat else head.names
    ref = replace(ref, editor=names) if head.editors else replace(ref, author=names)
    reading = Reading(ref, head)
    at = _leading_date(line, head.end, reading)
    parts = units(line, at)
    if not parts:
        return None
    _title(parts[0], reading)
    for unit in parts[1:]:
        text = unit.text
        if not any(read(text, reading) for read in _READERS):
            reading.unused.append(text)
    return reading


def _leading_date(line: str, at: int, reading: Reading) -> int:
    """The date right after the names; the index where the title begins."""
    m = _PAREN_DATE_RE.match(line, at) or _BARE_DATE_RE.match(line, at)
    if m is None:
        return at
    date = read_date(m["date"])
    if date is None:
        return at
    _set_date(reading, *date)
    return m.end()


_NO_DATE = Issued()


def _set_date(reading: Reading, issued: Issued, original: Issued = _NO_DATE) -> None:
    """The first date found is the work's; a later one of the same year with
    a month or day (a newspaper's, an interview's) makes it precise."""
    ref = reading.ref
    if not ref.issued.year and not ref.issued.literal:
        reading.ref = replace(ref, issued=issued, original_date=original if original.year else ref.original_date)
    elif issued.year == ref.issued.year and issued.month and not ref.issued.month:
        reading.ref = replace(ref, issued=replace(issued, suffix=ref.issued.suffix))


def _title(unit: Unit, reading: Reading) -> None:
    quoted = split_quoted(unit.text)
    if quoted is not None:
        title, after = quoted
        reading.part = True
        reading.ref = replace(reading.ref, title=title)
        if after and not any(read(after, reading) for read in _READERS):
            reading.unused.append(after)
        return
    title = unit.text
    while (m := _TAIL_RE.search(title)) and _tail(m.group(1)[1:-1], reading):
        title = title[: m.start()]
    reading.ref = replace(reading.ref, title=title.strip())


def _tail(inside: str, reading: Reading) -> bool:
    """A bracketed tail of a book's title: edition, translator, genre, pages."""
    inside = inside.strip()
    if m := _EDITION_RE.fullmatch(inside):
        reading.ref = replace(reading.ref, edition=m["edition"])
    elif m := _TRANSLATOR_TAIL_RE.fullmatch(inside):
        reading.ref = replace(reading.ref, translator=parse_name_list(m["names"]))
    elif m := re.fullmatch(rf"pp?\.\s*{_PAGE_RANGE}", inside):
        reading.ref = replace(reading.ref, page=m["page"])
    elif inside and inside[0].isupper() and not re.search(r"\d", inside):
        reading.ref = replace(reading.ref, genre=inside)
        if _MANUSCRIPT_RE.search(inside):
            reading.kind = "manuscript"
    else:
        return False
    return True


# -- readers of one unit: each returns True when it took the unit whole ----


def _read_in(text: str, reading: Reading) -> bool:
    m = _IN_RE.fullmatch(text)
    if m is None:
        return False
    rest = m["rest"]
    if e := _EDITORS_FIRST_RE.fullmatch(rest):
        names = parse_name_list(e["names"])
        if names:
            reading.ref = replace(reading.ref, editor=names)
            rest = e["ct"]
    if e := _EDITED_CONTAINER_RE.fullmatch(rest):
        reading.ref = replace(reading.ref, editor=parse_name_list(e["names"]))
        rest = e["ct"] + (f", {e['rest']}" if e["rest"] else "")
    _container_with_pages(rest, reading)
    reading.kind = reading.kind or "chapter"
    return True


def _container_with_pages(text: str, reading: Reading) -> None:
    """``Title (pp. 5-9)`` or ``Title, 211–34`` or ``Title, pp. 5-9``."""
    m = re.fullmatch(rf"(?P<ct>.+?)(?:\s*\(|,\s*){_PAGES}\)?", text)
    title = m["ct"] if m else text
    reading.ref = replace(reading.ref, container_title=title.strip(), page=m["page"] if m else reading.ref.page)


def _read_edited_container(text: str, reading: Reading) -> bool:
    if reading.ref.container_title or not reading.part:
        return False
    m = _EDITED_CONTAINER_RE.fullmatch(text)
    if m is None:
        return False
    reading.ref = replace(reading.ref, container_title=m["ct"], editor=parse_name_list(m["names"]))
    reading.kind = reading.kind or "chapter"
    for piece in (m["rest"] or "").split(", "):
        if piece and not _imprint_piece(piece, reading):
            reading.unused.append(piece)
    return True


def _imprint_piece(piece: str, reading: Reading) -> bool:
    """One comma piece of an MLA imprint: a date, pages or a publisher."""
    if date := read_date(piece):
        _set_date(reading, *date)
    elif m := re.fullmatch(r"pp?\.\s*(?P<page>\S+)|(?P<bare>[\dxivlc]+\s*[-–]\s*[\dxivlc]+)", piece):
        reading.ref = replace(reading.ref, page=m["page"] or m["bare"])
    elif _NAME_LIKE_RE.fullmatch(piece) and not reading.ref.publisher:
        reading.ref = replace(reading.ref, publisher=piece)
    else:
        return False
    return True


def _read_periodical(text: str, reading: Reading) -> bool:
    if reading.ref.container_title or reading.kind == "manuscript":
        return False
    m = _DATED_RE.fullmatch(text)
    if m and reading.part and reading.kind != "interview":
        return _periodical(m, reading, "newspaper")
    for pattern in (_MLA_PERIODICAL_RE, _CHICAGO_PERIODICAL_RE, _APA_PERIODICAL_RE):
        m = pattern.fullmatch(text)
        if m and (pattern is not _MLA_PERIODICAL_RE or m["vol"] or m["iss"]):
            return _periodical(m, reading, "journal")
    return False


def _periodical(m: re.Match[str], reading: Reading, kind: str) -> bool:
    parts = m.groupdict()
    reading.ref = replace(
        reading.ref,
        container_title=parts["ct"].strip(),
        volume=parts.get("vol") or "",
        issue=parts.get("iss") or parts.get("iss2") or "",
        page=parts.get("page") or "",
    )
    if parts.get("date") and (date := read_date(parts["date"])):
        _set_date(reading, *date)
    reading.kind = reading.kind or kind
    return True


def _read_dated_place(text: str, reading: Reading) -> bool:
    """``Place, June 14, 2017``: where and when (an interview, a talk)."""
    m = _DATED_RE.fullmatch(text)
    if m is None or reading.ref.publisher_place:
        return False
    reading.ref = replace(reading.ref, publisher_place=m["ct"])
    if date := read_date(m["date"]):
        _set_date(reading, *date)
    return True


def _read_edited(text: str, reading: Reading) -> bool:
    m = _EDITED_RE.fullmatch(text)
    names = parse_name_list(m["names"]) if m else ()
    if names:
        reading.ref = replace(reading.ref, editor=reading.ref.editor or names)
    return bool(names)


def _read_translated(text: str, reading: Reading) -> bool:
    m = _TRANSLATED_RE.fullmatch(text)
    names = parse_name_list(m["names"]) if m else ()
    if names:
        reading.ref = replace(reading.ref, translator=names)
    return bool(names)


def _read_interview(text: str, reading: Reading) -> bool:
    m = _INTERVIEW_RE.fullmatch(text)
    names = parse_name_list(m["names"]) if m else ()
    if names:
        reading.ref = replace(reading.ref, interviewer=names)
        reading.kind = "interview"
    return bool(names)


def _read_edition(text: str, reading: Reading) -> bool:
    if not _EDITION_RE.fullmatch(text):
        return False
    reading.ref = replace(reading.ref, edition=text)
    return True


def _read_original(text: str, reading: Reading) -> bool:
    m = _ORIGINAL_RE.fullmatch(text)
    if m:
        reading.ref = replace(reading.ref, original_date=Issued(int(m["year"])))
    return m is not None


def _read_retrieved(text: str, reading: Reading) -> bool:
    m = _RETRIEVED_RE.fullmatch(text)
    if m:
        reading.ref = replace(reading.ref, accessed=(m["date"] or "").strip(), note=f"from {m['source']}")
        reading.kind = reading.kind or "webpage"
    return m is not None


def _read_manuscript(text: str, reading: Reading) -> bool:
    m = _MANUSCRIPT_RE.fullmatch(text)
    if m is None:
        return False
    reading.ref = replace(reading.ref, genre=text)
    reading.kind = "manuscript"
    if m["undated"]:
        _set_date(reading, Issued(literal="n.d."))
    return True


def _read_archive(text: str, reading: Reading) -> bool:
    m = _ARCHIVE_RE.fullmatch(text)
    if m is None or reading.kind != "manuscript":
        return False
    reading.ref = replace(reading.ref, archive=m["archive"], archive_location=m["loc"].strip())
    return True


def _read_imprint(text: str, reading: Reading) -> bool:
    m = _IMPRINT_RE.fullmatch(text) or _PUBLISHER_DATE_RE.fullmatch(text)
    if m is None or reading.ref.publisher:
        return False
    parts = m.groupdict()
    date = read_date(parts["date"]) if parts.get("date") else None
    if parts.get("date") and date is None:
        return False
    reading.ref = replace(
        reading.ref, publisher=parts["pub"].strip(), publisher_place=(parts.get("place") or "").strip()
    )
    if date is not None:
        _set_date(reading, *date)
    if parts.get("page"):
        reading.ref = replace(reading.ref, page=parts["page"])
    return True


def _read_lone_name(text: str, reading: Reading) -> bool:
    """A unit of capitalised words alone: the publisher (APA), or for a
    manuscript the archive that holds it."""
    if not _NAME_LIKE_RE.fullmatch(text):
        return False
    if reading.kind == "manuscript" and not reading.ref.archive:
        reading.ref = replace(reading.ref, archive=text)
    elif not reading.ref.publisher:
        reading.ref = replace(reading.ref, publisher=text)
    else:
        return False
    return True


def _read_date(text: str, reading: Reading) -> bool:
    date = read_date(text)
    if date is None:
        return False
    _set_date(reading, *date)
    return True


def _read_pages(text: str, reading: Reading) -> bool:
    m = re.fullmatch(r"pp?\.\s*(?P<page>\S+)", text)
    if m:
        reading.ref = replace(reading.ref, page=m["page"])
    return m is not None


_READERS = (
    _read_in,
    _read_edited,
    _read_translated,
    _read_interview,
    _read_edition,
    _read_original,
    _read_retrieved,
    _read_manuscript,
    _read_edited_container,
    _read_periodical,
    _read_archive,
    _read_date,
    _read_pages,
    _read_imprint,
    _read_dated_place,
    _read_lone_name,
)

__all__ = ["DATE_SEARCH_RE", "Reading", "read_entry"]
