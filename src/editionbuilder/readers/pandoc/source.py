"""A manuscript through pandoc: its bytes, its text, its JSON AST.

Pandoc is run once per manuscript, from the bytes of the file (stdin), to
its JSON AST; the reader never scrapes pandoc's HTML. Text formats are also
decoded here (``sources.read_source``) so that lines can be found and the
build report can account for them; zip formats (DOCX, ODT, EPUB) have no
lines. What pandoc's AST forgets of a DOCX and the reader needs, it reads
from the zip itself: which notes are endnotes, and the author of
``docProps/core.xml`` when pandoc leaves ``author`` empty.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...diagnostics import InputError
from ...model import SourceInfo
from ...pandoc_tool import KEEP_LANGUAGE, PandocJob, read_json
from ...sources import Normalised, decode, normalise_controls
from ..context import base_format
from .nesting import Flattened, flatten_nesting

# Pandoc's input format for each file suffix. ``markdown`` is pandoc's own
# flavour with all its default extensions (YAML metadata, footnotes,
# citations, definition lists, header attributes, tables, math).
FORMATS: dict[str, str] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".odt": "odt",
    ".epub": "epub",
}

# Pandoc's Markdown flavours, which ``--from`` may name: they read alike
# (the same lines pandoc leaves no block for, see ``scan``).
MARKDOWN_FORMATS = frozenset(
    {"markdown", "markdown_strict", "markdown_phpextra", "markdown_mmd", "commonmark", "commonmark_x", "gfm"}
)

# Pandoc's readers this reader is built for: by suffix, or named.
INPUT_FORMATS = MARKDOWN_FORMATS | frozenset(FORMATS.values())

# Formats read from a zip archive: no lines, images inside the archive.
ZIP_FORMATS = frozenset({"docx", "odt", "epub"})

# A note reference in a DOCX body, in document order: which kind it is.
_DOCX_NOTE_REF_RE = re.compile(r"<w:(footnote|endnote)Reference\b")

# The ``dc:creator`` of a DOCX's ``docProps/core.xml``.
_DOCX_CREATOR_RE = re.compile(r"<dc:creator>([^<]*)</dc:creator>")


@dataclass(frozen=True, slots=True)
class Manuscript:
    """What pandoc and the file say about one manuscript."""

    path: Path
    display: str
    format: str
    ast: dict[str, Any]
    info: SourceInfo
    text: str = ""  # the decoded text ("" for zip formats)
    warnings: tuple[str, ...] = ()
    normalised: tuple[Normalised, ...] = ()  # what decoding replaced or removed
    flattened: Flattened = field(default_factory=Flattened)  # nesting cut down (``nesting``)
    # Per note, in document order: "footnote" or "endnote" (DOCX only).
    note_kinds: tuple[str, ...] = ()
    creator: str = ""

    @property
    def zipped(self) -> bool:
        return self.format in ZIP_FORMATS


def _normalise_strings(ast: dict[str, Any]) -> tuple[Normalised, ...]:
    """Normalise, in place, the text of a zipped manuscript's AST as
    ``sources`` normalises a text file's (separators to spaces, controls
    removed): ``Str`` and ``MetaString`` strings and the text of code. A
    zipped file has no lines, so each kind is reported at line 0."""
    found: dict[str, Normalised] = {}
    stack: list[Any] = [ast]
    while stack:  # a loop, not recursion: a manuscript may nest deeply
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))  # popped in document order
            continue
        if not isinstance(node, dict):
            continue
        kind, content = node.get("t"), node.get("c")
        if kind in ("Str", "MetaString") and isinstance(content, str):
            node["c"] = _normalised(content, found)
        elif kind in ("Code", "CodeBlock") and isinstance(content, list) and len(content) == 2:
            content[1] = _normalised(str(content[1]), found)
        else:
            stack.extend(reversed([v for v in node.values() if isinstance(v, (list, dict))]))
    return tuple(found.values())


def _normalised(text: str, found: dict[str, Normalised]) -> str:
    out, notes = normalise_controls(text)
    for n in notes:
        seen = found.get(n.name)
        found[n.name] = replace(n, line=0, count=n.count + (seen.count if seen else 0))
    return out


def load(path: Path, display: str, from_format: str) -> Manuscript:
    """Run pandoc on ``path`` and gather what the reader needs besides the
    AST. ``from_format`` may carry pandoc extensions ("markdown+smart"):
    pandoc gets them, the manuscript keeps the reader's name."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{display}: cannot read ({exc.strerror or exc})") from None
    job = PandocJob(from_format, "json", KEEP_LANGUAGE, f"reading {display}", error=InputError)
    name = base_format(from_format)
    if name in ZIP_FORMATS:
        ast, warnings = read_json(data, job)
        flattened = flatten_nesting(ast)
        normalised = _normalise_strings(ast)
        info = SourceInfo(display, "", "binary", 0, hashlib.sha256(data).hexdigest())
        kinds, creator = _docx_facts(data, display) if name == "docx" else ((), "")
        return Manuscript(path, display, name, ast, info, "", warnings, normalised, flattened, kinds, creator)
    # A text format: pandoc reads the decoded text (UTF-8, LF, controls
    # normalised), the same text the line map is made of.
    decoded = decode(data, display)
    ast, warnings = read_json(decoded.text.encode("utf-8"), job)
    flattened = flatten_nesting(ast)
    info = SourceInfo(display, "", decoded.encoding, decoded.line_count, decoded.sha256)
    return Manuscript(path, display, name, ast, info, decoded.text, warnings, decoded.normalised, flattened)


def _docx_facts(data: bytes, display: str) -> tuple[tuple[str, ...], str]:
    """Note kinds in document order, and the document's creator.

    Pandoc turns footnotes and endnotes alike into ``Note`` inlines placed
    at their references, in body order; ``word/document.xml`` lists the
    references in that same order, each named ``footnoteReference`` or
    ``endnoteReference``. (Their ``w:id`` numbers are per part: the first
    footnote and the first endnote are both ``1``.)
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            body = z.read("word/document.xml").decode("utf-8", "replace")
            core = z.read("docProps/core.xml").decode("utf-8", "replace") if "docProps/core.xml" in z.namelist() else ""
    except (zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{display}: not a readable DOCX ({exc})") from None
    kinds = tuple(m.group(1) for m in _DOCX_NOTE_REF_RE.finditer(body))
    creator = _DOCX_CREATOR_RE.search(core)
    # The XML's text: its character references decoded ("&lt;b&gt;" is "<b>", as typed).
    return kinds, (html.unescape(creator.group(1)).strip() if creator else "")
