"""Score the plain-text reader on the web-page corpus (``tests/corpus/web``).

Each page ``NN-platform-slug.txt`` has a hand-made key beside it,
``NN-platform-slug.key.toml`` (the schema is in ``tests/corpus/web/README.md``).
The reader reads each page as a one-off edition, exactly as
``editionbuilder inspect PAGE`` does, and its model is compared with the key
field by field: title, authors, paragraphs, quotations, notes, citations,
references, glossary, comments, removed lines and the rest.

Text is compared as words: Unicode NFC, curly quotes folded to straight ones,
case-folded, punctuation and note marks left out, since the reader applies
typography (curly quotes, dashes, no-break spaces) without changing a word.

A field's accuracy is items right / items in the key. What the reader found
that the key does not have (a paragraph where the key has none, a line
removed that the key says is text) is counted apart as *extra*, and listed
among the misses. A miss is *silent* when the reader gave no diagnostic
(warning or info) on its line: those are the ones an editor would not see.

    python tests/webscore.py [--no-misses] [--strict] [PAGE...]

prints the table and every miss (``--strict``: and exits 1 if there is one).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from editionbuilder.config import one_off_edition
from editionbuilder.diagnostics import Diagnostic, Diagnostics, EditionError
from editionbuilder.model import (
    BlockQuote,
    Chapter,
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
    Position,
    Preformatted,
    SectionBreak,
    Strong,
    TermRef,
    Text,
)
from editionbuilder.pipeline import read_edition

CORPUS = Path(__file__).resolve().parent / "corpus" / "web"
KEY_SUFFIX = ".key.toml"

# The fields scored, in the order the table prints them.
FIELDS = (
    "title",
    "subtitle",
    "authors",
    "editorial lines",
    "paragraphs",
    "headings",
    "section breaks",
    "block quotes",
    "attributions",
    "notes",
    "note calls",
    "citations",
    "citation targets",
    "references",
    "reference types",
    "reference authors",
    "reference years",
    "reference titles",
    "reference containers",
    "glossary",
    "comments",
    "comment authors",
    "comment paragraphs",
    "author box",
    "removed lines",
    "metadata lines",
)

# CSL item types (CSL 1.0.2) a key may give a reference.
CSL_TYPES = frozenset(
    (
        "article",
        "article-journal",
        "article-magazine",
        "article-newspaper",
        "bill",
        "book",
        "broadcast",
        "chapter",
        "classic",
        "collection",
        "dataset",
        "document",
        "entry",
        "entry-dictionary",
        "entry-encyclopedia",
        "event",
        "figure",
        "graphic",
        "hearing",
        "interview",
        "legal_case",
        "legislation",
        "manuscript",
        "map",
        "motion_picture",
        "musical_score",
        "pamphlet",
        "paper-conference",
        "patent",
        "performance",
        "periodical",
        "personal_communication",
        "post",
        "post-weblog",
        "regulation",
        "report",
        "review",
        "review-book",
        "software",
        "song",
        "speech",
        "standard",
        "thesis",
        "treaty",
        "webpage",
    )
)

# ---------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
# Note marks that are not words: a glued asterisk, daggers, superscript
# figures, and a bracketed figure or letter ("[3]").
_NOTE_MARKS = re.compile(r"\[(?:\d{1,3}|[A-Za-z])\]|[*†‡§¶⁰¹²³⁴⁵⁶⁷⁸⁹]")
# A word: letters or figures, with apostrophes inside ("don't", "o'clock").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# A list number opening a line ("  1. "), which is not part of the text.
_LIST_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+")


def fold(text: str) -> str:
    """NFC, straight quotes, case-folded."""
    return unicodedata.normalize("NFC", text).translate(_QUOTES).casefold()


def words(text: str) -> list[str]:
    """The words of ``text`` as compared: folded, without punctuation or note marks."""
    return _WORD.findall(_NOTE_MARKS.sub(" ", fold(text)))


def same_words(a: str, b: str) -> bool:
    return words(a) == words(b)


def starts_with(text: str, start: str) -> bool:
    want = words(start)
    return bool(want) and words(text)[: len(want)] == want


def ends_with(text: str, end: str) -> bool:
    want = words(end)
    return bool(want) and words(text)[-len(want) :] == want


def contains(text: str, part: str) -> bool:
    have, want = words(text), words(part)
    return bool(want) and any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def excerpt(text: str, n: int = 8) -> str:
    ws = text.split()
    return " ".join(ws[:n]) + (" …" if len(ws) > n else "")


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------

# The key schema: for each top-level field, whether it is required and the
# shape of its value. An item shape maps a name to (type, required).
_LINE_TEXT = {"line": (int, True), "text": (str, True)}
ITEM_SHAPES: dict[str, dict[str, tuple[type, bool]]] = {
    "title": _LINE_TEXT,
    "subtitle": _LINE_TEXT,
    "authors": {"name": (str, True), "line": (int, True)},
    "editorial": {"line": (int, True), "text": (str, True), "dropped": (bool, True)},
    "paragraphs": {"line": (int, True), "end": (int, False), "start": (str, True)},
    "headings": _LINE_TEXT,
    "quotes": {
        "line": (int, True),
        "end": (int, True),
        "first": (str, True),
        "last": (str, True),
        "attribution": (str, True),
    },
    "notes": {
        "marker": (str, True),
        "line": (int, True),
        "end": (int, False),
        "start": (str, True),
        "call_line": (int, True),
        "call_after": (str, True),
    },
    "citations": {"line": (int, True), "text": (str, True), "refs": (list, True)},
    "references": {
        "id": (str, True),
        "line": (int, True),
        "end": (int, False),
        "type": (str, True),
        "authors": (list, True),
        "year": (str, True),
        "title": (str, True),
        "container": (str, False),
    },
    "glossary": {"term": (str, True), "line": (int, True), "end": (int, False), "start": (str, True)},
    "comments": {
        "line": (int, True),
        "end": (int, False),
        "author": (str, True),
        "paragraphs": (int, True),
        "start": (str, True),
    },
    "author_box": {"line": (int, True), "name": (str, True), "paragraphs": (list, True)},
    "meta": _LINE_TEXT,
    "removed": _LINE_TEXT,
}
# Fields holding one item (a table) rather than a list of them.
SINGLE = frozenset(("title", "subtitle", "author_box"))
REQUIRED = frozenset(("platform", "title", "paragraphs", "removed"))
LIST_FIELDS = tuple(k for k in ITEM_SHAPES if k not in SINGLE)
PLATFORMS = frozenset(("wordpress", "blogger", "medium", "substack", "ghost", "disqus", "newsletter", "site"))


def load_key(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def key_path(page: Path) -> Path:
    return page.with_name(page.name.removesuffix(".txt") + KEY_SUFFIX)


def pages(folder: Path = CORPUS) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt") if p.name[:2].isdigit())


def page_lines(page: Path) -> list[str]:
    """The page's lines as the reader numbers them (LF, a final LF ends the
    last line), with UTF-8 read as Windows-1252 ("donâ€™t") put right, so
    that a key gives the words the page means."""
    text = page.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
    lines = [_MOJIBAKE.sub(_unmojibake, ln) for ln in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Each byte as Windows-1252 shows it (the five bytes it leaves undefined as
# the C1 controls browsers show), and back.
_CP1252 = {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(256)}
_CP1252_BYTES = {c: b for b, c in _CP1252.items()}
_CONTINUATION = "".join(_CP1252[b] for b in range(0x80, 0xC0))
# A UTF-8 lead byte and its continuation bytes, read as Windows-1252.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00df][{0}]|[\u00e0-\u00ef][{0}]{{2}}|[\u00f0-\u00f4][{0}]{{3}}".format(re.escape(_CONTINUATION))
)


def _unmojibake(m: re.Match[str]) -> str:
    try:
        return bytes(_CP1252_BYTES[c] for c in m.group(0)).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return m.group(0)


def check_key(key: dict[str, Any], lines: list[str]) -> list[str]:
    """Problems of a key against the schema and its page; [] when well-formed.

    Besides the shapes of the fields, every line number must be in range,
    the words the key quotes must be on the lines it names, every
    non-blank line of the page must be accounted for by exactly one item,
    and every citation must point to a reference of the key.
    """
    problems = _check_shapes(key)
    if problems:
        return problems
    problems += _check_lines(key, lines)
    problems += _check_coverage(key, lines)
    ids = [r["id"] for r in key.get("references", [])]
    if len(set(ids)) != len(ids):
        problems.append("references: ids repeat")
    for c in key.get("citations", []):
        for ref in c["refs"]:
            if ref and ref not in ids:
                problems.append(f"citation on line {c['line']}: no reference with id {ref!r}")
    for r in key.get("references", []):
        if r["type"] not in CSL_TYPES:
            problems.append(f"reference {r['id']}: {r['type']!r} is not a CSL type")
    if key.get("platform") not in PLATFORMS:
        problems.append(f"platform {key.get('platform')!r} is not one of {sorted(PLATFORMS)}")
    return problems


def _check_shapes(key: dict[str, Any]) -> list[str]:
    problems = [f"missing field {name!r}" for name in sorted(REQUIRED) if name not in key]
    known = set(ITEM_SHAPES) | {"platform", "conventions", "section_breaks"}
    problems += [f"unknown field {name!r}" for name in key if name not in known]
    if not isinstance(key.get("platform", ""), str):
        problems.append("platform: not a string")
    if not all(isinstance(c, str) for c in key.get("conventions", [])):
        problems.append("conventions: not a list of strings")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in key.get("section_breaks", [])):
        problems.append("section_breaks: not a list of line numbers")
    for name, shape in ITEM_SHAPES.items():
        if name not in key:
            continue
        value = key[name]
        items = [value] if name in SINGLE else value
        if name not in SINGLE and not isinstance(value, list):
            problems.append(f"{name}: not a list")
            continue
        for n, item in enumerate(items):
            where = name if name in SINGLE else f"{name}[{n}]"
            problems += _check_item(where, item, shape)
    for n, r in enumerate(key.get("references", [])):
        if isinstance(r, dict) and not all(isinstance(a, str) for a in r.get("authors", [])):
            problems.append(f"references[{n}].authors: not a list of strings")
    for n, c in enumerate(key.get("citations", [])):
        if isinstance(c, dict) and not all(isinstance(a, str) for a in c.get("refs", [])):
            problems.append(f"citations[{n}].refs: not a list of strings")
    box = key.get("author_box")
    if isinstance(box, dict):
        for n, p in enumerate(box.get("paragraphs", [])):
            problems += _check_item(f"author_box.paragraphs[{n}]", p, ITEM_SHAPES["paragraphs"])
    return problems


def _check_item(where: str, item: Any, shape: dict[str, tuple[type, bool]]) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: not a table"]
    problems = [f"{where}: unknown field {k!r}" for k in item if k not in shape]
    for k, (typ, required) in shape.items():
        if k not in item:
            if required:
                problems.append(f"{where}: missing {k!r}")
        elif not isinstance(item[k], typ) or (typ is int and isinstance(item[k], bool)):
            problems.append(f"{where}.{k}: not {typ.__name__}")
    return problems


def _span_text(lines: list[str], first: int, last: int) -> str:
    return " ".join(lines[first - 1 : last])


def _check_lines(key: dict[str, Any], lines: list[str]) -> list[str]:
    """Line numbers in range, and the key's words on the lines it names."""
    problems: list[str] = []
    count = len(lines)

    def in_range(where: str, first: int, last: int | None = None) -> bool:
        last = first if last is None else last
        if not (1 <= first <= last <= count):
            problems.append(f"{where}: lines {first}-{last} out of range 1-{count}")
            return False
        if not lines[first - 1].strip() or not lines[last - 1].strip():
            problems.append(f"{where}: line {first if not lines[first - 1].strip() else last} is blank")
            return False
        return True

    def whole(where: str, n: int, text: str) -> None:
        if in_range(where, n) and not same_words(lines[n - 1], text):
            problems.append(f"{where}: line {n} says {lines[n - 1].strip()!r}, not {text!r}")

    def starting(where: str, first: int, last: int, start: str) -> None:
        if in_range(where, first, last) and not starts_with(_LIST_NUMBER.sub("", lines[first - 1]), start):
            problems.append(f"{where}: line {first} does not start with {start!r}: {lines[first - 1].strip()!r}")

    # A title and its subtitle may share the first line ("Title – Subtitle").
    for name in ("title", "subtitle"):
        if (
            name in key
            and in_range(name, key[name]["line"])
            and not contains(lines[key[name]["line"] - 1], key[name]["text"])
        ):
            problems.append(f"{name}: {key[name]['text']!r} not on line {key[name]['line']}")
    for a in key.get("authors", []):
        if in_range(f"author {a['name']!r}", a["line"]) and not contains(lines[a["line"] - 1], a["name"]):
            problems.append(f"author {a['name']!r}: not named on line {a['line']}")
    for e in key.get("editorial", []):
        whole("editorial", e["line"], e["text"])
    for p in key.get("paragraphs", []):
        starting("paragraph", p["line"], p.get("end", p["line"]), p["start"])
    for h in key.get("headings", []):
        whole("heading", h["line"], h["text"])
    for q in key.get("quotes", []):
        if in_range("quote", q["line"], q["end"]):
            if not starts_with(lines[q["line"] - 1], q["first"]):
                problems.append(f"quote on line {q['line']}: does not start with {q['first']!r}")
            span = _span_text(lines, q["line"], q["end"])
            if not contains(span, q["last"]):
                problems.append(f"quote on line {q['line']}: {q['last']!r} not in lines {q['line']}-{q['end']}")
            if q["attribution"] and not contains(span, q["attribution"]):
                problems.append(f"quote on line {q['line']}: attribution {q['attribution']!r} not in its lines")
    for n in key.get("notes", []):
        starting(f"note {n['marker']}", n["line"], n.get("end", n["line"]), n["start"])
        if in_range(f"call of note {n['marker']}", n["call_line"]) and not _has_call(
            lines, n["call_line"], n["marker"], n["call_after"]
        ):
            problems.append(f"note {n['marker']}: no call after {n['call_after']!r} on line {n['call_line']}")
    for c in key.get("citations", []):
        if in_range("citation", c["line"]) and not contains(lines[c["line"] - 1], c["text"]):
            problems.append(f"citation {c['text']!r}: not on line {c['line']}")
    for r in key.get("references", []):
        if in_range(f"reference {r['id']}", r["line"], r.get("end", r["line"])):
            span = _span_text(lines, r["line"], r.get("end", r["line"]))
            # "---." or "———." for the author of the entry above (MLA, Chicago).
            repeated = _REPEATED_AUTHOR.match(span) is not None
            for part in [r["title"], *([] if repeated else r["authors"]), r.get("container", "")]:
                if part and not contains(span, part):
                    problems.append(f"reference {r['id']}: {part!r} not on line {r['line']}")
    for g in key.get("glossary", []):
        if in_range(f"glossary {g['term']!r}", g["line"], g.get("end", g["line"])):
            if not contains(lines[g["line"] - 1], g["term"]):
                problems.append(f"glossary {g['term']!r}: term not on line {g['line']}")
            if not contains(_span_text(lines, g["line"], g.get("end", g["line"])), g["start"]):
                problems.append(f"glossary {g['term']!r}: {g['start']!r} not in its lines")
    for c in key.get("comments", []):
        starting("comment", c["line"], c.get("end", c["line"]), c["start"])
        if c["paragraphs"] < 1:
            problems.append(f"comment on line {c['line']}: paragraphs must be 1 or more")
    if box := key.get("author_box"):
        if in_range("author box", box["line"]) and not contains(lines[box["line"] - 1], box["name"]):
            problems.append(f"author box: {box['name']!r} not on line {box['line']}")
        for p in box["paragraphs"]:
            starting("author box paragraph", p["line"], p.get("end", p["line"]), p["start"])
    for name in ("meta", "removed"):
        for m in key.get(name, []):
            whole(name, m["line"], m["text"])
    starts = {p["line"] for p in key.get("paragraphs", [])}
    starts |= {q["line"] for q in key.get("quotes", [])} | {h["line"] for h in key.get("headings", [])}
    for n in key.get("section_breaks", []):
        if n not in starts:
            problems.append(f"section break before line {n}: no paragraph, quote or heading starts there")
    return problems


