"""``output/site/``: every edition of the output folder, for readers.

    site/index.html                 the bookshelf
    site/base.css, site.css, site.js
    site/opds/catalog.xml           OPDS 1.2 acquisition feed (Atom)
    site/opds/catalog.json          OPDS 2.0 feed
    site/NAME/index.html            the edition's landing page
    site/NAME/ch001.html ...        its web reading edition (writers/web.py)
    site/NAME/NAME.epub, NAME.pdf   the downloads
    site/NAME/cover.png, cover-thumb.png

The site is assembled from the editions' current sets of files
(``output/.editions/NAME``), each of which a config build gives a web
edition (``web/``) with its catalog entry: so it shows what the output
folder holds, whichever config built it, and an edition's pages always
match the files they offer. It is written into a new folder and published
in one step (``fsutil.staged_folder``): ``output/site`` is a link that one
rename switches. Every file is the same from build to build: entries are
sorted, and the only times are the editions' own (``catalog.CatalogEntry.updated``).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import catalog, codes
from ..catalog import CatalogEntry
from ..diagnostics import ConfigError, Diagnostics
from ..fsutil import EDITIONS, refused_as_output_error, staged_folder
from ..layout.frontmatter import names
from ..layout.labels import WEB_LABELS
from ..templating import find_stylesheet
from ..writers.web.page import SCRIPT, STYLESHEETS, Frame, NavLink, render_content, render_page
from ..writers.web.writer import WEB_DIR
from .opds import atom_feed, json_feed

SITE_DIR = "site"
FEEDS = ("opds/catalog.xml", "opds/catalog.json")
SHELF_LANGUAGE = "en"  # of WEB_LABELS


@dataclass(frozen=True, slots=True)
class Shelved:
    """A book on the bookshelf: its entry, its byline and its downloads' sizes."""

    entry: CatalogEntry
    byline: str
    sizes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Shelf:
    title: str
    books: tuple[Shelved, ...]


@dataclass(frozen=True, slots=True)
class SiteResult:
    folder: Path  # output/site (the link)
    books: tuple[str, ...]  # edition names, in shelf order
    outputs: tuple[Path, ...]  # the bookshelf and the feeds


def build_site(out_dir: Path, extra_dirs: Sequence[str], diags: Diagnostics) -> SiteResult:
    """Assemble and publish ``out_dir/site`` from the editions built into ``out_dir``."""
    books = shelved(Path(out_dir), diags)
    if not books:
        raise ConfigError(f"no edition with a web edition in {out_dir}: build the editions of a config first")
    with staged_folder(out_dir, SITE_DIR) as stage, refused_as_output_error(stage):
        for folder, entry in books:
            _copy_edition(folder, entry, stage / entry.name)
        for name in (*STYLESHEETS, SCRIPT):
            shutil.copyfile(find_stylesheet(name, extra_dirs), stage / name)
        entries = [entry for _, entry in books]
        (stage / "index.html").write_bytes(bookshelf(entries, extra_dirs))
        (stage / "opds").mkdir()
        (stage / FEEDS[0]).write_bytes(atom_feed(entries, extra_dirs))
        (stage / FEEDS[1]).write_bytes(json_feed(entries))
    site = Path(out_dir) / SITE_DIR
    return SiteResult(site, tuple(e.name for e in entries), (site / "index.html", *(site / f for f in FEEDS)))


def shelved(out_dir: Path, diags: Diagnostics) -> list[tuple[Path, CatalogEntry]]:
    """(set folder, entry) of every edition built into ``out_dir`` with a web
    edition, by title; editions without one are reported and left off."""
    sets = out_dir / EDITIONS
    found = []
    links = sorted(p for p in sets.iterdir() if p.is_symlink() and "." not in p.name) if sets.is_dir() else []
    for link in links:
        try:
            entry = catalog.loads((link / WEB_DIR / catalog.ENTRY_FILE).read_bytes())
        except (OSError, ValueError):
            diags.add(codes.SITE_EDITION_SKIPPED, f"{link.name}: its files in {out_dir} have no web edition")
            continue
        found.append((link.resolve(), entry))
    return sorted(found, key=lambda b: (b[1].title.casefold(), b[1].name))


def _copy_edition(folder: Path, entry: CatalogEntry, target: Path) -> None:
    """The edition's web pages and the files they offer, into ``target``."""
    shutil.copytree(folder / WEB_DIR, target, ignore=shutil.ignore_patterns(catalog.ENTRY_FILE))
    for download in entry.downloads:
        shutil.copyfile(folder / download.file, target / download.file)


def bookshelf(entries: Sequence[CatalogEntry], extra_dirs: Sequence[str]) -> bytes:
    """``index.html``: every book with its cover, blurb and downloads."""
    books = tuple(Shelved(e, names(e.authors), tuple(catalog.human_size(d.size) for d in e.downloads)) for e in entries)
    shelf = Shelf(WEB_LABELS["bookshelf"], books)
    # The page is in the language of its labels; each book says its own.
    frame = Frame(SHELF_LANGUAGE, shelf.title, "", (NavLink("", shelf.title),), body_class="shelf-page")
    return render_page(frame, render_content("shelf", shelf, None, SHELF_LANGUAGE, extra_dirs), extra_dirs)
