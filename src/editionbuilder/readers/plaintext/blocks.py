"""A scope's classified paragraphs (a chapter, a comment, a glossary entry)
to model blocks: paragraphs, displayed quotations, section breaks, headings,
preformatted text, and the notes the scope holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ... import codes
from ...diagnostics import Diagnostics
from ...lazyre import lazy_compile
from ...model import (
    Block,
    BlockQuote,
    Heading,
    Inline,
    LineBreak,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    SectionBreak,
    Table,
)
from ...model.walk import walk_inlines
from .classify import ILLUSTRATION, Item
from .inlines import parse_inlines
from .notemarks import NOTE_KINDS
from .paragraphs import Para
from .quotes import closes_inline, find_quote, indented_source, opens_quotation, quotation_parts
from .tables import TableText, read_table

# A line of a table or an ASCII box: a gap of three or more spaces between
# words (aligned columns), or a line drawn with | + - characters.
_TABULAR = lazy_compile(r"\S {3,}\S|^\s*[|+][-+|= ]*")
VERSE_MAX_LINE = 55


@dataclass
class NoteDraft:
    label: str
    kind: str
    paras: list[Para]
    first_text: str
    # Number of calls seen in the scope before this note, for pairing.
    calls_before: int = 0
    group: int = 0


@dataclass
class ScopeResult:
    blocks: list[Block] = field(default_factory=list)
    notes: list[NoteDraft] = field(default_factory=list)
    lone_refs: list[tuple[int, Item]] = field(default_factory=list)


@dataclass
class ScopeBuilder:
    """Builds one scope. ``calls`` is the call styles in use ("[", "*")."""

    file: str
    calls: str
    diags: Diagnostics
    # Does a paragraph read as a reference line without its author? Asked
    # only right after a quotation with an attribution.
    is_lone_ref: Callable[[str], bool] = lambda _text: False
    # Whether two or more blank lines before a paragraph mark a section break.
    blank_breaks: bool = True
    out: ScopeResult = field(default_factory=ScopeResult)
    _call_count: int = 0
    _group: int = 0
    _last_kind: str = ""

    def pos(self, first: Para, last: Para | None = None) -> Position:
        return Position(self.file, first.start, (last or first).end)

    def build(self, items: list[Item]) -> ScopeResult:
        texts = [it.text for it in items]
        stops = {i for i, it in enumerate(items) if it.kind != "content" or it.para.blank_before >= 2}
        i = 0
        while i < len(items):
            i = self._one(items, texts, stops, i)
        return self.out

    def _one(self, items: list[Item], texts: list[str], stops: set[int], i: int) -> int:
        item = items[i]
        if item.kind in NOTE_KINDS or item.kind == "note-cont":
            self._note(item)
            return i + 1
        self._last_kind = item.kind
        if item.kind == "scene":
            self._add(SectionBreak(self.pos(item.para)), break_ok=False)
            return i + 1
        if item.kind == "heading":
            self._add(Heading(max(item.level, 2), self._inl(item.text), self.pos(item.para)), False)
            return i + 1
        if item.kind == "reference" or (self._after_cited_quote() and self.is_lone_ref(item.text)):
            self.out.lone_refs.append((len(self.out.blocks), item))
            return i + 1
        if item.para.blank_before >= 2 and self.blank_breaks:
            self._add(SectionBreak(Position(self.file, item.para.start - 1, item.para.start - 1)), False)
        if ILLUSTRATION.match(item.text):  # a picture's placeholder: text, not a quotation
            self._add(Paragraph(self._inl(item.text), self.pos(item.para)))
            return i + 1
        if item.para.min_indent >= 2:
            return self._indented(items, i)
        if opens_quotation(item.text):
            return self._quotation(items, texts, stops, i)
        self._add(Paragraph(self._inl(item.text), self.pos(item.para)))
        return i + 1

    def _after_cited_quote(self) -> bool:
        last = self.out.blocks[-1] if self.out.blocks else None
        return isinstance(last, BlockQuote) and bool(last.attribution)

    def _add(self, block: Block, break_ok: bool = True) -> None:
        # No break at the head of a scope or after another break/heading.
        if isinstance(block, SectionBreak) and (
            not self.out.blocks or isinstance(self.out.blocks[-1], (SectionBreak, Heading))
        ):
            return
        self.out.blocks.append(block)

    def _inl(self, text: str) -> tuple[Inline, ...]:
        inlines = parse_inlines(text, self.calls)
        self._call_count += sum(1 for n in walk_inlines(inlines) if isinstance(n, NoteRef))
        return inlines

    def _note(self, item: Item) -> None:
        if item.kind == "note-cont":
            if self.out.notes:
                self.out.notes[-1].paras.append(item.para)
            return
        if self._last_kind != "note":
            self._group += 1
        self._last_kind = "note"
        self.out.notes.append(NoteDraft(item.label, item.kind, [item.para], item.text, self._call_count, self._group))

    def _quotation(self, items: list[Item], texts: list[str], stops: set[int], i: int) -> int:
        span = find_quote([it.para for it in items], i, stops)
        if span is None:
            if not closes_inline(texts[i]):
                self.diags.add(
                    codes.QUOTE_UNCLOSED, "a quotation opens here and is never closed", self.pos(items[i].para)
                )
            self._add(Paragraph(self._inl(texts[i]), self.pos(items[i].para)))
            return i + 1
        if span.closed == "at-citation":
            self.diags.add(
                codes.QUOTE_UNCLOSED,
                f"a quotation opens here and is not closed before its citation {span.attribution}; "
                "it is set as a block quote ending there",
                self.pos(items[i].para),
            )
        parts = quotation_parts([it.para for it in items], i, span)
        paras = [Paragraph(self._lines(lines), self.pos(items[j].para)) for j, lines in parts]
        attribution = self._inl(span.attribution) if span.attribution else ()
        self._add(BlockQuote(tuple(paras), attribution, self.pos(items[i].para, items[span.end].para)))
        return span.end + 1

    def _lines(self, lines: list[str]) -> tuple[Inline, ...]:
        """Inlines of lines kept apart by line breaks (one line: prose)."""
        out: list[Inline] = []
        for n, line in enumerate(lines):
            if n:
                out.append(LineBreak())
            out.extend(self._inl(line))
        return tuple(out)

    def _indented(self, items: list[Item], i: int) -> int:
        """Indented paragraphs: a table/box (preformatted), verse, or prose extract."""
        j = i
        while (
            j + 1 < len(items)
            and items[j + 1].kind == "content"
            and items[j + 1].para.min_indent >= 2
            and items[j + 1].para.blank_before < 2
        ):
            j += 1
        group = [it.para for it in items[i : j + 1]]
        if any(_TABULAR.search(ln) for p in group for ln in p.lines):
            base = min(p.min_indent for p in group)
            table = read_table(group, base)
            if table is not None:
                self._add(self._table(table, self.pos(group[0], group[-1])))
                return j + 1
            parts: list[str] = []
            for p in group:
                parts.append("\n" * min(p.blank_before, 2) if parts else "")
                parts.append("\n".join(ln[base:] for ln in p.lines))
            self._add(Preformatted("".join(parts), self.pos(group[0], group[-1])))
            return j + 1
        after = items[j + 1].para if j + 1 < len(items) and items[j + 1].kind == "content" else None
        quote, source, took = indented_source(group, after)
        blocks = tuple(self._indented_para(p) for p in quote)
        last = after if took and after is not None else group[-1]
        self._add(BlockQuote(blocks, self._inl(source) if source else (), self.pos(group[0], last)))
        return j + 2 if took else j + 1

    def _table(self, table: TableText, pos: Position) -> Table:
        """A table's cells and caption parsed as text (a cell may call a
        note); the caption's paragraphs parted by line breaks."""
        caption: list[Inline] = []
        for n, text in enumerate(table.caption):
            caption += ([LineBreak()] if n else []) + list(self._inl(text))
        rows = tuple(tuple(self._inl(cell) for cell in row) for row in table.rows)
        return Table(rows, table.head, tuple(caption), pos)

    def _indented_para(self, p: Para) -> Paragraph:
        if len(p.lines) > 1 and all(len(ln.strip()) <= VERSE_MAX_LINE for ln in p.lines):
            inlines: list[Inline] = []
            for n, line in enumerate(p.lines):
                if n:
                    inlines.append(LineBreak())
                inlines.extend(self._inl(line.strip()))
            return Paragraph(tuple(inlines), self.pos(p))
        return Paragraph(self._inl(p.text), self.pos(p))
