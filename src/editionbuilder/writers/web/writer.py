"""The web reading edition: the pages of ``output/site/NAME/``.

Written by a config build into the edition's set of files, as ``web/``
beside the EPUB and the PDF it offers (``pipeline.build_edition``), and
put on the site by ``site.py``. It is the EPUB's book as web pages, from
the same layout (``book.layout`` for the ``WEB`` medium) and the same
macros:

- a page per part (``titlepage.html``, ``imprint.html``, ``ch001.html``…,
  ``notes.html``, ``glossary.html``, ``bibliography.html``,
  ``responses.html``), in the EPUB's reading order, each with
  the way back to the bookshelf, the contents and the previous and next
  pages (``webpage.Frame``);
- a note call is a link to the note on the Notes page, which works in any
  browser; the notes a page calls are also on it as popovers, which the
  site's script opens in place of following the link (``site.js``);
- glossary terms and citations link to their entries and back, as in the EPUB;
- for an edition whose print interior was typeset in this build, a marker
  ``<span id="page-12" role="doc-pagebreak">`` where each printed page
  begins, placed by ``pagelist.mark_pages`` from the press writer's
  layout (``ctx.products.print_layout``, the EPUB's page list's data),
  and ``pages.html`` listing them: ``pages.html#page-12`` is page 12 of
  the print edition, one click (or, with the script, none) from its place;
- ``index.html``, the edition's landing page: the cover, the blurb, the
  downloads with their sizes, the contents;
- ``book.json``, what the bookshelf and the catalog feeds say about it
  (``catalog.CatalogEntry``).
"""

from __future__ import annotations

import functools
import hashlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image as PILImage

from ... import __version__, catalog
from ...catalog import CatalogEntry, Download, Image
from ...config_values import date_parts
from ...diagnostics import Diagnostics
from ...fsutil import refused_as_output_error
from ...layout import book
from ...layout.frontmatter import (
    TITLEPAGE_KEY,
    cover_alt,
    identifier,
    imprint_page,
    names,
    table_of_contents,
    title_page,
)
from ...layout.labels import LABELS, WEB_LABELS
from ...layout.notes import NOTES_KEY
from ...layout.view import NoteEntry, Part, TocEntry, part_inlines
from ...model import Edition, NoteRef, Paragraph
from ...model.text import title_text
from ...options import output_name
from ..context import WriteContext
from ..cover import COVER_PX, CoverCache, cover_png
from ..epub import pagelist
from .page import Frame, NavLink, render_content, render_page

WEB_DIR = "web"  # in the edition's set folder
THUMBNAIL_PX = (400, 640)
SUMMARY_WORDS = 60  # of the text's opening, when the edition has no description
TYPEFACES = (
    "The cover is set in EB Garamond, by Georg Duffner and Octavio Pardo. "
    "The text of this web edition appears in the typefaces your browser is set to."
)
TOOLS = f"Made with editionbuilder {__version__} from the sources above, the pages printed from Jinja2 templates."
DOWNLOADS = (("epub", catalog.EPUB_TYPE, "EPUB"), ("pdf", catalog.PDF_TYPE, "PDF"))  # formats offered


@dataclass(frozen=True, slots=True)
class WebPart:
    """A part as its page prints it, with the notes it calls (its popovers)."""

    part: Part
    popovers: tuple[NoteEntry, ...]


@dataclass(frozen=True, slots=True)
class Landing:
    entry: CatalogEntry
    byline: str
    toc: tuple[TocEntry, ...]
    pages: str  # href of the page list, "" without one
    sizes: tuple[str, ...]  # each download's size, as a reader reads it


@dataclass(frozen=True, slots=True)
class PageEntry:
    """A page of the print edition on ``pages.html``: its entry's id is the
    marker's (``page-12``), so ``pages.html#page-12`` names that page too."""

    id: str
    folio: str
    href: str


@dataclass(frozen=True, slots=True)
class PageList:
    title: str
    pages: tuple[PageEntry, ...]


