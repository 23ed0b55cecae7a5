"""Pandoc blocks the model has no exact place for: how each comes through.

* ``Table`` -> ``Table``: the caption's blocks its caption, the head's rows
  its head rows, each body's rows (a body's own head rows first) then the
  foot's rows its other rows; each cell's inlines read as a paragraph's
  (notes and citations in a cell work as in a paragraph). What a cell of
  the model cannot hold is kept and reported (``table-simplified``, the
  table's lines): several blocks in a cell are joined by line breaks, a
  list in a cell becomes its items' text after their marks (``•``,
  ``1.``), another block its text; a cell spanning several columns or rows
  stands in its first one, the others left empty. The table's lines are
  the run around its cells, and its caption's.
* ``Figure`` -> its caption as paragraphs (the image's description when
  that differs from the caption), with one ``image-dropped`` or
  ``image-missing`` warning per image.
* ``RawBlock`` (HTML, LaTeX, ``{=comment}``) -> left out, listed in the
  report with its text; warning ``raw-dropped``.
* ``DefinitionList`` -> glossary entries, one per term (``term`` its
  text, ``blocks`` all its definitions), in the edition's glossary and not
  in the chapter: a definition list in a manuscript is the author's
  glossary, which the edition sets once, with links from the first use of
  each term (``link_terms``). Its lines are the entries' positions.
* anything else -> left out with ``element-dropped``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from ... import codes
from ...model import Block, Code, GlossaryEntry, Inline, LineBreak, Paragraph, Position, Table, Text
from ..context import unique_id
from .inlines import image_text, read_inlines
from .locate import Span, ast_words
from .metadata import meta_text
from .state import ReadState


class BlockSource(Protocol):
    """What reads the blocks inside a table's caption, a figure or a
    definition (``blocks.BlockReader``, which hands itself in)."""

    def block(self, node: dict[str, Any]) -> list[Block]: ...

    def blocks(self, nodes: list[dict[str, Any]]) -> list[Block]: ...

    def locate(self, node: Any, setext: bool = False, fenced: bool = False) -> Position: ...

    def enter(self, span: Span) -> Position: ...


# Characters that cannot appear in a glossary id.
_SLUG_RE = re.compile(r"[^\w]+")


class Special:
    """Tables, figures, raw blocks and definition lists (module docstring)."""

    def __init__(self, state: ReadState, reader: BlockSource):
        self.state = state
        self.reader = reader

    def block(self, node: dict[str, Any]) -> list[Block]:
        kind = node["t"]
        if kind == "Table":
            return [self._table(node)]
        if kind == "Figure":
            return self._figure(node)
        if kind == "RawBlock":
            self._raw(node)
            return []
        if kind == "DefinitionList":
            self._glossary(node["c"])
            return []
        pos = self.reader.locate(node)
        self.state.add(codes.ELEMENT_DROPPED, f"pandoc element {kind} has no place in the edition and is left out", pos)
        return []

    def _table(self, node: dict[str, Any]) -> Table:
        """The table's rows (module docstring); its lines: the run around
        its cells, and its caption's."""
        st = self.state
        _attr, caption, _columns, head, bodies, foot = node["c"]
        cells = st.locator.span(ast_words(node["c"][3:])) or Span(st.locator.cursor_line(), st.locator.cursor_line())
        line, end = st.locator.run_around(cells.line)[0], st.locator.run_around(cells.end)[1]
        title = meta_text(caption[1]).strip()
        near = st.locator.find_near(ast_words(caption[1]), line - 6, end + 6) if title else None
        if near is not None:
            line, end = min(line, st.locator.run_around(near.line)[0]), max(end, st.locator.run_around(near.end)[1])
        st.locator.move_past(end)
        pos = self.reader.enter(Span(line, end, cells.first, cells.last))
        label = f"table {title[:50]!r}" if title else "a table"
        cut = _Cut(pos)
        # A caption of several paragraphs is the model's caption of several
        # lines (as a plain text's): nothing simplified to report.
        inlines = self._flat(caption[1], _Cut(pos), "its caption")
        head_rows = _grid(head[1], self.cell, cut)
        body_rows = [r for body in bodies for r in _grid(body[2] + body[3], self.cell, cut)]
        rows = head_rows + body_rows + _grid(foot[1], self.cell, cut)
        for what in cut.found:
            st.add(codes.TABLE_SIMPLIFIED, f"{label}: {what}", pos)
        return Table(tuple(rows), len(head_rows), inlines, pos)

    def cell(self, blocks: list[dict[str, Any]], cut: _Cut) -> tuple[Inline, ...]:
        """A cell's blocks as one run of inlines (several joined by line breaks)."""
        return self._flat(blocks, cut, "a cell")

    def _flat(self, blocks: list[dict[str, Any]], cut: _Cut, where: str) -> tuple[Inline, ...]:
        """``blocks`` as one run of inlines, a line break between two lines."""
        parts = [p for b in blocks for p in self._parts(b, cut, where)]
        if len(parts) > 1:
            cut.note(f"{where} holds several paragraphs or lines, joined by line breaks")
        out: list[Inline] = []
        for part in parts:
            if out:
                out.append(LineBreak())
            out.extend(part)
        return tuple(out)

    def _parts(self, node: dict[str, Any], cut: _Cut, where: str) -> list[tuple[Inline, ...]]:
        """The lines ``node`` gives a cell: a paragraph one, a list one per
        item (its mark before it), a container its blocks'."""
        kind = node["t"]
        c: Any = node.get("c")  # pandoc JSON: its shape is the kind's
        if kind in ("Para", "Plain"):
            return [read_inlines(c, self.state)]
        if kind == "LineBlock":
            return [read_inlines(line, self.state) for line in c]
        if kind in ("BulletList", "OrderedList"):
            cut.note(f"a list in {where} is set as its items' text")
            start, items = (c[0][0], c[1]) if kind == "OrderedList" else (1, c)
            out = []
            for n, item in enumerate(items):
                mark = f"{start + n}. " if kind == "OrderedList" else "\u2022 "
                inner = [i for b in item for p in self._parts(b, cut, where) for i in (Text(" "), *p)][1:]
                out.append((Text(mark), *inner))
            return out
        if kind in ("Div", "BlockQuote"):
            body = c[1] if kind == "Div" else c
            return [p for b in body for p in self._parts(b, cut, where)]
        if kind == "Null":
            return []
        if kind == "RawBlock":
            what = f"a raw {c[0]} block in {where}"
            self.state.add(codes.RAW_DROPPED, f"{what} is left out: {' '.join(c[1].split())[:60]}", cut.pos)
            self.state.remove(cut.pos, f"{what} (pandoc RawBlock)", c[1])
            return []
        if kind == "CodeBlock":
            cut.note(f"a code block in {where} is set as inline code")
            return [(Code(" ".join(c[1].split())),)]
        text = " ".join(meta_text(node).split())
        cut.note(f"a {kind} in {where} is set as its text")
        return [(Text(text),)] if text else []

    def _figure(self, node: dict[str, Any]) -> list[Block]:
        """The caption as paragraphs; each image warned about once."""
        _attr, caption, content = node["c"]
        pos = self.reader.locate(node)
        blocks: list[Block] = [
            Paragraph(read_inlines(b["c"], self.state), pos) for b in caption[1] if b["t"] in ("Para", "Plain")
        ]
        shown = meta_text(caption[1]).split()
        for b in content:
            inlines = b.get("c") if b["t"] in ("Para", "Plain") else None
            if inlines and len(inlines) == 1 and inlines[0]["t"] == "Image":
                alt = image_text(inlines[0]["c"], self.state)
                if meta_text(inlines[0]["c"][1]).split() != shown and alt:
                    blocks.append(Paragraph(alt, pos))
            else:
                blocks.extend(self.reader.block(b))
        return blocks

    def _raw(self, node: dict[str, Any]) -> None:
        fmt, text = node["c"]
        pos = self.reader.locate(node, fenced=True)
        comment = fmt == "comment" or (fmt == "html" and text.lstrip().startswith("<!--"))
        what = f"a comment block ({fmt})" if comment else f"a raw {fmt} block"
        self.state.add(codes.RAW_DROPPED, f"{what} is left out: {' '.join(text.split())[:60]}", pos)
        self.state.remove(pos, f"{what} (pandoc RawBlock)", text)

    def _glossary(self, items: list[Any]) -> None:
        """Each term of a definition list as a glossary entry."""
        st = self.state
        for term, definitions in items:
            pos = self.reader.locate(term)
            blocks = [b for d in definitions for b in self.reader.blocks(d)]
            ends = [b.pos.end_line for b in blocks if b.pos.line] + [pos.end_line]
            name = " ".join(meta_text(term).split())
            taken = {g.id for g in st.glossary}
            gid = unique_id(st.id("g-" + (_SLUG_RE.sub("-", name.casefold()).strip("-") or "term")), taken)
            entry_pos = Position(pos.file, pos.line, max(ends))
            st.glossary.append(GlossaryEntry(gid, name, tuple(blocks), entry_pos))


