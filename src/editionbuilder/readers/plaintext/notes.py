"""Pair footnote calls with note texts, within one scope.

Three conventions, each paired its own way:
- asterisk notes (`word*` ... `* note`): in order;
- bracketed notes in a FOOTNOTES block (`[12]` ... `[12] note`): by label,
  among the calls made since the previous block (a call may be repeated;
  a note may have no call: both are reported);
- inline notes (`[3]` ... `[Footnote 3: note]`): in order within each group
  of notes, among the calls since the previous group, because such texts
  restart numbering on every printed page and misnumber some notes.
Unpaired calls go back to being text, with a warning; unpaired notes are
kept, with a warning, so that no sentence is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ... import codes
from ...diagnostics import Diagnostics
from ...model import (
    Block,
    Heading,
    Inline,
    Note,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    Text,
)
from ...walk import iter_blocks, map_inline_runs, map_nodes, merge_texts, walk_inlines
from .blocks import _TABULAR, NoteDraft
from .inlines import call_text, parse_inlines


@dataclass
class Pairing:
    by_call: dict[int, str]  # call index -> note id
    notes: list[Note]


def pair_notes(
    blocks: list[Block], drafts: list[NoteDraft], file: str, new_id: Callable[[], str], diags: Diagnostics
) -> tuple[list[Block], list[Note]]:
    found = _calls(blocks)
    calls = [c for c, _ in found]
    notes = [_make_note(d, new_id(), file) for d in drafts]
    by_call: dict[int, str] = {}
    _pair_stars(calls, drafts, notes, by_call)
    _pair_by_group(calls, drafts, notes, by_call)
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


def _pair_stars(calls, drafts, notes, by_call) -> None:
    star_calls = [i for i, c in enumerate(calls) if c.marker == "*"]
    star_notes = [k for k, d in enumerate(drafts) if d.kind == "star-note"]
    for i, k in zip(star_calls, star_notes, strict=False):
        by_call[i] = notes[k].id


def _pair_by_group(calls, drafts, notes, by_call) -> None:
    groups: dict[int, list[int]] = {}
    for k, d in enumerate(drafts):
        if d.kind != "star-note":
            groups.setdefault(d.group, []).append(k)
    low = 0
    for members in groups.values():
        high = drafts[members[0]].calls_before
        window = [i for i in range(low, high) if calls[i].marker != "*" and i not in by_call]
        if drafts[members[0]].kind == "bracket-note":
            _pair_labels(window, members, calls, drafts, notes, by_call)
        else:
            for i, k in zip(window, members, strict=False):
                by_call[i] = notes[k].id
        low = high


def _pair_labels(window, members, calls, drafts, notes, by_call) -> None:
    for k in members:
        for i in window:
            if calls[i].marker == drafts[k].label and i not in by_call:
                by_call[i] = notes[k].id


def _calls(blocks: list[Block]) -> list[tuple[NoteRef, Position]]:
    """Unpaired calls with the position of their block, in the order
    ``iter_inlines`` meets them (attributions hold no calls yet)."""
    out = []
    for block in iter_blocks(tuple(blocks)):
        if isinstance(block, (Paragraph, Heading)):
            out += [(n, block.pos) for n in walk_inlines(block.inlines) if isinstance(n, NoteRef) and not n.note_id]
    return out


def _report(found, drafts, notes, by_call, diags: Diagnostics) -> None:
    used = set(by_call.values())
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
