"""The faces' narrow twins (writers/print/fonts.py, ``narrow_twins``): the
lines of a justified paragraph before its last are set with spaces narrower
by ``linebreak.SHRINK``, in a twin of their face whose space is that much
narrower and whose no-break space is as wide, rather than with word spacing
(a Pango attribute on each space, which has Pango shape every word apart).

Checked with the real fonts, fontTools and WeasyPrint: a twin differs from
its face in those two advances only (EB Garamond's italic no-break space,
narrower than its space, becomes as wide as the narrowed space), is made the same wherever it is made,
is used for the narrowed lines (and the PDF embeds it), and a face that
cannot have one leaves its text set with word spacing, as before.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.writers.print import engine, fonts, linebreak
from editionbuilder.writers.print.engine import PdfJob, render_document
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, NARROW, FontFace, narrow_twins
from editionbuilder.writers.print.typeset import part_css
from test_line_layout import CSS, SHEETS, G, source


def cache_in(monkeypatch, folder: Path) -> None:
    """Twins made in ``folder`` (the user's cache folder), none known yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setattr(fonts, "_FOUND", {})


@pytest.fixture
def twins_in(monkeypatch, tmp_path):
    """Twins made in a cache folder of this test's own."""
    cache_in(monkeypatch, tmp_path)
    return tmp_path


def test_a_twin_is_its_face_with_narrower_spaces(twins_in):
    twins = narrow_twins(DEFAULT_FONTS)
    assert [t.of for t in twins] == list(DEFAULT_FONTS)  # every default face has one
    for twin in twins:
        assert twin.face.family == f"{twin.of.family} {NARROW}"
        assert (twin.face.style, twin.face.weight) == (twin.of.style, twin.of.weight)
        assert Path(twin.face.path).is_relative_to(twins_in)
        face, made = TTFont(twin.of.path), TTFont(twin.face.path)
        cmap = face.getBestCmap()
        spaces = {cmap[0x20], cmap.get(0xA0, cmap[0x20])}
        space = face["hmtx"][cmap[0x20]][0]
        narrowed = space - round(linebreak.SHRINK * space)
        assert 0 < narrowed < space
        for glyph in face.getGlyphOrder():
            advance, bearing = face["hmtx"][glyph]
            # The space and the no-break space both the space narrowed.
            expected = (narrowed, bearing) if glyph in spaces else (advance, bearing)
            assert made["hmtx"][glyph] == expected, glyph
        if "CFF " in face:  # each glyph's outline, byte for byte
            ours, theirs = made["CFF "].cff[0].CharStrings, face["CFF "].cff[0].CharStrings
            assert all(ours[g].bytecode == theirs[g].bytecode for g in face.getGlyphOrder())
        else:
            assert made.reader["glyf"] == face.reader["glyf"]


def test_a_twin_is_made_the_same_wherever_it_is_made(monkeypatch, tmp_path):
    made = []
    for folder in ("one", "two"):
        cache_in(monkeypatch, tmp_path / folder)
        made.append([(Path(t.face.path).name, Path(t.face.path).read_bytes()) for t in narrow_twins(DEFAULT_FONTS)])
    assert made[0] == made[1]
    twins = tmp_path / "one" / "editionbuilder" / "twins"
    assert twins.stat().st_mode & 0o777 == 0o700  # the user's own
    # Made once: a later process finds the file and leaves it as it is.
    cache_in(monkeypatch, tmp_path / "one")
    before = [Path(t.face.path).stat().st_mtime_ns for t in narrow_twins(DEFAULT_FONTS)]
    cache_in(monkeypatch, tmp_path / "one")
    assert [Path(t.face.path).stat().st_mtime_ns for t in narrow_twins(DEFAULT_FONTS)] == before


def test_a_file_that_cannot_have_a_twin_has_none(twins_in, tmp_path):
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"OTTO" + bytes(200))
    collection = tmp_path / "faces.ttc"
    collection.write_bytes(Path(DEFAULT_FONTS[0].path).read_bytes())
    faces = [FontFace("Broken", str(broken)), FontFace("Collected", str(collection))]
    assert narrow_twins(faces) == ()


