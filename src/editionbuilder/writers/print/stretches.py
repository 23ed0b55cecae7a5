"""A long part of the text cut into stretches laid out one after another.

A part is one WeasyPrint document (``typeset``): its layout time and
memory grow with it, and its remedies (a note off its page, a recto
ending in a broken word) lay it out again whole. A chapter of a few dozen
pages costs nothing by this; a text whose chapters the reader did not
find is one part of hundreds of pages. Such a part is laid out a stretch
at a time: a document of the part's first blocks, of about
``stretch_words`` words; its pages kept up to the last one that opens on
a paragraph of its own (a *clean break*: the page begins with the
paragraph's first line, and no note called before it is set on it); the
next stretch a document of the blocks from that paragraph on, laid out
from the side that page is on; and so on to the part's end.

A page that opens on a new paragraph is laid out from that paragraph
alone: what came before it set where the page began, and nothing on it.
So the stretches give the pages one document of the whole part would,
with no short page where they meet, and each stretch's remedies lay out
that stretch alone.

Only a plain paragraph after a plain paragraph (``<p>`` with no
attribute, at the top level of the part's ``section``) may open a
stretch: the stylesheets' sibling rules (``h2 + p``, ``hr + p``: no
indent after a heading or a break) then give it in the stretch the style
it has in the part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

# A comment, or a tag: its end mark, its name, its attributes (quoted
# values may hold ">"), and a closing "/" (a self-closed element).
_TAG = re.compile(r"""<!--.*?-->|<(/)?([A-Za-z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(/)?>""", re.S)
# Elements with no end tag in HTML.
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr")
)
# The section that holds a part of the text (templates/parts.j2).
_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_PART_OPEN = re.compile(rf'<section\b{_ATTRS}?\bclass="part\b[^"]*"{_ATTRS}>')

# A stretch after the first begins where a page of the part's document
# would: the top margins of the elements it is inside (the user agent's
# 8px of the body's) are left on the part's first page.
LATER_CSS = (
    "html, body, section.part { margin-top: 0 !important; padding-top: 0 !important;"
    " border-top-width: 0 !important; }\n"
)


def numbered_from(number: int) -> str:
    """A stretch's pages numbered from ``number`` (a part's hidden folios:
    ``typeset.part_css``)."""
    return f"@page :first {{ counter-reset: page {number}; }}\n"


# A stretch whose first page is a verso (the part's are laid out from a recto).
VERSO_CSS = "html { break-before: left; }\n"


@dataclass(frozen=True)
class Blocks:
    """A part's HTML as the blocks of its ``section.part``: ``head`` is
    everything up to the section's open tag (included), ``tail`` its close
    tag and what follows; each block keeps the white space after it."""

    head: str
    blocks: tuple[str, ...]
    tail: str
    counts: tuple[int, ...] = field(init=False)  # the words of each block

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", tuple(len(_TAG.sub(" ", block).split()) for block in self.blocks))

    def source(self, start: int, end: int) -> str:
        """The HTML of a part holding blocks ``start`` to ``end`` (excluded)."""
        return self.head + "".join(self.blocks[start:end]) + self.tail

    def opens_stretch(self, index: int) -> bool:
        """Whether a stretch may begin at block ``index``: a plain paragraph
        after a plain paragraph (see the module's docstring)."""
        return index > 0 and _plain_p(self.blocks[index]) and _plain_p(self.blocks[index - 1])

    def end_after(self, start: int, words: int) -> int:
        """The end of a stretch from block ``start`` of about ``words``
        words (at least one block)."""
        count, end = 0, start
        while end < len(self.blocks) and (end == start or count < words):
            count += self.counts[end]
            end += 1
        return end


def _plain_p(block: str) -> bool:
    return block.startswith("<p>")


def blocks_of(source: str) -> Blocks | None:
    """The blocks of the part's section in ``source``, or None where the
    HTML is not read as a section of balanced elements."""
    opened = _PART_OPEN.search(source)
    if opened is None:
        return None
    pos = opened.end()
    depth, starts = 0, []
    for tag in _TAG.finditer(source, pos):
        closing, name = tag.group(1), (tag.group(2) or "").lower()
        if not name:  # a comment
            if depth == 0:
                starts.append(tag.start())
            continue
        if closing:
            if depth == 0:
                if name != "section":
                    return None
                # leading white space stays in the head
                head_end = starts[0] if starts else tag.start()
                if source[pos:head_end].strip():
                    return None
                bounds = [*starts, tag.start()]
                blocks = tuple(source[a:b] for a, b in pairwise(bounds))
                return Blocks(source[:head_end], blocks, source[tag.start() :])
            depth -= 1
            continue
        if depth == 0:
            starts.append(tag.start())
        if name not in _VOID and not tag.group(4):
            depth += 1
    return None
