"""The site's pages in headless Chromium: axe-core, screenshots, notes, page anchors.

One run of tools/site-check.mjs (puppeteer-core driving Debian's Chromium)
over ``full_build``'s site as ``editionbuilder serve`` serves it: every
kind of page at a phone's width (390 x 844), a desktop's (1280 x 900) and
the desktop's in dark mode, each checked by axe-core (every rule it runs
by default) and photographed; a note opened as a popover and closed
again, the same call followed without JavaScript, and ``pages.html#page-12``
sending the reader to page 12's place in the text. Any request to another
origin is blocked and fails the test, as does any console error.

The screenshots are kept in output/screens/site/ (or $SITE_SCREENSHOTS)
for a person to look at.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS_EDITION
from epubkit import NODE_MODULES, TOOLS, announce, require_tools, scratch_env
from paths import ROOT

CHECKER = TOOLS / "site-check.mjs"
# Each kind of page, by where it is on full_build's site.
PAGES = {
    "bookshelf": "index.html",
    "landing": "anthology/index.html",
    "titlepage": "anthology/titlepage.html",
    "chapter": f"{CORPUS_EDITION}/ch002.html",  # with notes and print pages
    "notes": f"{CORPUS_EDITION}/notes.html",
    "glossary": "anthology/glossary.html",
    "bibliography": "anthology/bibliography.html",
    "responses": "anthology/responses.html",
    "pages": f"{CORPUS_EDITION}/pages.html",
    "imprint": f"{CORPUS_EDITION}/imprint.html",
}
VIEWS = (("phone", "light"), ("desktop", "light"), ("desktop", "dark"))


@pytest.fixture(scope="session")
def screens(request) -> Path:
    """output/screens/site/ (git-ignored), or $SITE_SCREENSHOTS; emptied first."""
    folder = Path(os.environ.get("SITE_SCREENSHOTS") or ROOT / "output" / "screens" / "site").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    announce(request, f"site screenshots: {folder}")
    return folder


@pytest.fixture(scope="session")
def checked(site_server, screens, tmp_path_factory) -> dict:
    require_tools(CHECKER, NODE_MODULES / "puppeteer-core", NODE_MODULES / "axe-core" / "axe.min.js")
    command = [
        "node",
        str(CHECKER),
        "--base",
        site_server.url,
        "--shots",
        str(screens),
        "--page-anchor",
        f"{CORPUS_EDITION}/pages.html#page-12",
        *(f"{kind}={path}" for kind, path in PAGES.items()),
    ]
    env = scratch_env(tmp_path_factory.mktemp("site-check"))
    try:
        run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("the site check did not finish in 600 s", pytrace=False)
    if run.returncode != 0:
        pytest.fail(f"site-check.mjs broke (exit {run.returncode}):\n{run.stderr[-4000:]}", pytrace=False)
    return json.loads(run.stdout)


def _result(checked: dict, kind: str, viewport: str, scheme: str) -> dict:
    (found,) = [p for p in checked["pages"] if (p["kind"], p["viewport"], p["scheme"]) == (kind, viewport, scheme)]
    return found


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize(("viewport", "scheme"), VIEWS)
def test_axe_finds_no_violation(checked, kind, viewport, scheme):
    result = _result(checked, kind, viewport, scheme)
    assert not result["violations"], json.dumps(result["violations"], indent=1)[:4000]


@pytest.mark.parametrize("kind", PAGES)
@pytest.mark.parametrize(("viewport", "scheme"), VIEWS)
def test_the_page_loads_cleanly_from_the_site_alone_and_fits_the_screen(checked, kind, viewport, scheme):
    result = _result(checked, kind, viewport, scheme)
    assert not result["problems"], result["problems"]  # no outside request, console error or 404
    assert result["overflow"] <= 0, f"{result['overflow']} px wider than the screen"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_a_note_opens_in_place_and_closes(checked, viewport):
    (result,) = [p for p in checked["popovers"] if p["viewport"] == viewport]
    assert result["ok"], result
    assert not result["violations"], result["violations"]  # with the popover open


def test_without_javascript_a_note_call_goes_to_the_notes_page(checked):
    assert checked["noScript"]["ok"], checked["noScript"]


def test_a_print_page_address_goes_to_its_place_in_the_text(checked):
    assert checked["pageAnchor"]["ok"], checked["pageAnchor"]
    assert checked["pageAnchor"]["path"] == f"/{CORPUS_EDITION}/ch002.html#page-12"


def test_screenshots_of_every_kind_of_page(checked, screens):
    expected = {f"{kind}-{v}{'-dark' if s == 'dark' else ''}.png" for kind in PAGES for v, s in VIEWS}
    expected |= {"chapter-note-phone.png", "chapter-note-desktop.png", "page-anchor-desktop.png"}
    taken = {p.name for p in screens.glob("*.png")}
    assert expected <= taken, expected - taken
    for name in expected:
        png = (screens / name).read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, name
