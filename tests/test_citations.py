"""Author-date citations: the seed essay end to end, invented paragraphs, a property.

The seed's names appear only here. The invented bibliography and paragraphs
use the same conventions with other authors, titles and years.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editionbuilder.diagnostics import Diagnostics, Severity
from editionbuilder.model import (
    Citation,
    Emphasis,
    Inline,
    Position,
    Reference,
    Strong,
    Text,
)
from editionbuilder.readers.plaintext.references.capitals import parse_reference
from editionbuilder.readers.plaintext.references.citations import (
    CitationLinker,
    citation_text,
    find_trailing_citation,
)
from paths import SEED, seed_lines, seed_references

ROOT = Path(__file__).resolve().parents[1]


def flatten(inlines: tuple[Inline, ...]) -> str:
    """The characters of inlines, citations as the source wrote them."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Citation):
            out.append(citation_text(node))
        elif isinstance(node, (Emphasis, Strong)):
            out.append(flatten(node.children))
    return "".join(out)


def citations(inlines: tuple[Inline, ...]) -> list[Citation]:
    return [n for n in inlines if isinstance(n, Citation)]


# --------------------------------------------------------------------------
# The seed essay
# --------------------------------------------------------------------------


# (paragraph line, citation as written, line of the reference it resolves to)
SEED_CITATIONS = [
    (10, "(Majid, p.1)", 111),
    (12, "(Majid, p.3)", 111),
    (12, "(Majid, p.1)", 111),
    (17, "(Lenin and Trotsky, 1978)", 107),
    (19, "(Carchedi, 1987, pp.5-6)", 89),
    (23, "(Luxemburg, p.70)", 109),
    (25, "(Sirianni, p.147)", 139),
    (27, "(Hoffman, 1990, p.16)", 105),
    (29, "(RCP, 1981, p.4)", 125),
    (38, "(Shaw and Pryce, 1990, p.140)", 137),
    (38, "(1985, p.83)", 99),  # "Geras advises that ..." before it
    (40, "(Medvedev, 1979)", 123),  # listed 1978: warns
    (42, "(Burchett and Alley, Mao Tse-Tung)", 85),
    (48, "Getty, 1985)", 101),  # opening parenthesis missing
    (51, "(MLPC., p.1)", 121),
    (53, "(RCP, 1981a p.32)", 127),
    (53, "(MLPC, p.3)", 121),
    (55, "(CUO, 1972, p.6)", 95),
    (57, "(p.6)", 95),  # continues the paragraph before
    (59, "(Blum, 1986)", 83),
    (59, "(Clark, p.10)", 91),
    (63, "(Samary, 1988, P.13)", 135),
    (63, "(Shaw and Pryce, 1990, p.144)", 137),
    (63, "(Shaw and Pryce, 1990, p.89)", 137),
    (76, "(The Marxist, p.12)", 119),
]


@pytest.fixture(scope="module")
def seed_run():
    lines = seed_lines()
    diagnostics = Diagnostics()
    linker = CitationLinker(seed_references(), diagnostics)
    found, texts = [], {}
    for n in range(8, 77):
        text = lines[n - 1]
        if not text.strip():
            continue
        out = linker.link((Text(text),), Position(SEED.name, n, n))
        assert flatten(out) == text
        texts[n] = [t.text for t in out if isinstance(t, Text)]
        found += [(n, citation_text(c), c) for c in citations(out)]
    return found, texts, diagnostics


def test_seed_citations_resolve(seed_run):
    found, _, _ = seed_run
    got = [(n, text, c.items[0].key) for n, text, c in found]
    assert got == [(n, text, f"ref-{ref}") for n, text, ref in SEED_CITATIONS]


def test_seed_warnings(seed_run):
    _, _, diagnostics = seed_run
    got = [(d.code, d.severity, d.pos.line) for d in diagnostics.items]
    assert got == [
        ("citation-year-mismatch", Severity.WARNING, 38),
        ("citation-year-mismatch", Severity.WARNING, 40),
    ]
    assert "1985" in diagnostics.items[0].message and "1990" in diagnostics.items[0].message
    assert "Medvedev" in diagnostics.items[1].message and "1978" in diagnostics.items[1].message