def test_a_twin_is_not_made_where_it_cannot_be_kept_safely(monkeypatch, tmp_path):
    # A cache folder that cannot be made: no twin, no error (word spacing).
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    cache_in(monkeypatch, blocked)
    assert narrow_twins(DEFAULT_FONTS) == ()
    # A folder others may write to: a file found there is not trusted.
    shared = tmp_path / "shared"
    (shared / "editionbuilder" / "twins").mkdir(parents=True)
    (shared / "editionbuilder" / "twins").chmod(0o777)
    cache_in(monkeypatch, shared)
    assert narrow_twins(DEFAULT_FONTS) == ()
    assert not any((shared / "editionbuilder" / "twins").iterdir())


def test_a_face_whose_space_glyph_other_characters_use_has_no_twin(twins_in, tmp_path):
    # The twin narrows glyphs: a thin space drawn with the space's glyph
    # would narrow too, where the breaker does not expect it.
    mono = next(f for f in DEFAULT_FONTS if f.path.endswith(".ttf"))
    font = TTFont(mono.path)
    for table in font["cmap"].tables:
        if table.isUnicode() and 0x20 in table.cmap:
            table.cmap[0x2009] = table.cmap[0x20]
    shared = tmp_path / "shared-space.ttf"
    font.save(shared)
    assert narrow_twins([mono]) != ()  # the face itself has one
    assert narrow_twins([FontFace("Shared", str(shared))]) == ()


def text_boxes(rendered):
    yield from text_boxes_of(*(page._page_box for page in rendered.document.pages))


def text_boxes_of(*roots):
    stack = list(roots)
    while stack:
        box = stack.pop()
        if type(box).__name__ == "TextBox":
            yield box
        stack.extend(getattr(box, "children", ()) or ())


def laid_out(html: str):
    job = PdfJob(html, SHEETS, CSS, DEFAULT_FONTS, Path("."), None, "", G, part_css())
    return render_document(job, Diagnostics())


def lines_by_paragraph(rendered):
    """Each paragraph's line boxes, in order, over the pages."""
    found: dict[int, list] = {}
    stack = [page._page_box for page in rendered.document.pages]
    while stack:
        box = stack.pop(0)
        children = list(getattr(box, "children", ()) or ())
        if type(box).__name__ == "LineBox" and box.element_tag == "p":
            found.setdefault(id(box.element), []).append(box)
        else:
            stack[:0] = children
    return list(found.values())


def test_the_lines_before_a_paragraphs_last_are_set_in_the_twin(twins_in, monkeypatch, tmp_path):
    monkeypatch.setattr(engine, "_PARSED", {})
    rendered = laid_out(source(6))
    boxes = list(text_boxes(rendered))
    assert all(not box.style["word_spacing"] for box in boxes)  # no spacing attribute on any space
    paragraphs = lines_by_paragraph(rendered)
    assert len(paragraphs) == 8
    for lines in paragraphs:
        for line in lines[:-1]:
            families = {box.style["font_family"][0] for box in text_boxes_of(line)}
            assert families <= {f"Edition Text {NARROW}"}, line
        # The last line's text after its first space is in the face itself
        # (a last line of one word is in the twin, as the lines before it).
        last = list(text_boxes_of(lines[-1]))
        spaced = any(c in "".join(box.text for box in last).strip() for c in " \u00a0")
        assert ("Edition Text" in {box.style["font_family"][0] for box in last}) == spaced
    assert sum(len(lines) for lines in paragraphs) > 60
    out = tmp_path / "twins.pdf"
    out.write_bytes(rendered.pdf())
    listed = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Edition-Text-{NARROW}" in listed and f"Edition-Text-{NARROW}-Italic" in listed


def test_a_face_without_a_twin_is_narrowed_by_word_spacing(twins_in, monkeypatch):
    monkeypatch.setattr(engine, "_PARSED", {})
    monkeypatch.setattr(engine, "narrow_twins", lambda fonts: ())
    boxes = list(text_boxes(laid_out(source(6))))
    assert {box.style["font_family"][0] for box in boxes} == {"Edition Text"}
    narrowed = [box for box in boxes if box.style["word_spacing"]]
    assert narrowed and all(box.style["word_spacing"] < 0 for box in narrowed)
