"""The paragraph breaker (writers/linebreak.py) on text measured in a
monospaced unit: every character, the space and the hyphen one unit wide.

The rewritten text is set by a greedy breaker, as WeasyPrint sets it: each
line as full as it can be, fitting the measure with its spaces narrowed by
``SHRINK``, broken at a space left breakable, a soft hyphen or a hyphen of
the text. Every full line must then be justified within the tolerance
(its spaces stretched or shrunk by no more than a ratio of 1), the last
must fit with the face's own spaces, and no more than two hyphenated lines
come in a row."""

from __future__ import annotations

import random

import pytest

from editionbuilder.writers.print import linebreak
from editionbuilder.writers.print.linebreak import NBSP, SOFT_HYPHEN, Paragraph, Run

# Short words, long ones to hyphenate, and words with a hyphen of their own.
VOCABULARY = (
    "the of and to in that is was for as with his by on not at from which be had this are but have it "
    "were they or all their one been an has there more would so who when them out into what other only "
    "development considerable accumulation representatives nevertheless agricultural enclosures "
    "administration commonwealth ecclesiastical manufactures proletarians contradiction experience "
    "interpretation responsibility circumstances self-interest twenty-five well-known"
)
WORDS = tuple(VOCABULARY.split())


def measure(text: str, _font) -> float:
    return float(len(text))


def paragraph(seed: int, width: float = 60.0, words: int = 160) -> Paragraph:
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS) for _ in range(words)) + "."
    # The engine's break opportunities: after a space, after a hyphen.
    breaks = frozenset(i for i in range(1, len(text)) if text[i - 1] in " -" and text[i] != " ")
    return Paragraph((Run(text, "body", "en"),), width - 2, width, breaks)


def tight(line: str) -> float:
    """A full line's width as set: its spaces narrowed by SHRINK."""
    return len(line) - line.count(NBSP) * linebreak.SHRINK


def greedy(text: str, first: float, width: float) -> list[tuple[str, bool]]:
    """The lines a greedy breaker sets the rewritten text in, each as full
    as it can be: (text, ends at a soft hyphen). It may break after a space,
    a soft hyphen (adding a hyphen) or a hyphen of the text."""
    lines: list[tuple[str, bool]] = []
    while True:
        measure = first if not lines else width
        if tight(text.replace(SOFT_HYPHEN, "")) <= measure:
            return [*lines, (text.replace(SOFT_HYPHEN, ""), False)]
        best = None
        for i, ch in enumerate(text[:-1]):
            if ch in " -" + SOFT_HYPHEN:
                line = (text[:i] if ch == " " else text[: i + 1]).replace(SOFT_HYPHEN, "")
                hyphenated = ch == SOFT_HYPHEN
                if tight(line) + hyphenated <= measure:
                    best = (i, line, hyphenated)
        assert best is not None, f"nothing fits: {text[:60]!r}"
        i, line, hyphenated = best
        lines.append((line, hyphenated))
        text = text[i + 1 :]


@pytest.mark.parametrize("seed", range(12))
def test_a_greedy_breaker_sets_even_lines_from_the_plan(seed):
    p = paragraph(seed)
    breaks = linebreak.plan(p, measure)
    assert breaks is not None
    (text,) = breaks.texts
    assert text.replace(NBSP, " ").replace(SOFT_HYPHEN, "") == p.runs[0].text  # no word changed
    lines = greedy(text, p.first_width, p.width)
    assert len(lines) > 3
    run = 0
    for n, (line, hyphenated) in enumerate(lines[:-1]):
        width = p.first_width if n == 0 else p.width
        natural = len(line) + hyphenated
        spaces = line.count(NBSP)
        ratio = (width - natural) / (spaces * (linebreak.STRETCH if width >= natural else linebreak.SHRINK))
        assert -1.0 <= ratio <= 1.0, (line, ratio)  # within the tolerance, both ways
        run = run + 1 if hyphenated else 0
        assert run <= linebreak.MAX_HYPHEN_RUN
    assert len(lines[-1][0]) <= p.width  # the last line keeps the face's spaces


def test_a_paragraph_of_one_line_is_left_alone():
    p = Paragraph((Run("a short line.", "body", "en"),), 40, 40, frozenset({2, 8}))
    assert linebreak.plan(p, measure) is None


