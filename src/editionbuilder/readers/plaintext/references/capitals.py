"""Bibliography lines of web-copied essays to CSL-shaped ``Reference`` values.

The convention read here (``bibliography_names`` reads the head)::

    FAMILY, Given, Title, Publisher, Place, Year.
    FAMILY, Given, ‘Article’, In:- Container, No. 5, Month Year, Publisher, Place.
    BODY IN CAPITALS, Title, Year.

Rules, in the order they apply:

* the head names authors, or editors when an ``Ed.`` segment follows;
* a quoted title (‘…’, '…', “…”) is a part of something: the container is
  what follows ``In:-`` (or, without ``In:-``, the next segment);
* an unquoted title runs to ``In:-`` or to the first comma; for a book, extra
  segments beyond publisher and place before the year belong to the title
  (``Bread, Work and Land``), and so do date ranges (``…, 1960-70``);
* the date is the last segment that is wholly a date (``2001a``,
  ``April, 1966``, ``Spring 1984``, ``March 12th, 1999``, ``1999(b)``);
* ``No. N``/``vol. N``/``pp. N-M`` segments are issue, volume and pages;
* what is left is the imprint: with two or more segments the last is the
  place and the others the publisher; a single segment is a publisher only
  when it says so (``Press``, ``Books``, an acronym like ``KUP``), and a place
  for a periodical; otherwise it stays unfilled (``raw`` keeps it).

Types: ``book`` without a container; with one, ``article-journal`` when it
has an issue or volume (or only a year), ``article-newspaper`` for a day
date, ``article-magazine`` for a month or season, else ``chapter``.
A person or body heading the container becomes the ``editor`` (the model has
no ``container-author``); a body heading a periodical is its publisher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ....lazyre import lazy_compile
from ....model import Issued, Name, Position, Reference
from .dates import month_number
from .names import PUBLISHER_RE as _PUBLISHER_RE
from .names import (
    UPPER,
    Segment,
    is_body_name,
    parse_head,
    quoted_end,
    segments,
)

# A month name or its usual abbreviation (``Sept``, ``Feb``), without a dot.
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)

# A day of the month (``4``, ``4th``).
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

# A year from 1500 to 2099 with a disambiguating letter as ``2001a`` or
# ``1999(b)``; the lookahead keeps ``19845`` out.
_YEAR = r"(?P<year>1[5-9]\d\d|20\d\d)(?:(?P<suffix>[a-z])|\((?P<psuffix>[a-z])\))?(?![\d\w])"

# A segment that is wholly a date: an optional season, or month with an
# optional day either side (``March 12th,``, ``12 March``), then a year.
_DATE_RE = lazy_compile(
    rf"(?:(?P<season>Spring|Summer|Autumn|Fall|Winter)\s+"
    rf"|(?:(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?"
    rf"(?:\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)?,?\s*)?"
    rf"{_YEAR}",
    re.I,
)

# A segment that is a month or season (with a day) and no year: the year is
# the next segment (``April, 1966b``; ``March 12th, 1999``).
_DATE_HEAD_RE = lazy_compile(rf"(?:Spring|Summer|Autumn|Fall|Winter|(?:{_DAY}\s+)?{_MONTH}\.?(?:\s+{_DAY})?)", re.I)

# A year range or bare number continuing a title (``…, 1960-70``).
_RANGE_RE = lazy_compile(r"\d{4}\s*[-–/]\s*\d{2,4}")

# Issue, volume and page segments (``No. 185``, ``vol. 36``, ``pp.5-6``),
# possibly two in one segment (``vol. 3 no. 2``).
_ISSUE = r"(?:(?:No|Nos|Nr|Issue|Iss)\.?|#)\s*(?P<issue>\d+[\w/\-]*)"
_VOLUME = r"(?:Vol|Volume|V)\.?\s*(?P<volume>\d+|[IVXLC]+)"
_PAGES = r"(?:pp?|PP?)\.\s*(?P<page>\d+(?:\s*[-–]\s*\d+)?)"
_NUMBERS_RE = lazy_compile(rf"(?:{_VOLUME})?[\s,]*(?:{_ISSUE})?[\s,]*(?:{_PAGES})?", re.I)

# The container marker ``In:-`` (also ``In:``, ``In -``, ``in:``) before the
# title of the book or periodical a part appeared in.
_IN_RE = lazy_compile(r"(?:^|(?<=[\s,.?!’”'\"]))[Ii]n\s?:-?\s*|(?:^|(?<=[,.?!’”'\"]\s))In\s+-\s+")

# A heading in capitals, not a body: a division word or a closing number
# (``BOOK I``, ``PART 2``, ``CHAPTER XIV``).
_HEADING_RE = lazy_compile(
    r"(?:BOOK|PART|CHAPTER|SECTION|VOLUME|VOL\.|ACT|SCENE|CANTO|APPENDIX)\b|.*\s(?:[IVXLC]+|\d+)\.?$"
)

# A lone reference's segments all open with a capital, a digit or a quote;
# a lower-case opening (``…, and the people left``) is a clause of prose.
_LOWER_START_RE = lazy_compile(r"[a-z]")

# A sentence stop after a lower-case word, then a new sentence.
_SENTENCE_STOP_RE = lazy_compile(r"[a-z]{3,}[.!?]\s+[A-Z]")

# ``Place – Publisher`` or ``Place: Publisher`` in one segment.
_PLACE_PUB_RE = lazy_compile(r"(?P<place>[^:–—]+?)\s*(?::|\s[–—-]\s)\s*(?P<publisher>.+)")

# An acronym publisher, a full stop typed for a comma, then a place
# (``KUP. Nairobi``).
_ACRONYM_STOP_RE = lazy_compile(rf"(?P<publisher>[{UPPER}]{{2,6}})\.\s+(?P<place>[{UPPER}].*)")

# A newspaper by its name, when no day date tells it.
_NEWSPAPER_RE = lazy_compile(
    r"\b(?:Times|Daily|Guardian|Herald|Tribune|Gazette|Post|Chronicle|Telegraph|Observer|Courier)\b"
)


@dataclass
class _Imprint:
    """What the segments after a title say; filled field by field."""

    issued: Issued = field(default_factory=Issued)
    date: Segment | None = None
    volume: str = ""
    issue: str = ""
    page: str = ""
    others: list[Segment] = field(default_factory=list)


def is_reference_line(text: str) -> bool:
    """Whether a paragraph is a bibliography entry, precisely.

    It must open with names in the convention (family in capitals), carry
    a title that is not a date, and a segment that is wholly a date. A lone
    word in capitals (``LONDON, April 4th, 1890``) needs a container or at
    least three segments after it. Long paragraphs are prose.
    """
    line = _trim(" ".join(text.split()))
    if not line or len(line) > 600 or text.strip().count("\n") > 2:
        return False
    head = parse_head(line, segments(line))
    if head is None or head.rest_start >= len(line) or _is_sentence(line[head.rest_start :]):
        return False
    rest = segments(line, head.rest_start)
    if head.corporate and not _plausible_body(head.names[0].literal, line[head.rest_start :], rest):
        return False
    title = rest[0].text
    if _DATE_RE.fullmatch(title) or _DATE_HEAD_RE.fullmatch(title):
        return False
    if not (title[0].isupper() or title[0] in "‘“'\""):
        return False
    return _read_imprint(line, rest).date is not None


def _plausible_body(literal: str, rest: str, segs: list[Segment]) -> bool:
    """A body in capitals, not a heading or a dateline (``BOOK I``, ``LONDON``).

    A name of one or two words without a body's word (``PARTY``) needs a
    container or three segments after it.
    """
    if _HEADING_RE.match(literal):
        return False
    if len(literal.split()) >= 3 or is_body_name(literal) or len(segs) >= 3:
        return True
    return _split_container(rest)[1] is not None


def _is_sentence(text: str) -> bool:
    """Prose runs on: sentences inside (``. The``) or many lower-case words."""
    # Quoted titles may hold anything; judge only the text outside them.
    outside = re.sub(r"[‘“'\"][^’”'\"]*[’”'\"]", "", text)
    words = outside.split()
    # A full stop, then a lower-case word, is a sentence break in prose and
    # never happens between segments of an entry.
    return len(words) > 60 or bool(re.search(r"[.!?]\s+[a-z]{2,}", outside))


def parse_reference(text: str, ref_id: str, pos: Position) -> Reference:
    """A ``Reference`` for one entry; fields not recognised stay empty."""
    line = _trim(" ".join(text.split()))
    head = parse_head(line, segments(line))
    start = head.rest_start if head else 0
    ref = _parse_work(line[start:], Reference(id=ref_id, raw=text, pos=pos), bool(head and head.corporate))
    if head is None:
        return ref
    if head.editors:
        return replace(ref, editor=head.names + ref.editor)
    return replace(ref, author=head.names)


def parse_lone_reference(text: str, ref_id: str, pos: Position, author_hint: str) -> Reference | None:
    """A reference written without its author, after a quotation naming him.

    ``Title, Publisher, Year.`` with no head: accepted only when the line is
    short, opens with a capital, holds no sentence, and ends in a date.
    ``author_hint`` (as the citation wrote it) becomes the family name.
    """
    line = _trim(" ".join(text.split()))
    segs = segments(line)
    if not (2 <= len(segs) <= 8) or len(line) > 300 or not line[0].isupper():
        return None
    if not _DATE_RE.fullmatch(segs[-1].text) or _is_sentence(line) or parse_head(line, segs):
        return None
    if any(_LOWER_START_RE.match(s.text) for s in segs) or _SENTENCE_STOP_RE.search(line):
        return None
    title = segs[0].text
    if _DATE_HEAD_RE.fullmatch(title) or (len(segs) < 3 and len(title.split()) < 2):
        return None  # a dateline (``June, 1908.``, ``Paris, 1871.``), not a work
    ref = _parse_work(line, Reference(id=ref_id, raw=text, pos=pos))
    names = (Name(family=author_hint.strip()),) if author_hint.strip() else ()
    return replace(ref, author=names)


def _trim(line: str) -> str:
    """Drop the entry's closing full stop or stray trailing comma."""
    line = line.strip()
    # Keep the stop of an initial or abbreviation that ends the line (``J.-P.``, ``Ed.``).
    while line and line[-1] in ".,;" and not re.search(r"\b[A-Z]\.$|\b(?:Ed|Co|Inc|Ltd)\.$", line):
        line = line[:-1].rstrip()
    return line


