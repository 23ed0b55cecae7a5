"""What the converters of one manuscript share: where they are, what they made.

The block and inline converters walk pandoc's AST in document order; this
state carries the locator (and so the current block's lines), the
bibliography, the notes, glossary entries, comments and removed lines
collected so far, and the diagnostics. Positions and warnings are made
here, so every message names its element and its line the same way: a
Markdown or HTML manuscript's line, or, for a zip manuscript (DOCX, ODT,
EPUB) that has no lines, line 0 and the top-level block's number in the
message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ...diagnostics import Code
from ...model import Comment, GlossaryEntry, Note, NoteRef, Position, Removed
from ..context import ReadContext
from .bibliography import Bibliography
from .locate import Locator, Span
from .scan import MarkdownLayout
from .source import Manuscript

NO_SPAN = Span(0, 0)


@dataclass
class ReadState:
    ctx: ReadContext
    doc: Manuscript
    locator: Locator
    bibliography: Bibliography
    layout: MarkdownLayout | None = None
    notes: list[Note] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    # Footnote definition lines already matched to a note.
    used_note_lines: set[int] = field(default_factory=set)
    # The number of the top-level block being read (1-based).
    block_no: int = 0
    # The lines of the block being read, and of the last inline found in it.
    span: Span = NO_SPAN
    inline_line: int = 0
    # Set by the block converter: reads a ``Note``'s blocks into the model.
    note_hook: Callable[[dict[str, Any]], NoteRef] | None = None
    note_count: int = 0
    # Per note in document order, "footnote" or "endnote" (DOCX), else empty.
    note_kinds: tuple[str, ...] = ()
    # The last source line of the blocks located so far.
    last_line: int = 0

    @property
    def file(self) -> str:
        return self.ctx.display

    def id(self, local: str) -> str:
        return f"{self.ctx.prefix}-{local}"

    def position(self, span: Span) -> Position:
        return Position(self.file, span.line, span.end)

    def here(self, needle: Sequence[str] = ()) -> Position:
        """The line of an inline element of the current block: the first line
        of the block holding ``needle`` after the previous element found."""
        line = self.locator.line_within(needle, self.span, self.inline_line)
        self.inline_line = line
        return Position(self.file, line, line)

    def where(self) -> str:
        """Words placing an element in a manuscript without lines."""
        if not self.doc.zipped:
            return ""
        return f" (top-level block {self.block_no}; {self.doc.format.upper()} has no line numbers)"

    def add(self, code: Code, message: str, pos: Position) -> None:
        """A diagnostic of ``code``, placed in a manuscript without lines too."""
        self.ctx.diagnostics.add(code, message + self.where(), pos)

    def remove(self, pos: Position, reason: str, text: str) -> None:
        self.removed.append(Removed(pos, reason, text))
