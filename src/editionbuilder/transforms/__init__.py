"""Transforms: small, named, ordered passes from Edition to Edition.

Each pass is a pure function of the edition and a ``TransformContext``
(options and the diagnostics collector); ``PASSES`` gives their order and
each docstring says why a pass runs where it does (sphinx's transforms are
the model). The last pass, ``check_references``, refuses an edition with a
dangling id, so writers can trust every field.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .. import codes
from ..diagnostics import Diagnostics, ValidationError
from ..lazyre import lazy_compile
from ..model import (
    Block,
    BlockQuote,
    Chapter,
    Citation,
    Edition,
    Emphasis,
    GlossaryEntry,
    Heading,
    Inline,
    LineBreak,
    Link,
    NoteRef,
    Paragraph,
    Position,
    Strong,
    TermRef,
    Text,
)
from ..model.text import bare_text
from ..model.walk import (
    iter_inlines,
    map_inline_runs,
    map_inline_tree,
    map_nodes,
    map_placed_runs,
    merge_texts,
    walk_inlines,
)
from ..options import HEADING_CASES, ReaderOptions
from . import notenumbers
from .casing import in_capitals, kept_capitals, title_case
from .typography import smarten


@dataclass(frozen=True, slots=True)
class TransformContext:
    options: ReaderOptions
    diagnostics: Diagnostics
    # The citation style (a CSL file) and the language it formats in.
    bibliography_style: Path | None = None
    language: str = "en"
    # False: the references stay as read, not formatted by the style (no
    # citeproc run): what counts them (``inspect --stats``) needs no more.
    format_bibliography: bool = True
    # The display case of titles and headings in capitals (``options.HEADING_CASES``).
    heading_case: str = HEADING_CASES[0]


Pass = Callable[[Edition, TransformContext], Edition]


def apply_typography(edition: Edition, ctx: TransformContext) -> Edition:
    """Curly quotes, dashes, ellipses, spaces on every text node, and on
    the metadata the books print (titles, names, statements).

    Runs first, on what the readers produced, so that later passes (term
    linking) match the text as it will be printed. Only text nodes change;
    citations keep the characters the source wrote.
    """
    fix = _Typographer(ctx)
    chapters = tuple(replace(c, title=fix.run(c.title, c.pos), blocks=fix.blocks(c.blocks)) for c in edition.chapters)
    notes = tuple(replace(n, blocks=fix.blocks(n.blocks)) for n in edition.notes)
    glossary = tuple(replace(g, blocks=fix.blocks(g.blocks)) for g in edition.glossary)
    comments = tuple(replace(c, blocks=fix.blocks(c.blocks)) for c in edition.comments)
    meta = edition.metadata
    meta = replace(
        meta,
        title=fix.plain(meta.title),
        subtitle=fix.plain(meta.subtitle),
        # Names and statements are printed too (title page, cover, spine,
        # copyright page): "O’Brien", not "O'Brien".
        authors=tuple(fix.plain(a) for a in meta.authors),
        publisher=fix.plain(meta.publisher),
        rights=fix.plain(meta.rights),
        copyright_holder=fix.plain(meta.copyright_holder),
        description=fix.plain(meta.description),
        credits=tuple(replace(c, name=fix.plain(c.name)) for c in meta.credits),
        sources=tuple(
            replace(s, title=fix.plain(s.title), authors=tuple(fix.plain(a) for a in s.authors)) for s in meta.sources
        ),
    )
    return replace(edition, metadata=meta, chapters=chapters, notes=notes, glossary=glossary, comments=comments)


@dataclass
class _Typographer:
    ctx: TransformContext

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return map_placed_runs(blocks, self.run)

    def run(self, inlines: tuple[Inline, ...], pos) -> tuple[Inline, ...]:
        def one_run(run: tuple[Inline, ...]) -> tuple[Inline, ...]:
            texts = [i for i, n in enumerate(run) if isinstance(n, Text)]
            if not texts:
                return run
            result = smarten([n.text for n in run if isinstance(n, Text)], self.ctx.options.dash)
            for r in result.repairs:
                self.ctx.diagnostics.add(
                    codes.QUOTE_REPAIRED, f"a quotation closed with {r.before!r}; set as {r.after!r}", pos
                )
            out = list(run)
            for i, new in zip(texts, result.pieces, strict=False):
                out[i] = Text(new)
            return merge_texts(tuple(out))

        return map_inline_tree(inlines, one_run)

    def plain(self, text: str) -> str:
        return smarten([text], self.ctx.options.dash).pieces[0] if text else text


def set_display_case(edition: Edition, ctx: TransformContext) -> Edition:
    """Titles and headings a source set in capitals take the edition's
    case, headline-style title case (``casing``): "THE PRICE OF WOOL"
    becomes "The Price of Wool", in the model, so that the EPUB, the PDF,
    the running heads and the contents all print it so. Each change is an
    info diagnostic. Acronyms of the text (capitals it never writes
    otherwise, "USSR") and roman numerals stay in capitals.

    With ``heading_case = "small-caps"`` the text is the same title case
    and the title or heading is marked ``small_caps``: the writers set it
    in small capitals, so that it looks as the source meant it while
    screen readers and searches meet words, not letters in capitals. A
    heading the source wrote in mixed case keeps it, unmarked. With
    ``"source"`` nothing changes.

    Runs after typography, so the apostrophes it meets are curly
    ("PUBLISHER’S NOTE"), and before anything reads the titles.
    """
    if ctx.heading_case == "source":
        return edition
    keep = kept_capitals(
        [n.text for c in edition.chapters for n in iter_inlines(_running(c.blocks)) if isinstance(n, Text)]
    )
    fix = _Recaser(ctx, keep, ctx.heading_case == "small-caps")
    chapters = tuple(
        replace(c, title=fix.inlines(c.title, c.pos), blocks=fix.headings(c.blocks), small_caps=fix.marked(c.title))
        for c in edition.chapters
    )
    meta = edition.metadata
    meta = replace(
        meta, title=fix.text(meta.title), subtitle=fix.text(meta.subtitle), title_small_caps=fix.marked(meta.title)
    )
    return replace(edition, metadata=meta, chapters=chapters)


def _shown(inlines: tuple[Inline, ...]) -> str:
    """A title's text for a message: its lines parted by " / "."""
    return " / ".join(bare_text(line) for line in _lines(inlines))


