"""Assemble one plain-text source into an ``Edition``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ... import codes
from ...model import (
    Block,
    BlockQuote,
    Chapter,
    Comment,
    Credit,
    Edition,
    GlossaryEntry,
    Inline,
    LineBreak,
    Metadata,
    Note,
    Paragraph,
    Position,
    Preformatted,
    Reference,
    Removed,
    SourceInfo,
    Text,
)
from ...model.text import WORD
from ...sources import read_source
from ..context import ReadContext, report_normalised, unique_id
from .apparatus import find_boilerplate, find_transcriber_notes, split_gutenberg
from .blocks import ScopeBuilder
from .classify import Item, classify
from .comments import CommentDraft, Section
from .glossary import take_glossary
from .inlines import ALL_CALLS, emphasis_in_words
from .layout import Layout, join_titles, lay_out, looks_like_apparatus, split_source_front
from .notemarks import split_note_lines
from .notes import gather_notes, pair_notes
from .page import read_page
from .paragraphs import Para, split_paragraphs
from .references.capitals import parse_lone_reference
from .references.citations import CitationLinker
from .references.reader import is_reference_line, read_references
from .webfront import Front, WebFront

# Chapters of a source edition that a new edition replaces with its own:
# a table of contents and an index give the printed original's page numbers.
SOURCE_APPARATUS = re.compile(r"^(?:CONTENTS|TABLE OF CONTENTS|INDEX)\.?$", re.I)
# The first capitalised word of an attribution "(Name, p.3)": the author of
# a lone reference line that follows the quotation.
_HINT = re.compile(r"\(?\s*(?:The\s+)?([A-Z][\w'’-]+)")
# Characters that cannot appear in an id.
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class DocumentBuilder:
    ctx: ReadContext
    removed: list[Removed] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    _note_count: int = 0
    # Project Gutenberg texts mark scene breaks with rows of asterisks and use
    # blank lines freely around tables and quotations; web copies mark
    # sections with two or more blank lines.
    _gutenberg: bool = False
    # What a Gutenberg text has besides the author's text: the source
    # edition's title pages and the transcriber's notes, set apart together.
    _source_note: list[Para] = field(default_factory=list)
    _lone_links: list[tuple[int, Reference]] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.ctx.display

    def run(self) -> Edition:
        decoded = read_source(self.ctx.path)
        for r in decoded.repaired:
            self.ctx.diagnostics.add(
                codes.MOJIBAKE_REPAIRED,
                f"repaired mis-decoded text {r.before!r} -> {r.after!r}",
                Position(self.file, r.line, r.line),
            )
        report_normalised(decoded.normalised, self.file, self.ctx.diagnostics)
        front, rights, paras = self._apparatus(split_paragraphs(decoded.text))
        self._gutenberg = bool(rights)
        front, items, section = self._items(front, paras)
        layout = lay_out(items, is_reference_line)
        self._headers(layout)
        if not rights:
            self._glossary_sections(layout)
            gather_notes(layout.chapters)
            self._report_unread(layout)
        chapters = self._chapters(layout, front, gutenberg=bool(rights))
        glossary = self._glossary(layout)
        self.references[:0] = self._bibliography(layout)
        chapters, glossary = self._link_citations(chapters, glossary)
        comments = self._comments(section) if section is not None else []
        back = self._publisher(layout) + self._source_note_chapter() + rights
        self._report_emphasis_in_words(decoded.text, [*chapters, *back, *self.notes, *glossary, *comments])
        info = SourceInfo(self.file, front.title, decoded.encoding, decoded.line_count, decoded.sha256, front.authors)
        meta = Metadata(
            title=front.title,
            subtitle=front.subtitle,
            authors=front.authors,
            credits=front.credits,
            description=front.description,
            sources=(info,),
            origins=tuple(front.origins),
        )
        return Edition(
            meta,
            tuple(chapters + back),
            tuple(self.notes),
            tuple(glossary),
            tuple(self.references),
            tuple(comments),
            tuple(sorted(self.removed, key=lambda r: r.pos.line)),
        )

    def _report_emphasis_in_words(self, text: str, holders: list[Chapter | Note | GlossaryEntry | Comment]) -> None:
        """An ``emphasis-in-word`` line, at the line that wrote it, for each
        italic read inside a word (``inlines.EMPHASIS_WORD_START``/``_END``)."""
        lines = text.split("\n")
        seen: dict[tuple[Position, str], int] = {}
        for holder in holders:
            for pos, word in emphasis_in_words(holder.blocks):
                # The k-th such word of a block is on the line of its k-th occurrence.
                k = seen[pos, word] = seen.get((pos, word), -1) + 1
                at = [n for n in range(pos.line, pos.end_line + 1) for _ in range(lines[n - 1].count(word))]
                line = at[k] if k < len(at) else pos.line
                message = f"{word!r} is read as italics inside the word"
                self.ctx.diagnostics.add(codes.EMPHASIS_IN_WORD, message, Position(self.file, line, line))

    # -- apparatus and head ------------------------------------------------

    def _apparatus(self, paras: list[Para]) -> tuple[Front, list[Chapter], list[Para]]:
        gut = split_gutenberg(paras)
        if gut is None:
            return Front(), [], paras
        blocks = tuple(self._pre(p) for p in gut.header + gut.trailer)
        rights = Chapter(self._id("rights"), (Text("Project Gutenberg"),), blocks, "back", "rights", self.file)
        author = gut.fields.get("Author", "")
        credits = tuple(
            Credit(role.lower(), gut.fields[role]) for role in ("Translator", "Editor") if gut.fields.get(role)
        )
        front = Front(gut.fields.get("Title", ""), gut.fields.get("Title+", ""), (author,) if author else (), credits)
        return front, [rights], gut.body

    def _drop_boilerplate(self, paras: list[Para]) -> list[Para]:
        marked = find_boilerplate(paras)
        for i in sorted(marked):
            self._remove(paras[i], "web page boilerplate (comment form, log-in or share widget)")
        return [p for i, p in enumerate(paras) if i not in marked]

    def _items(self, front: Front, paras: list[Para]) -> tuple[Front, list[Item], Section | None]:
        """Every paragraph classified: a Gutenberg text's as they stand, a
        web page's once its head, chrome and comments are set apart."""
        if self._gutenberg:
            paras = split_note_lines(self._drop_boilerplate(self._set_apart_transcriber_notes(paras)))
            return front, [classify(p) for p in paras], None
        page = read_page(paras)
        front, paras = WebFront(self.ctx, self.removed).read(page)
        paras = split_note_lines(paras)
        return front, [classify(p, p.start in page.headings) for p in paras], page.section

    # -- chapters, glossary, bibliography ----------------------------------

    def _chapters(self, layout: Layout, front: Front, gutenberg: bool) -> list[Chapter]:
        chapters = join_titles([c for c in layout.chapters if c.heading is not None or c.items])
        out: list[Chapter] = []
        if gutenberg:
            lead, chapters = split_source_front(chapters)
            self._source_note += [it.para for it in lead]
        for n, ch in enumerate(chapters, start=1):
            titles = ch.titles()
            if titles and SOURCE_APPARATUS.match(titles[0].text):
                self._remove_all(
                    titles + ch.items, "contents or index of the source edition (its page numbers are the original's)"
                )
                continue
            if gutenberg and _repeats_title(titles + ch.items, front):
                self._remove_all(
                    titles + ch.items, "the book's title repeated before the text (a half-title of the source)"
                )
                continue
            title = _title_inlines([t.text for t in titles] or [t for t in (front.title, front.subtitle) if t])
            blocks = self._scope(ch.items)
            pos = self._span([it.para for it in titles])
            if not titles and not gutenberg and n == 1:
                pos = Position(self.file, front.title_line or 1, front.title_line or 1)  # the page's title line
            out.append(Chapter(self._id(f"ch{n}"), title, tuple(blocks), "body", "chapter", self.file, pos))
        return out

    def _set_apart_transcriber_notes(self, paras: list[Para]) -> list[Para]:
        """The transcriber's boxes (a note, a list of corrections keyed to
        the printed original's pages) leave the text for the source note."""
        marked = find_transcriber_notes(paras)
        self._source_note += [p for i, p in enumerate(paras) if i in marked]
        return [p for i, p in enumerate(paras) if i not in marked]

    def _source_note_chapter(self) -> list[Chapter]:
        """What a Gutenberg text has before its first chapter of prose (the
        source edition's title pages, the digitisers' credit) and the
        transcriber's notes: kept as set, line for line, in source order,
        as back matter after the text, never as its first chapter."""
        if not self._source_note:
            return []
        blocks = tuple(self._pre(p) for p in sorted(self._source_note, key=lambda p: p.start))
        title = (Text(SOURCE_NOTE_TITLE),)
        return [Chapter(self._id("source"), title, blocks, "back", "source-note", self.file)]

    def _glossary(self, layout: Layout) -> list[GlossaryEntry]:
        out: list[GlossaryEntry] = []
        for entry in layout.glossary:
            items = list(entry.items)
            if entry.head.text.strip():
                items.insert(0, Item("content", entry.head.para, entry.head.text))
            blocks = self._scope(items, lone_refs=True)
            gid = unique_id(
                self._id("g-" + (_SLUG.sub("-", entry.head.label.lower()).strip("-") or "term")), {g.id for g in out}
            )
            out.append(GlossaryEntry(gid, entry.head.label, tuple(blocks), self._span([entry.head.para])))
        return out

    def _glossary_sections(self, layout: Layout) -> None:
        """Glossaries without `Definition:` lines (glossary.py) join the rest."""
        found = take_glossary(layout, is_reference_line, self.ctx.diagnostics, self.file)
        layout.glossary = sorted(layout.glossary + found.entries, key=lambda e: e.head.para.start)
        for head in found.headings:
            self._remove(head.para, "heading of the glossary (the edition sets its own)")

    def _bibliography(self, layout: Layout) -> list[Reference]:
        entries = [
            (it.text, self._id(f"ref{n + 1}"), Position(self.file, it.para.start, it.para.end))
            for n, it in enumerate(layout.references)
        ]
        return read_references(entries, self.ctx.diagnostics)

    # -- scopes: blocks and notes -------------------------------------------

    def _scope(self, items: list[Item], lone_refs: bool = False) -> list[Block]:
        builder = ScopeBuilder(self.file, ALL_CALLS, self.ctx.diagnostics, _is_lone_reference, not self._gutenberg)
        result = builder.build(items)
        blocks, notes = pair_notes(result.blocks, result.notes, self.file, self._next_note_id, self.ctx.diagnostics)
        self.notes.extend(notes)
        for index, item in result.lone_refs:
            blocks = self._lone_reference(blocks, index, item)
        return blocks

    def _lone_reference(self, blocks: list[Block], index: int, item: Item) -> list[Block]:
        """A reference line standing alone after a cited quotation: a
        reference whose author the quotation's citation names."""
        pos = Position(self.file, item.para.start, item.para.end)
        before = blocks[index - 1] if 0 < index <= len(blocks) else None
        hint = ""
        if isinstance(before, BlockQuote) and before.attribution:
            m = _HINT.match("".join(t.text for t in before.attribution if isinstance(t, Text)))
            hint = m.group(1) if m else ""
        ref = (
            parse_lone_reference(item.text, self._id(f"ref-lone{len(self.references) + 1}"), pos, hint)
            if hint
            else None
        )
        if ref is None:
            blocks.insert(index, Paragraph((Text(item.text),), pos))
            return blocks
        self.references.append(ref)
        assert before is not None  # a reference is parsed only with a hint, taken from the quotation before it
        self._lone_links.append((before.pos.line, ref))
        return blocks

    def _next_note_id(self) -> str:
        self._note_count += 1
        return self._id(f"n{self._note_count}")

    def _headers(self, layout: Layout) -> None:
        for it in layout.notes_headers:
            self._remove(it.para, "heading of a block of notes (the edition places notes itself)")
        for it in layout.references_headers:
            self._remove(it.para, "heading of the bibliography (the edition sets its own)")

    def _report_unread(self, layout: Layout) -> None:
        """A paragraph left as text in the shape of a note, a bibliography
        entry or a glossary entry (layout.looks_like_apparatus) is reported:
        no rule read it, and it may be apparatus. (A line glossary.py
        already reported as shaped like an entry is not reported twice.)"""
        told = {(d.pos.file, d.pos.line) for d in self.ctx.diagnostics.items if d.code == codes.GLOSSARY_LIKE_TEXT.name}
        for ch in layout.chapters:
            for it in ch.items:
                if it.kind != "content" or not looks_like_apparatus(it.text) or (self.file, it.para.start) in told:
                    continue
                self.ctx.diagnostics.add(
                    codes.APPARATUS_AS_TEXT,
                    "this paragraph looks like part of the apparatus (a note, a bibliography or glossary entry) "
                    "but no rule read it: it is kept as text",
                    Position(self.file, it.para.start, it.para.end),
                )

    def _comments(self, section: Section) -> list[Comment]:
        self._check_count(section)
        if not self.ctx.options.include_comments:
            for draft in section.comments:
                for p in draft.text:
                    self._remove(p, "reader comment (comments are excluded in the config)")
            return []
        return [self._comment(n, draft) for n, draft in enumerate(section.comments, start=1)]

    def _comment(self, n: int, draft: CommentDraft) -> Comment:
        """A comment's paragraphs as blocks: inside a comment only notes keep
        their kind (a "Definition:" or a heading-like line a reader wrote is
        their text, whole); continuation paragraphs are shifted left."""
        items = []
        for p in draft.text:
            item = classify(p)
            items.append(item if item.kind.endswith("note") else Item("content", p, p.text))
        items = items[:1] + _dedent(items[1:]) if draft.label else _dedent(items)
        blocks = self._scope(items)
        number = int(draft.label) if draft.label.isdigit() else n
        return Comment(self._id(f"comment{n}"), number, tuple(blocks), draft.author, self._span(draft.text[:1]))

    def _check_count(self, section: Section) -> None:
        """A page announcing more comments than the copy holds lost some."""
        if section.count is None or section.header is None or section.count == len(section.comments):
            return
        found = len(section.comments)
        self.ctx.diagnostics.add(
            codes.COMMENTS_MISSING if section.count > found else codes.COMMENTS_COUNT,
            f"the page announces {section.count} comments; {found} found in the text",
            Position(self.file, section.header, section.header),
        )

    def _publisher(self, layout: Layout) -> list[Chapter]:
        if not layout.publisher:
            return []
        head, rest = layout.publisher[0], layout.publisher[1:]
        blocks = tuple(Paragraph((Text(it.para.text),), Position(self.file, it.para.start, it.para.end)) for it in rest)
        return [
            Chapter(self._id("about"), (Text(head.text),), blocks, "back", "about", self.file, self._span([head.para]))
        ]

    # -- citations ----------------------------------------------------------

    def _link_citations(self, chapters: list[Chapter], glossary: list[GlossaryEntry]):
        linker = CitationLinker(self.references, self.ctx.diagnostics)
        lone = dict(self._lone_links)
        chapters = [
            replace(c, blocks=self._link_blocks(c.blocks, linker, lone)) if c.role == "chapter" else c for c in chapters
        ]
        glossary = [replace(g, blocks=self._link_blocks(g.blocks, linker, lone)) for g in glossary]
        # A note cites as the text does ("Arkwright has said so. (Arkwright 14)").
        self.notes = [replace(n, blocks=self._link_blocks(n.blocks, linker, lone)) for n in self.notes]
        return chapters, glossary

    def _link_blocks(
        self, blocks: tuple[Block, ...], linker: CitationLinker, lone: dict[int, Reference]
    ) -> tuple[Block, ...]:
        out: list[Block] = []
        for b in blocks:
            if isinstance(b, Paragraph):
                b = replace(b, inlines=linker.link(b.inlines, b.pos))
            elif isinstance(b, BlockQuote):
                inner = self._link_blocks(b.blocks, linker, lone)
                # A quotation followed by its own lone reference line cites
                # that reference, whatever else its author wrote.
                own = CitationLinker([lone[b.pos.line]], self.ctx.diagnostics) if b.pos.line in lone else linker
                b = replace(b, blocks=inner, attribution=own.link(b.attribution, b.pos))
            out.append(b)
        return tuple(out)

    # -- helpers ------------------------------------------------------------

    def _id(self, local: str) -> str:
        return f"{self.ctx.prefix}-{local}"

    def _pre(self, p: Para) -> Preformatted:
        return Preformatted("\n".join(p.lines), Position(self.file, p.start, p.end))

    def _span(self, paras: list[Para]) -> Position:
        if not paras:
            return Position(self.file)
        return Position(self.file, paras[0].start, paras[-1].end)

    def _remove(self, p: Para, reason: str) -> None:
        self.removed.append(Removed(Position(self.file, p.start, p.end), reason, "\n".join(p.lines)))

    def _remove_all(self, items: list[Item], reason: str) -> None:
        for it in items:
            self._remove(it.para, reason)


# The heading of a Gutenberg text's source note (``_source_note_chapter``).
SOURCE_NOTE_TITLE = "The Source Edition"


def _repeats_title(items: list[Item], front: Front) -> bool:
    """Lines that say the book's title and nothing else."""
    said = [w.lower() for it in items for w in WORD.findall(it.text)]
    title = [w.lower() for w in WORD.findall(f"{front.title} {front.subtitle}")]
    return bool(said) and said == title


def _is_lone_reference(text: str) -> bool:
    return parse_lone_reference(text, "probe", Position(), "Probe") is not None


def _title_inlines(parts: list[str]) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for part in parts:
        if out:
            out.append(LineBreak())
        out.append(Text(part))
    return tuple(out)


def _dedent(items: list[Item]) -> list[Item]:
    """Continuation paragraphs of a list item, shifted left by their common
    indentation, so that only deeper indentation (a quotation) remains."""
    if not items:
        return []
    base = min(it.para.min_indent for it in items)
    out = []
    for it in items:
        lines = tuple(ln[base:] for ln in it.para.lines)
        out.append(replace(it, para=Para(lines, it.para.start, it.para.blank_before)))
    return out
