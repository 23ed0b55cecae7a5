"""Value checks for the edition config: each takes what TOML gave and
returns the typed value or raises ``Invalid`` with a message for a
publisher. ``config.py`` adds the file and the key path.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

from . import codes
from .lazyre import lazy_compile
from .options import TRIM_SIZES
from .readers import input_formats

# Custom trim sizes must lie between these (inches): wide enough for every
# print-on-demand trim (KDP 4x6 to 8.5x11.69, IngramSpark's hardcovers), and
# narrow enough to catch a size typed in the wrong unit.
TRIM_RANGE_IN = (3.0, 14.0)

# A custom trim size: width "x" height, decimals allowed, then the unit
# ("5.25x8in", "140x216mm"). Named sizes ("6x9") come from TRIM_SIZES.
_CUSTOM_TRIM = lazy_compile(r"(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(in|mm)")


# A BCP 47 language tag (RFC 5646, section 2.1), case-insensitive. The
# primary subtag is limited to the 2-3 letter ISO 639 codes: the grammar's
# 4-8 letter forms are reserved or unassigned, and allowing them would accept
# a word such as "english". Grandfathered tags ("i-klingon") are refused.
_LANGUAGE_TAG = lazy_compile(
    r"""
    [a-z]{2,3}                                 # language: en, fr, yue
    (?:-[a-z]{3}){0,3}                         # extended language: zh-yue
    (?:-[a-z]{4})?                             # script: Latn, Cyrl
    (?:-(?:[a-z]{2}|[0-9]{3}))?                # region: GB, 419
    (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*   # variants: 1996, fonipa
    (?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*        # extensions: u-co-phonebk
    (?:-x(?:-[a-z0-9]{1,8})+)?                 # private use: x-house
    """,
    re.VERBOSE | re.IGNORECASE,
)

# The ISO 8601 calendar dates EPUB's dc:date takes: YYYY, YYYY-MM or
# YYYY-MM-DD (groups: year, month, day).
_ISO_DATE = lazy_compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")

# An input format: a reader's name, then pandoc extensions turned on (+)
# or off (-), as pandoc's --from takes them ("markdown+smart-citations").
_INPUT_FORMAT = lazy_compile(r"([a-z0-9_]+)((?:[+-][a-z0-9_]+)*)")

# The shape of a diagnostic code (codes.py): kebab-case ASCII.
_DIAGNOSTIC_CODE = lazy_compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class Invalid(Exception):
    """A bad value; ``_checked`` adds the file and key path (``suffix``:
    the index of a bad array item, ``[2]``)."""

    def __init__(self, message: str, suffix: str = ""):
        super().__init__(message)
        self.message = message
        self.suffix = suffix


def show(value: Any) -> str:
    """A value as a publisher would have written it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "an array" if value else "an empty array"
    return "a table" if isinstance(value, dict) else str(value)


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"expected a string, got {show(value)}")
    return value


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"expected true or false, got {show(value)}")
    return value


def choice(*allowed: str) -> Callable[[Any], str]:
    """A validator accepting exactly one of ``allowed``."""

    def check(value: Any) -> str:
        if value not in allowed:
            raise Invalid(f"{show(value)} is not one of {', '.join(allowed)}")
        return value

    return check


def strings(item: Callable[[Any], str]) -> Callable[[Any], tuple[str, ...]]:
    """A validator for an array whose items ``item`` accepts."""

    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise Invalid(f"expected an array of strings, got {show(value)}")
        out = []
        for i, element in enumerate(value):
            try:
                out.append(item(element))
            except Invalid as exc:
                raise Invalid(exc.message, f"[{i}]") from None
        return tuple(out)

    return check


def language(value: Any) -> str:
    text = string(value)
    if text and not _LANGUAGE_TAG.fullmatch(text):
        raise Invalid(f'"{text}" is not a BCP 47 language tag (such as "en" or "en-GB")')
    return text


def date(value: Any) -> str:
    """An ISO 8601 date string; a bare TOML date (2026-11-25) is taken too."""
    if isinstance(value, dt.datetime):
        raise Invalid(f"{value} has a time: write the date only (YYYY-MM-DD)")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = string(value)
    if text and date_parts(text) is None:
        raise Invalid(f'"{text}" is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)')
    return text


def date_parts(text: str) -> dt.date | None:
    """The first day ``text`` (YYYY, YYYY-MM or YYYY-MM-DD) stands for."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:  # month 13, February 30, year 0
        return None


def identifier(value: Any) -> str:
    text = string(value)
    if text.lower().startswith("urn:uuid:"):
        try:
            uuid.UUID(text[len("urn:uuid:") :])
        except ValueError:
            raise Invalid(f'"{text}" is not a valid urn:uuid: identifier') from None
    return text


def price(value: Any) -> str:
    """The EAN-5 price add-on of the barcode: five digits ("90000": no
    suggested price; "5" and US cents, "51995" for $19.95)."""
    text = string(value)
    if len(text) != 5 or not text.isdigit() or not text.isascii():
        raise Invalid(f'{show(value)} is not a price add-on: five digits, such as "51995" ($19.95) or "90000" (none)')
    return text


def trim(value: Any) -> str:
    text = string(value).strip().lower()
    if text in TRIM_SIZES:
        return text
    if not _CUSTOM_TRIM.fullmatch(text):
        raise Invalid(
            f'bad trim size "{value}" (use {", ".join(TRIM_SIZES)}, or a custom size such as "5.25x8in" or "140x216mm")'
        )
    low, high = TRIM_RANGE_IN
    if not all(low <= side <= high for side in trim_inches(text)):
        raise Invalid(f'bad trim size "{value}": each side must be {low:g} to {high:g} inches')
    return text


def trim_inches(trim: str) -> tuple[float, float]:
    """(width, height) in inches of a valid trim name or custom size."""
    if trim in TRIM_SIZES:
        return TRIM_SIZES[trim]
    match = _CUSTOM_TRIM.fullmatch(trim)
    if match is None:
        raise ValueError(f"bad trim size {trim!r}")
    scale = 1 / 25.4 if match.group(3) == "mm" else 1.0
    return float(match.group(1)) * scale, float(match.group(2)) * scale


def diagnostic_code(value: Any) -> str:
    """A code of the catalogue (``codes.py``): a misspelt code in
    ``silence`` would otherwise silence nothing, and say nothing."""
    text = string(value)
    if not _DIAGNOSTIC_CODE.fullmatch(text):
        raise Invalid(f'"{text}" is not a warning code (such as "citation-year-mismatch")')
    if text not in codes.names():
        import difflib  # a misspelt code's hint: only on this error

        close = difflib.get_close_matches(text, codes.names(), n=1)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        raise Invalid(f'unknown code "{text}"{hint}')
    return text


def input_format(value: Any) -> str:
    """A reader's name, with pandoc extensions if that reader takes them;
    pandoc itself checks the extensions' names when it reads."""
    text = string(value)
    known = input_formats()
    match = _INPUT_FORMAT.fullmatch(text)
    if match is None or match.group(1) not in known:
        raise Invalid(f"{show(value)} is not an input format (known: {', '.join(known)})")
    if match.group(2) and not known[match.group(1)]:
        raise Invalid(f'{show(value)}: the "{match.group(1)}" reader takes no extensions')
    return text
