"""The web-page corpus and its score harness (``tests/webscore.py``).

The corpus test asks for every field of every page right: the reader does
not do that yet, and this test says where it falls short. The other tests
keep the harness honest: every key is well-formed and names lines that say
what it claims, a right key on a page the reader gets right scores 100%,
and each kind of wrong key is caught.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import webscore

PAGES = webscore.pages()


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


def test_the_corpus_has_two_dozen_pages_each_with_a_key():
    assert len(PAGES) >= 24
    keys = sorted(webscore.CORPUS.glob("*" + webscore.KEY_SUFFIX))
    assert [webscore.key_path(p) for p in PAGES] == keys


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_key_is_well_formed(page: Path):
    problems = webscore.check_key(webscore.load_key(webscore.key_path(page)), webscore.page_lines(page))
    assert problems == [], f"{webscore.key_path(page).name}:\n" + "\n".join(problems)


def test_the_corpus_covers_every_platform():
    platforms = [webscore.load_key(webscore.key_path(p))["platform"] for p in PAGES]
    for platform in ("wordpress", "blogger", "medium", "substack", "ghost", "disqus", "newsletter"):
        assert platforms.count(platform) >= 1, platform


def test_the_reader_gets_every_field_of_every_page_right():
    report = webscore.score_corpus()
    if not report.perfect:
        pytest.fail(
            "the reader misses these (key vs model):\n\n"
            + webscore.format_table(report)
            + "\n\n"
            + webscore.format_misses(report),
            pytrace=False,
        )


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------

# A page in the seeds' conventions, which the reader reads right today.
PAGE = """\
On Keeping Bees in Town

For the first part of this series, see here.

by Petra Lindqvist


Bees were kept in the town gardens long before anyone wrote about them. The parish records mention hives in 1702.*

* The entry is in the churchwardens' accounts for that year.

“A hive in a town garden is a small republic with a short memory.” (Orme, 1958, p.12)

The council first regulated hives in 1931, after a complaint from the school. (Orme, 1958, pp.40-41)


Today there are more hives inside the ring road than in the farmland around it.


ORME, Walter, The Town Apiary, Fenwick Press, York, 1958.

TALLIS, Ruth, Urban Pollinators, Marsh Books, Leeds, 1999.


Definition: skep. A domed basket hive of coiled straw.

2 thoughts on “On Keeping Bees in Town”

  1. My neighbour keeps two hives on a flat roof and nobody has ever complained about them at all.

  2. The honey from town hives tastes of lime trees, in my experience, more than of anything else around.

Leave a Reply

