"""Bibliography entries formatted by CSL styles through pandoc's citeproc.

Real pandoc runs, batched: one run formats the 33 references of the essay
seed (as the real reader reads them) with the default style, one with a
small numbered style written here; each hypothesis example is one run of
several titles. The expected entries below were read and judged right for
*The Chicago Manual of Style*, 18th edition, author-date (CMOS 18 no longer
prints the place of publication of books, so ``London`` is absent on
purpose).
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editionbuilder.diagnostics import Diagnostics, RenderError
from editionbuilder.model import (
    Emphasis,
    Inline,
    Issued,
    Link,
    Name,
    Reference,
    Strong,
    Text,
)
from editionbuilder.model.text import bare_text as plain_text
from editionbuilder.options import EditionOptions
from editionbuilder.pandoc_tool import PandocJob, convert_text
from editionbuilder.pipeline import read_edition
from editionbuilder.transforms.csl import (
    FormattedBibliography,
    format_bibliography,
    to_csl_json,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = "seeds/001_72f3cb4c218735c2.txt"

# A numbered style, sorted by year then title, authors as ``Family I.``,
# titles in bold: every visible choice differs from Chicago's.
TINY_CSL = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info>
    <title>Tiny numbered test style</title>
    <id>http://example.org/styles/tiny-numbered</id>
    <updated>2026-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout><text variable="citation-number"/></layout></citation>
  <bibliography second-field-align="flush">
    <sort><key variable="issued"/><key variable="title"/></sort>
    <layout suffix=".">
      <text variable="citation-number" prefix="[" suffix="]"/>
      <group delimiter=", ">
        <names variable="author">
          <name name-as-sort-order="all" sort-separator=" " initialize-with="."/>
          <substitute><names variable="editor"/></substitute>
        </names>
        <text variable="title" font-weight="bold"/>
        <date variable="issued"><date-part name="year"/></date>
      </group>
    </layout>
  </bibliography>
</style>
"""


def show(inlines: tuple[Inline, ...]) -> str:
    """Inlines as text with ``*emphasis*`` and ``**strong**`` marked."""
    out = []
    for inline in inlines:
        if isinstance(inline, Emphasis):
            out.append(f"*{show(inline.children)}*")
        elif isinstance(inline, Strong):
            out.append(f"**{show(inline.children)}**")
        elif isinstance(inline, Link):
            out.append(f"<{show(inline.children)}|{inline.url}>")
        else:
            assert isinstance(inline, Text), inline
            out.append(inline.text)
    return "".join(out)


@pytest.fixture(scope="session")
def seed_references() -> tuple[Reference, ...]:
    options = EditionOptions(name="t", sources=(SEED,))
    return read_edition(options, ROOT, Diagnostics()).references


@pytest.fixture(scope="session")
def chicago(seed_references) -> tuple[FormattedBibliography, float]:
    start = time.perf_counter()
    result = format_bibliography(seed_references, None, "en")
    return result, time.perf_counter() - start


@pytest.fixture(scope="session")
def entries(chicago) -> dict[str, str]:
    return {e.id: show(e.inlines) for e in chicago[0].entries}


# --------------------------------------------------------------------------
# Chicago author-date, the default
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref_id", "expected"),
    [
        # a book
        ("s1-ref1", "Anderson, Perry. 1974. *Lineages of the Absolutist State*. NLB."),
        # two authors: the second not inverted
        ("s1-ref4", "Burchett, Wilfred, and Rewi Alley. 1976. *China: The Quality of Life*. Pelican."),
        # a chapter in an edited book
        (
            "s1-ref16",
            (
                "Luxemburg, Rosa. 1961. “The Russian Revolution.” In *Leninism or Marxism*, "
                "edited by B. D. Wolfe. University of Michigan Press."
            ),
        ),
        # a journal article with an issue number (and its city, as CMOS does for journals)
        (
            "s1-ref2",
            (
                "Blackburn, Robin. 1991. “Fin de Siecle: Socialism After the Crash.” "
                "*New Left Review* (London), no. 185."
            ),
        ),
        # a season date
        ("s1-ref14", "Hoffman, John. 1990. “Has Marxism a Future?” *Communist Review*, no. 7 (Summer)."),
        # a newspaper: month and day after the paper's name
        (
            "s1-ref13",
            ("Hobsbawn, Eric. 1990. “Waking from History’s Great Dream.” *The Independent on Sunday*, February 4."),
        ),
        # a corporate author in capitals, now in normal case
        ("s1-ref9", "Communist Unity Organisation. 1972. *Broad Fronts and United Fronts: An Analysis*."),
        # an editor and no author
        (
            "s1-ref28",
            ("Riddell, John, ed. 1986. *The German Revolution and the Debate on Soviet Power*. Pathfinder Press."),
        ),
        # the lone reference after a quotation: the citation's name is its author
        (
            "s1-ref-lone1",
            (
                "Marx. 1976. *Preface and Introduction to a Critique of Political Economy*. "
                "Peking Foreign Languages Press."
            ),
        ),
        # an acronym as author; the year keeps the source's label (1981), not the suffix citeproc gives (1981a)
        (
            "s1-ref24",
            (
                "RCP/US. 1981. “Outline of Views on the Historical Experience of the International "
                "Communist Movement and the Lessons for Today.” *Revolution*, June."
            ),
        ),
        # an acronym as publisher
        ("s1-ref12", "Getty, John Archibald. 1985. *Origins of the Great Purges*. CUP."),
        # a title the source wrote in sentence case: Chicago's headline style
        (
            "s1-ref17",
            (
                "Majid, Cathy. 1993. *Nikita Khruschev: His Role in the Anti-Stalin Campaign and in "
                "the Destruction of Socialism*. Stalin Society."
            ),
        ),
    ],
)
def test_chicago_entries(entries, ref_id, expected):
    assert entries[ref_id] == expected