# A bibliography entry whose author is that of the entry above: "---." or "———.".
_REPEATED_AUTHOR = re.compile(r"^\s*[-—–_]{2,}")


def _has_call(lines: list[str], n: int, marker: str, after: str) -> bool:
    """``after`` ends the words right before a call ``marker`` on line ``n``
    (the words may begin on the lines above, in a hard-wrapped paragraph)."""
    first = n
    while first > 1 and lines[first - 2].strip():
        first -= 1
    before = " ".join(lines[first - 1 : n - 1])
    line = lines[n - 1]
    call = f"[{marker}]" if marker.isalnum() and marker.isascii() else marker
    at = line.find(call)
    while at >= 0:
        # A call is the whole mark: "*" is not the first star of "**".
        whole = not (call == "*" and (line[at + 1 : at + 2] == "*" or line[at - 1 : at] == "*"))
        if whole and ends_with(f"{before} {line[:at]}", after):
            return True
        at = line.find(call, at + 1)
    return False


def key_lines(key: dict[str, Any]) -> dict[str, set[int]]:
    """The lines each kind of key item covers: text (kept in the model as
    text), consumed (title, bylines, metadata: taken or removed, never
    text), removed, and editorial lines to drop or keep."""
    text: set[int] = set()

    def span(item: dict[str, Any]) -> range:
        return range(item["line"], item.get("end", item["line"]) + 1)

    for name in ("paragraphs", "quotes", "notes", "references", "glossary", "comments"):
        for item in key.get(name, []):
            text.update(span(item))
    text.update(h["line"] for h in key.get("headings", []))
    box = key.get("author_box")
    if box:
        for p in box["paragraphs"]:
            text.update(span(p))
    consumed = {m["line"] for m in key.get("meta", [])} | {a["line"] for a in key.get("authors", [])}
    consumed |= {key[n]["line"] for n in ("title", "subtitle") if n in key}
    if box:
        consumed.add(box["line"])
    return {
        "text": text,
        "consumed": consumed,
        "removed": {m["line"] for m in key.get("removed", [])},
        "dropped": {e["line"] for e in key.get("editorial", []) if e["dropped"]},
        "kept": {e["line"] for e in key.get("editorial", []) if not e["dropped"]},
    }


