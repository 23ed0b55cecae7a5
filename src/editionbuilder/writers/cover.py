"""The typographic cover: title, subtitle and authors set in EB Garamond.

The design is a template and a stylesheet of its own (``templates/cover.html.j2``,
``styles/cover.css``) so that the print cover can reuse it at another size:
every length in ``cover.css`` is in ``rem``, and the root font size is one
hundredth of the page width, set here.

The EPUB's cover image is drawn by ``cover_image`` with Pillow, from the
same stylesheet, when the design is the package's: it sets every line where
WeasyPrint does (tests/test_cover_image.py compares them), without loading
WeasyPrint (0.3 s) or running pdftoppm. A design of the project's own, or a
page ``cover_image`` declines (a character EB Garamond lacks, a line break
it cannot place as Pango would), is rendered to PDF in memory by WeasyPrint
(through ``engine.render_pdf``, the only WeasyPrint importer), then
rasterised by Poppler's ``pdftoppm`` at exactly the pixel size asked for,
and its pixels written as a PNG by Pillow (WeasyPrint 70 has no raster
output, and Poppler is already a build dependency: ``make`` installs
poppler-utils).

Every step is deterministic: Pillow's drawing, WeasyPrint's PDF (no dates
are written without PDF/X), pdftoppm's pixels and Pillow's PNG (no
timestamp), so two builds give the same cover bytes. That is what lets a
build keep the image in its cache folder (``CoverCache``, keyed by a digest
of everything that draws it) and read it back unchanged.

On the WeasyPrint route, Pillow writes the PNG rather than pdftoppm, whose
encoder takes twice as long: 0.05 s against 0.11 s for a 1600 x 2560 cover
(0.14 s against 0.19 s with the drawing), for a file 3-5% larger.

The print cover (``write_cover``, ``NAME-cover.pdf``) is the same design on
one wide page: back cover, spine and front cover (``cover_wrap.html.j2``),
with KDP's and IngramSpark's geometry: 0.125 in bleed all round, the spine
as thick as the interior (pages x the paper's caliper), spine text only
above 79 pages and 0.0625 in clear of each fold (binding variance), and
the 2 x 1.2 in barcode area at the back cover's lower right: it holds the
ISBN's EAN-13 and the price add-on (``barcode.py``) when the edition has a
valid ISBN, and is left empty otherwise.
It is a press file like the interior: PDF/X-4 with the CMYK output intent,
device-cmyk colours only (``cover-press.css``), fonts embedded, the TrimBox
the wrap without its bleed, and the same bytes on every build (dates from
SOURCE_DATE_EPOCH, a DocumentID derived from the edition's identifier).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import importlib.util
import json
import math
import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import codes, templating
from ..diagnostics import Diagnostic, Diagnostics, RenderError
from ..fsutil import atomic_write_bytes
from ..isbn import check_isbn
from ..layout.labels import LABELS
from ..model import Edition, Metadata, Position
from ..options import (
    BARCODE_IN,
    BARCODE_MARGIN_IN,
    BINDING_VARIANCE_IN,
    BLEED_IN,
    SPINE_TEXT_MIN_PAGES,
    PrintOptions,
    output_name,
)
from ..transforms.typography import smarten
from . import pangolib
from .context import Declined, Result, WriteContext, Written
from .epub import TEMPLATES as EPUB_TEMPLATES
from .print.fonts import DEFAULT_FONTS, TEXT_FAMILY, FontFace, check_fonts, font_css, render_digest

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .print.profiles import PressProfile

# Large enough for every store (Apple Books asks at least 1400 px wide; KDP
# and Kobo recommend 1600 x 2560, a 1 : 1.6 ratio).
COVER_PX = (1600, 2560)
TEMPLATE = "cover.html.j2"
COVER_TEMPLATES = (TEMPLATE, "cover_parts.j2")  # the cover image's page and the panels it imports
STYLESHEET = "cover.css"
PDFTOPPM_TIMEOUT_S = 60
# How long a cover drawer whose page is not wanted is given to leave when
# asked (``CoverDrawer.close``) before it is killed.
STOP_TIMEOUT_S = 1.0

# Title lengths (characters) up to which a size class is used: a long title
# is set smaller so that it still fits in a few lines (WeasyPrint cannot
# shrink text to fit by itself).
TITLE_SIZES: tuple[tuple[int, str], ...] = ((16, "title-short"), (36, "title-medium"), (70, "title-long"))


@dataclass(frozen=True, slots=True)
class CoverText:
    """What the cover shows, as the template prints it."""

    lang: str
    title: str
    subtitle: str
    byline: tuple[tuple[str, str], ...]  # (separator, name): names never break inside
    publisher: str
    size_class: str


def cover_text(md: Metadata) -> CoverText:
    title = md.title or LABELS["untitled"]
    size = next((cls for limit, cls in TITLE_SIZES if len(title) <= limit), "title-very-long")
    return CoverText(md.language or "en", title, md.subtitle, byline(md.authors), md.publisher, size)


def byline(authors: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Each author with the words before it: "", ", " or " and " (as ``names``)."""
    last = len(authors) - 1
    return tuple(("" if i == 0 else f" {LABELS['and']} " if i == last else ", ", a) for i, a in enumerate(authors))


