"""Bad input, end to end: markup in prose stays text, line ends never leak,
and a manuscript's references to local files or the network are not read."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from lxml import etree

from editionbuilder.cli import main

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
    assert "<img src=x onerror=y>" in " ".join(pdf.split())


def test_no_carriage_return_reaches_any_output(tmp_path):
    text = "Title\r\n\r\nA line.\r\nStill the same paragraph.\r\n\r\n\r\nAnother section.\rWith a lone CR.\r\n"
    out = build(tmp_path, "crlf.txt", text.encode("cp1252"))
    for name, doc in xhtml_texts(out / "crlf.epub").items():
        assert "\r" not in doc, name
    assert b"\r" not in (out / "crlf.report.txt").read_bytes()


def test_manuscript_references_to_files_and_network_are_not_read(tmp_path, capsys):
    md = (
        "---\ntitle: Reach\n---\n\n# Reach\n\n"
        "A picture: ![secret](file:///etc/passwd) and ![remote](http://example.invalid/a.png).\n\n"
        "<img src=\"file:///etc/hostname\">\n"
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
