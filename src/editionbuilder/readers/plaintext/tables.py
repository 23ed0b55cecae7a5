"""Tables set in plain text as aligned columns (Gutenberg's "ASCII" tables).

An indented group of paragraphs with wide gaps inside its lines is a table
when, under its caption, its lines fall into two or more columns at the
same places:

- the caption is the group's leading lines of one piece of text each (a
  table's number, its title, maybe over two lines), a paragraph of the
  caption a line of its own;
- a column boundary is a run of ``MIN_GAP`` or more character positions
  blank on every line of the rows, with text on both sides;
- the heads are the leading rows whose every filled cell is wholly in
  `_italics_`, the way transcriptions set a printed table's column heads.

Anything else (a box drawn with ``|``/``+`` rules, lines that share no
column boundary, a single row) is no table, and stays preformatted text.
Nothing here builds model nodes: the reader parses each cell's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...lazyre import lazy_compile
from .paragraphs import Para

# Blank positions, on every row, that part two columns.
MIN_GAP = 2
# Inside one line, this many spaces part two pieces of text (the reader's
# sign of a tabular line, blocks._TABULAR).
_PIECES = lazy_compile(r"\S {3,}\S")
# A box or a rule drawn with characters: not a table of aligned columns.
_DRAWN = lazy_compile(r"[|+]|-{3,}|={3,}")
# A cell wholly in italics: a column head.
_ITALIC_CELL = lazy_compile(r"_[^_]+_")


@dataclass(frozen=True, slots=True)
class TableText:
    caption: tuple[str, ...]  # one text per caption paragraph
    rows: tuple[tuple[str, ...], ...]
    head: int


def read_table(paras: list[Para], base: int) -> TableText | None:
    """The table that the indented paragraphs ``paras`` set (their lines
    cut at ``base``), or None when they set none."""
    lines = [(k, line[base:].rstrip()) for k, p in enumerate(paras) for line in p.lines]
    lines = [(k, line) for k, line in lines if line.strip()]
    caption: dict[int, list[str]] = {}
    first = 0
    while first < len(lines) and not _PIECES.search(lines[first][1].strip()):
        k, line = lines[first]
        caption.setdefault(k, []).append(line.strip())
        first += 1
    rows = [line for _, line in lines[first:]]
    if len(rows) < 2 or any(_DRAWN.search(line) for line in rows):
        return None
    spans = _columns(rows)
    if len(spans) < 2:
        return None
    cells = tuple(tuple(line[a:b].strip() for a, b in spans) for line in rows)
    if sum(sum(bool(c) for c in row) >= 2 for row in cells) < 2:
        return None  # fewer than two rows fill two columns: a layout, not a table
    head = 0
    while head < len(cells) - 1 and all(_ITALIC_CELL.fullmatch(c) for c in cells[head] if c):
        head += 1
    return TableText(tuple(" ".join(ls) for ls in caption.values()), cells, head)


def _columns(rows: list[str]) -> list[tuple[int, int]]:
    """The character spans of the columns: between runs of ``MIN_GAP``
    positions blank on every row."""
    width = max(len(line) for line in rows)
    inked = [any(i < len(line) and line[i] != " " for line in rows) for i in range(width)]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    gap = 0
    for i, ink in enumerate(inked):
        if ink:
            if start is None:
                start = i
            elif gap >= MIN_GAP:
                spans.append((start, i - gap))
                start = i
            gap = 0
        else:
            gap += 1
    if start is not None:
        spans.append((start, width))
    # Each column reaches to the next one's start, so a row's text is cut
    # only at the gaps.
    return [(a if n else 0, spans[n + 1][0] if n + 1 < len(spans) else width) for n, (a, _) in enumerate(spans)]