def _split_container(rest: str) -> tuple[str, str | None]:
    """``(own part, container)`` split at ``In:-`` outside a leading quotation."""
    skip = max(quoted_end(rest), 0)
    m = _IN_RE.search(rest, skip)
    if m is None:
        return rest, None
    return rest[: m.start()], rest[m.end() :]


def _parse_work(rest: str, ref: Reference, by_body: bool = False) -> Reference:
    """Title, container and imprint of everything after the head.

    ``by_body``: a body wrote it, so it is its own publisher and a lone
    imprint segment is the place (``Stockport``). ``In:-`` with nothing
    before it names no part: the work is the book it introduces, under
    its editor (``FAMILY, I., In:- Body., Title, Place, Year``).
    """
    own, container = _split_container(rest.strip())
    if container is not None and not own.strip(" ,.-"):
        return _parse_edited_book(container, ref)
    own = own.strip().rstrip(",.").strip() if container is not None else own.strip()
    end = quoted_end(own)
    if end > 0:
        title, after = own[1 : end - 1], own[end:].strip(" ,.")
        if container is None:
            container = after  # a quoted part without ``In:-``: the container follows
    elif container is not None:
        title = own
    else:
        return _parse_book(own, ref, by_body)
    return _parse_part(title, container, ref)


def _parse_edited_book(container: str, ref: Reference) -> Reference:
    """A whole book after ``In:-``: its editors, then title and imprint."""
    segs = segments(container)
    head = parse_head(container, segs, container=True)
    if head is None:
        return _parse_book(container, ref)
    book = _parse_book(container[head.rest_start :], ref, by_body=head.corporate)
    return replace(book, editor=head.names)


