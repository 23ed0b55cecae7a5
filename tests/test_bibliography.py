"""Bibliography lines to ``Reference`` values: the seed essay and invented lines.

The seed's names and titles live only here, in the tests; the invented lines
follow the same conventions with other names, titles, places and years, to
check that the rules are rules and not a memory of one document.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from editionbuilder.model import Issued, Name, Position, Reference
from editionbuilder.readers.plaintext.references.capitals import (
    is_reference_line,
    parse_lone_reference,
    parse_reference,
)
from paths import GUTENBERG, SEED, corpus_file, seed_lines, seed_references

ROOT = Path(__file__).resolve().parents[1]

POS = Position("t.txt", 1, 1)


def ref(text: str) -> Reference:
    return parse_reference(text, "r", POS)


def person(family: str, given: str, particle: str = "") -> Name:
    return Name(family=family, given=given, particle=particle)


def body(literal: str) -> Name:
    return Name(literal=literal)


# --------------------------------------------------------------------------
# The seed bibliography, field by field (read from the source by hand)
# --------------------------------------------------------------------------

# line: (type, authors, editors, title, container, year, suffix)
SEED_EXPECTED = {
    79: ("book", [person("ANDERSON", "Perry")], [], "Lineages of the Absolutist State", "", 1974, ""),
    81: (
        "article-journal",
        [person("BLACKBURN", "Robin")],
        [],
        "Fin de Siecle: Socialism After the Crash",
        "New Left Review",
        1991,
        "",
    ),
    83: ("book", [person("BLUM", "William")], [], "The CIA: A Forgotten History", "", 1986, ""),
    85: (
        "book",
        [person("BURCHETT", "Wilfred"), person("ALLEY", "Rewi")],
        [],
        "China: The Quality of Life",
        "",
        1976,
        "",
    ),
    87: ("book", [person("CALLINICOS", "Alex")], [], "The Revenge of History", "", 1991, ""),
    89: ("book", [person("CARCHEDI", "Gugliemo")], [], "Class Analysis and Social Research", "", 1987, ""),
    91: ("book", [person("CLARK", "Tony")], [], "Peaceful Coexistence", "", 1994, ""),
    93: ("book", [person("CLOUGH", "Robert")], [], "Labour: A Party Fit for Imperialism", "", 1992, ""),
    95: (
        "book",
        [body("COMMUNIST UNITY ORGANISATION")],
        [],
        "Broad Fronts and United Fronts: An Analysis",
        "",
        1972,
        "",
    ),
    97: ("article-journal", [person("FUKUYAMA", "Francis")], [], "The End of History", "National Interest", 1989, ""),
    99: (
        "article-journal",
        [person("GERAS", "Norman")],
        [],
        "The Controversy About Marx and Justice",
        "New Left Review",
        1990,
        "",
    ),
    101: ("book", [person("GETTY", "John Archibald")], [], "Origins of the Great Purges", "", 1985, ""),
    103: (
        "article-newspaper",
        [person("HOBSBAWN", "Eric")],
        [],
        "Waking from History’s Great Dream",
        "The Independent on Sunday",
        1990,
        "",
    ),
    105: ("article-journal", [person("HOFFMAN", "John")], [], "Has Marxism a Future?", "Communist Review", 1990, ""),
    107: ("book", [person("LENIN", "V.I."), person("TROTSKY", "L.")], [], "Kronstadt", "", 1978, ""),
    109: (
        "chapter",
        [person("LUXEMBURG", "Rosa")],
        [person("WOLFE", "B. D.")],
        "The Russian Revolution",
        "Leninism or Marxism",
        1961,
        "",
    ),
    111: (
        "book",
        [person("MAJID", "Cathy")],
        [],
        "Nikita Khruschev: his role in the anti-Stalin campaign and in the destruction of socialism",
        "",
        1993,
        "",
    ),
    113: ("book", [body("MAO TSE-TUNG")], [], "Critique of Soviet Economics", "", 1977, ""),
    115: ("book", [person("MARX", "Karl")], [], "Critique of the Gotha Programme", "", 1972, ""),
    117: (
        "chapter",
        [person("MARX", "Karl"), person("ENGELS", "Frederick")],
        [],
        "Letter to August Bebel, Wilhelm Liebknecht, Wilhelm Bracke and others, (Circular Letter), September, 17-18th, 1879",
        "Selected Letters",
        1977,
        "",
    ),
    119: ("article-journal", [body("THE MARXIST")], [], "What Went Wrong?", "The Marxist", 1994, ""),
    121: (
        "book",
        [body("MARXIST-LENINIST PROGRAMME COMMISSION")],
        [],
        "The Unholy Alliance: The United Front Against Fascism and War, 1935-47",
        "",
        1983,
        "",
    ),
    123: ("book", [person("MEDVEDEV", "Zhores")], [], "Soviet Science", "", 1978, ""),
    125: (
        "article-magazine",
        [body("RCP/US.")],
        [],
        "Outline of Views on the Historical Experience of the International Communist Movement and the Lessons for Today",
        "Revolution",
        1981,
        "",
    ),
    127: (
        "article-magazine",
        [body("RCP/US.")],
        [],
        "The Line of the Comintern on the Civil War in Spain",
        "Revolution",
        1981,
        "a",
    ),
    129: (
        "article-magazine",
        [person("RICHARDS", "Frank")],
        [],
        "The Future Hasn’t Even Begun",
        "Living Marxism",
        1989,
        "",
    ),
    131: (
        "article-journal",
        [person("RICHARDS", "Frank")],
        [],
        "Thesis on Stalinism in the Gorbachev Era",
        "Confrontation",
        1989,
        "a",
    ),
    133: (
        "book",
        [],
        [person("RIDDELL", "John")],
        "The German Revolution and the Debate on Soviet Power",
        "",
        1986,
        "",
    ),
    135: (
        "book",
        [person("SAMARY", "Catherine")],
        [],
        "Plan, Market and Democracy: The Experience of the So-Called Socialist Countries",
        "",
        1988,
        "",
    ),
    137: ("book", [person("SHAW", "Warren"), person("PRYCE", "David")], [], "Encyclopaedia of the USSR", "", 1990, ""),
    139: (
        "book",
        [person("SIRIANNI", "Carmen")],
        [],
        "Workers Control and Soviet Democracy: The Soviet Experience",
        "",
        1982,
        "",
    ),
    # ``In:-`` with no part before it: the book itself, under its editor.
    141: (
        "book",
        [person("STALIN", "J.V.")],
        [body("Central Committee of the CPSU")],
        "History of the Communist Party of the Soviet Union",
        "",
        1939,
        "",
    ),
}


def test_seed_has_32_reference_lines_all_recognised():
    lines = seed_lines()
    entries = [n for n in range(79, 142) if lines[n - 1].strip()]
    assert len(entries) == 32 == len(SEED_EXPECTED)
    assert all(is_reference_line(lines[n - 1]) for n in entries)


@pytest.mark.parametrize("line", sorted(SEED_EXPECTED))
def test_seed_reference_fields(line):
    text = seed_lines()[line - 1]
    r = parse_reference(text, f"ref-{line}", Position(SEED.name, line, line))
    kind, authors, editors, title, container, year, suffix = SEED_EXPECTED[line]
    assert (r.type, list(r.author), list(r.editor)) == (kind, authors, editors)
    assert (r.title, r.container_title) == (title, container)
    assert (r.issued.year, r.issued.suffix) == (year, suffix)
    assert r.raw == text and r.id == f"ref-{line}" and r.pos.line == line


def test_seed_imprints_and_numbers():
    by_line = {r.pos.line: r for r in seed_references()}
    assert (by_line[87].publisher, by_line[87].publisher_place) == ("Polity Press", "Oxford")
    assert (by_line[107].publisher, by_line[107].publisher_place) == ("Pathfinder Press", "NY./, London")
    assert (by_line[133].publisher, by_line[133].publisher_place) == ("Pathfinder Press", "NY/London")
    assert (by_line[109].publisher, by_line[109].publisher_place) == ("University of Michigan Press", "Ann Arbor")
    assert (by_line[117].publisher, by_line[117].publisher_place) == ("PFLP", "Peking")
    assert (by_line[129].publisher, by_line[129].publisher_place) == ("Junius Publications", "London")
    assert by_line[101].publisher == "CUP"
    assert by_line[105].publisher == "COMMUNIST PARTY OF BRITAIN"
    assert by_line[81].issue == "185" and by_line[99].issue == "180" and by_line[119].issue == "51"
    assert by_line[103].note == "Sunday Review section"
    # A single imprint word: a person's book names its publisher, a body's
    # own work (or a book a body edited) its place.
    assert (by_line[139].publisher, by_line[139].publisher_place) == ("Verso", "")
    assert (by_line[121].publisher, by_line[121].publisher_place) == ("", "Stockport")
    assert (by_line[141].publisher, by_line[141].publisher_place) == ("", "Moscow")


def test_seed_dates_keep_their_literal():
    by_line = {r.pos.line: r for r in seed_references()}
    assert by_line[103].issued == Issued(1990, 2, 4, "", "February 4th, 1990")
    assert by_line[105].issued == Issued(1990, 0, 0, "", "Summer 1990")
    assert by_line[125].issued == Issued(1981, 6, 0, "", "June 1981")
    assert by_line[127].issued == Issued(1981, 6, 0, "a", "June, 1981a")
    assert by_line[131].issued == Issued(1989, 0, 0, "a", "")
    assert by_line[79].issued == Issued(1974)


# --------------------------------------------------------------------------
# Invented lines in the same conventions
# --------------------------------------------------------------------------


def test_invented_book():
    r = ref("OKONKWO, Adaeze, The Rivers of Memory, Harbour Press, Lagos, 2004.")
    assert r.type == "book" and r.author == (person("OKONKWO", "Adaeze"),)
    assert (r.title, r.publisher, r.publisher_place, r.issued.year) == (
        "The Rivers of Memory",
        "Harbour Press",
        "Lagos",
        2004,
    )


def test_invented_corporate_and_acronym_authors():
    r = ref("NATIONAL TENANTS FEDERATION, Housing for All: A Programme, 1968.")
    assert r.author == (body("NATIONAL TENANTS FEDERATION"),)
    assert (r.title, r.issued.year) == ("Housing for All: A Programme", 1968)
    r = ref("IWG/UK., ‘Notes on the Crisis’, In:- Spark, March 1977.")
    assert r.author == (body("IWG/UK."),)
    assert (r.type, r.title, r.container_title, r.issued) == (
        "article-magazine",
        "Notes on the Crisis",
        "Spark",
        Issued(1977, 3, 0, "", "March 1977"),
    )


def test_invented_the_inversion():
    r = ref("WORKER, THE, Who Pays? In:- The Worker, No. 12, Leeds, 1971.")
    assert r.author == (body("THE WORKER"),)
    assert (r.type, r.title, r.container_title, r.issue, r.publisher_place) == (
        "article-journal",
        "Who Pays?",
        "The Worker",
        "12",
        "Leeds",
    )


def test_invented_container_with_editor_and_place_publisher():
    r = ref(
        "NKEMELU, Obi, ‘Land and Law’, In:- FERREIRA, A. M. Essays on Tenure, "
        "Porto Alegre – Coastal University Press, 1983."
    )
    assert r.type == "chapter" and r.editor == (person("FERREIRA", "A. M."),)
    assert (r.title, r.container_title) == ("Land and Law", "Essays on Tenure")
    assert (r.publisher, r.publisher_place) == ("Coastal University Press", "Porto Alegre")


@pytest.mark.parametrize("quoted", ["‘A Quiet Harbour’", "'A Quiet Harbour'", "“A Quiet Harbour”"])
def test_invented_quote_styles(quoted):
    r = ref(f"LINDQVIST, Sara, {quoted}, In:- Northern Review, vol. 36, No. 2, Oslo, 1997.")
    assert (r.type, r.title, r.container_title) == ("article-journal", "A Quiet Harbour", "Northern Review")
    assert (r.volume, r.issue, r.issued.year) == ("36", "2", 1997)


def test_quoted_title_with_apostrophes_and_commas():
    r = ref("BRANDT, Elke, ‘The River’s Edge, and Other Crossings’, In:- Delta Quarterly, No. 9, 1993.")
    assert r.title == "The River’s Edge, and Other Crossings"
    assert r.container_title == "Delta Quarterly"


def test_invented_editor():
    r = ref("HALVORSEN, Ingrid, Ed., Letters from the North, Fjord Books, Bergen, 1999.")
    assert r.author == () and r.editor == (person("HALVORSEN", "Ingrid"),)
    assert (r.title, r.publisher, r.publisher_place) == ("Letters from the North", "Fjord Books", "Bergen")


def test_invented_two_authors_and_initials():
    r = ref("PEREIRA, Lucia and TANAKA, Hiro, Salt and Iron, Meridian Press, Lisbon, 2010.")
    assert r.author == (person("PEREIRA", "Lucia"), person("TANAKA", "Hiro"))
    assert r.title == "Salt and Iron"
    r = ref("DUVAL, J.-P. and KOWALSKI, T., Bridges, Vistula Press, Warsaw/, Paris, 1966.")
    assert r.author == (person("DUVAL", "J.-P."), person("KOWALSKI", "T."))
    assert (r.title, r.publisher, r.publisher_place) == ("Bridges", "Vistula Press", "Warsaw/, Paris")


@pytest.mark.parametrize(
    "line, name",
    [
        ("van der BERG, Anneke, Polders, Delta Books, Utrecht, 1988.", person("BERG", "Anneke", "van der")),
        ("VAN DER BERG, Anneke, Polders, Delta Books, Utrecht, 1988.", person("BERG", "Anneke", "VAN DER")),
        ("de la CRUZ, María, Polders, Delta Books, Utrecht, 1988.", person("CRUZ", "María", "de la")),
        ("HOVEN, Pieter van, Polders, Delta Books, Utrecht, 1988.", person("HOVEN", "Pieter", "van")),
        ("ÉLUARD, Céline, Polders, Delta Books, Utrecht, 1988.", person("ÉLUARD", "Céline")),
        ("O’BRIEN, Maeve, Polders, Delta Books, Utrecht, 1988.", person("O’BRIEN", "Maeve")),
    ],
)
def test_invented_particles_and_letters(line, name):
    r = ref(line)
    assert r.author == (name,) and r.title == "Polders" and is_reference_line(line)


def test_multiple_given_names_and_one_word_titles():
    r = ref("HOLLOWAY, Mary, Ellen, The Long Shore, Tidewater Press, Hull, 1975.")
    assert r.author == (person("HOLLOWAY", "Mary Ellen"),) and r.title == "The Long Shore"
    # After initials a single word is a title, not a second given name.
    r = ref("KOWALSKI, T., Bridges, Vistula Press, Warsaw, 1966.")
    assert r.author == (person("KOWALSKI", "T."),) and r.title == "Bridges"
    # A listed title is not a given name either.
    r = ref("ARANDA, Luis, Bread, Work and Land: Three Essays, Andes Press, Lima, 1970.")
    assert r.author == (person("ARANDA", "Luis"),)
    assert r.title == "Bread, Work and Land: Three Essays"


@pytest.mark.parametrize(
    "tail, issued",
    [
        ("2001a.", Issued(2001, 0, 0, "a")),
        ("1999(b).", Issued(1999, 0, 0, "b")),
        ("April, 1966b.", Issued(1966, 4, 0, "b", "April, 1966b")),
        ("Spring 1984.", Issued(1984, 0, 0, "", "Spring 1984")),
        ("Winter 1984", Issued(1984, 0, 0, "", "Winter 1984")),
        ("1990,", Issued(1990)),
    ],
)
def test_invented_dates(tail, issued):
    r = ref(f"MBEKI, Thandi, ‘On Rain’, In:- Veld Monthly, {tail}")
    assert r.issued == issued


def test_invented_newspaper_and_magazine():
    r = ref("ASHWORTH, Tom, ‘Mills Close’, In:- The Northern Herald, Weekend section, March 12th, 1999.")
    assert r.type == "article-newspaper" and r.note == "Weekend section"
    assert r.issued == Issued(1999, 3, 12, "", "March 12th, 1999")
    r = ref("ASHWORTH, Tom, ‘Mills Close’, In:- Looking Glass, October 1983, Kestrel Publications, York.")
    assert (r.type, r.publisher, r.publisher_place) == ("article-magazine", "Kestrel Publications", "York")


def test_in_with_no_part_before_it_is_the_edited_book():
    r = ref("QUIROGA, H.R., In:- Institute of Andean Studies., Collected Papers, Quito, 1958.")
    assert r.type == "book" and r.title == "Collected Papers" and r.container_title == ""
    assert r.editor == (body("Institute of Andean Studies"),)
    assert (r.publisher, r.publisher_place, r.issued.year) == ("", "Quito", 1958)


def test_date_range_ends_the_title_and_trailing_comma():
    r = ref("HARBOUR WORKERS LEAGUE, Ten Years of Struggle, 1960-70, Pier Books, Cardiff, 1971,")
    assert r.title == "Ten Years of Struggle, 1960-70"
    assert (r.publisher, r.publisher_place, r.issued.year) == ("Pier Books", "Cardiff", 1971)


def test_acronym_publisher_with_full_stop_for_comma():
    r = ref("ODUYA, Ken, ‘Harvest Notes’, In:- Field Letters, KUP. Nairobi, 1979.")
    assert (r.publisher, r.publisher_place) == ("KUP", "Nairobi")


def test_raw_is_verbatim_even_when_nothing_is_recognised():
    text = "  Something odd, without a head  "
    r = parse_reference(text, "x", POS)
    assert r.raw == text and r.author == ()


# --------------------------------------------------------------------------
# Precision: prose is never a reference
# --------------------------------------------------------------------------

PROSE = [
    "LONDON, April 20th, 1890.",
    "NOTE, this is a sentence written in 1990, which we kept.",
    "SMITH, John said that in 1990, he left.",
    "WARNING, the bridge is closed, repairs continue, until 2024.",
    "In 1848, Paris, Vienna and Berlin rose; by 1849, the risings were over.",
    "BOOK I, Chapter 3, 1871.",
    "Brown, Anne, The Garden, Leaf Press, Hull, 1990.",  # family not in capitals
]


@pytest.mark.parametrize("text", PROSE)
def test_prose_is_not_a_reference(text):
    assert not is_reference_line(text)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def test_no_false_positive_in_seed_outside_the_bibliography():
    lines = seed_lines()
    for n, line in enumerate(lines, 1):
        if line.strip() and not 79 <= n <= 141:
            assert not is_reference_line(line), (n, line)


def corpus_texts() -> list[Path]:
    """The corpus texts that hold no bibliography line of the seeds' kind."""
    manuscripts = ("05-md-inara-joss-example-paper/paper.md", "06-md-pandoc-markdown-citations/markdown-citations.txt")
    return [corpus_file(name) for name in (*GUTENBERG, *manuscripts)]