def test_every_reference_gets_one_entry(seed_references, chicago):
    result = chicago[0]
    assert len(seed_references) == 33
    assert sorted(result.order) == sorted(r.id for r in seed_references)
    assert all(e.inlines for e in result.entries)


def test_sorted_alphabetically_by_author(chicago, entries):
    order = chicago[0].order
    # the head of each entry up to its year, letters only
    heads = [re.sub(r"\W+", " ", re.split(r"\b1\d{3}", entries[i])[0]).casefold().strip() for i in order]
    assert heads == sorted(heads)
    assert order[:3] == ("s1-ref1", "s1-ref2", "s1-ref3")
    # ``Marx.`` (no given name) before ``Marx, Karl.``, the two 1989 works by date
    assert order.index("s1-ref-lone1") < order.index("s1-ref19") < order.index("s1-ref20")
    assert order.index("s1-ref26") + 1 == order.index("s1-ref27")
    # the reader's literal ``THE MARXIST`` sorts under T, after Stalin
    assert order[-2:] == ("s1-ref32", "s1-ref21")


def test_capitals_become_normal_case_acronyms_stay(entries):
    text = "\n".join(entries.values())
    assert "Marx, Karl. 1972." in text and "MARX" not in text.replace("Marxism", "")
    assert "Marx, Karl, and Frederick Engels. 1977." in text
    assert "Mao Tse-Tung. 1977." in entries["s1-ref18"]
    assert entries["s1-ref22"].startswith("Marxist-Leninist Programme Commission. 1983.")
    assert entries["s1-ref21"].startswith("The Marxist. 1994.")
    assert entries["s1-ref19"].endswith(". PFLP.") and entries["s1-ref23"].endswith(". OUP.")
    # every surname the source wrote in capitals, except in the raw fallback
    shouting = [i for i, e in entries.items() if re.match(r"[A-Z]{3,}\b(?!/)", e) and i != "s1-ref32"]
    assert shouting == []


def test_entry_without_title_prints_its_raw_line_in_the_styles_place(chicago):
    assert sum(e.raw_fallback for e in chicago[0].entries) == 0  # every seed entry has its title
    raw = "MORROW, Ada, ?? unread ??, 1950."
    refs = [
        Reference(id="a", title="Alpha", author=(Name(family="Abbott", given="B."),), issued=Issued(1990)),
        Reference(id="m", author=(Name(family="Morrow", given="Ada"),), issued=Issued(1950), raw=raw),
        Reference(id="z", title="Zeta", author=(Name(family="Zorn", given="C."),), issued=Issued(1980)),
    ]
    result = format_bibliography(refs, None, "en")
    untitled = next(e for e in result.entries if e.id == "m")
    assert untitled.raw_fallback and untitled.inlines == (Text(raw),)
    assert result.order == ("a", "m", "z")  # sorted by its author all the same


def test_diagnostics_name_unrecognised_words_and_relabelled_years(chicago):
    found = {(d.code, d.pos.line, d.message) for d in chicago[0].diagnostics}
    unused = {(line, msg.rsplit(": ", 1)[1]) for code, line, msg in found if code == "reference-words-unused"}
    assert unused == set()  # Stockport is a place and Verso a publisher now
    ref = Reference(id="u", title="Tides", author=(Name(family="Ives", given="R."),), issued=Issued(1970))
    ref = replace(ref, raw="IVES, R., Tides, Gullwing, 1970.")
    (diag,) = format_bibliography([ref], None, "en").diagnostics
    assert (diag.code, diag.message.rsplit(": ", 1)[1]) == ("reference-words-unused", "Gullwing")
    relabelled = sorted((line, msg) for code, line, msg in found if code == "reference-year-relabelled")
    assert [line for line, _ in relabelled] == [125, 127, 129, 131]
    assert relabelled[1][1] == (
        "the bibliography style labels this work 1981b; the source's 1981a is kept, as the text cites it"
    )