def _check_coverage(key: dict[str, Any], lines: list[str]) -> list[str]:
    """Every non-blank line in exactly one item (several bylines may share a line)."""
    owners: dict[int, list[str]] = {}

    def own(n: int, what: str) -> None:
        owners.setdefault(n, []).append(what)

    def own_span(item: dict[str, Any], what: str) -> None:
        # The blank lines inside a span (between a comment's paragraphs) are nobody's.
        for n in range(item["line"], item.get("end", item["line"]) + 1):
            if 1 <= n <= len(lines) and lines[n - 1].strip():
                own(n, what)

    for name in ("paragraphs", "quotes", "notes", "references", "glossary", "comments"):
        for item in key.get(name, []):
            own_span(item, name)
    for name in ("headings", "editorial", "meta", "removed"):
        for item in key.get(name, []):
            own(item["line"], name)
    # A title and its subtitle, or the bylines of several authors, may share a line.
    for n in sorted({key[name]["line"] for name in ("title", "subtitle") if name in key}):
        own(n, "title")
    for n in sorted({a["line"] for a in key.get("authors", [])}):
        own(n, "authors")
    if box := key.get("author_box"):
        own(box["line"], "author_box")
        for p in box["paragraphs"]:
            own_span(p, "author_box")
    problems = []
    for n, line in enumerate(lines, start=1):
        if line.strip() and n not in owners:
            problems.append(f"line {n} is in no item of the key: {line.strip()[:60]!r}")
    for n, who in sorted(owners.items()):
        if len(who) > 1:
            problems.append(f"line {n} is in more than one item: {', '.join(who)}")
    return problems


