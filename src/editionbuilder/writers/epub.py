"""EPUB 3 writer: the only module that imports ebooklib.

ebooklib is used as a packager only (OPF, nav, NCX, zip). The XHTML files are
complete documents rendered from the shared templates and written as they
are: ebooklib's own ``EpubHtml`` re-parses content as HTML and silently turns
text such as ``<Author, p.1>`` into a bogus tag, losing it.

After packaging, the zip is rewritten (RECIPES.md): ebooklib stamps entries
with the wall clock and writes no ``xml:lang`` on ``<package>``. The rewrite
fixes every entry time to ``source_date_epoch``, sorts entries with
``mimetype`` first and stored (OCF 3.3 §4.3), and adds the language, so that
two builds of the same sources give the same bytes.
"""

from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from ebooklib import epub
from lxml import etree

from .. import templating
from ..diagnostics import RenderError
from ..fsutil import atomic_write_bytes
from ..model import Edition, Metadata
from . import WriteContext, html

STYLESHEETS = ("base.css", "epub.css")
TEMPLATE = "epub_document.xhtml.j2"
OPF_PATH = "EPUB/content.opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZIP_EPOCH_MIN = 315532800  # 1980-01-01: the earliest time a zip entry can hold

# MARC relator codes for the credit roles sources name (id.loc.gov/vocabulary/relators).
RELATORS = {
    "author": "aut", "director": "drt", "producer": "pro", "editor": "edt",
    "translator": "trl", "illustrator": "ill", "narrator": "nrt", "publisher": "pbl",
}

# A dc:date EPUBCheck accepts without warning (W3CDTF: YYYY, YYYY-MM, YYYY-MM-DD, with time).
W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?$")


class _Document(epub.EpubHtml):
    """An XHTML content document rendered by our templates and written as is."""

    def __init__(self, part: html.Part, content: bytes):
        super().__init__(uid=part.key, file_name=f"{part.key}.xhtml", title=part.title,
                         media_type="application/xhtml+xml")
        self.content = content

    def get_content(self, default: bytes | None = None) -> bytes:
        return self.content


def write_epub(edition: Edition, out: Path, ctx: WriteContext) -> None:
    """Write ``edition`` as an EPUB 3 to ``out`` (atomically, byte-reproducibly)."""
    lay = html.layout(edition, html.EPUB)
    parts = (html.title_page(edition.metadata), *lay.parts)
    extra = template_dirs(ctx)
    book = _new_book(edition.metadata, ctx)
    css = _add_styles(book, extra)
    docs = [_Document(p, _render(p, lay.view, css, extra)) for p in parts]
    for doc in docs:
        book.add_item(doc)
    nav = epub.EpubNav(title=html.LABELS["contents"])
    for href in css:
        nav.add_link(href=href, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    book.toc = docs
    book.spine = [docs[0], nav, *docs[1:]]
    book.guide = _landmarks(parts, docs)
    raw = _package(book, ctx.build.source_date_epoch)
    atomic_write_bytes(out, reproducible_zip(raw, ctx.build.source_date_epoch, lay.view.lang))


def template_dirs(ctx: WriteContext) -> tuple[str, ...]:
    """The user's template/style directories, relative to the project."""
    return tuple(str(ctx.project_dir / d) for d in ctx.build.extra_template_dirs)


def _render(part: html.Part, view: html.View, css: list[str], extra: tuple[str, ...]) -> bytes:
    text = templating.render(TEMPLATE, extra, part=part, v=view, stylesheets=css)
    return text.encode("utf-8")


def _add_styles(book: epub.EpubBook, extra: tuple[str, ...]) -> list[str]:
    """Add the stylesheets to the book; return their hrefs for the documents."""
    hrefs = []
    for name in STYLESHEETS:
        path = templating.find_stylesheet(name, extra)
        href = f"styles/{name}"
        book.add_item(epub.EpubItem(uid=f"css-{Path(name).stem}", file_name=href,
                                    media_type="text/css", content=path.read_bytes()))
        hrefs.append(href)
    return hrefs


def _landmarks(parts: tuple[html.Part, ...], docs: list[_Document]) -> list[dict]:
    """Landmarks for the nav: the start of the body, and the contents."""
    marks = [{"href": "nav.xhtml", "title": html.LABELS["contents"], "type": "toc"}]
    body = [d for p, d in zip(parts, docs) if p.matter == "body"]
    if body:
        marks.insert(0, {"href": body[0].file_name, "title": html.LABELS["start"], "type": "bodymatter"})
    return marks


# --------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------


def identifier(metadata: Metadata) -> str:
    """The book's identifier: the configured one, or a UUID stable for title + authors."""
    if metadata.identifier:
        return metadata.identifier
    seed = "\x1f".join((metadata.title, *metadata.authors))
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'editionbuilder:' + seed)}"


def _new_book(md: Metadata, ctx: WriteContext) -> epub.EpubBook:
    book = epub.EpubBook()
    book.set_identifier(identifier(md))
    book.set_title(md.title or html.LABELS["untitled"])
    book.set_language(md.language or "en")
    if md.subtitle:
        book.add_metadata("DC", "title", md.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    for index, author in enumerate(md.authors, start=1):
        book.add_author(author, role="aut", uid=f"creator{index}")
    _add_credits(book, md)
    for name, value in (("publisher", md.publisher), ("rights", md.rights),
                        ("description", md.description)):
        if value:
            book.add_metadata("DC", name, value)
    if md.date and W3CDTF.match(md.date):
        book.add_metadata("DC", "date", md.date)
    elif md.date:
        ctx.diagnostics.warn("epub-date-format", f"date {md.date!r} is not YYYY[-MM[-DD]]: left out of the EPUB")
    _add_accessibility(book)
    return book


def _add_credits(book: epub.EpubBook, md: Metadata) -> None:
    """Credits other than the authors become dc:contributor with a MARC role when known."""
    for index, credit in enumerate(md.credits, start=1):
        uid = f"contributor{index}"
        book.add_metadata("DC", "contributor", credit.name, {"id": uid})
        code = RELATORS.get(credit.role.lower())
        if code:
            book.add_metadata(None, "meta", code,
                              {"refines": "#" + uid, "property": "role", "scheme": "marc:relators"})


def _add_accessibility(book: epub.EpubBook) -> None:
    """schema.org accessibility metadata (EPUB Accessibility 1.1 §2): text only,
    with structural navigation, a table of contents and a reading order."""
    pairs = [
        ("schema:accessMode", "textual"), ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
        ("schema:accessibilitySummary",
         "Text-only publication with headings, a table of contents and linked notes."),
    ]
    for prop, value in pairs:
        book.add_metadata(None, "meta", value, {"property": prop})


# --------------------------------------------------------------------------
# Packaging
# --------------------------------------------------------------------------


def _package(book: epub.EpubBook, epoch: int) -> bytes:
    """The zip ebooklib writes, in memory; its errors become ``RenderError``."""
    options = {
        "epub3_pages": False,  # else every element with epub:type and id becomes a "page"
        "epub2_guide": False,  # landmarks in the nav replace the EPUB 2 guide
        "landmark_title": html.LABELS["landmarks"],
        "mtime": datetime.fromtimestamp(epoch, tz=timezone.utc),
        "raise_exceptions": True,
    }
    buffer = io.BytesIO()
    try:
        writer = epub.EpubWriter(buffer, book, options)
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
