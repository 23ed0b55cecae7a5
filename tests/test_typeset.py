"""The book typeset part by part (writers/typeset.py) and joined
(writers/assemble.py): the parts kept between builds are used again only
when nothing that decides their pages changed, and a build from kept parts
is byte-identical to a clean one; the joined PDF's links, bookmarks and tags
point where they should.

The book here is a Gutenberg text cut to a few chapters, in print at
5.5 x 8.5 in: each build typesets it in a few seconds.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from editionbuilder.config import one_off_edition
from editionbuilder.options import BuildOptions, MetadataOverrides, PrintOptions
from editionbuilder.pipeline import build_edition
from editionbuilder.writers.print import engine as pdf
from editionbuilder.writers.print import typeset
from paths import ENGELS as ENGELS_FILE
from paths import corpus_file
from printkit import GEOMETRY, part_task, screen_job

ENGELS = corpus_file(ENGELS_FILE)
EPOCH = 1_764_028_800
FILES = ("book.epub", "book.pdf", "book-press.pdf", "book-cover.pdf")


def source(tmp: Path, change: str = "") -> Path:
    """The Engels text; ``change`` replaces one sentence of its third part."""
    text = ENGELS.read_bytes().decode("latin-1")
    if change:
        old = "But if we arrive at that, we shall at the same time"
        assert text.count(old) == 1
        text = text.replace(old, change)
    path = tmp / "book.txt"
    path.write_text(text, encoding="utf-8")
    return path


class Layouts:
    """The parts of the book WeasyPrint lays out during a build
    (``pdf.render_document``), by the title of their first heading, and
    (``press``) those of the press PDF; the covers (the EPUB's image, the
    print cover) are drawn on every build and not counted, and the margin
    sheets are counted apart (``sheets``)."""

    def __init__(self, monkeypatch):
        self.titles: list[str] = []
        self.press: list[str] = []
        self.sheets = 0
        real = pdf.render_document

        def counting(job, diagnostics, progress=None, first_page=1, stop=None, shared=""):
            if 'class="part margin-sheet"' in job.source:
                self.sheets += 1
            elif not any("cover" in sheet.name for sheet in job.sheets):
                found = re.search(r'<h1 id="[^"]*-title"[^>]*>(.*?)</h1>', job.source, re.S)
                self.titles.append(found.group(1) if found else "?")
                if job.press is not None:
                    self.press.append(self.titles[-1])
            return real(job, diagnostics, progress, first_page, stop, shared)

        monkeypatch.setattr(pdf, "render_document", counting)  # typeset takes it from the engine as it lays out


def build(project: Path, out: Path, cache: bool) -> dict[str, bytes]:
    return build_noting(project, out, cache)[0]


def build_noting(project: Path, out: Path, cache: bool) -> tuple[dict[str, bytes], tuple]:
    """The built files by name, and the build's diagnostics."""
    # (an identifier of its own, as a config gives: else it is derived from the text)
    options = dataclasses.replace(
        one_off_edition([project / "book.txt"]),
        name="book",
        metadata=MetadataOverrides(identifier="urn:uuid:0f6e2a1c-3b7d-4e5f-9a8b-1c2d3e4f5a6b"),
        print=PrintOptions(enabled=True, trim="5.5x8.5", width_in=5.5, height_in=8.5),
    )
    opts = BuildOptions(
        out_dir=str(out),
        project_dir=str(project),
        source_date_epoch=EPOCH,
        cache_dir=str(out / ".cache") if cache else "",
    )
    result = build_edition(options, opts)
    return {name: (out / name).read_bytes() for name in FILES}, result.diagnostics


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A build with a cache, kept for the tests below."""
    project = tmp_path_factory.mktemp("project")
    source(project)
    out = project / "out"
    return out, build(project, out, cache=True)


def changed_project(tmp: Path, out: Path, change: str) -> Path:
    """A project of the text with one sentence changed, and the first
    build's kept parts in its output folder."""
    project = tmp / "project"
    project.mkdir()
    source(project, change=change)
    shutil.copytree(out / ".cache", project / "out" / ".cache")
    return project


def test_nothing_changed_typesets_nothing(first, monkeypatch, tmp_path):
    out, files = first
    layouts = Layouts(monkeypatch)
    again = build(out.parent, out, cache=True)
    assert layouts.titles == []
    assert again == files


