"""The edition model as pandoc's JSON AST (the exporter's first half).

Built from the model, never from our HTML, so that pandoc's writers see
notes as notes and lists as lists. What the model has and pandoc has not
is written with the conventions documented in ``export`` (spans with the
classes ``citation`` and ``cite``, an ``attribution`` div, headings with
the classes ``glossary``, ``comments`` and ``comment``), which the pandoc
reader recognises when it reads the Markdown back.

Document order: front and body chapters, the glossary, the printed
bibliography (DOCX and HTML only), the readers' comments, then back-matter
chapters, as the EPUB orders its parts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...layout.labels import LABELS
from ...model import (
    Block,
    BlockQuote,
    Chapter,
    Citation,
    Code,
    Comment,
    Edition,
    Emphasis,
    GlossaryEntry,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    NoteRef,
    Paragraph,
    Preformatted,
    Reference,
    SectionBreak,
    Strong,
    Table,
    TermRef,
    Text,
)
from ...pandoc_tool import cite_all, document, meta

Node = dict[str, Any]

# Runs of the whitespace pandoc's readers turn into one ``Space`` (a
# no-break space is a character of the text and stays inside ``Str``).
_SPACES_RE = re.compile(r"[ \t\r\n]+")

# A chapter's placement as written when it is not the default. Not ``role``:
# HTML has an attribute of that name (ARIA), which pandoc's HTML writer
# copies as it is and reads back as a section around the heading.
_DEFAULT_PLACE = (("matter", "body"), ("chapter-role", "chapter"))

# The empty attributes of an element.
_NO_ATTR: list[Any] = ["", [], []]


@dataclass(frozen=True, slots=True)
class AstOptions:
    """What differs between the exported formats.

    ``markdown``: a section break is written as the raw Markdown ``* * *``
    (pandoc's own writer prints a line of 72 dashes) and a line break in a
    heading, which an ATX heading cannot hold, as an empty span with the
    class ``line-break``. ``bibliography``: the file named in the metadata
    ("" for none). ``print_references``: the formatted entries as a section
    of the document (DOCX, HTML: there is no file beside them).
    """

    markdown: bool = False
    bibliography: str = ""
    print_references: bool = False


def to_pandoc(edition: Edition, options: AstOptions) -> dict[str, Any]:
    """The whole edition as one pandoc JSON document."""
    document = AstBuilder(edition, options).document()
    if options.markdown:
        _escape_entities(document)
    return document


# An ampersand that begins a character reference (``&amp;``, ``&#60;``,
# ``&#x2014;``): Markdown reads it as the character, so text that holds one
# literally must say ``\&``. Pandoc's Markdown writer leaves it bare.
_ENTITY_RE = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def _escape_entities(document: dict[str, Any]) -> None:
    r"""Every ``Str`` of ``document`` that holds a character reference split
    around a raw ``\&``, so that the Markdown reads back as written."""
    stack: list[Any] = [document["blocks"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            for k in range(len(node) - 1, -1, -1):
                item = node[k]
                if isinstance(item, dict) and item.get("t") == "Str" and _ENTITY_RE.search(item["c"]):
                    node[k : k + 1] = _split_entities(item["c"])
                else:
                    stack.append(item)


def _split_entities(text: str) -> list[Node]:
    out: list[Node] = []
    for n, piece in enumerate(_ENTITY_RE.split(text)):
        if n:
            out.append({"t": "RawInline", "c": ["markdown", "\\&"]})
        if piece:
            out.append({"t": "Str", "c": piece})
    return out


def text_nodes(text: str) -> list[Node]:
    """Text as ``Str`` and ``Space`` nodes, as pandoc's readers make them."""
    out: list[Node] = []
    for n, word in enumerate(_SPACES_RE.split(text)):
        if n:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _header(level: int, attr: list[Any], inlines: list[Node]) -> Node:
    return {"t": "Header", "c": [level, attr, inlines]}


class AstBuilder:
    """Model values to AST nodes; holds the notes to put at their calls."""

    def __init__(self, edition: Edition, options: AstOptions):
        self.edition = edition
        self.options = options
        self.notes: Mapping[str, Note] = {n.id: n for n in edition.notes}

    def document(self) -> dict[str, Any]:
        ed = self.edition
        blocks: list[Node] = []
        # The book's closing run of back matter (licences, notes on the
        # sources) follows the apparatus; back matter between two pieces of
        # an anthology (a piece's "about" note) keeps its place.
        tail = len(ed.chapters)
        while tail and ed.chapters[tail - 1].matter == "back":
            tail -= 1
        for chapter in ed.chapters[:tail]:
            blocks += self.chapter(chapter)
        blocks += self.glossary(ed.glossary)
        if self.options.print_references:
            blocks += self.references(ed.references)
        blocks += self.comments(ed.comments)
        for chapter in ed.chapters[tail:]:
            blocks += self.chapter(chapter)
        return document(self.metadata(), blocks)

    # -- metadata -------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        """Title, subtitle, authors, language, date and the rest the model
        holds; empty fields are left out. ``nocite: "@*"`` says that every
        entry of the bibliography file belongs to the book, cited or not."""
        md = self.edition.metadata
        values: dict[str, Any] = {
            "title": md.title,
            "subtitle": md.subtitle,
            "author": list(md.authors),
            "lang": md.language,
            "date": md.date,
            "abstract": md.description,
            "publisher": md.publisher,
            "rights": md.rights,
            "identifier": md.identifier,
        }
        values["credits"] = [{"role": c.role, "name": c.name} for c in md.credits]
        if self.options.bibliography:
            values["bibliography"] = self.options.bibliography
        out = {k: meta(v) for k, v in values.items() if v}
        return out | ({"nocite": cite_all()} if self.options.bibliography else {})

    # -- parts ----------------------------------------------------------------

    def chapter(self, chapter: Chapter) -> list[Node]:
        """A level-1 heading (its placement as attributes when not a body
        chapter), then the chapter's blocks."""
        place = [
            [k, v]
            for (k, default), v in zip(_DEFAULT_PLACE, (chapter.matter, chapter.role), strict=False)
            if v != default
        ]
        title = self.inlines(chapter.title, heading=True)
        return [_header(1, ["", [], place], title), *self.blocks(chapter.blocks)]

    def glossary(self, entries: Sequence[GlossaryEntry]) -> list[Node]:
        """A level-1 heading of class ``glossary`` and one definition list."""
        if not entries:
            return []
        items = [[text_nodes(g.term), [self.blocks(g.blocks)]] for g in entries]
        head = _header(1, ["", ["glossary"], []], text_nodes(LABELS["glossary"]))
        return [head, {"t": "DefinitionList", "c": items}]

    def comments(self, comments: Sequence[Comment]) -> list[Node]:
        """A level-1 heading of class ``comments``; per comment a level-2
        heading of class ``comment`` naming its number (and ``author``)."""
        if not comments:
            return []
        out = [_header(1, ["", ["comments"], []], text_nodes(LABELS["responses"]))]
        for c in comments:
            attrs = [["author", c.author]] if c.author else []
            out.append(_header(2, ["", ["comment"], attrs], text_nodes(f"{LABELS['response']} {c.number}")))
            out += self.blocks(c.blocks)
        return out

    def references(self, references: Sequence[Reference]) -> list[Node]:
        """The entries as the citation style printed them (the source's line
        when no style did), in a ``refs`` div as pandoc's citeproc makes it."""
        if not references:
            return []
        entries = []
        for ref in references:
            inlines = self.inlines(ref.formatted) if ref.formatted else text_nodes(ref.raw or ref.title)
            entries.append({"t": "Div", "c": [[f"ref-{ref.id}", ["csl-entry"], []], [{"t": "Para", "c": inlines}]]})
        place = [["matter", "back"], ["chapter-role", "bibliography"]]
        head = _header(1, ["", ["references"], place], text_nodes(LABELS["bibliography"]))
        return [head, {"t": "Div", "c": [["refs", ["references"], []], entries]}]

    # -- blocks ---------------------------------------------------------------

    def table(self, table: Table) -> Node:
        """pandoc's Table (pandoc-types 1.23): caption, a column spec per
        column, the head rows, one body of the other rows, no foot."""

        def row(cells: tuple[tuple[Inline, ...], ...]) -> list[Any]:
            return [
                _NO_ATTR,
                [[_NO_ATTR, {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": self.inlines(c)}]] for c in cells],
            ]

        width = max((len(r) for r in table.rows), default=0)
        caption = [None, [{"t": "Plain", "c": self.inlines(table.caption)}] if table.caption else []]
        columns = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}]] * width
        head = [_NO_ATTR, [row(r) for r in table.rows[: table.head]]]
        body = [_NO_ATTR, 0, [], [row(r) for r in table.rows[table.head :]]]
        return {"t": "Table", "c": [_NO_ATTR, caption, columns, head, [body], [_NO_ATTR, []]]}

    def blocks(self, blocks: Sequence[Block]) -> list[Node]:
        return [node for b in blocks for node in self.block(b)]

    def block(self, block: Block) -> list[Node]:
        if isinstance(block, Paragraph):
            return [{"t": "Para", "c": self.inlines(block.inlines)}]
        if isinstance(block, Heading):
            # Level 1 starts a chapter when read back: headings inside a
            # chapter are level 2 or deeper.
            return [_header(max(block.level, 2), _NO_ATTR, self.inlines(block.inlines, heading=True))]
        if isinstance(block, BlockQuote):
            return [{"t": "BlockQuote", "c": self.blocks(block.blocks) + self.attribution(block.attribution)}]
        if isinstance(block, SectionBreak):
            if self.options.markdown:
                return [{"t": "RawBlock", "c": ["markdown", "* * *"]}]
            return [{"t": "HorizontalRule"}]
        if isinstance(block, ListBlock):
            items = [self.blocks(item) for item in block.items]
            if not block.ordered:
                return [{"t": "BulletList", "c": items}]
            attrs = [block.start, {"t": "Decimal"}, {"t": "Period"}]
            return [{"t": "OrderedList", "c": [attrs, items]}]
        if isinstance(block, Preformatted):
            return [{"t": "CodeBlock", "c": [_NO_ATTR, block.text]}]
        if isinstance(block, Table):
            return [self.table(block)]
        raise TypeError(f"no pandoc block for {type(block).__name__}")

    def attribution(self, inlines: Sequence[Inline]) -> list[Node]:
        """A quotation's source, as its last block: a div of class ``attribution``."""
        if not inlines:
            return []
        return [{"t": "Div", "c": [["", ["attribution"], []], [{"t": "Para", "c": self.inlines(inlines)}]]}]

    # -- inlines --------------------------------------------------------------

    def inlines(self, inlines: Sequence[Inline], heading: bool = False) -> list[Node]:
        return [node for i in inlines for node in self.inline(i, heading)]

    def inline(self, node: Inline, heading: bool = False) -> list[Node]:
        if isinstance(node, Text):
            return text_nodes(node.text)
        if isinstance(node, (Emphasis, Strong)):
            kind = "Emph" if isinstance(node, Emphasis) else "Strong"
            return [{"t": kind, "c": self.inlines(node.children, heading)}]
        if isinstance(node, Code):
            return [{"t": "Code", "c": [_NO_ATTR, node.text]}]
        if isinstance(node, LineBreak):
            if heading and self.options.markdown:
                return [{"t": "Span", "c": [["", ["line-break"], []], []]}]
            return [{"t": "LineBreak"}]
        if isinstance(node, NoteRef):
            note = self.notes.get(node.note_id)
            return [{"t": "Note", "c": self.blocks(note.blocks)}] if note else []
        if isinstance(node, Citation):
            return [self.citation(node)]
        if isinstance(node, TermRef):
            # The glossary-linking pass finds the term again on reading.
            return self.inlines(node.children, heading)
        if isinstance(node, Link):
            return [{"t": "Link", "c": [_NO_ATTR, self.inlines(node.children, heading), [node.url, node.title]]}]
        raise TypeError(f"no pandoc inline for {type(node).__name__}")

    def citation(self, citation: Citation) -> Node:
        """``[(…)]{.citation}`` holding the written text; each item a span
        ``[Okafor, p.12]{.cite key="s1-ref17"}`` (no ``key`` when unresolved)."""
        content = text_nodes(citation.prefix)
        for n, item in enumerate(citation.items):
            if n:
                content += text_nodes(citation.separator)
            attrs = [["key", item.key]] if item.key else []
            content.append({"t": "Span", "c": [["", ["cite"], attrs], text_nodes(item.text)]})
        content += text_nodes(citation.suffix)
        return {"t": "Span", "c": [["", ["citation"], []], content]}
