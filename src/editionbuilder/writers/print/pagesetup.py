"""The printed page: trim, mirrored margins, gutter and bleed, as CSS and PDF boxes.

Pure arithmetic, no WeasyPrint: the print engine renders what this module says.
The rules are KDP's and IngramSpark's (``qa/preflight.py`` checks
them on the output):

- the inside (gutter) margin grows with the final page count (KDP's table,
  ``options.kdp_gutter_in``), never under 0.5 in (IngramSpark), plus a
  binding allowance of our own so that text does not sink into the fold;
- no text within 0.5 in of a trim edge: running heads and folios sit in
  the top and bottom margins at least that far in (``print.css`` places
  them against the text block, these margins leave the room);
- bleed, when asked for, is 0.125 in on the top, bottom and outside edges
  only. WeasyPrint's ``bleed`` property adds it on all four sides, gutter
  included, so it is not used: each page is made larger on its own three
  sides (``@page :left`` and ``:right`` sizes and margins), and the PDF
  writer sets each page's TrimBox from ``trim_box_pt``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...options import PrintOptions, kdp_gutter_in

PT = 72.0  # PDF points per inch
BLEED_IN = 0.125
LIVE_MARGIN_IN = 0.5  # IngramSpark: nothing within 0.5 in of a trim edge
BINDING_ALLOWANCE_IN = 0.25  # added to the gutter minimum, for the eye
OUTSIDE_IN = 0.625
TOP_IN = 0.9  # the running head sits about 0.55-0.72 in from the top edge
BOTTOM_IN = 0.85  # the folio sits about 0.55-0.7 in from the bottom edge
SMALL_TRIM_WIDTH_IN = 5.75  # narrower trims get a smaller text size
TEXT_PT, SMALL_TEXT_PT = 11.0, 10.5  # the text size (print.css) and that of narrow trims
PRE_EM = 0.8  # preformatted text, relative to the text, when it fits
MONO_ADVANCE_EM = 0.602  # DejaVu Sans Mono's advance width (1233 / 2048 em)
ASSUMED_PAGES = 24  # the page count a first render assumes (the smallest gutter)


def gutter_in(pages: int) -> float:
    """The least inside margin a book of ``pages`` pages may have: KDP's
    figure, or IngramSpark's 0.5 in where that is wider. Changes at 300,
    500 and 700 pages; a render whose page count crosses one is redone."""
    return max(kdp_gutter_in(pages), LIVE_MARGIN_IN)


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """One book's pages, in inches; ``bleed_in`` is 0 without bleed."""

    width_in: float
    height_in: float
    inside_in: float
    outside_in: float = OUTSIDE_IN
    top_in: float = TOP_IN
    bottom_in: float = BOTTOM_IN
    bleed_in: float = 0.0


def geometry(options: PrintOptions, pages: int, bleed: bool | None = None) -> PageGeometry:
    """The pages of a ``pages``-page book with ``options``; ``bleed`` None:
    as the options say (a screen PDF passes False)."""
    with_bleed = options.bleed if bleed is None else bleed
    return PageGeometry(
        options.width_in,
        options.height_in,
        gutter_in(pages) + BINDING_ALLOWANCE_IN,
        bleed_in=BLEED_IN if with_bleed else 0.0,
    )


def page_css(g: PageGeometry) -> str:
    """@page rules for rectos (``:right``, gutter on the left) and versos:
    each page's size and margins, bleed added on its three outer sides."""
    b = g.bleed_in
    size = f"size: {g.width_in + b:.4f}in {g.height_in + 2 * b:.4f}in;"
    top, bottom, outside = g.top_in + b, g.bottom_in + b, g.outside_in + b
    rules = (
        f"@page :right {{ {size} margin: {top:.4f}in {outside:.4f}in {bottom:.4f}in {g.inside_in:.4f}in; }}\n"
        f"@page :left {{ {size} margin: {top:.4f}in {g.inside_in:.4f}in {bottom:.4f}in {outside:.4f}in; }}\n"
    )
    if g.width_in < SMALL_TRIM_WIDTH_IN:
        rules += f"html {{ font-size: {SMALL_TEXT_PT}pt; }}\n"
    return rules


def preformatted_css(g: PageGeometry, columns: int) -> str:
    """A size for preformatted text that fits its widest line (``columns``
    characters of the monospace face) in the measure: a table copied from
    a plain-text source is never wider than the text block, and never cut."""
    text_pt = SMALL_TEXT_PT if g.width_in < SMALL_TRIM_WIDTH_IN else TEXT_PT
    measure_pt = (g.width_in - g.inside_in - g.outside_in) * PT
    size = min(PRE_EM * text_pt, measure_pt / (max(columns, 1) * MONO_ADVANCE_EM) * 0.98)
    return f"pre, .fn-pre {{ font-size: {size:.2f}pt; }}\n"


def trim_box_pt(g: PageGeometry, index: int) -> tuple[float, float, float, float]:
    """The trim of page ``index`` (0-based) in PDF points (x0, y0, x1, y1):
    a recto (even index; the first page is a recto) has its bleed on the
    right, a verso on the left; both on top and bottom."""
    b = g.bleed_in * PT
    x0 = 0.0 if index % 2 == 0 else b
    return (x0, b, x0 + g.width_in * PT, b + g.height_in * PT)


def media_box_pt(g: PageGeometry) -> tuple[float, float, float, float]:
    """The whole page, bleed included, in PDF points."""
    return (0.0, 0.0, (g.width_in + g.bleed_in) * PT, (g.height_in + 2 * g.bleed_in) * PT)
