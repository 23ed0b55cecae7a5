"""Nesting past a limit, flattened before anything reads the AST.

A manuscript may nest quotations, lists, divisions or emphasis thousands
of levels deep (by accident, or to exhaust a reader). The readers, the
templates and the reading systems all descend one level at a time, so the
AST is cut down first, without recursion: a container deeper than
``MAX_NESTING`` is replaced by what it contains (a quotation's blocks, a
list's items' blocks, an emphasis's words), so every word stays, in order,
at the deepest level allowed. The count is reported (``nesting-flattened``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Deeper than any book sets its text: twelve quotations inside each other
# are already unreadable, and reading systems lay out far fewer.
MAX_NESTING = 12

# Where each container keeps what it contains: the path to its list of
# children in ``c`` and whether each child is a list of blocks (a list's
# items) rather than one node. Pandoc JSON (pandoc-types 1.23).
_BLOCK_LISTS = {"BlockQuote": (), "Div": (1,), "Figure": (2,), "Note": ()}
_ITEM_LISTS = {"BulletList": (), "OrderedList": (1,)}
_INLINE_LISTS = {
    **dict.fromkeys(("Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps"), ()),
    **dict.fromkeys(("Quoted", "Cite", "Link", "Image", "Span"), (1,)),
}


@dataclass
class Flattened:
    containers: int = 0  # containers replaced by their contents


def flatten_nesting(ast: dict[str, Any], limit: int = MAX_NESTING) -> Flattened:
    """Cut ``ast`` (a pandoc document) down to ``limit`` levels, in place."""
    done = Flattened()
    lists: list[tuple[list[Any], int]] = [(ast.get("blocks", []), 0)]
    while lists:
        nodes, depth = lists.pop()
        nodes[:] = _flat(nodes, depth, limit, done)
        for node in nodes:
            lists.extend((children, depth + 1) for children in _child_lists(node))
    return done


def _flat(nodes: list[Any], depth: int, limit: int, done: Flattened) -> list[Any]:
    """``nodes`` with each container replaced by its contents when this
    level is past ``limit``; contents spliced in are looked at again."""
    if depth < limit:
        return nodes
    out: list[Any] = []
    pending = list(reversed(nodes))
    while pending:
        node = pending.pop()
        inner = _contents(node)
        if inner is None:
            out.append(node)
        else:
            done.containers += 1
            pending.extend(reversed(inner))
    return out


def _contents(node: Any) -> list[Any] | None:
    """A container's children as one list (a list's items joined), or None
    for a leaf. A note stays: it is printed apart, not inside its call."""
    if not isinstance(node, dict) or node.get("t") == "Note":
        return None
    kind, c = node.get("t"), node.get("c")
    for table in (_BLOCK_LISTS, _INLINE_LISTS):
        if kind in table:
            return list(_at(c, table[kind]))
    if kind in _ITEM_LISTS:
        return [block for item in _at(c, _ITEM_LISTS[kind]) for block in item]
    return None


def _child_lists(node: Any) -> list[list[Any]]:
    """The lists of children a node holds (a list's items each one)."""
    if not isinstance(node, dict):
        return []
    kind = node.get("t")
    c: Any = node.get("c")  # pandoc JSON: its shape is the kind's
    if kind in _BLOCK_LISTS:
        return [_at(c, _BLOCK_LISTS[kind])]
    if kind in _INLINE_LISTS:
        return [_at(c, _INLINE_LISTS[kind])]
    if kind in _ITEM_LISTS:
        return list(_at(c, _ITEM_LISTS[kind]))
    if kind in ("Para", "Plain", "Header"):
        return [c if kind != "Header" else c[2]]
    if kind == "DefinitionList":
        return [part for term, definitions in c for part in (term, *definitions)]
    return []


def _at(c: Any, path: tuple[int, ...]) -> Any:
    for index in path:
        c = c[index]
    return c
