"""Pandoc blocks the model has no exact place for: how each comes through.

* ``Table`` -> ``Preformatted``: the table as pandoc's plain-text writer
  sets it (columns aligned, caption below), rendered for all tables of a
  manuscript in one pandoc run (``render_tables``); warning
  ``table-simplified``. Its lines are the table's and its caption's.
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
import textwrap
from typing import Any, Protocol

from ... import codes
from ...diagnostics import InputError
from ...model import Block, GlossaryEntry, Paragraph, Position, Preformatted
from ...pandoc_tool import KEEP_LANGUAGE, PandocJob, convert_json, document
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


# The paragraph put between two tables when rendering them in one run; the
# output is cut at its line.
_TABLE_SPLIT = "EDITIONBUILDER-TABLE-SPLIT"

# Characters that cannot appear in a glossary id.
_SLUG_RE = re.compile(r"[^\w]+")


def render_tables(tables: list[dict[str, Any]]) -> list[str]:
    """Every table as plain text, in one pandoc run (``-t plain``)."""
    if not tables:
        return []
    blocks: list[Any] = []
    for n, table in enumerate(tables):
        if n:
            blocks.append({"t": "Para", "c": [{"t": "Str", "c": _TABLE_SPLIT}]})
        blocks.append(table)
    job = PandocJob(
        "json", "plain", KEEP_LANGUAGE, "setting the manuscript's tables as text", ("--columns=72",), InputError
    )
    text, _ = convert_json(document({}, blocks), job)
    parts = text.split(_TABLE_SPLIT)
    return [textwrap.dedent(p.strip("\n")).strip("\n") for p in parts]


class Special:
    """Tables, figures, raw blocks and definition lists (module docstring)."""

    def __init__(self, state: ReadState, reader: BlockSource, tables: list[str]):
        self.state = state
        self.reader = reader
        self.tables = list(tables)

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

    def _table(self, node: dict[str, Any]) -> Preformatted:
        """The table's lines: the run around its cells, and its caption's."""
        st = self.state
        c = node["c"]
        cells = st.locator.span(ast_words(c[3:])) or Span(st.locator.cursor_line(), st.locator.cursor_line())
        line, end = st.locator.run_around(cells.line)[0], st.locator.run_around(cells.end)[1]
        caption = meta_text(c[1][1]).strip()
        near = st.locator.find_near(ast_words(c[1][1]), line - 6, end + 6) if caption else None
        if near is not None:
            line, end = min(line, st.locator.run_around(near.line)[0]), max(end, st.locator.run_around(near.end)[1])
        st.locator.move_past(end)
        pos = self.reader.enter(Span(line, end, cells.first, cells.last))
        text = self.tables.pop(0) if self.tables else meta_text(c[3:])
        label = f"table {caption[:50]!r}" if caption else "a table"
        st.add(codes.TABLE_SIMPLIFIED, f"{label} is set as preformatted text (the edition has no tables)", pos)
        return Preformatted(text, pos)

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