def write_web_edition(
    edition: Edition, folder: Path, ctx: WriteContext, made: Sequence[Path], settle: Callable[[], None] = lambda: None
) -> None:
    """The web edition of ``edition`` into ``folder``, offering the files
    ``made``; ``settle`` writes those still being made (``pipeline``), once
    the pages are made, before the landing page gives their sizes."""
    lay = book.layout(edition, book.WEB)
    parts = (title_page(edition.metadata), _imprint(edition), *lay.parts)
    extra, lang = ctx.override_dirs, lay.view.lang
    notes = {e.id: e for p in parts if p.key == NOTES_KEY for e in p.content}
    contents = [render_content("part", WebPart(p, _popovers(p, lay.view, notes)), lay.view, lang, extra) for p in parts]
    printed = ctx.products.print_layout
    targets: list[pagelist.PageTarget] = []
    if printed is not None:
        kept = pagelist.kept_marks(ctx, "web")
        contents, targets = pagelist.mark_pages(
            contents, printed, [f"{p.key}.html" for p in parts], ctx.products.alignments, kept
        )
        if kept is not None:
            kept.save()
        ctx.products.alignments.clear()  # the last to mark pages: let the words go
    cover = ctx.products.cover_png or cover_png(
        edition.metadata, extra, ctx.project_dir, ctx.diagnostics, cache_dir=ctx.build.cache_dir
    )
    title = _book_title(edition)
    files: dict[str, bytes] = {}
    for n, (part, content) in enumerate(zip(parts, contents, strict=True)):
        before = parts[n - 1] if n else None
        after = parts[n + 1] if n + 1 < len(parts) else None
        frame = _frame(lang, f"{_title(part)} — {title}", title, _title(part), _link(before), _link(after))
        files[f"{part.key}.html"] = render_page(frame, content, extra)
    toc = table_of_contents(parts, dict(lay.view.heading_ids), book.WEB)
    settle()
    entry = catalog_entry(edition, ctx, made, _start(parts))
    sizes = tuple(catalog.human_size(d.size) for d in entry.downloads)
    landing = Landing(entry, names(entry.authors), toc, "pages.html" if targets else "", sizes)
    files["index.html"] = render_page(
        _frame(lang, title, title, "", body_class="landing-page"),
        render_content("landing", landing, lay.view, lang, extra),
        extra,
    )
    if targets:
        entries = tuple(PageEntry(t.href.split("#")[1], t.folio, t.href) for t in targets)
        listing = PageList(WEB_LABELS["pages"], entries)
        frame = _frame(lang, f"{listing.title} — {title}", title, listing.title, body_class="page-list")
        files["pages.html"] = render_page(frame, render_content("pagelist", listing, lay.view, lang, extra), extra)
    files[entry.cover.file] = cover
    files[entry.thumbnail.file] = kept_thumbnail(cover, THUMBNAIL_PX, ctx.build.cache_dir)
    files[catalog.ENTRY_FILE] = catalog.dumps(entry)
    _write(folder, files)


def _book_title(edition: Edition) -> str:
    return edition.metadata.title or LABELS["untitled"]


def _imprint(edition: Edition) -> Part:
    """The imprint, after the title page as in the EPUB, with the web's colophon."""
    part = imprint_page(edition.metadata)
    return replace(part, content=replace(part.content, typefaces=TYPEFACES, tools=TOOLS))


def _popovers(part: Part, view: book.View, notes: dict[str, NoteEntry]) -> tuple[NoteEntry, ...]:
    """The notes called on ``part``'s page, in order of first call (none on the Notes page)."""
    if part.key == NOTES_KEY:
        return ()
    called: dict[str, NoteEntry] = {}
    for node in part_inlines(part):
        if isinstance(node, NoteRef):
            entry = notes.get(view.call(node).note_id)
            if entry is not None:
                called.setdefault(entry.id, entry)
    return tuple(called.values())


def _start(parts: Sequence[Part]) -> str:
    """Where reading starts: the first part of the body, else the first part."""
    first = next((p for p in parts if p.matter == "body"), parts[0])
    return f"{first.key}.html"


def _link(part: Part | None) -> NavLink | None:
    return NavLink(f"{part.key}.html", _title(part)) if part is not None else None