def _parse_book(own: str, ref: Reference, by_body: bool = False) -> Reference:
    """``Title, Publisher, Place, Year`` without a container."""
    segs = segments(own)
    if not segs:
        return ref
    imprint = _read_imprint(own, segs[1:])
    date_start = imprint.date.start if imprint.date else len(own)
    before = [s for s in imprint.others if s.start < date_start]
    absorbed = 0
    while absorbed < len(before) and _RANGE_RE.fullmatch(before[absorbed].text):
        absorbed += 1  # a date range ends the title (``…, 1960-70``)
    absorbed += max(0, len(before) - absorbed - 2)  # more than publisher and place: title commas
    title_end = before[absorbed - 1].end if absorbed else segs[0].end
    imprint.others = imprint.others[absorbed:]
    if len(imprint.others) == 1 and not _PUBLISHER_RE.search(imprint.others[0].text):
        # One segment, and nothing says what: a body's own work names its
        # place, anyone else's book its publisher (``Verso``).
        lone = imprint.others[0].text
        publisher, place = ("", lone) if by_body else (lone, "")
    else:
        publisher, place = _imprint_names(own, imprint.others, periodical=False)
    ref = replace(ref, title=own[segs[0].start : title_end], publisher=publisher, publisher_place=place)
    return _with_numbers(ref, imprint)


