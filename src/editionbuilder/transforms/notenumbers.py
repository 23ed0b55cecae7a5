"""The ``number_notes`` pass: the edition numbers its notes per chapter.

A source marks its notes as it can: Gutenberg transcriptions of printed
books keep the book's per-page numbers (a page of the text calls 2, 1, 1,
2), web pages use asterisks and daggers or one count for the whole text.
The edition numbers them its own way, Chicago's: 1, 2, 3… in
order of first call, starting again in each chapter. The number is
recorded in the model (``Note.label``, with ``Note.chapter``), so that the
EPUB, the PDF, the web edition and the report all print the same one; the
source's mark stays in ``Note.marker``.

Nothing imports this module but ``transforms`` (it is one of ``PASSES``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from .. import codes
from ..diagnostics import Diagnostics
from ..model import Chapter, Comment, Edition, GlossaryEntry, Inline, LineBreak, Note, NoteRef
from ..model.text import bare_text
from ..model.walk import iter_inlines, walk_inlines


def number_notes(edition: Edition, diagnostics: Diagnostics) -> Edition:
    """Every note numbered within its chapter (``numbered_order`` lists
    them in the order of those numbers).

    A note is numbered in the chapter of its first call, in the order the
    chapter calls them; a note called only from another note follows the
    chapter's own calls; a note called from a response or a glossary entry,
    or never called (kept, and warned about by the reader), belongs to the
    chapter its source lines fall in (``_strays``).
    """
    if not edition.notes:
        return edition
    by_id = {n.id: n for n in edition.notes}
    members: dict[str, list[str]] = {c.id: [] for c in edition.chapters}
    placed: set[str] = set()
    for chapter in edition.chapters:
        for note_id in _called(chapter, by_id):
            if note_id not in placed:
                placed.add(note_id)
                members[chapter.id].append(note_id)
    for chapter in edition.chapters:  # notes called from inside the chapter's notes
        queue = list(members[chapter.id])
        while queue:
            for note_id in _refs(by_id[queue.pop(0)]):
                if note_id in by_id and note_id not in placed:
                    placed.add(note_id)
                    members[chapter.id].append(note_id)
                    queue.append(note_id)
    # Notes called from the apparatus (a reader's response, a glossary
    # entry) are numbered in the chapter their lines fall in, after its own.
    apparatus: list[Comment | GlossaryEntry] = [*edition.comments, *edition.glossary]
    elsewhere = {i for x in apparatus for i in _refs(x)}
    strays: dict[str, list[Note]] = {c.id: [] for c in edition.chapters}
    for note in edition.notes:
        if note.id not in placed and (home := _home(note, edition.chapters)) is not None:
            if note.id in elsewhere:
                members[home.id].append(note.id)
            else:
                strays[home.id].append(note)
    numbered: dict[str, Note] = {}
    for chapter in edition.chapters:
        group = [replace(by_id[i], label=str(k), chapter=chapter.id) for k, i in enumerate(members[chapter.id], 1)]
        group += _strays(strays[chapter.id], {n.label for n in group}, chapter.id)
        _report(chapter, group, diagnostics)
        numbered.update((n.id, n) for n in group)
    # The notes keep the readers' order (a note with no chapter to number
    # it in, in a book of no chapters, takes no label).
    return replace(edition, notes=tuple(numbered.get(n.id, n) for n in edition.notes))


def _strays(notes: Sequence[Note], taken: set[str], chapter: str) -> list[Note]:
    """Labels for a chapter's uncalled notes. Such a note's only tie to the
    text is the mark the text prints where its call was not recognised (a
    "[53]" left inside a table): it keeps that mark, unless a note of the
    chapter already has it as its number; else it takes the next number free."""
    out = []
    for note in notes:
        label = note.marker if note.marker and note.marker not in taken else ""
        if not label:
            label = str(next(k for k in range(1, len(taken) + 2) if str(k) not in taken))
        taken.add(label)
        out.append(replace(note, label=label, chapter=chapter))
    return out


def numbered_order(edition: Edition) -> list[Note]:
    """The notes in the order of their numbers, chapter by chapter (the
    order a notes part lists them in); a label that is no number (an
    uncalled note's own mark) after the numbers, in the readers' order."""
    rank = {c.id: k for k, c in enumerate(edition.chapters)}

    def key(n: Note) -> tuple[int, int, int]:
        number = int(n.label) if n.label.isdigit() else -1
        return (rank.get(n.chapter, len(rank)), number < 0, number)

    return sorted(edition.notes, key=key)


def _called(chapter: Chapter, notes: Mapping[str, Note]) -> Iterator[str]:
    """The notes ``chapter`` calls, in the order it prints the calls (its
    title, then its blocks)."""
    for node in (*walk_inlines(chapter.title), *iter_inlines(chapter.blocks)):
        if isinstance(node, NoteRef) and node.note_id in notes:
            yield node.note_id


def _refs(holder: Note | Comment | GlossaryEntry) -> Iterator[str]:
    return (n.note_id for n in iter_inlines(holder.blocks) if isinstance(n, NoteRef))


def _home(note: Note, chapters: Sequence[Chapter]) -> Chapter | None:
    """The chapter an uncalled note's source lines fall in: of the chapters
    of its file, the one beginning nearest before it (else the first of its
    file, else the book's first)."""
    same = [c for c in chapters if c.source and c.source == note.pos.file]
    before = [c for c in same if _first_line(c) <= note.pos.line]
    if before:
        return max(before, key=_first_line)
    return next(iter(same or chapters), None)


def _first_line(chapter: Chapter) -> int:
    """The first source line of ``chapter``'s title or blocks."""
    lines = [line for line in (chapter.pos.line, *(b.pos.line for b in chapter.blocks)) if line]
    return min(lines, default=1 << 30)


def _title(chapter: Chapter) -> str:
    """A chapter's title for a message, its lines parted by " / "."""
    lines: list[list[Inline]] = [[]]
    for node in chapter.title:
        if isinstance(node, LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    return " / ".join(bare_text(tuple(line)) for line in lines) or chapter.id


def _report(chapter: Chapter, notes: Sequence[Note], diagnostics: Diagnostics) -> None:
    """One line for a chapter whose numbers are not the source's marks."""
    marks = [n.marker for n in notes]
    if not any(marks) or marks == [n.label for n in notes]:
        return  # unmarked notes (a manuscript's) or marks that were the numbers
    shown = ", ".join(m or "(none)" for m in marks[:8]) + (", …" if len(marks) > 8 else "")
    title = _title(chapter)
    message = f"the {len(notes)} note(s) of {title!r} are numbered 1 to {len(notes)}; the source marked them {shown}"
    # Said at the first note's own line (the chapter's heading line speaks of the title).
    first = next((n.pos for n in notes if n.pos.line), chapter.pos)
    diagnostics.add(codes.NOTES_RENUMBERED, message, first)
