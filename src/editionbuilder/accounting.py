"""Counting what the model holds, and accounting for every source line.

``stats`` gives the figures ``inspect --stats`` prints; ``account`` checks
that each non-blank line of each source lies inside the position of
something in the model, or in a range the report lists as removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .diagnostics import Diagnostic, Severity
from .model import (
    BlockQuote,
    Citation,
    Code,
    Edition,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    SectionBreak,
    Strong,
    Table,
    TermRef,
    Text,
)
from .walk import iter_blocks, iter_inlines


def _author_blocks(edition: Edition):
    """Top-level blocks of the author's chapters (a quotation's paragraphs
    count as one block quote, not as paragraphs)."""
    for c in edition.chapters:
        if c.role == "chapter":
            yield from c.blocks


def stats(edition: Edition, diagnostics: list[Diagnostic]) -> dict[str, object]:
    """Counts of what the reader found; keys fixed by the CLI's contract."""
    blocks = list(_author_blocks(edition))
    items = [i for n in _every_inline(edition) if isinstance(n, Citation) for i in n.items]
    return {
        "title": edition.metadata.title,
        "authors": list(edition.metadata.authors),
        "paragraphs": sum(isinstance(b, Paragraph) for b in blocks),
        "block_quotes": sum(isinstance(b, BlockQuote) for b in blocks),
        "section_breaks": sum(isinstance(b, SectionBreak) for b in blocks),
        "notes": len(edition.notes),
        "glossary_entries": len(edition.glossary),
        "references": len(edition.references),
        "citations": len(items),
        "citations_resolved": sum(1 for i in items if i.key),
        "comments": len(edition.comments),
        "removed_lines": sum(r.pos.end_line - r.pos.line + 1 for r in edition.removed),
        "warnings": sum(d.severity is Severity.WARNING for d in diagnostics),
    }


def _every_inline(edition: Edition):
    for c in edition.chapters:
        yield from iter_inlines(c.blocks)
    for group in (edition.notes, edition.glossary, edition.comments):
        for x in group:
            yield from iter_inlines(x.blocks)


@dataclass(frozen=True, slots=True)
class FileAccount:
    file: str
    lines: int
    blank: int
    in_model: int
    removed: int
    unaccounted: tuple[int, ...]


def positions(edition: Edition) -> Iterator[Position]:
    """Every position the model records: leaves and titles, not container
    spans, so a line dropped inside a chapter shows up as unaccounted."""
    yield from edition.metadata.origins
    for c in edition.chapters:
        yield c.pos
        yield from (b.pos for b in iter_blocks(c.blocks))
    for group in (edition.notes, edition.glossary, edition.comments):
        for x in group:
            yield x.pos
            yield from (b.pos for b in iter_blocks(x.blocks))
    yield from (r.pos for r in edition.references)


def account(edition: Edition, texts: dict[str, str]) -> list[FileAccount]:
    """Per source: how its lines are accounted for (``texts`` by file name)."""
    out = []
    for file, text in texts.items():
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        model = _covered(p for p in positions(edition) if p.file == file)
        removed = _covered(r.pos for r in edition.removed if r.pos.file == file)
        blank = {n for n, ln in enumerate(lines, 1) if not ln.strip()}
        content = set(range(1, len(lines) + 1)) - blank
        missing = tuple(sorted(content - model - removed))
        out.append(
            FileAccount(file, len(lines), len(blank), len(content & model), len(content & removed - model), missing)
        )
    return out


def _covered(ps) -> set[int]:
    out: set[int] = set()
    for p in ps:
        if p.line:
            out.update(range(p.line, max(p.line, p.end_line) + 1))
    return out


# A word for fidelity checks: a run of letters or digits. Typography never
# changes these (it only touches quotes, dashes, spaces and dots).
WORD = re.compile(r"[^\W_]+")


def model_words(edition: Edition) -> list[str]:
    """Every word the model holds, metadata and apparatus included."""
    return WORD.findall("\n".join(_model_texts(edition)))


def _model_texts(edition: Edition) -> Iterator[str]:
    m = edition.metadata
    yield from (m.title, m.subtitle, *m.authors, *(c.name for c in m.credits))
    for c in edition.chapters:
        yield inline_text(c.title)
        yield from block_texts(c.blocks)
    for n in edition.notes:
        yield n.marker
        yield from block_texts(n.blocks)
    for g in edition.glossary:
        yield g.term
        yield from block_texts(g.blocks)
    yield from (r.raw for r in edition.references)
    for comment in edition.comments:
        yield str(comment.number)
        yield from block_texts(comment.blocks)


def block_texts(blocks, note_marks: bool = True) -> Iterator[str]:
    """The text of ``blocks`` in reading order (a quotation, then its
    attribution); ``note_marks``: see ``inline_text``."""
    for b in blocks:
        if isinstance(b, Preformatted):
            yield b.text
        elif isinstance(b, (Paragraph, Heading)):
            yield inline_text(b.inlines, note_marks)
        elif isinstance(b, BlockQuote):
            yield from block_texts(b.blocks, note_marks)
            yield inline_text(b.attribution, note_marks)
        elif isinstance(b, ListBlock):
            for item in b.items:
                yield from block_texts(item, note_marks)
        elif isinstance(b, Table):  # the caption, then the rows, a cell after another
            yield inline_text(b.caption, note_marks)
            yield from (" ".join(inline_text(cell, note_marks) for cell in row) for row in b.rows)


def inline_text(inlines, note_marks: bool = True) -> str:
    """The text of ``inlines``; a note call as its mark, or (``note_marks``
    false) as a bare word boundary."""
    out = []
    for n in inlines:
        if isinstance(n, (Text, Code)):
            out.append(n.text)
        elif isinstance(n, NoteRef):
            out.append(f" {n.marker} " if note_marks else " ")
        elif isinstance(n, Citation):
            out.append(n.prefix + n.separator.join(i.text for i in n.items) + n.suffix)
        elif isinstance(n, (Emphasis, Strong, TermRef, Link)):
            out.append(inline_text(n.children, note_marks))
        elif isinstance(n, LineBreak):
            out.append("\n")
    return "".join(out)