def test_parts_kept_with_deferred_subsets_are_not_taken_by_a_build_that_cannot_make_them(first, monkeypatch, tmp_path):
    """The parts kept by a build that left its faces' subsets to the book
    (``subsets``) are typeset again by a build without uharfbuzz, which
    cannot make those subsets: its parts embed their own, and the files
    hold no deferral."""
    from editionbuilder.writers.print import subsets

    out, _files = first
    project = changed_project(tmp_path, out, "")
    real = subsets.importlib.util.find_spec
    monkeypatch.setattr(subsets.importlib.util, "find_spec", lambda name: None if name == "uharfbuzz" else real(name))
    layouts = Layouts(monkeypatch)
    again = build(project, project / "out", cache=True)
    assert len(layouts.titles) > 10 and layouts.sheets > 10  # every part and sheet, of both PDFs
    for name in ("book.pdf", "book-press.pdf"):
        with pikepdf.open(io.BytesIO(again[name])) as doc:
            programs, _users = _programs(doc)
            assert len({objgen for objs in programs.values() for objgen in objs}) > len(programs)  # a subset a part
            for objs in programs.values():
                for objgen in objs:
                    assert subsets.read_deferral(doc.get_object(objgen).read_bytes()) is None


def test_one_changed_sentence_typesets_its_part_only_and_equals_a_clean_build(first, monkeypatch, tmp_path):
    out, files = first
    project = changed_project(tmp_path, out, "But if we arrive at that point, we shall at the same time")
    layouts = Layouts(monkeypatch)
    incremental = build(project, project / "out", cache=True)
    # the changed part, once for each PDF (press and screen), again only to
    # mend it (a note set off its page, a word broken at a recto's foot),
    # and nothing else (the title: the source's capitals in the edition's case)
    assert set(layouts.titles) == {"Introduction"} and len(layouts.titles) >= 2
    clean = build(project, tmp_path / "clean", cache=False)
    assert incremental == clean
    assert incremental["book-press.pdf"] != files["book-press.pdf"]


def test_a_part_that_grows_moves_the_parts_after_it(first, monkeypatch, tmp_path):
    """A changed part with another page count: the parts after it start on
    other folios, some on the other side (in the screen PDF, where a part
    opens on the next page), but their layouts are kept: only their margins
    (running heads, folios) are laid out again, and their text moved to the
    other side's margins. The parts before it are kept; the contents (front
    matter) follow; the result is a clean build's (which lays every part
    out at its folio)."""
    out, _files = first
    project = changed_project(tmp_path, out, "But if we arrive at that, " + "we shall at the same time " * 400)
    layouts = Layouts(monkeypatch)
    incremental = build(project, project / "out", cache=True)
    # the grown part and the contents, in each PDF, and nothing after the grown part
    assert set(layouts.titles) == {"Introduction", "Socialism: Utopian and Scientific"}
    assert set(layouts.press) == {"Introduction", "Socialism: Utopian and Scientific"}
    assert layouts.sheets  # the moved parts' margins
    # (a guard: the book has parts after the changed one, the screen PDF's bookmarks say)
    with pikepdf.open(out / "book.pdf") as doc, doc.open_outline() as outline:
        parts = [item.title for item in outline.root]
    assert "Introduction" in parts[:-1], parts
    assert build(project, tmp_path / "clean", cache=False) == incremental


def test_a_damaged_kept_part_is_discarded_reported_and_typeset_again(first, monkeypatch, tmp_path):
    """A kept part's PDF cut short, another's overwritten: both are found by
    their digests, reported, typeset again, and the book is a clean build's."""
    out, files = first
    project = changed_project(tmp_path, out, "")
    # (the first two parts by digest; a margin sheet is kept with no words)
    kept = sorted((project / "out/.cache/typeset").glob("*.pdf"))
    parts = [p for p in kept if json.loads(p.with_suffix(".json").read_text())["words"]]
    assert len(parts) < len(kept)
    parts[0].write_bytes(parts[0].read_bytes()[:500])
    parts[1].write_bytes(b"%PDF-1.7 not the part that was kept")
    layouts = Layouts(monkeypatch)
    again, diagnostics = build_noting(project, project / "out", cache=True)
    # the two damaged parts (which two depends on their digests), each
    # perhaps again to mend it (a note set off its page, a word broken at a
    # recto's foot), nothing else
    assert layouts.titles and len(set(layouts.titles)) <= 2
    discarded = [d for d in diagnostics if d.code == "cache-entry-discarded"]
    assert len(discarded) == 2 and all("typeset again" in d.message for d in discarded)
    assert again == files


