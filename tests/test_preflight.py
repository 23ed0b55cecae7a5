"""Preflight rules, each shown to pass on a good PDF and fail on a bad one.
The PDFs are made here with WeasyPrint from tiny HTML pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint

from editionbuilder.options import kdp_gutter_in
from editionbuilder.preflight import (
    Spec,
    cover_size,
    preflight_cover,
    preflight_interior,
    spine_in,
)

CMYK = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
PROFILE = f"@color-profile device-cmyk {{ src: url(file://{CMYK}); components: c, m, y, k; }}"


def make_pdf(path: Path, body: str, css: str = "", variant: str | None = None) -> Path:
    page = "@page { size: 6in 9in; margin: 0.75in; }"
    html = f"<html><head><style>{page} {css}</style></head><body>{body}</body></html>"
    weasyprint.HTML(string=html).write_pdf(path, pdf_variant=variant)
    return path


def pages(n: int) -> str:
    return "".join(f'<p style="break-after: page">Page {i} of the book.</p>' for i in range(1, n + 1))


def checks(report) -> dict[str, bool]:
    return {c.rule: c.passed for c in report.checks}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """24 pages, press variant with a CMYK output intent, text well inside."""
    return make_pdf(tmp_path_factory.mktemp("pf") / "good.pdf", pages(24), PROFILE, "pdf/x-4")


def test_a_good_press_file_passes(good):
    report = preflight_interior(good, Spec(6, 9))
    assert report.passed, [c for c in report.checks if not c.passed]


def test_short_odd_book_fails_page_rules(tmp_path):
    report = preflight_interior(make_pdf(tmp_path / "short.pdf", pages(5)), Spec(6, 9))
    got = checks(report)
    assert not got["page count 24-828"] and not got["even page count"]


def test_wrong_trim_fails(good):
    got = checks(preflight_interior(good, Spec(5, 8)))
    assert not got["page size = trim (+ bleed)"] and not got["TrimBox = trim"]


def test_links_and_bookmarks_fail(tmp_path):
    body = '<h1>Chapter</h1><p><a href="https://example.org">a link</a></p>' + pages(23)
    got = checks(preflight_interior(make_pdf(tmp_path / "links.pdf", body), Spec(6, 9)))
    assert not got["no annotations or links"]
    assert not got["no bookmarks"]


def test_missing_output_intent_fails(tmp_path):
    got = checks(preflight_interior(make_pdf(tmp_path / "plain.pdf", pages(24)), Spec(6, 9)))
    assert not got["output intent with ICC profile"]


def test_text_in_the_margin_fails(tmp_path):
    css = PROFILE + " .edge { position: absolute; bottom: -0.6in; right: -0.6in; }"
    pdf = make_pdf(tmp_path / "edge.pdf", '<p class="edge">folio</p>' + pages(24), css, "pdf/x-4")
    got = checks(preflight_interior(pdf, Spec(6, 9)))
    assert not got["text inside the live area"]


def test_gutter_grows_with_page_count():
    assert [kdp_gutter_in(n) for n in (24, 150, 151, 300, 301, 500, 501, 700, 701, 828)] == [
        0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875, 0.875]


def test_cover_size_follows_the_formula_and_barcode_area(tmp_path):
    spec = Spec(6, 9, paper="cream", pages=200)
    assert spine_in(spec) == pytest.approx(0.5)
    width, height = cover_size(spec)
    assert (width, height) == pytest.approx((12.75, 9.25))
    page = f"@page {{ size: {width}in {height}in; margin: 0; }}"
    good = make_pdf(tmp_path / "cover.pdf", '<p style="margin: 1in">Front cover title</p>', page + PROFILE, "pdf/x-4")
    assert preflight_cover(good, spec).passed
    # a word where the barcode goes: the back cover's lower right
    blocker = f'<p style="position:absolute; left:{0.125 + 6 - 1.5}in; top:{0.125 + 9 - 1.2}in">ISBN</p>'
    bad = make_pdf(tmp_path / "cover-bad.pdf", blocker, page + PROFILE, "pdf/x-4")
    assert not checks(preflight_cover(bad, spec))["barcode area clear"]
    wrong = checks(preflight_cover(good, Spec(6, 9, paper="white", pages=300)))
    assert not wrong["page size = trim (+ bleed)"]
