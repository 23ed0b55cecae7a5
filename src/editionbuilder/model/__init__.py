"""The edition model: one closed, typed, immutable description of a book.

Readers build it, transforms rewrite it, writers print it; none of them calls
another. Everything here is a frozen, slotted dataclass holding tuples, so a
value can be shared between passes without anyone changing it behind their
back. The model imports nothing of the package (the shape of pandoc-types'
``Definition.hs``).

Every block, note, glossary entry, reference and comment carries the
``Position`` of the source lines it came from, so that diagnostics can point
at a line and the build report can account for every line of every source.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """Source lines ``line``..``end_line`` (1-based, inclusive) of ``file``."""

    file: str = ""
    line: int = 0
    end_line: int = 0


NOWHERE = Position()


# --------------------------------------------------------------------------
# Inlines
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    text: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strong:
    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A forced line break (verse, addresses)."""


@dataclass(frozen=True, slots=True)
class NoteRef:
    """A call to ``Note`` ``note_id``; ``marker`` is the mark the source used."""

    note_id: str
    marker: str = ""


@dataclass(frozen=True, slots=True)
class CiteItem:
    """One work cited inside a citation.

    ``text`` is the item exactly as the source wrote it (``Okafor, p.12``);
    ``names``/``year``/``locator`` are what was recognised in it, and
    ``key`` the id of the ``Reference`` it resolved to ("" if none).
    """

    text: str
    key: str = ""
    names: tuple[str, ...] = ()
    year: str = ""
    locator: str = ""


@dataclass(frozen=True, slots=True)
class Citation:
    """An author-date citation: ``prefix`` + items joined by ``separator`` + ``suffix``.

    The punctuation is kept as written, so ``Getty, 1985)`` with its missing
    opening parenthesis prints as it stood.
    """

    items: tuple[CiteItem, ...]
    prefix: str = "("
    suffix: str = ")"
    separator: str = "; "
    id: str = ""


@dataclass(frozen=True, slots=True)
class TermRef:
    """A use of glossary term ``term_id`` in running text."""

    term_id: str
    children: tuple[Inline, ...]
    id: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    children: tuple[Inline, ...]
    title: str = ""


Inline = Text | Emphasis | Strong | Code | LineBreak | NoteRef | Citation | TermRef | Link
INLINE_TYPES = (Text, Emphasis, Strong, Code, LineBreak, NoteRef, Citation, TermRef, Link)


# --------------------------------------------------------------------------
# Blocks
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    inlines: tuple[Inline, ...]
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    inlines: tuple[Inline, ...]
    pos: Position = NOWHERE
    id: str = ""
    # Displayed in small capitals: the source set it in capitals and the
    # edition's case is small caps. ``inlines`` hold it in title case, so
    # that what reads the text (a screen reader, a search, the nav) reads
    # words; the writers draw the small capitals.
    small_caps: bool = False


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A displayed quotation; ``attribution`` is its source (often a citation)."""

    blocks: tuple[Block, ...]
    attribution: tuple[Inline, ...] = ()
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class SectionBreak:
    """A thematic break between sections of a chapter."""

    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class ListBlock:
    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False
    start: int = 1
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class Preformatted:
    """Text whose line breaks and spacing carry meaning (tables, ASCII boxes)."""

    text: str
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class Table:
    """A table: ``rows`` of cells, each cell a run of inlines (a note may be
    called from a cell); the first ``head`` rows are column heads, and
    ``caption`` is its number and title as the source set them above it."""

    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    head: int = 0
    caption: tuple[Inline, ...] = ()
    pos: Position = NOWHERE


Block = Paragraph | Heading | BlockQuote | SectionBreak | ListBlock | Preformatted | Table
BLOCK_TYPES = (Paragraph, Heading, BlockQuote, SectionBreak, ListBlock, Preformatted, Table)


# --------------------------------------------------------------------------
# Apparatus
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote or endnote; ``marker`` is the source's own mark (``*``, ``1``, ``A``).

    ``label`` is what the edition prints for it, its number in ``chapter``
    (the id of the chapter whose notes it is numbered with), both set by
    the ``number_notes`` pass; empty until then.
    """

    id: str
    blocks: tuple[Block, ...]
    marker: str = ""
    kind: str = "footnote"  # "footnote" | "endnote"
    pos: Position = NOWHERE
    label: str = ""
    chapter: str = ""


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """A defined term; ``pos`` is the line that names the term."""

    id: str
    term: str
    blocks: tuple[Block, ...]
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class Name:
    """A CSL name: a person (family/given/particle) or a body (literal)."""

    family: str = ""
    given: str = ""
    particle: str = ""
    literal: str = ""


