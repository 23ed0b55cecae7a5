"""Note calls and note entries: who calls which note, with what label, linking where.

Notes carry the numbers the model gave them (1, 2, 3… in each chapter:
the ``number_notes`` pass), and the notes part lists them chapter by
chapter, each chapter's under its title. Calls are found walking the parts
in reading order and then the notes themselves (a note may call another). Each call
occurrence gets its own element id, so that a note called twice has two
backlinks. A print medium prints a footnote at its first call
(``float: footnote``); everything else goes to the notes part.

The EPUB note pattern (``templates/parts.j2``, macro ``notes``), chosen to
pop up in Apple Books, Kobo and Thorium and to pass EPUBCheck with usage
messages on::

    <a href="notes.xhtml#note-1" id="noteref-1" epub:type="noteref" role="doc-noteref">1</a>
    <section id="notes" epub:type="endnotes" role="doc-endnotes"><ol>
      <li><div id="note-1" epub:type="footnote" role="doc-footnote">… <a
          href="ch001.xhtml#noteref-1" epub:type="backlink" role="doc-backlink">↩</a></div></li>
    </ol></section>

- Apple Books pops up a ``noteref`` whose target carries ``epub:type``
  ``footnote``; it hides an ``<aside>`` footnote from the page but shows a
  ``<div>`` one (Apple Books Asset Guide, "pop-up footnotes"), so the Notes
  page stays readable for the reading systems that have no pop-ups.
- Kobo pops up the same ``noteref`` -> ``footnote`` pairing.
- Thorium (Readium's ``popupFootNotes``) pops up the target of any link
  whose ``epub:type`` or ``role`` contains ``noteref``, fetched across files.
- EPUBCheck 5.3 ``-u`` reports ``endnote`` (and ``rearnote``, ``note``) as
  deprecated (OPF-086b): Standard Ebooks' ``<li epub:type="endnote">``
  gives a usage message. DPUB-ARIA 1.1 deprecates ``doc-endnote`` in favour
  of list items inside ``doc-endnotes``; ``doc-footnote`` is not allowed on
  ``<li>``, and Ace wants ``epub:type="footnote"`` paired with that role;
  hence the ``<div>`` inside each ``<li>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..model import Chapter, Edition, Note, NoteRef
from ..model.walk import iter_inlines
from ..transforms.notenumbers import numbered_order
from .view import Backlink, Call, Medium, NoteEntry, Part, part_inlines, xml_id


@dataclass(frozen=True, slots=True)
class _Seen:
    """One NoteRef occurrence: ``key`` is id() of the node, ``part`` where it stands."""

    key: int
    call_id: str
    part: str
    in_note: bool


@dataclass
class _CallTable:
    """Every call of every note, notes in order of first call."""

    by_note: dict[str, list[_Seen]] = field(default_factory=dict)
    keys: set[int] = field(default_factory=set)

    def add(self, ref: NoteRef, part: str, in_note: bool) -> None:
        if id(ref) in self.keys:  # one node object placed twice: keep its first place
            return
        seen = self.by_note.setdefault(ref.note_id, [])
        suffix = f"-{len(seen) + 1}" if seen else ""
        seen.append(_Seen(id(ref), xml_id(ref.note_id, "noteref-") + suffix, part, in_note))
        self.keys.add(id(ref))


@dataclass(frozen=True)
class NoteLayout:
    """What the view and the notes part need: each call, and each note's entry."""

    calls: Mapping[int, Call]
    entries: tuple[NoteEntry, ...]


NOTES_KEY = "notes"  # the notes part: its EPUB file stem and section id


def layout_notes(edition: Edition, parts: Sequence[Part], medium: Medium) -> NoteLayout:
    """Calls and entries of every note of ``edition`` as placed in ``parts``."""
    notes_by_id = {n.id: n for n in edition.notes}
    table = _collect_calls(parts, notes_by_id)
    numbered = bool(edition.notes) and all(n.label for n in edition.notes)
    # Numbered by the model (the ``number_notes`` pass): its labels, in its
    # order, chapter by chapter; else (a model built by hand) numbered here.
    order = numbered_order(edition) if numbered else _note_order(edition, table)
    labels = {n.id: n.label for n in order} if numbered else note_labels(order)
    in_place = _notes_in_place(order, table, medium)
    calls = _calls(table, labels, in_place, notes_by_id, medium)
    listed = [n for n in order if n.id not in in_place]
    headings = _chapter_headings(listed, parts)
    entries = tuple(
        NoteEntry(
            n, xml_id(n.id, "note-"), labels[n.id], _backlinks(table, n.id, medium), *headings.get(n.id, ("", False))
        )
        for n in listed
    )
    return NoteLayout(calls, entries)


