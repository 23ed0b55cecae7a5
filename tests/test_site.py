"""output/site/ as files: its layout, its links, its page anchors, its bytes.

The site is ``full_build``'s (conftest.py): every shipped edition and the
Engels print edition, whose web editions carry the print edition's pages.
What a browser makes of the pages is tests/test_site_browser.py's.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html

from conftest import BOOKS, CORPUS_EDITION
from editionbuilder import catalog
from editionbuilder.cli import main
from paths import ROOT

READING_PAGES = ("titlepage.html", "imprint.html", "ch001.html")


@pytest.fixture(scope="session")
def site(full_build) -> Path:
    return full_build / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_a_bookshelf_feeds_and_every_edition(site):
    assert (site / "index.html").is_file()
    for shared in ("base.css", "site.css", "site.js", "opds/catalog.xml", "opds/catalog.json"):
        assert (site / shared).is_file(), shared
    for name in BOOKS:
        book = site / name
        for page in ("index.html", *READING_PAGES):
            assert (book / page).is_file(), f"{name}/{page}"
        assert (book / "cover.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (site / "anthology/notes.html").is_file() and (site / "anthology/glossary.html").is_file()
    assert (site / "anthology/bibliography.html").is_file() and (site / "anthology/pages.html").is_file()
    assert not (site / "essay/pages.html").exists()  # not a print edition: no print pages


def test_the_downloads_are_the_built_files_and_the_cover_the_epubs(site, full_build):
    for name in BOOKS:
        for suffix in (".epub", ".pdf"):
            assert (site / name / f"{name}{suffix}").read_bytes() == (full_build / f"{name}{suffix}").read_bytes()
        assert not (site / name / f"{name}-press.pdf").exists()  # readers get the EPUB and the screen PDF
        with zipfile.ZipFile(full_build / f"{name}.epub") as z:
            assert (site / name / "cover.png").read_bytes() == z.read("EPUB/images/cover.png")


def test_the_bookshelf_lists_every_book_with_cover_blurb_and_downloads_with_sizes(site, full_build):
    shelf = html.parse(str(site / "index.html")).getroot()
    books = shelf.findall(".//ul[@class='shelf']/li")
    assert len(books) == len(BOOKS)
    text = shelf.text_content()
    assert "Two texts on the collapse of the Soviet Union" in text  # the anthology's description
    for name in BOOKS:
        assert shelf.find(f".//img[@src='{name}/cover-thumb.png']") is not None
        for suffix, label in ((".epub", "EPUB"), (".pdf", "PDF")):
            link = shelf.find(f".//a[@href='{name}/{name}{suffix}']")
            assert link is not None and link.text == label
            size = catalog.human_size((full_build / f"{name}{suffix}").stat().st_size)
            assert link.getnext().text == size


def test_every_internal_link_and_anchor_resolves(site):
    """A walk of every page: each href and src inside the site names a file
    that is there, and each fragment an id of that page."""
    ids: dict[Path, set[str]] = {}
    broken, checked = [], 0
    for page in pages(site):
        root = html.parse(str(page)).getroot()
        for el in root.iter():
            for attr in ("href", "src"):
                url = el.get(attr)
                if url is None or urlsplit(url).scheme in ("http", "https", "mailto", "data"):
                    continue
                checked += 1
                problem = _resolve(site, page, url, ids)
                if problem:
                    broken.append(f"{page.relative_to(site)}: {url}: {problem}")
    assert not broken, "\n".join(broken[:30])
    assert checked > 500  # the walk saw the pages' links


def _resolve(site: Path, page: Path, url: str, ids: dict[Path, set[str]]) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or parts.path.startswith("/"):
        return "not relative to the page"
    target = page if not parts.path else Path(posixpath.normpath(page.parent / unquote(parts.path)))
    if target.is_dir():
        target = target / "index.html"
    if not target.resolve().is_relative_to(site.resolve()) or not target.is_file():
        return "no such file in the site"
    if parts.fragment and target.suffix == ".html":
        if target not in ids:
            ids[target] = set(html.parse(str(target)).getroot().xpath("//@id"))
        if unquote(parts.fragment) not in ids[target]:
            return "no such anchor"
    return ""


def test_no_page_asks_for_anything_outside_the_site(site):
    """Stylesheets, scripts, images and icons are the site's own files:
    no font, script or image from another server."""
    for page in pages(site):
        root = html.parse(str(page)).getroot()
        for el in root.xpath("//script[@src] | //img | //link[@href] | //source | //iframe | //style"):
            url = el.get("src") or el.get("href") or ""
            assert not urlsplit(url).netloc and not url.startswith("//"), f"{page}: {url}"
            if el.tag == "style":
                assert "url(" not in (el.text or ""), page
    for css in site.glob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "@import" not in text and "url(" not in text, css


def test_notes_are_popovers_on_their_page_and_links_to_the_notes_page(site):
    chapter = html.parse(str(site / CORPUS_EDITION / "ch002.html")).getroot()
    calls = chapter.xpath("//a[@role='doc-noteref']")
    assert calls
    for call in calls:
        page, note = call.get("href").split("#")
        assert page == "notes.html"
        popover = chapter.get_element_by_id(f"pop-{note}")
        assert popover.get("popover") == "auto" and popover.get("role") == "doc-footnote"
        notes = html.parse(str(site / CORPUS_EDITION / "notes.html")).getroot()
        words = " ".join(notes.get_element_by_id(note).text_content().split()[1:6])
        assert words in " ".join(popover.text_content().split())


def test_glossary_and_bibliography_link_both_ways(site):
    book = site / "anthology"
    essay = html.parse(str(book / "ch001.html")).getroot()
    term = essay.xpath("//a[@role='doc-glossref']")[0]
    page, entry = term.get("href").split("#")
    glossary = html.parse(str(book / page)).getroot()
    back = glossary.get_element_by_id(entry).getnext().xpath(".//a[@role='doc-backlink']")
    assert any(a.get("href") == f"ch001.html#{term.get('id')}" for a in back)
    cite = essay.xpath("//a[@role='doc-biblioref']")[0]
    page, ref = cite.get("href").split("#")
    bibliography = html.parse(str(book / page)).getroot()
    citation_id = cite.getparent().get("id")
    links = [a.get("href") for a in bibliography.get_element_by_id(ref).xpath(".//a[@role='doc-backlink']")]
    assert f"ch001.html#{citation_id}" in links


@pytest.mark.parametrize("name", ["anthology", CORPUS_EDITION])
def test_print_pages_are_anchored_where_the_epub_marks_them(site, full_build, name):
    """The web edition's page list names the same pages, in the same parts,
    with the same ids as the EPUB's (``#page-12``), and each marker is a
    link to itself."""
    with zipfile.ZipFile(full_build / f"{name}.epub") as z:
        nav = html.fromstring(z.read("EPUB/nav.xhtml"))
    epub = [a.get("href").replace(".xhtml#", ".html#") for a in nav.xpath("//nav[@id='page-list']//a")]
    listing = html.parse(str(site / name / "pages.html")).getroot()
    web = [a.get("href") for a in listing.xpath("//ol[@class='page-list']//a")]
    assert web == epub and len(web) > 20
    for href in web[:40]:
        page, anchor = href.split("#")
        marker = html.parse(str(site / name / page)).getroot().get_element_by_id(anchor)
        assert marker.get("class") == "page-number" and marker.get("href") == f"#{anchor}"
        assert listing.get_element_by_id(anchor).find("a").get("href") == href  # pages.html#page-N


def test_chapters_link_previous_next_and_contents(site):
    book = site / "anthology"
    chapter = html.parse(str(book / "ch002.html")).getroot()
    assert chapter.xpath("//nav[@class='pager']//a[@rel='prev']/@href") == ["ch001.html"]
    assert chapter.xpath("//nav[@class='pager']//a[@rel='next']/@href") == ["ch003.html"]
    assert "index.html#contents" in chapter.xpath("//nav[@class='pager']//a/@href")
    landing = html.parse(str(book / "index.html")).getroot()
    contents = landing.xpath("//nav[@id='contents']//a/@href")
    assert {"ch001.html", "ch002.html", "notes.html", "glossary.html", "bibliography.html"} <= set(contents)


def test_the_site_is_byte_identical_between_builds(builds):
    a, b = (folder / "site" for folder in builds)
    files = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert files == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    different = [f for f in files if (a / f).read_bytes() != (b / f).read_bytes()]
    assert not different


def test_the_site_is_published_in_one_step(tmp_path, full_build, capsys):
    """``output/site`` is a link switched by one rename; ``site`` rebuilds
    it alone, to the same bytes, and removes the folder it replaced."""
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(full_build / ".editions", out / ".editions", target_is_directory=True)
    assert main(["site", "--config", str(ROOT / "editions.toml"), "--out", str(out)]) == 0
    first = os.readlink(out / "site")
    assert first.startswith(".site/site.") and (out / "site" / "index.html").is_file()
    assert main(["site", "--config", str(ROOT / "editions.toml"), "--out", str(out)]) == 0
    second = os.readlink(out / "site")
    assert second != first and not (out / first).exists()
    assert sorted(p.name for p in (out / ".site").iterdir()) == [Path(second).name]
    for page in ("index.html", "opds/catalog.json", "anthology/ch001.html"):
        assert (out / "site" / page).read_bytes() == (full_build / "site" / page).read_bytes()
    assert f"wrote {out}/site/index.html" in capsys.readouterr().out


def test_a_failed_site_build_leaves_the_last_site(tmp_path, full_build, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(full_build / ".editions", out / ".editions", target_is_directory=True)
    assert main(["site", "--out", str(out), "--config", str(ROOT / "editions.toml")]) == 0
    before = os.readlink(out / "site")

    def broken(_entries):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("editionbuilder.site.json_feed", broken)
    assert main(["site", "--out", str(out), "--config", str(ROOT / "editions.toml")]) == 74
    assert os.readlink(out / "site") == before and (out / "site/opds/catalog.json").is_file()
    assert [p.name for p in (out / ".site").iterdir()] == [Path(before).name]


def test_site_without_built_editions_is_a_one_line_error(tmp_path, capsys):
    assert main(["site", "--out", str(tmp_path), "--config", str(ROOT / "editions.toml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("editionbuilder: error: no edition with a web edition")


def test_a_one_off_build_is_left_off_the_site_and_said_so(tmp_path, capsys):
    """A one-off build makes no site and no web edition; a config build
    into the same folder puts its own editions on the site and says which
    it left off."""
    film = tmp_path / "film.txt"
    film.write_bytes((ROOT / "seeds" / "000_daf78f6bae771185.txt").read_bytes())
    (tmp_path / "essay.txt").write_bytes((ROOT / "seeds" / "001_72f3cb4c218735c2.txt").read_bytes())
    config = tmp_path / "editions.toml"
    config.write_text('[[edition]]\nname = "essay"\nsources = ["essay.txt"]\n', encoding="utf-8")
    out = tmp_path / "output"
    assert main(["build", str(film), "--out", str(out), "--format", "epub"]) == 0
    assert not (out / "site").exists() and not (out / ".editions/film/web").exists()
    capsys.readouterr()
    assert main(["build", "--config", str(config), "--format", "epub"]) == 0
    assert sorted(p.name for p in (out / "site").iterdir() if p.is_dir()) == ["essay", "opds"]
    assert "film: its files in" in capsys.readouterr().err
    shelf = (out / "site/index.html").read_text(encoding="utf-8")
    assert "essay/essay.epub" in shelf and "essay.pdf" not in shelf  # only what was built is offered


def test_a_kept_thumbnail_is_the_one_made_and_a_damaged_one_is_made_again(tmp_path, monkeypatch):
    import io

    from PIL import Image

    from editionbuilder.writers.web import writer

    image = Image.new("RGB", (160, 256), (120, 40, 20))
    image.paste((240, 230, 200), (20, 30, 140, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    cover = out.getvalue()
    made = writer.kept_thumbnail(cover, (40, 64), tmp_path)
    assert made == writer.thumbnail(cover, (40, 64))
    [kept] = (tmp_path / "thumbnails").glob("*.png")
    monkeypatch.setattr(writer, "thumbnail", lambda *a: pytest.fail("a kept thumbnail was made again"))
    assert writer.kept_thumbnail(cover, (40, 64), tmp_path) == made
    monkeypatch.undo()
    kept.write_bytes(kept.read_bytes()[:-1] + b"\0")  # damaged: its digest no longer matches
    assert writer.kept_thumbnail(cover, (40, 64), tmp_path) == made
    assert writer.kept_thumbnail(cover, (20, 32), tmp_path) != made  # another size, another file
    assert len(list((tmp_path / "thumbnails").glob("*.png"))) == 2
    assert writer.kept_thumbnail(cover, (40, 64), "") == made  # no cache: made
