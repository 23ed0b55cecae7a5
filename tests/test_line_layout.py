"""Planned paragraphs laid out by the engine (writers/print/engine/spacing.py),
with real WeasyPrint: what a layout learns is kept for the next layouts with
the same fonts, and a planned text box is handed to WeasyPrint's line
breaker a few lines at a time. Neither may change a byte of the PDF.

The document: long justified paragraphs, with words in italics (a line may
begin inside a text box that begins mid-line), words long enough to be
hyphenated, and enough of them to run over several pages.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from editionbuilder import templating
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.options import PrintOptions
from editionbuilder.writers.print import engine, linebreak, pagesetup
from editionbuilder.writers.print.engine import PdfJob, render_document, sharing, spacing
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, font_css
from editionbuilder.writers.print.typeset import part_css
from test_linebreak import WORDS  # short words, long ones to hyphenate, words with a hyphen

SHEETS = tuple(templating.STYLE_DIR / name for name in ("base.css", "print.css", "press.css"))
G = pagesetup.geometry(PrintOptions(trim="5.5x8.5", width_in=5.5, height_in=8.5), 100, False)
CSS = font_css(DEFAULT_FONTS) + pagesetup.page_css(G)


def source(seed: int) -> str:
    """Eight paragraphs of about 170 words, every fortieth word in italics."""
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(8):
        words = [rng.choice(WORDS) for _ in range(170)]
        words = [f"<em>{w} {rng.choice(WORDS)}</em>" if i % 40 == 39 else w for i, w in enumerate(words)]
        paragraphs.append(f"<p>{' '.join(words).capitalize()}.</p>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Lines</title></head><body>'
        f'<section class="part" id="ch">{"".join(paragraphs)}</section></body></html>'
    )


def pdf(html: str) -> bytes:
    job = PdfJob(html, SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css())
    return render_document(job, Diagnostics()).pdf()


@pytest.fixture
def fresh(monkeypatch):
    """No stylesheets parsed before, so no widths or breaks known yet."""
    monkeypatch.setattr(engine, "_PARSED", {})


def test_a_paragraph_laid_out_again_is_not_broken_again(fresh, monkeypatch):
    planned = []
    plan = linebreak.plan
    monkeypatch.setattr(linebreak, "plan", lambda p, m: planned.append(p) or plan(p, m))
    html = source(1)
    first = pdf(html)
    assert len(planned) >= 8  # each paragraph, at least
    count = len(planned)
    second = pdf(html)
    assert len(planned) == count  # the breaks found the first time
    assert second == first


def test_breaks_found_before_give_the_same_bytes_as_new_ones(fresh, monkeypatch):
    html = source(2)
    pdf(html)  # fills the widths and breaks of these fonts
    again = pdf(html)
    monkeypatch.setattr(engine, "_PARSED", {})
    assert pdf(html) == again


def test_a_planned_box_is_handed_over_a_few_lines_at_a_time(fresh, monkeypatch):
    cut = []
    shortened = spacing._shortened

    def counted(*args):
        found = shortened(*args)
        if found is not None:
            cut.append(found)
        return found

    monkeypatch.setattr(spacing, "_shortened", counted)
    html = source(3)
    short = pdf(html)
    assert len(cut) > 20  # most lines of the long paragraphs
    monkeypatch.setattr(spacing, "_LINES_AHEAD", 10**9)  # whole boxes, as WeasyPrint alone has them
    monkeypatch.setattr(engine, "_PARSED", {})
    cut.clear()
    whole = pdf(html)
    assert not cut
    assert whole == short


def quoted(seed: int) -> str:
    """``source``, every other paragraph a block quote: set narrower and
    smaller, with breaks chosen for its own measure."""
    turn = iter(range(100))
    return re.sub(r"<p>.*?</p>", lambda m: f"<blockquote>{m[0]}</blockquote>" if next(turn) % 2 else m[0], source(seed))


def narrow(seed: int) -> str:
    """``source`` in a column a few words wide, where a short line may join
    the one before it (``linebreak.Breaks.held``: with every break taken as
    held, a line of this one found at once is not the layout's)."""
    return source(seed).replace("</head>", "<style>p { width: 60px; font-size: 16px }</style></head>")


@pytest.mark.parametrize("html", [source(4), quoted(5), narrow(3)], ids=["paragraphs", "block-quotes", "narrow"])
def test_a_planned_line_found_at_once_is_the_line_weasyprint_finds(fresh, monkeypatch, html):
    # Every line found at once (a paragraph's first, a line after a planned
    # start, ending at a space or hyphenated) is also laid out by
    # WeasyPrint's own ``split_first_line`` (``VERIFY_LINES``), which raises
    # if the two differ in anything the layout keeps; and the PDF is the
    # one laid out without finding any line at once.
    found = []
    planned_end = spacing._planned_end

    def counted(lines, box, skip, available_width):
        end = planned_end(lines, box, skip, available_width)
        if end is not None:
            found.append((skip == 0, end[1]))
        return end

    monkeypatch.setattr(spacing, "_planned_end", counted)
    monkeypatch.setattr(spacing, "VERIFY_LINES", True)
    at_once = pdf(html)
    assert len(found) > 20  # most lines of the long paragraphs
    assert any(first for first, _ in found) and any(hyphenated for _, hyphenated in found)
    monkeypatch.setattr(spacing, "_planned_end", lambda *args: None)
    monkeypatch.setattr(engine, "_PARSED", {})
    assert pdf(html) == at_once


def test_a_worker_takes_from_the_log_what_another_learnt(fresh, monkeypatch, tmp_path):
    # What one worker of a pool learns is in the log (``engine.sharing``):
    # another process (here: the same one with no stylesheets parsed, so
    # nothing known) that reads it before its layout breaks no paragraph
    # and measures no word again, and makes the same bytes as without it.
    log = str(tmp_path / "measures.log")
    job = PdfJob(source(6), SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css())
    first = render_document(job, Diagnostics(), shared=log).pdf()
    assert Path(log).stat().st_size > 0
    planned = []
    plan = linebreak.plan
    monkeypatch.setattr(linebreak, "plan", lambda p, m: planned.append(p) or plan(p, m))
    measured = []
    shaper = spacing._Shaper.__call__

    def counted(self, text, font):
        if (font, text) not in self.widths:
            measured.append(text)
        return shaper(self, text, font)

    monkeypatch.setattr(spacing._Shaper, "__call__", counted)
    monkeypatch.setattr(engine, "_PARSED", {})
    assert render_document(job, Diagnostics(), shared=log).pdf() == first
    assert planned == [] and measured == []
    monkeypatch.setattr(engine, "_PARSED", {})  # without the log: all learnt again, the same bytes
    assert pdf(source(6)) == first
    assert len(planned) >= 8 and len(measured) > 100


def test_the_log_gives_each_record_to_the_measures_of_its_fonts(tmp_path):
    log = str(tmp_path / "measures.log")
    mine, other, late = spacing.Measures(), spacing.Measures(), spacing.Measures()
    mark = mine.mark()
    mine.widths[("serif", "word")] = 12.5
    mine.plans[("runs",)] = None
    sharing.give(log, "fonts", mine, mark)
    assert mine.read[log] == Path(log).stat().st_size  # its own record is not read back
    mark = other.mark()
    other.widths[("serif", "other")] = 20.0
    sharing.give(log, "other fonts", other, mark)  # passed over by the first's fonts
    sharing.take(log, "fonts", late)
    assert late.widths == {("serif", "word"): 12.5} and late.plans == {("runs",): None}
    assert late.read[log] == Path(log).stat().st_size
    sharing.take(log, "fonts", late)  # read once
    assert late.widths == {("serif", "word"): 12.5}
    sharing.give(log, "fonts", late, late.mark())  # nothing learnt: nothing written
    assert late.read[log] == Path(log).stat().st_size
    sharing.take(str(tmp_path / "none.log"), "fonts", late)  # no log yet: nothing taken
    assert ("serif", "other") in other.widths and len(late.widths) == 1


def test_a_log_that_is_not_one_is_left_alone(tmp_path):
    log = tmp_path / "measures.log"
    log.write_bytes(b"\x05\x00\x00\x00\x00\x00\x00\x00junk!" + b"\xff" * 20)
    found = spacing.Measures()
    sharing.take(str(log), "fonts", found)
    assert found.widths == {} and found.plans == {}
    assert found.read[str(log)] == log.stat().st_size  # not read again
