"""Pandoc ``Cite`` inlines as the model's ``Citation``.

Pandoc parses ``[see @doe99, p. 33; @roe02]``, ``@doe99 [p. 33]`` and
``[-@doe99]`` into one ``Cite`` holding one citation per key, and keeps the
citation as written as the ``Cite``'s inline content. The model keeps the
written characters too (``prefix`` + items joined by ``separator`` +
``suffix``), so the written text is cut into one piece per citation:

* each piece starts after the ``;`` that precedes its key (its own prefix
  words, ``see also``, stay with it) or, with no ``;`` in between, at its
  key (``@doe99 [-@roe02]``: the narrative form);
* a text in brackets gives ``[`` and ``]`` as the citation's prefix and
  suffix; when every piece ends with ``; `` that is the separator.

Each item's ``key`` is the id of the reference its key names ("" when the
bibliography has no such key: a ``citation-unresolved`` warning with the
line of ``@key``); ``names`` and ``year`` come from that reference;
``locator`` is a locator recognised at the start of pandoc's suffix
(``p. 33``, ``chap. 3``, ``pp. 33, 35-37``).

The exporter writes citations as spans instead (``writers/export``:
pandoc's Markdown writer would replace a ``Cite``'s words with ``[@key]``):
``[([Okafor, p.12]{.cite key="s1-ref17"})]{.citation}``. Read back
(``read_citation_span``), the text before the first ``cite`` span is the
prefix, between spans the separator, after the last the suffix; each span's
text is an item, its ``key`` attribute the citation key, and names, year
and locator are what the item's words say (``citation_syntax``, as for a
plain-text source), else the reference's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ... import codes
from ...model import Citation, CiteItem, Reference
from ..plaintext.references.syntax import parse_item
from .locate import words
from .metadata import meta_text
from .state import ReadState

# A locator at the start of a citation's suffix: an optional comma, a label
# (page, chapter, section, volume, figure, note, paragraph, line) and its
# numbers, Arabic or Roman, with ranges and lists.
_LOCATOR_RE = re.compile(
    r"^,?\s*((?:pp?|pages?|chap|chapter|ch|sec|section|§|vol|volume|fig|figure|n|note|para|l|ll|line)\.?\s*"
    r"[\dIVXLCivxlc]+(?:\s*[-–,]\s*[\dIVXLCivxlc]+)*)",
)


@dataclass(frozen=True, slots=True)
class _Pieces:
    prefix: str
    items: tuple[str, ...]
    separator: str
    suffix: str


def read_cite(node: dict[str, Any], state: ReadState) -> Citation:
    """One ``Cite`` as a ``Citation``, resolving each key."""
    citations, content = node["c"]
    written = " ".join(meta_text(content).split())
    pieces = split_written(written, [c["citationId"] for c in citations])
    items = []
    for citation, text in zip(citations, pieces.items, strict=False):
        key = citation["citationId"]
        ref = state.bibliography.get(key)
        pos = state.here(words(key))
        if ref is None:
            state.add(codes.CITATION_UNRESOLVED, f"the citation @{key} names no entry of the bibliography", pos)
        locator = _LOCATOR_RE.match(meta_text(citation.get("citationSuffix", [])))
        items.append(_item(text, ref, locator.group(1).strip() if locator else ""))
    return Citation(tuple(items), pieces.prefix, pieces.suffix, pieces.separator)


def _item(text: str, ref: Reference | None, locator: str) -> CiteItem:
    if ref is None:
        return CiteItem(text, "", (), "", locator)
    people = ref.author or ref.editor
    names = tuple(n.literal or n.family for n in people if n.literal or n.family)
    year = ref.issued.literal or (f"{ref.issued.year}{ref.issued.suffix}" if ref.issued.year else "")
    return CiteItem(text, ref.id, names, year, locator)


def split_written(text: str, keys: list[str]) -> _Pieces:
    """The written citation cut into one piece per key (module docstring).

    If a key cannot be found in the text (pandoc rewrote it), the whole text
    is the first item and the others are empty: no character is lost.
    """
    marks = _key_marks(text, keys)
    if marks is None:
        return _Pieces("", (text,) + ("",) * (len(keys) - 1), "", "")
    cuts = [0]
    for before, at in pairwise(marks):
        semi = text.rfind(";", before, at)
        if semi < 0:
            cuts.append(at)
        else:
            cuts.append(semi + 1 + len(text[semi + 1 : at]) - len(text[semi + 1 : at].lstrip()))
    pieces = [text[a:b] for a, b in zip(cuts, [*cuts[1:], len(text)], strict=False)]
    prefix = suffix = ""
    if text.startswith("[") and text.endswith("]"):
        prefix, suffix = "[", "]"
        pieces[0] = pieces[0][1:]
        pieces[-1] = pieces[-1][:-1]
    if len(pieces) > 1 and all(p.endswith("; ") for p in pieces[:-1]):
        return _Pieces(prefix, (*tuple(p[:-2] for p in pieces[:-1]), pieces[-1]), "; ", suffix)
    return _Pieces(prefix, tuple(pieces), "", suffix)


def _key_marks(text: str, keys: list[str]) -> list[int] | None:
    """Where each ``@key`` (or ``-@key``, ``@{key}``) starts, in order."""
    marks, at = [], 0
    for key in keys:
        # The key as written: an optional author-suppressing minus, the
        # ``@`` and the key, braced or not, not followed by more of a key.
        m = re.compile(r"-?@(?:\{" + re.escape(key) + r"\}|" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w))").search(
            text, at
        )
        if m is None:
            return None
        marks.append(m.start())
        at = m.end()
    return marks


def read_citation_span(node: dict[str, Any], state: ReadState) -> Citation | None:
    """A ``citation`` span (or a lone ``cite`` span) as a ``Citation``;
    None when it holds no ``cite`` span (then it is only text)."""
    if "citation" not in node["c"][0][1]:
        return Citation((_span_item(node, state),), "", "")
    runs: list[list[Any]] = [[]]
    spans = []
    for child in node["c"][1]:
        if child["t"] == "Span" and "cite" in child["c"][0][1]:
            spans.append(child)
            runs.append([])
        else:
            runs[-1].append(child)
    if not spans:
        return None
    separators = [meta_text(r) for r in runs[1:-1]]
    if len(set(separators)) > 1:
        message = f"the items of this citation are separated by {' and '.join(map(repr, sorted(set(separators))))}: the first is kept"
        state.add(codes.CITATION_SEPARATOR, message, state.here(words(meta_text(spans[0]["c"][1]))))
    items = tuple(_span_item(s, state) for s in spans)
    return Citation(items, meta_text(runs[0]), meta_text(runs[-1]), separators[0] if separators else "; ")


def _span_item(span: dict[str, Any], state: ReadState) -> CiteItem:
    """One ``cite`` span: its text, and the reference its ``key`` names."""
    # White space collapsed, a no-break space kept (``str.split`` would not).
    text = re.sub(r"[ \t\r\n]+", " ", meta_text(span["c"][1])).strip()
    key = next((v for k, v in span["c"][0][2] if k == "key"), "")
    pos = state.here(words(text))
    ref = state.bibliography.get(key) if key else None
    if ref is None:
        named = f"the citation key {key!r} names" if key else "this citation names"
        state.add(codes.CITATION_UNRESOLVED, f"{named} no entry of the bibliography: {text}", pos)
    syntax = parse_item(text)
    if syntax is None:
        return _item(text, ref, "")
    return CiteItem(text, ref.id if ref else "", syntax.names, syntax.year, syntax.locator)