# ---------------------------------------------------------------------------
# The model, as the key sees it
# ---------------------------------------------------------------------------


def inline_text(inlines: Iterable[Any]) -> str:
    """The words of inlines as printed: a citation with its parentheses, a
    note call as a gap."""
    out: list[str] = []
    for n in inlines:
        if isinstance(n, (Text, Code)):
            out.append(n.text)
        elif isinstance(n, Citation):
            out.append(n.prefix + n.separator.join(i.text for i in n.items) + n.suffix)
        elif isinstance(n, (Emphasis, Strong, TermRef, Link)):
            out.append(inline_text(n.children))
        elif isinstance(n, (NoteRef, LineBreak)):
            out.append(" ")
    return "".join(out)


def block_text(block: Any) -> str:
    """The words of a block; a quotation's without its attribution."""
    if isinstance(block, (Paragraph, Heading)):
        return inline_text(block.inlines)
    if isinstance(block, BlockQuote):
        return " ".join(block_text(b) for b in block.blocks)
    if isinstance(block, Preformatted):
        return block.text
    if isinstance(block, ListBlock):
        return " ".join(block_text(b) for item in block.items for b in item)
    return ""


def _leaves(blocks: Iterable[Any]) -> Iterator[tuple[tuple[Any, ...], Position]]:
    """Every run of inlines with the position of its block: paragraphs,
    headings, and a quotation's attribution (at the quotation's position)."""
    for b in blocks:
        if isinstance(b, (Paragraph, Heading)):
            yield b.inlines, b.pos
        elif isinstance(b, BlockQuote):
            yield from _leaves(b.blocks)
            if b.attribution:
                yield b.attribution, b.pos
        elif isinstance(b, ListBlock):
            for item in b.items:
                yield from _leaves(item)


def _flat(inlines: Iterable[Any]) -> Iterator[Any]:
    """Inlines in reading order, containers opened (a citation stays whole)."""
    for n in inlines:
        if isinstance(n, (Emphasis, Strong, TermRef, Link)):
            yield from _flat(n.children)
        else:
            yield n


def _covers(pos: Position, line: int) -> bool:
    return bool(pos.line) and pos.line <= line <= max(pos.end_line, pos.line)


