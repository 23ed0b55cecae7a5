"""Bibliography entries formatted by a CSL style, through pandoc's citeproc.

The edition prints every reference the way a CSL style says (Chicago
author-date unless the config names a ``.csl`` file), formatted by a real
citeproc rather than by hand: ``to_csl_json`` turns a ``Reference`` into a
CSL-JSON item and ``format_bibliography`` runs pandoc once for the whole
list (``--citeproc`` with ``nocite: @*``, so every entry prints, cited or
not) and reads the entries back from pandoc's JSON AST as model inlines.

Decisions, each documented where it is made:

* names written in CAPITALS (the plain-text convention for small capitals)
  are given to citeproc in normal case, acronyms of bodies kept
  (``_normal_family``, ``_normal_literal``);
* a source's year suffix (``1981a``) is not passed on: citeproc assigns
  suffixes itself, by the style's sort order, whenever two entries would
  otherwise cite alike, and CSL-JSON has no input for them (pandoc's
  citeproc ignores a ``year-suffix`` field). When the label printed
  differs from the source's, an info diagnostic says so, because the
  text's citations keep the source's words;
* a reference whose title was not recognised still goes through citeproc,
  so that the style sorts it by its author and year, but prints as its
  ``raw`` line (``FormattedEntry.raw_fallback``);
* words of the source line that no field holds (an imprint the reader did
  not recognise) are reported, since the style cannot print them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .. import codes
from ..diagnostics import Diagnostic, ValidationError
from ..lazyre import lazy_compile
from ..model import Inline, Issued, Name, Reference, Text
from ..model.text import bare_text
from ..readers.plaintext.references.names import PARTICLES

# Season names to CSL's season numbers (CSL-JSON ``season``: 1 spring … 4 winter).
_SEASONS = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}

# Fields copied as they are, model attribute -> CSL-JSON variable.
_PLAIN_FIELDS = (
    ("title", "title"),
    ("container_title", "container-title"),
    ("publisher", "publisher"),
    ("publisher_place", "publisher-place"),
    ("volume", "volume"),
    ("issue", "issue"),
    ("page", "page"),
    ("note", "note"),
    ("edition", "edition"),
    ("genre", "genre"),
    ("archive", "archive"),
    ("archive_location", "archive_location"),
)

# Words of a corporate name that stay lower case inside it (``PARTY OF BRITAIN``).
_MINOR_WORDS = frozenset(
    ("a", "an", "and", "at", "by", "de", "des", "du", "et", "for", "from", "in", "of", "on", "or", "the", "to", "und")
)

# A word as an optional ``Mc``/``Mac`` prefix and the rest (``McDONALD``);
# ``_caps_rest`` calls it "in capitals" when the rest has two or more capitals
# and no lower-case letter: the source's small-capitals convention.
_CAPS_WORD_RE = lazy_compile(r"(?P<mc>Ma?c)?(?P<rest>\S*)")

# The letters that start a name part: the word's first letter, one after a
# hyphen, and one after a single-letter prefix and apostrophe (``O’B``, ``D'A``).
_PART_START_RE = lazy_compile(r"(?:^|(?<=[-‐])|(?<=^\w['’]))(\w)")

# An acronym inside a body's name: a word with ``/``, ``.``, ``&`` or a
# digit (``RCP/US.``, ``IWG/UK.``), or a word with no vowel (``NLB``, ``CPGB``).
_ACRONYM_RE = lazy_compile(r".*[/.&\d].*|[^AEIOUYÀ-ÖØ-Ý]+")

# A year as printed, with the suffix a style may add (``1981b``).
_YEAR_LABEL_RE = r"(?<!\d){year}(?P<suffix>[a-z]?)(?![\d\w])"

# Word tokens compared between a source line and the fields read from it.
_WORD_RE = lazy_compile(r"\w+")

# Source words that are markers, not content (``In:-``, ``No.``, ``Ed.``, ``pp.``).
_MARKER_WORDS = frozenset(("in", "no", "nos", "nr", "ed", "eds", "vol", "volume", "pp", "p", "and", "the"))


@dataclass(frozen=True, slots=True)
class FormattedEntry:
    """One printed entry: ``inlines`` as the style made them (or the raw line)."""

    id: str
    inlines: tuple[Inline, ...]
    raw_fallback: bool = False


@dataclass(frozen=True, slots=True)
class FormattedBibliography:
    """Entries in the style's order, and what formatting them found."""

    entries: tuple[FormattedEntry, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def order(self) -> tuple[str, ...]:
        """Reference ids in the order the style sorted them."""
        return tuple(e.id for e in self.entries)

    def by_id(self) -> dict[str, tuple[Inline, ...]]:
        """The printed inlines of each reference, by id."""
        return {e.id: e.inlines for e in self.entries}


def to_csl_json(ref: Reference) -> dict[str, Any]:
    """The CSL-JSON item for ``ref``; empty fields are left out.

    Without a title the item's title is the ``raw`` line, so that a style
    sorting by title, or anyone formatting this item alone, still has the
    words (``format_bibliography`` prints the raw line itself).
    """
    item: dict[str, Any] = {"id": ref.id, "type": ref.type or "book"}
    roles = (("author", ref.author), ("editor", ref.editor), ("translator", ref.translator))
    for role, names in (*roles, ("interviewer", ref.interviewer)):
        if names:
            item[role] = [_csl_name(n) for n in names]
    for attr, variable in _PLAIN_FIELDS:
        if value := getattr(ref, attr):
            item[variable] = value
    if ref.publisher:
        item["publisher"] = _normal_literal(ref.publisher)  # a body in capitals, as an author
    if not ref.title:
        item["title"] = _one_line(ref.raw)
    if issued := _csl_date(ref.issued):
        item["issued"] = issued
    if original := _csl_date(ref.original_date):
        item["original-date"] = original
    if ref.accessed:
        item["accessed"] = {"literal": ref.accessed}
    return item


def _csl_name(name: Name) -> dict[str, str]:
    """A CSL name, in normal case.

    A particle the source wrote in capitals (``DU BOIS``, ``VAN DER MEER``)
    was part of the family name as the source printed and sorted it, so it
    goes back into ``family`` (``Du Bois``, ``Van der Meer``): a separate
    particle would be demoted by Chicago (``Bois, W. E. B. du``). A particle
    written in lower case stays CSL's ``non-dropping-particle``.
    """
    if name.literal:
        return {"literal": _normal_literal(name.literal)}
    family, particle = name.family, name.particle
    if particle and not any(c.islower() for c in particle):
        family, particle = f"{particle} {family}", ""
    out = {"family": _normal_family(family), "given": name.given, "non-dropping-particle": particle}
    return {k: v for k, v in out.items() if v}


def _caps_rest(word: str) -> tuple[str, str] | None:
    """``(Mc prefix, rest)`` when ``word`` is written in capitals, else None."""
    m = _CAPS_WORD_RE.fullmatch(word)
    rest = m["rest"] if m and m["mc"] and m["rest"][:1].isupper() else word
    prefix = word[: len(word) - len(rest)]
    if sum(c.isupper() for c in rest) < 2 or any(c.islower() for c in rest):
        return None
    return prefix, rest


def _title_word(word: str) -> str:
    """``MARX`` -> ``Marx``, ``LI-WEN`` -> ``Li-Wen``, ``O’BRIEN`` -> ``O’Brien``,
    ``McDONALD`` -> ``McDonald``; a word not in capitals is returned as it is."""
    caps = _caps_rest(word)
    if caps is None:
        return word
    prefix, rest = caps
    return prefix + _PART_START_RE.sub(lambda m: m[1].upper(), rest.lower())


def _normal_family(family: str) -> str:
    """A family name in capitals in normal case, particles after the first word
    in lower case (``VAN DER MEER`` -> ``Van der Meer``).

    A person's name is never an acronym, so every word in capitals changes;
    a word already in mixed case (``Marx``, ``McDonald``) is kept.
    """
    words = family.split(" ")
    out = [_title_word(words[0])] if words else []
    for word in words[1:]:
        lower_particle = word.lower() in PARTICLES and _caps_rest(word) is not None
        out.append(word.lower() if lower_particle else _title_word(word))
    return " ".join(out)


def _normal_literal(literal: str) -> str:
    """A body's name in capitals in normal case, keeping its acronyms.

    A one-word name of up to five letters is an acronym (``CUP``, ``NATO``,
    ``CPSU``); in longer names a word is an acronym when ``_ACRONYM_RE``
    says so or it stands in parentheses. Minor words after the first go to
    lower case (``COMMUNIST PARTY OF BRITAIN`` -> ``Communist Party of
    Britain``). Names with any lower-case letter are the source's own
    spelling and are kept. An acronym with vowels inside a long name
    (``… OF THE USSR``) cannot be told from a word and is title-cased.
    """
    if any(c.islower() for c in literal):
        return literal
    words = literal.split(" ")
    if len(words) == 1 and (sum(c.isalpha() for c in literal) <= 5 or _ACRONYM_RE.fullmatch(literal)):
        return literal
    out = []
    for n, word in enumerate(words):
        if _ACRONYM_RE.fullmatch(word) or word.startswith("("):
            out.append(word)
        elif n and word.lower() in _MINOR_WORDS:
            out.append(word.lower())
        else:
            out.append(_title_word(word))
    return " ".join(out)


def _csl_date(issued: Issued) -> dict[str, Any] | None:
    """CSL-JSON ``issued``: date-parts, a season, or the literal text.

    The suffix letter is left out on purpose (module docstring).
    """
    if not issued.year:
        return {"literal": issued.literal} if issued.literal else None
    parts = [issued.year] + ([issued.month] if issued.month else [])
    parts += [issued.day] if issued.month and issued.day else []
    date: dict[str, Any] = {"date-parts": [parts]}
    season = _SEASONS.get(issued.literal.split(" ")[0].lower()) if issued.literal else None
    if season and not issued.month:
        date["season"] = season
    return date


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------
# Formatting through citeproc
# --------------------------------------------------------------------------


def format_bibliography(references: Sequence[Reference], style: Path | None, language: str) -> FormattedBibliography:
    """Every reference formatted by ``style``, in the style's order, in one pandoc run.

    ``style`` is a CSL file; ``None`` is pandoc's built-in default, which is
    *Chicago Manual of Style 18th edition (author-date)* (``pandoc
    --print-default-data-file default.csl`` in pandoc 3.9 names it so).
    ``language`` (``en``, ``fr-FR``) picks citeproc's locale: terms,
    months, quotation marks, and whether titles are title-cased (CSL does
    so for English only). One process for the whole list: a pandoc start
    costs 0.1–0.3 s, and citeproc must see every entry at once to sort and
    disambiguate them.
    """
    if not references:
        return FormattedBibliography(())
    from ..pandoc_tool import PandocJob, convert_json, document  # pandoc: loaded only when there is a bibliography

    _check_unique(references)
    items = [to_csl_json(r) for r in references]
    purpose = "formatting the bibliography" + (f" with the style {style}" if style else "")
    job = PandocJob("json", "json", language, purpose, _style_args(style))
    output, warnings = convert_json(document(_citeproc_metadata(items)), job)
    printed = _entries_from_ast(output)
    entries, diagnostics = _assemble(references, printed)
    diagnostics += [codes.PANDOC_WARNING.diagnostic(w) for w in warnings]
    return FormattedBibliography(tuple(entries), tuple(diagnostics))


def unformatted_diagnostics(references: Sequence[Reference]) -> list[Diagnostic]:
    """What ``format_bibliography`` reports of the references themselves,
    without formatting them: the words of a source line no field took. (The
    style's own findings, a year label it prints otherwise and citeproc's
    warnings, need the citeproc run.)"""
    _check_unique(references)
    return [d for ref in references if ref.title for d in _unused_words(ref)]


def _check_unique(references: Sequence[Reference]) -> None:
    """Citeproc keeps one item per id; two references sharing one is a model bug."""
    seen: set[str] = set()
    for ref in references:
        if ref.id in seen:
            raise ValidationError(f"two references share the id {ref.id!r}", ref.pos)
        seen.add(ref.id)


def _style_args(style: Path | None) -> tuple[str, ...]:
    """``--citeproc`` and the style; the path is made absolute (pandoc runs elsewhere)."""
    args = ("--citeproc",)
    return (*args, f"--csl={Path(style).resolve()}") if style is not None else args


def _citeproc_metadata(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Metadata that makes citeproc print every item: ``references`` and ``nocite: @*``.

    ``nocite`` must hold a ``Cite`` element (a string ``@*`` is not read as
    one in a JSON document), exactly what pandoc's Markdown reader makes.
    """
    from ..pandoc_tool import cite_all, meta

    return {"references": meta(items), "nocite": cite_all()}


class _Printed(NamedTuple):
    """One ``ref-ID`` div of pandoc's output: its inlines and its label.

    ``label`` is a numeric style's ``csl-left-margin`` span (``[1] ``), kept
    when the entry prints as its raw line.
    """

    id: str
    inlines: tuple[Inline, ...]
    label: tuple[Inline, ...] = ()


def _entries_from_ast(output: dict[str, Any]) -> list[_Printed]:
    """The entries inside the ``refs`` div, in citeproc's order.

    An entry of several blocks is joined with a space.
    """
    from ..pandoc_tool import model_inlines

    refs = next((b for b in output.get("blocks", []) if _div_id(b) == "refs"), None)
    entries = []
    for block in refs["c"][1] if refs else []:
        div_id = _div_id(block)
        if not div_id.startswith("ref-"):
            continue
        paras = [b["c"] for b in block["c"][1] if b["t"] in ("Para", "Plain")]
        inlines: tuple[Inline, ...] = ()
        for para in paras:
            inlines = _join(inlines, model_inlines(para))
        label = [n for n in (paras[0] if paras else []) if "csl-left-margin" in _span_classes(n)]
        entries.append(_Printed(div_id.removeprefix("ref-"), inlines, model_inlines(label)))
    return entries


def _span_classes(node: dict[str, Any]) -> list[str]:
    return node["c"][0][1] if node.get("t") == "Span" else []


def _join(left: tuple[Inline, ...], right: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``left`` and ``right`` with one space between (none if either is empty)."""
    if not left or not right:
        return left or right
    return (*left, Text(" "), *right)


def _field_text(value: Any) -> str:
    """Every string inside a CSL-JSON value, joined by spaces."""
    if isinstance(value, dict):
        return " ".join(_field_text(v) for k, v in value.items() if k not in ("id", "type"))
    if isinstance(value, list):
        return " ".join(_field_text(v) for v in value)
    return str(value)


def _div_id(block: dict[str, Any]) -> str:
    return block["c"][0][0] if block.get("t") == "Div" else ""


def _assemble(
    references: Sequence[Reference], printed: list[_Printed]
) -> tuple[list[FormattedEntry], list[Diagnostic]]:
    """Entries in citeproc's order, raw lines where needed, and diagnostics.

    A reference citeproc did not print (it should print all) is appended
    as its raw line with a warning, so that no entry is ever lost.
    """
    by_id = {r.id: r for r in references}
    entries, diags = [], []
    for entry in printed:
        ref = by_id.pop(entry.id, None)
        if ref is None:
            continue
        if ref.title:
            inlines, relabelled = _keep_source_year_label(ref, entry.inlines)
            entries.append(FormattedEntry(ref.id, inlines))
            diags += relabelled + _unused_words(ref)
        else:
            raw = (*entry.label, Text(_one_line(ref.raw)))
            entries.append(FormattedEntry(ref.id, raw, raw_fallback=True))
    for ref in by_id.values():
        message = "the style printed no entry for this reference; it prints as written"
        diags.append(codes.REFERENCE_NOT_FORMATTED.diagnostic(message, ref.pos))
        entries.append(FormattedEntry(ref.id, (Text(_one_line(ref.raw)),), raw_fallback=True))
    return entries, diags


def _keep_source_year_label(ref: Reference, inlines: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], list[Diagnostic]]:
    """The entry with the source's year label where the style printed another.

    The text's citations keep the source's words (``RCP, 1981a``); a style
    gives year suffixes by its own sort (``1981b``), so a reader would look
    up the wrong work. The year the style printed is set back to the
    source's label, in the first text that holds it, and an info says so.
    """
    if not ref.issued.year:
        return inlines, []
    pattern = re.compile(_YEAR_LABEL_RE.format(year=ref.issued.year))
    m = pattern.search(bare_text(inlines))
    if m is None or m["suffix"] == ref.issued.suffix:
        return inlines, []
    source = f"{ref.issued.year}{ref.issued.suffix}"
    out, done = [], False
    for inline in inlines:
        if not done and isinstance(inline, Text) and pattern.search(inline.text):
            inline, done = Text(pattern.sub(source, inline.text, count=1)), True
        out.append(inline)
    if not done:  # the year is inside markup (a link, emphasis): leave it, and say so
        message = f"the source labels this work {source}, the bibliography style prints {m[0]}"
        return inlines, [codes.REFERENCE_YEAR_RELABELLED.diagnostic(message, ref.pos)]
    message = f"the bibliography style labels this work {m[0]}; the source's {source} is kept, as the text cites it"
    return tuple(out), [codes.REFERENCE_YEAR_RELABELLED.diagnostic(message, ref.pos)]


def _unused_words(ref: Reference) -> list[Diagnostic]:
    """A warning naming words of the source line that no field holds.

    The style prints fields, so what the reader did not recognise (an
    imprint such as ``Stockport``) would silently go missing. Markers
    (``In:-``, ``No.``), single letters and year suffixes are not words.
    """
    fields = [_field_text(to_csl_json(ref)), ref.issued.literal, str(ref.issued.year)]
    held = set(_WORD_RE.findall(" ".join(fields).casefold()))
    missing = []
    for word in _WORD_RE.findall(ref.raw):
        # A year with the source's suffix letter (``1981a``) is the year.
        key = re.sub(r"^(\d{4})[a-z]$", r"\1", word.casefold())
        if len(key) > 1 and key not in _MARKER_WORDS and key not in held:
            missing.append(word)
    if not missing:
        return []
    words = " ".join(dict.fromkeys(missing))
    message = f"not recognised as any field, so not printed by the style: {words}"
    return [codes.REFERENCE_WORDS_UNUSED.diagnostic(message, ref.pos)]