def cover_html(md: Metadata, extra_dirs: Sequence[str] = ()) -> str:
    """The cover page as one HTML document."""
    return _page_html(cover_text(md), extra_dirs)


def _page_html(text: CoverText, extra_dirs: Sequence[str]) -> str:
    return templating.render(TEMPLATE, extra_dirs, c=text)


def cover_png(
    md: Metadata,
    extra_dirs: Sequence[str],
    project_dir: Path,
    diagnostics: Diagnostics,
    size: tuple[int, int] = COVER_PX,
    cache_dir: str | Path = "",
) -> bytes:
    """The cover image as PNG bytes, ``size`` pixels wide and high.

    With a ``cache_dir`` (the build's ``.cache``), the image is kept there
    under a digest of everything that draws it (``CoverCache``): a build
    whose cover did not change reads it back, without loading WeasyPrint or
    running pdftoppm, and gets the same bytes."""
    return order_cover(md, extra_dirs, project_dir, diagnostics, size, cache_dir)()


def order_cover(
    md: Metadata,
    extra_dirs: Sequence[str],
    project_dir: Path,
    diagnostics: Diagnostics,
    size: tuple[int, int] = COVER_PX,
    cache_dir: str | Path = "",
    drawer: CoverDrawer | None = None,
) -> Callable[[], bytes]:
    """``cover_png`` in two steps: the cover is looked up (or handed to
    ``drawer``, which draws it in its own process) now, and the function
    returned gives the image, waiting for the drawer if need be; the caller
    does its other work in between."""
    check_fonts(DEFAULT_FONTS)
    drawing = cover_page(md, extra_dirs, project_dir, size)
    cache = CoverCache.of(cache_dir, diagnostics)
    key = cache_key(drawing.source, drawing.css, (drawing.sheet,), DEFAULT_FONTS, size, drawing.packaged)
    kept = cache.get(key)
    if kept is not None:
        return lambda: kept
    asked = drawer is not None and drawer.ask(drawing)

    def image() -> bytes:
        found = drawer.result() if asked and drawer is not None else None
        png, drawn = found if found is not None else draw(drawing)
        diagnostics.items.extend(drawn)
        cache.put(key, png, drawn)
        return png

    return image


@dataclass(frozen=True, slots=True)
class Drawing:
    """What ``draw`` is given to draw a cover image: the page's HTML, its
    stylesheet, the generated CSS (faces, page size), the project folder
    and the size in pixels, and what the page shows; ``packaged``: the
    page is the package's design (templates and stylesheet), which
    ``cover_image`` draws without WeasyPrint."""

    source: str
    sheet: Path
    css: str
    project_dir: Path
    size: tuple[int, int]
    text: CoverText
    packaged: bool


def cover_page(md: Metadata, extra_dirs: Sequence[str], project_dir: Path, size: tuple[int, int]) -> Drawing:
    """What ``draw`` is given to draw the cover of ``md``."""
    width, height = size
    # 1 CSS px = 1/96 in: a page of width x height px rasterised to exactly that size.
    sizing = f"@page {{ size: {width}px {height}px; margin: 0; }}\nhtml {{ font-size: {width / 100}px; }}\n"
    sheet = templating.find_stylesheet(STYLESHEET, extra_dirs)
    css = font_css(DEFAULT_FONTS, calls=False) + sizing
    text = cover_text(md)
    return Drawing(_page_html(text, extra_dirs), sheet, css, project_dir, size, text, packaged(extra_dirs))


def packaged(extra_dirs: Sequence[str]) -> bool:
    """Whether the cover image is the package's design: none of its
    templates or its stylesheet is replaced by a project's own."""
    return not any((Path(d) / name).is_file() for d in extra_dirs for name in (*COVER_TEMPLATES, STYLESHEET))


def draw(drawing: Drawing) -> tuple[bytes, list[Diagnostic]]:
    """The cover page drawn: its PNG and what drawing it reported. The
    package's design is drawn by ``cover_image`` where it can; otherwise,
    and for a design of the project's own, WeasyPrint lays the page out and
    pdftoppm rasterises it."""
    if drawing.packaged:
        from . import cover_image  # Pillow's drawing: loaded for a cover not kept

        regular, italic = _front_faces()
        png = cover_image.front_png(drawing.text, drawing.size, drawing.sheet, regular, italic)
        if png is not None:
            return png, []
    drawn = Diagnostics()
    png = rasterise(_page_pdf(drawing, drawn), drawing.size)
    return png, drawn.items