def test_printed_year_labels_are_the_sources_that_the_text_cites(chicago, seed_references):
    """The essay cites "RCP, 1981" and "RCP, 1981a" (and Richards 1989 and
    1989a): the bibliography prints those labels, not the style's own
    1981a/1981b, and each author's labels differ."""
    by_id = {e.id: plain_text(e.inlines) for e in chicago[0].entries}
    labels = {}
    for ref in seed_references:
        if ref.issued.year in (1981, 1989) and ref.title and ref.raw.startswith(("RCP", "RICHARDS")):
            m = re.search(rf"{ref.issued.year}[a-z]?(?![\w])", by_id[ref.id])
            labels[ref.id] = (ref.raw[:3], m[0])
            assert m[0] == f"{ref.issued.year}{ref.issued.suffix}", (ref.raw, by_id[ref.id])
    assert len(labels) == 4 and len(set(labels.values())) == 4


def test_one_pandoc_run_is_quick(chicago):
    # one process for all 33 entries (measured ~0.2-0.3 s here); generous for a loaded CI
    assert chicago[1] < 5.0


# --------------------------------------------------------------------------
# CSL-JSON
# --------------------------------------------------------------------------


def test_csl_json_of_a_chapter(seed_references):
    luxemburg = next(r for r in seed_references if r.id == "s1-ref16")
    assert to_csl_json(luxemburg) == {
        "id": "s1-ref16",
        "type": "chapter",
        "author": [{"family": "Luxemburg", "given": "Rosa"}],
        "editor": [{"family": "Wolfe", "given": "B. D."}],
        "title": "The Russian Revolution",
        "container-title": "Leninism or Marxism",
        "publisher": "University of Michigan Press",
        "publisher-place": "Ann Arbor",
        "issued": {"date-parts": [[1961]]},
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (Name(family="MARX", given="Karl"), {"family": "Marx", "given": "Karl"}),
        (Name(family="McDONALD", given="Ian"), {"family": "McDonald", "given": "Ian"}),
        (Name(family="O’BRIEN", given="Flann"), {"family": "O’Brien", "given": "Flann"}),
        (Name(family="CHEN LI-WEN", given="Ann"), {"family": "Chen Li-Wen", "given": "Ann"}),
        (Name(family="GARCÍA MÁRQUEZ", given="G."), {"family": "García Márquez", "given": "G."}),
        # a particle in capitals was part of the printed surname
        (Name(family="BOIS", given="W. E. B.", particle="DU"), {"family": "Du Bois", "given": "W. E. B."}),
        (Name(family="MEER", given="Jan", particle="VAN DER"), {"family": "Van der Meer", "given": "Jan"}),
        (
            Name(family="BEETHOVEN", given="Ludwig", particle="van"),
            {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        ),
        (Name(family="Marx"), {"family": "Marx"}),
        (Name(literal="RCP/US."), {"literal": "RCP/US."}),
        (Name(literal="CUP"), {"literal": "CUP"}),
        (Name(literal="COMMUNIST PARTY OF BRITAIN"), {"literal": "Communist Party of Britain"}),
        (
            Name(literal="COMMUNIST PARTY OF GREAT BRITAIN (CPGB)"),
            {"literal": "Communist Party of Great Britain (CPGB)"},
        ),
        (Name(literal="Central Committee of the CPSU."), {"literal": "Central Committee of the CPSU."}),
    ],
)
def test_names_in_capitals_to_normal_case(name, expected):
    assert to_csl_json(Reference(id="r", title="T", author=(name,)))["author"] == [expected]


def test_dates_and_suffixes():
    def issued(i: Issued) -> object:
        return to_csl_json(Reference(id="r", title="T", issued=i)).get("issued")

    assert issued(Issued(1990, 2, 4, literal="February 4th, 1990")) == {"date-parts": [[1990, 2, 4]]}
    assert issued(Issued(1990, literal="Summer 1990")) == {"date-parts": [[1990]], "season": 2}
    assert issued(Issued(1981, 6, suffix="a")) == {"date-parts": [[1981, 6]]}  # citeproc labels
    assert issued(Issued(literal="n.d.")) == {"literal": "n.d."}
    assert issued(Issued()) is None


# --------------------------------------------------------------------------
# Other styles, languages, failures
# --------------------------------------------------------------------------