@dataclass
class ModelView:
    """What the model holds, indexed by line for comparison with a key."""

    edition: Edition
    body: list[Any] = field(default_factory=list)  # top-level blocks of the author's chapters
    chapters: list[Chapter] = field(default_factory=list)  # the author's chapters
    leaves: list[tuple[tuple[Any, ...], Position]] = field(default_factory=list)

    @classmethod
    def of(cls, edition: Edition) -> ModelView:
        view = cls(edition)
        view.chapters = [c for c in edition.chapters if c.role == "chapter"]
        view.body = [b for c in view.chapters for b in c.blocks]
        scopes: list[Any] = [c.blocks for c in edition.chapters]
        scopes += [x.blocks for group in (edition.notes, edition.glossary, edition.comments) for x in group]
        view.leaves = [leaf for blocks in scopes for leaf in _leaves(blocks)]
        return view

    def removed_lines(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for r in self.edition.removed:
            for n in range(r.pos.line, max(r.pos.end_line, r.pos.line) + 1):
                out[n] = r.reason
        return out

    def text_lines(self) -> set[int]:
        """Lines inside a block of text (paragraph, heading, quotation,
        preformatted) anywhere in the model."""
        out: set[int] = set()

        def add(blocks: Iterable[Any]) -> None:
            for b in blocks:
                if isinstance(b, (Paragraph, Heading, Preformatted)) and b.pos.line:
                    out.update(range(b.pos.line, max(b.pos.end_line, b.pos.line) + 1))
                elif isinstance(b, BlockQuote):
                    add(b.blocks)
                elif isinstance(b, ListBlock):
                    for item in b.items:
                        add(item)

        for c in self.edition.chapters:
            add(c.blocks)
        for group in (self.edition.notes, self.edition.glossary, self.edition.comments):
            for x in group:
                add(x.blocks)
        return out

    def describe(self, line: int) -> str:
        """What the model made of ``line``, for a miss report."""
        found: list[str] = []
        for b in self.body:
            if _covers(b.pos, line):
                found.append(f"{_kind(b)} «{excerpt(block_text(b))}»" if block_text(b) else _kind(b))
        for c in self.edition.chapters:
            if c.role != "chapter" and (_covers(c.pos, line) or any(_covers(b.pos, line) for b in c.blocks)):
                found.append(f"{c.role} chapter «{excerpt(inline_text(c.title))}»")
            elif c.role == "chapter" and c.pos.line == line:
                found.append(f"title of a chapter «{excerpt(inline_text(c.title))}»")
        groups = (
            ("note", self.edition.notes),
            ("glossary entry", self.edition.glossary),
            ("comment", self.edition.comments),
            ("reference", self.edition.references),
        )
        for label, group in groups:
            for x in group:
                inner = getattr(x, "blocks", ())
                if _covers(x.pos, line) or any(_covers(b.pos, line) for b in inner):
                    found.append(label)
        for r in self.edition.removed:
            if _covers(r.pos, line):
                found.append(f"removed ({r.reason})")
        if any(_covers(p, line) for p in self.edition.metadata.origins):
            found.append("metadata")
        return "; ".join(found) or "nothing"


def _kind(block: Any) -> str:
    return {
        Paragraph: "paragraph",
        Heading: "heading",
        BlockQuote: "block quote",
        SectionBreak: "section break",
        ListBlock: "list",
        Preformatted: "preformatted text",
    }.get(type(block), type(block).__name__)


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Miss:
    page: str
    line: int
    field: str
    expected: str
    found: str
    silent: bool = False
    extra: bool = False

    def format(self) -> str:
        tag = " [silent]" if self.silent else ""
        what = "unexpected" if self.extra else "expected"
        return f"{self.page}:{self.line}: {self.field}: {what} {self.expected}; found {self.found}{tag}"


@dataclass
class FieldScore:
    right: int = 0
    total: int = 0
    extra: int = 0

    def add(self, other: FieldScore) -> None:
        self.right += other.right
        self.total += other.total
        self.extra += other.extra

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class PageScore:
    page: str
    fields: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in FIELDS})
    misses: list[Miss] = field(default_factory=list)