def test_the_cache_keeps_only_what_the_last_build_used(first):
    out, _files = first
    kept = {p.stem for p in (out / ".cache/typeset").glob("*.pdf")}
    manifests = list((out / ".cache/typeset").glob("*.manifest.json"))
    assert len(manifests) == 2  # the press and the screen PDF
    used = set().union(*(json.loads(m.read_text())["parts"] for m in manifests))
    assert kept == used


def test_a_part_knows_whether_it_may_hold_a_figure(first):
    """Each kept part says whether its HTML holds an element WeasyPrint
    tags as a figure (``typeset._FIGURES``: an image, an inline SVG
    drawing): the Engels text has none, so the join walks none of its
    parts' structure elements for one (``assemble._shift_figures``)."""
    out, _files = first
    metas = [json.loads(p.read_text()) for p in (out / ".cache/typeset").glob("*.json") if "manifest" not in p.name]
    texts = [m for m in metas if m["words"]]  # (not the margin sheets)
    assert texts and all(m["figures"] is False for m in texts)
    for html in ('<p>A dot:</p><IMG src="dot.png" alt="">', '<image src="dot.png">', '<svg viewBox="0 0 1 1"></svg>'):
        assert typeset._FIGURES.search(html), html
    assert not typeset._FIGURES.search("<p>An image (svg or png): &lt;img&gt;, <imgs>, <svgish></p>")


# A PNG of one black pixel.
_DOT = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYGAAAAAEAAH2FzhVAAAAAElFTkSuQmCC"
)