def _lines(inlines: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    lines: list[list[Inline]] = [[]]
    for node in inlines:
        if isinstance(node, LineBreak):
            lines.append([])
        else:
            lines[-1].append(node)
    return [tuple(line) for line in lines]


def _with_texts(inlines: tuple[Inline, ...], pieces: Iterator[str]) -> tuple[Inline, ...]:
    """``inlines`` with each text node's text, in document order, the next of ``pieces``."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Text):
            node = Text(next(pieces))
        elif isinstance(node, (Emphasis, Strong, Link, TermRef)):
            node = replace(node, children=_with_texts(node.children, pieces))
        out.append(node)
    return tuple(out)


def _running(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """The blocks of running text: not the headings."""
    return tuple(b for b in blocks if not isinstance(b, Heading))


@dataclass
class _Recaser:
    ctx: TransformContext
    keep: frozenset[str]
    small_caps: bool  # the edition's case is small caps

    def marked(self, title: tuple[Inline, ...] | str) -> bool:
        """Whether ``title`` (as the source set it) is displayed in small capitals."""
        return self.small_caps and in_capitals(title if isinstance(title, str) else _shown(title))

    def headings(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(
            replace(b, inlines=self.inlines(b.inlines, b.pos), small_caps=self.marked(b.inlines))
            if isinstance(b, Heading)
            else b
            for b in blocks
        )

    def inlines(self, inlines: tuple[Inline, ...], pos: Position) -> tuple[Inline, ...]:
        before = _shown(inlines)
        if not in_capitals(before):
            return inlines

        out: tuple[Inline, ...] = ()
        for n, line in enumerate(_lines(inlines)):
            out += ((LineBreak(),) if n else ()) + self._line(line)
        after = _shown(out)
        if after == before:  # roman numerals alone ("II")
            return inlines
        self.ctx.diagnostics.add(codes.HEADING_CASE_SET, f"{before!r} is set as {after!r}{self._in}", pos)
        return out

    @property
    def _in(self) -> str:
        return " in small capitals" if self.small_caps else ""

    def _line(self, line: tuple[Inline, ...]) -> tuple[Inline, ...]:
        """One line of a title cased as a whole, so that a word's place in
        it (first, last, after a colon) counts across emphasis, then given
        back to its text nodes piece by piece."""
        texts = [n.text for n in walk_inlines(line) if isinstance(n, Text)]
        whole = title_case("".join(texts), self.keep)
        if len(whole) != sum(map(len, texts)):  # a letter whose case changes its length: node by node
            pieces = [title_case(t, self.keep) for t in texts]
        else:
            ends = list(itertools.accumulate(map(len, texts)))
            pieces = [whole[end - len(t) : end] for t, end in zip(texts, ends, strict=True)]
        return _with_texts(line, iter(pieces))

    def text(self, text: str) -> str:
        if not in_capitals(text):
            return text
        cased = title_case(text, self.keep)
        if cased == text:
            return text
        self.ctx.diagnostics.add(codes.HEADING_CASE_SET, f"the title {text!r} is set as {cased!r}{self._in}")
        return cased


# The link schemes an edition keeps: the web and e-mail. A ``javascript:``
# link runs code in a reading system, ``file:`` and ``data:`` reach the
# reader's own disk or smuggle content in; any other scheme is unknown to
# most readers. A link without a scheme (``#note``) points inside the book.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# What browsers ignore in a URL before reading its scheme ("java\tscript:").
_URL_NOISE = lazy_compile(r"[\x00-\x20\x7f]+")
_SCHEME = lazy_compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def drop_unsafe_links(edition: Edition, ctx: TransformContext) -> Edition:
    """A link whose scheme is not ``SAFE_SCHEMES`` becomes its text, and is reported.

    Runs before anything reads links (writers only), on every block of the
    book, notes, glossary and responses.
    """

    def blocks(bs: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(_unlink_block(b, ctx) for b in bs)

    chapters = tuple(replace(c, blocks=blocks(c.blocks)) for c in edition.chapters)
    notes = tuple(replace(n, blocks=blocks(n.blocks)) for n in edition.notes)
    glossary = tuple(replace(g, blocks=blocks(g.blocks)) for g in edition.glossary)
    comments = tuple(replace(c, blocks=blocks(c.blocks)) for c in edition.comments)
    return replace(edition, chapters=chapters, notes=notes, glossary=glossary, comments=comments)


def _unlink_block(block: Block, ctx: TransformContext) -> Block:
    def unlink(run: tuple[Inline, ...]) -> tuple[Inline, ...]:
        return _unlink(run, block, ctx)

    return map_inline_runs((block,), unlink)[0]


def _unlink(run: tuple[Inline, ...], block: Block, ctx: TransformContext) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for node in run:
        scheme = _SCHEME.match(_URL_NOISE.sub("", node.url)) if isinstance(node, Link) else None
        if isinstance(node, Link) and scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            message = f"a link to {node.url[:80]!r} ({scheme.group(1).lower()}:) is printed as its text only"
            ctx.diagnostics.add(codes.LINK_DROPPED, message, getattr(block, "pos", Position()))
            out.extend(node.children)
        else:
            out.append(node)
    return merge_texts(tuple(out))


# Characters around a term that make a match a whole word or phrase.
_WORD_EDGE = r"(?<![\w-]){}(?![\w-])"


def link_terms(edition: Edition, ctx: TransformContext) -> Edition:
    """The first use of each glossary term in each body chapter links to its
    entry (a ``TermRef``). Runs after typography so that terms match the
    final text; longer terms are tried first, so "forces theory" wins over
    "forces" where both would match."""
    if not edition.glossary:
        return edition
    terms = sorted(edition.glossary, key=lambda g: -len(g.term))
    chapters = tuple(_link_chapter(c, terms) if c.role == "chapter" else c for c in edition.chapters)
    return replace(edition, chapters=chapters)


def _link_chapter(chapter: Chapter, terms: list[GlossaryEntry]) -> Chapter:
    patterns = [(g, re.compile(_WORD_EDGE.format(re.escape(g.term)), re.I)) for g in terms]
    done: set[str] = set()

    def run(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in inlines:
            out.extend(_split_terms(node, patterns, done) if isinstance(node, Text) else [node])
        return tuple(out)

    blocks = []
    for b in chapter.blocks:
        if isinstance(b, Paragraph):
            b = replace(b, inlines=run(b.inlines))
        elif isinstance(b, BlockQuote):
            b = replace(
                b, blocks=tuple(replace(p, inlines=run(p.inlines)) if isinstance(p, Paragraph) else p for p in b.blocks)
            )
        blocks.append(b)
    return replace(chapter, blocks=tuple(blocks))


def _split_terms(node: Text, patterns, done: set[str]) -> list[Inline]:
    for entry, pattern in patterns:
        if entry.id in done:
            continue
        m = pattern.search(node.text)
        if m:
            done.add(entry.id)
            before, after = Text(node.text[: m.start()]), Text(node.text[m.end() :])
            ref = TermRef(entry.id, (Text(m.group(0)),))
            return (
                [*_split_terms(before, patterns, done), ref, *_split_terms(after, patterns, done)]
                if before.text or after.text
                else [ref]
            )
    return [node] if node.text else []


def number_ids(edition: Edition, ctx: TransformContext) -> Edition:
    """Give every citation and term use an id of its own (``cite-3``,
    ``term-2``), in document order, so writers can link back to them."""
    counters = {"cite": 0, "term": 0}

    def fix(node: Inline) -> Inline:
        if isinstance(node, Citation) and not node.id:
            counters["cite"] += 1
            return replace(node, id=f"cite-{counters['cite']}")
        if isinstance(node, TermRef) and not node.id:
            counters["term"] += 1
            return replace(node, id=f"term-{counters['term']}")
        return node

    chapters = tuple(replace(c, blocks=map_nodes(c.blocks, fix)) for c in edition.chapters)
    glossary = tuple(replace(g, blocks=map_nodes(g.blocks, fix)) for g in edition.glossary)
    return replace(edition, chapters=chapters, glossary=glossary)


def format_references(edition: Edition, ctx: TransformContext) -> Edition:
    """Every bibliography entry formatted by the edition's CSL style, in one
    citeproc run, and the references put in the style's order.

    Runs after the readers have parsed every reference (of every source), so
    citeproc sees them all at once to sort and disambiguate; writers print
    ``formatted`` and never format a reference themselves.
    """
    if not edition.references:
        return edition
    # Here only: csl reads the name particles of the references' reader,
    # which a process laying out parts (``layout.notes`` numbers notes with
    # this package) has no use for.
    from .csl import format_bibliography, unformatted_diagnostics

    if not ctx.format_bibliography:
        ctx.diagnostics.items.extend(unformatted_diagnostics(edition.references))
        return edition
    result = format_bibliography(edition.references, ctx.bibliography_style, ctx.language)
    ctx.diagnostics.items.extend(result.diagnostics)
    by_id = {r.id: r for r in edition.references}
    formatted = tuple(replace(by_id[e.id], formatted=e.inlines) for e in result.entries)
    return replace(edition, references=formatted)


def number_notes(edition: Edition, ctx: TransformContext) -> Edition:
    """The notes numbered 1, 2, 3… in each chapter, whatever the source
    did (``notenumbers``). Runs when the chapters are final and before
    ``check_references``; writers print ``Note.label``."""
    return notenumbers.number_notes(edition, ctx.diagnostics)


def check_references(edition: Edition, ctx: TransformContext) -> Edition:
    """Refuse an edition whose ids dangle or repeat: writers trust the model.

    Runs last. A note call to a missing note, a citation key or term id that
    names nothing, or two things sharing an id is a bug in a reader or a
    transform, not in the source, so it is an error, not a warning.
    """
    ids = [c.id for c in edition.chapters] + [n.id for n in edition.notes] + [g.id for g in edition.glossary]
    ids += [r.id for r in edition.references] + [c.id for c in edition.comments]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValidationError(f"ids used twice in the edition model: {', '.join(sorted(dupes))}")
    known = set(ids)
    for node in _all_inlines(edition):
        for target in _targets(node):
            if target not in known:
                raise ValidationError(f"{type(node).__name__} points to unknown id {target!r}")
    return edition


def _targets(node: Inline) -> list[str]:
    if isinstance(node, NoteRef):
        return [node.note_id]
    if isinstance(node, TermRef):
        return [node.term_id]
    if isinstance(node, Citation):
        return [i.key for i in node.items if i.key]
    return []


def _all_inlines(edition: Edition):
    for c in edition.chapters:
        yield from iter_inlines(c.blocks)
        yield from c.title
    for group in (edition.notes, edition.glossary, edition.comments):
        for x in group:
            yield from iter_inlines(x.blocks)


PASSES: tuple[Pass, ...] = (
    drop_unsafe_links,
    apply_typography,
    set_display_case,
    link_terms,
    number_ids,
    format_references,
    number_notes,
    check_references,
)


def run_passes(edition: Edition, ctx: TransformContext) -> Edition:
    for p in PASSES:
        edition = p(edition, ctx)
    return edition
