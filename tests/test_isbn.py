"""The ISBN (isbn.py) and its barcode on the back cover (writers/barcode.py).

The bars are checked against barcodes published by other encoders (the
digit patterns of JsBarcode's and ZXing's tests), then read back from the
cover PDF as the filled rectangles WeasyPrint drew: their widths in modules
must spell the EAN-13 and the add-on. A placeholder ISBN fails preflight
and ``check``; the config refuses a price that is not five digits.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTCurve, LTRect

from editionbuilder import isbn
from editionbuilder.cli import EXIT_PREFLIGHT, main
from editionbuilder.config import load_config
from editionbuilder.diagnostics import ConfigError, Diagnostics
from editionbuilder.options import BuildOptions, EditionOptions, MetadataOverrides, PrintOptions
from editionbuilder.qa.preflight import Spec, preflight_cover
from editionbuilder.writers import WriteContext
from editionbuilder.writers.cover import write_cover
from editionbuilder.writers.print.barcode import MODULE_IN
from sample_edition import sample_edition
from test_preflight_cli import interior

PT = 72
BLEED = 0.125
VALID = "978-0-306-40615-7"  # the ISBN-13 example of ISO 2108's commentaries (and Wikipedia's)

# Published encodings: JsBarcode's tests (test/node/EAN.test.js) and ZXing's
# EAN13WriterTestCase draw 5901234123457 so; JsBarcode's EAN-5 tests 54495 and 12345.
EAN13_5901234123457 = "10100010110100111011001100100110111101001110101010110011011011001000010101110010011101000100101"
EAN5_54495 = "10110110001010100011010011101010001011010111001"
EAN5_12345 = "10110110011010010011010100001010100011010110001"


def test_ean13_matches_the_published_pattern():
    assert isbn.ean13_modules("5901234123457") == EAN13_5901234123457
    assert len(isbn.ean13_modules("9780306406157")) == 95


def test_ean5_matches_the_published_patterns():
    assert isbn.ean5_modules("54495") == EAN5_54495
    assert isbn.ean5_modules("12345") == EAN5_12345
    assert len(isbn.ean5_modules(isbn.NO_PRICE)) == 47


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        (VALID, "9780306406157"),
        ("ISBN 978-0-306-40615-7", "9780306406157"),
        ("urn:isbn:9780306406157", "9780306406157"),
        ("979-10-90636-07-1", "9791090636071"),
    ],
)
def test_valid_isbns(text, digits):
    found = isbn.check_isbn(text)
    assert found.claimed and found.valid and found.digits == digits


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("978-0-306-40615-8", "check digit 8"),  # one digit off
        ("PLACEHOLDER - no ISBN assigned yet", "13 digits"),
        ("0-306-40615-2", "10 digits"),  # an ISBN-10: the barcode needs the 13
        ("123-4-567-89012-8", "978 or 979"),
        ("TBD", "13 digits"),
    ],
)
def test_invalid_isbns_say_why(text, why):
    found = isbn.check_isbn(text)
    assert found.claimed and not found.valid and why in found.problem


def test_other_identifiers_are_not_taken_for_isbns():
    for text in ("", "urn:uuid:3f8521a6-04f0-40fb-ae4f-21e434e76e4f", "doi:10.1000/182"):
        assert not isbn.check_isbn(text).claimed


def test_check_digit():
    assert isbn.check_digit("978030640615") == "7"
    assert isbn.check_digit("590123412345") == "7"


# --------------------------------------------------------------------------
# The cover: bars as vector rectangles, read back from the PDF
# --------------------------------------------------------------------------


def cover(tmp: Path, identifier: str, price: str = "51995") -> tuple[Path, Diagnostics]:
    edition = sample_edition()
    edition = dataclasses.replace(edition, metadata=dataclasses.replace(edition.metadata, print_identifier=identifier))
    options = EditionOptions(
        "book",
        ("book.txt",),
        MetadataOverrides(blurb="A blurb.", print_identifier=identifier),
        print=PrintOptions(enabled=True, price=price),
    )
    ctx = WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), tmp)
    out = tmp / "cover.pdf"
    write_cover(edition, out, ctx, 120)
    return out, ctx.diagnostics


def drawn_modules(path: Path) -> list[str]:
    """The dark bars of the back cover's barcode area, left to right, as
    module strings: one per run of bars (the EAN-13, then the add-on)."""
    page = next(iter(extract_pages(path)))
    area_x = (BLEED + 6 - 0.5 - 2.0) * PT, (BLEED + 6 - 0.5) * PT
    bars = sorted(
        (round(item.x0, 2), round(item.x1, 2))
        for item in page
        if isinstance(item, (LTRect, LTCurve))
        and area_x[0] < item.x0 < area_x[1]
        and item.height > 0.3 * PT  # a bar, not the panel or a rule
        and item.width < 0.1 * PT
    )
    module = MODULE_IN * PT
    symbols, modules, last = [], "", None
    for x0, x1 in bars:
        if last is not None:
            gap = round((x0 - last) / module)
            if gap > 6:  # between the EAN-13 and its add-on
                symbols.append(modules)
                modules = ""
            else:
                modules += "0" * gap
        modules += "1" * round((x1 - x0) / module)
        last = x1
    return [*symbols, modules]


def test_a_valid_isbn_prints_its_ean13_and_price_add_on_as_vector_bars(tmp_path):
    path, diags = cover(tmp_path, VALID, "51995")
    assert drawn_modules(path) == [isbn.ean13_modules("9780306406157"), isbn.ean5_modules("51995")]
    assert not diags.items
    report = preflight_cover(path, Spec(6, 9, pages=120, print_identifier=VALID))
    assert report.passed, report.checks
    assert not any(b"/Subtype /Image" in chunk for chunk in [path.read_bytes()])  # no bitmap


def test_no_isbn_leaves_the_area_empty(tmp_path):
    path, _ = cover(tmp_path, "urn:uuid:3f8521a6-04f0-40fb-ae4f-21e434e76e4f")
    assert drawn_modules(path) == [""]
    assert preflight_cover(path, Spec(6, 9, pages=120)).passed


def test_a_placeholder_isbn_draws_no_barcode_and_fails_preflight(tmp_path):
    path, _ = cover(tmp_path, "PLACEHOLDER")
    assert drawn_modules(path) == [""]
    checks = {c.rule: c for c in preflight_cover(path, Spec(6, 9, pages=120, print_identifier="PLACEHOLDER")).checks}
    assert not checks["ISBN and barcode area"].passed
    assert "13 digits" in checks["ISBN and barcode area"].detail


def test_the_barcode_digits_pass_only_with_a_valid_isbn(tmp_path):
    """Digits in the area are the barcode's only when the edition has the ISBN."""
    path, _ = cover(tmp_path, VALID)
    assert not preflight_cover(path, Spec(6, 9, pages=120)).passed


