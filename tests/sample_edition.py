"""A hand-made Edition that uses every node type the writers print.

It stands in for what readers and transforms will produce: two sources, front
and back matter, notes (one called from a reader's comment, one from inside
another note, one never called), citations resolved and unresolved (one with
its opening parenthesis missing, as sources write them), glossary terms, a
block quote with attribution, a section break, lists, preformatted text, and
text that looks like markup and must stay text.
"""

from __future__ import annotations

from editionbuilder.model import (
    BlockQuote,
    Chapter,
    Citation,
    CiteItem,
    Code,
    Comment,
    Credit,
    Edition,
    Emphasis,
    GlossaryEntry,
    Heading,
    Issued,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Name,
    Note,
    NoteRef,
    Paragraph,
    Position,
    Preformatted,
    Reference,
    SectionBreak,
    SourceInfo,
    Strong,
    TermRef,
    Text,
)

SRC_A = "seeds/essay-a.txt"
SRC_B = "seeds/essay-b.txt"

# Strings the tests look for in the outputs.
LITERAL_MARKUP = "<Majid, p.1>"
SCRIPT_TEXT = "<script>alert('x')</script>"
AMPERSAND_TEXT = "Marx & Engels"
FOOTNOTE_TEXT = "Reproduced from the preface of the second printing."
COMMENT_NOTE_TEXT = "The commenter adds this note about sources."
NESTED_NOTE_TEXT = "A note called from inside another note."
ORPHAN_NOTE_TEXT = "A note that nothing calls is still printed."
GLOSSARY_DEF = "A form of economic organisation planned by the state."
REFERENCE_RAW = "Getty, J. A. 1985. Origins of the Great Purges. Cambridge University Press."
PRE_TEXT = "+------+------+\n| year | tons |\n+------+------+\n| 1931 |  12  |\n+------+------+"
ATTRIBUTION = "Anonymous, Letters"


def P(*inlines, line: int = 0, file: str = SRC_A) -> Paragraph:
    return Paragraph(tuple(inlines), Position(file, line, line))


def T(text: str) -> Text:
    return Text(text)


def _chapter_one() -> Chapter:
    cite_ok = Citation(
        (
            CiteItem("Getty, 1985", key="getty1985", names=("Getty",), year="1985"),
            CiteItem("Majid, p.1", key="", names=("Majid",), locator="p.1"),
        ),
        id="cite-1",
    )
    cite_open = Citation((CiteItem("Getty, 1985", key="getty1985"),), prefix="", id="cite-2")
    blocks = (
        P(
            T("The first paragraph states a thesis"),
            NoteRef("n1", "*"),
            T(" and cites a work "),
            cite_ok,
            T("."),
            line=3,
        ),
        P(T("A citation with no opening parenthesis: Getty, 1985"), T(" then "), cite_open, T(" closes it."), line=5),
        P(
            T("Literal markup stays text: "),
            T(LITERAL_MARKUP),
            T(", "),
            T(SCRIPT_TEXT),
            T(" and "),
            T(AMPERSAND_TEXT),
            T("."),
            line=7,
        ),
        Heading(2, (T("A section heading"),), Position(SRC_A, 9, 9), id="sec-1"),
        P(
            Emphasis((T("Emphasised"),)),
            T(" and "),
            Strong((T("strong"),)),
            T(" words, "),
            Code("x < y"),
            T(", a "),
            TermRef("socialism", (T("socialist economy"),), id="tr-1"),
            T(" and a "),
            Link("https://example.org/a?b=1&c=2", (T("link"),)),
            T("."),
            line=11,
        ),
        BlockQuote(
            (
                P(
                    T("At a certain stage in its development, the productive forces"),
                    LineBreak(),
                    T("come into conflict."),
                    line=13,
                ),
            ),
            attribution=(T(ATTRIBUTION),),
            pos=Position(SRC_A, 13, 14),
        ),
        SectionBreak(Position(SRC_A, 16, 16)),
        ListBlock(
            ((P(T("first item"), line=18),), (P(T("second item"), line=19),)),
            ordered=True,
            start=3,
            pos=Position(SRC_A, 18, 19),
        ),
        ListBlock(((P(T("a bullet"), line=20),),), pos=Position(SRC_A, 20, 20)),
        Preformatted(PRE_TEXT, Position(SRC_A, 22, 26)),
    )
    title = (T("The Collapse of a Regime"),)
    return Chapter("c1", title, blocks, source=SRC_A, pos=Position(SRC_A, 1, 26))


