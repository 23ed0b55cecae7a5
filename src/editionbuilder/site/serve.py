"""``editionbuilder serve``: the site on this machine, and rebuilt as you write.

The server (Python's ``http.server``, a thread per request) serves the
folder ``output/site`` resolves to at each request, so that a rebuild,
which switches the link (``fsutil.staged_folder``), is served whole from
the next request on. It sends the media types reading apps expect
(``SiteHandler.TYPES``), and honours a single HTTP ``Range`` (206 with
``Content-Range``; 416 when the range starts past the end): an app resumes
a download, a PDF viewer fetches what it shows.

With ``--watch`` (``watch``, the only module importing ``watchfiles``) a
change to a source, the config, a template or a stylesheet rebuilds what
it touches (``affected``: the editions reading a changed source, all of
them for anything else, the site alone for its own stylesheet and
script), the typeset parts kept in ``output/.cache`` making it quick, and
every open page reloads: the server adds to each page it sends a script
of its own (``live-reload.js``) that asks ``/_editionbuilder/version``
every second, from the same address, so nothing is fetched from elsewhere.
The built files are never changed by it.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import watchfiles

from ..catalog import EPUB_TYPE, OPDS_ATOM_TYPE, OPDS_JSON_TYPE, PDF_TYPE, PNG_TYPE
from ..options import EditionOptions
from ..templating import STYLE_DIR, TEMPLATE_DIR, find_stylesheet

LIVE_PREFIX = "/_editionbuilder/"
LIVE_SCRIPT = "live-reload.js"
SITE_ONLY = frozenset({"site.css", "site.js"})  # used by no edition's files: the site alone is rebuilt
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class SiteServer(ThreadingHTTPServer):
    """Serves ``site``; ``version`` counts the rebuilds, for the live reload."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: Path, live: bool, log: Callable[[str], None]):
        super().__init__(address, SiteHandler)
        self.site = site
        self.live = live
        self.log = log
        self.version = 0

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}/"


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    TYPES: ClassVar[Mapping[str, str]] = {
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".png": PNG_TYPE,
        ".epub": EPUB_TYPE,
        ".pdf": PDF_TYPE,
        ".xml": OPDS_ATOM_TYPE,  # the site's only XML files are its OPDS 1.2 feeds
        ".json": OPDS_JSON_TYPE,  # and its only JSON the OPDS 2.0 feed
    }

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def log_message(self, format: str, *args: object) -> None:
        self.server.log(f"{self.address_string()} {format % args}")

    def _respond(self, body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if self.server.live and path.startswith(LIVE_PREFIX):
            self._live(path.removeprefix(LIVE_PREFIX), body)
            return
        file = self._file(path)
        if file is None:
            self.send_error(HTTPStatus.NOT_FOUND)
        elif file.is_dir():
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", urllib.parse.quote(path) + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif file.suffix == ".html" and self.server.live:
            self._send(with_live_reload(file.read_bytes(), self.server.version), self.TYPES[".html"], body)
        else:
            self._send_file(file, body)

    def _file(self, path: str) -> Path | None:
        """The file ``path`` names inside the site (``index.html`` for a folder
        ending in "/"), None when there is none or the path leaves the site."""
        root = self.server.site.resolve()
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") or "\\" in p for p in parts):
            return None
        file = root.joinpath(*parts)
        if path.endswith("/") or not parts:
            file = file / "index.html"
        try:
            file.resolve().relative_to(root)
        except ValueError:
            return None
        return file if file.exists() else None

    def _send(self, data: bytes, kind: str, body: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _send_file(self, file: Path, body: bool) -> None:
        """``file``, whole or the single range asked for."""
        size = file.stat().st_size
        try:
            wanted = byte_range(self.headers.get("Range"), size)
        except Unsatisfiable:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start, end = wanted or (0, size - 1)
        self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted else HTTPStatus.OK)
        self.send_header("Content-Type", self.TYPES.get(file.suffix, "application/octet-stream"))
        self.send_header("Accept-Ranges", "bytes")
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(max(end - start + 1, 0)))
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        if body:
            with file.open("rb") as handle:
                handle.seek(start)
                left = end - start + 1
                while left > 0 and (chunk := handle.read(min(CHUNK, left))):
                    self.wfile.write(chunk)
                    left -= len(chunk)

    def _live(self, name: str, body: bool) -> None:
        if name == "version":
            self._send(str(self.server.version).encode("ascii"), "text/plain; charset=utf-8", body)
        elif name == LIVE_SCRIPT:
            self._send(find_stylesheet(LIVE_SCRIPT).read_bytes(), self.TYPES[".js"], body)
        else:
            self.send_error(HTTPStatus.NOT_FOUND)


class Unsatisfiable(Exception):
    """A range that starts past the end of the file (RFC 9110 §14.1.2): 416."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte a ``Range`` header asks of a file of ``size``
    bytes; None to send the whole file (no header, or one this server does
    not take: several ranges, another unit, last before first);
    ``Unsatisfiable`` for a range that starts past the end."""
    match = _RANGE.match((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        if int(last) == 0 or size == 0:
            raise Unsatisfiable
        return max(size - int(last), 0), size - 1
    start = int(first)
    if start >= size:
        raise Unsatisfiable
    if last and int(last) < start:
        return None
    return start, min(int(last), size - 1) if last else size - 1


def with_live_reload(page: bytes, version: int) -> bytes:
    """``page`` with the live-reload script before its ``</body>``, telling
    it which build it was sent from."""
    tag = f'<script src="{LIVE_PREFIX}{LIVE_SCRIPT}" data-version="{version}"></script>\n'.encode("ascii")
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def start_server(site: Path, host: str, port: int, live: bool, log: Callable[[str], None]) -> SiteServer:
    """A server of ``site`` on ``host:port`` (port 0: a free one), answering from a thread of its own."""
    server = SiteServer((host, port), site, live, log)
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    return server


@dataclass(frozen=True, slots=True)
class Rebuild:
    """What a change asks for: the config read again, which editions built, the site."""

    config: bool
    editions: tuple[str, ...]


def affected(changed: Iterable[Path], config: Path, editions: Sequence[EditionOptions], project: Path) -> Rebuild:
    """What to rebuild after ``changed``: the config and every edition when
    the config changed; only the editions reading a changed source, when
    only sources changed; the site alone for its own stylesheet and script;
    every edition for anything else (a template, a stylesheet, a bibliography)."""
    changed = {p.resolve() for p in changed}
    everything = tuple(e.name for e in editions)
    if config.resolve() in changed:
        return Rebuild(True, everything)
    if all(p.name in SITE_ONLY for p in changed):
        return Rebuild(False, ())
    reads = {e.name: {(project / s).resolve() for s in e.sources} for e in editions}
    sources = set().union(*reads.values()) if reads else set()
    if changed <= sources:
        return Rebuild(False, tuple(name for name, files in reads.items() if files & changed))
    return Rebuild(False, everything)


def watch(project: Path, out: Path, on_change: Callable[[set[Path]], None]) -> None:
    """Call ``on_change`` with the changed files of the project (not its
    output folder), and of the package's templates and stylesheets, until
    Ctrl-C or SIGTERM (which ``watchfiles`` lets through)."""
    roots = [project, *(d for d in (TEMPLATE_DIR, STYLE_DIR) if not d.resolve().is_relative_to(project.resolve()))]
    ignore = watchfiles.DefaultFilter(ignore_paths=[str(out.resolve()), str(out.absolute())])
    for changes in watchfiles.watch(*roots, watch_filter=ignore, debounce=400, step=50, raise_interrupt=True):
        on_change({Path(path) for _, path in changes})