# --------------------------------------------------------------------------
# The config's price, and the commands
# --------------------------------------------------------------------------

CONFIG = """\
[[edition]]
name = "book"
sources = ["book.txt"]
[edition.metadata]
print_identifier = "{isbn}"
[edition.print]
trim = "6x9"
price = "{price}"
"""


def project(tmp: Path, isbn_text: str, price: str = "90000") -> Path:
    (tmp / "book.txt").write_text("A Book\n\nSome text.\n", encoding="utf-8")
    config = tmp / "editions.toml"
    config.write_text(CONFIG.format(isbn=isbn_text, price=price), encoding="utf-8")
    return config


def test_price_is_five_digits(tmp_path):
    assert load_config(project(tmp_path, VALID, "51995")).editions[0].print.price == "51995"
    with pytest.raises(ConfigError, match="price"):
        load_config(project(tmp_path, VALID, "19.95"))


def test_price_defaults_to_no_suggested_price():
    assert PrintOptions().price == isbn.NO_PRICE == "90000"


def test_check_fails_on_a_placeholder(tmp_path, capsys):
    config = project(tmp_path, "978-0-00-000000-0")  # the shape of an ISBN, the wrong check digit
    out = tmp_path / "output"
    assert main(["build", "--config", str(config), "--out", str(out), "--format", "epub"]) == 0
    capsys.readouterr()
    assert main(["check", "--config", str(config), "--out", str(out)]) != 0
    assert "FAIL  book: the print identifier '978-0-00-000000-0' ends in the check digit 0" in capsys.readouterr().out


def test_check_passes_a_valid_isbn(tmp_path, capsys):
    config = project(tmp_path, VALID)
    out = tmp_path / "output"
    assert main(["build", "--config", str(config), "--out", str(out), "--format", "epub"]) == 0
    assert main(["check", "--config", str(config), "--out", str(out)]) == 0


def test_preflight_command_fails_a_placeholder_alone(tmp_path, capsys):
    """Good press files of an edition whose ISBN is a placeholder: the ISBN
    row fails, and only it."""
    config = project(tmp_path, "PLACEHOLDER")
    out = tmp_path / "output"
    out.mkdir()
    interior(out / "book-press.pdf", 24)
    made, _ = cover(tmp_path, "PLACEHOLDER")
    options = load_config(config).editions[0]
    ctx = WriteContext(options, BuildOptions(source_date_epoch=0), Diagnostics(), tmp_path)
    write_cover(sample_edition(), out / "book-cover.pdf", ctx, 24)
    assert made.is_file()
    code = main(["preflight", "--config", str(config), "--out", str(out)])
    lines = capsys.readouterr().out.splitlines()
    assert code == EXIT_PREFLIGHT
    failed = [line for line in lines if line.startswith("FAIL")]
    assert len(failed) == 1 and "ISBN and barcode area" in failed[0] and "PLACEHOLDER" in failed[0]
    assert lines[-1] == "preflight: 2 files, 16 checks, 1 failed"