def _parse_part(title: str, container: str, ref: Reference) -> Reference:
    """A chapter or article: own title, then the container and its imprint."""
    segs = segments(container)
    head = parse_head(container, segs, container=True)
    editors: tuple[Name, ...] = ()
    if head is not None:
        editors = head.names
        segs = segments(container, head.rest_start)
    ctitle, segs = _container_title(container, segs)
    imprint = _read_imprint(container, segs)
    kind = _part_type(imprint, ctitle)
    periodical = kind.startswith("article")
    if kind == "article-newspaper":
        note, publisher, place = ", ".join(s.text for s in imprint.others), "", ""
    else:
        note = ""
        publisher, place = _imprint_names(container, imprint.others, periodical)
    if periodical and head is not None and head.corporate and not publisher:
        publisher, editors = editors[0].literal, ()
    ref = replace(
        ref,
        type=kind,
        title=title.strip(),
        container_title=ctitle,
        editor=editors,
        publisher=publisher,
        publisher_place=place,
        note=note,
    )
    return _with_numbers(ref, imprint)


def _container_title(container: str, segs: list[Segment]) -> tuple[str, list[Segment]]:
    """The container's title: its first segment, unquoted."""
    if not segs:
        return "", []
    first = segs[0].text
    end = quoted_end(first)
    if end == len(first):
        first = first[1:-1]
    return first.strip(), segs[1:]


def _part_type(imprint: _Imprint, container_title: str) -> str:
    """Which CSL type a part is, from what its container's imprint carries."""
    issued = imprint.issued
    if imprint.issue or imprint.volume:
        return "article-journal"
    if issued.day or _NEWSPAPER_RE.search(container_title):
        return "article-newspaper"
    if issued.month or issued.literal:
        return "article-magazine"
    if imprint.others:
        return "chapter"
    return "article-journal"


def _with_numbers(ref: Reference, imprint: _Imprint) -> Reference:
    return replace(ref, issued=imprint.issued, volume=imprint.volume, issue=imprint.issue, page=imprint.page)


def _read_imprint(line: str, segs: list[Segment]) -> _Imprint:
    """Date, numbers and the leftover imprint segments after a title."""
    segs = _join_segments(line, segs)
    imprint = _Imprint()
    for seg in segs:
        m = _DATE_RE.fullmatch(seg.text)
        if m:
            imprint.issued, imprint.date = _issued(m), seg
    for seg in segs:
        if seg is imprint.date:
            continue
        n = _NUMBERS_RE.fullmatch(seg.text)
        if seg.text and n and any(n.groupdict().values()):
            imprint.volume = n["volume"] or imprint.volume
            imprint.issue = n["issue"] or imprint.issue
            imprint.page = n["page"] or imprint.page
        elif not _DATE_RE.fullmatch(seg.text):
            imprint.others.append(seg)
    return imprint


def _join_segments(line: str, segs: list[Segment]) -> list[Segment]:
    """Rejoin what a comma split: ``April, 1966b`` and ``Warsaw/, Paris``."""
    out: list[Segment] = []
    for seg in segs:
        prev = out[-1] if out else None
        if prev and ((_DATE_HEAD_RE.fullmatch(prev.text) and re.fullmatch(_YEAR, seg.text)) or prev.text.endswith("/")):
            out[-1] = Segment(line[prev.start : seg.end], prev.start, seg.end)
        else:
            out.append(seg)
    return out


def _issued(m: re.Match[str]) -> Issued:
    """An ``Issued`` from a date match; ``literal`` keeps anything but a year."""
    month = 0
    if m["month"]:
        month = month_number(m["month"])
    day = int(m["day1"] or m["day2"] or 0)
    suffix = m["suffix"] or m["psuffix"] or ""
    literal = m.group(0) if (month or day or m["season"]) else ""
    return Issued(year=int(m["year"]), month=month, day=day, suffix=suffix, literal=literal)


def _imprint_names(line: str, others: list[Segment], periodical: bool) -> tuple[str, str]:
    """``(publisher, place)`` from the leftover segments (see module rules)."""
    texts = [s.text for s in others]
    if len(texts) == 1:
        return _single_imprint(texts[0], periodical)
    if len(texts) >= 2:
        if periodical and not any(_PUBLISHER_RE.search(t) for t in texts):
            return "", line[others[0].start : others[-1].end]
        return line[others[0].start : others[-2].end], texts[-1]
    return "", ""


def _single_imprint(text: str, periodical: bool) -> tuple[str, str]:
    """One segment: split ``Place – Publisher``/``PUB. Place``, or judge by cue."""
    m = _ACRONYM_STOP_RE.fullmatch(text)
    if m:
        return m["publisher"], m["place"]
    m = _PLACE_PUB_RE.fullmatch(text)
    if m and (":" in text or _PUBLISHER_RE.search(m["publisher"])):
        return m["publisher"], m["place"]
    if _PUBLISHER_RE.search(text):
        return text, ""
    return ("", text) if periodical else ("", "")
