"""Bibliography entries and citations in the author-date and notes styles.

Every entry and paragraph here is invented for the test; none is a line of
the corpus or the seeds. The metamorphic test lists the same works in the
capitals convention, APA and Chicago author-date and cites them in each
style's manner: the citations must link to the same works.
"""

from __future__ import annotations

import pytest

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import Citation, Name, Position, Reference, Text
from editionbuilder.readers.plaintext.classify import Item
from editionbuilder.readers.plaintext.layout import lay_out
from editionbuilder.readers.plaintext.paragraphs import split_paragraphs
from editionbuilder.readers.plaintext.references.citations import CitationLinker
from editionbuilder.readers.plaintext.references.reader import is_reference_line, read_references

P = Position("inv.txt", 1, 1)


def read(*lines: str) -> tuple[list[Reference], Diagnostics]:
    diags = Diagnostics()
    entries = [(line, f"r{n}", Position("inv.txt", n, n)) for n, line in enumerate(lines, 1)]
    return read_references(entries, diags), diags


def one(line: str) -> Reference:
    (ref,), _ = read(line)
    return ref


def families(names: tuple[Name, ...]) -> list[str]:
    return [n.literal or " ".join(x for x in (n.particle, n.family) if x) for n in names]


# -- each form ----------------------------------------------------------------


def test_apa_book_with_edition_and_translator():
    r = one("Varga, L. (2003). The salt road (3rd ed.). Quayside Press.")
    assert (r.type, families(r.author), r.issued.year, r.title) == ("book", ["Varga"], 2003, "The salt road")
    assert (r.edition, r.publisher) == ("3rd ed.", "Quayside Press")
    t = one("Moreau, P. (1988). Tidewater (J. Hale, Trans.). Gannet. (Original work published 1961)")
    assert families(t.translator) == ["Hale"] and t.original_date.year == 1961 and t.issued.year == 1988


def test_apa_article_with_three_authors_and_a_particle():
    r = one("de Groot, A., Hale, B., & Imrie, C. (2014). Eel passes on small rivers. River Notes, 8(2), 14–29.")
    assert (r.type, families(r.author)) == ("article-journal", ["de Groot", "Hale", "Imrie"])
    assert (r.container_title, r.volume, r.issue, r.page) == ("River Notes", "8", "2", "14–29")


def test_apa_chapter_corporate_author_and_no_date():
    r = one("Ames, T. (1999). Weirs. In P. Lund & K. Ray (Eds.), Small waters (pp. 3-19). Fenland Academic.")
    assert (r.type, r.container_title, families(r.editor), r.page) == (
        "chapter",
        "Small waters",
        ["Lund", "Ray"],
        "3-19",
    )
    b = one("Fen Drainage Board. (n.d.). Pumping records [Data set]. Retrieved from the board's website")
    assert (families(b.author), b.issued.literal, b.genre, b.type) == (
        ["Fen Drainage Board"],
        "n.d.",
        "Data set",
        "webpage",
    )


def test_harvard_chapter_with_in_colon():
    r = one("Lund, P. and Ray, K. (2007) ‘Sluices’, In: Ames, T. (ed.) Water Works. Ely: Marsh Books, pp. 40–52.")
    assert (r.type, families(r.author), r.title) == ("chapter", ["Lund", "Ray"], "Sluices")
    assert (r.container_title, families(r.editor), r.publisher, r.publisher_place) == (
        "Water Works",
        ["Ames"],
        "Marsh Books",
        "Ely",
    )


def test_chicago_author_date_article_and_newspaper():
    r = one("Ray, Kit, and Ann Lund. 2010. “Reed Beds.” Wetland Review 4 (1): 2–9.")
    assert (r.type, families(r.author), r.container_title, r.volume) == (
        "article-journal",
        ["Ray", "Lund"],
        "Wetland Review",
        "4",
    )
    n = one("Hale, Bo. 1977. “Flood at Ely.” The Fen Courier, March 3, 1977, 2.")
    assert (n.type, n.container_title, n.issued.month, n.issued.day) == ("article-newspaper", "The Fen Courier", 3, 3)


