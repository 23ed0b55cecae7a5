"""sources.decode / read_source: bytes in, clean text or one InputError out."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editionbuilder.diagnostics import InputError
from editionbuilder.sources import DecodedText, decode, read_source
from paths import ENGELS as ENGELS_FILE
from paths import OBRIEN as OBRIEN_FILE
from paths import corpus_file

SAMPLE = "“Quote” – dash… café"
# Latin-1 cannot hold curly quotes, en dashes or the ellipsis.
LATIN1_SAMPLE = "«Quote» café crème £5 naïve"

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ENGELS = corpus_file(ENGELS_FILE)
OBRIEN = corpus_file(OBRIEN_FILE)


# -- encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "encoding", "had_bom"),
    [
        ("utf-8", "utf-8", False),
        ("utf-8-sig", "utf-8", True),
        ("utf-16", "utf-16-le", True),  # Python writes the BOM in native (LE) order
        ("utf-32", "utf-32-le", True),
        ("cp1252", "windows-1252", False),
    ],
)
def test_encodings_decode_to_the_same_text(codec: str, encoding: str, had_bom: bool) -> None:
    result = decode(SAMPLE.encode(codec), "s.txt")
    assert result.text == SAMPLE
    assert (result.encoding, result.had_bom) == (encoding, had_bom)


def test_utf16_big_endian_with_bom() -> None:
    result = decode(b"\xfe\xff" + SAMPLE.encode("utf-16-be"), "s.txt")
    assert (result.text, result.encoding, result.had_bom) == (SAMPLE, "utf-16-be", True)


def test_latin1_without_c1_bytes_is_named_iso_8859_1() -> None:
    result = decode(LATIN1_SAMPLE.encode("latin-1"), "s.txt")
    assert (result.text, result.encoding) == (LATIN1_SAMPLE, "iso-8859-1")


def test_cp1252_bytes_give_punctuation_not_c1_controls() -> None:
    text = decode(b"\x93Hi\x94 \x96 wait\x85 it\x92s", "s.txt").text
    assert text == "“Hi” – wait… it’s"
    assert not any(unicodedata.category(c) == "Cc" for c in text)


def test_cp1252_undefined_byte_does_not_raise() -> None:
    result = decode(b"abc \x81 def caf\xe9", "s.txt")
    assert result.encoding == "windows-1252"
    assert result.text == "abc  def café"  # the byte Windows-1252 leaves undefined: a C1 control, removed
    assert [n.name for n in result.normalised] == ["U+0081 CONTROL CHARACTER"]


def test_invalid_utf16_after_bom_is_one_line_input_error() -> None:
    with pytest.raises(InputError, match=r"^s\.txt: not valid UTF-16-LE"):
        decode(b"\xff\xfe\x00\xd8a", "s.txt")  # lone surrogate, odd length


def test_invalid_utf8_after_bom_is_input_error() -> None:
    with pytest.raises(InputError, match="UTF-8"):
        decode(b"\xef\xbb\xbfcaf\xe9", "s.txt")


# -- line ends ----------------------------------------------------------------


@pytest.mark.parametrize(("eol", "name"), [("\n", "lf"), ("\r\n", "crlf"), ("\r", "cr")])
def test_line_ends_become_lf(eol: str, name: str) -> None:
    source = eol.join([SAMPLE, "", "second"]) + eol
    result = decode(source.encode("utf-8"), "s.txt")
    assert result.text == f"{SAMPLE}\n\nsecond\n"
    assert result.newline == name
    assert result.line_count == 3


def test_mixed_line_ends_keep_numbering() -> None:
    result = decode(b"one\r\ntwo\rthree\nfour", "s.txt")
    assert result.newline == "mixed"
    assert result.lines == ("one", "two", "three", "four")
    assert "\r" not in result.text


def test_lines_do_not_split_on_form_feed_or_line_separator() -> None:
    result = decode("a\fb\u2028c\nd".encode(), "s.txt")
    assert result.lines == ("a b c", "d")  # each a space: the line numbers hold


def test_nfc_and_sha256() -> None:
    data = "cafe\u0301".encode()
    result = decode(data, "s.txt")
    assert result.text == "café"
    assert len(result.sha256) == 64
    assert result.sha256 == decode(data, "other.txt").sha256


# -- refusals -----------------------------------------------------------------


def test_png_renamed_txt(tmp_path: Path) -> None:
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01")
    with pytest.raises(InputError) as info:
        read_source(path)
    assert str(info.value) == f"{path}: not a text file (PNG image)"
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", "PDF document"),
        (b"PK\x03\x04\x14\x00", "zip archive"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"),
        (b"GIF89a\x01\x00", "GIF image"),
    ],
)
def test_magic_numbers(data: bytes, kind: str) -> None:
    with pytest.raises(InputError, match=rf"^b\.txt: not a text file \({kind}\)$"):
        decode(data, "b.txt")


def test_nul_bytes() -> None:
    with pytest.raises(InputError, match=r"not a text file \(contains NUL bytes\)"):
        decode(b"plain text\x00with a nul", "n.txt")


def test_many_control_characters() -> None:
    with pytest.raises(InputError, match="control characters"):
        decode(bytes(range(1, 32)) * 4 + b"some words", "c.txt")


def test_a_stray_control_character_is_removed_and_named() -> None:
    text = "word " * 100 + "\x07"
    decoded = decode(text.encode(), "c.txt")
    assert decoded.text == "word " * 100
    assert [(n.name, n.line) for n in decoded.normalised] == [("U+0007 CONTROL CHARACTER", 1)]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \r\n\t\n  ",
        b"\xef\xbb\xbf",
        b"\xfe\xff" + " \n".encode("utf-16-be"),
        "\ufeff \n".encode("utf-16"),  # BOM, then a second U+FEFF
    ],
)
def test_empty_or_whitespace_only(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^e\.txt: empty source$"):
        decode(data, "e.txt")


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_source(tmp_path / "nope.txt")


# -- mojibake -----------------------------------------------------------------


def test_mojibake_lines_repaired_and_recorded() -> None:
    source = "clean line\nItâ€™s a cafÃ© â€œquoteâ€\x9d\nanother clean line\n"
    result = decode(source.encode("utf-8"), "m.txt")
    assert result.lines == ("clean line", "It’s a café “quote”", "another clean line")
    (repair,) = result.repaired
    assert (repair.line, repair.before, repair.after) == (2, "Itâ€™s a cafÃ© â€œquoteâ€\x9d", "It’s a café “quote”")


def test_utf8_with_stray_cp1252_byte_is_repaired() -> None:
    # Mostly UTF-8, one Windows-1252 byte: decoded as Windows-1252, then the
    # UTF-8 sequences that turned into mojibake are repaired per line.
    data = "first “line”\n".encode() + b"caf\xe9 \x96 ok\n"
    result = decode(data, "m.txt")
    assert result.lines == ("first “line”", "café – ok")
    assert [r.line for r in result.repaired] == [1]


def test_signature_lookalike_that_is_not_mojibake_is_untouched() -> None:
    text = "Er sagte: „Das weiß“ – und ging.\nSÃO PAULO\n"
    result = decode(text.encode(), "m.txt")
    assert result.text == text
    assert result.repaired == ()


# -- the corpus and the seeds ------------------------------------------------


def test_engels_latin1_crlf() -> None:
    result = read_source(ENGELS)
    assert (result.encoding, result.newline, result.had_bom) == ("iso-8859-1", "crlf", False)
    assert result.line_count == 3057 == ENGELS.read_bytes().count(b"\n")
    assert "Jacob Böhme's" in result.lines[264]
    assert "encyclopædic" in result.lines[1537]
    assert "£2,200,000,000" in result.text
    assert result.repaired == ()
    assert "\r" not in result.text


def test_obrien_latin1_crlf() -> None:
    result = read_source(OBRIEN)
    assert (result.encoding, result.newline) == ("iso-8859-1", "crlf")
    assert result.line_count == 7901 == OBRIEN.read_bytes().count(b"\n")
    assert result.lines[33] == "AN ESSAY ON MEDIÆVAL ECONOMIC TEACHING"
    assert result.repaired == ()


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds_are_clean_utf8(seed: Path) -> None:
    result = read_source(seed)
    raw = seed.read_text(encoding="utf-8")
    assert (result.encoding, result.repaired) == ("utf-8", ())
    assert result.lines == tuple(raw.removesuffix("\n").split("\n"))


# -- properties -----------------------------------------------------------------

BOMS = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"])
TEXTY = st.text().flatmap(
    lambda t: st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16"]).map(lambda c: t.encode(c, "ignore"))
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(), st.tuples(BOMS, st.binary()).map(b"".join), TEXTY))
def test_decode_returns_text_or_input_error(data: bytes) -> None:
    try:
        result = decode(data, "p.txt")
    except InputError as exc:
        assert str(exc).startswith("p.txt: ") and "\n" not in str(exc)
        return
    assert isinstance(result, DecodedText)
    assert "\r" not in result.text
    assert result.text.strip()
    assert unicodedata.is_normalized("NFC", result.text)


def test_separators_and_controls_become_spaces_or_nothing_and_are_named():
    decoded = decode("Title\n\nOne\u2029Two\u2028three\x85 four\x07bell\x0cff\n\n\u2029 again\n".encode(), "x.txt")
    assert decoded.text == "Title\n\nOne Two three  fourbell ff\n\n  again\n"
    assert decoded.line_count == 5  # a line of the file stays one line
    found = {n.name: (n.count, n.line, n.replacement) for n in decoded.normalised}
    assert found == {
        "U+2029 PARAGRAPH SEPARATOR": (2, 3, "a space"),
        "U+2028 LINE SEPARATOR": (1, 3, "a space"),
        "U+0085 NEXT LINE": (1, 3, "a space"),
        "U+0007 CONTROL CHARACTER": (1, 3, "nothing"),
        "U+000C FORM FEED": (1, 3, "a space"),
    }
    assert decode(b"Plain text.\n", "y.txt").normalised == ()