def _figure_boxes(data: bytes) -> list[list[float]]:
    """The layout box (/A /BBox) of every Figure structure element of a PDF."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as doc:
        todo = [doc.Root.StructTreeRoot]
        while todo:
            element = todo.pop()
            if isinstance(element, pikepdf.Dictionary):
                if element.get("/S") == pikepdf.Name.Figure:
                    found.append([float(v) for v in element.A.BBox])
                kids = element.get("/K")
                todo.extend(kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else [])
    return found


def _part_task(key: str, body: str) -> typeset.PartTask:
    """A part of the screen PDF (tagged) holding ``body``, from folio 1."""
    from editionbuilder.templating import STYLE_DIR

    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head><body>'
        f'<section class="part" id="{key}">{body}</section></body></html>'
    )
    sheets = tuple(STYLE_DIR / name for name in ("base.css", "print.css", "screen.css"))
    return part_task(html, sheets, GEOMETRY, "pdf/ua-1", key=key)


def test_a_figures_box_moves_with_its_page_in_a_part_that_holds_one(monkeypatch):
    """A part laid out with an image says it holds a figure, and joined
    where it opens on a verso (its content moved by ``shift`` points), the
    image's layout box moves with it, in CSS px; a part of text alone says
    it holds none, and its structure elements are not walked for one."""
    from editionbuilder.writers.print import assemble

    body = f'<p>Before the image.</p><p><img src="{_DOT}" alt="A dot" style="width: 30px; height: 30px"></p>'
    pictured = typeset.typeset_part(_part_task("pictured", body))
    plain = typeset.typeset_part(_part_task("plain", "<p>Only text.</p>"))
    assert pictured.figures is True and plain.figures is False
    (before,) = _figure_boxes(pictured.pdf)
    front = assemble.PartPdf(plain.pdf, frozenset())
    moved = dataclasses.replace(typeset._with_sheet(pictured, [], 9.0), margins=None)
    (after,) = _figure_boxes(assemble.assemble([front, moved]))
    assert after == pytest.approx([before[0] + 12.0, before[1], before[2] + 12.0, before[3]])  # 9 pt is 12 px
    walked: list[int] = []
    monkeypatch.setattr(assemble, "_shift_figures", lambda elements, shifts: walked.append(len(elements)))
    assemble.assemble([front, dataclasses.replace(typeset._with_sheet(plain, [], 9.0), margins=None)])
    assert walked == []
    assemble.assemble([front, moved])
    assert len(walked) == 1


def test_a_part_kept_as_it_came_and_not_taken_is_dropped_at_the_end(tmp_path):
    """A parallel build keeps each part as its worker hands it back, before
    the book knows it takes it (``PartCache.put``). At the end of the build
    (``finish``) what it kept and did not take is removed with what the last
    build kept and this one did not take, and with what a build stopped
    before its end kept and this one did not take; what it took stays, and
    so does what other PDFs keep in the folder."""

    def part(pages: int) -> typeset.PartResult:
        return typeset.PartResult(b"%PDF-1.7 " + bytes(pages), pages, {}, (), (), (), (), (), (), ())

    last = typeset.PartCache(tmp_path, "book.screen", "code")
    for key in ("kept", "old"):
        last.put(key, part(1))
        last.get(key)
    last.finish(2)
    other = typeset.PartCache(tmp_path, "book.press", "code")
    other.put("press", part(1))
    other.get("press")
    other.finish(1)
    stopped = typeset.PartCache(tmp_path, "book.screen", "code")  # a build stopped before its end
    stopped.put("from-a-stopped-build", part(4))
    stopped.put("taken-again", part(5))
    build = typeset.PartCache(tmp_path, "book.screen", "code")
    assert build.get("kept") is not None and build.get("taken-again") is not None
    build.put("new", part(2))
    build.put("at-another-folio", part(3))
    build.get("new")
    build.finish(3)
    names = {p.stem for p in tmp_path.glob("*.pdf")}
    assert names == {"kept", "new", "press", "taken-again"}
    assert json.loads((tmp_path / "book.screen.manifest.json").read_text())["parts"] == ["kept", "new", "taken-again"]
    assert not list(tmp_path.glob("*.written"))  # noted until the build's end


def test_the_measures_log_is_kept_by_edition_and_code_and_started_afresh_when_long(tmp_path, monkeypatch):
    """The log of the widths and breaks an edition's layouts found is kept
    in the cache folder (``PartCache.measures_log``), one for both its
    PDFs, named by the code that typesets: a log of other code goes, and so
    does one grown past ``MEASURES_KEPT_MAX``; another edition's stays."""
    monkeypatch.setattr(typeset, "MEASURES_KEPT_MAX", 100)
    old, other = tmp_path / "book.measures-0123456789abcdef.log", tmp_path / "other.measures-fedcba9876543210.log"
    for path in (old, other):
        path.write_bytes(b"x" * 10)
    code = "c0de" * 16
    log = Path(typeset.PartCache(tmp_path, "book.screen", code).measures_log)
    assert log == tmp_path / f"book.measures-{code[:16]}.log"
    assert not old.exists() and other.exists()
    log.write_bytes(b"x" * 100)
    assert typeset.PartCache(tmp_path, "book.press", code).measures_log == str(log)
    assert log.stat().st_size == 100  # as long as allowed: kept
    log.write_bytes(b"x" * 101)
    assert typeset.PartCache(tmp_path, "book.press", code).measures_log == str(log)
    assert not log.exists()  # too long: a new one is begun
    assert typeset.PartCache(None, "book.press", code).measures_log == ""


# --------------------------------------------------------------------------
# The joined file
# --------------------------------------------------------------------------


def page_text(path: Path, page: int) -> str:
    """The text of one page, its words joined by single spaces."""
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.split())


