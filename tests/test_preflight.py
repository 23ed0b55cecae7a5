"""Preflight rules, each shown to pass on a good PDF and fail on a bad one.
The PDFs are made here with WeasyPrint from tiny HTML pages, and with
pikepdf where a file WeasyPrint never writes is needed (fonts left out)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import weasyprint

from editionbuilder.options import kdp_gutter_in
from editionbuilder.qa.preflight import (
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
        0.375,
        0.375,
        0.5,
        0.5,
        0.625,
        0.625,
        0.75,
        0.75,
        0.875,
        0.875,
    ]


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
    assert not checks(preflight_cover(bad, spec))["ISBN and barcode area"]
    wrong = checks(preflight_cover(good, Spec(6, 9, paper="white", pages=300)))
    assert not wrong["page size = trim (+ bleed)"]


# --------------------------------------------------------------------------
# Fonts embedded: PDFs written with pikepdf, a line of text in each font
# --------------------------------------------------------------------------

TRUETYPE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")


def truetype(pdf: pikepdf.Pdf, embedded: bool = True) -> pikepdf.Dictionary:
    """DejaVu Sans Mono as a simple TrueType font with its descriptor, the
    font program in the file (``/FontFile2``) or not."""
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/DejaVuSansMono"),
        Flags=33,
        FontBBox=[-558, -375, 718, 1042],
        ItalicAngle=0,
        Ascent=928,
        Descent=-236,
        CapHeight=729,
        StemV=80,
    )
    if embedded:
        descriptor.FontFile2 = pdf.make_stream(TRUETYPE.read_bytes())
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.TrueType,
        BaseFont=pikepdf.Name("/DejaVuSansMono"),
        FontDescriptor=descriptor,
    )


def helvetica(_pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """One of PDF's standard 14 fonts, named with no descriptor at all."""
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)


def font_pdf(path: Path, make_fonts, in_form: bool = False, indirect: bool = True) -> Path:
    """A 6 x 9 in page writing "Hello" in each font ``make_fonts(pdf)``
    gives, from its own content or from a form XObject it draws
    (``in_form``); the fonts as indirect objects or as direct ones."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(432, 648))
    fonts = {f"/F{n}": pdf.make_indirect(f) if indirect else f for n, f in enumerate(make_fonts(pdf))}
    content = b"".join(b"BT /F%d 12 Tf 72 %d Td (Hello) Tj ET " % (n, 500 - 20 * n) for n in range(len(fonts)))
    resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(fonts))
    page = pdf.pages[0].obj
    if in_form:
        form = pdf.make_stream(
            content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 432, 648], Resources=resources
        )
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X0=form))
        page.Contents = pdf.make_stream(b"/X0 Do")
    else:
        page.Resources, page.Contents = resources, pdf.make_stream(content)
    pdf.save(path)
    return path


def pdffonts_embedded(path: Path) -> list[str]:
    """Poppler's own verdict, the "emb" column of ``pdffonts``, font by font."""
    rows = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()
    # a font's row ends: emb, sub, uni (each "yes" or "no"), then its object
    # number and generation, or "[none]" for a direct object
    ends = [re.search(r"(yes|no)\s+(?:yes|no)\s+(?:yes|no)\s+(?:\d+\s+\d+|\[none\])$", row) for row in rows[2:]]
    return [m.group(1) if m else row for m, row in zip(ends, rows[2:], strict=False)]


def fonts_check(path: Path):
    return next(c for c in preflight_interior(path, Spec(6, 9)).checks if c.rule == "fonts embedded")


@pytest.mark.parametrize("in_form", [False, True], ids=["page", "form-xobject"])
@pytest.mark.parametrize("embedded", [True, False], ids=["embedded", "not-embedded"])
def test_fonts_embedded_rule(tmp_path, in_form, embedded):
    path = font_pdf(tmp_path / "font.pdf", lambda pdf: [truetype(pdf, embedded)], in_form)
    assert pdffonts_embedded(path) == ["yes" if embedded else "no"]  # the file is what the test says
    check = fonts_check(path)
    assert check.passed is embedded
    assert check.detail == ("all embedded" if embedded else "/DejaVuSansMono")


def test_an_unembedded_standard_font_fails(tmp_path):
    path = font_pdf(tmp_path / "helvetica.pdf", lambda pdf: [helvetica(pdf)])
    assert pdffonts_embedded(path) == ["no"]
    assert (fonts_check(path).passed, fonts_check(path).detail) == (False, "/Helvetica")


@pytest.mark.parametrize(
    "head, why",
    [
        (b"OTTO", "its program is not a font"),
        (b"ttcf", "its program is a font collection: a reader takes its first face"),
    ],
    ids=["cff-as-truetype", "collection"],
)
def test_an_embedded_program_that_is_not_a_font_fails(tmp_path, head, why):
    """A font file whose program is something else (a truncated or
    mislabelled stream, a whole collection) is embedded, for pdffonts, but
    does not draw as the font says."""

    def mislabelled(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
        font = truetype(pdf)
        font.FontDescriptor.FontFile2 = pdf.make_stream(head + TRUETYPE.read_bytes()[4:])
        return font

    path = font_pdf(tmp_path / "mislabelled.pdf", lambda pdf: [truetype(pdf), mislabelled(pdf)])
    assert pdffonts_embedded(path) == ["yes", "yes"]
    check = fonts_check(path)
    assert (check.passed, check.detail) == (False, f"/DejaVuSansMono ({why})")
    good = font_pdf(tmp_path / "good.pdf", lambda pdf: [truetype(pdf)])
    assert fonts_check(good).passed


def test_every_direct_font_is_checked(tmp_path):
    """Direct objects all have the object number 0: the second font, not
    embedded, is read as well as the first."""
    path = font_pdf(tmp_path / "direct.pdf", lambda pdf: [truetype(pdf), helvetica(pdf)], indirect=False)
    assert pdffonts_embedded(path) == ["yes", "no"]
    assert not fonts_check(path).passed
