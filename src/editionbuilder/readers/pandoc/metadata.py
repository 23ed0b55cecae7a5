"""The manuscript's metadata (pandoc's ``meta``) as the edition's ``Metadata``.

Pandoc gives metadata as ``MetaValue`` trees: YAML strings are parsed as
Markdown (``MetaInlines``), lists and maps keep their shape. The fields
the model has are read as plain text:

* ``title``, ``subtitle``, ``date``, ``lang`` (as ``language``);
* ``author`` (pandoc's name), or ``authors`` (the Open Journals name):
  a string, a list of strings, or maps with ``name`` (or name parts
  ``given``/``given-names`` and ``family``/``surname``, or ``literal``);
* ``abstract`` as ``description`` (its paragraphs joined by a space);
* ``publisher``, ``rights``, ``identifier``, and ``credits`` (a list of
  ``role``/``name`` maps), as the exporter writes them (``writers/export``).

Everything else (affiliations, tags, a ``latex:`` block) stays out of the
model; it is not text of the book. The pipeline lets the config override
each field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...model import Credit, Metadata, Position, SourceInfo

# Name-part keys of an author map, in display order (CSL and JOSS spellings).
_GIVEN_KEYS = ("given", "given-names", "first", "firstname")
_PARTICLE_KEYS = ("dropping-particle", "non-dropping-particle")
_FAMILY_KEYS = ("family", "surname")

# White space a reader collapses (not the no-break space, U+00A0).
_SPACES_RE = re.compile(r"[ \t\r\n]+")

# Curly quotes for ``Quoted`` inlines in metadata text.
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def meta_text(value: Any) -> str:
    """The plain text of a ``MetaValue`` (or of AST inlines or blocks)."""
    if isinstance(value, list):
        return "".join(meta_text(v) for v in value)
    if not isinstance(value, dict):
        return ""
    kind = value.get("t")
    c: Any = value.get("c")  # pandoc JSON: its shape is the kind's (Space and the like have none)
    if kind in ("Str", "MetaString"):
        return c
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in ("Code", "Math"):
        return c[1]
    if kind in ("Note", "RawInline", "MetaMap", "MetaBool"):
        return ""
    if kind == "Quoted":
        left, right = _QUOTES[c[0]["t"]]
        return left + meta_text(c[1]) + right
    if kind in ("Span", "Link", "Image", "Cite"):
        return meta_text(c[1])
    if kind in ("MetaBlocks", "MetaList"):
        return " ".join(t for t in (meta_text(b).strip() for b in c) if t)
    return meta_text(c)


def meta_list(value: Any) -> list[Any]:
    """A ``MetaList``'s items; any other value as a list of one."""
    if value is None:
        return []
    if isinstance(value, dict) and value.get("t") == "MetaList":
        return list(value["c"])
    return [value]


def author_names(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The authors' display names, in order, each once."""
    value = meta.get("author") or meta.get("authors")
    names = [_author_name(v) for v in meta_list(value)]
    return tuple(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))


def _author_name(value: Any) -> str:
    """One author: a string, or a map with ``name`` (itself text or parts),
    ``literal`` or name parts."""
    if not (isinstance(value, dict) and value.get("t") == "MetaMap"):
        return meta_text(value)
    fields = value["c"]
    if "name" in fields:
        return _author_name(fields["name"])
    if "literal" in fields:
        return meta_text(fields["literal"])
    parts = [_first(fields, keys) for keys in (_GIVEN_KEYS, _PARTICLE_KEYS, _FAMILY_KEYS)]
    return " ".join(p for p in parts if p)


def _first(fields: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    return next((meta_text(fields[k]) for k in keys if k in fields), "")


def read_metadata(meta: Mapping[str, Any], info: SourceInfo, origins: tuple[Position, ...]) -> Metadata:
    """``Metadata`` from pandoc's ``meta``; ``language`` is the model's
    default, ``en``, when the manuscript names none."""
    keys = ("title", "subtitle", "date", "lang", "abstract", "publisher", "rights", "identifier")
    text = {k: _collapse(meta_text(meta.get(k))) for k in keys}
    return Metadata(
        title=text["title"],
        subtitle=text["subtitle"],
        authors=author_names(meta),
        language=text["lang"] or "en",
        date=text["date"],
        description=text["abstract"],
        publisher=text["publisher"],
        rights=text["rights"],
        identifier=text["identifier"],
        credits=credits(meta),
        sources=(info,),
        origins=origins,
    )


def _collapse(text: str) -> str:
    """Runs of white space as one space; a no-break space is a character
    of the text (``str.split`` would take it for a space)."""
    return _SPACES_RE.sub(" ", text).strip()


def credits(meta: Mapping[str, Any]) -> tuple[Credit, ...]:
    """``credits``: maps with a ``role`` and a ``name``; others are skipped."""
    out = []
    for value in meta_list(meta.get("credits")):
        fields = value["c"] if isinstance(value, dict) and value.get("t") == "MetaMap" else {}
        role, name = (" ".join(meta_text(fields.get(k)).split()) for k in ("role", "name"))
        if role and name:
            out.append(Credit(role, name))
    return tuple(out)


def bibliography_names(meta: Mapping[str, Any]) -> list[str]:
    """The file names under ``bibliography`` (one, or a list)."""
    return [n.strip() for n in (meta_text(v) for v in meta_list(meta.get("bibliography"))) if n.strip()]