def test_chicago_notes_bibliography_book_edited_and_introduction():
    b = one("Imrie, Cal. Fen Letters, 1820–1840. Edited by Bo Hale. 2nd ed. Ely: Marsh Books, 1990.")
    assert (b.type, b.title, families(b.editor), b.edition, b.issued.year) == (
        "book",
        "Fen Letters, 1820–1840",
        ["Hale"],
        "2nd ed",
        1990,
    )
    c = one("Hale, Bo. “Preface.” In Fen Letters, edited by Bo Hale, v–xii. Ely: Marsh Books, 1990.")
    assert (c.type, c.container_title, c.page) == ("chapter", "Fen Letters", "v–xii")


def test_mla_repeated_author_interview_and_chapter():
    refs, _ = read(
        "Lund, Ann. Reed and Rush. Marsh Books, 2001.",
        "---. “Cutting the Reed.” Interview by Kit Ray. Fen Life, no. 7, 2002, pp. 5–8.",
        "Ray, Kit. “Thatch.” Roofs: Essays, edited by Bo Hale, Ely UP, 2005, pp. 11–30.",
    )
    assert [families(r.author) for r in refs] == [["Lund"], ["Lund"], ["Ray"]]
    assert [r.type for r in refs] == ["book", "interview", "chapter"]
    assert (refs[1].container_title, families(refs[1].interviewer)) == ("Fen Life", ["Ray"])
    assert (refs[2].container_title, refs[2].publisher, refs[2].issued.year) == ("Roofs: Essays", "Ely UP", 2005)


def test_manuscript_with_archive_and_undated():
    r = one("Ames, Tom. Sluice keeper's diary. Undated manuscript. Fen Archive, FA/9/1.")
    assert (r.type, r.issued.literal, r.archive, r.archive_location) == ("manuscript", "n.d.", "Fen Archive", "FA/9/1")


def test_capitals_convention_extras_and_in_without_dash():
    r = one("MOREAU, Paul, Tidewater, 2nd edn, trans. J. Hale, Gannet Press, Leeds, 1988 [1961].")
    assert (r.title, r.edition, families(r.translator), r.original_date.year, r.issued.year) == (
        "Tidewater",
        "2nd edn",
        ["Hale"],
        1961,
        1988,
    )
    c = one("LUND, Ann, ‘Dykes’, In: RAY, K. Ed., Fen Essays, Marsh Books, Ely, 1979.")
    assert (c.type, c.container_title, families(c.editor), c.publisher) == (
        "chapter",
        "Fen Essays",
        ["RAY"],
        "Marsh Books",
    )
    b = one("FEN DRAINAGE BOARD (FDB), Annual Report 1930-31, Ely, 1931.")
    assert (b.type, families(b.author), b.publisher_place) == ("report", ["FEN DRAINAGE BOARD"], "Ely")


def test_guessed_types_are_reported():
    refs, diags = read(
        "Fen Guild. 1950. Ten Walks. Ely: FG.",
        "Hale, Bo. 1960. Untold.",
        "Marsh Union. (1921). Why the marsh must be kept. MU.",
    )
    # A body's own work: with a place, listed as a book; under its own
    # imprint alone, a pamphlet. Both guesses, reported.
    assert [r.type for r in refs] == ["book", "book", "pamphlet"]
    assert [(d.code, d.pos.line) for d in diags.items] == [
        ("reference-type-guessed", 1),
        ("reference-type-guessed", 2),
        ("reference-type-guessed", 3),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Thanks, Ann. I read it in 2019 and loved it.",
        "However, the board met. In 1950 it closed.",
        "Hale, Bo, and everyone else who came in 1977 will remember the flood.",
    ],
)
def test_prose_is_not_an_entry(line):
    assert not is_reference_line(line)


def test_entries_on_consecutive_lines_are_one_entry_each():
    text = "Essay text here, long enough.\n\nReferences\n\nLund, Ann. 2001. Reeds. Ely: Marsh.\nRay, Kit. 2005. Rush. Ely: Marsh.\n"
    items = [Item("content", p, p.text) for p in split_paragraphs(text)]
    layout = lay_out(items, is_reference_line)
    assert [it.para.start for it in layout.references] == [5, 6]
    assert [it.text for it in layout.references_headers] == ["References"]


# -- citations ----------------------------------------------------------------