def _front_faces() -> tuple[str, str]:
    """The font files of the front's roman and italic (the text family's)."""
    faces = {f.style: f.path for f in DEFAULT_FONTS if f.family == TEXT_FAMILY and f.weight == 400}
    return faces["normal"], faces["italic"]


def _page_pdf(drawing: Drawing, diagnostics: Diagnostics) -> bytes:
    from .print.engine import PdfJob, render_pdf  # WeasyPrint: loaded only to draw a cover not kept

    job = PdfJob(drawing.source, (drawing.sheet,), drawing.css, DEFAULT_FONTS, drawing.project_dir)
    return render_pdf(job, diagnostics)


# --- The cover drawn beside the reading --------------------------------------


class CoverDrawer:
    """A process that draws the EPUB's cover while this one reads the sources.

    Drawing the package's design (``cover_image``) loads Pillow, Pango,
    the stylesheet and the faces (0.07 s), then draws and writes the image
    (0.07 s at 1600 x 2560, on a machine where a one-page EPUB takes
    0.3 s); a design of the project's own
    loads WeasyPrint (half a second), and rendering the page and pdftoppm
    take another 0.3 s. A build that will draw the cover (no cover kept in
    its cache) and loads WeasyPrint for nothing else (no PDF) forks this
    process before it reads (``start``); the fork loads what it will draw
    with on another core and waits for the page (``ask``), which it draws
    while the writer renders the documents (``result``); until the page
    is asked for, it compiles the templates the build renders next, kept
    in the build's and the installation's caches (``_serve_drawing``). It is a fork, not
    a fresh interpreter, so that it loads nothing this process has loaded
    already; and it is only made while this process runs one thread (a
    fork copies no other thread, and a lock one of them held would stay
    held), and before this process has loaded WeasyPrint (a fork would
    share its state). The bytes are those of ``draw`` in this process: the
    same code, the same inputs."""

    def __init__(self, process: BaseProcess | None = None, conn: Connection | None = None) -> None:
        self._process = process  # None: no process, the caller draws
        self._conn = conn
        self._asked = False
        self._answered = False

    @classmethod
    def start(cls, formats: Sequence[str], cache_dir: str | Path, extra_dirs: Sequence[str] = ()) -> CoverDrawer:
        """A drawer with its process started, ready to draw the cover of a
        build whose template folders are ``extra_dirs``; one without (``ask`` says
        False: the writer draws in its own process) when this build makes
        no EPUB, or makes a PDF too (a build of seconds, with the engine
        loaded for it), or its cache keeps a cover (most likely this one),
        or this process cannot fork safely (see the class)."""
        import sys
        import threading

        if "epub" not in formats or set(formats) - {"epub"}:
            return cls()
        if cache_dir and any((Path(cache_dir) / "covers").glob("*.png")):
            return cls()
        if threading.active_count() > 1 or "weasyprint" in sys.modules:
            return cls()
        import multiprocessing  # only to start the process

        # Forking is the default only on Linux (macOS's system libraries
        # may not survive it); a daemonic process may not start one.
        if sys.platform != "linux" or multiprocessing.current_process().daemon:
            return cls()
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        args = (theirs, ours, packaged(extra_dirs), tuple(extra_dirs))
        process = context.Process(target=_serve_drawing, args=args, name="cover-drawer", daemon=True)
        process.start()
        theirs.close()
        return cls(process, ours)

    @property
    def forked(self) -> bool:
        """Whether a process was started to draw the cover (``start``)."""
        return self._process is not None

    def ask(self, drawing: Drawing) -> bool:
        """Hand the process the page ``draw`` would draw; False when there
        is no process, or it is gone: then the caller draws the page itself."""
        if self._conn is None or self._asked:
            return False
        self._asked = True
        try:
            self._conn.send(drawing)
        except OSError:
            self.close()
            return False
        return True

    def result(self) -> tuple[bytes, list[Diagnostic]] | None:
        """What ``draw`` gives for the page asked, once the process has
        drawn it; None when the process is gone (killed, out of memory)."""
        if self._conn is None or not self._asked:
            return None
        try:
            status, *found = self._conn.recv()
            self._answered = True
        except (EOFError, OSError):
            return None
        finally:
            self.close()
        if status == "error":
            raise found[0]
        png, drawn = found
        return png, drawn

    def close(self) -> None:
        """Wait for the process to end once it has answered; one whose
        page is not wanted (a build that failed before taking it) is
        stopped: asked to (SIGTERM, on which it leaves as from an error,
        a compiled template it was writing not left half-written beside
        the kept ones), then killed if it has not left within a second."""
        if self._conn is not None:
            self._conn.close()
        if self._process is None:
            return
        if self._answered:
            self._process.join(timeout=PDFTOPPM_TIMEOUT_S)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=STOP_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
        self._process.join()

    def __enter__(self) -> CoverDrawer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _leave(_signum: int, _frame: object) -> None:
    raise SystemExit(1)