@dataclass
class Scorer:
    """Compares one page's model with its key, item by item."""

    page: str
    key: dict[str, Any]
    view: ModelView
    diagnostics: list[Diagnostic]
    result: PageScore = field(init=False)

    def __post_init__(self) -> None:
        self.result = PageScore(self.page)

    # -- bookkeeping --------------------------------------------------------

    def item(self, name: str, ok: bool, line: int, expected: str, found: str | None = None) -> bool:
        score = self.result.fields[name]
        score.total += 1
        if ok:
            score.right += 1
        else:
            self._miss(name, line, expected, found if found is not None else self.view.describe(line), extra=False)
        return ok

    def extra(self, name: str, line: int, what: str) -> None:
        self.result.fields[name].extra += 1
        self._miss(name, line, what, self.view.describe(line), extra=True)

    def _miss(self, name: str, line: int, expected: str, found: str, extra: bool) -> None:
        silent = not any(_covers(d.pos, line) for d in self.diagnostics)
        self.result.misses.append(Miss(self.page, line, name, expected, found, silent, extra))

    # -- fields -------------------------------------------------------------

    def run(self) -> PageScore:
        self.head()
        self.editorial()
        self.body()
        self.quotes()
        self.notes()
        self.citations()
        self.references()
        self.glossary()
        self.comments()
        self.author_box()
        self.lines()
        return self.result

    def head(self) -> None:
        meta = self.view.edition.metadata
        t = self.key["title"]
        self.item("title", same_words(meta.title, t["text"]), t["line"], f"title «{t['text']}»", f"«{meta.title}»")
        sub = self.key.get("subtitle", {"line": t["line"], "text": ""})
        self.item(
            "subtitle",
            same_words(meta.subtitle, sub["text"]),
            sub["line"],
            f"subtitle «{sub['text']}»" if sub["text"] else "no subtitle",
            f"«{meta.subtitle}»" if meta.subtitle else "none",
        )
        have = list(meta.authors)
        for a in self.key.get("authors", []):
            match = next((h for h in have if same_words(h, a["name"])), None)
            if match is not None:
                have.remove(match)
            self.item("authors", match is not None, a["line"], f"author «{a['name']}»", f"authors {list(meta.authors)}")
        origin = meta.origins[0].line if meta.origins else t["line"]
        for h in have:
            self.extra("authors", origin, f"author «{h}»")

    def editorial(self) -> None:
        removed = self.view.removed_lines()
        text = self.view.text_lines()
        for e in self.key.get("editorial", []):
            n = e["line"]
            if e["dropped"]:
                self.item("editorial lines", n in removed and n not in text, n, "the line dropped (its link was lost)")
            else:
                self.item("editorial lines", n in text and n not in removed, n, "the line kept as text")

    def body(self) -> None:
        paras = {b.pos.line: b for b in self.view.body if isinstance(b, Paragraph)}
        for p in self.key.get("paragraphs", []):
            b = paras.pop(p["line"], None)
            ok = b is not None and starts_with(block_text(b), p["start"])
            self.item("paragraphs", ok, p["line"], f"paragraph «{p['start']} …»")
        # An editorial line the key keeps is a paragraph, scored as an editorial line.
        for e in self.key.get("editorial", []):
            if not e["dropped"]:
                paras.pop(e["line"], None)
        for line, b in sorted(paras.items()):
            self.extra("paragraphs", line, f"paragraph «{excerpt(block_text(b))}»")

        heads = {b.pos.line: inline_text(b.inlines) for b in self.view.body if isinstance(b, Heading)}
        # A heading that starts a chapter of its own is a heading too.
        heads.update({c.pos.line: inline_text(c.title) for c in self.view.chapters[1:] if c.pos.line})
        for h in self.key.get("headings", []):
            got = heads.pop(h["line"], None)
            self.item("headings", got is not None and same_words(got, h["text"]), h["line"], f"heading «{h['text']}»")
        for line, text in sorted(heads.items()):
            self.extra("headings", line, f"heading «{excerpt(text)}»")

        breaks = self._breaks()
        for n in self.key.get("section_breaks", []):
            ok = n in breaks
            breaks.discard(n)
            self.item("section breaks", ok, n, "a section break before this line")
        for n in sorted(breaks):
            self.extra("section breaks", n, "a section break before this line")

    def _breaks(self) -> set[int]:
        """The first line of the block after each section break."""
        out: set[int] = set()
        body = self.view.body
        for i, b in enumerate(body):
            if isinstance(b, SectionBreak):
                after = next((x for x in body[i + 1 :] if not isinstance(x, SectionBreak) and x.pos.line), None)
                out.add(after.pos.line if after is not None else max(b.pos.end_line, b.pos.line))
        return out

    def quotes(self) -> None:
        quotes = {b.pos.line: b for b in self.view.body if isinstance(b, BlockQuote)}
        for q in self.key.get("quotes", []):
            b = quotes.pop(q["line"], None)
            if b is None:
                self.item("block quotes", False, q["line"], f"block quote «{q['first']} … {q['last']}»")
                self.item("attributions", False, q["line"], f"attribution «{q['attribution']}»")
                continue
            text = block_text(b)
            spans = max(b.pos.end_line, b.pos.line) == q["end"] or _attribution_line(b, q)
            ok = spans and starts_with(text, q["first"]) and ends_with(text, q["last"])
            self.item(
                "block quotes",
                ok,
                q["line"],
                f"block quote of lines {q['line']}-{q['end']} «{q['first']} … {q['last']}»",
                f"block quote of lines {b.pos.line}-{b.pos.end_line} «{excerpt(text)} … {' '.join(words(text)[-5:])}»",
            )
            got = inline_text(b.attribution)
            self.item(
                "attributions",
                same_words(got, q["attribution"]),
                q["line"],
                f"attribution «{q['attribution']}»" if q["attribution"] else "no attribution",
                f"«{got}»" if got else "none",
            )
        for line, b in sorted(quotes.items()):
            self.extra("block quotes", line, f"block quote «{excerpt(block_text(b))}»")

    def notes(self) -> None:
        notes = {n.pos.line: n for n in self.view.edition.notes}
        calls: dict[str, list[tuple[Position, str]]] = {}
        for inlines, pos in self.view.leaves:
            before = ""
            for n in _flat(inlines):
                if isinstance(n, NoteRef):
                    calls.setdefault(n.note_id, []).append((pos, before))
                before += inline_text((n,))
        for k in self.key.get("notes", []):
            note = notes.pop(k["line"], None)
            ok = (
                note is not None
                and _marker(note.marker) == _marker(k["marker"])
                and starts_with(" ".join(block_text(b) for b in note.blocks), k["start"])
            )
            found = None if note is None else f"note marked «{note.marker}» «{excerpt(block_text(note.blocks[0]))}»"
            self.item("notes", ok, k["line"], f"note «{k['marker']}» «{k['start']} …»", found)
            placed = calls.get(note.id, []) if note is not None else []
            good = any(_covers(pos, k["call_line"]) and ends_with(before, k["call_after"]) for pos, before in placed)
            where = ", ".join(f"line {pos.line} after «…{' '.join(words(b)[-4:])}»" for pos, b in placed)
            self.item(
                "note calls",
                good,
                k["call_line"],
                f"a call of note «{k['marker']}» after «{k['call_after']}»",
                (f"calls at {where}" if placed else "no call of the note") if note is not None else None,
            )
        for line, n in sorted(notes.items()):
            self.extra("notes", line, f"note «{n.marker}» «{excerpt(block_text(n.blocks[0]) if n.blocks else '')}»")

    def citations(self) -> None:
        found: list[tuple[Citation, Position]] = [
            (n, pos) for inlines, pos in self.view.leaves for n in _flat(inlines) if isinstance(n, Citation)
        ]
        by_line = {r["line"]: r["id"] for r in self.key.get("references", [])}
        refs = {r.id: by_line.get(r.pos.line, f"the entry on line {r.pos.line}") for r in self.view.edition.references}
        for c in self.key.get("citations", []):
            match = next(
                (
                    i
                    for i, (cite, pos) in enumerate(found)
                    if _covers(pos, c["line"]) and same_words("; ".join(x.text for x in cite.items), c["text"])
                ),
                None,
            )
            here = [f"«{inline_text((cite,))}»" for cite, pos in found if _covers(pos, c["line"])]
            self.item(
                "citations",
                match is not None,
                c["line"],
                f"citation «{c['text']}»",
                None if match is not None else (f"citations {', '.join(here)}" if here else "no citation on the line"),
            )
            items = found.pop(match)[0].items if match is not None else ()
            for n, want in enumerate(c["refs"]):
                got = refs.get(items[n].key, "") if n < len(items) and items[n].key else ""
                self.item(
                    "citation targets",
                    match is not None and n < len(items) and got == want,
                    c["line"],
                    f"«{c['text']}» item {n + 1} → {want or 'no reference'}",
                    (f"→ {got or 'no reference'}" if match is not None else "the citation not found"),
                )
        for cite, pos in found:
            self.extra("citations", pos.line, f"citation «{inline_text((cite,))}»")

    def references(self) -> None:
        model = {r.pos.line: r for r in self.view.edition.references}
        for k in self.key.get("references", []):
            r = model.pop(k["line"], None)
            n = k["line"]
            self.item("references", r is not None, n, f"reference {k['id']} «{excerpt(k['title'])}»")
            if r is None:
                for name in ("reference types", "reference authors", "reference years", "reference titles"):
                    self.item(name, False, n, f"{k['id']}: {name.split()[1][:-1]} (no reference)")
                if k.get("container"):
                    self.item("reference containers", False, n, f"{k['id']}: container (no reference)")
                continue
            self.item("reference types", r.type == k["type"], n, f"{k['id']}: type {k['type']}", r.type)
            names = [_name(a) for a in r.author] or [_name(e) for e in r.editor]
            self.item(
                "reference authors",
                [words(a) for a in names] == [words(a) for a in k["authors"]],
                n,
                f"{k['id']}: authors {k['authors']}",
                str(names),
            )
            year = _year(r.issued)
            self.item("reference years", _same_year(year, k["year"]), n, f"{k['id']}: year {k['year']}", year)
            self.item(
                "reference titles",
                same_words(r.title, k["title"]),
                n,
                f"{k['id']}: title «{k['title']}»",
                f"«{r.title}»",
            )
            if k.get("container"):
                self.item(
                    "reference containers",
                    same_words(r.container_title, k["container"]),
                    n,
                    f"{k['id']}: container «{k['container']}»",
                    f"«{r.container_title}»",
                )
        for line, r in sorted(model.items()):
            self.extra("references", line, f"reference «{excerpt(r.raw)}»")

    def glossary(self) -> None:
        model = {g.pos.line: g for g in self.view.edition.glossary}
        for k in self.key.get("glossary", []):
            g = model.pop(k["line"], None)
            ok = (
                g is not None
                and same_words(g.term, k["term"])
                and starts_with(" ".join(block_text(b) for b in g.blocks), k["start"])
            )
            found = None if g is None else f"«{g.term}»: «{excerpt(' '.join(block_text(b) for b in g.blocks))}»"
            self.item("glossary", ok, k["line"], f"«{k['term']}»: «{k['start']} …»", found)
        for line, g in sorted(model.items()):
            self.extra("glossary", line, f"glossary entry «{g.term}»")

    def comments(self) -> None:
        model = {}
        for c in self.view.edition.comments:
            model[c.blocks[0].pos.line if c.blocks and c.blocks[0].pos.line else c.pos.line] = c
        for k in self.key.get("comments", []):
            c = model.pop(k["line"], None)
            n = k["line"]
            text = " ".join(block_text(b) for b in c.blocks) if c is not None else ""
            self.item("comments", c is not None and starts_with(text, k["start"]), n, f"comment «{k['start']} …»")
            self.item(
                "comment authors",
                c is not None and same_words(c.author, k["author"]),
                n,
                f"comment author «{k['author']}»" if k["author"] else "no comment author",
                f"«{c.author}»" if c is not None and c.author else ("none" if c is not None else None),
            )
            self.item(
                "comment paragraphs",
                c is not None and len(c.blocks) == k["paragraphs"],
                n,
                f"{k['paragraphs']} paragraph(s) in the comment",
                f"{len(c.blocks)} paragraph(s)" if c is not None else None,
            )
        for line, c in sorted(model.items()):
            text = " ".join(block_text(b) for b in c.blocks)
            self.extra("comments", line, f"comment «{excerpt(text)}»")

    def author_box(self) -> None:
        box = self.key.get("author_box")
        abouts = [c for c in self.view.edition.chapters if c.role == "about"]
        if box is None:
            for c in abouts:
                self.extra("author box", c.pos.line, f"author box «{inline_text(c.title)}»")
            return
        match = next((c for c in abouts if c.pos.line == box["line"]), None)
        ok = match is not None and contains(inline_text(match.title), box["name"])
        if match is not None:
            got = {b.pos.line: block_text(b) for b in match.blocks}
            ok = ok and len(got) == len(box["paragraphs"])
            ok = ok and all(starts_with(got.get(p["line"], ""), p["start"]) for p in box["paragraphs"])
        self.item(
            "author box", ok, box["line"], f"author box of «{box['name']}» with {len(box['paragraphs'])} paragraph(s)"
        )
        for c in abouts:
            if c is not match:
                self.extra("author box", c.pos.line, f"author box «{inline_text(c.title)}»")

    def lines(self) -> None:
        removed = self.view.removed_lines()
        text_in_model = self.view.text_lines()
        kinds = key_lines(self.key)
        for m in self.key.get("removed", []):
            n = m["line"]
            self.item("removed lines", n in removed and n not in text_in_model, n, f"removed: «{m['text']}»")
        for n in sorted(kinds["text"] & removed.keys()):
            self.extra("removed lines", n, "removal of a line of text")
        for m in self.key.get("meta", []):
            n = m["line"]
            self.item("metadata lines", n not in text_in_model, n, f"«{m['text']}» taken or removed, not kept as text")