def test_links_bookmarks_and_tags_of_the_joined_screen_pdf(first):
    out, _files = first
    path = out / "book.pdf"
    with pikepdf.open(path) as doc:
        index = {p.obj.objgen: n for n, p in enumerate(doc.pages, start=1)}
        dests = dict(pikepdf.NameTree(doc.Root.Names.Dests).items())
        links = [
            (n, str(a.Dest)) for n, p in enumerate(doc.pages, start=1) for a in p.obj.get("/Annots", ()) if "/Dest" in a
        ]
        assert len(links) > 15
        for _page, name in links:  # every link lands on a page of the book
            assert name in dests and dests[name][0].objgen in index
        # the contents' lines go to the pages that open their parts
        for name, heading in (("ch001", "Publisher’s Note"), ("ch002", "Introduction")):
            assert (name in {n for page, n in links if page <= 6}) and name in dests
            assert page_text(path, index[dests[name][0].objgen]).startswith(heading)
        # bookmarks: one chain, each to a page of the book
        item, seen = doc.Root.Outlines.First, 0
        while item is not None:
            assert item.Dest[0].objgen in index
            seen += 1
            item = item.get("/Next")
        assert seen >= 5
        # tags: every marked page and link has its entry in the parent tree
        root = doc.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        keys = {int(k) for k in nums[::2]}
        assert int(root.ParentTreeNextKey) == max(keys) + 1
        for page in doc.pages:
            if "/StructParents" in page.obj:
                assert int(page.obj.StructParents) in keys
            for annot in page.obj.get("/Annots", ()):
                assert int(annot.StructParent) in keys
        values = dict(zip((int(k) for k in nums[::2]), nums[1::2], strict=True))
        for page in doc.pages:  # a page's marked content belongs to elements on that page
            for element in values.get(int(page.obj.get("/StructParents", -1)), ()):
                if isinstance(element, pikepdf.Dictionary) and "/Pg" in element:
                    assert element.Pg.objgen == page.obj.objgen


def test_one_copy_of_the_colour_profile_in_the_press_file(first):
    out, _files = first
    with pikepdf.open(out / "book-press.pdf") as doc:
        profiles = {
            obj.objgen for obj in doc.objects if isinstance(obj, pikepdf.Stream) and "/N" in obj and obj.get("/N") == 4
        }
        assert len(profiles) == 1
        intent = doc.Root.OutputIntents[0]
        assert intent.DestOutputProfile.objgen in profiles


@pytest.mark.parametrize(
    ("trim", "width_in", "height_in"),
    [("a5", 148 / 25.4, 210 / 25.4), ("140x216mm", 140 / 25.4, 216 / 25.4), ("5x8", 5.0, 8.0)],
)
def test_trim_sizes_reach_the_pages(tmp_path, trim, width_in, height_in):
    """A5, a custom size in millimetres and 5 x 8 in: every page of the
    book is that size (the film page, a short book: its screen PDF)."""
    from editionbuilder.config import load_config
    from paths import ROOT

    options = next(e for e in load_config(ROOT / "editions.toml").editions if e.name == "film")
    options = dataclasses.replace(options, print=PrintOptions(trim=trim, width_in=width_in, height_in=height_in))
    build_edition(
        options, BuildOptions(out_dir=str(tmp_path), project_dir=str(ROOT), formats=("pdf",), source_date_epoch=EPOCH)
    )
    with pikepdf.open(tmp_path / "film.pdf") as doc:
        sizes = {(float(p.obj.MediaBox[2]), float(p.obj.MediaBox[3])) for p in doc.pages}
    assert len(sizes) == 1  # (the page size is written to 1/10,000 in: within 0.02 pt)
    assert all(abs(w - width_in * 72) < 0.02 and abs(h - height_in * 72) < 0.02 for w, h in sizes)


GERMAN = (
    "Die Gewerkschaftsbewegung veränderte die Arbeitsverhältnisse der Verwaltungsangestellten "
    "grundlegend, und die Donaudampfschifffahrtsgesellschaft verhandelte mit ihren Betriebsräten "
    "über Arbeitszeitverkürzungen, Lohnfortzahlungen und Kündigungsschutzbestimmungen. "
)


