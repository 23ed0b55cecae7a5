"""Pandoc blocks as the model's blocks, each with its source lines.

Mapped: ``Para``/``Plain`` (``Paragraph``), ``Header`` (``Heading``; level
1 starts a chapter, see ``build``), ``BlockQuote``, ``BulletList`` and
``OrderedList`` (``ListBlock`` with its start number), ``CodeBlock``
(``Preformatted``), ``HorizontalRule`` (``SectionBreak``), ``LineBlock``
(a paragraph with line breaks), ``Div`` (its blocks), ``Null`` (nothing).
Notes are read here too (``note``), because a note is blocks. A quote's
last block, when it is a ``Div`` of class ``attribution`` (the exporter's
convention), is the quote's ``attribution``.

Read in ``special``: tables (``Table``, what its cells cannot hold
reported), and, degraded or moved, figures, raw blocks, definition lists
(to the glossary).

Leaf blocks are located in the manuscript in document order (``locate``);
a container's position spans its children's.
"""

from __future__ import annotations

import re
from typing import Any

from ... import codes
from ...model import (
    Block,
    BlockQuote,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Note,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    SectionBreak,
    Text,
)
from .inlines import read_inlines
from .locate import Span, ast_words, words
from .metadata import meta_text
from .scan import note_definition_end
from .special import Special
from .state import NO_SPAN, ReadState

# A setext heading's underline (``====`` or ``----``).
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")

# A code fence line (backticks or tildes), opening or closing.
_FENCE_LINE_RE = re.compile(r"^\s*(?:`{3,}|~{3,})")

# A line of a block quotation: ``>`` after at most three spaces, or after
# more inside a list item or a definition (a glossary entry's quotation).
_QUOTE_LINE_RE = re.compile(r"^[ \t]*>")

# A horizontal rule: three or more ``-``, ``*`` or ``_``, spaces allowed.
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


