"""The EPUBs in a real reading system: epub.js 0.3.93 in headless Chromium.

One walk (tools/epubjs-walk.mjs, driving Chromium through puppeteer-core)
opens each book from a local HTTP server, displays every spine item, follows
a note reference (and the note's back link), a citation and a glossary term
reference by clicking them in the rendition's iframe, and takes screenshots.
Any console error, page error, failed request or HTTP status >= 400 fails.

The screenshots (title page, a chapter opening, a note, the glossary, the
bibliography) are kept in the folder this module prints, for a person to look
at: tests cannot say whether a page looks right.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import BOOKS
from epubkit import (
    NODE_MODULES,
    TOOLS,
    announce,
    require_tools,
    scratch_env,
    spine_hrefs,
)
from paths import ROOT

WALKER = TOOLS / "epubjs-walk.mjs"
PAGE = TOOLS / "reader.html"
LIBS = (NODE_MODULES / "jszip/dist/jszip.min.js", NODE_MODULES / "epubjs/dist/epub.min.js")
# "Serving HTTP on 127.0.0.1 port 43567 (http://127.0.0.1:43567/) ..."
SERVING = re.compile(r"port (\d+)")


@pytest.fixture(scope="session")
def site(tmp_path_factory, shipped_epubs) -> Path:
    """The folder the server serves: the page, the two scripts, the books
    (symbolic links, which http.server follows)."""
    require_tools(WALKER, PAGE, *LIBS, NODE_MODULES / "puppeteer-core")
    root = tmp_path_factory.mktemp("reader-site")
    (root / "lib").mkdir()
    (root / "books").mkdir()
    (root / "reader.html").symlink_to(PAGE)
    for lib in LIBS:
        (root / "lib" / lib.name).symlink_to(lib)
    for name, epub in shipped_epubs.items():
        (root / "books" / f"{name}.epub").symlink_to(epub)
    return root


@pytest.fixture(scope="session")
def server(site, tmp_path_factory):
    """`python3 -m http.server` on 127.0.0.1 and a free port (port 0: the
    kernel picks it, the server prints it), stopped after the session."""
    log = tmp_path_factory.mktemp("http") / "requests.log"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(site)],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
    )
    try:
        line = _read_line(proc, timeout=20)
        port = SERVING.search(line)
        assert port, f"http.server did not say its port: {line!r} (log: {log})"
        yield f"http://127.0.0.1:{port.group(1)}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def _read_line(proc: subprocess.Popen, timeout: float) -> str:
    """The server's first line, or a failure after `timeout` seconds."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            pytest.fail(f"http.server printed nothing in {timeout} s", pytrace=False)
    return proc.stdout.readline()


@pytest.fixture(scope="session")
def shots_dir(request) -> Path:
    """Screenshots go to output/screens/ (git-ignored), or $EPUB_SCREENSHOTS;
    the last session's are removed first."""
    folder = Path(os.environ.get("EPUB_SCREENSHOTS") or ROOT / "output" / "screens").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    announce(request, f"epub.js screenshots: {folder}")
    return folder


@pytest.fixture(scope="session")
def walk(server, shots_dir, tmp_path_factory) -> dict[str, dict]:
    """One walker run over every book (two at a time), its JSON by book."""
    env = scratch_env(tmp_path_factory.mktemp("walk-scratch"))
    try:
        proc = subprocess.run(
            ["node", str(WALKER), "--base", server, "--shots", str(shots_dir), *BOOKS],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the epub.js walk did not finish in 300 s", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"the epub.js walker broke (exit {proc.returncode}):\n{proc.stderr[-4000:]}", pytrace=False)
    return {book["name"]: book for book in json.loads(proc.stdout)["books"]}


def links_in(epub: Path) -> set[str]:
    """Which kinds of link the book holds, read from its XHTML (so that the
    walk is held to following every kind there is)."""
    kinds = {"noteref": 'role="doc-noteref"', "biblioref": 'role="doc-biblioref"', "glossref": 'role="doc-glossref"'}
    with zipfile.ZipFile(epub) as z:
        text = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xhtml"))
    return {kind for kind, marker in kinds.items() if marker in text}


@pytest.mark.parametrize("name", BOOKS)
def test_epubjs_reports_no_error(walk, name):
    problems = walk[name]["problems"]
    assert not problems, f"{name}.epub in epub.js:\n" + "\n".join(
        f"- {p['kind']} (×{p['count']}): {p['text']}" for p in problems
    )


@pytest.mark.parametrize("name", BOOKS)
def test_epubjs_displays_every_spine_item(walk, shipped_epubs, name):
    expected = spine_hrefs(shipped_epubs[name])
    shown = walk[name]["spine"]
    assert [s["href"] for s in shown] == expected
    wrong = [s for s in shown if s["landed"] != s["href"] or not (s["textLength"] or s["images"]) or s["brokenImages"]]
    assert not wrong, f"spine items not displayed, empty, or with broken images: {wrong}"


@pytest.mark.parametrize("name", BOOKS)
def test_epubjs_follows_note_citation_and_glossary_links(walk, shipped_epubs, name):
    book = walk[name]
    kinds = links_in(shipped_epubs[name])
    if "noteref" in kinds:
        kinds.add("backlink")  # every note links back to its reference
    failed = {kind: f for kind, f in book["followed"].items() if not f["ok"]}
    assert not failed, json.dumps(failed, indent=1)
    assert set(book["followed"]) == kinds, f"links found by the walk: {book.get('found')}"


def test_the_walk_is_not_vacuous(walk):
    """The shipped anthology has every kind of link; the walk followed each."""
    assert set(walk["anthology"]["followed"]) == {"noteref", "backlink", "biblioref", "glossref"}
    assert walk["39257-8"]["followed"]["noteref"]["ok"]


def test_screenshots_were_taken(walk, shots_dir):
    taken = {Path(p).name for book in walk.values() for p in book["screenshots"]}
    expected = {
        "anthology-01-title.png",
        "anthology-02-chapter.png",
        "anthology-03-note.png",
        "anthology-04-glossary.png",
        "anthology-05-bibliography.png",
    }
    assert expected <= taken
    for name in taken:
        png = (shots_dir / name).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, name