def _title(part: Part) -> str:
    """A part's name in the frame: the title page's is "Title Page", not the book's title again."""
    return LABELS["titlepage"] if part.key == TITLEPAGE_KEY else part.title


def _frame(
    lang: str,
    title: str,
    book: str,
    here: str,
    prev: NavLink | None = None,
    next_: NavLink | None = None,
    body_class: str = "reading",
) -> Frame:
    """The frame of a page of the edition: the bookshelf, the book, the page."""
    crumbs: tuple[NavLink, ...] = (
        NavLink("../index.html", WEB_LABELS["bookshelf"]),
        NavLink("index.html" if here else "", book),
    )
    if here:
        crumbs += (NavLink("", here),)
    contents = NavLink("index.html#contents", WEB_LABELS["contents"]) if here else None
    return Frame(lang, title, "../", crumbs, prev, next_, contents, body_class)


def catalog_entry(edition: Edition, ctx: WriteContext, made: Sequence[Path], start: str) -> CatalogEntry:
    """What the bookshelf and the feeds say about the edition, and the files it offers."""
    md = edition.metadata
    downloads = tuple(
        Download(path.name, kind, path.stat().st_size, label)
        for fmt, kind, label in DOWNLOADS
        for path in made
        if path.name == output_name(ctx.options.name, fmt)
    )
    return CatalogEntry(
        name=ctx.options.name,
        title=_book_title(edition),
        subtitle=md.subtitle,
        authors=md.authors,
        language=md.language or "en",
        identifier=identifier(md),
        summary=" ".join(md.description.split()) or opening_words(edition),
        publisher=md.publisher,
        issued=md.date if md.date and date_parts(md.date) else "",
        updated=iso_time(ctx.build.source_date_epoch),
        downloads=downloads,
        cover=Image("cover.png", *COVER_PX),
        thumbnail=Image("cover-thumb.png", *THUMBNAIL_PX),
        start=start,
        alt=cover_alt(md),
        title_small_caps=md.title_small_caps,
    )


def opening_words(edition: Edition) -> str:
    """The first words of the text, for a summary: up to ``SUMMARY_WORDS``, then "…"."""
    words: list[str] = []
    for chapter in edition.chapters:
        if chapter.matter != "body":
            continue
        for block in chapter.blocks:
            if isinstance(block, Paragraph):
                words += title_text(block.inlines).split()
            if len(words) >= SUMMARY_WORDS:
                return " ".join(words[:SUMMARY_WORDS]) + "…"
    return " ".join(words)


def iso_time(epoch: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def kept_thumbnail(png: bytes, size: tuple[int, int], cache_dir: str | Path) -> bytes:
    """``thumbnail``, kept in the build's cache (``cache_dir``; "": none) as
    the covers are (``CoverCache``, in a folder of its own), under the
    digest of the image, the size, Pillow's version and this module's code:
    scaling the cover and compressing the PNG cost a tenth of a second, and
    a rebuild's cover is mostly the one before. A kept file that does not
    match its digest is made again."""
    cache = CoverCache(Path(cache_dir) / "thumbnails" if cache_dir else None, Diagnostics())
    h = hashlib.sha256(png)
    h.update(f"{size[0]}x{size[1]}:{PILImage.__version__}:{_code_digest()}".encode())
    key = h.hexdigest()[:40]
    kept = cache.get(key)
    if kept is None:
        kept = thumbnail(png, size)
        cache.put(key, kept, ())
    return kept


@functools.cache
def _code_digest() -> str:
    """A digest of this module, which makes the thumbnails: one made by
    other code is made again."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def thumbnail(png: bytes, size: tuple[int, int]) -> bytes:
    """``png`` scaled to ``size`` pixels, as a PNG (the same bytes for the same image)."""
    with PILImage.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").resize(size, PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _write(folder: Path, files: dict[str, bytes]) -> None:
    """The files into ``folder`` (inside the build's staging folder, published with the set)."""
    with refused_as_output_error(folder):
        folder.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            (folder / name).write_bytes(files[name])