class BlockReader:
    """Reads pandoc blocks into model blocks, in document order."""

    def __init__(self, state: ReadState):
        self.state = state
        self.special = Special(state, self)
        state.note_hook = self.note

    def blocks(self, nodes: list[dict[str, Any]]) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            out.extend(self.block(node))
        return out

    def block(self, node: dict[str, Any]) -> list[Block]:
        kind = node["t"]
        c: Any = node.get("c")  # pandoc JSON: its shape is the kind's (Space and the like have none)
        if kind in ("Para", "Plain"):
            pos = self.locate(node)
            inlines = read_inlines(c, self.state)
            # A paragraph left with spaces only held raw markup, now removed.
            return [Paragraph(inlines, pos)] if _has_content(inlines) else []
        if kind == "Header":
            pos = self.locate(node, setext=True)
            ident = self.state.id(c[1][0]) if c[1][0] else ""
            return [Heading(c[0], read_inlines(c[2], self.state), pos, ident)]
        if kind == "CodeBlock":
            return [Preformatted(c[1], self.locate(node, fenced=True))]
        if kind in ("BlockQuote", "BulletList", "OrderedList"):
            return [self._container(kind, c)]
        if kind == "HorizontalRule":
            return [SectionBreak(self._rule())]
        if kind == "LineBlock":
            return [self._line_block(node)]
        if kind == "Div":
            return self.blocks(c[1])
        if kind == "Null":
            return []
        return self.special.block(node)

    # -- positions ------------------------------------------------------------

    def locate(self, node: Any, setext: bool = False, fenced: bool = False) -> Position:
        """Find a leaf block's lines; it becomes the current block."""
        st = self.state
        span = st.locator.span(ast_words(node)) or Span(st.locator.cursor_line(), st.locator.cursor_line())
        line, end = span.line, span.end
        if fenced and node.get("t") == "CodeBlock" and span.first >= 0:
            # A code block's text is its lines as written: lines without
            # words at its start or end (a table's rule) are its lines too.
            lead, trail = _wordless_edges(node["c"][1])
            line, end = max(1, line - lead), min(len(st.locator.lines), end + trail)
        if setext and _line_matches(st, end + 1, _SETEXT_RE):
            end += 1
        if fenced and _line_matches(st, line - 1, _FENCE_LINE_RE):
            line -= 1
        if fenced and _line_matches(st, end + 1, _FENCE_LINE_RE):
            end += 1
        return self.enter(Span(line, end, span.first, span.last))

    def enter(self, span: Span) -> Position:
        """Make ``span`` the current block's (for its inlines' positions)."""
        st = self.state
        st.span, st.inline_line = span, span.line
        st.last_line = max(st.last_line, span.end)
        return st.position(span)

    def _rule(self) -> Position:
        """A rule has no words: the first rule line after the last block."""
        st = self.state
        upto = st.locator.cursor_line() or len(st.locator.lines)
        for n in range(st.last_line + 1, upto + 1):
            if _line_matches(st, n, _RULE_RE):
                return self.enter(Span(n, n))
        return st.position(Span(st.last_line, st.last_line))

    # -- containers -----------------------------------------------------------

    def _container(self, kind: str, c: Any) -> Block:
        if kind == "BlockQuote":
            body, attribution = (c[:-1], c[-1]) if c and _is_attribution(c[-1]) else (c, None)
            inner = tuple(self.blocks(body))
            pos = _span_of(inner, self.state)
            inlines, end = self._attribution(attribution)
            pos = Position(pos.file, pos.line, max(pos.end_line, end))
            return BlockQuote(inner, inlines, self._quote_lines(pos))
        start, items = (c[0][0], c[1]) if kind == "OrderedList" else (1, c)
        read = tuple(tuple(self.blocks(item)) for item in items)
        flat = tuple(b for item in read for b in item)
        return ListBlock(read, kind == "OrderedList", start, _span_of(flat, self.state))

    def _attribution(self, div: dict[str, Any] | None) -> tuple[tuple[Inline, ...], int]:
        """The inlines of an attribution div's paragraphs (a line break
        between two of them), and the last line they were found on."""
        out: list[Inline] = []
        end = 0
        for node in div["c"][1] if div is not None else []:
            pos = self.locate(node)
            end = max(end, pos.end_line)
            if out:
                out.append(LineBreak())
            if node["t"] in ("Para", "Plain"):
                out.extend(read_inlines(node["c"], self.state))
                continue
            self.state.add(
                codes.ATTRIBUTION_BLOCK, f"a {node['t']} in a quotation's attribution is kept as its text", pos
            )
            out.append(Text(" ".join(meta_text(node).split())))
        return tuple(out), end

    def _quote_lines(self, pos: Position) -> Position:
        """A quotation's span, on to its last ``>`` line (an empty ``>``
        line between its paragraphs holds no words to find)."""
        end = pos.end_line
        while pos.line and _line_matches(self.state, end + 1, _QUOTE_LINE_RE):
            end += 1
        return Position(pos.file, pos.line, end)

    def _line_block(self, node: dict[str, Any]) -> Paragraph:
        pos = self.locate(node)
        inlines: list[Any] = []
        for n, line in enumerate(node["c"]):
            if n:
                inlines.append(LineBreak())
            inlines.extend(read_inlines(line, self.state))
        return Paragraph(tuple(inlines), pos)

    # -- notes ----------------------------------------------------------------

    def note(self, node: dict[str, Any]) -> NoteRef:
        """A ``Note`` inline: its blocks become a ``Note``, located at its
        ``[^label]:`` definition in Markdown, else inside the calling block."""
        st = self.state
        st.note_count += 1
        note_id = st.id(f"n{st.note_count}")
        kind = st.note_kinds[st.note_count - 1] if st.note_count <= len(st.note_kinds) else "footnote"
        saved = (st.span, st.inline_line, st.locator.cursor, st.last_line)
        line, end = self._definition(node["c"])
        st.locator.cursor = st.locator.token_at_line(line) if line else max(st.span.first, 0)
        blocks = tuple(self.blocks(node["c"]))
        inner = _span_of(blocks, st)
        pos = Position(st.file, line or inner.line, max(end, inner.end_line))
        st.span, st.inline_line, st.locator.cursor, st.last_line = saved
        st.notes.append(Note(note_id, blocks, "", kind, pos))
        return NoteRef(note_id, "")

    def _definition(self, blocks: list[Any]) -> tuple[int, int]:
        """The lines of the unused footnote definition whose text is this
        note's; (0, 0) for an inline note or a manuscript without them."""
        st = self.state
        if st.layout is None:
            return 0, 0
        needle = ast_words(blocks)
        for line in st.layout.note_definitions:
            if line in st.used_note_lines:
                continue
            end = note_definition_end(st.locator.lines, line)
            hit = st.locator.find_near(needle, line, end)
            # The note's first words stand on its ``[^label]:`` line, or on
            # the next lines when that line holds the label alone.
            opening = words(st.locator.lines[line - 1].split("]:", 1)[-1])
            if (hit is not None and (hit.line == line or not opening)) or not needle:
                st.used_note_lines.add(line)
                return line, end
        return 0, 0


def _line_matches(state: ReadState, line: int, pattern: re.Pattern[str]) -> bool:
    lines = state.locator.lines
    return 0 < line <= len(lines) and bool(pattern.match(lines[line - 1]))


def _wordless_edges(text: str) -> tuple[int, int]:
    """How many lines of ``text`` come before its first word, and after its last."""
    found = [n for n, line in enumerate(text.split("\n")) if words(line)]
    if not found:
        return 0, 0
    return found[0], len(text.split("\n")) - 1 - found[-1]


def _is_attribution(node: dict[str, Any]) -> bool:
    return node["t"] == "Div" and "attribution" in node["c"][0][1]


def _has_content(inlines: tuple[Any, ...]) -> bool:
    return any(not isinstance(i, Text) or i.text.strip() for i in inlines)


def _span_of(blocks: tuple[Block, ...], state: ReadState) -> Position:
    """The lines from the first to the last of ``blocks`` (a container's)."""
    lines = [b.pos for b in blocks if b.pos.line]
    if not lines:
        return state.position(state.span if state.span is not NO_SPAN else Span(0, 0))
    return Position(state.file, min(p.line for p in lines), max(p.end_line for p in lines))
