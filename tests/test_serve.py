"""``editionbuilder serve``: the site over HTTP, and rebuilt as its sources change.

The server runs as a user runs it, in a process of its own on 127.0.0.1
and a free port (tests/sitekit.py), and is asked with a real HTTP client
(``urllib``): every page, feed and file of ``full_build``'s site, with its
media type; a download by range. ``--watch`` is tried on a project made by
``init``: a source is edited while the page is open in headless Chromium
(tools/live-reload-check.mjs), which must show the new text by itself.
"""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import urllib.error
import urllib.request

import pytest

from editionbuilder.catalog import EPUB_TYPE, OPDS_ATOM_TYPE, OPDS_JSON_TYPE, PDF_TYPE
from editionbuilder.cli import main
from editionbuilder.options import EditionOptions
from editionbuilder.site.serve import Rebuild, Unsatisfiable, affected, byte_range
from epubkit import NODE_MODULES, TOOLS, require_tools, scratch_env
from paths import ROOT
from sitekit import serving

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".png": "image/png",
    ".epub": EPUB_TYPE,
    ".pdf": PDF_TYPE,
    ".xml": OPDS_ATOM_TYPE,
    ".json": OPDS_JSON_TYPE,
}


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) of one request; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_every_page_feed_and_file_is_served_with_its_media_type(site_server, full_build):
    site = full_build / "site"
    files = sorted(p for p in site.rglob("*") if p.is_file())
    assert len(files) > 50
    for file in files:
        status, headers, body = fetch(site_server.url + file.relative_to(site).as_posix())
        assert status == 200, file
        assert headers["Content-Type"] == TYPES[file.suffix], file
        assert body == file.read_bytes(), file
    assert fetch(site_server.url)[2] == (site / "index.html").read_bytes()
    assert fetch(site_server.url + "anthology/")[2] == (site / "anthology/index.html").read_bytes()


def test_a_folder_without_its_slash_is_redirected_and_a_missing_file_is_404(site_server):
    connection = http.client.HTTPConnection(site_server.url.split("//")[1].rstrip("/"), timeout=30)
    connection.request("GET", "/anthology")
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == "/anthology/"
    response.read()
    for path in ("/nothing.html", "/../editions.toml", "/anthology/../../editions.toml", "/%2e%2e/editions.toml"):
        connection.request("GET", path)
        response = connection.getresponse()
        assert response.status == 404, path
        response.read()
    connection.close()