def test_the_last_line_is_cut_from_the_narrow_spaces():
    p = paragraph(3)
    breaks = linebreak.plan(p, measure)
    assert breaks is not None
    pieces = breaks.pieces(0, p.runs[0].text)
    assert [narrow for _, narrow in pieces] == [True, False]
    assert "".join(text for text, _ in pieces) == breaks.texts[0]
    # The cut is before the last line's first space (a no-break space, so
    # the last line keeps all the face's spaces), not at the line's start:
    # the engine must not find a break between two text boxes.
    last = greedy(breaks.texts[0], p.first_width, p.width)[-1][0]
    assert NBSP in last
    assert pieces[0][0].endswith(last.split(NBSP)[0])
    assert pieces[1][0] == NBSP + last.split(NBSP, 1)[1]


def test_plans_are_the_same_every_time():
    assert linebreak.plan(paragraph(5), measure) == linebreak.plan(paragraph(5), measure)


@pytest.mark.parametrize("seed", range(6))
def test_the_starts_are_where_a_greedy_breaker_begins_its_lines(seed):
    p = paragraph(seed)
    breaks = linebreak.plan(p, measure)
    assert breaks is not None
    (text,) = breaks.texts
    lines = greedy(text, p.first_width, p.width)
    # Each line's start in the rewritten text: after the space broken at, the
    # soft hyphen, or the hyphen of the text that ended the line before.
    found, at = [], 0
    for line, hyphenated in lines[:-1]:
        at += len(line) + (1 if hyphenated else 0)  # the soft hyphen
        at += text[at] == " "  # the space broken at, dropped
        found.append(at)
    assert breaks.starts == (tuple(found),)


NARROW_NBSP = 0.6  # a face whose no-break space is narrower than its space (EB Garamond's italic: 182 / 250)


def measure_narrow_nbsp(text: str, _font) -> float:
    return len(text) - text.count(NBSP) * (1 - NARROW_NBSP)


TWIN_CUT = 0.25  # what a twin takes off a space: not SHRINK (it is rounded to the font's units)


def measure_twin(text: str, font) -> float:
    """The face of ``measure_narrow_nbsp``, and its narrow twin ("narrow"):
    a space and a no-break space both the face's space less ``TWIN_CUT``."""
    if font == "narrow":
        return len(text) - (text.count(" ") + text.count(NBSP)) * TWIN_CUT
    return measure_narrow_nbsp(text, font)


def twin_plan(seed: int) -> tuple[Paragraph, linebreak.Breaks | None]:
    p = paragraph(seed)
    p = Paragraph((Run(p.runs[0].text, "body", "en", narrow="narrow"),), p.first_width, p.width, p.opportunities)
    return p, linebreak.plan(p, measure_twin)


@pytest.mark.parametrize("seed", range(6))
def test_lines_set_in_the_narrow_twin_are_planned_with_its_spaces(seed, monkeypatch):
    # A full line is set in the twin: each space inside it a no-break space
    # of the twin, the face's space less TWIN_CUT; a greedy breaker sets
    # each line as full as it fits with those, and every full line is then
    # justified within the tolerance of the face's own space (shrinking by
    # no more than the twin's cut).
    p, breaks = twin_plan(seed)
    assert breaks is not None
    monkeypatch.setattr(linebreak, "SHRINK", TWIN_CUT)  # ``tight``: the twin's widths
    lines = greedy(breaks.texts[0], p.first_width, p.width)
    assert len(lines) > 3
    for n, (line, hyphenated) in enumerate(lines[:-1]):
        width = p.first_width if n == 0 else p.width
        natural = len(line) + hyphenated  # the face's spaces
        spaces = line.count(NBSP)
        ratio = (width - natural) / (spaces * (linebreak.STRETCH if width >= natural else TWIN_CUT))
        assert -1.0 <= ratio <= 1.0, (line, ratio)


def test_the_twins_cut_is_what_its_spaces_shrink_by():
    # With a cut narrower than SHRINK, some paragraph is broken otherwise
    # than with word spacing (which takes SHRINK off each space).
    differ = 0
    for seed in range(6):
        _p, breaks = twin_plan(seed)
        plain = linebreak.plan(paragraph(seed), measure)
        differ += breaks is not None and plain is not None and breaks.texts != plain.texts
    assert differ