def test_hyphenation_follows_the_editions_language(tmp_path):
    """A German edition is hyphenated by German rules: every word broken at
    a line end is broken where German hyphenation allows, and some where
    English would not."""
    import pyphen

    from editionbuilder.options import MetadataOverrides as Meta

    src = tmp_path / "buch.txt"
    src.write_text("Ein Buch\n\nvon Jemand\n\n" + "\n\n".join(GERMAN * 3 for _ in range(8)) + "\n", encoding="utf-8")
    options = dataclasses.replace(
        one_off_edition([src]),
        metadata=Meta(language="de"),
        print=PrintOptions(trim="5x8", width_in=5.0, height_in=8.0),
    )
    build_edition(
        options,
        BuildOptions(out_dir=str(tmp_path), project_dir=str(tmp_path), formats=("pdf",), source_date_epoch=EPOCH),
    )
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(tmp_path / "buch.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    # a line ending in WeasyPrint's hyphen (U+2010) and the word's rest, in
    # letters, on the next line (a word broken across a page, whose next
    # line is the folio, is left out)
    broken = re.findall(r"([^\W\d_]+)\u2010\n([^\W\d_]+)", text)
    german, english = pyphen.Pyphen(lang="de_DE"), pyphen.Pyphen(lang="en_US")
    assert len(broken) >= 5
    for head, tail in broken:
        assert len(head) in german.positions(head + tail), (head, tail)
    assert any(len(head) not in english.positions(head + tail) for head, tail in broken)


def _programs(doc: pikepdf.Pdf) -> tuple[dict[str, set[tuple[int, int]]], dict[tuple[int, int], set]]:
    """The font programs (their objects) of each font name the pages and
    their margin sheets (form XObjects) use, and the font dictionaries
    that use each program."""
    programs: dict[str, set[tuple[int, int]]] = {}
    users: dict[tuple[int, int], set] = {}
    for page in doc.pages:
        todo = [page.Resources]
        while todo:
            resources = todo.pop()
            for font in resources.get("/Font", {}).values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                programs.setdefault(str(font.BaseFont), set()).add(program.objgen)
                users.setdefault(program.objgen, set()).add(font.objgen)
            todo += [x.Resources for x in resources.get("/XObject", {}).values() if "/Resources" in x]
    return programs, users


def test_the_joined_file_holds_one_subset_of_each_face_with_a_tag_of_its_own(first):
    """The parts leave their subsets of the book's faces to the book
    (``subsets``): the joined file holds one program for each face, every
    part's fonts of the face pointing to it, each tagged from its own bytes
    (different subsets in one file have different tags, ISO 32000-1, 9.6.4)."""
    out, _files = first
    for name in ("book-press.pdf", "book.pdf"):
        with pikepdf.open(out / name) as doc:
            programs, users = _programs(doc)
            assert len(programs) > 3 and all(len(p) == 1 for p in programs.values())
            assert all(re.match(r"/[A-Z]{6}\+Edition-", tag) for tag in programs)
            assert len({tag[1:7] for tag in programs}) == len(programs)
            # the text face's program serves the fonts of every part and margin sheet
            (text,) = next(objs for name, objs in programs.items() if name.endswith("+Edition-Text"))
            assert len(users[text]) > 10


def test_page_references_kept_while_writing_give_the_same_file():
    """pydyf makes the list of page references anew each time WeasyPrint
    reads it (for every element it tags): the writer keeps it while a file
    is written (``engine._page_references_kept``), made again when a page
    is added. A tagged file of some pages, and one longer written in the
    same keeping, are the bytes WeasyPrint writes without it."""
    import pydyf

    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.writers.print.pdfx import write_options

    g = GEOMETRY
    text = ENGELS.read_bytes().decode("latin-1").split("\r\n\r\n")[40:140]

    def rendered(paragraphs: int) -> pdf.Rendered:
        body = "".join(f'<p id="p{n}"><a href="#p{n // 2}">{t}</a></p>' for n, t in enumerate(text[:paragraphs]))
        return pdf.render_document(screen_job(body), Diagnostics())

    short, long = rendered(30), rendered(100)
    assert 3 < short.pages < long.pages
    made = pydyf.PDF.page_references
    with pdf._flate_level(pdf.FLATE_LEVEL):  # as ``Rendered.pdf`` writes (its own test below)
        plain = [r.document.write_pdf(**write_options(None, g, "pdf/ua-1")) for r in (short, long)]
        with pdf._page_references_kept():
            assert pydyf.PDF.page_references is not made
            kept = [r.document.write_pdf(**write_options(None, g, "pdf/ua-1")) for r in (short, long)]
    assert pydyf.PDF.page_references is made
    assert kept == plain
    assert short.pdf() == plain[0]


def test_a_part_is_written_at_zlib_s_default_level(monkeypatch):
    """pydyf compresses a PDF's streams at zlib's slowest level (9); a part
    is written at ``FLATE_LEVEL`` (6, zlib's default: ``_flate_level``).
    Its streams say so in their zlib header and hold what WeasyPrint's own
    file of the same pages holds (but the cross-reference stream: the
    objects' offsets, which the streams' sizes move); pydyf's ``zlib`` is
    given back after the file is written, and after a write that failed."""
    import zlib

    import pydyf
    import weasyprint.pdf.fonts as wfonts

    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.writers.print.pdfx import write_options

    text = ENGELS.read_bytes().decode("latin-1").split("\r\n\r\n")[40:70]
    rendered = pdf.render_document(screen_job("".join(f"<p>{t}</p>" for t in text)), Diagnostics())
    ours = rendered.pdf()
    assert pydyf.zlib is zlib
    plain = rendered.document.write_pdf(**write_options(None, GEOMETRY, "pdf/ua-1"))

    def streams(data: bytes) -> list[tuple[bytes, bool, bytes]]:
        """Each Flate stream's zlib header, whether it is the cross-reference
        stream, and its content."""
        with pikepdf.open(io.BytesIO(data)) as doc:
            return [
                (s.read_raw_bytes()[:2], s.get("/Type") == "/XRef", s.read_bytes())
                for s in doc.objects
                if isinstance(s, pikepdf.Stream) and s.get("/Filter") == "/FlateDecode"
            ]

    mine, theirs = streams(ours), streams(plain)
    assert len(mine) == len(theirs) > 3 and any(xref for _, xref, _ in mine)
    assert {head for head, _, _ in mine} == {b"\x78\x9c"}  # zlib's header for its default level
    assert {head for head, _, _ in theirs} == {b"\x78\xda"}  # and for 9, pydyf's
    assert [c for _, xref, c in mine if not xref] == [c for _, xref, c in theirs if not xref]

    seen = []

    def broken(*args, **kwargs):
        seen.append(pydyf.zlib)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wfonts, "_build_vector_font_dictionary", broken)
    with pytest.raises(Exception, match="space"):
        rendered.pdf()
    assert seen and isinstance(seen[0], pdf._FlateAt) and seen[0].level == pdf.FLATE_LEVEL
    assert pydyf.zlib is zlib