def _attribution_line(block: BlockQuote, q: dict[str, Any]) -> bool:
    """A quotation whose attribution line the model left out of its span is
    still the quotation the key means (its end is the quoted text's)."""
    return bool(q["attribution"]) and max(block.pos.end_line, block.pos.line) == q["end"] - 1


def _marker(m: str) -> str:
    return m.strip("[]").translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))


def _name(n: Any) -> str:
    return n.literal or " ".join(x for x in (n.particle, n.family) if x)


def _year(issued: Any) -> str:
    if issued.year:
        return f"{issued.year}{issued.suffix}"
    return issued.literal


def _same_year(got: str, want: str) -> bool:
    nd = {"n.d.", "nd", "n.d", "no date", ""}
    if want.casefold() in nd:
        return got.casefold() in nd
    return got.casefold() == want.casefold()


# ---------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------


@dataclass
class Report:
    pages: list[PageScore] = field(default_factory=list)

    @property
    def fields(self) -> dict[str, FieldScore]:
        out = {f: FieldScore() for f in FIELDS}
        for p in self.pages:
            for name, s in p.fields.items():
                out[name].add(s)
        return out

    @property
    def misses(self) -> list[Miss]:
        return [m for p in self.pages for m in p.misses]

    def silent(self, name: str | None = None) -> int:
        return sum(1 for m in self.misses if m.silent and (name is None or m.field == name))

    @property
    def perfect(self) -> bool:
        return not self.misses


