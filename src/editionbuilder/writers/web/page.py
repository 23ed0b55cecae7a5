"""One page of the site: the frame every page shares, and its HTML.

A page is made in two documents. The content (a part of the book, a
landing page, the bookshelf) is rendered as XHTML, as an EPUB document is
(``templates/web_content.xhtml.j2``): the shared macros print XHTML, and
the print edition's page markers are placed in it by ``pagelist``, which
reads XML. The frame (``web_page.xhtml.j2``: the way back to the
bookshelf, the previous and next pages, the feeds) is rendered around an
empty ``<main>`` that the content's body then fills. The page is written
as HTML (``html5``): namespaces and ``epub:type`` dropped, void elements
as HTML writes them, so that every browser and static host takes it as
``text/html``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ... import templating
from ...layout.labels import WEB_LABELS

XHTML = "http://www.w3.org/1999/xhtml"
_DROPPED = ("{http://www.idpf.org/2007/ops}type", "{http://www.w3.org/XML/1998/namespace}lang")
CONTENT_TEMPLATE = "web_content.xhtml.j2"
FRAME_TEMPLATE = "web_page.xhtml.j2"
# The site's shared files, at its root.
STYLESHEETS = ("base.css", "site.css")
SCRIPT = "site.js"


@dataclass(frozen=True, slots=True)
class NavLink:
    href: str  # "" for the page itself (printed as the current page, not a link)
    title: str
    type: str = ""


@dataclass(frozen=True, slots=True)
class Frame:
    """What the frame of a page prints: everything computed here, in Python."""

    lang: str
    title: str  # of the <title>
    root: str  # the site's root from this page: "" or "../"
    crumbs: tuple[NavLink, ...]
    prev: NavLink | None = None
    next: NavLink | None = None
    contents: NavLink | None = None
    body_class: str = ""

    @property
    def stylesheets(self) -> tuple[str, ...]:
        return tuple(self.root + name for name in STYLESHEETS)

    @property
    def script(self) -> str:
        return self.root + SCRIPT

    @property
    def feeds(self) -> tuple[NavLink, ...]:
        from ...catalog import OPDS_ATOM_TYPE, OPDS_JSON_TYPE

        return (
            NavLink(f"{self.root}opds/catalog.xml", WEB_LABELS["opds1"], OPDS_ATOM_TYPE),
            NavLink(f"{self.root}opds/catalog.json", WEB_LABELS["opds2"], OPDS_JSON_TYPE),
        )


def render_content(macro: str, content: Any, view: Any, lang: str, extra_dirs: Sequence[str]) -> bytes:
    """The content of a page as an XHTML document: ``macro`` of ``web_parts.j2``
    prints ``content`` (with ``view``, the edition's ``html.View``, or None)."""
    text = templating.render(CONTENT_TEMPLATE, extra_dirs, macro=macro, c=content, v=view, lang=lang, labels=WEB_LABELS)
    return text.encode("utf-8")


def render_page(frame: Frame, content: bytes, extra_dirs: Sequence[str]) -> bytes:
    """The page as HTML: ``frame`` around the body of the XHTML ``content``."""
    text = templating.render(FRAME_TEMPLATE, extra_dirs, f=frame, labels=WEB_LABELS)
    page = etree.fromstring(text.encode("utf-8"))
    body = etree.fromstring(content).find(f"{{{XHTML}}}body")
    main = page.find(f".//{{{XHTML}}}main")
    if body is None or main is None:
        raise ValueError("a web page without <body> or <main>")
    main.text = body.text
    main.extend(list(body))
    for marker in main.iterfind(f".//{{{XHTML}}}span[@role='doc-pagebreak']"):
        page_number(marker)
    return html5(page)


def page_number(marker: etree._Element) -> None:
    """A print page's marker (``pagelist``: an empty ``<span role="doc-pagebreak"
    aria-label="12">``) as the site shows it: the page's number, a link to
    itself that a reader can copy (``ch002.html#page-12``), set in the
    margin by ``site.css``. (Browsers give DPUB-ARIA roles no meaning
    outside a reading system, where an empty labelled ``<span>`` is
    nothing.)"""
    folio = marker.get("aria-label", "")
    marker.tag = f"{{{XHTML}}}a"
    for name in ("role", "aria-label"):
        marker.attrib.pop(name, None)
    marker.set("class", "page-number")
    marker.set("href", f"#{marker.get('id')}")
    marker.set("aria-label", f"{WEB_LABELS['page']} {folio}")
    marker.text = folio


def html5(root: etree._Element) -> bytes:
    """``root`` (an XHTML tree) written as HTML, in UTF-8, with its doctype."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        el.tag = etree.QName(el).localname
        for name in _DROPPED:
            el.attrib.pop(name, None)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>") + b"\n"