def _chapters() -> tuple[Chapter, ...]:
    intro = Chapter(
        "intro",
        (T("Introduction"),),
        (P(T("An introduction in front matter."), line=1),),
        matter="front",
        role="introduction",
        source=SRC_A,
    )
    two = Chapter(
        "c2",
        (T("A Second Essay"),),
        (P(T("The second essay calls an endnote"), NoteRef("n4", "4"), T("."), file=SRC_B, line=2),),
        source=SRC_B,
        pos=Position(SRC_B, 1, 3),
    )
    colophon = Chapter(
        "colophon", (T("Colophon"),), (P(T("Set in EB Garamond."), line=1),), matter="back", role="colophon"
    )
    # Out of order on purpose: the writer places front, body, back.
    return (colophon, _chapter_one(), intro, two)


def _notes() -> tuple[Note, ...]:
    return (
        Note("n1", (P(T(FOOTNOTE_TEXT), NoteRef("n3"), line=30),), marker="*", pos=Position(SRC_A, 30, 30)),
        Note("n2", (P(T(COMMENT_NOTE_TEXT), line=40),), marker="", pos=Position(SRC_A, 40, 40)),
        Note("n3", (P(T(NESTED_NOTE_TEXT), line=31),), pos=Position(SRC_A, 31, 31)),
        Note(
            "n4",
            (P(T("An endnote of the second essay."), file=SRC_B, line=5),),
            marker="4",
            kind="endnote",
            pos=Position(SRC_B, 5, 5),
        ),
        Note("n5", (P(T(ORPHAN_NOTE_TEXT), line=41),), pos=Position(SRC_A, 41, 41)),
    )


def _references() -> tuple[Reference, ...]:
    return (
        Reference(
            "getty1985",
            author=(Name("Getty", "J. A."),),
            title="Origins of the Great Purges",
            issued=Issued(1985),
            raw=REFERENCE_RAW,
            pos=Position(SRC_A, 50, 50),
        ),
        Reference(
            "smith2001",
            author=(Name("Smith", "A."),),
            title="Second Essay Sources <draft>",
            issued=Issued(2001),
            pos=Position(SRC_B, 10, 10),
        ),
    )


def _comments() -> tuple[Comment, ...]:
    return (
        Comment(
            "k1",
            1,
            (P(T("A reader agrees"), NoteRef("n2"), T("."), line=60),),
            author="Reader One",
            pos=Position(SRC_A, 60, 60),
        ),
        Comment(
            "k2",
            2,
            (P(T("A reader of the second essay disagrees & says so."), file=SRC_B, line=20),),
            author="Reader <Two>",
            pos=Position(SRC_B, 20, 20),
        ),
    )


def sample_edition() -> Edition:
    """The representative edition the writer tests build from."""
    metadata = Metadata(
        title="Essays on a Collapse",
        subtitle="Two Texts & Their Readers",
        authors=("Author One",),
        language="en",
        publisher="Example Press",
        rights="All rights reserved.",
        date="2006",
        description="A sample edition.",
        credits=(Credit("director", "Director Name"),),
        sources=(SourceInfo(SRC_A, "First Essay"), SourceInfo(SRC_B, "Second Essay")),
    )
    glossary = (
        GlossaryEntry("socialism", "socialist economy", (P(T(GLOSSARY_DEF), line=70),), Position(SRC_A, 70, 70)),
    )
    return Edition(metadata, _chapters(), _notes(), glossary, _references(), _comments())
