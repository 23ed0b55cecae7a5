"""bench/typography.py, the measurer of issue #16, on a PDF made here with
WeasyPrint whose faults are known by construction:

- page 1 (a recto): a centred heading; a justified paragraph of one-letter
  words (tight: a line of 30-odd spaces shares out less than one word's
  width); a paragraph of words sized from the font so that exactly two fit
  a line (loose: the one space takes what a third word would have), whose
  expected gap is computed from the font's advance widths; and the first line
  of a paragraph broken at a soft hyphen, the last line of the page;
- page 2: the rest of that word; a line broken after a hyphen of the text;
  straight quotes, a four-dot ellipsis, ``_underscores_`` and ``--``, a
  monospaced run; a line set past the right edge (no break allowed); a
  footnote with its call, and a call whose note is set on page 4;
- page 3: blank;
- page 4: a heading hyphenated at a soft hyphen, and the note called from
  page 2.

Running heads (in capitals) and folios are on every page but the blank one.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import weasyprint
from fontTools.ttLib import TTFont

from paths import ROOT

EBGARAMOND = Path("/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf")
MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")

SIZE = 10.0  # pt, the body
MEASURE = 220.0  # pt, the text block's width
LINE = 12.0  # pt, the line height
PAGE_1_BLOCK = 230.0  # pt, what page 1 holds before the hyphenated paragraph


def _load_measurer():
    spec = importlib.util.spec_from_file_location("bench_typography", ROOT / "bench" / "typography.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


typography = _load_measurer()


class Font:
    """Advance widths from the font file: what a line's words measure
    without the layout's help."""

    def __init__(self, path: Path):
        font = TTFont(path)
        self.cmap = font.getBestCmap()
        self.hmtx = font["hmtx"]
        self.upem = font["head"].unitsPerEm

    def width(self, text: str, size: float = SIZE) -> float:
        return sum(self.hmtx[self.cmap[ord(ch)]][0] for ch in text) / self.upem * size


@pytest.fixture(scope="module")
def font() -> Font:
    if not EBGARAMOND.is_file() or not MONO.is_file():
        pytest.fail(f"fonts missing: {EBGARAMOND}, {MONO} (make installs fonts-ebgaramond)", pytrace=False)
    return Font(EBGARAMOND)