def test_a_csl_file_switches_the_style(tmp_path, seed_references):
    style = tmp_path / "tiny.csl"
    style.write_text(TINY_CSL, encoding="utf-8")
    result = format_bibliography(seed_references, style, "en")
    got = {e.id: show(e.inlines) for e in result.entries}
    assert got["s1-ref1"] == "[5] Anderson P., **Lineages of the Absolutist State**, 1974."
    assert got["s1-ref4"] == "[6] Burchett W., Alley R., **China: The Quality of Life**, 1976."
    riddell = "[18] Riddell J., **The German Revolution and the Debate on Soviet Power**, 1986."
    assert got["s1-ref28"] == riddell
    # sorted by year: 1939 first
    assert result.order[0] == "s1-ref32"
    assert got["s1-ref32"] == "[1] Stalin J.V., **History of the Communist Party of the Soviet Union**, 1939."
    # (a year may carry the source's suffix letter: "1981a.")
    years = [int(re.search(r"(\d{4})[a-z]?\.$", got[i]).group(1)) for i in result.order[1:]]
    assert years == sorted(years)


def test_language_picks_the_locale():
    ref = Reference(
        id="r",
        type="article-journal",
        author=(Name(family="DUPONT", given="Anne"),),
        title="Le titre",
        container_title="Revue",
        issue="3",
        issued=Issued(1990, 6),
    )
    (entry,) = format_bibliography([ref], None, "fr-FR").entries
    # French quotes with no-break spaces inside, French terms and months
    expected = "Dupont, Anne. 1990. \u00ab\u00a0Le titre\u00a0\u00bb. *Revue*, n\u1d52 3 (juin)."
    assert show(entry.inlines) == expected


def test_pandoc_warnings_come_back_as_diagnostics():
    ref = Reference(id="r", title="T", author=(Name(family="X", given="Y"),), issued=Issued(2000))
    result = format_bibliography([ref], None, "1")
    (warning,) = [d for d in result.diagnostics if d.code == "pandoc-warning"]
    assert warning.message == "[WARNING] Invalid 'lang' value '1'. Use an IETF language tag like 'en-US'."


def test_missing_style_is_a_one_line_render_error(tmp_path):
    ref = Reference(id="r", title="T", author=(Name(family="X", given="Y"),), issued=Issued(2000))
    with pytest.raises(RenderError) as caught:
        format_bibliography([ref], tmp_path / "nonexistent.csl", "en")
    message = caught.value.format()
    assert "\n" not in message and "nonexistent.csl" in message
    assert message.startswith("formatting the bibliography with the style ")
    assert caught.value.exit_code == 4


def test_broken_style_is_a_one_line_render_error(tmp_path):
    style = tmp_path / "broken.csl"
    style.write_text("<style>not a CSL style", encoding="utf-8")
    ref = Reference(id="r", title="T", issued=Issued(2000))
    with pytest.raises(RenderError) as caught:
        format_bibliography([ref], style, "en")
    assert "\n" not in caught.value.format()


def test_pandoc_failure_of_a_reader_is_the_jobs_error_class():
    from editionbuilder.diagnostics import InputError

    job = PandocJob("nosuchformat", "json", "en", "reading x.foo", error=InputError)
    with pytest.raises(InputError, match=r"^reading x\.foo: pandoc failed: .*nosuchformat"):
        convert_text("text", job)


def test_no_references_no_pandoc_run():
    assert format_bibliography([], Path("/nonexistent.csl"), "en").entries == ()


# --------------------------------------------------------------------------
# Text stays text
# --------------------------------------------------------------------------

# Letters, digits, spaces and the characters markup languages care about.
_TITLE_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßø0123456789     ")
    + list("<>&*_$@#[]{}\\/\"'`~^|.,:;!?()-")
)
_TITLES = st.text(_TITLE_CHARS, min_size=1, max_size=40).filter(lambda t: re.search(r"[^\W\d_]", t))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TITLES, min_size=1, max_size=8))
def test_titles_come_back_as_the_same_words(titles):
    """Every word of any title prints, in order; only letter case may change
    (Chicago's headline style), and ``<``/``&`` stay characters."""
    author = (Name(family="Author", given="A."),)
    refs = [Reference(id=f"t{n}", title=t, author=author, issued=Issued(2000 + n)) for n, t in enumerate(titles)]
    entries = format_bibliography(refs, None, "en").by_id()
    for ref in refs:
        entry = entries[ref.id]
        (title,) = [i for i in entry if isinstance(i, Emphasis)]
        printed = plain_text(title.children)
        assert _words(printed) == _words(ref.title)
        for char in "<>&":
            assert printed.count(char) == ref.title.count(char)