def test_seed_items_record_what_was_written(seed_run):
    found, _, _ = seed_run
    by_text = {text: c for _, text, c in found}
    getty = by_text["Getty, 1985)"]
    assert (getty.prefix, getty.suffix, getty.items[0].names, getty.items[0].year) == ("", ")", ("Getty",), "1985")
    rcp = by_text["(RCP, 1981a p.32)"].items[0]
    assert (rcp.names, rcp.year, rcp.locator) == (("RCP",), "1981a", "p.32")
    shaw = by_text["(Shaw and Pryce, 1990, p.140)"].items[0]
    assert (shaw.names, shaw.year, shaw.locator) == (("Shaw", "Pryce"), "1990", "p.140")
    assert by_text["(p.6)"].items[0].names == ()


def test_seed_prose_parentheses_stay_text(seed_run):
    _, texts, _ = seed_run
    assert any("(Second International)" in t for t in texts[19])
    assert any("(1918)" in t for t in texts[25])
    assert any("(with similar productive relationships)" in t for t in texts[36])
    assert any("(e.g. space research)" in t for t in texts[65])
    assert any("(In Eastern Europe" in t for t in texts[48])
    assert any("(I do not have the opportunity" in t for t in texts[42])


# --------------------------------------------------------------------------
# Invented documents in the same conventions
# --------------------------------------------------------------------------

INVENTED_BIB = {
    "ok-1": "OKONKWO, Adaeze, The Rivers of Memory, Harbour Press, Lagos, 2004.",
    "ok-2": "OKONKWO, Adaeze, ‘Salt Roads’, In:- Delta Quarterly, No. 4, 2004a.",
    "ok-3": "OKONKWO, Adaeze, Tides of Trade, Harbour Press, Lagos, 1998.",
    "pt": "PEREIRA, Lucia and TANAKA, Hiro, Salt and Iron, Meridian Press, Lisbon, 2010.",
    "hwl": "HARBOUR WORKERS LEAGUE, Ten Years of Struggle, Pier Books, Cardiff, 1971.",
    "iwg": "IWG/UK., ‘Notes on the Crisis’, In:- Spark, March 1977.",
    "worker": "WORKER, THE, Who Pays? In:- The Worker, No. 12, Leeds, 1971.",
    "berg": "van der BERG, Anneke, Polders, Delta Books, Utrecht, 1988.",
    "lind": "LINDQVIST, Sara, Northern Lights and Shadows, Fjord Books, Oslo, 1997.",
    "mbeki": "MBEKI, Thandi, ‘On Rain’, In:- Veld Monthly, 1983.",
}


def invented_refs() -> list[Reference]:
    return [
        parse_reference(text, key, Position("inv.txt", i, i)) for i, (key, text) in enumerate(INVENTED_BIB.items(), 1)
    ]


def run(paragraphs: list[str]) -> tuple[list[tuple[Inline, ...]], Diagnostics]:
    diagnostics = Diagnostics()
    linker = CitationLinker(invented_refs(), diagnostics)
    outs = [linker.link((Text(p),), Position("inv.txt", 100 + i, 100 + i)) for i, p in enumerate(paragraphs)]
    for p, out in zip(paragraphs, outs, strict=False):
        assert flatten(out) == p
    return outs, diagnostics


def keys(out: tuple[Inline, ...]) -> list[list[str]]:
    return [[i.key for i in c.items] for c in citations(out)]


def test_author_year_page_forms():
    (out,), diags = run(
        [
            "The coast was never quiet (Okonkwo, 1998, p.4). Trade grew (Pereira and Tanaka, 2010, pp.12-14); "
            "the league spoke (Harbour Workers League, 1971, P.13) and (Lindqvist, 1997)."
        ]
    )
    assert keys(out) == [["ok-3"], ["pt"], ["hwl"], ["lind"]]
    assert diags.items == []


def test_year_suffix_and_missing_comma():
    (out,), diags = run(["The first study (Okonkwo, 2004a p.9) and the second (Okonkwo, 2004, p.2)."])
    assert keys(out) == [["ok-2"], ["ok-1"]]
    assert diags.items == []


