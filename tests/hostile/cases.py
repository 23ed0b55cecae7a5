"""Hostile manuscripts and configs, made on demand (none is stored).

Each ``Case`` is a small project: the files to write (text, bytes or a
symbolic link), the ``editionbuilder`` command to run in it, the exit
status and the message expected, and the time it may take. A case stands
for one thing a careless user or a hostile author does; ``tests/test_hostile.py``
runs every case under its time limit. To look at the files themselves:

    python tests/hostile/cases.py OUTDIR        # writes OUTDIR/CASE/...
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Link:
    """A symbolic link to ``target`` (as written, relative or absolute)."""

    target: str


Content = str | bytes | Link


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    files: dict[str, Content]
    argv: tuple[str, ...]
    exit: int
    stderr: str = ""  # a regular expression the standard error must match
    seconds: float = 60.0
    file_size_limit: int = 0  # bytes a file may grow to (0: no limit), as a full disk would
    # further assertions on the project folder after the run
    after: Callable[[Path], None] | None = field(default=None, compare=False)

    def write(self, folder: Path) -> Path:
        for name, content in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Link):
                path.symlink_to(content.target)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder


CASES: list[Case] = []

BOOK = "A Small Book\n\nby Some Author\n\nThe text of the book, in one paragraph.\n"
PAPER = "---\ntitle: A Paper\n---\n\nText [@a].\n"
BIB = "@book{a, title={A Book}, author={Doe, Jane}, year={2001}, publisher={Press}}\n"


def _config(extra: str = "", sources: str = '["book.txt"]', top: str = "") -> str:
    return f'{top}[[edition]]\nname = "book"\nsources = {sources}\n{extra}'


def case(fn: Callable[[], Case]) -> Callable[[], Case]:
    CASES.append(fn())
    return fn


# -- bounded work -------------------------------------------------------------


@case
def crossref_cycle() -> Case:
    """Two BibTeX entries inheriting from each other ran pandoc into its
    timeout at 5 GB: the circle is found first, the bibliography reported
    unreadable, and the book built."""
    bib = "@inbook{a, crossref={b}, title={A}, author={X, Y}, year={2000}}\n"
    bib += "@book{b, crossref={a}, title={B}, author={Z, W}, year={2001}}\n"
    paper = "---\ntitle: A Paper\nbibliography: cycle.bib\n---\n\nText [@a].\n"
    return Case(
        "crossref-cycle",
        {"paper.md": paper, "cycle.bib": bib},
        ("build", "paper.md", "--format", "epub"),
        exit=0,
        stderr=r"the entries a -> b -> a refer to each other in a circle",
        seconds=30,
    )


@case
def notes_in_one_paragraph() -> Case:
    """300 notes called from one paragraph: the time grows with the notes,
    not with their square (100 took over 150 s when every part was laid
    out as a column box)."""
    calls = " ".join(f"Sentence {i} of the long paragraph has a note[{i}]." for i in range(1, 301))
    notes = "\n\n".join(f"[{i}] The text of note {i}." for i in range(1, 301))
    return Case(
        "notes-in-one-paragraph",
        {"notes.txt": f"Many Notes\n\nby Some One\n\n{calls}\n\nFOOTNOTES:\n\n{notes}\n"},
        ("build", "notes.txt", "--format", "pdf"),
        exit=0,
        seconds=180,
    )


@case
def deep_quotations_in_markdown() -> Case:
    """3,000 quotations inside each other ended in a RecursionError (exit 70)."""
    text = "---\ntitle: Deep\n---\n\n" + "> " * 3000 + "The deepest words.\n"
    return Case(
        "deep-markdown",
        {"deep.md": text},
        ("build", "deep.md"),
        exit=0,
        stderr=r"deep.md: warning: \d+ quotations, lists or other containers nested past level 12 .*\[nesting-flattened\]",
        seconds=120,
    )


def _epub(xhtml_body: str) -> bytes:
    """A small EPUB 3 holding one document with ``xhtml_body``."""
    buffer = io.BytesIO()
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">urn:x:1</dc:identifier>'
        "<dc:title>Deep</dc:title><dc:language>en</dc:language></metadata>"
        '<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="c" href="c.xhtml" media-type="application/xhtml+xml"/></manifest>'
        '<spine><itemref idref="c"/></spine></package>'
    )
    page = '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>{}</body></html>'
    nav = '<nav xmlns:epub="http://www.idpf.org/2007/ops" epub:type="toc"><ol><li><a href="c.xhtml">Deep</a></li></ol></nav>'
    container = (
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", container)
        z.writestr("OEBPS/content.opf", opf)
        z.writestr("OEBPS/nav.xhtml", page.format(nav))
        z.writestr("OEBPS/c.xhtml", page.format(xhtml_body), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@case
def deep_nesting_in_an_epub() -> Case:
    """A small EPUB nesting quotations and emphasis thousands deep took two
    minutes and 1.9 GB to inspect."""
    body = "<blockquote><p>level</p>" * 2000 + "<p>" + "<em>" * 2000 + "deep" + "</em>" * 2000 + "</p>"
    body += "</blockquote>" * 2000
    return Case(
        "deep-epub",
        {"deep.epub": _epub(body)},
        ("inspect", "deep.epub", "--stats"),
        exit=0,
        stderr=r"\[nesting-flattened\]",
        seconds=120,
    )


# -- long tokens and the fidelity gate ---------------------------------------------


def _checked(project: Path) -> None:
    """`editionbuilder check` passes on what the build wrote."""
    run = subprocess.run(
        [Path(sys.executable).with_name("editionbuilder"), "check"], cwd=project, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-2000:]


def _long_case(name: str, text: str) -> Case:
    return Case(
        name,
        {"long.txt": f"A Long One\n\nby Some One\n\n{text}\n", "editions.toml": _config(sources='["long.txt"]')},
        ("build",),
        exit=0,
        stderr=r"^(?![\s\S]*text-overflow)",  # nothing ran off a page
        seconds=180,
        after=_checked,
    )


@case
def one_word_fourteen_thousand_times() -> Case:
    """A 200,000-character line of one word: `check` reported 14,279 words
    lost and 14,279 added (no run of words rare enough to anchor on)."""
    return _long_case("one-word-many-times", "abcdefghijklm " * 14285)


@case
def a_word_longer_than_pages() -> Case:
    """A word with no break in 20,000 characters was cut off at the edge of
    the page, and the build said nothing."""
    return _long_case("word-longer-than-pages", "Before it. " + "q" * 20_000 + " After it.")


@case
def a_long_url() -> Case:
    """A 404-character URL was hyphenated (U+2010) and failed `check`."""
    url = "https://example.org/" + "/".join(f"Section{n}x{'abc' * 7}" for n in range(13))
    assert len(url) > 400
    return _long_case("long-url", f"The archive is at {url} and nowhere else.")


# -- characters text should not hold -------------------------------------------

SEPARATORS = "One paragraph.\u2029Another\u2028with a line.\u0085 And\x0c a form feed, a bell\x07."


def _separators_in_the_pdf(project: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(project / "output/seps.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Another with a line." in " ".join(text.split())
    assert not any(ch in text for ch in "\u2029\u2028\u0085\x07\ufffd")  # no box for a missing glyph


@case
def separators_in_plain_text() -> Case:
    """U+2029 aborted the whole edition ("PDF rendering failed:
    AssertionError"); U+2028 and U+0085 printed as missing-glyph boxes."""
    return Case(
        "separators-in-plain-text",
        {"seps.txt": f"A Title\n\nby Some One\n\n{SEPARATORS}\n"},
        ("build", "seps.txt"),
        exit=0,
        stderr=r"seps.txt:5: warning: U\+2029 PARAGRAPH SEPARATOR replaced by a space \[text-normalised\]",
        after=_separators_in_the_pdf,
    )


@case
def separators_in_markdown() -> Case:
    return Case(
        "separators-in-markdown",
        {"seps.md": f"---\ntitle: A Title\n---\n\n{SEPARATORS}\n"},
        ("build", "seps.md"),
        exit=0,
        stderr=r"seps.md:5: warning: U\+0007 CONTROL CHARACTER replaced by nothing \[text-normalised\]",
        after=_separators_in_the_pdf,
    )


# -- nothing outside the project gets in -----------------------------------------


def _outside(name: str, files: dict[str, Content], key: str) -> Case:
    return Case(name, files, ("build",), exit=2, stderr=rf"{key}: .* outside ")


@case
def bibliography_outside_by_path() -> Case:
    files: dict[str, Content] = {
        "paper.md": PAPER,
        "editions.toml": _config('bibliography = ["/etc/hosts"]\n', '["paper.md"]'),
    }
    return Case("bibliography-absolute-path", files, ("build",), exit=2, stderr=r"bibliography\[0\]: .*outside")


@case
def bibliography_style_up_and_out() -> Case:
    files: dict[str, Content] = {
        "paper.md": PAPER,
        "editions.toml": _config('bibliography_style = "../style.csl"\n', '["paper.md"]'),
    }
    return Case("csl-parent-folder", files, ("build",), exit=2, stderr=r"bibliography_style: .*(outside|no such)")


@case
def manuscript_names_a_bibliography_outside() -> Case:
    paper = "---\ntitle: A Paper\nbibliography: /etc/hosts\n---\n\nText [@a].\n"
    return Case(
        "manuscript-bibliography-outside",
        {"paper.md": paper, "editions.toml": _config(sources='["paper.md"]')},
        ("build",),
        exit=3,
        stderr=r"paper.md: bibliography: /etc/hosts is a path leading outside",
    )


@case
def source_linked_outside() -> Case:
    """A book titled with the machine's name: a source that is a link to /etc/hostname."""
    files: dict[str, Content] = {"book.txt": Link("/etc/hostname"), "editions.toml": _config()}
    return Case("source-link-outside", files, ("build",), exit=2, stderr=r"sources\[0\]: .*a link leading outside")


@case
def output_linked_outside() -> Case:
    files: dict[str, Content] = {
        "book.txt": BOOK,
        "out": Link("/tmp"),
        "editions.toml": _config(top='output = "out"\n'),
    }
    return Case("output-link-outside", files, ("build",), exit=2, stderr=r"output: .*a link leading outside")


@case
def dependent_csl_style() -> Case:
    """A CSL style naming its parent by URL made the build fetch it."""
    style = (
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" '
        'class="in-text"><info><title>Dependent</title><id>x</id>'
        '<link rel="independent-parent" href="http://127.0.0.1:9/apa.csl"/></info></style>\n'
    )
    files: dict[str, Content] = {
        "paper.md": PAPER,
        "refs.bib": BIB,
        "dep.csl": style,
        "editions.toml": _config('bibliography = ["refs.bib"]\nbibliography_style = "dep.csl"\n', '["paper.md"]'),
    }
    return Case("dependent-csl-style", files, ("build",), exit=2, stderr=r"dep.csl is a dependent CSL style")


@case
def javascript_and_file_links() -> Case:
    text = "---\ntitle: Links\n---\n\nA [script](javascript:alert(1)), a [file](file:///etc/passwd), a [page](https://example.org).\n"

    def only_the_web_link(project: Path) -> None:
        import zipfile

        with zipfile.ZipFile(project / "output/links.epub") as z:
            chapter = next(z.read(n).decode() for n in z.namelist() if n.endswith("ch001.xhtml"))
        assert "javascript:" not in chapter and "file:" not in chapter and 'href="https://example.org"' in chapter
        pdf = (project / "output/links.pdf").read_bytes()
        assert b"javascript" not in pdf and b"file:///" not in pdf

    return Case(
        "javascript-and-file-links",
        {"links.md": text},
        ("build", "links.md"),
        exit=0,
        stderr=r"(?s)'javascript:alert\(1\)' \(javascript:\) is printed as its text only.*'file:///etc/passwd'",
        after=only_the_web_link,
    )


# -- nothing of the user's is overwritten -----------------------------------------


@case
def out_folder_holding_the_source() -> Case:
    """`build novel.epub --out .` wrote novel.epub over the manuscript."""
    return Case(
        "build-over-its-source",
        {"novel.md": "---\ntitle: A Novel\n---\n\nText.\n", "novel.epub": b"PK the author's own file"},
        ("build", "novel.epub", "--out", "."),
        exit=2,
        stderr=r"novel.epub: the output would overwrite the source",
        after=lambda p: _unchanged(p / "novel.epub", b"PK the author's own file"),
    )


@case
def export_over_its_source() -> Case:
    return Case(
        "export-over-its-source",
        {"paper.md": PAPER},
        ("export", "--to", "markdown", "paper.md", "--out", "."),
        exit=2,
        stderr=r"paper.md: the output would overwrite the source",
        after=lambda p: _unchanged(p / "paper.md", PAPER.encode()),
    )


@case
def output_folder_holding_a_source() -> Case:
    files: dict[str, Content] = {
        "ow/book.txt": BOOK,
        "editions.toml": _config(sources='["ow/book.txt"]', top='output = "ow"\n'),
    }
    return Case(
        "output-folder-holds-a-source",
        files,
        ("build",),
        exit=2,
        stderr=r"sources\[0\]: ow/book.txt is in the output folder",
    )


@case
def two_editions_one_file() -> Case:
    config = _config() + '[edition.print]\nenabled = true\n[[edition]]\nname = "book-press"\nsources = ["book.txt"]\n'
    return Case(
        "two-editions-one-file",
        {"book.txt": BOOK, "editions.toml": config},
        ("build",),
        exit=2,
        stderr=r'its file book-press.pdf is also edition "book"',
    )


def _unchanged(path: Path, data: bytes) -> None:
    assert path.read_bytes() == data


# -- the machine refuses ------------------------------------------------------------


@case
def out_names_a_file() -> Case:
    return Case(
        "out-names-a-file",
        {"book.txt": BOOK, "afile": "not a folder\n"},
        ("build", "book.txt", "--out", "afile"),
        exit=74,
        stderr=r"^editionbuilder: error: --out: afile is a file, not a folder\n$",
    )


@case
def out_inside_a_file() -> Case:
    return Case(
        "out-inside-a-file",
        {"book.txt": BOOK, "afile": "not a folder\n"},
        ("build", "book.txt", "--out", "afile/books"),
        exit=74,
        stderr=r"^editionbuilder: error: cannot write afile/books.*: Not a directory\n$",
    )


@case
def disk_full() -> Case:
    """Writes fail past 40 kB (a file-size limit stands for a full disk):
    one line, exit 74, and no staging folder left."""

    def nothing_half_written(project: Path) -> None:
        out = project / "output"
        files = [p for p in out.rglob("*") if p.is_file()]
        # No output at all; the build's cache may keep what it finished
        # (compiled templates, written whole: a digest of the rest first).
        left = [p.name for p in files if p.relative_to(out).parts[0] != ".cache"]
        assert left == [], left
        for entry in (p for p in files if p.suffix == ".cache"):
            data = entry.read_bytes()
            assert hashlib.sha256(data[32:]).digest() == data[:32], f"{entry.name} is half written"

    return Case(
        "disk-full",
        {"book.txt": BOOK},
        ("build", "book.txt"),
        exit=74,
        stderr=r"^editionbuilder: error: .*(File too large)\n$",
        file_size_limit=40_000,
        after=nothing_half_written,
    )


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for c in CASES:
        c.write(out / c.name)
        print(out / c.name)