def _serve_drawing(conn: Connection, build_end: Connection, packaged_design: bool, extra_dirs: tuple[str, ...]) -> None:
    """The drawer process: what draws the cover loaded while the build
    process reads (Pillow and the faces for the package's design; else
    WeasyPrint, warmed with a throw-away page if nothing is asked for yet),
    then the page asked for drawn. Until it is asked for, the drawer
    compiles the templates the build will render next, the cover's page
    and the EPUB's (``templating.compile_ahead``: kept in the build's and
    the installation's caches, where the build reads them back, 0.07 s of
    a first build), one at a time, so that the page waits for one at
    most. ``build_end`` is the build's end of the pipe, which the fork
    copied: closed here, so that the pipe ends when the build closes it
    or is gone, and the drawer with it."""
    import signal

    build_end.close()
    # Ctrl-C reaches the whole process group: the build process unwinds and
    # stops this one, which must not print a traceback of its own meanwhile.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)  # ``CoverDrawer.close``: leave as from an error
    if packaged_design:
        with contextlib.suppress(Exception):  # what cannot load fails in draw, reported there
            from . import cover_image

            cover_image.preload(_front_faces(), templating.find_stylesheet(STYLESHEET))
    else:
        _warm_up_engine(conn)
    with contextlib.suppress(Exception):  # only a saving: the build compiles what is not kept
        templating.compile_ahead((*COVER_TEMPLATES, *EPUB_TEMPLATES), extra_dirs, conn.poll)
    try:
        job = conn.recv()
    except (EOFError, OSError):  # the build wants no cover from here, or is gone
        return
    try:
        result: tuple = ("done", *draw(job))
    except Exception as exc:  # the build process raises it, as a drawing there would
        result = ("error", exc)
    with contextlib.suppress(OSError):  # the build process stopped waiting
        conn.send(result)


def _warm_up_engine(conn: Connection) -> None:
    """WeasyPrint loaded, and its first page laid out if nothing is asked
    for yet: WeasyPrint's first page in a process takes 0.1 s more than the
    next ones (it loads the faces once). An untitled cover of the project's
    design is laid out and thrown away (a short book's page is asked for
    before WeasyPrint is loaded: then it is the first). The page asked for
    comes out the same (tests/test_fixed_costs.py draws it both ways)."""
    with contextlib.suppress(Exception):  # an engine that cannot load fails in draw, reported there
        from .print import engine  # noqa: F401  WeasyPrint loaded while the build process reads
    with contextlib.suppress(Exception):
        if not conn.poll():
            _page_pdf(cover_page(Metadata(), (), Path.cwd(), COVER_PX), Diagnostics())


# --- The cover image kept between builds --------------------------------------

COVER_CACHE_VERSION = "1"
COVERS_KEPT = 64  # covers of each kind (images, wraps) kept in a cache folder, the most recently used
# The modules that turn the cover's HTML and CSS into its PNG (this one,
# the faces, the print engine, PDF/X and profiles), by the names this module imports them by: a
# change to any of them draws the cover again.
_DRAWING_CODE = (
    ".cover",
    ".cover_image",
    ".pangolib",
    ".print.fonts",
    ".print.engine",
    ".print.pdfx",
    ".print.profiles",
)
_CODE: list[str] = []


