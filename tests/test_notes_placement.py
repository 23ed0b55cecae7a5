"""Footnotes at the foot of their call's page (writers/print/typeset.py,
``_PartLayout``; print.css, "Footnotes").

A paragraph whose first line ends a page that already holds notes: when its
second line does not fit, WeasyPrint keeps the paragraph's orphans by moving
the page's notes to the next page and leaves their calls behind. The part
layout gives the paragraph more orphans than it could have there, so it
begins on the next page and the notes stay with their calls: as it lays
the page out (``spacing._notes_kept``), or, for a note that layout still
sets astray, in a second layout (``_keep_notes_with_calls``).

The document here is made to fall that way: a first paragraph with many
short notes, long enough that the second paragraph opens at the foot of the page.
How long that is depends on the faces and the page, so the test looks for it
among a few lengths, laid out as WeasyPrint sets them, and fails if none
sends a note astray.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from editionbuilder import templating
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.options import PrintOptions
from editionbuilder.writers.print import pagesetup, typeset
from editionbuilder.writers.print.engine import PdfJob, render_document
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, font_css
from editionbuilder.writers.print.typeset import COLUMN_NOTES_MAX, PartTask, part_css, typeset_part
from printkit import part_task

TEXT = (
    "the open fields were held in strips scattered over the common land of the manor and every holder "
    "had his share of good and bad soil alike so that no one man could improve his land without the "
    "consent of all his neighbours in the village"
)
WORDS = TEXT.split()
LENGTHS = range(180, 330, 6)  # words of the first paragraph tried
SHEETS = tuple(templating.STYLE_DIR / name for name in ("base.css", "print.css", "press.css"))
G = pagesetup.geometry(PrintOptions(trim="5.5x8.5", width_in=5.5, height_in=8.5), 100, False)
NOTES = COLUMN_NOTES_MAX + 4  # two moved on, the page still holds more than the maximum
CSS = font_css(DEFAULT_FONTS) + pagesetup.page_css(G)


def words(count: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + i) % len(WORDS)] for i in range(count))


def note(number: int, length: int) -> str:
    """A note as the print HTML has it: in place, floated to the page's foot."""
    return (
        f'<span class="footnote" id="n{number}" data-label="{number}">{words(length, number * 7).capitalize()}.</span>'
    )


def part_html(length: int) -> str:
    """A chapter: a paragraph of ``length`` words and ``NOTES`` short notes,
    then two more paragraphs. With more notes on a page than the part
    layout sets in a column box (``COLUMN_NOTES_MAX``), the remedy tested is
    the only one that keeps the notes with their calls."""
    first = words(length) + "".join(f"{note(n, 6)} {words(5, n)}" for n in range(1, NOTES + 1))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Notes</title></head><body>'
        '<section class="part" id="ch">'
        f"<p>{first.capitalize()}.</p><p>{words(160, 11).capitalize()}.</p><p>{words(80, 2).capitalize()}.</p>"
        "</section></body></html>"
    )


def plain_layout(source: str, keep_notes: bool = False):
    """``source`` laid out once with no remedy: as WeasyPrint sets it, or
    (``keep_notes``) as the part layout's first layout does (``task``)."""
    job = PdfJob(source, SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css(), keep_notes=keep_notes)
    return render_document(job, Diagnostics())


@pytest.fixture(scope="module")
def astray() -> str:
    """The first chapter of ``LENGTHS`` whose plain layout sets a note off its call's page."""
    for length in LENGTHS:
        source = part_html(length)
        if plain_layout(source).misplaced_notes():
            return source
    pytest.fail(f"no first paragraph of {LENGTHS.start} to {LENGTHS.stop} words sends a note off its page")


def task(source: str) -> PartTask:
    return part_task(source, SHEETS, G, title="Notes")


def test_weasyprint_moves_the_notes_of_a_page_on_to_keep_a_paragraphs_orphans(astray):
    """The cause: the page of the calls ends with a paragraph's opening two
    lines (orphans: 2), the note moved on to make room for the second."""
    plain = plain_layout(astray)
    missed = plain.misplaced_notes()
    assert missed and all(m.note_page == m.call_page + 1 for m in missed)
    assert plain.most_notes_on_a_page() > COLUMN_NOTES_MAX  # no column box is tried
    closing = plain.closing_paragraph(missed[0].call_page)
    assert closing is not None and closing[1] == 2


def test_the_part_layout_keeps_every_note_on_its_calls_page(astray, tmp_path):
    result = typeset_part(task(astray))
    assert result.misplaced == ()
    # The notes are where the PDF draws them: all on the first page, under
    # the paragraph that holds their calls, and the second paragraph
    # begins on the next page.
    assert {result.anchors[f"n{n}"] for n in range(1, NOTES + 1)} == {0}
    path = tmp_path / "part.pdf"
    path.write_bytes(result.pdf)
    pages = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    opening = words(160, 11).capitalize().split()[:6]
    assert " ".join(opening) not in " ".join(pages[0].split())
    assert " ".join(opening) in " ".join(pages[1].split())


