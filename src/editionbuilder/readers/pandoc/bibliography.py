"""Bibliography files named by a manuscript, as the model's ``Reference``s.

Formats, chosen by suffix as pandoc does: ``.bib``/``.bibtex`` (BibLaTeX
and BibTeX, converted by pandoc ``-f biblatex -t csljson``), ``.json``
(CSL-JSON, read directly) and ``.yaml``/``.yml`` (CSL-YAML, converted by
pandoc's CSL-JSON writer from a metadata block). References written into
the manuscript's own metadata (``references:``) are read the same way.

**All entries are kept**, cited or not: a bibliography file is the
author's reading list, and the edition's bibliography prints what the model
holds (the ``format_references`` pass runs citeproc with ``nocite: @*``).
Pandoc's own output lists only the cited entries; an editor who wants that
removes the others from the file.

A ``year-suffix`` (CSL's variable for the ``a`` of ``1981a``, which
pandoc's citeproc ignores on input; the exporter writes the source's) is
the reference's year suffix, and ``custom`` (CSL-JSON's place for an
application's own data) holds the entry (``raw``) and its date
(``issued``) as its source wrote them.

Each reference's id is its citation key namespaced by the source
(``s1-ref-smith2018``); ``raw`` is a one-line rendering of the fields the
model holds (not the BibTeX text, whose field names and abstracts the CSL
formatter would report as words it cannot print), and ``pos`` is the
entry's lines in a ``.bib`` file. Fields the model has no place for (DOI,
URL, ISSN, abstract…) are named in an info diagnostic.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ... import codes
from ...diagnostics import Diagnostics, EditionError, InputError
from ...model import Issued, Name, Position, Reference
from ...pandoc_tool import KEEP_LANGUAGE, PandocJob, convert_json, convert_text, document
from ..context import unique_id

# The start of a BibTeX entry, ``@type{key,`` (group 1 the type, 2 the
# opening bracket, 3 the key).
_ENTRY_RE = re.compile(r"@(\w+)\s*([{(])\s*([^,\s{}()]+)\s*,")

# Markup pandoc's CSL-JSON writer puts into strings (``<i>``,
# ``<span class="nocase">``): the model's fields are plain text.
_TAG_RE = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^>]*)?>")

# Characters a reference id cannot hold (ids become XHTML ids): anything
# but letters, digits, ``-``, ``_`` and ``.``.
_ID_UNSAFE_RE = re.compile(r"[^\w.-]+")

# A YAML file whose top level has a ``references:`` key.
_REFERENCES_KEY_RE = re.compile(r"^references\s*:", re.MULTILINE)

# CSL-JSON variables the model holds (others are reported as dropped).
_HELD = frozenset(
    {
        "id",
        "type",
        "author",
        "editor",
        "title",
        "container-title",
        "publisher",
        "publisher-place",
        "issued",
        "volume",
        "issue",
        "page",
        "note",
        "year-suffix",
        "custom",
    }
)

# CSL-JSON season numbers by name (``csl`` maps the names back).
_SEASON_NAMES = {"1": "Spring", "2": "Summer", "3": "Autumn", "4": "Winter"}

# BibTeX entry types that are not references.
_NOT_ENTRIES = frozenset({"comment", "string", "preamble"})


@dataclass(frozen=True, slots=True)
class Bibliography:
    """References in file order, and each by the citation key that names it."""

    references: tuple[Reference, ...] = ()
    by_key: dict[str, Reference] | None = None

    def get(self, key: str) -> Reference | None:
        return (self.by_key or {}).get(key)


@dataclass
class BibliographyReader:
    """Reads one manuscript's bibliography files into references."""

    prefix: str
    diagnostics: Diagnostics

    def read(self, files: list[tuple[Path, str]], embedded: Any = None) -> Bibliography:
        """``files`` as (path, display name); ``embedded`` the manuscript's
        own ``references`` metadata value."""
        by_key: dict[str, Reference] = {}
        for path, display in files:
            for key, item, pos in self._items(path, display):
                self._add(by_key, key, item, pos)
        if embedded is not None:
            for item in self._embedded(embedded):
                self._add(by_key, str(item.get("id", "")), item, Position())
        return Bibliography(tuple(by_key.values()), by_key)

    def _add(self, by_key: dict[str, Reference], key: str, item: dict[str, Any], pos: Position) -> None:
        if not key:
            return
        if key in by_key:
            self.diagnostics.add(
                codes.REFERENCE_DUPLICATE, f"the citation key {key!r} is defined twice; the first entry is kept", pos
            )
            return
        taken = {r.id for r in by_key.values()}
        ref = to_reference(item, unique_id(f"{self.prefix}-ref-{_ID_UNSAFE_RE.sub('-', key)}", taken), pos)
        dropped = sorted(k for k, v in item.items() if k not in _HELD and v not in ("", [], None))
        if dropped:
            message = f"the model has no place for these fields of {key!r}: {', '.join(dropped)}"
            self.diagnostics.add(codes.REFERENCE_FIELDS_DROPPED, message, pos)
        by_key[key] = ref

    def _items(self, path: Path, display: str) -> list[tuple[str, dict[str, Any], Position]]:
        """The CSL items of one file with their positions; a warning, not a
        crash, when the file is missing or unreadable."""
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.diagnostics.add(
                codes.BIBLIOGRAPHY_MISSING,
                f"cannot read the bibliography {display} ({exc}); its citations stay unresolved",
                Position(display),
            )
            return []
        suffix = path.suffix.lower()
        try:
            if suffix in (".bib", ".bibtex"):
                return _bibtex_items(text, display)
            if suffix == ".json":
                return [(str(i.get("id", "")), i, Position(display)) for i in _csl_list(json.loads(text))]
            if suffix in (".yaml", ".yml"):
                return [(str(i.get("id", "")), i, Position(display)) for i in _csl_yaml(text, display)]
        except (EditionError, ValueError) as exc:
            message = getattr(exc, "message", str(exc))
            self.diagnostics.add(
                codes.BIBLIOGRAPHY_UNREADABLE, f"cannot read the bibliography {display}: {message}", Position(display)
            )
            return []
        self.diagnostics.add(
            codes.BIBLIOGRAPHY_FORMAT,
            f"{display}: not a bibliography format pandoc reads (.bib, .json, .yaml)",
            Position(display),
        )
        return []

    def _embedded(self, value: Any) -> list[dict[str, Any]]:
        """CSL items of the manuscript's ``references`` metadata, through
        pandoc's CSL-JSON writer (it parses the YAML-shaped values)."""
        job = PandocJob("json", "csljson", KEEP_LANGUAGE, "reading the manuscript's references", error=InputError)
        try:
            text, _ = convert_json(document({"references": value}), job)
            return _csl_list(json.loads(text))
        except (EditionError, ValueError):
            self.diagnostics.add(
                codes.BIBLIOGRAPHY_UNREADABLE, "the manuscript's references metadata could not be read"
            )
            return []


