"""Level-1 sections that are not chapters: the exporter's conventions read back.

``writers/export`` writes what the model keeps apart from the chapters as
headed sections of the manuscript; this module recognises exactly those:

* a level-1 heading of class ``glossary``: the definition lists under it
  are the edition's glossary (``special`` reads them);
* a level-1 heading of class ``comments``: each level-2 heading of class
  ``comment`` under it opens a ``Comment`` whose ``number`` is the last
  number in the heading's text (``Response 3``; the comment's place when it
  has none) and whose ``author`` is the heading's ``author`` attribute; the
  blocks up to the next such heading are the comment's;
* ``matter`` and ``chapter-role`` attributes on any other level-1 heading
  place the chapter (``# About {matter="back" chapter-role="about"}``).

The section headings themselves are the edition's to print, so their lines
are listed in the report as removed. Blocks under a section heading that
are not glossary entries or comments are not dropped: the caller keeps
them as a chapter titled by the heading, with a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...model import Block, Comment, Position
from .blocks import BlockReader
from .metadata import meta_text
from .state import ReadState

# The chapter placements a heading may name (``Chapter.matter``).
MATTERS = ("front", "body", "back")

# The last number in a comment heading's text (``Response 12`` -> 12).
_NUMBER_RE = re.compile(r"(\d+)\D*$")


def classes(header: dict[str, Any] | None) -> list[str]:
    """The classes of a ``Header`` node (none for no heading)."""
    return list(header["c"][1][1]) if header is not None else []


def attribute(header: dict[str, Any] | None, key: str) -> str:
    """A key-value attribute of a ``Header`` node ("" when absent)."""
    if header is None:
        return ""
    return next((v for k, v in header["c"][1][2] if k == key), "")


def is_section(header: dict[str, Any] | None) -> bool:
    """A level-1 heading of the glossary or of the comments."""
    return bool({"glossary", "comments"} & set(classes(header)))


@dataclass
class _Open:
    """A comment being read: its heading's facts and its blocks so far."""

    number: int
    author: str
    pos: Position
    blocks: list[Block] = field(default_factory=list)


class SectionReader:
    """Reads the glossary and comments sections; returns the blocks left over."""

    def __init__(self, state: ReadState, reader: BlockReader):
        self.state = state
        self.reader = reader

    def read(self, head: dict[str, Any], nodes: list[Any]) -> list[Block]:
        """The section under ``head``; its heading line goes to the report."""
        st = self.state
        st.block_no += 1
        pos = self.reader.locate(head, setext=True)
        text = " ".join(meta_text(head["c"][2]).split())
        st.remove(pos, "heading of an apparatus section (the edition sets its own)", text)
        if "comments" in classes(head):
            return self._comments(nodes)
        left: list[Block] = []
        for node in nodes:
            st.block_no += 1
            left.extend(self.reader.block(node))  # definition lists go to the glossary
        return left

    def _comments(self, nodes: list[Any]) -> list[Block]:
        st = self.state
        left: list[Block] = []
        current: _Open | None = None
        for node in nodes:
            st.block_no += 1
            if node["t"] == "Header" and "comment" in classes(node):
                self._close(current)
                current = self._open(node)
            else:
                (current.blocks if current is not None else left).extend(self.reader.block(node))
        self._close(current)
        return left

    def _open(self, node: dict[str, Any]) -> _Open:
        pos = self.reader.locate(node, setext=True)
        m = _NUMBER_RE.search(meta_text(node["c"][2]))
        number = int(m.group(1)) if m else len(self.state.comments) + 1
        return _Open(number, attribute(node, "author"), pos)

    def _close(self, current: _Open | None) -> None:
        """The finished comment, or its lines in the report when the
        config leaves comments out."""
        if current is None:
            return
        st = self.state
        ends = [b.pos.end_line for b in current.blocks if b.pos.line] + [current.pos.end_line]
        pos = Position(st.file, current.pos.line, max(ends))
        if not st.ctx.options.include_comments:
            st.remove(pos, "reader comment (comments are excluded in the config)", f"comment {current.number}")
            return
        comment_id = st.id(f"comment{len(st.comments) + 1}")
        st.comments.append(Comment(comment_id, current.number, tuple(current.blocks), current.author, pos))