def _code_digest() -> str:
    """A digest of the drawing code, of WeasyPrint's, Pillow's, tinycss2's
    and uharfbuzz's versions (files read without importing them), of
    Pillow's compiled modules (``_imaging``: its zlib writes the PNG;
    ``_imagingft``: the text, with the FreeType, HarfBuzz and libraqm its
    wheels carry, which change with its version) and of the pdftoppm
    program, of Pango's version (the line breaks ``cover_image`` follows)
    and Python's Unicode tables: a cover drawn by other code is drawn
    again. Whether Pillow can load libraqm here (a system library it needs
    may be removed) is not in it: a cover kept before is kept."""
    if not _CODE:
        h = hashlib.sha256(COVER_CACHE_VERSION.encode())
        for name in _DRAWING_CODE:
            spec = importlib.util.find_spec(name, __package__)  # found, not imported (the engine loads WeasyPrint)
            if spec is None or not spec.origin:
                raise RenderError(f"the cover's drawing code {name} was not found in {__package__}")
            h.update(Path(spec.origin).read_bytes())
        # The versions of WeasyPrint, Pillow, tinycss2 and uharfbuzz (the
        # files that hold them), read unimported; Pillow's compiled modules
        # and the pdftoppm program by path, size and time, as the fonts are.
        programs = [shutil.which("pdftoppm")]
        versions = (
            ("weasyprint", "__init__.py"),
            ("PIL", "_version.py"),
            ("tinycss2", "__init__.py"),
            ("uharfbuzz", "_version.py"),
        )
        for package, file in versions:
            spec = importlib.util.find_spec(package)
            if spec is not None and spec.origin:
                with contextlib.suppress(OSError):
                    h.update(Path(spec.origin).with_name(file).read_bytes())
                if package == "PIL":
                    libraries = [
                        *Path(spec.origin).parent.glob("_imaging.*"),
                        *Path(spec.origin).parent.glob("_imagingft.*"),
                    ]
                    programs += sorted(str(p) for p in libraries if p.suffix in (".so", ".pyd"))
        # Pango's breaks, and Python's Unicode tables (what is declined, capitals).
        h.update(f"pango {pangolib.version()} unicode {unicodedata.unidata_version}".encode())
        for exe in programs:
            if exe is not None:
                with contextlib.suppress(OSError):
                    stat = os.stat(exe)
                    h.update(f"{exe}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def cache_key(
    source: str,
    css: str,
    sheets: Sequence[Path],
    fonts: Sequence[FontFace],
    size: tuple[int, int],
    packaged_design: bool = False,
) -> str:
    """The digest of everything that decides a cover image's bytes: its
    HTML, its stylesheets (the files' bytes and the generated one), its
    fonts (path, size and time of each file), its pixel size, whether it is
    the package's design (``cover_image`` draws it) and the drawing code."""
    drawn_by = "cover_image" if packaged_design else "weasyprint"
    return render_digest((_code_digest(), drawn_by, source, css, f"{size[0]}x{size[1]}"), sheets, fonts)


