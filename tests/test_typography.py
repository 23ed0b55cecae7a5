"""typography: quotes, dashes, ellipses and spaces change; words never do."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from editionbuilder.transforms.typography import (
    QuoteRepair,
    ends_quote,
    quote_balance,
    smarten,
    starts_with_quote,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NBSP = "\u00a0"


def one(text: str, dash: str = "em") -> str:
    (out,) = smarten([text], dash).pieces
    return out


def seed_line(prefix: str, number: int) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")[number - 1]


# -- quotes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ('He said "hello" and left.', "He said “hello” and left."),
        ('"Yes," he said, "it\'s fine."', "“Yes,” he said, “it’s fine.”"),
        ('("quoted")', "(“quoted”)"),
        ("'Hello,' she said.", "‘Hello,’ she said."),
        ("\"'Nested,' he wrote.\"", "“‘Nested,’ he wrote.”"),
        ('"I was going to—" he said', "“I was going to—” he said"),
        ('the word "stop"—and', "the word “stop”—and"),
        ('He said:"Stop"', "He said:“Stop”"),
    ],
)
def test_straight_quotes_curl_by_context(given_: str, expected: str) -> None:
    assert one(given_) == expected


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("don't", "don’t"),
        ("coup d'état", "coup d’état"),
        ("the '90s", "the ’90s"),
        ("rock 'n' roll", "rock ’n’ roll"),
        ("Jones' house", "Jones’ house"),
        ("in the 1980's", "in the 1980’s"),
        ("'Tis the season", "’Tis the season"),
    ],
)
def test_apostrophes(given_: str, expected: str) -> None:
    assert one(given_) == expected


def test_existing_curly_characters_are_kept() -> None:
    text = "a “quote” and ‘single’ and it’s"
    assert one(text) == text
    assert smarten([text]).repairs == ()


def test_inch_and_foot_marks_outside_quotations_stay_straight() -> None:
    assert one("a 12\" screen, 5'10 tall") == "a 12\" screen, 5'10 tall"


def test_context_crosses_piece_boundaries() -> None:
    # He read "<em>Title</em>" and "<em>Other</em>." Then…
    result = smarten(['He read "', '" and "', '." Then'])
    assert result.pieces == ("He read “", "” and “", ".” Then")
    # <em>Title</em>'s: an apostrophe right after an inline node
    assert smarten(["", "'s fate"]).pieces == ("", "’s fate")


def test_pieces_keep_count_and_empties() -> None:
    assert smarten(["", "", ""]).pieces == ("", "", "")
    assert smarten([]).pieces == ()


# -- wrong closing marks ----------------------------------------------------------


def test_single_mark_closing_a_double_quotation_is_repaired() -> None:
    result = smarten(["“At a certain stage it ends. '*"])
    assert result.pieces == ("“At a certain stage it ends.”*",)
    assert result.repairs == (QuoteRepair(0, 28, " '", "”"),)


@pytest.mark.parametrize("mark", ["'", "’", "‘"])
def test_repair_of_each_single_mark(mark: str) -> None:
    result = smarten([f"“It was so.{mark} Then more."])
    assert result.pieces == ("“It was so.” Then more.",)
    assert [(r.before, r.after) for r in result.repairs] == [(mark, "”")]


def test_repair_before_an_inline_note_reference() -> None:
    # "…revolution. '" + NoteRef + " Next": the repair is in piece 0.
    result = smarten(["Intro “It ends. '", " Next"])
    assert result.pieces == ("Intro “It ends.”", " Next")
    assert result.repairs == (QuoteRepair(0, 15, " '", "”"),)


def test_repair_position_in_a_later_piece() -> None:
    result = smarten(["“Start ", " then it ends.'"])
    assert result.repairs == (QuoteRepair(1, 14, "'", "”"),)


@pytest.mark.parametrize(
    "text",
    [
        "“He said ‘stop.’ Then he left.”",  # a real nested closing
        "“The boys' toys",  # possessive, not after punctuation
        "He said 'no.' and left.",  # no double quotation open
        "“He said 'I'm off.'",  # closes the single quotation it opened
    ],
)
def test_no_repair_where_the_mark_is_right(text: str) -> None:
    assert smarten([text]).repairs == ()


# -- dashes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "em", "en"),
    [
        ("Stalin – the man", "Stalin—the man", "Stalin – the man"),
        ("this - that", "this—that", "this – that"),
        ("tension--or", "tension—or", "tension – or"),
        ("tension -- or", "tension—or", "tension – or"),
        ("a --- b", "a—b", "a – b"),
        ("a — b", "a—b", "a — b"),
        ("word\u00a0– word", "word—word", "word – word"),
    ],
)
def test_dashes_between_words(given_: str, em: str, en: str) -> None:
    assert one(given_, "em") == em
    assert one(given_, "en") == en


@pytest.mark.parametrize(
    "text",
    [
        "a well-known social-chauvinist",
        "- a list item",
        "“- a dash after a quote",
        "----------",
        "ends with --",
        "5 - 3 = 2",
        "in 1980 – 0.5%",
        "2006-05-01",
        "ISBN 0-19-852663-6",
        "COVID-19",
        "3.5-4 units",
        "the 1970-80s",
    ],
)
def test_hyphens_and_non_ranges_untouched(text: str) -> None:
    assert one(text) == text


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("1976-80", "1976–80"),
        ("see pp.5-6.", "see pp.5–6."),
        ("1918-1919", "1918–1919"),
        ("(1951-55)", "(1951–55)"),
    ],
)
def test_number_ranges_take_an_en_dash(given_: str, expected: str) -> None:
    assert one(given_) == expected


def test_dash_next_to_an_inline_node() -> None:
    assert smarten(["word", " – more"]).pieces == ("word", "—more")


def test_bad_dash_option() -> None:
    with pytest.raises(ValueError):
        smarten(["x"], dash="figure")


# -- ellipses, spaces, no-break spaces --------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("Wait... ok", "Wait… ok"),
        ("and . . . then", "and … then"),
        ("leaders ....", "leaders ...."),
        ("leaders........ 5", "leaders........ 5"),
        # Four dots closed up to a word: the period, then an ellipsis kept with it.
        ("the attention.... Regulating", "the attention.\u00a0… Regulating"),
        ("the attention. . . . Regulating", "the attention.\u00a0… Regulating"),
        ("his will....'", "his will.\u00a0…’"),
        ("at the end....", "at the end.\u00a0…"),
        ("My lord.. what", "My lord.. what"),
        # An ellipsis with dots glued to it: four dots in all are the period
        # and an ellipsis, any other count one ellipsis; leaders stay.
        ("to fall….. and then", "to fall… and then"),
        ("to fall…. And then", "to fall.\u00a0… And then"),
        ("to fall.… And then", "to fall.\u00a0… And then"),
        ("to fall…”", "to fall…”"),
        ("or Stalin….OMG", "or Stalin.\u00a0…OMG"),
        ("Contents…… 5", "Contents…… 5"),
        ("two  spaces   here", "two spaces here"),
    ],
)
def test_ellipses_and_spaces(given_: str, expected: str) -> None:
    assert one(given_) == expected


@pytest.mark.parametrize(
    ("given_", "expected"),
    [
        ("1983. p. 232.", f"1983. p.{NBSP}232."),
        ("pp. 5-6", f"pp.{NBSP}5–6"),
        ("vol. 36", f"vol.{NBSP}36"),
        ("No. 4", f"No.{NBSP}4"),
        ("P. 13", f"P.{NBSP}13"),
        ("(Majid, p.1)", "(Majid, p.1)"),
        ("a p. b", "a p. b"),
        ("map. 3 roads", "map. 3 roads"),
    ],
)
def test_no_break_space_after_locators(given_: str, expected: str) -> None:
    assert one(given_) == expected


def test_nfc() -> None:
    assert one("cafe\u0301") == "café"


# -- the seeds ----------------------------------------------------------------------


def test_seed_straight_double_quotes() -> None:
    out = one(seed_line("000", 6))
    assert "“from the plow to the atomic bomb in just a generation”" in out
    assert '"' not in out and "Gorbachev’s" in out
    assert "Stalin—the man" in out


def test_seed_wrong_closing_before_footnote_marker() -> None:
    line = seed_line("000", 12)
    assert line.rstrip().endswith(". '*")
    result = smarten([line])
    assert result.pieces[0].rstrip().endswith("revolution.”*")
    (repair,) = result.repairs
    assert (repair.before, repair.after) == (" '", "”")
    assert line[repair.offset : repair.offset + 2] == " '"
    assert quote_balance(line) == 0 and ends_quote(line)


def test_seed_footnote_locator_and_ranges() -> None:
    assert f"1983. p.{NBSP}232." in one(seed_line("000", 16))
    out = one(seed_line("001", 63))
    assert "By 1981–1985" in out and "in 1951–55." in out and "P.13)" in out


def test_seed_existing_curly_quotes_unchanged() -> None:
    line = seed_line("001", 12)
    assert one(line) == line


# -- quote_balance, starts_with_quote, ends_quote ---------------------------------------


@pytest.mark.parametrize(
    ("text", "balance"),
    [
        ("“Open and never closed.", 1),
        ('"Open and never closed.', 1),
        ("He said “this” and “that”.", 0),
        ('He said "this" and "that".', 0),
        ("it's Jones' 'quoted' word", 0),
        ("continued from before.” (p.6)", -1),
        ("“At a certain stage. '*", 0),
    ],
)
def test_quote_balance(text: str, balance: int) -> None:
    assert quote_balance(text) == balance


def test_starts_with_quote() -> None:
    assert starts_with_quote("  “Socialism in life")
    assert starts_with_quote('"Plain')
    assert not starts_with_quote("He said “x”")
    assert not starts_with_quote("'90s music")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the fulfilment of the aims.”", True),
        ("“like this”.", True),
        ("ends here.”*", True),
        ("ends here.”[1]  ", True),
        ('straight quote."', True),
        ("“wrong close. '*", True),
        ("ends without a quote.", False),
        ("“chosen path.” (Majid, p.3)", False),
        ('a 12"', False),
    ],
)
def test_ends_quote(text: str, expected: bool) -> None:
    assert ends_quote(text) is expected


# -- properties ---------------------------------------------------------------------

# Text rich in the characters the rules look at.
PUNCTUATED = st.text(alphabet=list("ab1 .-'\"“”‘’–—…\n\u00a0*[]()pP,"), max_size=60)
PIECES = st.lists(st.one_of(PUNCTUATED, st.text(max_size=40)), max_size=5)

# Alphanumeric words (letters and digits of any script, no underscore).
WORD = re.compile(r"[^\W_]+")


@settings(max_examples=400, deadline=None)
@given(PIECES, st.sampled_from(["em", "en"]))
def test_smarten_never_changes_a_word(pieces: list[str], dash: str) -> None:
    result = smarten(pieces, dash)
    assert len(result.pieces) == len(pieces)
    for before, after in zip(pieces, result.pieces, strict=False):
        assert WORD.findall(unicodedata.normalize("NFC", before)) == WORD.findall(after)
    for repair in result.repairs:
        source = unicodedata.normalize("NFC", pieces[repair.piece])
        assert source[repair.offset : repair.offset + len(repair.before)] == repair.before


@settings(max_examples=200, deadline=None)
@given(st.one_of(PUNCTUATED, st.text()))
def test_helpers_never_raise(text: str) -> None:
    assert isinstance(quote_balance(text), int)
    assert isinstance(starts_with_quote(text), bool)
    assert isinstance(ends_quote(text), bool)


@settings(max_examples=200, deadline=None)
@given(PIECES)
# A single mark closing a double quotation after two stray spaces: the
# first pass must repair it, not leave it to the second once the spaces
# are collapsed.
@example(["“.  ‘"])
def test_smarten_is_idempotent(pieces: list[str]) -> None:
    once = smarten(pieces).pieces
    assert smarten(once).pieces == once