def test_pages_that_match_the_same_page_rules_share_their_styles():
    """WeasyPrint computes the styles of each page and of its 16 margin
    boxes anew for every page; while a document is laid out
    (``engine._page_styles_shared``), a page that matches the same
    ``@page`` rules as an earlier one takes its styles. The rules here
    select by side, firstness, blankness, page name and ``:nth()`` (of the
    document, and of a named group), and a page number printed in the text
    (``target-counter``) makes WeasyPrint lay its page out again: the pages
    print what each rule says, as many page styles are computed as there
    are kinds of page, and the file is the bytes WeasyPrint writes without
    sharing. A second document laid out in the same sharing, with other
    rules, takes none of the first one's styles."""
    import weasyprint
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import page as wpage

    rules = """
        @page { size: 300px 200px; margin: 40px 6vw;
                @top-left { content: "side:right"; } @bottom-center { content: counter(page); } }
        @page :left { @top-left { content: "side:left"; } }
        @page :first { @top-left { content: "first"; } }
        @page :blank { @top-left { content: "blank"; } }
        @page :nth(3n) { @top-right { content: "third"; } }
        @page chap { @top-center { content: "chap"; } }
        @page chap:nth(1 of chap) { @top-center { content: "opens"; } }
        section { page: chap; break-before: right; }
        p { break-after: page; margin: 0; }
        a::after { content: " p. " target-counter(attr(href), page); }
        """
    other = """
        @page { size: 320px 220px; margin: 30px; @bottom-right { content: "other " counter(page); } }
        @page :right { @top-right { content: "R"; } }
        p { break-after: page; margin: 0; }
        """
    body = "".join(
        f'<section id="c{c}">{"".join(f"<p>c{c}p{n}</p>" for n in range(paragraphs))}</section>'
        for c, paragraphs in enumerate((3, 4, 2, 5))
    )
    book = f'<!DOCTYPE html><html><head><title>T</title></head><body><p><a href="#c3">last</a></p>{"<p>front</p>" * 4}{body}</body></html>'
    leaflet = f"<!DOCTYPE html><html><head><title>L</title></head><body>{'<p>leaf</p>' * 6}</body></html>"

    def written(html: str, css: str) -> tuple[bytes, list[list[str]], list, str]:
        document = weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(string=css)])
        types = [page._page_box.page_type for page in document.pages]
        heads = [
            [
                text.text
                for box in page._page_box.children
                if isinstance(box, boxes.MarginBox)
                for text in box.descendants()
                if isinstance(text, boxes.TextBox)
            ]
            for page in document.pages
        ]
        first_page = " ".join(t.text for t in document.pages[0]._page_box.descendants() if isinstance(t, boxes.TextBox))
        return document.write_pdf(), heads, types, first_page

    plain = written(book, rules)
    plain_leaflet = written(leaflet, other)
    made = wpage.set_page_type_computed_styles
    styled: list = []

    def counted(page_type, html, style_for):
        styled.append(page_type)
        made(page_type, html, style_for)

    wpage.set_page_type_computed_styles = counted
    try:
        with pdf._page_styles_shared():
            shared = written(book, rules)
            book_styled = len(styled)
            shared_leaflet = written(leaflet, other)
    finally:
        wpage.set_page_type_computed_styles = made
    assert shared[0] == plain[0]
    assert shared[1:] == plain[1:]
    assert shared_leaflet == plain_leaflet
    _pdf, heads, types, first_page = shared
    pages = len(heads)
    assert pages >= 16
    # What the rules print: "first" on the first page, the side on the
    # others (or "blank", before a chapter that opens on a right-hand
    # page), "third" on every third page, "opens" on each chapter's first
    # page and "chap" on its others, the folio on every page; and the page
    # the last chapter opens on, in the text of the first.
    assert heads[0][0] == "first"
    assert {h[0] for h in heads[1:]} == {"side:left", "side:right", "blank"}
    assert [n + 1 for n, h in enumerate(heads) if "third" in h] == list(range(3, pages + 1, 3))
    chapters = [h for t, h in zip(types, heads, strict=True) if t.name == "chap" and not t.blank]
    assert sum("opens" in h for h in chapters) == 4
    assert all(("opens" in h) != ("chap" in h) for h in chapters)
    assert [h[-1] for h in heads] == [str(n) for n in range(1, pages + 1)]
    last_opening = max(n + 1 for n, h in enumerate(heads) if "opens" in h)
    assert f"p. {last_opening}" in first_page
    # A page is styled once for each kind (its side, blankness, name,
    # firstness, and what the two :nth() rules say of it), and again where
    # WeasyPrint lays the first of a kind out again: the same page type.
    kinds = {
        (t.side, t.blank, t.name, t.index == 0, "third" in h, "opens" in h) for t, h in zip(types, heads, strict=True)
    }
    assert book_styled < pages
    assert len(set(styled[:book_styled])) == len(kinds)
    assert len(set(styled[book_styled:])) == len({(t.side, t.blank, t.name, t.index == 0) for t in shared_leaflet[2]})


