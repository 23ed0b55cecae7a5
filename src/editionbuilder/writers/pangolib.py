"""Pango's line breaking, asked directly: the library WeasyPrint sets
text with, loaded through ctypes.

``cover_image`` breaks the cover's lines where Pango would
(``log_attrs``: ``pango_get_log_attrs``, UAX #14 as Pango tailors it) and
spaces letters by Pango's clusters (``clusters``). ctypes opens the
library in a few milliseconds, where WeasyPrint's bindings parse their
declarations for 0.3 s; and a build whose cover is kept asks only for
Pango's version (``version``, in the cover cache's key), without loading
the cover's drawing code.
"""

from __future__ import annotations

import contextlib
import ctypes
from functools import lru_cache


class NotDrawn(Exception):
    """The cover image is one ``cover_image`` does not draw as WeasyPrint
    would (WeasyPrint draws it)."""


# PangoLogAttr's bits (pango-break.h: one 32-bit field a character, its
# first member the lowest bit).
LINE_BREAK, CURSOR = 1 << 0, 1 << 4
INSERTS_HYPHEN, REMOVES_PRECEDING = 1 << 13, 1 << 14
# The Pango library by the names it has on each platform.
_NAMES = ("libpango-1.0.so.0", "libpango-1.0.0.dylib", "libpango-1.0.dylib", "libpango-1.0-0.dll")
# Pango before 1.50 has no ``break_inserts_hyphen`` and
# ``break_removes_preceding`` in its attributes.
_AT_LEAST = 15000


@lru_cache(maxsize=1)
def pango() -> ctypes.CDLL:
    """The library, its two calls declared; ``NotDrawn`` when it is not
    found, or older than 1.50."""
    for name in _NAMES:
        with contextlib.suppress(OSError):
            lib = ctypes.CDLL(name)
            lib.pango_version.restype = ctypes.c_int
            if lib.pango_version() < _AT_LEAST:
                raise NotDrawn(f"Pango {lib.pango_version()} is older than 1.50")
            lib.pango_language_from_string.restype = ctypes.c_void_p
            lib.pango_language_from_string.argtypes = [ctypes.c_char_p]
            lib.pango_get_log_attrs.restype = None
            lib.pango_get_log_attrs.argtypes = [
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_void_p,
                ctypes.c_void_p,
                ctypes.c_int,
            ]
            return lib
    raise NotDrawn("Pango's library was not found")


def version() -> int:
    """Pango's version (1.50.12: 15012); 0 when it is not found or too old."""
    try:
        return int(pango().pango_version())
    except NotDrawn:
        return 0


@lru_cache(maxsize=256)
def log_attrs(text: str, lang: str) -> tuple[int, ...]:
    """Pango's attributes of each position of ``text`` (one more than its
    characters): where a line may break, where a cluster begins, whether a
    break there adds a hyphen or takes a character away. The call
    WeasyPrint's line breaking reads."""
    lib = pango()
    data = text.encode("utf-8")
    attrs = (ctypes.c_uint32 * (len(text) + 1))()
    language = lib.pango_language_from_string(lang.encode("ascii", "replace"))
    lib.pango_get_log_attrs(data, len(data), -1, language, attrs, len(attrs))
    return tuple(attrs)


def clusters(text: str, lang: str) -> list[str]:
    """``text`` cut where Pango puts a cursor: its clusters (a letter and
    its marks, a joined sequence), which letter spacing spaces."""
    attrs = log_attrs(text, lang)
    starts = [i for i in range(len(text)) if attrs[i] & CURSOR or i == 0]
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
