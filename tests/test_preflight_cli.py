"""`editionbuilder preflight`: the pass/fail table and its exit codes, on
press-like files made here (WeasyPrint PDF/X-4 with the CMYK profile, as in
test_preflight.py) and on a real cover from writers/cover.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import weasyprint

from editionbuilder.cli import EXIT_PREFLIGHT, main
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.options import BuildOptions, EditionOptions, PrintOptions
from editionbuilder.writers import WriteContext
from editionbuilder.writers.cover import write_cover
from sample_edition import sample_edition

CMYK = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
PROFILE = f"@color-profile device-cmyk {{ src: url(file://{CMYK}); components: c, m, y, k; }}"
CONFIG = """\
[[edition]]
name = "book"
sources = ["book.txt"]
[edition.print]
trim = "6x9"
paper = "cream"

[[edition]]
name = "ebook"
sources = ["book.txt"]
"""


def interior(path: Path, pages: int, press: bool = True) -> Path:
    """A 6 x 9 in interior of ``pages`` pages; ``press``: PDF/X-4 with the
    output intent, else a plain PDF with a link."""
    page = "@page { size: 6in 9in; margin: 0.75in; }"
    body = "".join(f'<p style="break-after: page">Page {i}.</p>' for i in range(1, pages + 1))
    if not press:
        body = '<p><a href="https://example.org">a link</a></p>' + body
    html = f"<html><head><style>{page} {PROFILE if press else ''}</style></head><body>{body}</body></html>"
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant="pdf/x-4" if press else None)
    return path


@pytest.fixture()
def project(tmp_path) -> Path:
    (tmp_path / "book.txt").write_text("A Book\n\nSome text.\n", encoding="utf-8")
    (tmp_path / "editions.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "output").mkdir()
    return tmp_path


def cover(out: Path, pages: int) -> Path:
    options = EditionOptions("book", ("book.txt",), print=PrintOptions(enabled=True, paper="cream"))
    ctx = WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), out)
    path = out / "book-cover.pdf"
    write_cover(sample_edition(), path, ctx, pages)
    return path


def preflight(project: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    code = main(["preflight", "--config", str(project / "editions.toml"), "--out", str(project / "output"), *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def rows(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if f"{name} " in line]


def test_good_files_pass_with_a_row_per_check(project, capsys):
    out = project / "output"
    interior(out / "book-press.pdf", 24)
    cover(out, 24)
    code, lines, err = preflight(project, capsys)
    assert code == 0, "\n".join(lines)
    assert lines[0].split() == ["RESULT", "FILE", "CHECK", "DETAIL"]
    press, wrap = rows(lines, "book-press.pdf"), rows(lines, "book-cover.pdf")
    assert len(press) == 9 and len(wrap) == 7  # every check of preflight_interior and preflight_cover
    assert all(line.startswith("pass ") for line in press + wrap)
    assert any("page count 24-828" in line and "24 pages" in line for line in press)
    assert any("ISBN and barcode area" in line for line in wrap)
    assert lines[-1] == "preflight: 2 files, 16 checks, passed"
    assert "ebook" not in "\n".join(lines) and err == ""  # not a print edition: not checked


def test_a_bad_interior_and_a_cover_of_the_wrong_size_fail(project, capsys):
    out = project / "output"
    interior(out / "book-press.pdf", 25, press=False)
    cover(out, 300)  # sized for another page count
    code, lines, _err = preflight(project, capsys)
    assert code == EXIT_PREFLIGHT == 7
    failed = {re.split(r"\s{2,}", line)[2] for line in lines if line.startswith("FAIL")}
    assert {
        "even page count",
        "no annotations or links",
        "output intent with ICC profile",
        "page size = trim (+ bleed)",
    } <= failed
    assert lines[-1].startswith("preflight: 2 files, 16 checks, ") and lines[-1].endswith("failed")


def test_missing_files_are_failing_rows_not_tracebacks(project, capsys):
    code, lines, err = preflight(project, capsys)
    assert code == EXIT_PREFLIGHT
    assert [line.split()[:3] for line in lines[1:3]] == [
        ["FAIL", str(project / "output" / "book-press.pdf"), "file"],
        ["FAIL", str(project / "output" / "book-cover.pdf"), "spine"],
    ]
    assert "Traceback" not in err
    interior(project / "output" / "book-press.pdf", 24)
    code, lines, _err = preflight(project, capsys)
    assert code == EXIT_PREFLIGHT
    assert rows(lines, "book-cover.pdf") == [line for line in lines if line.startswith("FAIL")]
    assert "file exists" in rows(lines, "book-cover.pdf")[0]


def test_a_file_that_is_not_a_pdf_is_a_failing_row(project, capsys):
    (project / "output" / "book-press.pdf").write_text("not a PDF", encoding="utf-8")
    code, lines, err = preflight(project, capsys)
    assert code == EXIT_PREFLIGHT and "Traceback" not in err
    assert "opens as a PDF" in rows(lines, "book-press.pdf")[0]


def test_only_editions_without_print_is_nothing_to_check(project, capsys):
    code, lines, err = preflight(project, capsys, "--edition", "ebook")
    assert code == 0
    assert lines == ["preflight: no print edition to check"]
    assert "ebook is not a print edition" in err


def test_an_unknown_edition_is_a_config_error(project, capsys):
    code, _lines, err = preflight(project, capsys, "--edition", "nosuch")
    assert code == 2 and "no edition named nosuch" in err


def test_an_edition_too_short_for_press_is_one_skipped_row_and_exit_0(project, capsys):
    """The build rightly makes no press file for a book under 24 pages;
    preflight says so in one row (the rule, the pages, the minimum) instead
    of asking for a build."""
    (project / "editions.toml").write_text(CONFIG.replace("[edition.print]\n", "[edition.print]\nenabled = true\n", 1))
    assert main(["build", "--config", str(project / "editions.toml"), "--edition", "book"]) == 0
    capsys.readouterr()
    assert not (project / "output/book-press.pdf").exists()
    code, lines, err = preflight(project, capsys)
    assert code == 0, lines
    (row,) = rows(lines, "book-press.pdf")
    result, _file, rule, detail = re.split(r"\s{2,}", row)
    assert (result, rule) == ("skip", "page count >= 24")
    assert re.fullmatch(r"\d pages, under the minimum of 24: no press file or cover to upload", detail), detail
    assert lines[-1] == "preflight: 1 files, 1 checks, passed, 1 skipped" and err == ""
