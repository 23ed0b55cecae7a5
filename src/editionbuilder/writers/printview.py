"""The printed book as the templates need it: front matter, contents, page references.

``html.layout`` gives the edition's parts (chapters, notes, glossary,
bibliography, readers' responses) and a title page. A book adds, in the
order of a printed book (Chicago Manual of Style 1.4):

- i   half-title (the title alone), ii blank;
- iii title page, iv copyright page (rights, print identifier, edition and
  date, sources, credits, colophon);
- v   contents, each line a part or a chapter's heading with its page
  number (``target-counter`` on the element id) after dot leaders.

The copyright page always states the rights: when neither the config nor
the sources give a statement, a line says that none was supplied
(``rights_unstated``). The print identifier is called an ISBN only when the
config gives one (``print_identifier``); its fallback, the book's own
identifier (a URN), is printed as an "Identifier:".

Front matter is numbered in roman, the text from 1 in arabic (``print.css``).
The bibliography says where each work is cited: "cited on p. 3, 7", the
numbers again from ``target-counter`` on the citations' element ids. Two
citations of one work on one page would print "p. 3, 3": the writer finds
them after a first render (``duplicate_citations``) and the second render
leaves them out (``hidden``).

Two media: ``PRINT`` (the press file: no links at all) and ``SCREEN`` (the
same pages, with links, for reading on a screen). Every number and id is
computed here; the templates (``parts.j2``: ``halftitle``, ``copyright``,
``contents``, ``print_bibliography``) only print.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..model import Chapter, Citation, Edition, Heading, Metadata, Preformatted
from ..walk import iter_blocks
from . import html
from .apparatus import BIBLIOGRAPHY_KEY
from .frontmatter import imprint_page, names, print_identifier
from .view import LABELS, PRINT, Layout, Medium, Part, part_inlines, plain_text, xml_id

SCREEN = Medium("screen", links=True, footnotes_in_place=True, one_document=True)

HALFTITLE_KEY, COPYRIGHT_KEY, CONTENTS_KEY = "halftitle", "copyright", "contents"

PRINT_LABELS: Mapping[str, str] = {
    # EB Garamond has no ↩ (U+21A9, the EPUB's back-link mark): an arrow it has.
    **LABELS, "backlink_mark": "\u2191", "print_identifier": "ISBN:", "cited_on": "cited on p.", "copyright": "Copyright page",
    "book_identifier": "Identifier:",
    "rights_unstated": "No rights statement was supplied with this edition: "
                       "the rights in its texts remain with their holders.",
    "typefaces": "Set in EB Garamond 12, a revival of Claude Garamont’s types by Georg Duffner "
                 "and Octavio Pardo, and typeset with WeasyPrint.",
}


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page number to print: the page of element ``target``; ``href`` links it ("" in print)."""

    target: str
    href: str


@dataclass(frozen=True, slots=True)
class ContentsLine:
    title: str
    ref: PageRef
    level: int  # 1: a part; 2: a heading inside a chapter


@dataclass(frozen=True, slots=True)
class Copyright:
    metadata: Metadata
    byline: str
    rights: str  # the configured or source statement, else PRINT_LABELS["rights_unstated"]
    identifier_label: str  # "ISBN:" for a configured print identifier, else "Identifier:"
    print_identifier: str
    sources: tuple[tuple[str, str], ...]
    credits: tuple[tuple[str, str], ...]
    typefaces: str


@dataclass(frozen=True, slots=True)
class CitedBibliography:
    """The bibliography's groups, and for each reference id the citations to give pages of."""

    groups: tuple
    cited_on: Mapping[str, tuple[PageRef, ...]]


def book_layout(edition: Edition, medium: Medium = PRINT, hidden: Collection[str] = ()) -> Layout:
    """The whole printed book: generated front matter, then the edition's parts.

    ``hidden``: element ids of citations whose page the bibliography does
    not repeat (a page already listed for that work).
    """
    lay = html.layout(edition, medium)
    parts = tuple(bibliography_part(p, lay.parts, medium, hidden) if p.key == BIBLIOGRAPHY_KEY else p
                  for p in lay.parts)
    md = edition.metadata
    title_page = next(p for p in lay.front if p.macro == "titlepage")
    front = (
        Part(HALFTITLE_KEY, "halftitle", md.title or LABELS["untitled"], "front", {"metadata": md}),
        title_page,
        Part(COPYRIGHT_KEY, "copyright", PRINT_LABELS["copyright"], "front", copyright_page(md)),
        Part(CONTENTS_KEY, "contents", LABELS["contents"], "front", contents(parts, lay, medium), "toc", "doc-toc"),
    )
    view = dataclasses.replace(lay.view, labels=PRINT_LABELS)
    return dataclasses.replace(lay, view=view, front=front, parts=parts)


def copyright_page(md: Metadata) -> Copyright:
    imprint = imprint_page(md).content
    label = PRINT_LABELS["print_identifier" if md.print_identifier else "book_identifier"]
    return Copyright(md, names(md.authors), md.rights or PRINT_LABELS["rights_unstated"], label,
                     print_identifier(md), imprint.sources, imprint.credits, PRINT_LABELS["typefaces"])


def contents(parts: Sequence[Part], lay: Layout, medium: Medium) -> tuple[ContentsLine, ...]:
    """One line per part, and under a chapter one per heading of its own."""
    lines = []
    for part in parts:
        lines.append(ContentsLine(part.title, _ref(part.key, medium), 1))
        if isinstance(part.content, Chapter):
            for block in part.content.blocks:
                anchor = lay.view.heading_ids.get(id(block)) if isinstance(block, Heading) else None
                if anchor and block.level <= 2:
                    lines.append(ContentsLine(plain_text(block.inlines), _ref(anchor, medium), 2))
    return tuple(lines)


def widest_preformatted(edition: Edition) -> int:
    """The longest line of preformatted text in the book, in characters."""
    blocks = [*(c.blocks for c in edition.chapters), *(n.blocks for n in edition.notes),
              *(c.blocks for c in edition.comments)]
    lines = (line for bs in blocks for b in iter_blocks(bs) if isinstance(b, Preformatted)
             for line in b.text.splitlines())
    return max((len(line.rstrip()) for line in lines), default=0)


def citation_ids(parts: Sequence[Part]) -> dict[str, list[str]]:
    """Reference id -> element ids of its citations, in reading order."""
    found: dict[str, list[str]] = {}
    for part in parts:
        for node in part_inlines(part):
            if isinstance(node, Citation) and node.id:
                for item in node.items:
                    if item.key and xml_id(node.id) not in found.get(item.key, ()):
                        found.setdefault(item.key, []).append(xml_id(node.id))
    return found


def duplicate_citations(cites: Mapping[str, Sequence[str]], page_of: Mapping[str, int]) -> frozenset[str]:
    """Citation ids on a page already listed for the same work."""
    hidden = set()
    for ids in cites.values():
        seen: set[int] = set()
        for cid in ids:
            page = page_of.get(cid)
            if page in seen:
                hidden.add(cid)
            seen.add(page)  # type: ignore[arg-type]
    return frozenset(hidden)


def _ref(target: str, medium: Medium) -> PageRef:
    return PageRef(target, f"#{target}" if medium.links else "")


def bibliography_part(part: Part, parts: Sequence[Part], medium: Medium, hidden: Collection[str]) -> Part:
    cites = citation_ids(parts)
    cited_on = {key: tuple(_ref(cid, medium) for cid in ids if cid not in hidden) for key, ids in cites.items()}
    return dataclasses.replace(part, macro="print_bibliography", content=CitedBibliography(part.content, cited_on))
