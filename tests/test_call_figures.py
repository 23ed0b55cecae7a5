"""Note calls are superior figures (issue 16, item 2): in the print PDF the
embedded face's own (``sups``), read back from the glyphs drawn; in the
EPUB, whose reader's font is unknown, lining figures, smaller and raised.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from editionbuilder.cli import main
from editionbuilder.writers.print import callfigures
from editionbuilder.writers.print.callfigures import call_css
from editionbuilder.writers.print.facefiles import face_digest
from editionbuilder.writers.print.fonts import DEFAULT_FONTS, TEXT_FAMILY, FontFace
from paths import bench_typography

TEXT = """\
Ropewalks of the Estuary

The ropewalk was a quarter of a mile long.[1] Nobody now alive has seen it working, and the rate books of the parish say little of the men who worked in it.[2]

[1] The length is given in the rate book of 1840.

[2] The rent is in the chamberlain's accounts.

Hemp came by sea from the Baltic, and the spinners walked backwards as they worked.[3]

[3] A spinner walked some twelve miles a day.
"""


def test_the_text_faces_have_superior_figures_and_the_bold_has_none(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # nothing kept yet: each face read with fontTools
    monkeypatch.setattr(callfigures, "has_superior_figures", callfigures.has_superior_figures.__wrapped__)
    has_superior_figures = callfigures.has_superior_figures
    faces = {(f.family, f.style, f.weight): f.path for f in DEFAULT_FONTS}
    assert has_superior_figures(faces[(TEXT_FAMILY, "normal", 400)])
    assert has_superior_figures(faces[(TEXT_FAMILY, "italic", 400)])
    bold = next(f.path for f in DEFAULT_FONTS if f.weight == 700)
    assert not has_superior_figures(bold)  # 127 glyphs, no sups: calls are never set in it
    assert not has_superior_figures(next(f.path for f in DEFAULT_FONTS if f.family != TEXT_FAMILY and f.weight == 400))
    assert len(list(tmp_path.glob("editionbuilder/twins/*-sups-1.fact"))) == 4
    css = call_css(DEFAULT_FONTS, TEXT_FAMILY)
    assert "font-variant-position: super" in css and f'font-family: "{TEXT_FAMILY}"' in css
    # A family with a face lacking superior figures keeps base.css's rule.
    assert call_css((*DEFAULT_FONTS, FontFace(TEXT_FAMILY, bold, "normal", 700)), TEXT_FAMILY) == ""


def test_the_answer_is_kept_by_the_face_s_bytes_and_read_back(monkeypatch, tmp_path):
    """Whether a face has superior figures is read with fontTools once for
    its bytes, then from the file kept in the twins' folder: the same bytes
    under another path read the kept answer (here made a false one, to
    show it is what is read); an answer the file does not hold is worked
    out again and kept; a folder others may write to is not used."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(callfigures, "has_superior_figures", callfigures.has_superior_figures.__wrapped__)
    regular = next(f.path for f in DEFAULT_FONTS if f.family == TEXT_FAMILY and f.style == "normal")
    folder = tmp_path / "cache" / "editionbuilder" / "twins"
    kept = folder / f"{face_digest(regular)[:32]}-sups-1.fact"
    assert callfigures.has_superior_figures(regular)
    assert kept.read_bytes() == b"yes\n"
    copy = tmp_path / "copy.otf"
    shutil.copyfile(regular, copy)
    kept.write_bytes(b"no\n")
    assert not callfigures.has_superior_figures(str(copy))  # the kept answer, not the font's
    kept.write_bytes(b"perhaps\n")
    assert callfigures.has_superior_figures(str(copy))
    assert kept.read_bytes() == b"yes\n"
    bold = next(f.path for f in DEFAULT_FONTS if f.weight == 700)
    folder.chmod(0o777)
    try:
        assert not callfigures.has_superior_figures(bold)
        assert sorted(p.name for p in folder.iterdir()) == [kept.name]  # nothing kept there
    finally:
        folder.chmod(0o700)
    assert not callfigures.has_superior_figures(bold)
    assert len(list(folder.glob("*-sups-1.fact"))) == 2


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("calls")
    (folder / "ropewalks.txt").write_text(TEXT, encoding="utf-8")
    assert (
        main(
            [
                "build",
                str(folder / "ropewalks.txt"),
                "--out",
                str(folder / "out"),
                "--format",
                "pdf",
                "--format",
                "epub",
            ]
        )
        == 0
    )
    return folder / "out"


def test_pdf_calls_are_the_faces_superior_figures(built):
    """Every call drawn in the PDF is a run of the font's superior figures
    (glyphs named ``*.sups``), at the text's size, taller than the
    oldstyle figures the calls used to be (about 2.4 pt)."""
    typography = bench_typography()
    book = typography.read_book(built / "ropewalks.pdf")
    found = typography.notes(book)
    assert found["calls"] == 3 and found["off_page"] == []
    assert [p["calls"] for p in found["pages"]] == [["1", "2", "3"]]
    assert found["call_shapes"] and all(s["superior"] for s in found["call_shapes"])
    assert all(s["of_line"] == 1.0 and 3.3 < s["figure_height_pt"] < 4.5 for s in found["call_shapes"])


def test_epub_calls_are_lining_figures_raised(built):
    with zipfile.ZipFile(built / "ropewalks.epub") as z:
        css = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".css"))
    rule = re.search(r"\.noteref, \.footnote::footnote-call \{([^}]*)\}", css)
    assert rule is not None
    body = rule.group(1)
    assert "font-variant-numeric: lining-nums" in body and "vertical-align: super" in body
    assert "font-variant-position" not in css  # the reader's font may have no sups
