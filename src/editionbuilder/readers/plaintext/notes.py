"""Pair footnote calls with note texts, within one scope.

The notes of a scope come in groups (notes with no text between them: a
note after its paragraph, a block of notes at the end or under a "Notes"
heading). A group's notes are paired with the calls made since the group
before it (its window), each convention its own way:
- labelled notes (`*`, `†`, `¹`, `[12]`): by label. A number one note of
  the group has takes every call of that number in the window (a note may
  be called twice: reported); a symbol, or a number several notes share,
  pairs call and note in order (a second `*` is another note). A note with no call in its window takes
  the nearest earlier call of its label left unpaired (a note placed at
  the end while a later group sits after its own paragraph);
- inline notes (`[3]` ... `[Footnote 3: note]`): in order within the
  group, among the bracketed calls of the window, because such texts
  restart numbering on every printed page and misnumber some notes.
Unpaired calls go back to being text, with a warning; unpaired notes are
kept, with a warning, so that no sentence is lost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ... import codes
from ...diagnostics import Diagnostics
from ...model import (
    Block,
    Inline,
    Note,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    Text,
)
from ...model.walk import inline_runs, map_inline_runs, map_nodes, merge_texts, walk_inlines
from .blocks import _TABULAR, NoteDraft
from .classify import Item
from .inlines import ALL_CALLS, call_text, parse_inlines
from .layout import Chapter
from .notemarks import LABELLED_KINDS, NOTE_KINDS, call_family


def gather_notes(chapters: list[Chapter]) -> None:
    """Notes whose calls are all in an earlier chapter join that chapter's
    end, so that they pair there: a block of notes at the end of a page
    after a heading that opened a chapter of its own (capitals
    "REFERENCES", "FURTHER READING") belongs to the text above it. A note
    stays where it is when its own chapter calls its mark."""
    free = [Counter(_call_labels(ch.items)) for ch in chapters]
    for k, ch in enumerate(chapters):
        for it in ch.items:
            if it.kind in LABELLED_KINDS:
                free[k][it.label] -= 1
    for k, ch in enumerate(chapters):
        kept: list[Item] = []
        target: Chapter | None = None
        for it in ch.items:
            if it.kind in LABELLED_KINDS:
                target = _caller(chapters, free, k, it.label)
            elif it.kind != "note-cont":
                target = None
            (target.items if target is not None else kept).append(it)
        ch.items = kept


def _caller(chapters: list[Chapter], free: list[Counter[str]], k: int, label: str) -> Chapter | None:
    """The nearest chapter before ``k`` with a call of ``label`` that no
    note of its own answers, when chapter ``k`` calls no such mark."""
    if free[k][label] >= 0:
        return None
    for j in range(k - 1, -1, -1):
        if free[j][label] > 0:
            free[j][label] -= 1
            free[k][label] += 1
            return chapters[j]
    return None


def _call_labels(items: list[Item]) -> list[str]:
    """The labels of the calls written in the paragraphs of ``items``."""
    out: list[str] = []
    for it in items:
        if it.kind not in NOTE_KINDS and it.kind != "note-cont":
            out += [n.marker for n in parse_inlines(it.text, ALL_CALLS) if isinstance(n, NoteRef)]
    return out


def pair_notes(
    blocks: list[Block], drafts: list[NoteDraft], file: str, new_id: Callable[[], str], diags: Diagnostics
) -> tuple[list[Block], list[Note]]:
    found = _calls(blocks)
    calls = [c for c, _ in found]
    notes = [_make_note(d, new_id(), file) for d in drafts]
    by_call = _pair(calls, drafts, notes)
    _report(found, drafts, notes, by_call, diags)
    return _rewrite(blocks, by_call), notes


def _make_note(d: NoteDraft, note_id: str, file: str) -> Note:
    blocks: list[Block] = [Paragraph(parse_inlines(d.first_text), Position(file, d.paras[0].start, d.paras[0].end))]
    for p in d.paras[1:]:
        pos = Position(file, p.start, p.end)
        if any(_TABULAR.search(ln) for ln in p.lines) or p.min_indent >= 2:
            base = p.min_indent
            blocks.append(Preformatted("\n".join(ln[base:] for ln in p.lines), pos))
        else:
            blocks.append(Paragraph(parse_inlines(p.text), pos))
    end = d.paras[-1].end
    return Note(note_id, tuple(blocks), d.label, "footnote", Position(file, d.paras[0].start, end))


def _groups(drafts: list[NoteDraft]) -> list[list[int]]:
    groups: dict[int, list[int]] = {}
    for k, d in enumerate(drafts):
        groups.setdefault(d.group, []).append(k)
    return list(groups.values())


def _pair(calls: list[NoteRef], drafts: list[NoteDraft], notes: list[Note]) -> dict[int, str]:
    pairer = _Pairer(calls, drafts, notes)
    low = 0
    for members in _groups(drafts):
        high = drafts[members[0]].calls_before
        pairer.group(members, low, high)
        low = high
    return pairer.by_call


@dataclass
class _Pairer:
    """Calls (by index) paired with notes, group by group."""

    calls: list[NoteRef]
    drafts: list[NoteDraft]
    notes: list[Note]
    by_call: dict[int, str] = field(default_factory=dict)  # call index -> note id

    def group(self, members: list[int], low: int, high: int) -> None:
        """Pair the notes ``members`` with the calls ``low``..``high``."""
        window = [i for i in range(low, high) if i not in self.by_call]
        inline = [k for k in members if self.drafts[k].kind == "inline-note"]
        bracketed = [i for i in window if call_family(self.calls[i].marker) == "bracket-note"]
        for i, k in zip(bracketed, inline, strict=False):
            self.by_call[i] = self.notes[k].id
        labelled = [k for k in members if k not in inline]
        self.labels(window, labelled)
        paired = set(self.by_call.values())
        for k in labelled:
            if self.notes[k].id not in paired:
                self.earlier(low, k)

    def labels(self, window: list[int], members: list[int]) -> None:
        """Within a group: a number one note has takes all its calls (a
        note called twice); a symbol, or a number several notes share,
        pairs call and note in order (a second `*` is another note, whose
        text is lost)."""
        owners: dict[str, list[int]] = {}
        for k in members:
            owners.setdefault(self.drafts[k].label, []).append(k)
        for label, ks in owners.items():
            found = [i for i in window if self.calls[i].marker == label and i not in self.by_call]
            if len(ks) == 1 and self.drafts[ks[0]].kind != "mark-note":
                for i in found:
                    self.by_call[i] = self.notes[ks[0]].id
            else:
                for i, k in zip(found, ks, strict=False):
                    self.by_call[i] = self.notes[k].id

    def earlier(self, low: int, k: int) -> None:
        """The nearest unpaired call of note ``k``'s label before its window."""
        for i in range(low - 1, -1, -1):
            if i not in self.by_call and self.calls[i].marker == self.drafts[k].label:
                self.by_call[i] = self.notes[k].id
                return


