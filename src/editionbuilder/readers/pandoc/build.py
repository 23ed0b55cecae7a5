"""Assemble one manuscript read by pandoc into an ``Edition``.

Order: run pandoc (``source``), read the bibliography (so that citations
resolve as they are met), then walk the
top-level blocks in document order, cutting chapters at level-1 headings.

Chapters: a manuscript without level-1 headings is one chapter titled by
its title; blocks before the first level-1 heading form a chapter of their
own titled the same way. An empty level-1 heading called "References" (or
"Bibliography", "Works Cited") is where pandoc would print the cited
entries: the edition prints its own bibliography, so it is left out and
listed in the report.

Title: the manuscript's ``title``; without one, the first level-1
heading's text, else the first heading's (pandoc's own test files are
titled this way), with an info diagnostic; else the file's name.

Sections written by the exporter (``sections``): a level-1 heading of
class ``glossary`` or ``comments`` is not a chapter; ``matter`` and
``chapter-role`` attributes on a level-1 heading place its chapter. The
title block of pandoc's standalone HTML (``title-block-header``) repeats
the metadata and is reported as removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ... import codes
from ...model import Chapter, Edition, Inline, Metadata, Position, Removed, Text
from ..context import ReadContext, report_normalised
from .bibliography import Bibliography, BibliographyReader
from .blocks import BlockReader
from .inlines import read_inlines
from .locate import Locator
from .metadata import bibliography_names, meta_text, read_metadata
from .nesting import MAX_NESTING
from .scan import MarkdownLayout, scan_markdown
from .sections import MATTERS, SectionReader, attribute, is_section
from .source import MARKDOWN_FORMATS, Manuscript, load
from .state import ReadState

# Titles of the heading under which pandoc's citeproc puts the reference list.
_REFERENCES_TITLE_RE = re.compile(r"^\s*(?:references|bibliography|works cited|literature)\s*$", re.IGNORECASE)

# Suffixes of a bibliography file beside the manuscript (``paper.md`` and
# ``paper.bib``) used when the manuscript names none.
_SIDECAR_SUFFIXES = (".bib",)


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """How to read one manuscript: pandoc's input format, and bibliography
    files besides those its metadata names (absolute or relative to it)."""

    from_format: str
    bibliography: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Walk:
    """What cutting chapters needs: the block reader, its state, the title."""

    reader: BlockReader
    state: ReadState
    meta: Metadata


class PandocBuilder:
    def __init__(self, ctx: ReadContext, settings: ReadSettings):
        self.ctx = ctx
        self.settings = settings

    def run(self) -> Edition:
        doc = load(self.ctx.path, self.ctx.display, self.settings.from_format)
        for warning in doc.warnings:
            self.ctx.diagnostics.add(codes.PANDOC_WARNING, warning, Position(self.ctx.display))
        report_normalised(doc.normalised, self.ctx.display, self.ctx.diagnostics)
        if doc.flattened.containers:
            message = (
                f"{doc.flattened.containers} quotations, lists or other containers nested past "
                f"level {MAX_NESTING} were replaced by their contents"
            )
            self.ctx.diagnostics.add(codes.NESTING_FLATTENED, message, Position(self.ctx.display))
        meta_values = doc.ast.get("meta", {})
        layout = scan_markdown(doc.text.split("\n")) if doc.format in MARKDOWN_FORMATS else None
        state = ReadState(self.ctx, doc, _locator(doc.text, layout), self._bibliography(meta_values), layout)
        state.note_kinds = self._note_kinds(doc)
        reader = BlockReader(state)
        meta = self._metadata(doc, layout)
        chapters = self._chapters(doc.ast["blocks"], _Walk(reader, state, meta))
        removed = state.removed + self._link_definitions(layout, doc)
        return Edition(
            meta,
            tuple(chapters),
            tuple(state.notes),
            tuple(state.glossary),
            state.bibliography.references,
            tuple(state.comments),
            tuple(sorted(removed, key=lambda r: r.pos.line)),
        )

    # -- metadata and bibliography ---------------------------------------------

    def _metadata(self, doc: Manuscript, layout: MarkdownLayout | None) -> Metadata:
        origins = tuple(Position(self.ctx.display, a, b) for a, b in (layout.yaml if layout else ()))
        meta = read_metadata(doc.ast.get("meta", {}), doc.info, origins)
        if not meta.authors and doc.creator:
            meta = replace(meta, authors=(doc.creator,))
        if not meta.title:
            meta = replace(meta, title=self._fallback_title(doc))
        return replace(meta, sources=(replace(doc.info, title=meta.title, authors=meta.authors),))

    def _fallback_title(self, doc: Manuscript) -> str:
        headers = [b for b in doc.ast["blocks"] if b["t"] == "Header"]
        first = next((h for h in headers if h["c"][0] == 1), headers[0] if headers else None)
        if first is None:
            return Path(self.ctx.display).stem
        title = " ".join(meta_text(first["c"][2]).split())
        self.ctx.diagnostics.add(
            codes.TITLE_FROM_HEADING,
            f"the manuscript names no title; its first heading, {title!r}, is taken",
            Position(self.ctx.display),
        )
        return title

    def _bibliography(self, meta: dict[str, Any]) -> Bibliography:
        """The files the metadata and the settings name (relative to the
        manuscript), else a ``.bib`` of the manuscript's name beside it."""
        names = bibliography_names(meta) + list(self.settings.bibliography)
        if not names:
            names = [
                self.ctx.path.with_suffix(s).name for s in _SIDECAR_SUFFIXES if self.ctx.path.with_suffix(s).is_file()
            ]
            for name in names:
                self.ctx.diagnostics.add(
                    codes.BIBLIOGRAPHY_BESIDE,
                    f"the manuscript names no bibliography; {name} beside it is used",
                    Position(self.ctx.display),
                )
        base, shown = self.ctx.path.parent, PurePosixPath(self.ctx.display).parent
        files = [(base / n, n if Path(n).is_absolute() else str(shown / n)) for n in names]
        for path, _shown in files:
            self.ctx.may_read(path, "bibliography")
        return BibliographyReader(self.ctx.prefix, self.ctx.diagnostics).read(files, meta.get("references"))

    def _note_kinds(self, doc: Manuscript) -> tuple[str, ...]:
        """DOCX note kinds when they pair one to one with pandoc's notes."""
        count = len(_collect(doc.ast["blocks"], "Note"))
        if doc.note_kinds and len(doc.note_kinds) != count:
            message = f"{count} notes in pandoc's reading, {len(doc.note_kinds)} note references in the DOCX: all are taken as footnotes"
            self.ctx.diagnostics.add(codes.NOTE_KIND_UNKNOWN, message, Position(self.ctx.display))
            return ()
        return doc.note_kinds

    # -- chapters -------------------------------------------------------------

    def _chapters(self, blocks: list[Any], walk: _Walk) -> list[Chapter]:
        groups: list[tuple[Any, list[Any]]] = []
        for node in blocks:
            if _is_title_block(node):
                self._title_block(node, walk)
            elif node["t"] == "Header" and node["c"][0] == 1:
                groups.append((node, []))
            elif groups:
                groups[-1][1].append(node)
            else:
                groups.append((None, [node]))
        chapters: list[Chapter] = []
        for head, nodes in groups:
            chapter = self._chapter(head, nodes, walk)
            if chapter is not None:
                # A chapter keeps its heading's identifier, so that internal
                # links ("#results") to it still resolve.
                ident = head["c"][1][0] if head is not None and not is_section(head) else ""
                chapters.append(replace(chapter, id=walk.state.id(ident or f"ch{len(chapters) + 1}")))
        return chapters

    def _title_block(self, node: Any, walk: _Walk) -> None:
        """Pandoc's own title block (a standalone HTML export): the title and
        authors it repeats are the metadata's, so its lines are reported."""
        walk.state.block_no += 1
        pos = walk.reader.locate(node)
        walk.state.remove(pos, "pandoc's title block (its title and authors are the metadata)", meta_text(node).strip())

    def _chapter(self, head: Any, nodes: list[Any], walk: _Walk) -> Chapter | None:
        reader, state = walk.reader, walk.state
        if is_section(head):
            return self._section(head, nodes, walk)
        title: tuple[Inline, ...] = (Text(walk.meta.title),)
        pos = Position(self.ctx.display)
        if head is not None:
            state.block_no += 1
            pos = reader.locate(head, setext=True)
            title = read_inlines(head["c"][2], state)
        body = []
        for node in nodes:
            state.block_no += 1
            body.extend(reader.block(node))
        text = " ".join(meta_text(head["c"][2]).split()) if head is not None else ""
        if head is not None and not body and _REFERENCES_TITLE_RE.match(text):
            reason = f"the empty heading {text!r}, where pandoc would list the cited works: the edition prints its own bibliography"
            state.remove(pos, reason, text)
            return None
        matter, role = self._placement(head, pos)
        return Chapter("", title, tuple(body), matter, role, self.ctx.display, pos)

    def _section(self, head: Any, nodes: list[Any], walk: _Walk) -> Chapter | None:
        """The glossary or the comments; blocks that are neither stay, as a
        chapter titled by the section's heading."""
        left = SectionReader(walk.state, walk.reader).read(head, nodes)
        if not left:
            return None
        pos = Position(self.ctx.display, left[0].pos.line, left[0].pos.line)
        walk.state.add(
            codes.SECTION_TEXT_KEPT,
            "text under the glossary or comments heading that is neither is kept as a chapter",
            pos,
        )
        return Chapter("", read_inlines(head["c"][2], walk.state), tuple(left), "body", "chapter", self.ctx.display)

    def _placement(self, head: Any, pos: Position) -> tuple[str, str]:
        """``matter`` and ``chapter-role`` from the heading's attributes (the
        exporter writes them for chapters that are not body chapters)."""
        matter, role = attribute(head, "matter") or "body", attribute(head, "chapter-role") or "chapter"
        if matter not in MATTERS:
            self.ctx.diagnostics.add(
                codes.CHAPTER_MATTER_UNKNOWN,
                f"matter={matter!r} is not one of {', '.join(MATTERS)}: the chapter is body matter",
                pos,
            )
            matter = "body"
        return matter, role

    def _link_definitions(self, layout: MarkdownLayout | None, doc: Manuscript) -> list[Removed]:
        """Link reference definitions: their URLs are on the links."""
        if layout is None:
            return []
        lines = doc.text.split("\n")
        reason = "link reference definition (its URL is carried by the links that use it)"
        return [Removed(Position(self.ctx.display, n, n), reason, lines[n - 1]) for n in layout.link_definitions]


def _is_title_block(node: dict[str, Any]) -> bool:
    """The ``<header id="title-block-header">`` of pandoc's HTML template."""
    return node["t"] == "Div" and node["c"][0][0] == "title-block-header"


def _locator(text: str, layout: MarkdownLayout | None) -> Locator:
    """The locator, its cursor past a YAML block that opens the text: the
    first heading often repeats the ``title:`` line, and must not be found
    there."""
    locator = Locator(text)
    if layout is not None and layout.yaml and layout.yaml[0][0] == 1:
        locator.move_past(layout.yaml[0][1])
    return locator


def _collect(node: Any, kind: str) -> list[dict[str, Any]]:
    """Every AST element of ``kind``, in document order (notes included)."""
    if isinstance(node, list):
        return [x for item in node for x in _collect(item, kind)]
    if not isinstance(node, dict):
        return []
    found = [node] if node.get("t") == kind else []
    return found + _collect(node.get("c"), kind)
