"""Note calls as superior figures, the form books set them in.

A call is a figure above the x-height, its top level with the capitals,
drawn for the purpose: a face's superior figures (the OpenType feature
``sups``, CSS ``font-variant-position: super``) have the weight and
spacing of the text at that size. Failing them, the call is a lining
figure in a smaller size, raised (``base.css``): never the face's default
figures shrunk, which in an oldstyle face (EB Garamond's) are x-height
figures and come out about 2.4 pt high, "1" and "2" little more than dots.

The print PDF embeds its faces, so whether they have superior figures is
read from the font files here (fontTools, once for each face's bytes):
``call_css`` is part of the faces' stylesheet (``pdf.font_css``). The
EPUB embeds none: the reading system's font may have no ``sups``, where
``font-variant-position`` would leave a full-size figure on the
baseline, so it keeps ``base.css``'s rule.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from .facefiles import kept_fact

DIGITS = "0123456789"
# The elements that print a call: the EPUB's and the screen PDF's link, the
# print's footnote call.
CALL_SELECTORS = ".noteref, .footnote::footnote-call"


class Face(Protocol):
    """A face of the print (``pdf.FontFace``)."""

    @property
    def family(self) -> str: ...

    @property
    def path(self) -> str: ...


@cache
def has_superior_figures(path: str) -> bool:
    """Whether the font at ``path`` maps all ten figures to superior
    figures under its ``sups`` feature (a single substitution each): read
    once for each face (``facefiles.kept_fact``)."""
    return kept_fact(path, "sups", _read_superior_figures)


def _read_superior_figures(body: bytes) -> bool:
    """``has_superior_figures`` of a font file's bytes, read with fontTools."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(body), lazy=True)
    if "GSUB" not in font:
        return False
    # The glyphs by number: the tables read here name them alike, and a CFF
    # face's own names (its CFF table, which fontTools would read and parse
    # for them) are not needed.
    font.setGlyphOrder([f"glyph{i}" for i in range(font["maxp"].numGlyphs)])
    cmap = font.getBestCmap() or {}
    figures = {cmap.get(ord(d)) for d in DIGITS}
    if None in figures:
        return False
    table = font["GSUB"].table
    mapped: set[str] = set()
    for record in table.FeatureList.FeatureRecord if table.FeatureList else ():
        if record.FeatureTag != "sups":
            continue
        for index in record.Feature.LookupListIndex:
            for sub in table.LookupList.Lookup[index].SubTable:
                sub = getattr(sub, "ExtSubTable", sub)  # an extension lookup holds the real one
                mapped |= {g for g, to in (getattr(sub, "mapping", None) or {}).items() if to != g}
    return figures <= mapped


def call_css(fonts: Sequence[Face], family: str) -> str:
    """The calls' rule for the faces of ``family`` (the text's): superior
    figures when every face of the family has them (a call in italic text
    takes the italic's), set in that family whatever the text around them
    (the bold family of ``pdf.DEFAULT_FONTS`` has none); else nothing, and
    ``base.css``'s smaller, raised lining figures stand."""
    faces = [f for f in fonts if f.family == family]
    if not faces or not all(has_superior_figures(f.path) for f in faces):
        return ""
    # The footnote call is a pseudo-element of the note, whose size (8.5 pt)
    # it inherits: its size is the text's, the root's (a call in a block
    # quote, 0.92 em, comes out a little large, as the old 0.7 em of the
    # note's size was the same everywhere). A link call takes its text's.
    return (
        f'{CALL_SELECTORS} {{ font-family: "{family}"; font-weight: normal; '
        "vertical-align: baseline; font-variant-position: super; font-variant-numeric: normal; }\n"
        ".noteref { font-size: 1em; }\n"
        ".footnote::footnote-call { font-size: 1rem; }\n"
    )