def _html(font: Font) -> tuple[str, dict[str, float]]:
    """The test document, and the widths it was built from."""
    # Loose: a word a fifth of the measure short of half of it; two fit a
    # line, three do not, and the space between the two takes the rest.
    m = font.width("m")
    word = "m" * round(MEASURE / 2.5 / m)
    w = font.width(word)
    space = font.width(" ")
    assert 2 * w + space < MEASURE < 3 * w + 2 * space
    # Hyphenated: a box that holds "a extra‐" but not "a extraordinary".
    hyphen_box = font.width("a extra\u2010") + 3
    assert font.width("a extraordinary") > hyphen_box + 3
    # Broken after a hyphen of the text: holds "a well-" but not "a well-known".
    source_box = font.width("a well-") + 3
    assert font.width("a well-known") > source_box + 3
    heading_box = font.width("Extra\u2010", 14) + 3
    assert font.width("Extraordinary", 14) > heading_box + 3
    page_height = 2 * 40 + PAGE_1_BLOCK + 1.5 * LINE
    html = f"""<!DOCTYPE html>
<html lang="en"><head><style>
@font-face {{ font-family: "Test Text"; src: url("{EBGARAMOND.as_uri()}"); }}
@font-face {{ font-family: "Fixed Face"; src: url("{MONO.as_uri()}"); }}
@page {{
  size: {MEASURE + 80}pt {page_height}pt; margin: 40pt;
  @top-center {{ content: "CHAPTER ONE"; font-size: 8pt; vertical-align: bottom; padding-bottom: 8pt; }}
  @bottom-center {{ content: counter(page); font-size: 8pt; vertical-align: top; padding-top: 8pt; }}
  @footnote {{ border-top: 0.75pt solid; margin-top: 6pt; padding-top: 3pt; }}
}}
@page :blank {{ @top-center {{ content: none; }} @bottom-center {{ content: none; }} }}
html {{ font-family: "Test Text"; font-size: {SIZE}pt; line-height: {LINE}pt; }}
body {{ margin: 0; text-align: justify; orphans: 1; widows: 1; hyphens: manual; }}
p {{ margin: 0; }}
h1 {{ font-size: 20pt; line-height: 24pt; text-align: center; font-weight: normal; margin: 0 0 {LINE}pt; }}
h2 {{ font-size: 14pt; line-height: 18pt; text-align: center; font-weight: normal; margin: 0 0 {LINE}pt; }}
code {{ font-family: "Fixed Face"; }}
.first {{ height: {PAGE_1_BLOCK}pt; }}
.fn {{ float: footnote; font-size: 8pt; line-height: 10pt; }}
.fn::footnote-call {{ content: attr(data-label); font-size: 7pt; vertical-align: super; line-height: 0; }}
.fn::footnote-marker {{ content: attr(data-label) "\\2002"; }}
.fn.elsewhere::footnote-call {{ content: none; }}
.call {{ font-size: 7pt; vertical-align: super; line-height: 0; }}
.verso {{ break-before: left; }}
</style></head><body>
<div class="first">
<h1>A Heading</h1>
<p>{" ".join(["a"] * 100)}</p>
<p>{" ".join([word] * 5)}</p>
</div>
<p style="width: {hyphen_box}pt">a extra&#xAD;ordinary b</p>
<p style="width: {source_box}pt">a well-known c</p>
<p>It's "plain".</p>
<p>The end….</p>
<p>An _underscored_ word -- and more.</p>
<p>Run <code>print()</code> now and then.</p>
<p style="white-space: nowrap">This line is set without a break, and runs on past the edge of the text.</p>
<p>Called here<span class="fn" data-label="1">The first note.</span> and here<span class="call">2</span> too.</p>
<div class="verso">
<h2 style="width: {heading_box}pt; margin: 0 auto {LINE}pt">Extra&#xAD;ordinary</h2>
<p>Its note is here.<span class="fn elsewhere" data-label="2">The second note.</span></p>
</div>
</body></html>"""
    return html, {"word": w, "space": space}


@pytest.fixture(scope="module")
def made(tmp_path_factory, font):
    html, widths = _html(font)
    path = tmp_path_factory.mktemp("typography") / "test-press.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    return typography.read_book(path), widths


def kinds(page) -> list[tuple[str, str]]:
    return [(line.kind, " ".join(line.text.split())) for line in page.lines]


def test_lines_are_classified_from_their_geometry(made):
    book, _ = made
    assert len(book.pages) == 4
    one, two, three, four = (kinds(page) for page in book.pages)
    assert one[0] == ("head", "CHAPTER ONE") and one[1] == ("heading", "A Heading")
    assert one[-1] == ("folio", "1") and two[-1] == ("folio", "2") and four[-1] == ("folio", "4")
    assert {kind for kind, _ in one[2:-1]} == {"body"}
    assert ("footnote", "1 The first note.") in two
    assert ("body", "Run print() now and then.") in two
    assert three == []
    assert four[1:3] == [("heading", "Extra\u2010"), ("heading", "ordinary")]
    assert ("footnote", "2 The second note.") in four
    assert book.body_size == SIZE


def test_word_spacing_finds_exactly_the_loose_lines(made, font):
    book, widths = made
    justified = [line for line in book.lines("body") if line.justified]
    assert [line.text.split()[0][:1] for line in justified] == ["a", "a", "m", "m"]
    # The one space of a two-word line is what the measure leaves: its
    # width in em is computed from the font, independently of the layout.
    expected = (MEASURE - 2 * widths["word"]) / SIZE
    for line in justified[2:]:
        assert line.mean_space_em() == pytest.approx(expected, abs=0.01)
    # A line of 30-odd spaces shares out less than one word: near the
    # font's own space, which the measurer reads from the PDF's font.
    natural = widths["space"] / SIZE
    assert book.spaces[book.body_font] == pytest.approx(natural, abs=0.001)
    for line in justified[:2]:
        assert natural - 0.005 <= line.mean_space_em() < typography.LOOSE_EM
    # Last lines of paragraphs and lines short of the edge are not measured.
    assert not any(line.justified for page in book.pages[1:] for line in page.lines)
    spacing = typography.word_spacing(book)
    assert spacing["justified_lines"] == 4
    assert spacing["over_limit"] == 2 and spacing["loose_pages"] == [1]
    assert spacing["max_em"] == pytest.approx(expected, abs=0.01) and spacing["max_page"] == 1
    assert spacing["median_em"] == pytest.approx((expected + justified[0].mean_space_em()) / 2, abs=0.01)