def _bibtex_items(text: str, display: str) -> list[tuple[str, dict[str, Any], Position]]:
    cycle = crossref_cycle(text)
    if cycle:
        # pandoc follows crossref and xdata without a guard: a cycle runs it
        # until its time and memory limits.
        raise InputError(f"the entries {' -> '.join(cycle)} refer to each other in a circle (crossref/xdata)")
    job = PandocJob("biblatex", "csljson", KEEP_LANGUAGE, f"reading the bibliography {display}", error=InputError)
    out, _ = convert_text(text, job)
    spans = _entry_lines(text)
    return [
        (str(i.get("id", "")), i, Position(display, *spans.get(str(i.get("id", "")), (0, 0))))
        for i in _csl_list(json.loads(out))
    ]


def _csl_yaml(text: str, display: str) -> list[dict[str, Any]]:
    """CSL-YAML: a list of items, or a map with ``references``, read as a
    Markdown metadata block."""
    body = text if _REFERENCES_KEY_RE.search(text) else "references:\n" + text
    job = PandocJob("markdown", "csljson", KEEP_LANGUAGE, f"reading the bibliography {display}", error=InputError)
    out, _ = convert_text(f"---\n{body.rstrip()}\n...\n", job)
    return _csl_list(json.loads(out))


def _csl_list(data: Any) -> list[dict[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
        raise ValueError("not a list of CSL items")
    return data


def _entry_lines(text: str) -> dict[str, tuple[int, int]]:
    """Citation key -> first and last line of its BibTeX entry (braces matched)."""
    return {
        key: (text.count("\n", 0, start) + 1, text.count("\n", 0, end) + 1)
        for key, (start, end) in _entry_spans(text).items()
    }


def _entry_spans(text: str) -> dict[str, tuple[int, int]]:
    """Citation key -> offsets of its BibTeX entry, ``@`` to the closing bracket."""
    out: dict[str, tuple[int, int]] = {}
    for m in _ENTRY_RE.finditer(text):
        if m.group(1).lower() in _NOT_ENTRIES:
            continue
        depth, end = 0, len(text)
        for i in range(m.start(2), len(text)):
            depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(text[i], 0)
            if depth == 0 and text[i] in "})":
                end = i
                break
        out.setdefault(m.group(3), (m.start(), end))
    return out


# A field naming other entries an entry inherits from: BibTeX's
# ``crossref = {key}`` and BibLaTeX's ``xdata = {key1, key2}`` (braced,
# quoted or bare).
_PARENTS_RE = re.compile(r"\b(?:crossref|xdata)\s*=\s*[{\"]?([^}\"\n]*)", re.IGNORECASE)


def crossref_cycle(text: str) -> list[str]:
    """The keys of a circle of entries that inherit from each other
    (``a -> b -> a``), or an empty list when there is none."""
    spans = _entry_spans(text)
    parents = {
        key: [p.strip() for m in _PARENTS_RE.finditer(text, start, end) for p in m.group(1).split(",") if p.strip()]
        for key, (start, end) in spans.items()
    }
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in parents:
        if root in state:
            continue
        path = [root]
        stack = [iter(parents.get(root, ()))]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                return [*path[path.index(child) :], child]
            elif child not in state and child in parents:
                state[child] = 1
                path.append(child)
                stack.append(iter(parents[child]))
    return []


def plain(value: Any) -> str:
    """A CSL string field as plain text: pandoc's markup tags removed,
    entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG_RE.sub("", str(value))).split())


def _name(data: dict[str, Any]) -> Name:
    """A CSL name; a dropping particle and a suffix go with the given name."""
    if "literal" in data:
        return Name(literal=plain(data["literal"]))
    given = " ".join(plain(data.get(k, "")) for k in ("given", "dropping-particle") if data.get(k))
    if data.get("suffix"):
        given = f"{given}, {plain(data['suffix'])}" if given else plain(data["suffix"])
    return Name(
        family=plain(data.get("family", "")), given=given, particle=plain(data.get("non-dropping-particle", ""))
    )


def _issued(data: Any) -> Issued:
    """CSL ``issued``: the first date's parts, else its literal or raw text.
    A season number (CSL-JSON: 1 spring … 4 winter) is kept as its name,
    as the plain-text reader keeps ``Summer 1990``."""
    if not isinstance(data, dict):
        return Issued()
    parts = (data.get("date-parts") or [[]])[0]
    nums = [int(p) for p in parts if str(p).lstrip("-").isdigit()][:3]
    if nums:
        year, month, day = ([*nums, 0, 0])[:3]
        season = str(data.get("season") or "")
        return Issued(year, month, day, literal=_SEASON_NAMES.get(season, season))
    return Issued(literal=plain(data.get("literal") or data.get("raw") or ""))


def to_reference(item: dict[str, Any], ref_id: str, pos: Position) -> Reference:
    """The model's reference for one CSL-JSON item."""
    ref = Reference(
        id=ref_id,
        type=str(item.get("type") or "book"),
        author=tuple(_name(n) for n in item.get("author", []) if isinstance(n, dict)),
        editor=tuple(_name(n) for n in item.get("editor", []) if isinstance(n, dict)),
        title=plain(item.get("title", "")),
        container_title=plain(item.get("container-title", "")),
        publisher=plain(item.get("publisher", "")),
        publisher_place=plain(item.get("publisher-place", "")),
        issued=replace(_issued(item.get("issued")), suffix=plain(item.get("year-suffix", ""))),
        volume=plain(item.get("volume", "")),
        issue=plain(item.get("issue", "")),
        page=plain(item.get("page", "")),
        note=plain(item.get("note", "")),
        pos=pos,
    )
    return _exported_raw(ref, item.get("custom")) or _with_raw(ref)


def _exported_raw(ref: Reference, custom: Any) -> Reference | None:
    """The source's line and date as the exporter kept them in ``custom``
    (``raw``, ``issued``); a title equal to the line is the exporter's
    stand-in for an entry whose title was never recognised
    (``csl.to_csl_json``), so the title is empty again."""
    raw = custom.get("raw") if isinstance(custom, dict) else None
    if not isinstance(raw, str) or not raw.strip():
        return None
    title = "" if ref.title == " ".join(raw.split()) else ref.title
    written = custom.get("issued")
    issued = replace(ref.issued, literal=written) if isinstance(written, str) and written else ref.issued
    return replace(ref, raw=raw, title=title, issued=issued)


def _with_raw(ref: Reference) -> Reference:
    """``raw``: the entry in one readable line, from the fields held."""

    def names(ns: tuple[Name, ...]) -> str:
        return "; ".join(
            n.literal or ", ".join(p for p in (f"{n.particle} {n.family}".strip(), n.given) if p) for n in ns
        )

    year = ref.issued.literal or (str(ref.issued.year) if ref.issued.year else "")
    eds = f"{names(ref.editor)}, ed." if ref.editor else ""
    where = ": ".join(p for p in (ref.publisher_place, ref.publisher) if p)
    numbers = " ".join(p for p in (ref.volume, f"({ref.issue})" if ref.issue else "", ref.page) if p)
    parts = (names(ref.author), year, ref.title, eds, ref.container_title, numbers, where, ref.note)
    return replace(ref, raw=". ".join(p.rstrip(".") for p in parts if p) + ".")
