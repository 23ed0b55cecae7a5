"""The back cover's barcode: the ISBN's EAN-13 and the price add-on, as boxes.

``isbn`` gives the modules; this lays them out in the cover's barcode area
(``options.BARCODE_IN``, 2 x 1.2 in at the back cover's lower right) as the
template draws them: a white panel, one absolutely placed box per bar, and
the digits people read. WeasyPrint paints each box as a filled rectangle, so
the bars are vector art in the press file, in the ink of ``cover-press.css``
(black alone), never a bitmap.

Sizes follow GS1 (General Specifications §5.2.1.4 and §5.2.2.5) at about
85% of nominal (a module of 0.011 in against 0.013 in; 80-200% is allowed):
11 modules of quiet zone before the symbol, 7 after the add-on and 9 between
them; bars 0.72 in high, the guard bars 5 modules longer; the add-on's bars
start below its digits and end with the guards. The ISBN is printed above,
hyphenated as configured ("ISBN 978-0-306-40615-7"), the 13 digits below
(the first in the quiet zone), the add-on's digits above its bars.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...isbn import IsbnCheck, ean5_modules, ean13_modules, runs
from ...options import BARCODE_IN

MODULE_IN = 0.011
QUIET_LEFT, ADDON_GAP, QUIET_RIGHT = 11, 9, 7  # modules
TOP_IN = 0.25  # the bars' top, below the ISBN line
BAR_IN = 0.72  # an ordinary bar's height
GUARD_EXTRA_IN = 5 * MODULE_IN
ADDON_DIGITS_IN = 0.14  # the add-on's digits above its bars
DIGIT_PT = 8.0
# The modules of the EAN-13 that are guard bars (start, centre, end): they run longer.
_GUARDS = (range(3), range(45, 50), range(92, 95))


@dataclass(frozen=True, slots=True)
class Bar:
    left_in: float  # from the barcode panel's left edge
    width_in: float
    top_in: float
    height_in: float


@dataclass(frozen=True, slots=True)
class Label:
    """A run of text centred on ``centre_in``, its top at ``top_in``."""

    text: str
    centre_in: float
    top_in: float


@dataclass(frozen=True, slots=True)
class Barcode:
    """The barcode panel: its size, its bars and its labels, in inches."""

    width_in: float
    height_in: float
    bars: tuple[Bar, ...]
    labels: tuple[Label, ...]
    digit_pt: float = DIGIT_PT


def barcode(isbn: IsbnCheck, price: str) -> Barcode | None:
    """The panel of a valid ISBN with the ``price`` add-on; None without a valid ISBN."""
    if not isbn.valid:
        return None
    main, addon = ean13_modules(isbn.digits), ean5_modules(price)
    total = QUIET_LEFT + len(main) + ADDON_GAP + len(addon) + QUIET_RIGHT
    x0 = (BARCODE_IN[0] - total * MODULE_IN) / 2 + QUIET_LEFT * MODULE_IN  # the symbol's first module
    addon_x = x0 + (len(main) + ADDON_GAP) * MODULE_IN
    bottom = TOP_IN + BAR_IN + GUARD_EXTRA_IN
    bars = [
        _bar(x0, start, width, TOP_IN, BAR_IN + (GUARD_EXTRA_IN if _is_guard(start) else 0))
        for start, width in runs(main)
    ]
    addon_top = TOP_IN + ADDON_DIGITS_IN
    bars += [_bar(addon_x, start, width, addon_top, bottom - addon_top) for start, width in runs(addon)]
    digits_top = TOP_IN + BAR_IN + 0.01
    labels = [Label(f"ISBN {isbn.shown}", x0 + len(main) * MODULE_IN / 2, 0.08)]
    labels.append(Label(isbn.digits[0], x0 - 4 * MODULE_IN, digits_top))
    labels += [Label(d, x0 + (3 + 7 * i + 3.5) * MODULE_IN, digits_top) for i, d in enumerate(isbn.digits[1:7])]
    labels += [Label(d, x0 + (50 + 7 * i + 3.5) * MODULE_IN, digits_top) for i, d in enumerate(isbn.digits[7:])]
    labels += [Label(d, addon_x + (4 + 9 * i + 3.5) * MODULE_IN, TOP_IN) for i, d in enumerate(price)]
    return Barcode(BARCODE_IN[0], BARCODE_IN[1], tuple(bars), tuple(labels))


def _is_guard(module: int) -> bool:
    return any(module in guard for guard in _GUARDS)


def _bar(x0: float, start: int, width: int, top: float, height: float) -> Bar:
    return Bar(round(x0 + start * MODULE_IN, 5), round(width * MODULE_IN, 5), round(top, 5), round(height, 5))
