"""Planned paragraphs laid out by the engine (writers/print/engine/spacing.py),
with real WeasyPrint: what a layout learns is kept for the next layouts with
the same fonts, and a planned text box is handed to WeasyPrint's line
breaker a few lines at a time. Neither may change a byte of the PDF.

The document: long justified paragraphs, with words in italics (a line may
begin inside a text box that begins mid-line), words long enough to be
hyphenated, and enough of them to run over several pages.
"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import replace
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


# Another worker: a process of its own that lays the document out with the
# log and writes its PDF.
_OTHER_WORKER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import test_line_layout as t
job = t.PdfJob(t.source(6), t.SHEETS, t.CSS, t.DEFAULT_FONTS, Path("."), None, "", t.G, t.part_css())
Path(sys.argv[2]).write_bytes(t.render_document(job, t.Diagnostics(), shared=sys.argv[1]).pdf())
"""


def test_a_worker_takes_from_the_log_what_another_learnt(fresh, monkeypatch, tmp_path):
    # What one worker of a pool learns is in the log (``engine.sharing``):
    # another process that reads it before its layout breaks no paragraph
    # and measures no word again, and makes the same bytes as without it.
    log, other = tmp_path / "measures.log", tmp_path / "other.pdf"
    tests = str(Path(__file__).parent)
    subprocess.run([sys.executable, "-c", _OTHER_WORKER, str(log), str(other), tests], check=True)
    assert log.stat().st_size > 0
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
    job = PdfJob(source(6), SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css())
    shared = render_document(job, Diagnostics(), shared=str(log)).pdf()
    assert planned == [] and measured == []
    assert shared == other.read_bytes()
    monkeypatch.setattr(engine, "_PARSED", {})  # without the log: all learnt again, the same bytes
    assert pdf(source(6)) == shared
    assert len(planned) >= 8 and len(measured) > 100


def read_to(measures: spacing.Measures) -> int:
    """How far ``measures`` read the one log they read."""
    (offset,) = measures.offsets.values()
    return offset


def test_the_log_gives_each_record_to_the_measures_of_its_fonts(tmp_path):
    log = tmp_path / "measures.log"
    mine, other, late = spacing.Measures(), spacing.Measures(), spacing.Measures()
    mark = mine.mark()
    mine.widths[("serif", "word")] = 12.5
    mine.plans[("runs",)] = None
    sharing.give(str(log), "fonts", mine, mark)
    assert read_to(mine) == log.stat().st_size  # its own record is not read back
    mark = other.mark()
    other.widths[("serif", "other")] = 20.0
    sharing.give(str(log), "other fonts", other, mark)  # passed over by the first's fonts
    assert other.widths == {("serif", "other"): 20.0} and other.plans == {}  # nor takes it theirs
    sharing.take(str(log), "fonts", late)
    assert late.widths == {("serif", "word"): 12.5} and late.plans == {("runs",): None}
    assert read_to(late) == log.stat().st_size
    size = log.stat().st_size
    sharing.give(str(log), "fonts", late, late.mark())  # nothing learnt: nothing written
    assert log.stat().st_size == size
    mark = late.mark()
    late.widths[("serif", "late")] = 3.0
    sharing.give(str(log), "fonts", late, mark)
    assert log.stat().st_size > size
    again = spacing.Measures()
    sharing.take(str(log), "fonts", again)
    assert again.widths == {("serif", "word"): 12.5, ("serif", "late"): 3.0}
    sharing.take(str(tmp_path / "none.log"), "fonts", again)  # no log yet: nothing taken
    assert len(again.widths) == 2


def test_a_record_that_is_not_one_is_passed_over(tmp_path):
    log = tmp_path / "measures.log"
    first = spacing.Measures()
    first.widths[("serif", "one")] = 1.0
    sharing.give(str(log), "fonts", first, (0, 0))
    with open(log, "ab") as junk:  # a record of the right tag whose pickle is not one
        junk.write(sharing._HEAD.pack(5, sharing._digest("fonts")) + b"junk!")
    second = spacing.Measures()
    second.widths[("serif", "two")] = 2.0
    sharing.give(str(log), "fonts", second, (0, 0))
    found = spacing.Measures()
    sharing.take(str(log), "fonts", found)
    assert found.widths == {("serif", "one"): 1.0, ("serif", "two"): 2.0}
    assert read_to(found) == log.stat().st_size