def _chapter_headings(listed: Sequence[Note], parts: Sequence[Part]) -> dict[str, tuple[str, bool]]:
    """note id -> the title of its chapter and whether it is set in small
    capitals (as the chapter's own heading), for the first listed note of
    each chapter, when the listed notes are of more than one chapter (their
    numbers start again at 1 in each)."""
    if len({n.chapter for n in listed}) < 2:
        return {}
    titles = {
        part.content.id: (part.title, part.content.small_caps) for part in parts if isinstance(part.content, Chapter)
    }
    out: dict[str, tuple[str, bool]] = {}
    for before, note in zip([None, *listed], listed, strict=False):
        if before is None or before.chapter != note.chapter:
            out[note.id] = titles.get(note.chapter, ("", False))
    return out


def _collect_calls(parts: Sequence[Part], notes: Mapping[str, Note]) -> _CallTable:
    """Walk parts, then note bodies (in order of first call), recording NoteRefs."""
    table = _CallTable()
    for part in parts:
        for node in part_inlines(part):
            if isinstance(node, NoteRef):
                table.add(node, part.key, False)
    done: set[str] = set()
    # Called notes in order of first call, then the uncalled, until no new call appears.
    while pending := [n for n in (*table.by_note, *notes) if n in notes and n not in done]:
        for note_id in pending:
            done.add(note_id)
            for node in iter_inlines(notes[note_id].blocks):
                if isinstance(node, NoteRef):
                    table.add(node, NOTES_KEY, True)
    return table


def _note_order(edition: Edition, table: _CallTable) -> list[Note]:
    """Called notes in order of first call, then notes never called (kept, not lost)."""
    by_id = {n.id: n for n in edition.notes}
    called = [by_id[i] for i in table.by_note if i in by_id]
    return called + [n for n in edition.notes if n.id not in table.by_note]


def note_labels(order: Sequence[Note]) -> dict[str, str]:
    """The label of each note of a model the ``number_notes`` pass has not
    numbered (one built by hand): the source's markers when every note has one,
    else numbers for all in order of first call (mixing the two would let a
    number collide with a marker such as ``4``)."""
    if all(n.marker for n in order):
        return {n.id: n.marker for n in order}
    return {n.id: str(i) for i, n in enumerate(order, start=1)}


def _notes_in_place(order: Sequence[Note], table: _CallTable, medium: Medium) -> frozenset[str]:
    """Footnotes printed at their first call (not from inside another note)."""
    if not medium.footnotes_in_place:
        return frozenset()
    return frozenset(
        n.id for n in order if n.kind != "endnote" and n.id in table.by_note and not table.by_note[n.id][0].in_note
    )


def _calls(
    table: _CallTable, labels: Mapping[str, str], in_place: frozenset[str], notes: Mapping[str, Note], medium: Medium
) -> dict[int, Call]:
    calls = {}
    for note_id, seen in table.by_note.items():
        if note_id not in notes:
            continue  # an unresolved call prints its bare mark (View.call)
        anchor = xml_id(note_id, "note-")
        for index, call in enumerate(seen):
            here = note_id in in_place and index == 0
            href = "" if here else medium.href(NOTES_KEY, anchor)
            note = notes[note_id] if here else None
            calls[call.key] = Call(call.call_id, labels[note_id], href, anchor, note)
    return calls


def _backlinks(table: _CallTable, note_id: str, medium: Medium) -> tuple[Backlink, ...]:
    """A link back to every call of the note; none when not linking or never called."""
    if not medium.links:
        return ()
    seen = table.by_note.get(note_id, [])
    return tuple(Backlink(medium.href(s.part, s.call_id), str(i)) for i, s in enumerate(seen, start=1))