@dataclass(frozen=True, slots=True)
class Issued:
    """A CSL date reduced to what bibliographies here carry.

    ``suffix`` is a disambiguating letter written by the source (``1981a``);
    ``literal`` keeps text that is not a plain year (``Summer 1990``).
    """

    year: int = 0
    month: int = 0
    day: int = 0
    suffix: str = ""
    literal: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """A bibliography entry with CSL-JSON-shaped fields.

    ``raw`` is the entry as the source wrote it, so nothing is lost when a
    field was not recognised.
    """

    id: str
    type: str = "book"
    author: tuple[Name, ...] = ()
    editor: tuple[Name, ...] = ()
    title: str = ""
    container_title: str = ""
    publisher: str = ""
    publisher_place: str = ""
    issued: Issued = Issued()
    volume: str = ""
    issue: str = ""
    page: str = ""
    note: str = ""
    # Further CSL variables that bibliographies in the author-date and
    # notes styles carry: a translation's translator and first date
    # (``1931/1994``), an interview's interviewer, an edition (``2nd ed.``),
    # a genre in brackets (``[Unpublished manuscript]``), an archive and its
    # shelfmark, and when a web page was retrieved (as written).
    translator: tuple[Name, ...] = ()
    interviewer: tuple[Name, ...] = ()
    edition: str = ""
    original_date: Issued = Issued()
    genre: str = ""
    archive: str = ""
    archive_location: str = ""
    accessed: str = ""
    raw: str = ""
    pos: Position = NOWHERE
    # The entry as the edition's citation style prints it (filled by the
    # ``format_references`` pass; empty until then).
    formatted: tuple[Inline, ...] = ()


@dataclass(frozen=True, slots=True)
class Comment:
    """A reader's response, kept apart from the author's text."""

    id: str
    number: int
    blocks: tuple[Block, ...]
    author: str = ""
    pos: Position = NOWHERE


@dataclass(frozen=True, slots=True)
class Credit:
    """A contributor named in the source: ``role`` is ``director``, ``author``…"""

    role: str
    name: str


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where one text of the edition comes from."""

    path: str
    title: str = ""
    encoding: str = "utf-8"
    lines: int = 0
    sha256: str = ""
    authors: tuple[str, ...] = ()  # this text's own (an anthology's contents name each piece's)


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str = ""
    subtitle: str = ""
    authors: tuple[str, ...] = ()
    language: str = "en"
    publisher: str = ""
    rights: str = ""  # a statement of a sentence or two (the EPUB's dc:rights, the copyright page)
    # A licence the source carries in full (a Project Gutenberg text's):
    # kept whole here and in the report, never printed as text.
    licence: str = ""
    copyright_holder: str = ""  # the copyright page's "© YEAR HOLDER" (empty: the rights statement alone)
    date: str = ""
    identifier: str = ""
    print_identifier: str = ""
    description: str = ""
    credits: tuple[Credit, ...] = ()
    sources: tuple[SourceInfo, ...] = ()
    # Source lines whose content went into the metadata (a byline).
    origins: tuple[Position, ...] = ()
    # The title is displayed in small capitals (as ``Heading.small_caps``).
    title_small_caps: bool = False


@dataclass(frozen=True, slots=True)
class Chapter:
    """One unit of the book, a file of its own in the EPUB.

    ``matter`` places it (``front``, ``body``, ``back``); ``role`` says what it
    is (``chapter``, ``colophon``, ``rights``, ``introduction``…). ``pos`` is
    where its title came from (empty for a title the reader made up); its
    blocks carry their own positions.
    """

    id: str
    title: tuple[Inline, ...]
    blocks: tuple[Block, ...]
    matter: str = "body"
    role: str = "chapter"
    source: str = ""
    pos: Position = NOWHERE
    # The title is displayed in small capitals (as ``Heading.small_caps``).
    small_caps: bool = False


@dataclass(frozen=True, slots=True)
class Removed:
    """Source lines left out of the model, and why."""

    pos: Position
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Edition:
    metadata: Metadata
    chapters: tuple[Chapter, ...] = ()
    notes: tuple[Note, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    references: tuple[Reference, ...] = ()
    comments: tuple[Comment, ...] = ()
    removed: tuple[Removed, ...] = ()


MODEL_TYPES = (
    Position,
    *INLINE_TYPES,
    CiteItem,
    *BLOCK_TYPES,
    Note,
    GlossaryEntry,
    Name,
    Issued,
    Reference,
    Comment,
    Credit,
    SourceInfo,
    Metadata,
    Chapter,
    Removed,
    Edition,
)