# --------------------------------------------------------------------------
# A part's margins, left to its sheet
# --------------------------------------------------------------------------


def test_a_part_of_the_text_lays_out_no_margin_box_and_knows_its_folios():
    """A part of the text makes no margin box (``engine._margins_apart``):
    its margin sheet prints them. Which of its pages carry a folio, and
    which folio, is what laying its hidden folio box out gives, with a
    stylesheet that leaves the folio off some pages (a part's first page
    and its versos here); its pages are drawn alike."""
    from editionbuilder.diagnostics import Diagnostics
    from editionbuilder.writers.print import typeset
    from printkit import page_images

    paragraphs = "".join(f"<p>{'Words of a part, one after another. ' * 60}{n}</p>" for n in range(12))
    body = f'<section class="part" id="p"><h1>Part</h1>{paragraphs}</section>'
    own = typeset.part_css() + "@page main:first { @bottom-center { content: none } }\n"
    own += "@page main:left { @bottom-center { content: normal } }\n"
    laid = {
        apart: pdf.render_document(screen_job(body, part_css=own, margins_apart=apart), Diagnostics())
        for apart in (False, True)
    }
    printed = laid[True].flow().printed
    assert printed == laid[False].flow().printed
    assert len(printed) > 4 and printed[0] == "" and printed[2] == "3" and printed[1] == printed[3] == ""
    margins = [
        child
        for page in laid[True].document.pages
        for child in page._page_box.children
        if isinstance(child, pdf.wboxes.MarginBox)
    ]
    assert margins == [] and any(
        isinstance(child, pdf.wboxes.MarginBox) for child in laid[False].document.pages[2]._page_box.children
    )
    assert page_images([laid[True].pdf()]) == page_images([laid[False].pdf()])