def link(refs: list[Reference], paragraphs: list[str]) -> list[list[str]]:
    linker = CitationLinker(refs, Diagnostics())
    out = []
    for n, p in enumerate(paragraphs):
        inlines = linker.link((Text(p),), Position("inv.txt", 100 + n, 100 + n))
        out.append([i.key for c in inlines if isinstance(c, Citation) for i in c.items])
    return out


def test_citation_forms():
    refs, _ = read(
        "Lund, Ann. 2001. Reeds. Ely: Marsh.",
        "van Dijk, P., & Ray, K. (1998). Rush. Marsh.",
        "Fen Drainage Board (FDB). 1931. Annual Report. Ely: FDB.",
        "Moreau, P. (1988). Tidewater. Gannet. (Original work published 1961)",
    )
    got = link(
        refs,
        [
            "One (Lund 2001, 4–6), two (van Dijk & Ray, 1998, pp. xi–xiv) and (ibid., p. 3).",
            "The board (FDB 1931, 12; Lund 2001, 9) and (Moreau, 1961/1988, p. 7).",
            "As a keeper said (quoted in Lund 2001, 40), and (p. 41).",
            "Lund (2001) agrees; van Dijk and Ray (1998) do not.",
        ],
    )
    assert got == [["r1", "r2", "r2"], ["r3", "r1", "r4"], ["r1", "r1"], ["r1", "r2"]]


def test_mla_citations_with_short_titles():
    refs, _ = read(
        "Lund, Ann. Reed and Rush. Marsh Books, 2001.",
        "---. “Cutting the Reed.” Fen Life, no. 7, 2002, pp. 5–8.",
        "Ray, Kit. Thatch. Ely UP, 2005.",
    )
    got = link(refs, ["It grew (Lund, Reed and Rush 14) and was cut (Lund, “Cutting the Reed” 6); (Ray 9)."])
    assert got == [["r1", "r2", "r3"]]


def test_unparsed_citation_is_reported():
    refs, _ = read("Lund, Ann. 2001. Reeds. Ely: Marsh.")
    diags = Diagnostics()
    CitationLinker(refs, diags).link((Text("Odd (Lund 2001 at 4) form."),), P)
    assert [d.code for d in diags.items] == ["citation-unparsed"]


# -- one set of works, three styles: the same links -------------------------------

STYLES = {
    "capitals": [
        "LUND, Ann, Reeds of the Fen, Marsh Books, Ely, 2001.",
        "VAN DIJK, Piet and RAY, Kit, ‘Rush Cutting’, In:- Fen Life, No. 7, 1998.",
        "FEN DRAINAGE BOARD (FDB), Annual Report 1930-31, Ely, 1931.",
    ],
    "apa": [
        "Lund, A. (2001). Reeds of the fen. Marsh Books.",
        "van Dijk, P., & Ray, K. (1998). Rush cutting. Fen Life, 7(1), 3–9.",
        "Fen Drainage Board. (1931). Annual report 1930-31. FDB.",
    ],
    "chicago": [
        "Lund, Ann. 2001. Reeds of the Fen. Ely: Marsh Books.",
        "van Dijk, Piet, and Kit Ray. 1998. “Rush Cutting.” Fen Life 7 (1): 3–9.",
        "Fen Drainage Board (FDB). 1931. Annual Report 1930-31. Ely: FDB.",
    ],
}
CITED = {
    "capitals": "Reeds (Lund, 2001, p.4) and rush (van Dijk and Ray, 1998, p.5); the board (FDB, 1931, p.2).",
    "apa": "Reeds (Lund, 2001, p. 4) and rush (van Dijk & Ray, 1998, p. 5); the board (FDB, 1931, p. 2).",
    "chicago": "Reeds (Lund 2001, 4) and rush (van Dijk and Ray 1998, 5); the board (FDB 1931, 2).",
}


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_same_works_in_another_style_link_alike(style):
    refs, _ = read(*STYLES[style])
    upper = [[f.upper() for f in families(r.author)] for r in refs]
    assert upper == [["LUND"], ["VAN DIJK", "RAY"], ["FEN DRAINAGE BOARD"]]
    assert [r.issued.year for r in refs] == [2001, 1998, 1931]
    assert link(refs, [CITED[style]]) == [["r1", "r2", "r3"]]
    for other in STYLES:
        assert link(refs, [CITED[other]]) == [["r1", "r2", "r3"]]
