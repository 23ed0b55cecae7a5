"""The print cover (writers/cover.py): a PDF/X-4 wrap sized from the page
count, checked by its boxes, its text positions (pdftotext -bbox), its
pixels (pdftoppm) and preflight_cover. Each cover takes about 0.3 s."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from editionbuilder.config import load_config
from editionbuilder.diagnostics import ConfigError, Diagnostics
from editionbuilder.model import Edition, Metadata
from editionbuilder.options import (
    BuildOptions,
    EditionOptions,
    MetadataOverrides,
    PrintOptions,
)
from editionbuilder.qa.preflight import Spec, cover_size, preflight_cover
from editionbuilder.writers import WriteContext, cover
from editionbuilder.writers.cover import (
    document_id,
    wrap_geometry,
    write_cover,
    write_print_cover,
)
from editionbuilder.writers.print.profiles import PressProfile
from sample_edition import sample_edition

PT = 72
BLEED = 0.125
CALIPER = {"white": 0.002252, "cream": 0.0025}
EPOCH = 1_795_564_800  # 2026-11-25T00:00:00Z
BLURB = "A first paragraph for the back cover.\n\nA second paragraph, which ends the blurb."
# Capitals that reach furthest from the baseline (Å, É above; Q, Ç below).
STRESS = Metadata(title="Quixotic Ångström Études", authors=("Çelik Quayle",), identifier="urn:x:stress")


def context(tmp: Path, paper: str = "white", blurb: str = BLURB, caliper: float = 0.0) -> WriteContext:
    options = EditionOptions(
        "book",
        ("book.txt",),
        MetadataOverrides(blurb=blurb),
        print=PrintOptions(enabled=True, paper=paper, caliper_in=caliper),
    )
    return WriteContext(options, BuildOptions(source_date_epoch=EPOCH), Diagnostics(), tmp)


def make_cover(tmp: Path, pages: int, paper: str = "white", edition: Edition | None = None, **kw) -> Path:
    out = tmp / f"cover-{pages}-{paper}.pdf"
    write_cover(edition or sample_edition(), out, context(tmp, paper, **kw), pages)
    return out


def words(path: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) in points from the MediaBox's top left."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


def raster(path: Path, box_in: tuple[float, float, float, float], dpi: int = 300) -> Image.Image:
    """The region (x, y, width, height in inches from the top left) as RGB pixels."""
    x, y, w, h = (round(v * dpi) for v in box_in)
    png = subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-x",
            str(x),
            "-y",
            str(y),
            "-W",
            str(w),
            "-H",
            str(h),
            "-singlefile",
            str(path),
        ],
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def paper_only(image: Image.Image) -> bool:
    """Whether every pixel is the paper colour: nothing drawn there."""
    colours = image.getcolors(maxcolors=1 << 16) or []
    return len(colours) == 1


def content(path: Path) -> bytes:
    with pikepdf.open(path) as pdf:
        return b"\n".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(p)) for p in pdf.pages)


@pytest.mark.parametrize("paper", ["white", "cream"])
@pytest.mark.parametrize("pages", [24, 79, 212, 500])
def test_cover_size_is_the_formula_and_boxes_are_right(tmp_path, paper, pages):
    path = make_cover(tmp_path, pages, paper)
    width = BLEED + 6 + pages * CALIPER[paper] + 6 + BLEED
    assert cover_size(Spec(6, 9, paper=paper, pages=pages)) == pytest.approx((width, 9.25))
    assert wrap_geometry(PrintOptions(paper=paper), pages).size_in == pytest.approx((width, 9.25))
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        media = [float(v) for v in page.mediabox]
        trim = [float(v) for v in page.obj.TrimBox]
        bleed = [float(v) for v in page.obj.BleedBox]
    assert media[2] - media[0] == pytest.approx(width * PT, abs=0.05)
    assert media[3] - media[1] == pytest.approx(9.25 * PT, abs=0.05)
    assert bleed == pytest.approx(media)
    # The TrimBox is the whole wrap (back, spine, front) without the bleed.
    assert trim == pytest.approx([media[0] + 9, media[1] + 9, media[2] - 9, media[3] - 9], abs=0.05)


def spine_words(path: Path, pages: int, paper: str) -> list[str]:
    left = (BLEED + 6) * PT
    right = left + pages * CALIPER[paper] * PT
    return [w for w, x0, _y0, x1, _y1 in words(path) if x0 >= left - 1 and x1 <= right + 1]


def test_spine_text_only_above_79_pages_and_only_when_legible(tmp_path):
    """KDP: no spine text up to 79 pages. Above that, a spine too narrow
    for 6 pt type is left bare too, and the build says so; at 110 pages on
    white paper (0.248 in) the title and author are set."""
    assert spine_words(make_cover(tmp_path, 79), 79, "white") == []
    ctx = context(tmp_path, "white")
    write_cover(sample_edition(), tmp_path / "at80.pdf", ctx, 80)
    assert spine_words(tmp_path / "at80.pdf", 80, "white") == []
    [omitted] = [d.message for d in ctx.diagnostics.items if d.code == "spine-text-omitted"]
    assert "0.180 in" in omitted and "under 6 pt" in omitted
    at_110 = spine_words(make_cover(tmp_path, 110), 110, "white")
    assert "COLLAPSE" in at_110 and "ONE" in at_110  # title and author, in capitals


def test_spine_text_is_at_least_6_pt(tmp_path):
    """The narrowest spine that carries text sets it at 6 pt or more: the
    line (the words' boxes, measured across the spine) is 6 pt high or more."""
    for pages in range(80, 130, 2):
        ctx = context(tmp_path, "white")
        write_cover(sample_edition(), tmp_path / f"c{pages}.pdf", ctx, pages)
        if not any(d.code == "spine-text-omitted" for d in ctx.diagnostics.items):
            break
    else:
        raise AssertionError("no spine between 80 and 128 pages carries text")
    spine = [w for w in words(tmp_path / f"c{pages}.pdf") if (BLEED + 6) * PT < w[1] < (BLEED + 6 + 0.5) * PT]
    assert spine and min(w[3] - w[1] for w in spine) >= 5.95, (pages, spine)  # the line's height: its size


@pytest.mark.parametrize(("pages", "paper"), [(110, "white"), (150, "cream"), (400, "white")])
def test_spine_ink_keeps_clear_of_both_folds(tmp_path, pages, paper):
    edition = dataclasses.replace(sample_edition(), metadata=STRESS)
    path = make_cover(tmp_path, pages, paper, edition)
    spine = pages * CALIPER[paper]
    fold = BLEED + 6
    assert spine_words(path, pages, paper)  # the text is there...
    for x in (fold, fold + spine - 0.0625):  # ...and 0.0625 in of each fold stays empty
        assert paper_only(raster(path, (x, 0, 0.0625, 9.25), dpi=600)), f"ink near the fold at {x} in"


def test_front_back_and_barcode_area(tmp_path):
    path = make_cover(tmp_path, 212, "cream")
    assert preflight_cover(path, Spec(6, 9, paper="cream", pages=212)).passed
    # Nothing drawn in the barcode area: the back cover's lower right, 0.5 in inside the trim.
    assert paper_only(raster(path, (BLEED + 6 - 0.5 - 2.0, BLEED + 9 - 0.5 - 1.2, 2.0, 1.2)))
    found = words(path)
    back_right = (BLEED + 6) * PT
    front_left = back_right + 212 * 0.0025 * PT
    on_back = {w for w, x0, *_ in found if x0 < back_right}
    on_front = {w for w, x0, *_ in found if x0 > front_left}
    assert {"first", "second", "blurb.", "EXAMPLE"} <= on_back  # both paragraphs of the blurb, the publisher
    assert {"Essays", "Collapse", "Readers", "One", "EXAMPLE"} <= on_front  # title, subtitle, author, publisher


def test_description_is_the_blurb_when_none_is_given(tmp_path):
    path = make_cover(tmp_path, 100, blurb="")
    back_right = (BLEED + 6) * PT
    assert "sample" in {w for w, x0, *_ in words(path) if x0 < back_right}


def test_a_long_blurb_is_reported(tmp_path):
    ctx = context(tmp_path, blurb="Words that go on. " * 150)
    write_cover(sample_edition(), tmp_path / "long.pdf", ctx, 150)
    assert [d.code for d in ctx.diagnostics.items] == ["cover-blurb-long"]


def test_a_missing_blurb_is_reported(tmp_path):
    ctx = context(tmp_path, blurb="")
    edition = dataclasses.replace(
        sample_edition(), metadata=dataclasses.replace(sample_edition().metadata, description="")
    )
    write_cover(edition, tmp_path / "bare.pdf", ctx, 150)
    assert [d.code for d in ctx.diagnostics.items] == ["cover-blurb-missing"]


def test_press_profile_cmyk_fonts_no_annotations(tmp_path):
    path = make_cover(tmp_path, 212)
    with pikepdf.open(path) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and len(intent.DestOutputProfile.read_bytes()) > 100_000
        assert "PDF/X-4" in pdf.Root.Metadata.read_bytes().decode()
        page = pdf.pages[0]
        assert "/Annots" not in page.obj and "/Outlines" not in pdf.Root
        fonts = list(page.Resources.Font.values())
        for font in fonts:
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile3" in descriptor or "/FontFile2" in descriptor
    assert {str(f.BaseFont).split("+")[1] for f in fonts} == {"Edition-Text", "Edition-Text-Italic"}
    operators = set(re.findall(rb"\b(rg|RG|g|G|k|K|sc|SC|scn|SCN)\b", content(path)))
    assert operators and not operators & {b"rg", b"RG", b"g", b"G"}  # no RGB, no DeviceGray


def test_same_bytes_on_every_build_with_fixed_id_and_dates(tmp_path):
    first = make_cover(tmp_path, 212).read_bytes()
    (tmp_path / "again").mkdir()
    assert make_cover(tmp_path / "again", 212).read_bytes() == first
    with pikepdf.open(io.BytesIO(first)) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert f"xmp.did:{document_id(sample_edition().metadata)}" in xmp
        assert str(pdf.docinfo.CreationDate) == str(pdf.docinfo.ModDate) == "D:20261125000000Z"


def test_print_cover_is_sized_from_the_press_file_of_the_build(tmp_path):
    ctx = context(tmp_path)
    out = tmp_path / "book-cover.pdf"
    out.write_bytes(b"a stale cover")
    write_print_cover(sample_edition(), out, ctx)  # no interior: no cover, the stale one removed
    assert not out.exists() and [d.code for d in ctx.diagnostics.items] == ["cover-not-written"]
    ctx.products.press_pages = 120  # what the press writer hands on when it has written the interior
    write_print_cover(sample_edition(), out, ctx)
    assert preflight_cover(out, Spec(6, 9, pages=120)).passed


def test_caliper_override_widens_the_spine(tmp_path):
    path = make_cover(tmp_path, 200, caliper=0.0032)
    assert preflight_cover(path, Spec(6, 9, pages=200, caliper_in=0.0032)).passed
    assert not preflight_cover(path, Spec(6, 9, pages=200)).passed


def write_config(tmp: Path, edition_lines: str) -> Path:
    (tmp / "book.txt").write_text("Title\n\nSome text.\n", encoding="utf-8")
    config = tmp / "editions.toml"
    config.write_text(f'[[edition]]\nname = "book"\nsources = ["book.txt"]\n{edition_lines}', encoding="utf-8")
    return config


def test_config_blurb_and_caliper(tmp_path):
    config = write_config(
        tmp_path, '[edition.metadata]\nblurb = """On the back.\n\nTwo."""\n[edition.print]\ncaliper = 0.0031\n'
    )
    edition = load_config(config).editions[0]
    assert edition.metadata.blurb == "On the back.\n\nTwo."
    assert edition.print.enabled and edition.print.caliper == 0.0031
    assert load_config(write_config(tmp_path, "print = true\n")).editions[0].print.caliper == 0.002252


@pytest.mark.parametrize("value", ["0.05", "0", '"thin"', "true"])
def test_config_refuses_a_caliper_that_is_not_inches_per_page(tmp_path, value):
    with pytest.raises(ConfigError, match=r"print\.caliper"):
        load_config(write_config(tmp_path, f"[edition.print]\ncaliper = {value}\n"))


def kept_context(tmp: Path) -> WriteContext:
    """``context`` with the build's cache in ``tmp/cache``."""
    ctx = context(tmp)
    return dataclasses.replace(ctx, build=dataclasses.replace(ctx.build, cache_dir=str(tmp / "cache")))


def test_a_kept_print_cover_is_read_back_and_is_the_one_drawn(tmp_path, monkeypatch):
    drawn = tmp_path / "drawn.pdf"
    write_cover(sample_edition(), drawn, kept_context(tmp_path), 150)
    [kept] = (tmp_path / "cache/covers").glob("*.pdf")
    assert kept.read_bytes() == drawn.read_bytes()
    # Read back: the engine is not called, and the file is the same bytes.
    from editionbuilder.writers.print import engine

    monkeypatch.setattr(engine, "render_pdf", lambda *a: pytest.fail("the kept wrap was drawn again"))
    again = tmp_path / "again.pdf"
    write_cover(sample_edition(), again, kept_context(tmp_path), 150)
    assert again.read_bytes() == drawn.read_bytes()
    # Another page count (another spine) is another wrap.
    monkeypatch.undo()
    write_cover(sample_edition(), tmp_path / "thicker.pdf", kept_context(tmp_path), 300)
    assert len(list((tmp_path / "cache/covers").glob("*.pdf"))) == 2


def test_a_damaged_kept_print_cover_is_drawn_again(tmp_path):
    drawn = tmp_path / "drawn.pdf"
    write_cover(sample_edition(), drawn, kept_context(tmp_path), 150)
    [kept] = (tmp_path / "cache/covers").glob("*.pdf")
    kept.write_bytes(kept.read_bytes()[:-10])
    ctx = kept_context(tmp_path)
    again = tmp_path / "again.pdf"
    write_cover(sample_edition(), again, ctx, 150)
    assert again.read_bytes() == drawn.read_bytes()
    found = [d for d in ctx.diagnostics.items if d.code == "cache-entry-discarded"]
    assert len(found) == 1 and "print cover" in found[0].message
    assert kept.read_bytes() == drawn.read_bytes()  # kept again


def test_a_wrap_whose_stylesheet_names_a_file_is_not_kept(tmp_path):
    sheet = tmp_path / "cover-press.css"
    sheet.write_text(".back-panel { background: url(paper.png); }\n", encoding="utf-8")
    assert cover.wrap_key("<html/>", "css", (sheet,), PressProfile("id")) is None
    plain = tmp_path / "plain.css"
    plain.write_text(".back-panel { background: white; }\n", encoding="utf-8")
    key = cover.wrap_key("<html/>", "css", (plain,), PressProfile("id"))
    assert key is not None and key != cover.wrap_key("<html/>", "css", (plain,), PressProfile("other id"))
    assert cover.wrap_key('<img src="a.png">', "css", (plain,), PressProfile("id")) is None
    assert cover.wrap_key('<link rel="stylesheet" href="more.css">', "css", (plain,), PressProfile("id")) is None
    imported = tmp_path / "imports.css"
    imported.write_text('@import "more.css";\n', encoding="utf-8")
    assert cover.wrap_key("<html/>", "css", (imported,), PressProfile("id")) is None


def test_kept_images_and_wraps_are_counted_apart(tmp_path, monkeypatch):
    monkeypatch.setattr(cover, "COVERS_KEPT", 1)
    images, wraps = cover.CoverCache.of(tmp_path, Diagnostics()), cover.CoverCache.of(tmp_path, Diagnostics(), ".pdf")
    images.put("a" * 40, b"image", [])
    wraps.put("b" * 40, b"%PDF wrap", [])
    assert images.get("a" * 40) == b"image" and wraps.get("b" * 40) == b"%PDF wrap"  # one of each kind stays
    wraps.put("c" * 40, b"%PDF another wrap", [])
    assert wraps.get("b" * 40) is None and wraps.get("c" * 40) == b"%PDF another wrap"
    assert images.get("a" * 40) == b"image"
