"""Bad input, end to end: markup in prose stays text, line ends never leak,
a manuscript's references to local files or the network are not read, a
failed build leaves the last good files, and a 5 MB text is built whole."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from editionbuilder import templating, writers
from editionbuilder.cli import main
from editionbuilder.config import load_config, one_off_edition
from editionbuilder.diagnostics import Diagnostics, RenderError
from editionbuilder.model import Text
from editionbuilder.model.text import WORD, model_words
from editionbuilder.model.walk import walk_inlines
from editionbuilder.options import BuildOptions
from editionbuilder.pipeline import build_edition, read_edition
from editionbuilder.qa.fidelity import check_file, epub_text
from editionbuilder.readers.plaintext.inlines import parse_inlines
from editionbuilder.sources import read_source
from paths import GUTENBERG, ROOT, corpus_file

MARKUP = (
    "Markup in Prose\n\n"
    "He typed <script>alert('x')</script> and <img src=x onerror=y> into the form.\n\n"
    "Profit & loss: 3 < 4 > 2, and &amp; stays as typed.\n"
)


def build(tmp_path: Path, name: str, content: bytes) -> Path:
    src = tmp_path / name
    src.write_bytes(content)
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out)]) == 0
    return out


def xhtml_texts(epub: Path) -> dict[str, str]:
    with zipfile.ZipFile(epub) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml")}


def test_markup_in_prose_is_text_in_epub_and_pdf(tmp_path):
    out = build(tmp_path, "markup.txt", MARKUP.encode("utf-8"))
    docs = xhtml_texts(out / "markup.epub")
    for text in docs.values():
        root = etree.fromstring(text.encode("utf-8"))  # well-formed
        assert not root.xpath("//*[local-name()='script' or local-name()='img' and @src='x']")
    body = " ".join("".join(etree.fromstring(t.encode("utf-8")).itertext()) for t in docs.values())
    assert "<script>alert(‘x’)</script>" in body or "<script>alert('x')</script>" in body
    assert "<img src=x onerror=y>" in body and "3 < 4 > 2" in body and "&amp; stays" in body
    pdf = subprocess.run(["pdftotext", str(out / "markup.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    pdf = " ".join(pdf.replace("\u2019", "'").replace("\u2018", "'").split())
    assert "<script>alert('x')</script>" in pdf and "<img src=x onerror=y>" in pdf
    assert "Profit & loss: 3 < 4 > 2, and &amp; stays as typed." in pdf


def test_no_carriage_return_reaches_any_output(tmp_path):
    text = "Title\r\n\r\nA line.\r\nStill the same paragraph.\r\n\r\n\r\nAnother section.\rWith a lone CR.\r\n"
    out = build(tmp_path, "crlf.txt", text.encode("cp1252"))
    with zipfile.ZipFile(out / "crlf.epub") as z:  # every file: XHTML, OPF, NCX, nav, CSS
        for name in z.namelist():
            if not name.endswith(".png"):
                assert b"\r" not in z.read(name), name
    assert b"\r" not in (out / "crlf.report.txt").read_bytes()
    pdf = subprocess.run(["pdftotext", str(out / "crlf.pdf"), "-"], capture_output=True, check=True).stdout
    assert b"\r" not in pdf and b"Still the same paragraph." in pdf and b"With a lone CR." in pdf


def test_manuscript_references_to_files_and_network_are_not_read(tmp_path, capsys):
    md = (
        "---\ntitle: Reach\n---\n\n# Reach\n\n"
        "A picture: ![secret](file:///etc/passwd) and ![remote](http://example.invalid/a.png).\n\n"
        '<img src="file:///etc/hostname">\n'
    )
    out = build(tmp_path, "reach.md", md.encode("utf-8"))
    err = capsys.readouterr().err
    assert "[image-dropped]" in err or "[image-missing]" in err
    passwd = Path("/etc/passwd").read_text(encoding="utf-8", errors="replace").split("\n")[0]
    for doc in xhtml_texts(out / "reach.epub").values():
        assert passwd not in doc
    with zipfile.ZipFile(out / "reach.epub") as z:
        assert not [n for n in z.namelist() if n.endswith((".png", ".jpg")) and "cover" not in n]
    pdf = subprocess.run(["pdftotext", str(out / "reach.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert passwd not in pdf


def test_stylesheets_reach_no_file_outside_the_project_and_no_network(tmp_path):
    """A user's print stylesheet imports a file outside the project and asks
    for an image from a web server (one on this machine, counting requests)
    and for /etc/passwd. The imported file is not read (its rule would print
    a word), the server gets no request, and the refusals are reported."""
    import http.server
    import threading

    hits: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_error(404)

        def log_message(self, *_args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "evil.css").write_text('body::before { content: "INJECTEDWORD"; }\n', encoding="utf-8")
    styles = tmp_path / "project" / "styles"
    styles.mkdir(parents=True)
    url = f"http://127.0.0.1:{server.server_port}/a.png"
    (styles / "print.css").write_text(
        f'@import url("{(outside / "evil.css").as_uri()}");\n'
        + (templating.STYLE_DIR / "print.css").read_text(encoding="utf-8")
        + f'\nh1::after {{ content: url("{url}") url("file:///etc/passwd"); }}\n',
        encoding="utf-8",
    )
    src = tmp_path / "project" / "book.txt"
    src.write_text("A Small Book\n\nby Some Author\n\nThe text of the book.\n", encoding="utf-8")
    build = BuildOptions(
        out_dir=str(tmp_path / "project/out"),
        project_dir=str(tmp_path / "project"),
        source_date_epoch=1_764_028_800,
        formats=("pdf",),
        extra_template_dirs=(str(styles),),
    )
    try:
        result = build_edition(one_off_edition([src]), build)
    finally:
        server.shutdown()
    assert hits == []
    pdf = subprocess.run(
        ["pdftotext", str(tmp_path / "project/out/book.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "The text of the book." in pdf and "INJECTEDWORD" not in pdf
    refused = " ".join(d.message for d in result.diagnostics if d.code == "pdf-render")
    assert "evil.css" in refused and "/etc/passwd" in refused and url in refused


# --------------------------------------------------------------------------
# A failed build leaves the last good files; a long text is built whole
# --------------------------------------------------------------------------


def published(out: Path) -> dict[str, bytes]:
    """The edition files in ``out`` by name (the hidden sets and cache aside)."""
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def test_a_build_that_fails_midway_leaves_the_last_good_files(tmp_path):
    """A book is built (EPUB, PDF, report). Its text is then changed and
    built again with a print template that cannot render: the new EPUB is
    made before the PDF fails. Every file in the output folder is still the
    last good one, byte for byte (no new EPUB beside the old PDF), and no
    staging folder or temporary file is left behind."""
    src = tmp_path / "book.txt"
    src.write_text("A Small Book\n\nby Some Author\n\nThe first text of the book.\n", encoding="utf-8")
    options = one_off_edition([src])
    out = tmp_path / "out"

    def run(template_dirs=()):
        build = BuildOptions(
            out_dir=str(out),
            project_dir=str(tmp_path),
            source_date_epoch=1_764_028_800,
            extra_template_dirs=template_dirs,
        )
        return build_edition(options, build)

    run()
    before = published(out)
    assert set(before) == {"book.epub", "book.pdf", "book.report.txt"}
    src.write_text("A Small Book\n\nby Some Author\n\nA changed text of the book.\n", encoding="utf-8")
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "print_book.html.j2").write_text("{{ no_such_macro() }}", encoding="utf-8")
    formats = []
    original = writers.WRITERS["epub"]

    def epub_then_note(edition, target, ctx):  # the real EPUB writer, noted when it has written
        original(edition, target, ctx)
        formats.append(("epub", target.is_file()))

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(writers.WRITERS, "epub", epub_then_note)
        with pytest.raises(RenderError):
            run((str(broken),))
    assert formats == [("epub", True)]  # the new EPUB was made, then the PDF failed
    after = published(out)
    assert after == before
    run()  # and a good build then replaces all three
    assert "changed" in epub_text(out / "book.epub") and sorted(published(out)) == sorted(before)
    sets = sorted(p.name for p in (out / ".editions").iterdir())  # the link and the one current set, no other
    assert len(sets) == 2 and sets[0] == "book" and sets[1].startswith("book."), sets


def test_a_stale_press_file_is_removed_when_the_book_is_too_short_for_press(tmp_path):
    """An edition marked for print whose book is now under 24 pages gets no
    press file or cover; the ones an earlier build left are removed (they
    would be uploaded by mistake), and the build says so."""
    options = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "film")
    options = dataclasses.replace(options, print=dataclasses.replace(options.print, enabled=True))
    out = tmp_path / "out"
    out.mkdir()
    for name in ("film-press.pdf", "film-cover.pdf"):
        (out / name).write_bytes(b"%PDF-1.7 an earlier build's file")
    build = BuildOptions(out_dir=str(out), project_dir=str(ROOT), source_date_epoch=1_764_028_800)
    result = build_edition(options, build)
    assert sorted(published(out)) == ["film.epub", "film.pdf", "film.report.txt"]
    removed = [d.message for d in result.diagnostics if d.code == "stale-output-removed"]
    assert len(removed) == 2 and "film-press.pdf" in removed[0] and "film-cover.pdf" in removed[1]
    assert [d.code for d in result.diagnostics if d.code == "too-short-for-press"] == ["too-short-for-press"]


def long_text() -> str:
    """About 5 MB: the paragraphs of the Gutenberg texts, 40 to a chapter,
    over and over, under one title and byline."""
    bodies = []
    for path in map(corpus_file, GUTENBERG):
        text = read_source(path).text
        start = re.search(r"\*\*\* ?START OF.*\n", text).end()
        bodies.append(
            [
                p
                for p in text[start : re.search(r"\*\*\* ?END OF", text).start()].split("\n\n")
                if len(p) > 200 and "[" not in p and "*" not in p
            ]
        )
    # Each text gives hundreds of paragraphs; none would make the loop below endless.
    assert all(len(paras) > 40 for paras in bodies), [len(paras) for paras in bodies]
    chapters, size = [], 0
    while size < 5_000_000:
        for paras in bodies:
            for k in range(0, len(paras), 40):
                chapters.append(f"CHAPTER {len(chapters) + 1}\n\n" + "\n\n".join(paras[k : k + 40]))
                size += len(chapters[-1].encode("utf-8"))
    return "A Long Book\n\nby Some Author\n\n" + "\n\n\n".join(chapters)


def _unmarked(line: str) -> str:
    """A source line with its `_italics_` markup read (parse_inlines)."""
    return "".join(n.text for n in walk_inlines(parse_inlines(line)) if isinstance(n, Text))


@pytest.mark.slow
def test_a_five_megabyte_text_is_built_whole(tmp_path):
    """5 MB of text (about 2,400 printed pages) becomes an EPUB and a PDF
    that hold every word of it, in order (the fidelity gate on both), and
    a model that lost no word of the source. (Time against size is measured
    by `make bench`, up to 1,000 pages: seconds per page do not grow.)"""
    src = tmp_path / "long.txt"
    src.write_text(long_text(), encoding="utf-8")
    assert src.stat().st_size > 5_000_000
    out = tmp_path / "out"
    assert main(["build", str(src), "--out", str(out)]) == 0
    edition = read_edition(one_off_edition([src]), Path("/"), Diagnostics())
    # case-folded: a title in capitals is set in the edition's case; each
    # line's italics read as the reader reads them ("1_s._" is "1s.")
    text = "\n".join(_unmarked(line) for line in read_source(src).text.split("\n"))
    source_words = Counter(w.casefold() for w in WORD.findall(text))
    source_words["by"] -= 1  # the byline's syntax
    assert not (source_words - Counter(w.casefold() for w in model_words(edition)))
    for name in ("long.epub", "long.pdf"):
        report = check_file(edition, out / name)
        assert report.passed and report.model_words > 800_000, (name, report.lost, report.added)
