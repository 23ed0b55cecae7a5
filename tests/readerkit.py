"""Helpers for reader tests: read a text written in a test, and flatten
model nodes back to strings for readable assertions."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from editionbuilder.config import one_off_edition
from editionbuilder.diagnostics import Diagnostics
from editionbuilder.model import (
    BlockQuote,
    Citation,
    Code,
    Edition,
    Emphasis,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Preformatted,
    Strong,
    TermRef,
    Text,
)
from editionbuilder.options import ReaderOptions
from editionbuilder.pipeline import read_edition


def read_text(tmp_path: Path, text: str, name: str = "doc.txt", **reader: object) -> tuple[Edition, Diagnostics]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    options = one_off_edition([path])
    if reader:
        options = replace(options, reader=replace(ReaderOptions(), **reader))
    diags = Diagnostics()
    return read_edition(options, Path("/"), diags), diags


def flat(inlines) -> str:
    """Inlines as text, with markers for the structure: ⟨n⟩ for a note call,
    {cite→key} for a citation, [[term]] for a term use, _x_ for emphasis."""
    out = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, (Emphasis, Strong)):
            out.append("_" + flat(node.children) + "_")
        elif isinstance(node, NoteRef):
            out.append(f"⟨{node.marker}⟩")
        elif isinstance(node, Citation):
            out.append(
                "{"
                + node.prefix
                + node.separator.join(f"{i.text}→{i.key or '?'}" for i in node.items)
                + node.suffix
                + "}"
            )
        elif isinstance(node, TermRef):
            out.append("[[" + flat(node.children) + "]]")
        elif isinstance(node, Link):
            out.append(flat(node.children))
        elif isinstance(node, LineBreak):
            out.append("/")
        elif isinstance(node, Code):
            out.append(node.text)
    return "".join(out)


def shape(blocks) -> list[str]:
    """One string per block: its kind and text."""
    out = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append("P " + flat(b.inlines))
        elif isinstance(b, Heading):
            out.append(f"H{b.level} " + flat(b.inlines))
        elif isinstance(b, BlockQuote):
            inner = " | ".join(s[2:] for s in shape(b.blocks))
            out.append("Q " + inner + (" — " + flat(b.attribution) if b.attribution else ""))
        elif isinstance(b, Preformatted):
            out.append("PRE " + b.text)
        elif isinstance(b, ListBlock):
            out.append("L " + str(len(b.items)))
        else:
            out.append("BREAK")
    return out


def codes(diags: Diagnostics) -> list[str]:
    return [d.code for d in diags.items]