Connecting to %s
"""

KEY = {
    "platform": "wordpress",
    "title": {"line": 1, "text": "On Keeping Bees in Town"},
    "authors": [{"name": "Petra Lindqvist", "line": 5}],
    "editorial": [{"line": 3, "text": "For the first part of this series, see here.", "dropped": True}],
    "paragraphs": [
        {"line": 8, "start": "Bees were kept"},
        {"line": 14, "start": "The council first regulated"},
        {"line": 17, "start": "Today there are more hives"},
    ],
    "section_breaks": [17],
    "quotes": [
        {
            "line": 12,
            "end": 12,
            "first": "A hive in a town garden",
            "last": "a short memory",
            "attribution": "Orme, 1958, p.12",
        }
    ],
    "notes": [
        {"marker": "*", "line": 10, "start": "The entry is in", "call_line": 8, "call_after": "mention hives in 1702"}
    ],
    "citations": [
        {"line": 12, "text": "Orme, 1958, p.12", "refs": ["orme"]},
        {"line": 14, "text": "Orme, 1958, pp.40-41", "refs": ["orme"]},
    ],
    "references": [
        {
            "id": "orme",
            "line": 20,
            "type": "book",
            "authors": ["ORME"],
            "year": "1958",
            "title": "The Town Apiary",
        },
        {
            "id": "tallis",
            "line": 22,
            "type": "book",
            "authors": ["TALLIS"],
            "year": "1999",
            "title": "Urban Pollinators",
        },
    ],
    "glossary": [{"term": "skep", "line": 25, "start": "A domed basket hive"}],
    "comments": [
        {"line": 29, "author": "", "paragraphs": 1, "start": "My neighbour keeps two hives"},
        {"line": 31, "author": "", "paragraphs": 1, "start": "The honey from town hives"},
    ],
    "removed": [
        {"line": 27, "text": "2 thoughts on “On Keeping Bees in Town”"},
        {"line": 33, "text": "Leave a Reply"},
        {"line": 35, "text": "Connecting to %s"},
    ],
}


@pytest.fixture(scope="module")
def bees(tmp_path_factory) -> Path:
    page = tmp_path_factory.mktemp("web") / "01-wordpress-bees.txt"
    page.write_text(PAGE, encoding="utf-8")
    return page


@pytest.fixture(scope="module")
def bees_model(bees):
    return webscore.read_page(bees)


@pytest.fixture
def score_bees(bees, bees_model):
    """Score the bees page against a key, from one reading of the page."""
    return lambda key: webscore.score_page(bees, key, bees_model)


def test_the_fixture_key_is_well_formed(bees):
    assert webscore.check_key(KEY, webscore.page_lines(bees)) == []


def test_a_right_key_scores_every_field_right(score_bees):
    result = score_bees(KEY)
    assert result.misses == [], "\n".join(m.format() for m in result.misses)
    assert all(s.right == s.total and not s.extra for s in result.fields.values())
    assert result.fields["paragraphs"].total == 3
    assert result.fields["citation targets"].right == 2
    assert result.fields["removed lines"].right == 3


def _set(key: dict, path: tuple, value) -> dict:
    key = copy.deepcopy(key)
    target = key
    for step in path[:-1]:
        target = target[step]
    if value is None:
        del target[path[-1]]
    elif isinstance(target, list) and path[-1] == len(target):
        target.append(value)
    else:
        target[path[-1]] = value
    return key


# (what is wrong in the key, the path to change, the wrong value, the field that must miss)
WRONG = [
    ("another title", ("title", "text"), "On Keeping Wasps in Town", "title"),
    ("a subtitle the page has not", ("subtitle",), {"line": 1, "text": "A History"}, "subtitle"),
    ("another author", ("authors", 0, "name"), "Petra Lindholm", "authors"),
    ("a lost link kept", ("editorial", 0, "dropped"), False, "editorial lines"),
    ("a paragraph's first words", ("paragraphs", 1, "start"), "The county first regulated", "paragraphs"),
    ("a paragraph left out", ("paragraphs", 2), None, "paragraphs"),
    ("a section break moved", ("section_breaks",), [14], "section breaks"),
    ("a quotation's last words", ("quotes", 0, "last"), "a long memory", "block quotes"),
    ("a quotation's attribution", ("quotes", 0, "attribution"), "Orme, 1958, p.13", "attributions"),
    ("a note's mark", ("notes", 0, "marker"), "†", "notes"),
    ("a note called elsewhere", ("notes", 0, "call_after"), "wrote about them", "note calls"),
    ("a citation's words", ("citations", 1, "text"), "Orme, 1958, pp.40-42", "citations"),
    ("a citation's target", ("citations", 1, "refs"), ["tallis"], "citation targets"),
    ("a reference's type", ("references", 0, "type"), "chapter", "reference types"),
    ("a reference's author", ("references", 0, "authors"), ["ORMEROD"], "reference authors"),
    ("a reference's year", ("references", 1, "year"), "1998", "reference years"),
    ("a reference's title", ("references", 1, "title"), "Urban Pollination", "reference titles"),
    ("a reference's container", ("references", 1, "container"), "Marsh Books", "reference containers"),
    ("a glossary term", ("glossary", 0, "term"), "skeps", "glossary"),
    ("a comment's author", ("comments", 0, "author"), "Jo Marsh", "comment authors"),
    ("a comment's paragraphs", ("comments", 1, "paragraphs"), 2, "comment paragraphs"),
    ("a comment's first words", ("comments", 1, "start"), "The wax from town hives", "comments"),
    ("an author box the page has not", ("author_box",), {"line": 5, "name": "Petra", "paragraphs": []}, "author box"),
    ("a line of text said removed", ("removed", 3), {"line": 17, "text": "Today there"}, "removed lines"),
    ("a line of text said metadata", ("meta",), [{"line": 14, "text": "The council"}], "metadata lines"),
]


@pytest.mark.parametrize(("path", "value", "field"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG])
def test_a_wrong_key_is_caught(score_bees, path, value, field):
    result = score_bees(_set(KEY, path, value))
    missed = [m for m in result.misses if m.field == field]
    assert missed, f"no miss in {field}: " + "\n".join(m.format() for m in result.misses)
    score = result.fields[field]
    assert score.right < score.total or score.extra


def test_a_miss_is_silent_only_without_a_diagnostic_on_its_line(score_bees):
    wrong = _set(_set(KEY, ("title", "text"), "On Keeping Wasps"), ("editorial", 0, "dropped"), False)
    misses = {m.field: m for m in score_bees(wrong).misses}
    assert misses["title"].silent  # nothing is said about line 1
    assert not misses["editorial lines"].silent  # line 3 has its link-lost warning


def test_a_key_whose_lines_are_off_is_refused(bees):
    lines = webscore.page_lines(bees)
    shifted = _set(KEY, ("paragraphs", 1, "line"), 15)
    assert any("line 15" in p for p in webscore.check_key(shifted, lines))
    beyond = _set(KEY, ("removed", 2, "line"), 99)
    assert any("out of range" in p for p in webscore.check_key(beyond, lines))
    forgotten = _set(KEY, ("removed", 2), None)
    assert any("line 35 is in no item" in p for p in webscore.check_key(forgotten, lines))
    unknown = _set(KEY, ("references", 0, "type"), "novel")
    assert any("not a CSL type" in p for p in webscore.check_key(unknown, lines))
    dangling = _set(KEY, ("citations", 0, "refs"), ["nobody"])
    assert any("no reference with id" in p for p in webscore.check_key(dangling, lines))
    misspelt = _set(KEY, ("paragraph",), [])
    assert any("unknown field 'paragraph'" in p for p in webscore.check_key(misspelt, lines))


def test_words_are_compared_after_typography():
    assert webscore.same_words("“Don’t,” she said — twice…", '"don\'t" She said - TWICE...')
    assert webscore.same_words("cafe\u0301 p.\u00a012", "café p. 12")
    assert webscore.starts_with("hives in 1702.* The entry", "hives in 1702 the")
    assert not webscore.same_words("pp.40-41", "pp.40-42")