def _calls(blocks: Sequence[Block]) -> list[tuple[NoteRef, Position]]:
    """Unpaired calls with the position of their block, in the order
    ``map_nodes`` meets them: a quotation's paragraphs, then its
    attribution (a call may follow the citation); a table's caption, then
    its cells."""
    return [
        (n, pos)
        for inlines, pos in inline_runs(tuple(blocks))
        for n in walk_inlines(inlines)
        if isinstance(n, NoteRef) and not n.note_id
    ]


def _report(found, drafts, notes, by_call, diags: Diagnostics) -> None:
    used = set(by_call.values())
    for d, n in zip(drafts, notes, strict=False):
        for p in d.paras[1:]:
            # A paragraph without a mark in a block of notes is the note's own
            # by its place and shape only; indented, it is set inside the note.
            if p.min_indent < 2:
                where = Position(n.pos.file, p.start, p.end)
                diags.add(codes.NOTE_CONTINUED, f"read as a further paragraph of note {d.label}", where)
    for d, n in zip(drafts, notes, strict=False):
        if n.id not in used:
            diags.add(codes.NOTE_UNREFERENCED, f"note {d.label} has no call in the text; it is kept", n.pos)
    for i, (c, pos) in enumerate(found):
        if i not in by_call:
            diags.add(codes.NOTE_CALL_UNMATCHED, f"footnote call {call_text(c)} has no note; kept as text", pos)
    seen: dict[str, int] = {}
    for note_id in by_call.values():
        seen[note_id] = seen.get(note_id, 0) + 1
    for n in notes:
        if seen.get(n.id, 0) > 1:
            diags.add(codes.NOTE_CALLED_TWICE, f"note {n.marker} is called {seen[n.id]} times", n.pos)


def _rewrite(blocks: list[Block], by_call: dict[int, str]) -> list[Block]:
    """Give each call its note id, in the order ``iter_inlines`` met them;
    unpaired calls go back to text. Adjacent texts are merged afterwards."""
    counter = iter(range(1 << 30))

    def fix(node: Inline) -> Inline:
        if isinstance(node, NoteRef) and not node.note_id:
            i = next(counter)
            return replace(node, note_id=by_call[i]) if i in by_call else Text(call_text(node))
        return node

    return list(map_inline_runs(map_nodes(tuple(blocks), fix), merge_texts))
