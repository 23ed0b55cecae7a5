"""The printed book as the templates need it: front matter, contents, page references.

``book.layout`` gives the edition's parts (chapters, notes, glossary,
bibliography, readers' responses) and a title page. A book adds, in the
order of a printed book (Chicago Manual of Style 1.4):

- i   half-title (the title alone), ii blank;
- iii title page, iv copyright page (rights, print identifier, edition and
  date, sources, credits, colophon);
- a source's dedication and epigraph (``PRELIMINARY_TYPES``), each on a
  recto with no folio, not in the contents;
- v   contents, each line a part or a chapter's heading with its page
  number after dot leaders.

The copyright page follows Chicago (1.19-1.21): a "© YEAR HOLDER" line
when the config names a ``copyright_holder`` (the year is the edition's),
and the rights statement; when neither the config nor the sources give a
statement, a line says that none was supplied (``rights_unstated``). The
edition's date is printed in words ("November 25, 2026"; "25 November 2026"
in British English), the sources by title only (their files are in the
build report). The print identifier is called an ISBN when the config
gives one that is meant as one (``isbn.check_isbn``: not a URN); another
identifier, or the book's own (a URN), is printed as an "Identifier:".

Front matter is numbered in roman, the text from 1 in arabic (``print.css``).
The bibliography says where each work is cited: "cited on p. 3", "cited on
pp. 3, 7", each page once. Page numbers are printed as text: the book is
typeset part by part (``typeset``), and ``pages`` (element id -> folio)
holds the folios of the parts typeset before the page that prints them.

Two media: ``PRINT`` (the press file: no links at all) and ``SCREEN`` (the
same pages, with links, for reading on a screen). Every number and id is
computed here; the templates (``parts.j2``: ``halftitle``, ``copyright``,
``contents``, ``print_bibliography``) only print.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..isbn import check_isbn
from ..model import Chapter, Citation, Edition, Heading, Metadata, Preformatted
from ..model.text import title_text
from ..model.walk import iter_blocks
from . import book
from .apparatus import BIBLIOGRAPHY_KEY
from .frontmatter import copyright_notice, date_in_words, imprint_page, print_identifier
from .labels import LABELS, PRINT_LABELS, labels_for
from .view import PRINT, Layout, Medium, Part, names, part_inlines, xml_id

SCREEN = Medium("screen", links=True, footnotes_in_place=True, one_document=True)

HALFTITLE_KEY, COPYRIGHT_KEY, CONTENTS_KEY = "halftitle", "copyright", "contents"
# The epub:types of a chapter set among the front matter's own pages.
PRELIMINARY_TYPES = frozenset({"dedication", "epigraph"})


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page number to print: the page of element ``target``; ``href`` links it ("" in print)."""

    target: str
    href: str
    page: str = ""  # the folio to print ("" while it is not known)


@dataclass(frozen=True, slots=True)
class CitedOn:
    """The pages of a work's citations, and their label ("cited on p." or "pp.")."""

    label: str
    refs: tuple[PageRef, ...]


@dataclass(frozen=True, slots=True)
class ContentsLine:
    title: str
    ref: PageRef
    level: int  # 1: a part; 2: a heading inside a chapter
    byline: str = ""  # an anthology's piece: its authors
    small_caps: bool = False  # its heading is set in small capitals: the line is too


@dataclass(frozen=True, slots=True)
class Copyright:
    metadata: Metadata
    byline: str
    notice: str  # "© 2026 Holder", or "" when the config names no holder
    rights: str  # the configured or source statement, else PRINT_LABELS["rights_unstated"]
    identifier_label: str  # "ISBN" for a print identifier meant as one, else "Identifier:"
    print_identifier: str
    date: str  # the edition's date in words
    sources: tuple[str, ...]  # titles only: the report names the files
    credits: tuple[tuple[str, str], ...]
    typefaces: str


@dataclass(frozen=True, slots=True)
class CitedBibliography:
    """The bibliography's groups, and for each reference id the citations to give pages of."""

    groups: tuple
    cited_on: Mapping[str, CitedOn]