@dataclass(frozen=True, slots=True)
class CoverCache:
    """Covers kept in ``folder`` (None: none kept): the EPUB's cover image
    (``suffix`` ".png") or the print wrap (".pdf"), each as ``KEY.png`` or
    ``KEY.pdf`` and ``KEY.json`` (the file's digest and the diagnostics
    drawing it gave, which a build from the kept file reports again, so that
    its report is the same)."""

    folder: Path | None
    diagnostics: Diagnostics
    suffix: str = ".png"

    @classmethod
    def of(cls, cache_dir: str | Path, diagnostics: Diagnostics, suffix: str = ".png") -> CoverCache:
        return cls(Path(cache_dir) / "covers" if cache_dir else None, diagnostics, suffix)

    def get(self, key: str) -> bytes | None:
        """The kept file of ``key``, its diagnostics reported again; None
        when none is kept, or when the entry is damaged (then removed, and
        an info says so)."""
        if self.folder is None:
            return None
        kept, meta = self.folder / f"{key}{self.suffix}", self.folder / f"{key}.json"
        if not meta.is_file():
            return None
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            body = kept.read_bytes()
            if hashlib.sha256(body).hexdigest() != data["sha256"]:
                raise ValueError("its file is not the one that was kept")
            # Kept by code name and read back through the catalogue (a code it
            # no longer has makes the entry damaged: the cover is drawn again).
            found = [codes.named(d["code"]).diagnostic(d["message"], Position(**d["pos"])) for d in data["diagnostics"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            kept.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            self.diagnostics.add(
                codes.CACHE_ENTRY_DISCARDED,
                f"a kept {'cover image' if self.suffix == '.png' else 'print cover'} ({kept.name}) was damaged ({exc}): "
                "drawn again",
            )
            return None
        self.diagnostics.items.extend(found)
        with contextlib.suppress(OSError):
            os.utime(meta)  # used: the last to be removed
        return body

    def put(self, key: str, body: bytes, found: Sequence[Diagnostic]) -> None:
        """Keep ``body`` under ``key``, with the diagnostics drawing it gave;
        then the least recently used covers of its kind past
        ``COVERS_KEPT`` are removed (the covers of a folder's editions stay,
        old ones go)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.folder / f"{key}{self.suffix}", body)
        meta = {
            "sha256": hashlib.sha256(body).hexdigest(),
            "diagnostics": [{"code": d.code, "message": d.message, "pos": dataclasses.asdict(d.pos)} for d in found],
        }
        atomic_write_bytes(self.folder / f"{key}.json", json.dumps(meta).encode("utf-8"))
        self._prune()

    def _prune(self) -> None:
        """Keep ``COVERS_KEPT`` covers of this cache's kind (the images and
        the wraps are counted apart): a catalog keeps both of each edition."""
        assert self.folder is not None
        mine = [m for m in self.folder.glob("*.json") if m.with_suffix(self.suffix).exists()]
        for meta in sorted(mine, key=_used_at, reverse=True)[COVERS_KEPT:]:
            meta.with_suffix(self.suffix).unlink(missing_ok=True)
            meta.unlink(missing_ok=True)


def _used_at(meta: Path) -> int:
    try:
        return meta.stat().st_mtime_ns
    except OSError:
        return 0


def rasterise(pdf: bytes, size: tuple[int, int]) -> bytes:
    """The first page of ``pdf`` as a PNG of exactly ``size`` pixels: the
    pixels Poppler's pdftoppm draws (a PPM on its standard output), the PNG
    Pillow writes of them."""
    import io
    import subprocess

    from PIL import Image

    from .cover_image import PNG_LEVEL  # zlib's level: Pillow's default, for this PNG too

    exe = shutil.which("pdftoppm")
    if exe is None:
        raise RenderError("pdftoppm not found: install poppler-utils (make does) to draw the cover")
    width, height = size
    command = [
        exe,
        "-singlefile",
        "-f",
        "1",
        "-l",
        "1",
        "-scale-to-x",
        str(width),
        "-scale-to-y",
        str(height),
        "-",
    ]  # stdin to stdout, as a PPM (no format option)
    try:
        done = subprocess.run(command, input=pdf, capture_output=True, check=True, timeout=PDFTOPPM_TIMEOUT_S)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise RenderError(
            f"pdftoppm could not rasterise the cover: {detail.decode(errors='replace').strip() or exc}"
        ) from exc
    if not done.stdout.startswith(b"P6"):  # a colour PPM, as pdftoppm writes with no format option
        raise RenderError(f"pdftoppm gave no image of the cover ({len(done.stdout)} bytes, not a PPM)")
    try:
        with Image.open(io.BytesIO(done.stdout), formats=("PPM",)) as image:
            if image.size != (width, height):
                raise RenderError(
                    f"pdftoppm drew the cover at {image.size[0]} x {image.size[1]} pixels, not {width} x {height}"
                )
            out = io.BytesIO()
            image.save(out, "PNG", compress_level=PNG_LEVEL)
    except (OSError, ValueError) as exc:  # a damaged PPM (cut short, a bad header)
        raise RenderError(f"pdftoppm's image of the cover could not be read: {exc}") from exc
    return out.getvalue()


# --- The print wrap ---------------------------------------------------------

WRAP_TEMPLATE = "cover_wrap.html.j2"
WRAP_STYLESHEETS = ("cover.css", "cover-press.css")
# The spine's capitals are sized and centred by their ink, not by the line
# box: in EB Garamond 12 capitals reach from 0.33 em below the baseline
# (the long-tailed Q it sets before U, Ę, Ç) to 0.85 em above it (Å, É),
# and the line box's ascent is 0.71 em of its 1 em (hhea 710/-290). That
# whole ink range, plus an allowance for anti-aliasing, fits the spine
# between the binding-variance margins.
INK_BELOW_EM, INK_ABOVE_EM, ASCENT_EM, INK_SAFETY_EM = 0.33, 0.85, 0.71, 0.1
SPINE_MAX_PT = 14.0
# Below this the spine's line cannot be read on the shelf: a spine too
# narrow for it (a book of 80 to about 95 pages, by paper) is left bare.
SPINE_MIN_PT = 6.0
SPINE_END_IN = 0.75  # spine text starts and ends this far from the head and foot
# Mean advance of a spaced capital (0.65 em, plus 0.1 em letter spacing in
# cover.css), and the gap between title and authors, in em.
SPINE_CHAR_EM, SPINE_GAP_EM = 0.75, 3.0
# The blurb as cover.css sets it (rem: a hundredth of the panel width): its
# top and size, its line height and mean characters per line; the room
# below it ends above the barcode area.
BLURB_TOP_REM, BLURB_SIZE_REM, BLURB_LINE = 25, 3.0, 1.45
BLURB_CHARS_PER_LINE = 60
# A blank line in the blurb's text parts two paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Wrap:
    """The wrap's geometry in inches: one cover panel's trim and the spine."""

    width_in: float
    height_in: float
    spine_in: float
    spine_text: bool

    @property
    def size_in(self) -> tuple[float, float]:
        """The whole page: bleed + back + spine + front + bleed, trim height + 2 bleed."""
        return 2 * BLEED_IN + 2 * self.width_in + self.spine_in, self.height_in + 2 * BLEED_IN


def wrap_geometry(options: PrintOptions, pages: int) -> Wrap:
    """The wrap of a book of ``pages`` pages on ``options``' trim and paper."""
    return Wrap(options.width_in, options.height_in, pages * options.caliper, pages >= SPINE_TEXT_MIN_PAGES)


def write_cover(edition: Edition, out: Path, ctx: WriteContext, pages: int) -> None:
    """``out``: the print cover of ``edition`` for an interior of ``pages`` pages."""
    from .print.barcode import barcode

    check_fonts(DEFAULT_FONTS)
    md, wrap = edition.metadata, wrap_geometry(ctx.options.print, pages)
    extra = ctx.override_dirs
    blurb = blurb_paragraphs(ctx.options.metadata.blurb or md.description)
    # The config's blurb is printed as typed; the description was set by
    # the typography pass already (smartening it twice changes nothing).
    blurb = tuple(smarten([p], ctx.options.reader.dash).pieces[0] for p in blurb)
    _check_blurb(blurb, wrap, ctx)
    font_in = spine_font_in(wrap, md)
    if wrap.spine_text and font_in * 72 < SPINE_MIN_PT:
        ctx.diagnostics.add(
            codes.SPINE_TEXT_OMITTED,
            (
                f"the spine ({wrap.spine_in:.3f} in) is too narrow for a legible title ({font_in * 72:.1f} pt, "
                f"under {SPINE_MIN_PT:g} pt): it is left bare"
            ),
        )
        wrap, font_in = dataclasses.replace(wrap, spine_text=False), 0.0
    source = templating.render(
        WRAP_TEMPLATE,
        extra,
        c=cover_text(md),
        blurb=blurb,
        spine_text=wrap.spine_text,
        created=iso_time(ctx.build.source_date_epoch),
        code=barcode(check_isbn(md.print_identifier), ctx.options.print.price),
    )
    sheets = tuple(templating.find_stylesheet(name, extra) for name in WRAP_STYLESHEETS)
    css = font_css(DEFAULT_FONTS, calls=False) + wrap_css(wrap, font_in)
    from .print.profiles import PressProfile

    press = PressProfile(document_id(md))
    cache = CoverCache.of(ctx.build.cache_dir, ctx.diagnostics, ".pdf")
    key = wrap_key(source, css, sheets, press)
    pdf = cache.get(key) if key is not None else None
    if pdf is None:
        from .print.engine import PdfJob, render_pdf  # WeasyPrint, for a wrap not kept

        drawn = Diagnostics()
        pdf = render_pdf(PdfJob(source, sheets, css, DEFAULT_FONTS, ctx.project_dir, press), drawn)
        ctx.diagnostics.items.extend(drawn.items)
        if key is not None:
            cache.put(key, pdf, drawn.items)
    atomic_write_bytes(out, pdf)


# A stylesheet or a page that names another file draws what the key does
# not hold: such a wrap is drawn every time. What names one: a CSS url()
# or @import (an image, a face, a sheet), an HTML or SVG src or href
# attribute (an image, a linked sheet; the default wrap has none).
_NAMES_A_FILE = re.compile(r"url\(|@import|\b(?:src|href)\s*=", re.I)


def wrap_key(source: str, css: str, sheets: Sequence[Path], press: PressProfile) -> str | None:
    """The digest of everything that decides the wrap's PDF: its HTML, its
    stylesheets (the files' bytes and the generated one: the geometry and
    the faces), the font files, the PDF/X profile (its printer profile's
    bytes too) and the code that lays it out (the print writer's,
    ``typeset``'s digest: the engine, the line breaker, WeasyPrint's
    version). None when a page or stylesheet names another file (see
    ``_NAMES_A_FILE``)."""
    from .print.typeset import code_digest  # no WeasyPrint: the engine is not imported

    if _NAMES_A_FILE.search(source) or any(_NAMES_A_FILE.search(Path(p).read_text(encoding="utf-8")) for p in sheets):
        return None
    return render_digest((code_digest(), "wrap", source, css, repr(press)), (*sheets, press.icc), DEFAULT_FONTS)


def _check_blurb(blurb: Sequence[str], wrap: Wrap, ctx: WriteContext) -> None:
    """Warn of a back cover with no text, or with more than fits above the barcode."""
    if not blurb:
        ctx.diagnostics.add(
            codes.COVER_BLURB_MISSING,
            "the back cover has no text: set metadata.blurb (or metadata.description) in the edition's config",
        )
    elif not fits_back_cover(blurb, wrap):
        ctx.diagnostics.add(
            codes.COVER_BLURB_LONG,
            f"the back-cover text ({sum(map(len, blurb))} characters) may "
            "not fit above the barcode area: shorten metadata.blurb, and run preflight",
        )


def write_print_cover(edition: Edition, out: Path, ctx: WriteContext) -> Result:
    """A registry writer: ``out`` (``NAME-cover.pdf``) sized from the print
    interior the press writer made earlier in the build (its page count,
    ``ctx.products.press_pages``). Without one (no print, or a book too
    short for the press) no cover is written (and the build removes a stale
    one, so that it cannot be uploaded with another book:
    ``pipeline.build_edition``)."""
    if not ctx.products.press_pages:
        out.unlink(missing_ok=True)
        press = output_name(ctx.options.name, "press")
        detail = f"no cover: no print interior {press} to size its spine"
        ctx.diagnostics.add(codes.COVER_NOT_WRITTEN, detail)
        return Declined(codes.COVER_NOT_WRITTEN.name, detail)
    write_cover(edition, out, ctx, ctx.products.press_pages)
    return Written(out)


def wrap_css(wrap: Wrap, spine_font_in: float) -> str:
    """The page and the panels in inches; the spine's line; the blurb and the
    publisher kept off the barcode area."""
    w, h, s = wrap.width_in, wrap.height_in, wrap.spine_in
    barcode_left = w - BARCODE_MARGIN_IN - BARCODE_IN[0]
    barcode_top = h - BARCODE_MARGIN_IN - BARCODE_IN[1]
    return (
        f"@page {{ size: {2 * w + s:.4f}in {h:.4f}in; margin: 0; bleed: {BLEED_IN}in; marks: none; }}\n"
        f"html {{ font-size: {w / 100:.5f}in; }}\n"
        f".back-panel {{ left: 0; width: {w:.4f}in; }}\n"
        f".spine-panel {{ left: {w:.4f}in; width: {s:.4f}in; }}\n"
        f".front-panel {{ left: {w + s:.4f}in; width: {w:.4f}in; }}\n"
        f".blurb {{ bottom: {h - barcode_top + 0.25:.4f}in; }}\n"
        f".back-publisher {{ right: {w - barcode_left + 0.25:.4f}in; }}\n"
        f".barcode {{ left: {barcode_left:.4f}in; top: {barcode_top:.4f}in; "
        f"width: {BARCODE_IN[0]:.4f}in; height: {BARCODE_IN[1]:.4f}in; }}\n" + spine_css(wrap, spine_font_in)
    )


def spine_css(wrap: Wrap, font_in: float) -> str:
    """The spine's line, centred on the spine (in the spine panel's frame):
    a box as long as the spine's text area and as wide as the spine between
    the binding-variance margins, turned about its centre."""
    if font_in <= 0:
        return ""
    usable = wrap.spine_in - 2 * BINDING_VARIANCE_IN
    length = wrap.height_in - 2 * SPINE_END_IN
    # The line box centres the font's 1 em content area, whose baseline is
    # the ascent below its top; move the line so that the middle of the ink
    # range falls on the middle of the spine (measured on the raster: within
    # 0.03 em).
    shift = ((INK_ABOVE_EM - INK_BELOW_EM) / 2 - (ASCENT_EM - 0.5)) * font_in
    return (
        f".spine-text {{ left: {wrap.spine_in / 2 - length / 2:.4f}in; "
        f"top: {wrap.height_in / 2 - usable / 2:.4f}in; width: {length:.4f}in; height: {usable:.4f}in; "
        f"font-size: {font_in:.4f}in; line-height: {usable:.4f}in; }}\n"
        f".spine-title, .spine-byline {{ top: {shift:.4f}in; }}\n"
    )


def spine_font_in(wrap: Wrap, md: Metadata) -> float:
    """The spine's font size: the capitals' ink range filling the spine
    between the binding-variance margins, at most 14 pt, and small enough
    for title and authors to fit the spine's length."""
    usable = wrap.spine_in - 2 * BINDING_VARIANCE_IN
    if not wrap.spine_text or usable <= 0:
        return 0.0
    text = cover_text(md)
    chars = len(text.title) + sum(len(sep) + len(name) for sep, name in text.byline)
    by_width = usable / (INK_ABOVE_EM + INK_BELOW_EM + INK_SAFETY_EM)
    by_length = (wrap.height_in - 2 * SPINE_END_IN) / (chars * SPINE_CHAR_EM + SPINE_GAP_EM)
    return min(by_width, by_length, SPINE_MAX_PT / 72)


def blurb_paragraphs(text: str) -> tuple[str, ...]:
    """The back-cover text as paragraphs, each on one line."""
    return tuple(" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip())


def fits_back_cover(blurb: Sequence[str], wrap: Wrap) -> bool:
    """Whether the blurb, at cover.css's size, likely ends above the barcode
    area (an estimate from the mean characters per line; WeasyPrint cannot
    tell the writer where the text ended)."""
    rem = wrap.width_in / 100
    room = wrap.height_in - BARCODE_MARGIN_IN - BARCODE_IN[1] - 0.25 - BLURB_TOP_REM * rem
    lines = sum(math.ceil(len(p) / BLURB_CHARS_PER_LINE) for p in blurb)
    return lines * BLURB_SIZE_REM * rem * BLURB_LINE <= room


def iso_time(epoch: int) -> str:
    """``epoch`` as the W3C date-time WeasyPrint reads from dcterms meta tags."""
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def document_id(md: Metadata) -> str:
    """The cover's XMP DocumentID: the same for every build of this edition."""
    seed = f"editionbuilder:cover:{md.identifier or md.title}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))
