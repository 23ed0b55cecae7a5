"""The reader on real sources: the two seeds (golden models, read against
the sources line by line before they were committed) and the Gutenberg
texts of the corpus (tests/corpus); line accounting; no word lost; no crash on
arbitrary text.

Regenerate the goldens with ``EDITIONBUILDER_REGEN=1 pytest tests/test_reader_sources.py``
and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editionbuilder.config import one_off_edition
from editionbuilder.diagnostics import Diagnostics, InputError
from editionbuilder.model import Paragraph, Preformatted, Text, serialize
from editionbuilder.model.text import WORD, model_words
from editionbuilder.model.walk import iter_blocks, walk_inlines
from editionbuilder.options import EditionOptions
from editionbuilder.pipeline import read_edition
from editionbuilder.readers.plaintext.inlines import parse_inlines
from editionbuilder.report.accounting import account, stats
from editionbuilder.sources import read_source
from paths import GUTENBERG as GUTENBERG_FILES
from paths import ROOT, corpus_file

GOLDEN = Path(__file__).parent / "golden"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GUTENBERG = [corpus_file(name) for name in GUTENBERG_FILES]

# Words that are syntax of the plain-text conventions, not text: the byline's
# "by", "Definition:" and the inline note's "Footnote".
SYNTAX_WORDS = {"by", "By", "BY", "Definition", "Footnote"}
SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")

_cache: dict[Path, tuple] = {}


def read(path: Path):
    """The model of one source; positions name it relative to the project
    (``seeds/...``) so goldens do not depend on where the tree lies."""
    if path not in _cache:
        diags = Diagnostics()
        inside = path.is_relative_to(ROOT)
        source = path.relative_to(ROOT).as_posix() if inside else str(path)
        options = EditionOptions(name="t", sources=(source,))
        _cache[path] = (read_edition(options, ROOT if inside else Path("/"), diags), diags)
    return _cache[path]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_model_matches_golden(seed):
    edition, _ = read(seed)
    golden = GOLDEN / (seed.stem + ".model.json")
    text = serialize.dumps(edition)
    if os.environ.get("EDITIONBUILDER_REGEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert serialize.loads(text) == edition  # JSON round trip is the identity


def test_essay_seed_figures():
    edition, diags = read(ROOT / "seeds/001_72f3cb4c218735c2.txt")
    s = stats(edition, diags.items)
    assert (s["paragraphs"], s["block_quotes"], s["section_breaks"]) == (25, 5, 4)
    assert (s["glossary_entries"], s["references"], s["comments"], s["notes"]) == (3, 33, 1, 0)
    assert s["citations"] == s["citations_resolved"] == 26
    assert sorted(d.code for d in diags.items if d.severity.value == "warning") == [
        "citation-year-mismatch",
        "citation-year-mismatch",
        "comments-missing",
        "link-lost",
        "quote-unclosed",
        "reference-type-guessed",
        "reference-type-guessed",
    ]


def test_film_seed_figures():
    edition, diags = read(ROOT / "seeds/000_daf78f6bae771185.txt")
    s = stats(edition, diags.items)
    assert (s["paragraphs"], s["comments"], s["notes"], s["references"]) == (1, 7, 1, 0)
    assert [(c.role, c.name) for c in edition.metadata.credits][:3] == [
        ("director", "Toomas Lepp"),
        ("author", "Juhan Aare"),
        ("producer", "Juhan Aare"),
    ]


EXPECTED_GUTENBERG = {
    # file: (title, author, notes)
    "39257-8.txt": ("Socialism: Utopian and Scientific", "Frederick Engels", 11),
    "29258.txt": ("The Enclosures in England", "Harriett Bradley", 147),
    "13488-8.txt": ("An Essay on Mediaeval Economic Teaching", "George O’Brien", 517),  # the apostrophe set curly
}


@pytest.mark.parametrize("path", GUTENBERG, ids=lambda p: p.name)
def test_gutenberg_text(path):
    edition, _ = read(path)
    title, author, notes = EXPECTED_GUTENBERG[path.name]
    assert edition.metadata.title == title
    assert edition.metadata.authors == (author,)
    if path.name == "29258.txt":  # the header's second title line is the subtitle
        assert edition.metadata.subtitle == "An Economic Reconstruction"
    assert len(edition.notes) == notes
    assert (len(edition.references), len(edition.glossary), len(edition.comments)) == (0, 0, 0)
    body_text = " ".join(model_words_of_chapters(edition, "chapter"))
    assert "PROJECT GUTENBERG" not in body_text.upper()


# Each text's "About this text" note: the ebook's number and the source
# edition's imprint as its title page gives it.
EXPECTED_ABOUT = {
    "39257-8.txt": ("ebook #39257, released March 24, 2012", "(Chicago: Charles H. Kerr & Company)"),
    "29258.txt": (
        "ebook #29258, released June 27, 2009",
        "(New York: Columbia University; Longmans, Green & Co., Agents; London: P.S. King & Son, Ltd., 1918)",
    ),
    "13488-8.txt": ("ebook #13488, released September 17, 2004", "(1920)"),
}


@pytest.mark.parametrize("path", GUTENBERG, ids=lambda p: p.name)
def test_gutenberg_licence_and_source_edition_become_one_note(path):
    """The licence and the source edition's apparatus leave the text: no
    chapter holds them, one "About this text" note in ordinary paragraphs
    sums them up, the licence is whole in the rights metadata, and every
    line of it is listed as removed."""
    edition, diags = read(path)
    roles = [c.role for c in edition.chapters]
    assert "rights" not in roles and roles.count("source-note") == 1
    (about,) = [c for c in edition.chapters if c.role == "source-note"]
    assert about.matter == "back" and [t.text for t in about.title] == ["About this text"]
    assert about.blocks and all(isinstance(b, Paragraph) for b in about.blocks)
    assert not [
        b
        for c in edition.chapters
        for b in iter_blocks(c.blocks)
        if isinstance(b, Preformatted) and "Gutenberg" in b.text
    ]
    words = " ".join(t.text for b in about.blocks for t in b.inlines if isinstance(t, Text))
    ebook, imprint = EXPECTED_ABOUT[path.name]
    assert ebook in words and imprint in words, words
    assert "_" not in words and "--" not in words
    md = edition.metadata
    assert md.rights.startswith("Public domain in the United States.") and len(md.rights) < 200
    assert "START OF TH" in md.licence and "Section 5" in md.licence  # the header and the licence, whole
    text = read_source(path).text.split("\n")
    end = next(n for n, ln in enumerate(text, 1) if "END OF TH" in ln and "PROJECT GUTENBERG" in ln)
    removed = {n for r in edition.removed if "licence" in r.reason for n in range(r.pos.line, r.pos.end_line + 1)}
    assert end in removed and all(n in removed for n in range(end, len(text)) if text[n - 1].strip())
    moved = [d for d in diags.items if d.code == "licence-moved"]
    last = max(n for n, ln in enumerate(text, 1) if ln.strip())
    assert len(moved) == 2 and (moved[0].pos.line, moved[1].pos.end_line) == (1, last)


def test_bradley_advertisements_are_removed_and_reported():
    """The publisher's pages after Bradley's index (lists of books with
    formats and prices, a journal's blurb) are no chapter and are reported,
    each with its lines; the two pages with no price of their own as weak."""
    path = next(p for p in GUTENBERG if p.name == "29258.txt")
    edition, diags = read(path)
    titles = [" ".join(t.text for t in c.title if hasattr(t, "text")) for c in edition.chapters]
    assert not [t for t in titles if "Longmans" in t or "Quarterly" in t or "Proceedings" in t], titles
    strong = [d for d in diags.items if d.code == "advertisement-removed"]
    weak = [d for d in diags.items if d.code == "advertisement-suspect"]
    assert [(d.pos.line, d.pos.end_line) for d in strong] == [(3828, 4019), (4024, 4094), (4097, 4172)]
    assert [(d.pos.line, d.pos.end_line) for d in weak] == [(4175, 4189), (4192, 4199)]
    ads = {n for r in edition.removed if "advertisement" in r.reason for n in range(r.pos.line, r.pos.end_line + 1)}
    assert {3828, 4024, 4100, 4175, 4199} <= ads
    index = [r for r in edition.removed if "index" in r.reason]
    assert max(r.pos.end_line for r in index) < 3828  # the index ends where the advertisements begin


def test_the_authors_dedication_and_epigraph_stay_when_the_title_pages_go():
    """Of the pages before the text, the dedication and the epigraph are the
    author's: front-matter parts of the edition; the title pages are removed."""
    by_name = {p.name: p for p in GUTENBERG}
    bradley, _ = read(by_name["29258.txt"])
    front = [
        (c.role, " ".join(model_words_of_chapters(bradley, c.role))) for c in bradley.chapters if c.matter == "front"
    ]
    assert [r for r, _ in front] == ["epigraph", "dedication"]
    assert "It fareth with the earth" in front[0][1] and "EMILIE LOUISE WELLS" in front[1][1]
    obrien, _ = read(by_name["13488-8.txt"])
    (dedication,) = [c for c in obrien.chapters if c.matter == "front"]
    assert dedication.role == "dedication" and isinstance(dedication.blocks[0], Paragraph)
    assert any("title pages" in r.reason and "1920" in r.text for r in obrien.removed)


@pytest.mark.parametrize("path", [p for p in GUTENBERG if p.name != "29258.txt"], ids=lambda p: p.name)
def test_no_advertisement_found_in_a_book_without_one(path):
    _, diags = read(path)
    assert not [d for d in diags.items if d.code.startswith("advertisement")]


def model_words_of_chapters(edition, role):
    from dataclasses import replace

    only = replace(
        edition,
        chapters=tuple(c for c in edition.chapters if c.role == role),
        notes=(),
        glossary=(),
        references=(),
        comments=(),
        metadata=replace(edition.metadata, title="", subtitle="", authors=(), credits=()),
    )
    return model_words(only)


@pytest.mark.parametrize("path", SEEDS + GUTENBERG, ids=lambda p: p.name)
def test_every_line_accounted_for(path):
    edition, _ = read(path)
    text = read_source(path).text
    (acc,) = account(edition, {edition.metadata.sources[0].path: text})
    assert acc.unaccounted == ()
    assert acc.in_model + acc.removed + acc.blank == acc.lines


@pytest.mark.parametrize("path", SEEDS + GUTENBERG, ids=lambda p: p.name)
def test_no_word_lost(path):
    edition, _ = read(path)
    assert_no_word_lost(edition, read_source(path).text)
    # and the model survives its JSON form whole (the report and golden files)
    assert serialize.loads(serialize.dumps(edition)) == edition


def assert_no_word_lost(edition, text: str) -> None:
    removed = {n for r in edition.removed for n in range(r.pos.line, r.pos.end_line + 1)}
    # Each line's words as the reader reads its italics: "_P_son" is the
    # word "Pson" with an italic P, not "P" and "son".
    kept = "\n".join(_unmarked(ln) for n, ln in enumerate(text.split("\n"), 1) if n not in removed)
    # Case-folded: the edition sets headings written in capitals in its own
    # case (transforms.set_display_case); a word recased is not lost.
    source = Counter(w.casefold() for w in _words(kept) if w not in SYNTAX_WORDS)
    model = Counter(w.casefold() for w in _words(" ".join(model_words(edition))))
    missing = source - model
    assert not missing, f"words lost: {dict(list(missing.items())[:20])}"


def _unmarked(line: str) -> str:
    """A source line with its `_italics_` markup read (parse_inlines)."""
    return "".join(n.text for n in walk_inlines(parse_inlines(line)) if isinstance(n, Text))


def _words(text: str) -> list[str]:
    """Words, with superscript figures as words of their own on both sides:
    glued to a word they are a note call the reader sets apart ("book¹" is
    the word "book" and the call "¹")."""
    return WORD.findall(SUPERSCRIPTS.sub(r" \g<0> ", text))


# Lines in the conventions the reader knows, to mix with arbitrary text.
CONVENTIONS = st.sampled_from(
    [
        "",
        "",
        "",
        "“Quoted words.” (Smith, 1990, p.4)",
        "Definition: term.",
        "* A note.",
        "Text with a call.*",
        "  1. A comment of some length that goes on for a while and then some more words.",
        "    indented text",
        "[1] A bracketed note.",
        "FOOTNOTES:",
        "Call[1] here.",
        "by Some One",
        "SMITH, John, A Title, Press, London, 1990.",
        "Published by Someone",
        "3 thoughts on “X”",
        "Leave a Reply",
        "*** START OF THE PROJECT GUTENBERG EBOOK X ***",
        "CHAPTER I",
        "“Unclosed",
        "(p.3)",
        "[Footnote 1: inline]",
        "*       *       *",
        "A dagger call.† A superscript call.¹ A long label.[1000]",
        "† A dagger note.",
        "¹ A superscript note.",
        "[1000] A note past 999.",
        "Notes",
        "Glossary",
        "term — a definition of some words",
        "term: a definition of some words",
        "— A. Source, A Work",
        "‘Quoted in single marks.’ (Smith, 1990, p.4)",
    ]
)
LINES = st.lists(st.one_of(CONVENTIONS, st.text(max_size=60).map(lambda s: s.replace("\n", " "))), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(LINES)
def test_arbitrary_text_never_crashes_and_loses_no_word(tmp_path, lines):
    path = tmp_path / "any.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    diags = Diagnostics()
    try:
        edition = read_edition(one_off_edition([path]), Path("/"), diags)
    except InputError:
        return  # empty or binary-looking input: the documented refusal
    assert_no_word_lost(edition, read_source(path).text)
    assert serialize.loads(serialize.dumps(edition)) == edition  # model -> JSON -> model
