"""The fidelity gate (fidelity.py, `editionbuilder check`, `make check`):
every built EPUB and PDF holds the model's words in order, and no others.

It passes on the shared build (the shipped editions and the Engels text in
print) and on EPUBs of the other Gutenberg texts; and it fails, naming the
words, when a word is taken out of a real output, text is injected, or two
paragraphs change places.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from editionbuilder.cli import EXIT_FIDELITY, main
from editionbuilder.config import load_config, one_off_edition
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.pipeline import read_edition
from editionbuilder.qa.fidelity import compare, epub_text, join_hyphenated, numeral_value, pdf_text, writer_labels
from paths import BRADLEY, OBRIEN, ROOT, corpus_file

OTHER_TEXTS = [corpus_file(BRADLEY), corpus_file(OBRIEN)]


def test_check_passes_on_every_built_file(full_build, corpus_config, capsys):
    assert main(["check", "--config", str(ROOT / "editions.toml"), "--out", str(full_build)]) == 0
    assert main(["check", "--config", str(corpus_config), "--out", str(full_build)]) == 0
    out = capsys.readouterr().out
    # essay, film: EPUB + PDF; anthology and the Engels text: + press PDF
    assert out.count("pass  ") == 10 and "FAIL" not in out, out


@pytest.mark.parametrize("path", OTHER_TEXTS, ids=lambda p: p.name)
def test_gutenberg_epubs_keep_every_word(path, tmp_path):
    assert main(["build", str(path), "--out", str(tmp_path), "--format", "epub"]) == 0
    edition = read_edition(one_off_edition([path]), Path.cwd(), Diagnostics())
    report = compare(edition, path.name, epub_text(tmp_path / f"{path.stem}.epub"), writer_labels())
    assert report.passed, (report.lost, report.added)
    assert report.model_words > 30_000


@pytest.fixture(scope="module")
def anthology(full_build):
    options = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "anthology")
    edition = read_edition(options, ROOT, Diagnostics())
    with zipfile.ZipFile(full_build / "anthology.epub") as z:
        chapter = z.read("EPUB/ch001.xhtml").decode("utf-8")
    return edition, epub_text(full_build / "anthology.epub"), chapter, full_build


def test_gate_finds_a_word_taken_out(anthology):
    edition, text, _, _ = anthology
    assert compare(edition, "a", text, writer_labels()).passed
    cut = text.replace("retailed reasons", "reasons", 1)
    report = compare(edition, "a", cut, writer_labels())
    assert report.lost_count == 1 and "retailed" in report.lost[0][1]


def test_gate_finds_injected_text(anthology):
    edition, text, _, _ = anthology
    injected = text.replace("retailed reasons", "retailed <script>alert(1)</script> reasons", 1)
    report = compare(edition, "a", injected, writer_labels())
    assert report.lost_count == 0 and report.added_count == 3  # "script" twice, "alert" ("1" is a numeral)


def test_gate_finds_a_passage_moved(anthology):
    edition, text, _, _ = anthology
    first = text.index("One of the most retailed")
    sentence = text[first : text.index(".", first) + 1]
    moved = text.replace(sentence, "", 1) + " " + sentence  # to the end of the book
    report = compare(edition, "a", moved, writer_labels())
    # most of its 20 words (a few common ones, "the", "of", pair with
    # neighbours where it was); the sentence at the end is added text
    assert report.lost_count >= 10 and report.added_count >= 10
    assert any("traitors thesis" in context for _, context in report.lost)


def test_gate_reads_a_real_pdf_with_its_hyphenation(anthology):
    """The press PDF, read with pdftotext: words hyphenated at line ends
    (some across a page, past the page's folio and the next running head)
    are joined again, and the gate passes."""
    edition, _, _, build = anthology
    raw = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(build / "anthology-press.pdf"), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    broken = sum(line.rstrip().endswith("\u2010") for line in raw.split("\n"))
    assert broken >= 10  # the book is hyphenated: the joining is exercised
    text = pdf_text(build / "anthology-press.pdf")
    assert not any(line.rstrip().endswith("\u2010") for line in text.split("\n"))
    assert compare(edition, "press", text, writer_labels()).passed


def test_hyphenated_words_are_joined_across_lines_and_pages():
    text = (
        "A line ends with a hyphen\u2010\nated word.\n"
        "The page's last line is broken in the mid\u2010\n"
        "1 A footnote on this page.\n\n12\n\f"
        "Running Head\n\ndle of a word.\n"
    )
    joined = join_hyphenated(text).split()
    assert "hyphenated" in joined and "middle" in joined
    assert "ated" not in joined and "dle" not in joined
    assert "Running" in joined and "footnote" in joined


def test_check_fails_with_its_exit_code_on_a_tampered_file(full_build, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with zipfile.ZipFile(full_build / "film.epub") as src, zipfile.ZipFile(out / "film.epub", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".xhtml") and b"Kremlin" in data:
                data = data.replace(b"Kremlin", b"", 1)
            dst.writestr(info, data)
    code = main(["check", "--config", str(ROOT / "editions.toml"), "--edition", "film", "--out", str(out)])
    assert code == EXIT_FIDELITY
    printed = capsys.readouterr().out
    assert "FAIL  film.epub" in printed and "kremlin" in printed.lower()


def test_words_shared_by_a_note_and_the_text_across_its_page(tmp_path):
    """A footnote printed between the two halves of a sentence that runs
    over the page holds the same words as the sentence's second half
    ("books dealing with the"): each stream keeps its own, nothing is lost
    or added (the O'Brien text in print had this)."""
    src = tmp_path / "book.txt"
    src.write_text(
        "A Book\n\nby Some One\n\n"
        "Enlightenment will be found in histories of the working classes[1] than in books dealing with the "
        "enunciation of abstract theories; nevertheless it is possible to state the rule generally.\n\n"
        "FOOTNOTES:\n\n[1] An excellent bibliography of books dealing with the history of the working "
        "classes is to be found elsewhere.\n",
        encoding="utf-8",
    )
    edition = read_edition(one_off_edition([src]), tmp_path, Diagnostics())
    page_1 = (
        "A Book\nEnlightenment will be found in histories of the working classes1 than in\n"
        "1 An excellent bibliography of books dealing with the history of the working classes "
        "is to be found elsewhere.\n90\n\f"
    )
    page_2 = (
        "A Book\nbooks dealing with the enunciation of abstract theories; nevertheless it is possible "
        "to state the rule generally.\n91\n"
    )
    # pages 90 and 91 of a longer book
    report = compare(edition, "pdf", page_1 + page_2, writer_labels(), pages=120)
    assert report.passed, (report.lost, report.added)
    swapped = page_1.replace("working classes1 than in", "working classes1 than") + page_2
    assert not compare(edition, "pdf", swapped, writer_labels(), pages=120).passed  # a word really lost is still found


def test_words_spelt_like_roman_numerals_are_not_taken_for_page_numbers(full_build, tmp_path, capsys):
    """ "did civil mix" added to a built EPUB and to a built PDF's text:
    none is a well-formed numeral within the book's pages ("mix" is 1009
    in roman, past the last page), so `check` fails on both and names them."""
    out = tmp_path / "out"
    out.mkdir()
    with zipfile.ZipFile(full_build / "film.epub") as src, zipfile.ZipFile(out / "film.epub", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith(".xhtml") and b"Kremlin" in data:
                data = data.replace(b"Kremlin", b"Kremlin did civil mix", 1)
            dst.writestr(info, data)
    with pikepdf.open(full_build / "film.pdf") as pdf:
        page = pdf.pages[0]
        font = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
        )
        page.Resources.Font[pikepdf.Name("/FAdded")] = font
        page.contents_add(pdf.make_stream(b"BT /FAdded 9 Tf 72 40 Td (did civil mix) Tj ET"), prepend=False)
        pdf.save(out / "film.pdf")
    code = main(["check", "--config", str(ROOT / "editions.toml"), "--edition", "film", "--out", str(out)])
    assert code == EXIT_FIDELITY
    printed = capsys.readouterr().out
    assert "FAIL  film.epub" in printed and "FAIL  film.pdf" in printed, printed
    assert printed.count(" 3 added") == 2, printed
    assert "did civil mix" in printed


def test_numerals_are_well_formed_arabic_or_roman():
    assert [numeral_value(w) for w in ("xiv", "mcmxc", "12", "vi", "i")] == [14, 1990, 12, 6, 1]
    assert [numeral_value(w) for w in ("did", "civil", "mild", "dim", "iiii", "vx", "012", "١٢")] == [0] * 8