def test_an_epub_downloads_by_range(site_server, full_build):
    data = (full_build / "anthology.epub").read_bytes()
    url = site_server.url + "anthology/anthology.epub"
    status, headers, body = fetch(url, {"Range": "bytes=100-1099"})
    assert status == 206 and body == data[100:1100]
    assert headers["Content-Range"] == f"bytes 100-1099/{len(data)}" and headers["Content-Length"] == "1000"
    assert headers["Content-Type"] == EPUB_TYPE
    status, headers, body = fetch(url, {"Range": "bytes=-500"})
    assert status == 206 and body == data[-500:]
    status, headers, body = fetch(url, {"Range": f"bytes={len(data) - 10}-"})
    assert status == 206 and body == data[-10:]
    # The pieces of a resumed download make the whole file.
    pieces = [fetch(url, {"Range": f"bytes={a}-{a + 65535}"})[2] for a in range(0, len(data), 65536)]
    assert b"".join(pieces) == data
    status, headers, body = fetch(url, {"Range": f"bytes={len(data)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, headers, body = fetch(url, method="HEAD")
    assert status == 200 and body == b"" and headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Length"] == str(len(data))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9)),
        ("bytes=5-", (5, 99)),
        ("bytes=90-200", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-200", (0, 99)),
        ("bytes=9-5", None),  # not a valid range: the whole file
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-1", None),
        ("bytes=100-", Unsatisfiable),
        ("bytes=-0", Unsatisfiable),
    ],
)
def test_byte_ranges(header, expected):
    if expected is Unsatisfiable:
        with pytest.raises(Unsatisfiable):
            byte_range(header, 100)
    else:
        assert byte_range(header, 100) == expected


def test_a_change_rebuilds_what_it_touches(tmp_path):
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.txt").write_text("b")
    config = tmp_path / "editions.toml"
    editions = [
        EditionOptions(name="a", sources=("a.txt",)),
        EditionOptions(name="b", sources=("b.txt",)),
        EditionOptions(name="ab", sources=("a.txt", "b.txt")),
    ]
    assert affected({tmp_path / "b.txt"}, config, editions, tmp_path) == Rebuild(False, ("b", "ab"))
    assert affected({config}, config, editions, tmp_path) == Rebuild(True, ("a", "b", "ab"))
    assert affected({tmp_path / "styles/site.css"}, config, editions, tmp_path) == Rebuild(False, ())
    everything = Rebuild(False, ("a", "b", "ab"))
    assert affected({tmp_path / "templates/parts.j2"}, config, editions, tmp_path) == everything
    assert affected({tmp_path / "a.txt", tmp_path / "styles/base.css"}, config, editions, tmp_path) == everything


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_serve_stops_cleanly(full_build, tmp_path, signum):
    with serving(["--out", str(full_build)], tmp_path) as server:
        assert fetch(server.url)[0] == 200
        server.process.send_signal(signum)
        # Wait for that one signal to be handled: a second one (stop()'s
        # SIGTERM) while the server shuts down is a second request to stop.
        assert server.process.wait(timeout=30) == 0
    assert "editionbuilder: stopped serving" in server.log.read_text()


def test_serve_without_a_site_is_a_one_line_error(tmp_path, capsys):
    assert main(["serve", "--out", str(tmp_path), "--config", str(ROOT / "editions.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "run editionbuilder build first" in err[0]


def test_watch_rebuilds_and_the_open_page_reloads(tmp_path):
    """``serve --watch`` on a new project: an edit of its text is on the
    open page without a hand on the browser."""
    require_tools(NODE_MODULES / "puppeteer-core")
    project = tmp_path / "project"
    assert main(["init", str(project)]) == 0
    text = project / "texts/the-lighthouse-keepers-ledger.txt"
    with serving(["--watch", "--jobs", "2"], tmp_path, cwd=project) as server:
        assert any(line.endswith("output/site/index.html") for line in server.lines)  # it built first
        pool = _forkservers(server.process.pid)
        assert len(pool) == 1  # the first build laid its parts out in workers
        assert fetch(server.url + "_editionbuilder/version")[2] == b"0"
        page = server.url + "lighthouse/ch001.html"
        browser = subprocess.Popen(
            ["node", str(TOOLS / "live-reload-check.mjs"), "--url", page, "--expect", "a heron"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=scratch_env(tmp_path / "chromium"),
        )
        try:
            assert browser.stdout.readline().strip() == "ready", browser.stderr.read()
            source = text.read_text(encoding="utf-8")
            assert "a gull that nested" in source
            text.write_text(source.replace("a gull that nested", "a heron that nested"), encoding="utf-8")
            out, err = browser.communicate(timeout=180)
        finally:
            browser.kill()
        assert browser.returncode == 0, err
        result = json.loads(out)
        assert result["ok"], result
        assert "a gull" in result["before"] and "a heron" in result["after"]
        assert result["loads"] >= 2 and not result["problems"], result
        assert b"a heron" in fetch(page)[2]
        assert int(fetch(server.url + "_editionbuilder/version")[2]) >= 1
        assert _forkservers(server.process.pid) == pool  # the rebuild's parts went to the same pool
        assert b"_editionbuilder/live-reload.js" in fetch(page)[2]  # added by the server only:
        assert b"_editionbuilder" not in (project / "output/site/lighthouse/ch001.html").read_bytes()
    log = server.log.read_text()
    assert "rebuilding lighthouse" in log and "stopped serving" in log


def _forkservers(pid: int) -> set[int]:
    """The fork servers process ``pid`` started (a worker pool's): those of
    its children that have children, the pool's workers. (A fork server
    forked from the build has the build's command line, ``scheduling._fork_server``.)"""
    listed = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True).stdout
    pairs = [tuple(map(int, line.split())) for line in listed.splitlines() if line.strip()]
    parents = {parent for _child, parent in pairs}
    return {child for child, parent in pairs if parent == pid and child in parents}


def test_a_rebuild_after_a_kept_worker_died_builds_on_a_new_pool(tmp_path, monkeypatch):
    """A worker of the pool ``serve --watch`` keeps killed between two builds
    (the out-of-memory killer, a signal) leaves that pool unusable: the
    rebuild starts a new one and builds."""
    import os
    import time

    from editionbuilder import cli
    from editionbuilder.site.serve import start_server

    project = tmp_path / "project"
    assert main(["init", str(project)]) == 0
    monkeypatch.chdir(project)
    args = cli._parser().parse_args(["serve", "--watch", "--jobs", "2"])
    editions, root, out = cli._editions(args)
    rebuilder = cli._Rebuilder(args, editions, root, out, cli._scheduler(args))
    server = None
    try:
        cli._build_editions(editions, root, out, args, web=True, kept=rebuilder.workers)
        cli._build_site(root, out)
        server = start_server(out / "site", "127.0.0.1", 0, True, log=lambda line: None)
        rebuilder.server = server
        kept = rebuilder.workers
        worker = next(iter(kept.executor()._processes))  # a worker of the real pool
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while kept.executor()._broken is False and time.monotonic() < deadline:  # the pool sees it die
            time.sleep(0.05)
        text = project / "texts/the-lighthouse-keepers-ledger.txt"
        text.write_text(text.read_text(encoding="utf-8").replace("a gull that nested", "a heron"), encoding="utf-8")
        rebuilder({text})
        assert server.version == 1  # rebuilt
        assert rebuilder.workers is not kept
        assert b"a heron" in (out / "site/lighthouse/ch001.html").read_bytes()
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        rebuilder.workers.close()
