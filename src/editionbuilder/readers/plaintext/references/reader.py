"""A page's bibliography lines to ``Reference`` values, in whichever style.

Two families of style are read:

* the capitals convention of web-copied essays (``FAMILY, Given, Title,
  Publisher, Place, Year.``), read by ``bibliography``;
* the sentence styles — APA, Harvard, Chicago (author-date and notes) and
  MLA — whose parts end in full stops, read by ``reference_grammar``.

A line in capitals at its head is read in the first family, any other in
the second. ``---.`` (MLA, Chicago) repeats the names of the entry above.
Every entry gets a CSL type (``reference_types``); a type no word of the
entry told is reported (``reference-type-guessed``), and so is an entry
whose title was not found (``reference-words-unused``: it prints as
written). Words that no field took are reported when the entry is
formatted (``csl``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .... import codes
from ....diagnostics import Diagnostics
from ....lazyre import lazy_compile
from ....model import Name, Position, Reference
from .capitals import is_reference_line as is_capitals_line
from .capitals import parse_reference as parse_capitals
from .extras import take_extras
from .grammar import Reading, read_entry
from .kinds import Typed, by_body, type_part, type_work
from .names import parse_head, segments

# Prose: a full stop followed by a word in lower case, outside quotations.
_SENTENCE_RE = lazy_compile(r"[.!?]\s+[a-z]{2,}")
_QUOTED_RE = lazy_compile(r"[‘“][^’”]*[’”]|\"[^\"]*\"")
# Entries are short; a paragraph of more words is prose.
_MAX_WORDS = 90


def is_reference_line(text: str) -> bool:
    """Whether a paragraph is one bibliography entry, in either family."""
    if is_capitals_line(take_extras(" ".join(text.split()))[0]):
        return True
    line = " ".join(text.split())
    if not line or text.strip().count("\n") > 2 or len(line.split()) > _MAX_WORDS or _in_capitals(line):
        return False
    reading = read_entry(line, Reference(id="probe"))
    if reading is None or not _plausible(reading):
        return False
    return not _SENTENCE_RE.search(_QUOTED_RE.sub("", line[reading.head.end :]))


def _plausible(reading: Reading) -> bool:
    """A title that opens like one, a date, and at most one unit unread."""
    ref = reading.ref
    title = ref.title
    dated = bool(ref.issued.year or ref.issued.literal)
    return bool(title) and (title[0].isupper() or title[0].isdigit()) and dated and len(reading.unused) <= 1


def _in_capitals(line: str) -> bool:
    return parse_head(line, segments(line)) is not None


def read_references(entries: Sequence[tuple[str, str, Position]], diagnostics: Diagnostics) -> list[Reference]:
    """``(text, id, position)`` of each entry, in order, to references."""
    out: list[Reference] = []
    previous: tuple[Name, ...] = ()
    for text, ref_id, pos in entries:
        ref = read_reference(text, ref_id, pos, previous, diagnostics)
        previous = ref.author or ref.editor or previous
        out.append(ref)
    return out


def read_reference(
    text: str, ref_id: str, pos: Position, previous: tuple[Name, ...] = (), diagnostics: Diagnostics | None = None
) -> Reference:
    """One entry; ``previous`` are the names a ``---.`` repeats."""
    line = " ".join(text.split())
    blank = Reference(id=ref_id, raw=text, pos=pos)
    if _in_capitals(line):
        bare, extras = take_extras(line)
        ref = extras.apply(replace(parse_capitals(bare, ref_id, pos), raw=text))
        typed = _type_capitals(ref)
    else:
        reading = read_entry(line, blank, previous)
        if reading is None:
            ref, typed = blank, Typed("book", False, "the entry opens with no names the reader knows")
        else:
            ref, typed = reading.ref, _type_reading(reading)
    ref = replace(ref, type=typed.type)
    if diagnostics is not None:
        _report(ref, typed, diagnostics)
    return ref


def _type_reading(reading: Reading) -> Typed:
    ref = reading.ref
    if reading.kind in ("interview", "manuscript", "webpage"):
        return type_work(reading.kind, ref, by_body(ref))
    if reading.part or ref.container_title:
        return type_part(reading.kind, ref)
    return type_work(reading.kind, ref, by_body(ref))


def _type_capitals(ref: Reference) -> Typed:
    """The capitals reader types parts itself; a whole work is typed here."""
    if ref.container_title:
        return Typed(ref.type, True)
    return type_work("", ref, by_body(ref))


def _report(ref: Reference, typed: Typed, diagnostics: Diagnostics) -> None:
    if not ref.title:
        message = "no title was found in this entry: it prints as written, and its type is a guess"
        diagnostics.add(codes.REFERENCE_WORDS_UNUSED, message, ref.pos)
    elif not typed.told:
        message = f"the type of this entry was guessed ({typed.why}): it is printed as {typed.type}"
        diagnostics.add(codes.REFERENCE_TYPE_GUESSED, message, ref.pos)
