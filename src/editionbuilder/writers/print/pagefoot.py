"""No word broken across the foot of a recto: the reader would turn the page mid-word.

A word hyphenated at the foot of a verso goes on across the spread, in
sight; at the foot of a recto it goes on overleaf. Book typography forbids
that (Chicago 2.112; Bringhurst 2.4.7), and CSS has no property WeasyPrint
70 reads for it (css-text-4's ``hyphenate-limit-last: spread``), so it is
done after layout: ``recto_foot_breaks`` finds each recto whose last line of
text (above its notes) ends with the hyphen the layout added, and
``no_hyphens_css`` gives the paragraphs holding those lines
``hyphens: manual``, a rule of the part's own stylesheet, for the part to be
laid out again (``typeset._Typesetter._typeset``). The paragraph's lines
then break elsewhere, and the page with them.

Boxes are read by their class names, so WeasyPrint is still imported by
``engine`` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

LAYOUT_HYPHEN = "\u2010"  # the hyphenate-character of print.css (WeasyPrint's default)
# Boxes whose lines are not the page's running text: the notes under the
# rule, and the running head and folio in the margins.
_NOT_TEXT = ("FootnoteAreaBox", "MarginBox")


@dataclass(frozen=True)
class FootBreak:
    """A recto whose last line ends in a broken word: its page in the part
    (from 0), the word's start as printed, and the paragraph holding it."""

    page: int
    word: str
    element: Any  # the paragraph's element in WeasyPrint's tree


def recto_foot_breaks(document: Any, first_folio: int) -> list[FootBreak]:
    """Each recto (an odd folio; pages numbered from ``first_folio``) of
    ``document`` (a WeasyPrint document) whose last line of text ends with
    the layout's hyphen."""
    found = []
    for index, page in enumerate(document.pages):
        if (first_folio + index) % 2 == 0:
            continue
        last = _last_line(page._page_box)
        if last is None:
            continue
        text = _line_text(last).rstrip()
        if text.endswith(LAYOUT_HYPHEN):
            found.append(FootBreak(index, text.split()[-1] if text.split() else text, last.element))
    return found


def _last_line(page_box: Any) -> Any:
    """The lowest line box of the page's running text."""
    lowest, stack = None, list(page_box.children)
    while stack:
        box = stack.pop()
        name = type(box).__name__
        if name in _NOT_TEXT:
            continue
        if name == "LineBox":
            if lowest is None or box.position_y > lowest.position_y:
                lowest = box
            continue
        stack.extend(getattr(box, "children", ()) or ())
    return lowest


def _line_text(line: Any) -> str:
    """The text of a line, its inline boxes in order (a footnote call's
    box is not text of the line)."""
    out = []
    for box in _descendants(line):
        if type(box).__name__ == "TextBox" and "::footnote" not in (getattr(box, "element_tag", "") or ""):
            out.append(box.text)
    return "".join(out)


def _descendants(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", ()) or ():
        yield child
        yield from _descendants(child)


def no_hyphens_css(document: Any, breaks: list[FootBreak]) -> str:
    """A rule setting ``hyphens: manual`` on the paragraph of each break,
    by its place in the document (``:nth-child`` from the root)."""
    root = document.pages[0]._page_box.children[0].element
    parents = {child: parent for parent in root.iter() for child in parent}
    selectors = []
    for b in breaks:
        path, element = [], b.element
        while element is not None and element is not root:
            parent = parents.get(element)
            if parent is None:
                break
            siblings = [c for c in parent if isinstance(c.tag, str)]
            path.append(f"{_local(element.tag)}:nth-child({siblings.index(element) + 1})")
            element = parent
        if element is root:
            selectors.append(" > ".join([_local(root.tag), *reversed(path)]))
    return "".join(f"{s} {{ hyphens: manual; }}\n" for s in dict.fromkeys(selectors))


def _local(tag: str) -> str:
    """An element's name without its namespace ("{http://...}p" -> "p")."""
    return tag.rsplit("}", 1)[-1]