def test_a_line_past_the_edge_is_overfull(made):
    book, _ = made
    [found] = typography.overfull(book)
    assert found["page"] == 2 and found["text"].startswith("This line is set without a break")
    assert found["by_pt"] > 10


def test_hyphenation_tells_the_layouts_hyphen_from_the_texts(made):
    book, _ = made
    found = typography.hyphenation(book)
    ends = [line.text for line in book.lines("body") if line.text.endswith(typography.LAYOUT_HYPHEN)]
    assert ends == ["a extra\u2010"]
    assert found["hyphenated"] == 1 and found["longest_run"] == 1
    assert found["longest_run_page"] == found["longest_run_end_page"] == 1
    assert found["source_hyphen_ends"] == 1  # "a well-", broken after its own hyphen
    assert [e["page"] for e in found["recto_foot"]] == [1]  # the last body line of page 1
    assert [(e["page"], e["kind"], e["text"]) for e in found["headings"]] == [(4, "heading", "Extra\u2010")]


def test_notes_calls_and_where_their_notes_are_set(made):
    book, _ = made
    found = typography.notes(book)
    assert found["pages"] == [
        {"page": 2, "calls": ["1", "2"], "notes": ["1"]},
        {"page": 4, "calls": [], "notes": ["2"]},
    ]
    assert found["off_page"] == [
        {"call_page": 2, "label": "2", "note_page": 4},
        {"call_page": None, "label": "2", "note_page": 4},
    ]
    assert found["called_twice"] == [] and found["calls_at_line_start"] == []
    [shape] = found["call_shapes"]
    assert shape["size_pt"] == 7.0 and shape["of_line"] == 0.7 and shape["count"] == 2
    assert 0.1 < shape["rise_em"] < 0.6  # raised above the baseline


def test_display_faults(made):
    book, _ = made
    found = typography.display(book)
    assert found["capitals"] == [{"kind": "head", "text": "CHAPTER ONE", "pages": [1, 2, 4]}]
    assert found["straight_quotes"] == {
        "'": {"count": 1, "in_monospace": 0, "pages": [2]},
        '"': {"count": 2, "in_monospace": 0, "pages": [2]},
    }
    assert [(e["page"], e["text"]) for e in found["four_dot_ellipsis"]] == [(2, "The end….")]
    assert [e["page"] for e in found["underscore"]] == [2, 2]  # both ends of _underscored_
    assert [e["page"] for e in found["double_hyphen"]] == [2]
    assert found["monospace"] == {"glyphs": len("print()"), "lines": 1, "pages": [2]}


def test_screen_mode_finds_the_blank_page(made):
    book, _ = made
    assert typography.measure_screen(book)["blank_pages"] == [3]


def test_command_line_table_and_json(made, capsys):
    book, _ = made
    assert typography.main([str(book.path)]) == 0
    table = capsys.readouterr().out
    assert "test-press.pdf: 4 pages" in table
    assert "over 0.4 em: 50.0% (2 of 4)" in table
    assert "call 2 on p. 2, note on p. 4" in table
    assert typography.main(["--json", str(book.path)]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report["blank_pages"] == [3]
    assert report["hyphenation"]["hyphenated"] == 1
    assert typography.main(["--screen", "--json", str(book.path)]) == 0
    assert json.loads(capsys.readouterr().out) == [{"file": str(book.path), "pages": 4, "blank_pages": [3]}]
