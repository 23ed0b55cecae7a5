"""EPUB 3 writer: the only module that imports ebooklib.

ebooklib is used as a packager only (OPF, nav, NCX, zip). The XHTML files are
complete documents rendered from the shared templates and written as they
are: ebooklib's own ``EpubHtml`` re-parses content as HTML and silently turns
text such as ``<Author, p.1>`` into a bogus tag, losing it.

After packaging, the zip is rewritten: ebooklib stamps entries
with the wall clock and writes no ``xml:lang`` on ``<package>``. The rewrite
fixes every entry time to ``source_date_epoch``, sorts entries with
``mimetype`` first and stored (OCF 3.3 §4.3), and adds the language, so that
two builds of the same sources give the same bytes.

The navigation document and the NCX are rendered from our templates too
(``parts.j2`` ``nav``, ``toc.ncx.j2``): ebooklib's own lack the nesting of
headings under chapters and ``xml:lang``. The cover image comes from
``cover.py``; the accessibility metadata from ``accessibility.py``.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ebooklib import epub
from lxml import etree

from ... import codes, templating
from ...diagnostics import RenderError
from ...fsutil import atomic_write_bytes
from ...layout.book import layout
from ...layout.frontmatter import COVER_IMAGE, NAV_KEY, identifier
from ...layout.labels import LABELS
from ...layout.view import EPUB, Layout, Part, TocEntry, View
from ...model import Edition, Metadata
from ..context import WriteContext
from ..cover import order_cover
from . import NCX_TEMPLATE, TEMPLATE
from .accessibility import accessibility_metadata

if TYPE_CHECKING:
    from . import pagelist

STYLESHEETS = ("base.css", "epub.css")
OPF_PATH = "EPUB/content.opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZIP_EPOCH_MIN = 315532800  # 1980-01-01: the earliest time a zip entry can hold

# MARC relator codes for the credit roles sources name (id.loc.gov/vocabulary/relators).
RELATORS = {
    "author": "aut",
    "director": "drt",
    "producer": "pro",
    "editor": "edt",
    "translator": "trl",
    "illustrator": "ill",
    "narrator": "nrt",
    "publisher": "pbl",
}

# A dc:date EPUBCheck accepts without warning (W3CDTF: YYYY, YYYY-MM, YYYY-MM-DD, with time).
W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


class _Document(epub.EpubHtml):
    """An XHTML content document rendered by our templates and written as is."""

    def __init__(self, part: Part, content: bytes):
        super().__init__(
            uid=part.key, file_name=f"{part.key}.xhtml", title=part.title, media_type="application/xhtml+xml"
        )
        self.content = content

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


class _Navigation(epub.EpubNav):
    """The navigation document as rendered by our templates; being an
    ``EpubNav``, ebooklib gives it ``properties="nav"`` in the manifest."""

    def __init__(self, part: Part, content: bytes):
        super().__init__(uid=part.key, file_name=f"{part.key}.xhtml", title=part.title)
        self.content = content


class _Writer(epub.EpubWriter):
    """ebooklib's writer, with the nav and the NCX we rendered instead of its own."""

    def __init__(self, out: io.BytesIO, book: epub.EpubBook, options: dict, ncx: bytes):
        super().__init__(out, book, options)
        self.ncx = ncx

    def _get_nav(self, item: epub.EpubNav) -> bytes:
        return item.content

    def _get_ncx(self) -> bytes:
        return self.ncx


def write_epub(edition: Edition, out: Path, ctx: WriteContext) -> None:
    """Write ``edition`` as an EPUB 3 to ``out`` (atomically, byte-reproducibly).

    When the press PDF of this build was typeset first, its pages are
    marked in the text and listed in the nav's page list (``pagelist``)."""
    lay = layout(edition, EPUB)
    extra = ctx.override_dirs
    printed = ctx.products.print_layout
    if printed is None and ctx.options.print.enabled and "pdf" not in ctx.build.formats:
        ctx.diagnostics.add(
            codes.PAGE_LIST_NOT_MADE,
            (
                "the print edition was not typeset in this build, so the EPUB carries no print page "
                "numbers: build the PDFs too (no --format, or --format pdf) to mark them"
            ),
        )
    book = _new_book(edition, ctx, printed)
    css = _add_styles(book, extra)
    # Ordered first (by the build, once it read the sources, when another
    # process draws it), and taken once the documents are rendered.
    cover = ctx.cover or order_cover(
        edition.metadata, extra, ctx.project_dir, ctx.diagnostics, cache_dir=ctx.build.cache_dir
    )
    parts = lay.reading_order
    content = {p.key: _render(p, lay.view, css, extra) for p in parts if p.key != NAV_KEY}
    pages: list[pagelist.PageTarget] = []
    if printed is not None:
        from . import pagelist  # the print's page markers, for a build that typeset it

        keys = list(content)
        # the parts' alignments kept for the web edition, when the build makes one
        aligned = ctx.products.alignments if ctx.build.web else None
        kept = pagelist.kept_marks(ctx, "epub")
        marked, pages = pagelist.mark_pages(
            [content[k] for k in keys], printed, [f"{k}.xhtml" for k in keys], aligned, kept
        )
        if kept is not None:
            kept.save()
        content = dict(zip(keys, marked, strict=True))
    navs = {
        p.key: _render(replace(p, content=replace(p.content, pages=tuple(pages))), lay.view, css, extra)
        for p in parts
        if p.key == NAV_KEY
    }
    ncx = _render_ncx(edition.metadata, lay, extra)
    image = cover()
    book.set_cover(COVER_IMAGE, image, create_page=False)  # cover-image item + EPUB 2 <meta>
    ctx.products.cover_png = image  # the web edition shows the same cover
    docs = []
    for part in parts:
        if part.key == NAV_KEY:
            docs.append(_Navigation(part, navs[part.key]))
        else:
            docs.append(_Document(part, content[part.key]))
        book.add_item(docs[-1])
    book.add_item(epub.EpubNcx())
    book.toc = docs  # not used by _Writer, but ebooklib refuses an empty one
    book.spine = docs
    raw = _package(book, ncx, ctx.build.source_date_epoch)
    atomic_write_bytes(out, reproducible_zip(raw, ctx.build.source_date_epoch, lay.view.lang))


