"""The EPUB's cover image drawn without WeasyPrint (writers/cover_image.py),
against WeasyPrint's layout and pdftoppm's pixels of the same page: the
same lines, set at the same places, in an image that differs only where
the two rasterisers anti-alias a glyph's edge differently."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import Metadata
from editionbuilder.writers import cover, cover_image
from editionbuilder.writers.print.engine import PdfJob, render_document
from editionbuilder.writers.print.fonts import DEFAULT_FONTS

SIZE = cover.COVER_PX
# Covers of every kind the front shows: titles of each size class, broken
# over one to four lines; subtitles; one, two and three authors, a name
# wider than the line (it overflows, set from the left); a publisher in
# capitals; Greek, Cyrillic, German; ligatures, quotes and an ampersand.
COVERS = [
    Metadata(title="Emma"),
    Metadata(
        title="The Principles of Scientific Management",
        subtitle="A Study in Method",
        authors=("Frederick Winslow Taylor", "Jane Doe"),
        publisher="Harper & Brothers",
    ),
    Metadata(
        title="A Very Long Title That Goes On and On Through Several Lines of Display Type Without End",
        subtitle="And a subtitle that itself is rather long for a cover",
        authors=("A. B. Cdefgh", "Ijk Lmn", "Op Qrs"),
        publisher="Office of Affairs Press",
    ),
    Metadata(title="Οδύσσεια", authors=("Όμηρος",), language="el"),
    Metadata(title="Война и мир", authors=("Лев Толстой",), publisher="Penguin", language="ru"),
    Metadata(title="Die Leiden des jungen Werthers", authors=("Johann Wolfgang von Goethe",), language="de"),
    Metadata(
        title="The Affair of the “Official” Figures", subtitle="Fifty Essays, ’Tis Said", authors=("Ffion Griffiths",)
    ),
    Metadata(title="On Liberty", subtitle="With an Introduction", publisher="The Office of Public Affairs, Washington"),
    # Where UAX #14 gives no break at a space (before a colon or a question
    # mark, after an opening bracket, between a quote and a bracket), and
    # where it gives one without a space (after "?" before "(", after "."
    # before digits).
    Metadata(title="Le Virginia Woolf : roman", subtitle="Roman rose ?", language="fr"),
    Metadata(title="Who “Asking” (1815)", subtitle="What Asking ( Yes )"),
    Metadata(title="Who Say Asking?(Yes)", subtitle="Who Say Asking.1999"),
    # Letter-spaced clusters: a letter and its combining mark (NFD), joined
    # letters.
    Metadata(title="Amélie", authors=("Rene\u0301e Ab\u200dcd",), publisher="Ame\u0301lie Press"),
    # A no-break space ending a line stays (only spaces hang); letter-spaced
    # capitals whose line is within a tenth of a pixel of the measure
    # (Pango's sizes and spacing are in 1/1024 px, truncated).
    Metadata(title="Emma\u00a0", authors=("Jane Austen\u00a0",), publisher="Penguin\u00a0"),
    Metadata(
        title="Mansfield Park.\u00a0 Unabridged and Annotated Edition", publisher="Dutton Owls Monument Oxford Press"
    ),
]


def _faces() -> tuple[str, str]:
    return cover._front_faces()


def _drawing(md: Metadata, size: tuple[int, int] = SIZE, extra_dirs: tuple[str, ...] = ()) -> cover.Drawing:
    return cover.cover_page(md, extra_dirs, Path.cwd(), size)


Line = tuple[float, tuple[tuple[str, float], ...]]  # baseline, and each run's text and left edge


def _weasyprint_lines(drawing: cover.Drawing) -> list[Line]:
    """WeasyPrint's lines of the page: each baseline, and the text boxes on
    it (one an inline box and line), in order, a line's white space at its
    end left out."""
    job = PdfJob(drawing.source, (drawing.sheet,), drawing.css, DEFAULT_FONTS, drawing.project_dir)
    page = render_document(job, Diagnostics()).document.pages[0]._page_box
    found: dict[float, list[tuple[float, str]]] = {}
    stack = [page]
    while stack:
        box = stack.pop()
        if type(box).__name__ == "TextBox" and box.text:
            found.setdefault(round(box.position_y + box.baseline, 3), []).append((box.position_x, box.text))
        stack.extend(getattr(box, "children", ()))
    lines = []
    for baseline, boxes in sorted(found.items()):
        runs = [(text, x) for x, text in sorted(boxes)]
        runs[-1] = (runs[-1][0].rstrip(" "), runs[-1][1])
        lines.append((baseline, tuple(run for run in runs if run[0])))
    return lines


def _our_lines(drawing: cover.Drawing) -> list[Line]:
    sheet = cover_image._sheet(drawing.sheet, cover_image._stamp(drawing.sheet))
    page = cover_image._layout(drawing.text, drawing.size, sheet, *(cover_image._face(f) for f in _faces()))
    lines = []
    for block in page.blocks:
        for x, baseline, pieces in block.lines:
            runs, at = [], x
            for piece in pieces:
                runs.append((piece, at))
                at += block.style.width(piece)
            lines.append((baseline, tuple(runs)))
    return sorted(lines)


def _texts(lines: list[Line]) -> list[list[str]]:
    return [[text for text, _ in runs] for _, runs in lines]


def _same_places(ours: list[Line], theirs: list[Line]) -> None:
    assert _texts(ours) == _texts(theirs)
    for (baseline, runs), (their_baseline, their_runs) in zip(ours, theirs, strict=True):
        assert abs(baseline - their_baseline) < 0.1, runs
        for (text, x), (_, their_x) in zip(runs, their_runs, strict=True):
            assert abs(x - their_x) < 0.1, (text, x, their_x)


@pytest.mark.parametrize("md", COVERS, ids=[md.title[:20] for md in COVERS])
def test_every_line_is_broken_and_placed_as_weasyprint_sets_it(md):
    drawing = _drawing(md)
    assert drawing.packaged
    _same_places(_our_lines(drawing), _weasyprint_lines(drawing))


def test_a_smaller_image_is_laid_out_alike():
    drawing = _drawing(COVERS[2], (400, 640))
    _same_places(_our_lines(drawing), _weasyprint_lines(drawing))


def _weasyprint_png(drawing: cover.Drawing) -> bytes:
    return cover.rasterise(cover._page_pdf(drawing, Diagnostics()), drawing.size)


def _difference(a: bytes, b: bytes, scale: int) -> tuple[float, int]:
    """The mean and the largest difference of two images' grey levels, each
    pixel a block of ``scale`` x ``scale`` pixels averaged."""
    images = [Image.open(io.BytesIO(png)).convert("L") for png in (a, b)]
    size = (images[0].width // scale, images[0].height // scale)
    small = [image.resize(size, Image.Resampling.BOX) for image in images]
    diff = ImageChops.difference(*small)
    return ImageStat.Stat(diff).mean[0], diff.getextrema()[1]


@pytest.mark.parametrize("md", COVERS, ids=[md.title[:20] for md in COVERS])
def test_the_image_differs_from_weasyprints_only_by_anti_aliasing(md):
    """Pillow sets each line at a whole pixel and hints the glyphs;
    pdftoppm sets them where the PDF puts them: edges differ by a pixel at
    most. Averaged over blocks of 16 x 16 pixels, little is left of that
    (on these covers: a mean of 0.08 to 0.40 grey levels, at most 26 in
    one block); the same image moved by 2 pixels differs by 34 to 50 in
    some block, a cover with another subtitle by 107."""
    drawing = _drawing(md)
    ours = cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces())
    assert ours is not None and ours.startswith(b"\x89PNG")
    theirs = _weasyprint_png(drawing)
    mean, largest = _difference(ours, theirs, 16)
    assert mean < 0.5 and largest < 30, (mean, largest)
    moved = io.BytesIO()
    ImageChops.offset(Image.open(io.BytesIO(ours)), 0, 2).save(moved, "PNG")
    assert _difference(moved.getvalue(), theirs, 16)[1] >= 30
    other = _drawing(Metadata(**{**_fields(md), "subtitle": "A subtitle of other words, set in italic"}))
    assert _difference(cover_image.front_png(other.text, SIZE, other.sheet, *_faces()) or b"", theirs, 16)[1] >= 30


def _fields(md: Metadata) -> dict:
    return {"title": md.title, "subtitle": md.subtitle, "authors": md.authors, "publisher": md.publisher}


def test_the_image_has_the_size_colours_and_frame_of_the_design():
    drawing = _drawing(Metadata(title="Emma", authors=("Jane Austen",)))
    png = cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces())
    assert png is not None
    image = Image.open(io.BytesIO(png))
    assert image.size == SIZE and image.mode == "RGB"
    paper, accent = (0xF3, 0xEC, 0xDC), (0x7A, 0x1F, 0x1B)
    # The double frame, 5rem (80 px) in, 0.6rem (9.6 px) wide: a rule, a
    # gap and a rule of 3.2 px each; a pixel the edge of a rule crosses is
    # painted in proportion (pixel 83: a fifth of it is rule).
    row = [image.getpixel((x, 1280)) for x in range(78, 91)]
    assert row[:2] == [paper] * 2 and row[2:5] == [accent] * 3 and row[6:8] == [paper] * 2
    assert row[9:11] == [accent] * 2 and row[12] == paper
    assert row[5] == tuple(round(p + (a - p) * 0.2) for p, a in zip(paper, accent, strict=True))
    assert [image.getpixel((800, y)) for y in (81, 84, 88)] == [accent, paper, accent]  # across the top
    assert image.getpixel((2, 2)) == paper
    # The same bytes each time.
    assert cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces()) == png


@pytest.mark.parametrize(
    ("md", "why"),
    [
        (Metadata(title="源氏物語"), "no glyph"),  # Pango takes it from another font
        (Metadata(title="Emma", authors=("紫式部",)), "no glyph"),
        (Metadata(title="Em\x96ma"), "no glyph"),  # a control character: Pango draws a box of its own
        (Metadata(title="Liberty\u2003and Order"), "white space"),
        (Metadata(title="Emma", publisher="Tab\tPress"), "white space"),
        (Metadata(title="Emma", publisher="\u202eAbcd Press"), "right-to-left"),
        (Metadata(title="Emma", publisher="İletişim Yayınları", language="tr"), "capitals"),
        (Metadata(title="Pneumonoultramicroscopicsilicovolcanoconiosis"), "wider than the line"),
        (Metadata(title="The Incomprehensibilities of Anti\u00adestablishmentarianism"), "adds a hyphen"),
        (Metadata(title="Emma " * 100), "characters"),
        (Metadata(title="©\ufe0f Anon"), "emoji"),  # Pango takes © from an emoji font
        (Metadata(title="Emma", subtitle="Sobranie sochineniĭ: T\u0361Sar i narod"), "no glyph"),  # a mark
        (Metadata(title="Emma", subtitle="Emma\u0600 Woodhouse"), "no glyph"),  # a visible format character
        (Metadata(title="Emma", authors=("Harriet Beecher Stowe", "", "Harriet Beecher Stowe")), "empty name"),
    ],
)
def test_a_page_it_would_not_draw_as_weasyprint_does_is_left_to_weasyprint(md, why):
    drawing = _drawing(md)
    sheet = cover_image._sheet(drawing.sheet, cover_image._stamp(drawing.sheet))
    with pytest.raises(cover_image.NotDrawn, match=why):
        cover_image._layout(drawing.text, SIZE, sheet, *(cover_image._face(f) for f in _faces()))
    assert cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces()) is None
    # The cover is then WeasyPrint's, pixel for pixel.
    png, _ = cover.draw(drawing)
    assert png == _weasyprint_png(drawing)


@pytest.mark.parametrize("title", ["A Self-Made Man", "The Extraordinarily-Long-Hyphenated-Compound Word"])
def test_a_hyphenated_word_is_broken_where_pango_breaks_it(title):
    drawing = _drawing(Metadata(title=title))
    _same_places(_our_lines(drawing), _weasyprint_lines(drawing))
    assert cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces()) is not None


def test_without_libraqm_the_cover_is_weasyprints(monkeypatch):
    from PIL import features

    drawing = _drawing(Metadata(title="Emma"), (400, 640))
    check = features.check_feature
    monkeypatch.setattr(features, "check_feature", lambda name: name != "raqm" and check(name))
    assert cover_image.front_png(drawing.text, (400, 640), drawing.sheet, *_faces()) is None
    assert cover.draw(drawing)[0] == _weasyprint_png(drawing)


@pytest.mark.parametrize("replaced", ["cover.css", "cover.html.j2", "cover_parts.j2"])
def test_a_project_with_a_cover_design_of_its_own_gets_weasyprints_image(tmp_path, replaced):
    from editionbuilder import templating

    own = tmp_path / "styles"
    own.mkdir()
    packaged = templating.find_stylesheet(replaced) if replaced.endswith(".css") else templating.TEMPLATE_DIR / replaced
    text = packaged.read_text(encoding="utf-8")
    if replaced == "cover.css":
        text = text.replace("--paper: #f3ecdc", "--paper: #dcecf3")
    (own / replaced).write_text(text, encoding="utf-8")
    templating.environment.cache_clear()
    try:
        drawing = _drawing(Metadata(title="Emma"), (400, 640), (str(own),))
        assert not drawing.packaged
        png, _ = cover.draw(drawing)
    finally:
        templating.environment.cache_clear()
    assert png == _weasyprint_png(drawing)
    if replaced == "cover.css":
        assert Image.open(io.BytesIO(png)).getpixel((2, 2)) == (0xDC, 0xEC, 0xF3)
    key = cover.cache_key(drawing.source, drawing.css, (drawing.sheet,), DEFAULT_FONTS, (400, 640), drawing.packaged)
    assert key != cover.cache_key(drawing.source, drawing.css, (drawing.sheet,), DEFAULT_FONTS, (400, 640), True)


@pytest.mark.parametrize(
    ("edit", "drawn"),
    [
        (("#f3ecdc", "#e8e0c8"), True),  # the paper (--paper and the page's): drawn, in that colour
        (("@page {\n  background: #f3ecdc;", "@page {\n  background: #e8e0c8;"), False),  # not the paper
        (
            ("line-height: 1.08;", "line-height: 1.08;\n  text-transform: uppercase;"),
            False,
        ),  # a property it does not draw
        (("font-weight: normal;", "font-weight: bold;"), False),  # a value it takes for granted
        ((".rule {", "h1 { color: red; }\n.rule {"), False),  # a rule for an element of the front
        ((".blurb {", ".blurb-extra { color: red; }\n.blurb {"), True),  # a rule of the wrap's alone
    ],
)
def test_an_edited_stylesheet_is_drawn_here_only_where_every_rule_is_understood(tmp_path, edit, drawn):
    from editionbuilder import templating

    packaged = templating.find_stylesheet("cover.css")
    old, new = edit
    text = packaged.read_text(encoding="utf-8")
    assert old in text
    sheet = tmp_path / "cover.css"
    sheet.write_text(text.replace(old, new), encoding="utf-8")
    png = cover_image.front_png(cover.cover_text(Metadata(title="Emma")), (400, 640), sheet, *_faces())
    assert (png is not None) is drawn
    if png is not None and old == "#f3ecdc":
        assert Image.open(io.BytesIO(png)).getpixel((2, 2)) == (0xE8, 0xE0, 0xC8)


@pytest.mark.parametrize(
    "title",
    [
        "Who Shall Say What Is Truly Worth the Asking?",  # "?" ends its word
        "Who Shall Say What Is Truly Worth the Asking?Yes",  # Pango breaks after "?"
        "Mille\u202fmerveilles : un conte de fées en trois actes\u202f!",  # French spacing: no break
    ],
)
def test_a_line_breaks_where_pango_breaks_it(title):
    drawing = _drawing(Metadata(title=title))
    assert cover_image.front_png(drawing.text, SIZE, drawing.sheet, *_faces()) is not None
    _same_places(_our_lines(drawing), _weasyprint_lines(drawing))


def test_the_shipped_editions_covers_are_laid_out_as_weasyprint_lays_them_out():
    """The covers `make` draws: each edition of the project's config read
    from its seeds as a build reads it (a title with a no-break space the
    typography put in, a subtitle, two authors)."""
    from editionbuilder.config import load_config
    from editionbuilder.pipeline import read_edition
    from paths import ROOT

    editions = load_config(ROOT / "editions.toml").editions
    assert editions
    for options in editions:
        md = read_edition(options, ROOT, Diagnostics()).metadata
        drawing = _drawing(md)
        assert drawing.packaged
        _same_places(_our_lines(drawing), _weasyprint_lines(drawing))
