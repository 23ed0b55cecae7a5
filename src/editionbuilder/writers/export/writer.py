"""Exporting the edition through pandoc: DOCX, Markdown and HTML.

The model is built into pandoc's JSON AST (``export_ast``; never through our
HTML) and pandoc writes the format. Every file is written atomically
(``fsutil``): a failed export leaves the previous file or nothing.

The Markdown is a clean manuscript for editors, and it reads back into the
same model through the pandoc reader (``readers/pandoc``). Conventions, each
readable in a text editor:

* **metadata** in a YAML block: ``title``, ``subtitle``, ``author`` (a list),
  ``lang``, ``date``, ``abstract`` (the description), ``publisher``,
  ``rights``, ``identifier``, ``credits`` (a list of ``role``/``name``
  maps), ``bibliography: NAME.json`` and ``nocite: "@*"`` (every entry of
  the file belongs to the book, cited or not); empty fields are left out;
* **the bibliography** is a CSL-JSON file beside the Markdown
  (``NAME.json``, from ``csl.to_csl_json``; ids are the references' ids);
* **chapters** are level-1 headings; a chapter that is not an ordinary
  body chapter says so in attributes:
  ``# About {matter="back" chapter-role="about"}`` (not ``role``, which
  HTML takes for ARIA's); headings inside a chapter are level 2 or deeper;
  a line break inside a heading (which Markdown headings cannot hold) is
  ``[]{.line-break}``;
* **section breaks** are ``* * *``; **notes** are footnotes ``[^1]``, also
  inside block quotes, glossary definitions and comments;
* **citations** keep the source's own words: the whole citation is a span
  of class ``citation`` and each cited work in it a span of class ``cite``
  whose ``key`` is the reference's id:
  ``[([Okafor, p.12]{.cite key="s1-ref17"})]{.citation}``. (Pandoc's own
  ``Cite`` is not used: its Markdown writer prints ``[@key]`` and drops the
  words the source wrote.) The text before the first item is the prefix,
  between items the separator, after the last the suffix;
* **a quotation's attribution** is the quote's last block, a div of class
  ``attribution`` (``::: attribution`` inside the ``>`` lines);
* **the glossary** is a level-1 heading of class ``glossary`` followed by a
  definition list (term, then its definition's blocks);
* **readers' comments** are a level-1 heading of class ``comments``, then
  per comment a level-2 heading of class ``comment`` whose text ends with
  the comment's number (``## Response 3 {.comment}``; ``author="…"`` when
  known), followed by the comment's blocks;
* **term uses** are plain text: the glossary-linking pass finds them again.

DOCX and HTML get the same document plus the bibliography printed as a
section (``refs`` div of ``csl-entry`` divs, the entries as the citation
style formatted them), since no file travels beside them. HTML keeps the
classes and attributes above (``data-key``); DOCX keeps the text only.

The bibliography file also holds what ``to_csl_json`` leaves out: a year
suffix (``1981a``) as CSL's ``year-suffix``, and the entry and its date as
the source wrote them as ``custom.raw`` and ``custom.issued``.

What the Markdown cannot carry (documented, not silent): note markers and
kinds (every note is a ``[^n]`` footnote), ids and source positions, the
lines the reader removed, which source a comment came from, and a note
called twice (it is written at each call, so it reads back as two notes).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import ConfigError
from ...fsutil import atomic_write_bytes
from ...model import Edition, Reference
from ...pandoc_tool import PandocJob, run
from ...transforms.csl import to_csl_json
from .ast import AstOptions, to_pandoc


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One target: the file suffix, pandoc's writer and its arguments.

    ``markdown`` switches on the Markdown-only conventions and the
    bibliography file beside the output.
    """

    name: str
    suffix: str
    writer: str
    args: tuple[str, ...] = ()
    markdown: bool = False


# The formats by the name ``--to`` takes. Markdown: pandoc's flavour without
# ``smart``, so that curly quotes, dashes and ellipses are written as the
# characters they are (with ``smart`` pandoc writes ``"``, ``---``, ``...``
# and escapes straight quotes); ``--wrap=none``: one line per paragraph, so
# no attribute span is cut across lines and an editor's soft wrap does the
# rest. HTML: a standalone HTML5 page.
EXPORT_FORMATS: dict[str, ExportFormat] = {
    "markdown": ExportFormat("markdown", ".md", "markdown-smart", ("--standalone", "--wrap=none"), True),
    "docx": ExportFormat("docx", ".docx", "docx"),
    "html": ExportFormat("html", ".html", "html5", ("--standalone",)),
}


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The files written (the document first) and pandoc's warnings."""

    outputs: tuple[Path, ...]
    warnings: tuple[str, ...] = ()


def export_format(to: str) -> ExportFormat:
    """The format named ``to``; an unknown name is a config error naming the known ones."""
    try:
        return EXPORT_FORMATS[to]
    except KeyError:
        known = ", ".join(sorted(EXPORT_FORMATS))
        raise ConfigError(f"cannot export to {to!r} (known: {known})") from None


def export_path(out_dir: Path, name: str, to: str) -> Path:
    """Where ``export`` puts edition ``name``: ``out_dir/NAME.md`` and so on."""
    return Path(out_dir) / f"{name}{export_format(to).suffix}"


def export(edition: Edition, out: Path, to: str, epoch: int | None = None) -> ExportResult:
    """Write ``edition`` to ``out`` in format ``to`` (``EXPORT_FORMATS``).

    Markdown also writes the bibliography beside it (``out`` with the
    suffix ``.json``) when the edition has references. ``epoch`` (seconds,
    ``SOURCE_DATE_EPOCH``) fixes the timestamps inside a DOCX, so the same
    edition gives the same bytes. Raises ``RenderError`` if pandoc fails.
    """
    fmt = export_format(to)
    out = Path(out)
    bib = out.with_suffix(".json") if fmt.markdown and edition.references else None
    options = AstOptions(fmt.markdown, bib.name if bib else "", not fmt.markdown)
    language = edition.metadata.language or "en"
    job = PandocJob("json", fmt.writer, language, f"exporting {out.name}", fmt.args, epoch=epoch)
    output = run(job, json.dumps(to_pandoc(edition, options), ensure_ascii=False).encode("utf-8"))
    written = [out]
    if bib is not None:
        atomic_write_bytes(bib, bibliography_json(edition.references))
        written.append(bib)
    atomic_write_bytes(out, output.stdout)
    return ExportResult(tuple(written), output.warnings)


def bibliography_json(references: Sequence[Reference]) -> bytes:
    """The references as a CSL-JSON file: one item each, in the edition's
    order, ids as in the model, UTF-8, indented for editors."""
    items = [_csl_item(r) for r in references]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csl_item(ref: Reference) -> dict[str, object]:
    """``to_csl_json``, plus what it leaves out and the pandoc reader reads
    back: the source's year suffix as CSL's ``year-suffix`` (citeproc
    ignores it on input and assigns its own), and the entry and its date
    as the source wrote them as ``custom.raw`` and ``custom.issued``
    (CSL-JSON's place for an application's own data), so that words no
    field holds (an imprint, ``June 1981``) are not lost."""
    item = to_csl_json(ref)
    if ref.issued.suffix:
        item["year-suffix"] = ref.issued.suffix
    custom = {"raw": ref.raw, "issued": ref.issued.literal}
    if ref.raw:
        item["custom"] = {k: v for k, v in custom.items() if v}
    return item
