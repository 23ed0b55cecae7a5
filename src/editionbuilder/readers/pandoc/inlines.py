"""Pandoc inlines as the model's inlines.

Mapped: ``Str``/``Space``/``SoftBreak`` (text), ``LineBreak``, ``Emph``,
``Strong``, ``Code``, ``Link``, ``Quoted`` (curly quotes around the text),
``Span`` (its text; attributes only carry styling or labels), ``Cite``
(``cites``) and ``Note`` (a ``NoteRef``; the note's blocks are read by the
block converter through ``ReadState.note_hook``).

The exporter's spans (``writers/export``) are read as what they stand for:
class ``citation`` (and a lone ``cite``) as a ``Citation`` (``cites``), an
empty span of class ``line-break`` as a ``LineBreak``.

Degraded, each with a warning naming the element and its line (the model
has no place for them):

* ``Math`` -> its TeX source as ``Code`` (``math-as-text``);
* ``Image`` -> its description as text (``image-dropped``, or
  ``image-missing`` when a text manuscript names a file that is not there);
* ``RawInline`` (HTML, LaTeX, comments) -> dropped, its text listed in the
  report (``raw-dropped``);
* ``Underline``, ``Strikeout``, ``Superscript``, ``Subscript``,
  ``SmallCaps`` -> their text without the styling (``style-dropped``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ... import codes
from ...model import Code, Inline, LineBreak
from ...pandoc_tool import to_inlines
from .cites import read_citation_span, read_cite
from .locate import words
from .metadata import meta_text
from .state import ReadState

# Styling the model cannot express, by pandoc element: what a reader loses.
_STYLES = {
    "Underline": "underlining",
    "Strikeout": "strikeout",
    "Superscript": "superscript",
    "Subscript": "subscript",
    "SmallCaps": "small capitals",
}


def read_inlines(nodes: list[dict[str, Any]], state: ReadState) -> tuple[Inline, ...]:
    """Pandoc inlines as model inlines, adjacent text merged (``pandoc_tool.to_inlines``;
    the kinds a manuscript adds, ``_inline``)."""
    return to_inlines(nodes, lambda node, _convert: _inline(node, state), lambda url: _target(url, state))


def _target(url: str, state: ReadState) -> str:
    """A link's target: ids are namespaced per source, like the headings they name."""
    return "#" + state.id(url[1:]) if url.startswith("#") and len(url) > 1 else url


def _inline(node: dict[str, Any], state: ReadState) -> tuple[Inline, ...]:
    """A manuscript's inline of the kinds ``to_inlines`` leaves to its caller."""
    kind = node["t"]
    if kind == "Span":
        return _span(node, state)
    if kind == "Cite":
        return (read_cite(node, state),)
    if kind == "Note" and state.note_hook is not None:
        return (state.note_hook(node),)
    return _degraded(node, state)


def _span(node: dict[str, Any], state: ReadState) -> tuple[Inline, ...]:
    """A span: the exporter's conventions, else its text."""
    classes = node["c"][0][1]
    if "citation" in classes or "cite" in classes:
        citation = read_citation_span(node, state)
        if citation is not None:
            return (citation,)
    if "line-break" in classes and not node["c"][1]:
        return (LineBreak(),)
    return read_inlines(node["c"][1], state)


def _degraded(node: dict[str, Any], state: ReadState) -> tuple[Inline, ...]:
    """The elements the model has no place for, each with its warning."""
    kind = node["t"]
    c: Any = node.get("c")  # pandoc JSON: its shape is the kind's (Space and the like have none)
    if kind in _STYLES:
        inner = read_inlines(c, state)
        text = meta_text(c)
        state.add(
            codes.STYLE_DROPPED, f"{_STYLES[kind]} of {text[:40]!r} is not kept (the text is)", state.here(words(text))
        )
        return inner
    if kind == "Math":
        display = "display" if c[0]["t"] == "DisplayMath" else "inline"
        pos = state.here(words(c[1]))
        state.add(codes.MATH_AS_TEXT, f"{display} math is kept as its TeX source: {c[1][:60]}", pos)
        return (Code(c[1]),)
    if kind == "Image":
        return image_text(c, state)
    if kind == "RawInline":
        pos = state.here(words(c[1]))
        what = "an HTML comment" if c[1].lstrip().startswith("<!--") else f"raw {c[0]} markup"
        state.add(codes.RAW_DROPPED, f"{what} is left out: {c[1][:60]}", pos)
        state.remove(pos, f"{what} (pandoc raw inline)", c[1])
        return ()
    state.add(codes.ELEMENT_DROPPED, f"pandoc element {kind} has no place in the edition and is left out", state.here())
    return ()


def image_text(c: list[Any], state: ReadState) -> tuple[Inline, ...]:
    """An image (``[attr, description, [url, title]]``) as its description,
    with one warning: the image is dropped, and its file may be missing."""
    alt = read_inlines(c[1], state)
    url = c[2][0]
    pos = state.here(words(meta_text(c[1])) or words(url))
    if _missing(url, state):
        state.add(
            codes.IMAGE_MISSING, f"image {url} is not there; its description is kept as text, the image left out", pos
        )
    else:
        state.add(
            codes.IMAGE_DROPPED,
            f"image {url} is left out (the edition has no images); its description is kept as text",
            pos,
        )
    return alt


def _missing(url: str, state: ReadState) -> bool:
    """A local image file named by a text manuscript that does not exist.
    URLs and images inside a zip manuscript are not checked."""
    parsed = urlparse(url)
    if state.doc.zipped or parsed.scheme not in ("", "file") or not parsed.path:
        return False
    return not (state.doc.path.parent / Path(unquote(parsed.path))).is_file()