def _render(part: Part, view: View, css: list[str], extra: tuple[str, ...]) -> bytes:
    text = templating.render(TEMPLATE, extra, part=part, v=view, stylesheets=css)
    return text.encode("utf-8")


def _depth(entries: tuple[TocEntry, ...]) -> int:
    return 1 + max((_depth(e.children) for e in entries), default=0) if entries else 0


def _render_ncx(md: Metadata, lay: Layout, extra: tuple[str, ...]) -> bytes:
    """The EPUB 2 NCX: the nav's nested entries, for older reading systems."""
    text = templating.render(
        NCX_TEMPLATE,
        extra,
        lang=lay.view.lang,
        uid=identifier(md),
        title=md.title or LABELS["untitled"],
        toc=lay.toc,
        depth=_depth(lay.toc),
    )
    return text.encode("utf-8")


def _add_styles(book: epub.EpubBook, extra: tuple[str, ...]) -> list[str]:
    """Add the stylesheets to the book; return their hrefs for the documents."""
    hrefs = []
    for name in STYLESHEETS:
        path = templating.find_stylesheet(name, extra)
        href = f"styles/{name}"
        book.add_item(
            epub.EpubItem(
                uid=f"css-{Path(name).stem}", file_name=href, media_type="text/css", content=path.read_bytes()
            )
        )
        hrefs.append(href)
    return hrefs


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def _new_book(edition: Edition, ctx: WriteContext, printed: pagelist.PrintLayout | None) -> epub.EpubBook:
    md = edition.metadata
    book = epub.EpubBook()
    book.set_identifier(identifier(md))
    book.set_title(md.title or LABELS["untitled"])
    book.set_language(md.language or "en")
    if md.subtitle:
        book.add_metadata("DC", "title", md.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for index, author in enumerate(md.authors, start=1):
        book.add_author(author, role="aut", uid=f"creator{index}")
    _add_credits(book, md)
    for name, value in (("publisher", md.publisher), ("rights", md.rights), ("description", md.description)):
        if value:
            book.add_metadata("DC", name, value)
    if md.date and W3CDTF.match(md.date):
        book.add_metadata("DC", "date", md.date)
    elif md.date:
        ctx.diagnostics.add(codes.EPUB_DATE_FORMAT, f"date {md.date!r} is not YYYY[-MM[-DD]]: left out of the EPUB")
    for prop, value, attrs in accessibility_metadata(edition, printed.source if printed else ""):
        book.add_metadata(None, "meta", value, {"property": prop, **attrs})
    return book


def _add_credits(book: epub.EpubBook, md: Metadata) -> None:
    """People credited with a MARC role (director, producer…) become
    dc:contributor, once per person and role; authors are dc:creator already,
    and credits that name no person (a company, a year) stay in the imprint."""
    seen = {(a, "aut") for a in md.authors}
    for credit in md.credits:
        code = RELATORS.get(credit.role.lower())
        if code is None or (credit.name, code) in seen:
            continue
        seen.add((credit.name, code))
        uid = f"contributor{len(seen)}"
        book.add_metadata("DC", "contributor", credit.name, {"id": uid})
        book.add_metadata(None, "meta", code, {"refines": "#" + uid, "property": "role", "scheme": "marc:relators"})


# --------------------------------------------------------------------------
# Packaging
# --------------------------------------------------------------------------


def _package(book: epub.EpubBook, ncx: bytes, epoch: int) -> bytes:
    """The zip ebooklib writes, in memory; its errors become ``RenderError``."""
    options = {
        "epub3_pages": False,  # else every element with epub:type and id becomes a "page"
        "epub2_guide": False,  # landmarks in the nav replace the EPUB 2 guide
        # Stored, not deflated: reproducible_zip reads every entry back and
        # deflates it itself, so ebooklib's compression would be thrown away.
        "compresslevel": 0,
        "mtime": datetime.fromtimestamp(epoch, tz=UTC),
        "raise_exceptions": True,
    }
    buffer = io.BytesIO()
    try:
        writer = _Writer(buffer, book, options, ncx)
        writer.process()
        writer.write()
    except Exception as exc:  # ebooklib raises bare lxml/zip/KeyError errors
        raise RenderError(f"EPUB packaging failed: {exc}") from exc
    return buffer.getvalue()


def reproducible_zip(raw: bytes, epoch: int, lang: str) -> bytes:
    """``raw`` rewritten with fixed entry times and order and ``xml:lang`` on <package>."""
    with zipfile.ZipFile(io.BytesIO(raw)) as src:
        entries = {name: src.read(name) for name in src.namelist()}
    entries[OPF_PATH] = _package_lang(entries[OPF_PATH], lang)
    stamp = time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]
    order = ["mimetype", *sorted(n for n in entries if n != "mimetype")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            info.external_attr = 0o644 << 16
            dst.writestr(info, entries[name], compresslevel=9)
    return out.getvalue()


def _package_lang(opf: bytes, lang: str) -> bytes:
    root = etree.fromstring(opf)
    root.set(XML_LANG, lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