def read_page(page: Path) -> tuple[Edition, list[Diagnostic]]:
    """The reader's model of one page, as ``editionbuilder inspect PAGE`` makes it."""
    diags = Diagnostics()
    edition = read_edition(one_off_edition([page]), page.parent, diags)
    return edition, diags.items


def score_page(
    page: Path, key: dict[str, Any] | None = None, model: tuple[Edition, list[Diagnostic]] | None = None
) -> PageScore:
    """The score of one page against its key (or ``key``), reading the page
    unless its ``model`` and diagnostics are given."""
    key = load_key(key_path(page)) if key is None else key
    try:
        edition, diags = read_page(page) if model is None else model
    except EditionError as exc:
        result = PageScore(page.name)
        result.misses.append(Miss(page.name, exc.pos.line, "title", "a model", f"the reader failed: {exc.format()}"))
        result.fields["title"].total += 1
        return result
    return Scorer(page.name, key, ModelView.of(edition), diags).run()


def score_corpus(folder: Path = CORPUS, only: Iterable[str] = ()) -> Report:
    chosen = set(only)
    report = Report()
    for page in pages(folder):
        if chosen and not any(c in page.name for c in chosen):
            continue
        report.pages.append(score_page(page))
    return report


def format_table(report: Report) -> str:
    rows = [("field", "right", "in key", "accuracy", "extra", "silent misses")]
    for name, s in report.fields.items():
        rows.append(
            (name, str(s.right), str(s.total), f"{100 * s.accuracy:.1f}%", str(s.extra), str(report.silent(name)))
        )
    total = FieldScore()
    for s in report.fields.values():
        total.add(s)
    rows.append(
        (
            "all fields",
            str(total.right),
            str(total.total),
            f"{100 * total.accuracy:.1f}%",
            str(total.extra),
            str(report.silent()),
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
        if n == 0 or n == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    misses = report.misses
    lines.append(
        f"{len(report.pages)} pages; {len(misses)} misses, {sum(m.silent for m in misses)} of them silent "
        "(no diagnostic on their line)"
    )
    return "\n".join(lines)


def format_misses(report: Report) -> str:
    out = []
    for p in report.pages:
        if p.misses:
            out.append(f"== {p.page}: {len(p.misses)} misses")
            out += [m.format() for m in sorted(p.misses, key=lambda m: (m.line, FIELDS.index(m.field)))]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the plain-text reader on the web-page corpus.")
    parser.add_argument("pages", nargs="*", help="pages whose file name contains this (default: every page)")
    parser.add_argument("--no-misses", action="store_true", help="print the table only")
    parser.add_argument("--strict", action="store_true", help="exit 1 when anything is missed")
    args = parser.parse_args(argv)
    report = score_corpus(only=args.pages)
    print(format_table(report))
    if not args.no_misses and report.misses:
        print()
        print(format_misses(report))
    return 1 if args.strict and not report.perfect else 0


if __name__ == "__main__":
    sys.exit(main())