def test_a_record_cut_short_by_a_killed_writer_is_cut_off_by_the_next(tmp_path):
    log = str(tmp_path / "measures.log")
    first, second = spacing.Measures(), spacing.Measures()
    first.widths[("serif", "one")] = 1.0
    sharing.give(log, "fonts", first, (0, 0))
    with open(log, "ab") as cut:  # a writer killed after a part of its record
        cut.write(sharing._HEAD.pack(64, sharing._digest("fonts")) + b"\x80\x05")
    reader = spacing.Measures()
    sharing.take(log, "fonts", reader)  # the whole record, and not the one cut short
    assert reader.widths == {("serif", "one"): 1.0}
    second.widths[("serif", "two")] = 2.0
    sharing.give(log, "fonts", second, (0, 0))
    sharing.take(log, "fonts", reader)
    late = spacing.Measures()
    sharing.take(log, "fonts", late)
    assert reader.widths == late.widths == {("serif", "one"): 1.0, ("serif", "two"): 2.0}


def test_a_log_begun_anew_at_the_same_path_is_read_from_its_start(tmp_path):
    """A kept log removed (grown too long, the cache folder deleted) and
    begun again by another build while a worker lives on (``serve
    --watch``): the worker reads the new log from its start, and what it
    writes there cuts nothing off."""
    log = str(tmp_path / "measures.log")
    worker, first, other = spacing.Measures(), spacing.Measures(), spacing.Measures()
    first.widths.update({("serif", f"old {n}"): float(n) for n in range(50)})
    sharing.give(log, "fonts", first, (0, 0))
    sharing.take(log, "fonts", worker)
    read = read_to(worker)
    os.unlink(log)
    other.widths.update({("serif", f"new {n}"): float(n) for n in range(500)})
    sharing.give(log, "fonts", other, (0, 0))
    assert os.path.getsize(log) > read  # the old offset falls inside the new log's record
    mark = worker.mark()
    worker.widths[("serif", "mine")] = 0.5
    sharing.give(log, "fonts", worker, mark)
    assert worker.widths.items() >= other.widths.items()
    late = spacing.Measures()
    sharing.take(log, "fonts", late)
    assert late.widths == {**other.widths, ("serif", "mine"): 0.5}


def test_a_file_that_is_no_log_gives_nothing_and_is_begun_again(tmp_path):
    log = tmp_path / "measures.log"
    log.write_bytes(b"not a log at all, nor a mark")
    found = spacing.Measures()
    sharing.take(str(log), "fonts", found)
    assert found.widths == {} and found.offsets == {}
    mine = spacing.Measures()
    mine.widths[("serif", "one")] = 1.0
    sharing.give(str(log), "fonts", mine, (0, 0))
    assert log.read_bytes().startswith(sharing._MARK)
    sharing.take(str(log), "fonts", found)
    assert found.widths == {("serif", "one"): 1.0}


def test_the_tag_holds_the_shaping_libraries(fresh, monkeypatch):
    """The widths and breaks found with other versions of Pango, HarfBuzz or
    pyphen are not taken (``engine._shaping_libraries``): another tag."""
    job = PdfJob(source(1), SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css())
    tag = engine._styles(job).tag
    monkeypatch.setattr(engine, "_PARSED", {})
    monkeypatch.setattr(engine, "_shaping_libraries", lambda: (1, "2.0.0", "0.1"))
    assert engine._styles(job).tag != tag


def test_a_paragraph_set_without_kerning_is_measured_without_it(fresh, monkeypatch):
    # Kerning is an OpenType feature the shaping of a width reads: a width
    # measured with it is not one without it (``spacing._Shaper.font``),
    # whether it was measured in this process or read from a pool's log.
    html = source(3).replace("<p>", "<p>AVAWAY To Ty Va Wa ")  # pairs a face kerns

    def laid_out(extra: str) -> bytes:
        job = PdfJob(html, SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css() + extra)
        return render_document(job, Diagnostics()).pdf()

    unkerned = laid_out("p { font-kerning: none }")
    monkeypatch.setattr(engine, "_PARSED", {})
    kerned = laid_out("")  # the same font's widths, kerned
    assert laid_out("p { font-kerning: none }") == unkerned != kerned


def test_a_face_changed_in_place_is_measured_again(fresh, tmp_path):
    """A face's file changed where it is (its size or time): the stylesheets
    are parsed again, under another tag, so that no width or break a log
    kept from the file before holds (``sharing``, ``typeset.PartCache``) is
    taken for it."""
    copy = tmp_path / Path(DEFAULT_FONTS[0].path).name
    shutil.copyfile(DEFAULT_FONTS[0].path, copy)
    fonts = (dataclasses.replace(DEFAULT_FONTS[0], path=str(copy)), *DEFAULT_FONTS[1:])
    job = PdfJob(source(1), SHEETS, CSS, fonts, Path("."), None, "", G, part_css())
    before = engine._styles(job)
    assert engine._styles(job) is before  # the same file: parsed once
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = engine._styles(job)
    assert after is not before and after.tag != before.tag
    assert after.tag != engine._styles(replace(job, fonts=DEFAULT_FONTS)).tag
