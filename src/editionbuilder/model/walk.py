"""Generic traversal of the model's blocks and inlines.

Transforms and readers rewrite trees often; these helpers visit every inline
in document order (the order a reader meets them), including inlines inside
block quotes, lists, attributions, emphasis and links.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace

from . import (
    Block,
    BlockQuote,
    Emphasis,
    Heading,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Position,
    Strong,
    Table,
    TermRef,
    Text,
)

InlineMap = Callable[[tuple[Inline, ...]], tuple[Inline, ...]]


def map_inline_runs(blocks: tuple[Block, ...], fn: InlineMap) -> tuple[Block, ...]:
    """Apply ``fn`` to every run of inlines (a paragraph's, a heading's, an
    attribution's, and the children of emphasis/strong/links/term refs)."""
    return tuple(_map_block(b, fn) for b in blocks)


def _map_block(block: Block, fn: InlineMap) -> Block:
    if isinstance(block, (Paragraph, Heading)):
        return replace(block, inlines=map_inline_tree(block.inlines, fn))
    if isinstance(block, BlockQuote):
        return replace(
            block,
            blocks=map_inline_runs(block.blocks, fn),
            attribution=map_inline_tree(block.attribution, fn),
        )
    if isinstance(block, ListBlock):
        return replace(block, items=tuple(map_inline_runs(item, fn) for item in block.items))
    if isinstance(block, Table):
        rows = tuple(tuple(map_inline_tree(cell, fn) for cell in row) for row in block.rows)
        return replace(block, caption=map_inline_tree(block.caption, fn), rows=rows)
    return block


def map_inline_tree(inlines: tuple[Inline, ...], fn: InlineMap) -> tuple[Inline, ...]:
    """``fn`` on the children of containers first, then on the run itself."""
    inner = tuple(_map_children(i, fn) for i in inlines)
    return fn(inner)


def _map_children(node: Inline, fn: InlineMap) -> Inline:
    if isinstance(node, (Emphasis, Strong, Link, TermRef)):
        return replace(node, children=map_inline_tree(node.children, fn))
    return node


def iter_inlines(blocks: tuple[Block, ...]) -> Iterator[Inline]:
    """Every inline node, depth first, in document order."""
    for block in blocks:
        yield from _block_inlines(block)


def _block_inlines(block: Block) -> Iterator[Inline]:
    if isinstance(block, (Paragraph, Heading)):
        yield from walk_inlines(block.inlines)
    elif isinstance(block, BlockQuote):
        yield from iter_inlines(block.blocks)
        yield from walk_inlines(block.attribution)
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield from iter_inlines(item)
    elif isinstance(block, Table):  # the caption, then the cells row by row
        yield from walk_inlines(block.caption)
        for row in block.rows:
            for cell in row:
                yield from walk_inlines(cell)


def inline_runs(blocks: tuple[Block, ...]) -> Iterator[tuple[tuple[Inline, ...], Position]]:
    """Every block's own run of inlines with the block's position, in
    document order: a paragraph's, a heading's, a quotation's blocks then
    its attribution (at the quotation's position), a list's items, a
    table's caption then its cells."""
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            yield block.inlines, block.pos
        elif isinstance(block, BlockQuote):
            yield from inline_runs(block.blocks)
            yield block.attribution, block.pos
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from inline_runs(item)
        elif isinstance(block, Table):  # the caption, then the cells row by row, at the table's position
            yield block.caption, block.pos
            for row in block.rows:
                for cell in row:
                    yield cell, block.pos


PlacedMap = Callable[[tuple[Inline, ...], Position], tuple[Inline, ...]]


def map_placed_runs(blocks: tuple[Block, ...], fn: PlacedMap) -> tuple[Block, ...]:
    """``fn`` on every block's own run of inlines with the block's position
    (the runs of ``inline_runs``, in its order), the blocks rebuilt."""
    out = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            block = replace(block, inlines=fn(block.inlines, block.pos))
        elif isinstance(block, BlockQuote):
            block = replace(
                block, blocks=map_placed_runs(block.blocks, fn), attribution=fn(block.attribution, block.pos)
            )
        elif isinstance(block, ListBlock):
            block = replace(block, items=tuple(map_placed_runs(item, fn) for item in block.items))
        elif isinstance(block, Table):
            caption = fn(block.caption, block.pos)
            rows = tuple(tuple(fn(cell, block.pos) for cell in row) for row in block.rows)
            block = replace(block, caption=caption, rows=rows)
        out.append(block)
    return tuple(out)


def walk_inlines(inlines: Sequence[Inline]) -> Iterator[Inline]:
    for node in inlines:
        yield node
        if isinstance(node, (Emphasis, Strong, Link, TermRef)):
            yield from walk_inlines(node.children)


def iter_blocks(blocks: tuple[Block, ...]) -> Iterator[Block]:
    """Every block, nested ones included, in document order."""
    for block in blocks:
        yield block
        if isinstance(block, BlockQuote):
            yield from iter_blocks(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from iter_blocks(item)


NodeMap = Callable[[Inline], Inline]


def map_nodes(blocks: tuple[Block, ...], fn: NodeMap) -> tuple[Block, ...]:
    """Apply ``fn`` to every inline, containers first and then their
    children, in document order (the order of ``iter_inlines``), so a
    stateful ``fn`` can count what it meets."""

    def run(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out = []
        for node in inlines:
            node = fn(node)
            if isinstance(node, (Emphasis, Strong, Link, TermRef)):
                node = replace(node, children=run(node.children))
            out.append(node)
        return tuple(out)

    return tuple(_map_block_in_order(b, run) for b in blocks)


def _map_block_in_order(block: Block, run: InlineMap) -> Block:
    if isinstance(block, (Paragraph, Heading)):
        return replace(block, inlines=run(block.inlines))
    if isinstance(block, BlockQuote):
        inner = tuple(_map_block_in_order(b, run) for b in block.blocks)
        return replace(block, blocks=inner, attribution=run(block.attribution))
    if isinstance(block, ListBlock):
        items = tuple(tuple(_map_block_in_order(b, run) for b in item) for item in block.items)
        return replace(block, items=items)
    if isinstance(block, Table):
        caption = run(block.caption)
        return replace(block, caption=caption, rows=tuple(tuple(run(cell) for cell in row) for row in block.rows))
    return block


def merge_texts(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Adjacent ``Text`` nodes joined, empty ones dropped."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            if not node.text:
                continue
            if out and isinstance(out[-1], Text):
                out[-1] = Text(out[-1].text + node.text)
                continue
        out.append(node)
    return tuple(out)