def test_the_first_layout_keeps_the_notes_as_the_second_layout_did(astray, monkeypatch):
    """The paragraph moved on as the page is laid out: one layout, no note
    off its page, and the same file as WeasyPrint's layout mended by a
    second one (the part layout before ``spacing._notes_kept``)."""
    assert plain_layout(astray).misplaced_notes() and not plain_layout(astray, keep_notes=True).misplaced_notes()
    layouts = []
    render = typeset._PartLayout._render
    monkeypatch.setattr(
        typeset._PartLayout,
        "_render",
        lambda self, *a, **k: layouts.append(a[4:] + tuple(k.values())) or render(self, *a, **k),
    )
    kept = typeset_part(task(astray))
    assert layouts == [()] and kept.misplaced == ()  # one layout, with no remedy's orphans or greedy lines
    monkeypatch.setattr(typeset, "KEEP_NOTES", False)
    mended = typeset_part(task(astray))
    assert len(layouts) == 3 and layouts[2]  # WeasyPrint's layout, then the remedy's, with its orphans
    assert mended.misplaced == () and mended.pdf == kept.pdf


def test_the_extra_orphan_is_the_moved_paragraphs_alone(astray):
    """WeasyPrint shares one computed style among paragraphs the same rules
    match: the orphan given to the paragraph moved on is its own, the
    other paragraphs keep the stylesheet's 2 (else every paragraph after
    it would need three lines at a page's foot)."""
    from weasyprint.formatting_structure import boxes

    rendered = plain_layout(astray, keep_notes=True)
    orphans = {
        box.element.text[:20]: box.style["orphans"]
        for page in rendered.document.pages
        for box in page._page_box.descendants()
        if isinstance(box, boxes.BlockBox) and box.element_tag == "p"
    }
    moved = words(160, 11).capitalize()[:20]
    assert orphans.pop(moved) == 3
    assert len(orphans) == 2 and set(orphans.values()) == {2}


def test_the_mended_part_is_the_same_bytes_every_time(astray):
    first, second = typeset_part(task(astray)), typeset_part(task(astray))
    assert first.pdf == second.pdf and first.misplaced == second.misplaced == ()


def test_a_part_with_every_note_in_place_is_laid_out_as_before(astray):
    """No remedy where none is needed: a chapter whose notes all sit under
    their calls comes out of the part layout as WeasyPrint set it."""
    source = next(s for s in map(part_html, LENGTHS) if not plain_layout(s).misplaced_notes())
    result = typeset_part(task(source))
    plain = plain_layout(source)
    assert result.misplaced == () and result.pages == plain.pages
    assert dataclasses.astuple(plain.flow())[:2] == (result.words, result.starts)


def test_a_part_too_long_for_its_remedies_says_so(astray, monkeypatch):
    """The remedies lay a part out again for at most ``REMEDY_PAGES``
    pages in all: a part longer than that (here, the limit made shorter
    than this part) keeps its first layout, notes off their page
    included, and the build is told why."""
    monkeypatch.setattr(typeset, "KEEP_NOTES", False)  # the first layout is WeasyPrint's: the note astray
    monkeypatch.setattr(typeset, "REMEDY_PAGES", plain_layout(astray).pages - 1)
    layouts = []
    render = typeset._PartLayout._render
    monkeypatch.setattr(
        typeset._PartLayout, "_render", lambda self, *a, **k: layouts.append(1) or render(self, *a, **k)
    )
    result = typeset_part(task(astray))
    assert len(layouts) == 1  # the first layout, no remedy
    assert result.misplaced  # the note the remedies would have mended
    assert [code for code, _message in result.warnings] == ["remedies-limited"]


def test_a_note_in_a_heading_leaves_no_trace_on_the_margin_sheet():
    """The margin sheet copies a part's heading in unseen, for its running
    head (``typeset.margin_sheet``): a note in the heading must not float to
    the sheet's foot, where its rule would be drawn over the part's page."""
    plain = '<h1 id="ch-title" data-running-head="The Price of Wool">The Price of Wool</h1>'
    noted = plain.replace("Wool</h1>", f"Wool{note(1, 12)}</h1>")

    def first_page(heading: str) -> bytes:
        source, own = typeset.margin_sheet(7, 2, heading, "A Book", "en", "2026-01-01T00:00:00Z")
        pdf = render_document(PdfJob(source, SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, own), Diagnostics())
        with pikepdf.open(io.BytesIO(pdf.pdf())) as doc:
            return doc.pages[0].Contents.read_bytes()

    assert first_page(noted) == first_page(plain)
