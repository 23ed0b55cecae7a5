"""Assemble one plain-text source into an ``Edition``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ... import codes
from ...lazyre import lazy_compile
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
    Reference,
    Removed,
    SourceInfo,
    Text,
)
from ...model.text import WORD
from ...sources import read_source
from ..context import ReadContext, report_normalised, unique_id
from .apparatus import GUTENBERG_CREDIT, GutenbergParts, find_boilerplate, find_transcriber_notes, split_gutenberg
from .blocks import ScopeBuilder
from .classify import Item, classify
from .comments import CommentDraft, Section
from .glossary import take_glossary
from .inlines import ALL_CALLS, emphasis_in_words
from .layout import Chapter as LayoutChapter
from .layout import Layout, join_titles, lay_out, looks_like_apparatus, split_source_front
from .notemarks import split_note_lines
from .notes import gather_notes, pair_notes
from .page import read_page
from .paragraphs import Para, split_paragraphs
from .references.capitals import parse_lone_reference
from .references.citations import CitationLinker
from .references.reader import is_reference_line, read_references
from .sourcematter import (
    TRANSCRIBER_HEAD,
    find_advertisements,
    find_unframed_transcriber_note,
    imprint,
    release,
    says_public_domain_us,
)
from .webfront import Front, WebFront

# Chapters of a source edition that a new edition replaces with its own:
# a table of contents and an index give the printed original's page numbers.
SOURCE_APPARATUS = lazy_compile(r"^(?:CONTENTS|TABLE OF CONTENTS|INDEX)\.?$", re.I)
# The first capitalised word of an attribution "(Name, p.3)": the author of
# a lone reference line that follows the quotation.
_HINT = lazy_compile(r"\(?\s*(?:The\s+)?([A-Z][\w'’-]+)")
# Characters that cannot appear in an id.
_SLUG = lazy_compile(r"[^a-z0-9]+")
# An entry of a source's index: a term, a comma and page numbers at the
# line's end ("Woolston, 59", "price of, 12, 17-19, 22;").
_INDEX_ENTRY = lazy_compile(r",\s*\d+(?:[-–]\d+)?(?:,\s*\d+(?:[-–]\d+)?)*[;.]?\s*$", re.M)
# A dedication among the source edition's first pages: "To" and a name,
# "TO THE REV. …", "To my mother" (the page holds nothing else).
DEDICATION = lazy_compile(r"^\s*to\b", re.I)
# An epigraph there: a paragraph that opens with a quotation mark.
EPIGRAPH = lazy_compile(r"^\s*[\"“‘']")
# Three items in a row that are no index entry: the index has ended.
_INDEX_END_RUN = 3


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
    # ... and which of those are the transcriber's notes.
    _transcriber: list[Para] = field(default_factory=list)
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
        front, gut, paras = self._apparatus(split_paragraphs(decoded.text))
        self._gutenberg = gut is not None
        front, items, section = self._items(front, paras)
        layout = lay_out(items, is_reference_line)
        self._headers(layout)
        if gut is None:
            self._glossary_sections(layout)
            gather_notes(layout.chapters)
            self._report_unread(layout)
        chapters = self._chapters(layout, front, gutenberg=gut is not None, comments=section is not None)
        glossary = self._glossary(layout)
        self.references[:0] = self._bibliography(layout)
        chapters, glossary = self._link_citations(chapters, glossary)
        comments = self._comments(section) if section is not None else []
        back = self._publisher(layout) + (self._about_text(gut) if gut is not None else [])
        rights, licence = _gutenberg_rights(gut) if gut is not None else ("", "")
        self._report_emphasis_in_words(decoded.text, [*chapters, *back, *self.notes, *glossary, *comments])
        info = SourceInfo(self.file, front.title, decoded.encoding, decoded.line_count, decoded.sha256, front.authors)
        meta = Metadata(
            title=front.title,
            subtitle=front.subtitle,
            authors=front.authors,
            credits=front.credits,
            description=front.description,
            rights=rights,
            licence=licence,
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

    def _apparatus(self, paras: list[Para]) -> tuple[Front, GutenbergParts | None, list[Para]]:
        """A Project Gutenberg text's header and licence leave the text:
        the header's fields go into the metadata, the whole wrapper into
        the rights metadata (``Metadata.licence``) and the report, and
        its gist into the "About this text" note."""
        gut = split_gutenberg(paras)
        if gut is None:
            return Front(), None, paras
        for part, what in ((gut.header, "header"), (gut.trailer, "licence")):
            for p in part:
                self._remove(p, GUTENBERG_REASONS[what])
            if part:
                self.ctx.diagnostics.add(
                    codes.LICENCE_MOVED,
                    f"the Project Gutenberg {what} (lines {part[0].start}-{part[-1].end}) left the text: "
                    "kept whole in the rights metadata and this report, summed up in “About this text”",
                    Position(self.file, part[0].start, part[-1].end),
                )
        author = gut.fields.get("Author", "")
        credits = tuple(
            Credit(role.lower(), gut.fields[role]) for role in ("Translator", "Editor") if gut.fields.get(role)
        )
        front = Front(gut.fields.get("Title", ""), gut.fields.get("Title+", ""), (author,) if author else (), credits)
        return front, gut, gut.body

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

    def _chapters(self, layout: Layout, front: Front, gutenberg: bool, comments: bool) -> list[Chapter]:
        chapters = join_titles([c for c in layout.chapters if c.heading is not None or c.items])
        out: list[Chapter] = []
        if gutenberg:
            lead, chapters = split_source_front(chapters)
            self._source_note += [it.para for it in lead]
            out += self._author_front([it.para for it in lead])
        # A publisher's advertisements leave a Gutenberg text, and a book's
        # text without that wrapper; never a web page's (_reads_as_book).
        if gutenberg or (not comments and _reads_as_book(chapters)):
            chapters = self._drop_advertisements(chapters)
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
        """The transcriber's notes (a framed box, or a note headed
        "Transcriber's Notes:" without one: a note on the digitised text, a
        list of corrections keyed to the printed original's pages) leave
        the text, reported; "About this text" says that errors were corrected."""
        marked = find_transcriber_notes(paras) | find_unframed_transcriber_note(paras)
        for i in sorted(marked):
            self._remove(paras[i], TRANSCRIBER_REASON)
        self._transcriber += [p for i, p in enumerate(paras) if i in marked]
        return [p for i, p in enumerate(paras) if i not in marked]

    def _author_front(self, lead: list[Para]) -> list[Chapter]:
        """Of the source edition's pages before the text, the author's own
        stay, each a front-matter part: a dedication ("To …") and an
        epigraph (a quotation, with its source under it). The title pages
        leave the text, reported; their imprint goes to "About this text"."""
        out: list[Chapter] = []
        for p in lead:
            role = "dedication" if DEDICATION.match(p.lines[0]) and len(p.lines) <= 4 else ""
            role = role or ("epigraph" if EPIGRAPH.match(p.lines[0]) and len(p.lines) <= 12 else "")
            if not role:
                self._remove(p, SOURCE_FRONT_REASON)
                continue
            if role == "dedication":  # its lines as set, never a heading or a quotation
                lines = [ln.strip() for ln in p.lines]
                blocks: tuple[Block, ...] = (Paragraph(_title_inlines(lines), Position(self.file, p.start, p.end)),)
            else:
                blocks = tuple(self._scope([classify(p)]))
            out.append(Chapter(self._id(f"{role}{len(out) + 1}"), (), blocks, "front", role, self.file))
        return out

    def _drop_advertisements(self, chapters: list[LayoutChapter]) -> list[LayoutChapter]:
        """A publisher's advertisements at the end or start of the book
        (sourcematter.find_advertisements) leave it, each chapter reported;
        the advertisement pages an index runs into (they have no heading of
        a chapter) are read as chapters of their own. A transcriber's note
        after them (a text without Gutenberg's wrapper keeps it, see
        ``_set_apart_transcriber_notes``) is no advertisement: it stays, a
        chapter headed by its head line."""
        units: list[tuple[int, list[Item]]] = []
        notes: dict[int, list[Item]] = {}
        for n, ch in enumerate(chapters):
            titles = ch.titles()
            items = titles + ch.items
            at = next((k for k, it in enumerate(items) if TRANSCRIBER_HEAD.match(it.para.lines[0])), None)
            if at is not None:
                items, notes[n] = items[:at], items[at:]
            if titles and SOURCE_APPARATUS.match(titles[0].text):
                index, tail = _split_index_tail(items)
                units += [(n, index)] + ([(n, tail)] if tail else [])
            elif items:
                units.append((n, items))
        found = find_advertisements([[it.para for it in items] for _, items in units])
        gone: set[int] = set()
        for k, strong in sorted(found.items()):
            items = units[k][1]
            gone.update(id(it) for it in items)
            code, reason = (
                (codes.ADVERTISEMENT_REMOVED, AD_REASON) if strong else (codes.ADVERTISEMENT_SUSPECT, AD_WEAK_REASON)
            )
            self._remove_all(items, reason)
            span = self._span([it.para for it in items])
            self.ctx.diagnostics.add(code, f"lines {span.line}-{span.end_line}: {reason}", span)
        out = []
        for n, ch in enumerate(chapters):
            kept = [it for it in ch.items if id(it) not in gone]
            if any(id(it) in gone for it in ch.titles()):
                if n in notes:
                    out.append(LayoutChapter(notes[n][0], notes[n][1:]))
                continue
            out.append(ch if len(kept) == len(ch.items) else replace(ch, items=kept))
        return out

    def _about_text(self, gut: GutenbergParts) -> list[Chapter]:
        """The one short note on where a Gutenberg text comes from, in
        ordinary paragraphs: the ebook (its number, release date and
        digitisers), its licence's gist, and the source edition's imprint
        when its title page gives one. Its sentences are the edition's own;
        the lines they sum up are listed in the report as removed."""
        header = "\n".join(ln for p in gut.header for ln in p.lines)
        date, number = release(header)
        ebook = "Project Gutenberg" + (f" ebook #{number}" if number else "")
        first = f"This text comes from {ebook}" + (f", released {date}." if date else ".")
        credit = " ".join(" ".join(ln.strip() for ln in p.lines) for p in gut.header if GUTENBERG_CREDIT.match(p.text))
        if credit:
            first += " " + credit.rstrip(".") + "."
        _, licence = _gutenberg_rights(gut)
        gist = (
            "It is in the public domain in the United States. " if says_public_domain_us(licence) else ""
        ) + LICENCE_GIST
        paras = [first, gist]
        source = imprint(sorted(self._source_note, key=lambda p: p.start)).text
        if source:
            facts = f"The ebook was transcribed from the printed edition ({source})."
            if any("correct" in p.text.lower() for p in self._transcriber):
                facts += " Its transcribers corrected printing errors of that edition."
            paras.append(facts)
        blocks = tuple(Paragraph((Text(t),), Position(self.file)) for t in paras)
        return [Chapter(self._id("about-text"), (Text(ABOUT_TEXT_TITLE),), blocks, "back", "source-note", self.file)]

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

    def _span(self, paras: list[Para]) -> Position:
        if not paras:
            return Position(self.file)
        return Position(self.file, paras[0].start, paras[-1].end)

    def _remove(self, p: Para, reason: str) -> None:
        self.removed.append(Removed(Position(self.file, p.start, p.end), reason, "\n".join(p.lines)))

    def _remove_all(self, items: list[Item], reason: str) -> None:
        for it in items:
            self._remove(it.para, reason)


# The heading of a Gutenberg text's note on where it comes from (``_about_text``).
ABOUT_TEXT_TITLE = "About this text"
# The licence's gist, in the words of Project Gutenberg's own header.
LICENCE_GIST = (
    "Project Gutenberg’s ebooks are for the use of anyone anywhere at no cost and with almost no "
    "restrictions whatsoever: they may be copied, given away or re-used under the terms of the "
    "Project Gutenberg License (www.gutenberg.org/license)."
)
# The rights statement of an edition of a Gutenberg text (``Metadata.rights``:
# the EPUB's dc:rights and the copyright page); the licence itself is
# ``Metadata.licence``.
GUTENBERG_RIGHTS = "From a Project Gutenberg ebook, used under the terms of the Project Gutenberg License."
GUTENBERG_RIGHTS_PD = "Public domain in the United States. " + GUTENBERG_RIGHTS
# Why each part of a Gutenberg text left the text (the report's reasons).
GUTENBERG_REASONS = {
    "header": "Project Gutenberg header: its title, author, translator and release are in the metadata "
    "and “About this text”, its text in the rights metadata (the licence)",
    "licence": "Project Gutenberg licence: kept whole in the rights metadata (the licence), its gist in “About this text”",
}
SOURCE_FRONT_REASON = (
    "title pages of the source edition, before the text: their imprint (place, publisher, year) is in “About this text”"
)
TRANSCRIBER_REASON = "transcriber's note on the digitised text (corrections keyed to the original's pages)"
AD_REASON = "publisher's advertisement (a list of books with formats or prices)"
AD_WEAK_REASON = (
    "beside a publisher's advertisements but not itself a list of books for sale: removed with them (check it)"
)


# A text without Gutenberg's wrapper reads as a book, and so may end (or
# start) with its publisher's advertisements, when it has at least
# BOOK_CHAPTERS chapters of text, each a heading over BOOK_CHAPTER_ITEMS
# paragraphs or more, not counting the chapters that are advertisements:
# a book's chapters run to dozens of paragraphs, a web page's sections to a
# few, and a page whose section of books for sale stands among chapters
# that short keeps it. A page with readers' comments is a web page whatever
# its length (the caller's test).
BOOK_CHAPTERS = 3
BOOK_CHAPTER_ITEMS = 12


def _reads_as_book(chapters: list[LayoutChapter]) -> bool:
    """Several chapters of text, each a book's length (the comment above)."""
    ads = find_advertisements([[it.para for it in ch.titles() + ch.items] for ch in chapters])
    long = [
        ch
        for n, ch in enumerate(chapters)
        if n not in ads and ch.heading is not None and len(ch.items) >= BOOK_CHAPTER_ITEMS
    ]
    return len(long) >= BOOK_CHAPTERS


def _gutenberg_rights(gut: GutenbergParts) -> tuple[str, str]:
    """(rights statement, the licence in full as the source gives it)."""
    licence = "\n\n".join("\n".join(p.lines) for p in gut.header + gut.trailer)
    return (GUTENBERG_RIGHTS_PD if says_public_domain_us(licence) else GUTENBERG_RIGHTS), licence


def _split_index_tail(items: list[Item]) -> tuple[list[Item], list[Item]]:
    """A source's index and what follows it under no heading of its own:
    the tail starts at the first of three items in a row that are no index
    entry."""
    plain = [
        not _INDEX_ENTRY.search(it.para.text if len(it.para.lines) == 1 else "\n".join(it.para.lines)) for it in items
    ]
    for i in range(1, len(items)):
        if all(plain[i : i + _INDEX_END_RUN]) and len(plain[i : i + _INDEX_END_RUN]) == _INDEX_END_RUN:
            return items[:i], items[i:]
    return items, []


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