def book_layout(edition: Edition, medium: Medium = PRINT, pages: Mapping[str, str] | None = None) -> Layout:
    """The whole printed book: generated front matter, then the edition's parts.

    ``pages``: element id -> folio, for the contents and the bibliography's
    page references (an id it lacks prints no number yet).
    """
    pages = pages or {}
    lay = book.layout(edition, medium)
    # A source's dedication and epigraph belong to the front matter, after
    # the copyright page, unnumbered and not in the contents (Chicago 1.4).
    preliminaries = tuple(p for p in lay.parts if p.matter == "front" and p.epub_type in PRELIMINARY_TYPES)
    parts = tuple(
        bibliography_part(p, lay.parts, medium, pages) if p.key == BIBLIOGRAPHY_KEY else p
        for p in lay.parts
        if p.key not in {q.key for q in preliminaries}
    )
    md = edition.metadata
    title_page = next(p for p in lay.front if p.macro == "titlepage")
    front = (
        Part(HALFTITLE_KEY, "halftitle", md.title or LABELS["untitled"], "front", {"metadata": md}),
        title_page,
        Part(COPYRIGHT_KEY, "copyright", PRINT_LABELS["copyright"], "front", copyright_page(md)),
        *preliminaries,
        Part(
            CONTENTS_KEY, "contents", LABELS["contents"], "front", contents(parts, lay, medium, pages), "toc", "doc-toc"
        ),
    )
    view = dataclasses.replace(
        lay.view, labels=labels_for(lay.view.lang).print, lang=hyphenation_language(lay.view.lang)
    )
    return dataclasses.replace(lay, view=view, front=front, parts=parts)


def hyphenation_language(tag: str) -> str:
    """The language the printed book is tagged with, which chooses its
    hyphenation patterns (WeasyPrint asks pyphen for the tag's dictionary):
    a bare "en" is American English, "en-US". pyphen would otherwise take the
    first English dictionary it has, en_GB ("determ-ined", "cap-italists");
    "en-GB" asks for British patterns, and any other tag is kept."""
    return "en-US" if tag.lower() == "en" else tag


def copyright_page(md: Metadata) -> Copyright:
    imprint = imprint_page(md).content
    isbn = check_isbn(md.print_identifier)
    label = PRINT_LABELS["print_identifier" if isbn.claimed else "book_identifier"]
    return Copyright(
        md,
        names(md.authors),
        copyright_notice(md),
        md.rights or ("" if md.copyright_holder else PRINT_LABELS["rights_unstated"]),
        label,
        isbn.shown if isbn.claimed else print_identifier(md),
        date_in_words(md.date, md.language),
        imprint.sources,
        imprint.credits,
        PRINT_LABELS["typefaces"],
    )


def contents(parts: Sequence[Part], lay: Layout, medium: Medium, pages: Mapping[str, str]) -> tuple[ContentsLine, ...]:
    """One line per part, and under a chapter one per heading of its own."""
    lines = []
    for part in parts:
        chapter = part.content if isinstance(part.content, Chapter) else None
        small_caps = chapter is not None and chapter.small_caps
        lines.append(ContentsLine(part.title, _ref(part.key, medium, pages), 1, part.byline, small_caps))
        for block in chapter.blocks if chapter else ():
            if isinstance(block, Heading) and (anchor := lay.view.heading_ids.get(id(block))) and block.level <= 2:
                ref = _ref(anchor, medium, pages)
                lines.append(ContentsLine(title_text(block.inlines), ref, 2, small_caps=block.small_caps))
    return tuple(lines)


def widest_preformatted(edition: Edition) -> int:
    """The longest line of preformatted text in the book, in characters."""
    blocks = [
        *(c.blocks for c in edition.chapters),
        *(n.blocks for n in edition.notes),
        *(c.blocks for c in edition.comments),
    ]
    lines = (
        line for bs in blocks for b in iter_blocks(bs) if isinstance(b, Preformatted) for line in b.text.splitlines()
    )
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


def _ref(target: str, medium: Medium, pages: Mapping[str, str]) -> PageRef:
    return PageRef(target, f"#{target}" if medium.links else "", pages.get(target, ""))


def bibliography_part(part: Part, parts: Sequence[Part], medium: Medium, pages: Mapping[str, str]) -> Part:
    """The bibliography with, for each work, the pages it is cited on: one
    reference per page (the first citation there), in reading order."""
    cited_on = {}
    for key, ids in citation_ids(parts).items():
        refs, seen = [], set()
        for cid in ids:
            page = pages.get(cid, "")
            if page and page in seen:
                continue
            seen.add(page)
            refs.append(_ref(cid, medium, pages))
        label = PRINT_LABELS["cited_on" if len(refs) == 1 else "cited_on_pages"]
        cited_on[key] = CitedOn(label, tuple(refs))
    return dataclasses.replace(part, macro="print_bibliography", content=CitedBibliography(part.content, cited_on))
