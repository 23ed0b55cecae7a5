"""The text of the model, one set of helpers for every layer:

- ``inline_text`` and ``block_texts``: the text of inlines, and of blocks in
  reading order, note calls as their marks (or word boundaries);
- ``model_words``: every word an edition holds (the report, the checks);
- ``title_text``: a title or heading as one line (contents, running heads,
  ``<title>``): no note calls, its lines joined with a colon;
- ``bare_text``: text and code alone (formatted references, messages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from . import (
    BlockQuote,
    Citation,
    Code,
    Edition,
    Emphasis,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Preformatted,
    Strong,
    Table,
    TermRef,
    Text,
)
from .walk import walk_inlines

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


def title_text(inlines: Sequence[Inline]) -> str:
    """The words of ``inlines`` without note calls: for <title>, nav and NCX,
    the contents and running heads. A title's lines ("CHAPTER I" / "THE
    PRICE OF WOOL", a title / its subtitle) are joined with a colon, unless
    the first ends in punctuation of its own."""
    words = []
    for node in walk_inlines(inlines):
        if isinstance(node, (Text, Code)):
            words.append(node.text)
        elif isinstance(node, Citation):
            items = node.separator.join(item.text for item in node.items)
            words.append(f"{node.prefix}{items}{node.suffix}")
        elif isinstance(node, LineBreak):
            so_far = "".join(words).rstrip()
            words.append(" " if not so_far or so_far[-1] in TITLE_STOPS else ": ")
    return " ".join("".join(words).split())


# Punctuation a title's line may end with, after which no colon is added.
TITLE_STOPS = ".:;!?,—–-"


def bare_text(inlines: Sequence[Inline]) -> str:
    """The text of model inlines, without markup: of text, code and what
    containers hold; note calls, citations and line breaks add nothing (for
    checks of formatted references, and messages)."""
    out = []
    for inline in inlines:
        if isinstance(inline, Text):
            out.append(inline.text)
        elif hasattr(inline, "children"):
            out.append(bare_text(inline.children))
        elif hasattr(inline, "text"):
            out.append(inline.text)
    return "".join(out)