def test_acronyms_with_and_without_stop_and_the_inversion():
    (out,), _ = run(
        [
            "The programme was clear (HWL., p.2); its critics less so (The Worker, p.7). "
            "Old arguments returned (IWG, 1977 p.3), and again (IWG, 1977, P.5) and (Worker, p.8)."
        ]
    )
    assert keys(out) == [["hwl"], ["worker"], ["iwg"], ["iwg"], ["worker"]]


def test_look_back_author_and_continuation_across_paragraphs():
    outs, diags = run(
        [
            "Lindqvist describes the winters at length. (1997, p.88) Later she changed her view. (p.90)",
            "(p.91) opens the next paragraph, still hers.",
            "Okonkwo (1998) was first to say so.",
        ]
    )
    assert [keys(o) for o in outs] == [[["lind"], ["lind"]], [["lind"]], [["ok-3"]]]
    assert citations(outs[0])[0].items[0].names == ()
    assert diags.items == []


def test_bare_years_in_prose_stay_text():
    outs, _ = run(
        [
            "In the famine year (1846) nobody sailed.",
            "Lindqvist wrote a great deal. The storm of (1997) was the worst.",
            "Okonkwo went north in the year (1850) of the flood.",
        ]
    )
    assert all(citations(o) == [] for o in outs)


def test_multiple_items_and_lead_in():
    (out,), _ = run(["Dykes mattered (van der Berg, 1988, p.12; Lindqvist, 1997) and (see Pereira and Tanaka, 2010)."])
    first, second = citations(out)
    assert [i.key for i in first.items] == ["berg", "lind"]
    assert [i.text for i in first.items] == ["van der Berg, 1988, p.12", "Lindqvist, 1997"]
    assert first.separator == "; "
    assert (second.prefix, second.items[0].key) == ("(see ", "pt")


def test_malformed_parentheses():
    (closed_missing, unclosed), diags = run(
        [
            "The harbour closed in that year, Okonkwo, 1998) and never reopened.",
            "The ships left the bay (Okonkwo, 2004, p.7",
        ]
    )
    (c1,), (c2,) = citations(closed_missing), citations(unclosed)
    assert (c1.prefix, c1.suffix, c1.items[0].key) == ("", ")", "ok-3")
    assert (c2.prefix, c2.suffix, c2.items[0].key) == ("(", "", "ok-1")
    assert diags.items == []


def test_title_words_form():
    (out,), diags = run(["As shown elsewhere (Pereira and Tanaka, Salt and Iron) and (Okonkwo, Tides of Trade)."])
    assert keys(out) == [["pt"], ["ok-3"]]
    assert [d.code for d in diags.items] == ["citation-ambiguous"]
    assert "ok-3" in diags.items[0].message


def test_not_citations():
    paragraphs = [
        "Nets were mended (e.g. boats and nets) by hand.",
        "They joined (Northern Federation) late.",
        "It was done (with many hands) quickly.",
        "(In those years the nets were mended by hand.)",
        "(Of course, nobody asked.)",
        "A comment (Okonkwo, there was nothing to add) followed.",
        "(Hence, the storm and the flood, which nobody foresaw.)",
    ]
    outs, diags = run(paragraphs)
    assert all(citations(o) == [] for o in outs)
    assert diags.items == []


def test_unresolved_and_year_mismatch_warn():
    (out,), diags = run(["Unknown work (Fairweather, 1966, p.3). Rain again (Mbeki, 1984)."])
    assert keys(out) == [[""], ["mbeki"]]
    assert [(d.code, d.severity, d.pos.line) for d in diags.items] == [
        ("citation-unresolved", Severity.WARNING, 100),
        ("citation-year-mismatch", Severity.WARNING, 100),
    ]
    assert "Fairweather" in diags.items[0].message and "1966" in diags.items[0].message


def test_ambiguous_picks_first_and_says_so():
    (out,), diags = run(["Much later (Okonkwo, p.5), and once more (Okonkwo, 2001, p.5)."])
    assert keys(out) == [["ok-1"], ["ok-1"]]
    codes = [(d.code, d.severity) for d in diags.items]
    assert codes == [
        ("citation-ambiguous", Severity.INFO),
        ("citation-year-mismatch", Severity.WARNING),
        ("citation-ambiguous", Severity.INFO),
    ]