def read_text(path: Path) -> str:
    """Project Gutenberg's ``-8.txt`` files are Latin-1; the rest UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def test_no_false_positive_in_corpus():
    checked = 0
    for path in corpus_texts():
        for para in paragraphs(read_text(path)):
            checked += 1
            assert not is_reference_line(para), (path.name, para[:120])
            for line in para.splitlines():
                assert not is_reference_line(line), (path.name, line)
    assert checked > 1000


# --------------------------------------------------------------------------
# Lone references
# --------------------------------------------------------------------------


def test_seed_lone_reference():
    text = seed_lines()[153]
    r = parse_lone_reference(text, "ref-154", Position(SEED.name, 154, 154), "Marx")
    assert r is not None and r.author == (Name(family="Marx"),)
    assert r.title == "Preface and Introduction to a Critique of Political Economy"
    assert (r.publisher, r.issued.year, r.raw) == ("Peking Foreign Languages Press", 1976, text)


def test_invented_lone_reference():
    r = parse_lone_reference("Notes on Method, Harbour Press, Lagos, 1961.", "x", POS, "Okonkwo")
    assert r is not None and r.author == (Name(family="Okonkwo"),)
    assert (r.title, r.publisher, r.publisher_place, r.issued.year) == (
        "Notes on Method",
        "Harbour Press",
        "Lagos",
        1961,
    )


@pytest.mark.parametrize(
    "text",
    [
        "June, 1908.",
        "Paris, 1871.",
        "Definition: productive forces.",
        "The harvest failed in 1846, and the people left. Many went west, 1847.",
        "OKONKWO, Adaeze, The Rivers of Memory, Harbour Press, Lagos, 2004.",
        "",
    ],
)
def test_not_lone_references(text):
    assert parse_lone_reference(text, "x", POS, "Someone") is None


def test_no_lone_reference_in_corpus():
    for path in corpus_texts():
        for para in paragraphs(read_text(path)):
            assert parse_lone_reference(para, "x", POS, "A") is None, para[:120]


def test_hyphenated_given_name_and_plural_editor_marker():
    r = ref("KIM, Soo-jin, Eds., Harbour Voices, Pier Books, Busan, 2001")
    assert r.author == () and r.editor == (person("KIM", "Soo-jin"),)
    assert (r.title, r.issued.year) == ("Harbour Voices", 2001)


def test_two_word_body_with_a_body_word():
    line = "GREEN PARTY, Manifesto for the Coast, 1992."
    assert is_reference_line(line)
    assert ref(line).author == (body("GREEN PARTY"),)


def test_three_authors_and_pages():
    r = ref(
        "MÜLLER, Hans and SCHMIDT, Eva and WEBER, Jonas, ‘Die Brücke’, In:- Labour History, "
        "vol. 12, No. 3, 1979, pp. 45-67."
    )
    assert [n.family for n in r.author] == ["MÜLLER", "SCHMIDT", "WEBER"]
    assert (r.volume, r.issue, r.page, r.issued.year) == ("12", "3", "45-67", 1979)