class _Cut:
    """What a table loses in the model's cells, each kind told once; ``pos``
    is the table's (a cell has no lines of its own)."""

    def __init__(self, pos: Position):
        self.pos = pos
        self.found: list[str] = []

    def note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)


def _grid(
    rows: list[Any], cell: Callable[[list[dict[str, Any]], _Cut], tuple[Inline, ...]], cut: _Cut
) -> list[tuple[tuple[Inline, ...], ...]]:
    """Pandoc rows (``[attr, [cell]]``, a cell ``[attr, align, rowspan,
    colspan, blocks]``) as the model's: a spanning cell in its first
    column of its first row, the places it covers left empty."""
    out: list[tuple[tuple[Inline, ...], ...]] = []
    covered: set[tuple[int, int]] = set()  # (row, column) taken by a cell above
    for r, (_attr, cells) in enumerate(rows):
        row: list[tuple[Inline, ...]] = []
        for _cattr, _align, rowspan, colspan, blocks in cells:
            while (r, len(row)) in covered:
                row.append(())
            col = len(row)
            row.append(cell(blocks, cut))
            row.extend(() for _ in range(colspan - 1))
            if rowspan > 1 or colspan > 1:
                cut.note("a cell spanning several columns or rows stands in its first, the others empty")
            for dr in range(1, rowspan):
                for dc in range(colspan):
                    covered.add((r + dr, col + dc))
        while (r, len(row)) in covered:
            row.append(())
        out.append(tuple(row))
    return out