def test_page_without_any_previous_source_is_unresolved():
    (out,), diags = run(["Nothing cited before (p.4) this."])
    assert keys(out) == [[""]]
    assert [d.code for d in diags.items] == ["citation-unresolved"]


def test_citations_inside_emphasis_and_split_text_nodes():
    diagnostics = Diagnostics()
    linker = CitationLinker(invented_refs(), diagnostics)
    inlines = (Text("As said (Okon"), Text("kwo, 1998)."), Emphasis((Text("See (Lindqvist, p.3)"),)))
    out = linker.link(inlines, Position("inv.txt", 1, 1))
    assert flatten(out) == "As said (Okonkwo, 1998).See (Lindqvist, p.3)"
    assert keys(out) == [["ok-3"]]
    assert keys(out[-1].children) == [["lind"]]


# --------------------------------------------------------------------------
# find_trailing_citation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, tail", [(10, "(Majid, p.1)"), (29, "(RCP, 1981, p.4)"), (76, "(The Marxist, p.12)"), (152, "(Marx, p.3)")]
)
def test_trailing_citation_in_seed(line, tail):
    text = seed_lines()[line - 1]
    before, parenthetical = find_trailing_citation(text)
    assert parenthetical == tail and text.startswith(before) and not before.endswith(" ")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("“The tide will turn.” (Okonkwo, 1998, p.4).", ("“The tide will turn.”", "(Okonkwo, 1998, p.4).")),
        ("“It rained.” (p.12)", ("“It rained.”", "(p.12)")),
        ("“It rained.” (Mbeki, 1983a)", ("“It rained.”", "(Mbeki, 1983a)")),
        ("He came back (1918).", None),
        ("Text (e.g. this).", None),
        ("Middle (Okonkwo, p.4) and more.", None),
        ("No parentheses at all.", None),
    ],
)
def test_trailing_citation_invented(text, expected):
    assert find_trailing_citation(text) == expected


# --------------------------------------------------------------------------
# Property: nothing raises, every character comes back
# --------------------------------------------------------------------------

FRAGMENTS = [
    "(",
    ")",
    ";",
    ", ",
    " and ",
    ".",
    " ",
    "p.",
    "pp.",
    "P.",
    "1985",
    "1981a",
    "1989(a)",
    "-",
    "Majid",
    "Okonkwo",
    "The Marxist",
    "MLPC.",
    "RCP",
    "Getty, 1985)",
    "(p.6",
    "Geras advises ",
    "e.g.",
    "see ",
    "’s",
    "“",
    "”",
    "\n",
    "Ä",
    "van der ",
]

texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), st.booleans())
def test_link_round_trips_any_text(paragraphs, emphasise):
    linker = CitationLinker(seed_references() + invented_refs(), Diagnostics())
    for text in paragraphs:
        inlines: tuple[Inline, ...] = (Text(text),)
        if emphasise:
            inlines = (Text(text), Emphasis((Text(text),)), Text(text))
        out = linker.link(inlines, Position("p.txt", 1, 1))
        assert flatten(out) == flatten(inlines)
        find_trailing_citation(text)


def test_source_without_references_keeps_only_citations_with_a_locator():
    diagnostics = Diagnostics()
    inlines = (Text("Printed later (London, 1912), cited (Okonkwo, 1998, p.4) and (Town Archive, TA/3/9)."),)
    out = CitationLinker([], diagnostics).link(inlines, Position("x", 1, 1))
    assert flatten(out) == flatten(inlines)
    assert [citation_text(c) for c in citations(out)] == ["(Okonkwo, 1998, p.4)", "(Town Archive, TA/3/9)"]
    assert keys(out) == [[""], [""]]
    assert [d.code for d in diagnostics.items] == ["citation-unresolved", "citation-unresolved"]


def test_imprint_in_parentheses_warns_when_references_exist():
    # Shape alone cannot tell a place from an author: it is reported, not hidden.
    (out,), diags = run(["Studies in Trade (Lagos, 1912) appeared."])
    assert keys(out) == [[""]]
    assert [d.code for d in diags.items] == ["citation-unresolved"]
