"""Running the bundled pandoc: the package's only importer of pypandoc.

Pandoc is a program, not a library: every use is one process that reads
stdin and writes stdout. This module runs it the same way every time, so
that output depends on the arguments and the input alone:

* **the bundled binary** of ``pypandoc-binary`` (not whichever ``pandoc``
  is first on ``PATH`` or named by ``PYPANDOC_PANDOC``), so every machine
  formats with the same pandoc;
* **a fixed environment**: ``LANG``/``LC_ALL`` are ``C.UTF-8`` and ``HOME``,
  ``XDG_DATA_HOME`` and the working directory are an empty temporary
  directory, also passed as ``--data-dir``, so file arguments must be
  absolute paths, and a user's
  ``~/.local/share/pandoc/default.csl`` or templates never leak in. Pandoc
  takes the document language from ``LANG`` when none is given (an EPUB
  gets ``dc:language C``), so the language is a required field of
  every job and is passed as ``--metadata=lang:…``, which overrides the
  document's own metadata;
* **no network**: ``--sandbox`` (pandoc 3) limits reading to the files named
  on the command line (a dependent CSL style that would fetch its parent
  from zotero.org fails instead);
* **bounded**: a timeout, and a heap limit given to pandoc's runtime
  (``+RTS -M``, which pandoc's manual advises for untrusted input), so a
  hostile manuscript ends in a one-line error instead of exhausting the
  machine's memory;
* **failures are data**: a non-zero exit, a timeout or a missing binary is
  a one-line ``RenderError`` (or ``InputError`` when the job reads a
  user's source), never a traceback; pandoc's warnings on stderr come back
  as strings for the caller to turn into diagnostics.

Beside the runner sit the few helpers every user of pandoc's JSON AST
needs: Python values to ``MetaValue`` (``meta``), a document around
metadata (``document``), and pandoc inlines back to model inlines
(``model_inlines``). A pandoc reader (Markdown, DOCX) and an exporter will
use the same runner with ``from_format``/``to_format`` of their own.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pypandoc

from .diagnostics import EditionError, RenderError
from .model import Code, Emphasis, Inline, LineBreak, Link, Strong, Text
from .model.walk import merge_texts

# The pandoc-types API version our hand-built JSON documents declare.
# Pandoc 3.x (pandoc-types 1.23) reads any document whose first two
# numbers match; a mismatch is a clear pandoc error, not silent damage.
API_VERSION = (1, 23, 1)

# The locale every run gets: pandoc must never take a language or a
# collation from the machine it runs on.
_LOCALE = "C.UTF-8"

# The ``language`` of a job that reads a manuscript: no ``--metadata=lang``
# is passed, so the manuscript's own ``lang`` reaches the AST. Reading does
# not depend on the locale (``LANG`` is ``C.UTF-8`` anyway); only writers
# take a language from it.
KEEP_LANGUAGE = "*"

# The most heap a pandoc run may use (GHC runtime's -M): far above what a
# long book needs (a 5 MB Markdown text takes about 700 MB), far below a
# machine's memory.
HEAP_LIMIT = "2g"

# The search path of every run: pandoc itself is called by its full path,
# and nothing it may start (filters, engines) should come from the user's.
_PATH = "/usr/bin:/bin"


@dataclass(frozen=True, slots=True)
class PandocJob:
    """One pandoc run: formats, extra arguments and what a failure is called.

    ``purpose`` names the job in error messages ("formatting the
    bibliography"); ``error`` is the class raised when pandoc fails
    (``RenderError`` for output, ``InputError`` for reading a source).
    ``sandbox`` stays on unless a writer must read files not named on the
    command line (images of an EPUB). ``language`` is ``KEEP_LANGUAGE``
    for a job that reads a manuscript, whose own ``lang`` must survive.
    ``epoch`` is passed as ``SOURCE_DATE_EPOCH``: pandoc then stamps the
    files inside a DOCX, ODT or EPUB with it instead of the current time.
    """

    from_format: str
    to_format: str
    language: str
    purpose: str
    args: tuple[str, ...] = ()
    error: type[EditionError] = RenderError
    sandbox: bool = True
    timeout: float = 120.0
    epoch: int | None = None

    def __post_init__(self) -> None:
        if not self.language:
            raise ValueError("a pandoc job needs a language: pandoc would take it from LANG")


@dataclass(frozen=True, slots=True)
class PandocOutput:
    """What pandoc wrote: stdout, and its warnings (stderr lines) as text."""

    stdout: bytes
    warnings: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def pandoc_binary() -> str:
    """The path of the pandoc inside ``pypandoc-binary``, else pypandoc's choice.

    ``get_pandoc_path`` prefers the highest version it finds on the machine;
    the bundled binary is the one whose output the tests were written
    against, so it wins when present.
    """
    bundled = Path(pypandoc.__file__).resolve().parent / "files" / "pandoc"
    if bundled.is_file():
        return str(bundled)
    try:
        return str(pypandoc.get_pandoc_path())
    except OSError as exc:
        raise RenderError(f"pandoc is not installed ({exc}); reinstall pypandoc-binary") from None


def run(job: PandocJob, data: bytes) -> PandocOutput:
    """Run pandoc on ``data`` (stdin) and return its stdout; raise ``job.error``."""
    with tempfile.TemporaryDirectory(prefix="editionbuilder-pandoc-") as home:
        argv = _argv(job, home)
        env = {"LANG": _LOCALE, "LC_ALL": _LOCALE, "HOME": home, "XDG_DATA_HOME": home, "PATH": _PATH}
        if job.epoch is not None:
            env["SOURCE_DATE_EPOCH"] = str(job.epoch)
        try:
            done = subprocess.run(
                argv, input=data, capture_output=True, env=env, cwd=home, timeout=job.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise job.error(f"{job.purpose}: pandoc did not finish within {job.timeout:g} s") from None
        except OSError as exc:
            raise job.error(f"{job.purpose}: cannot run pandoc ({exc.strerror or exc})") from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "Heap exhausted" in stderr:
            raise job.error(f"{job.purpose}: pandoc needed more than its {HEAP_LIMIT}B memory limit")
        raise job.error(f"{job.purpose}: pandoc failed: {_first_line(stderr, done.returncode)}")
    return PandocOutput(done.stdout, _warnings(stderr))


def _argv(job: PandocJob, home: str) -> list[str]:
    """The command line: fixed options first, then the job's own."""
    argv = [pandoc_binary(), "+RTS", f"-M{HEAP_LIMIT}", "-RTS", f"--from={job.from_format}", f"--to={job.to_format}"]
    argv.append(f"--data-dir={home}")
    if job.language != KEEP_LANGUAGE:
        argv.append(f"--metadata=lang:{job.language}")
    if job.sandbox:
        argv.append("--sandbox")
    return argv + list(job.args)


def _first_line(stderr: str, code: int) -> str:
    """Pandoc's message without the Haskell call-stack lines it may append."""
    for line in stderr.splitlines():
        line = line.strip()
        if line and not line.startswith(("HasCallStack", "CallStack")):
            return line.removeprefix("pandoc: ")
    return f"exit status {code}, no message"


def _warnings(stderr: str) -> tuple[str, ...]:
    """Pandoc's warnings, once each: a ``[WARNING] …`` line and the indented
    lines continuing it (``Use an IETF language tag …``). Pandoc may repeat
    one (it checks ``lang`` twice)."""
    out: list[str] = []
    for line in stderr.splitlines():
        if not line.strip():
            continue
        if out and line[:1].isspace():
            out[-1] += " " + line.strip()
        else:
            out.append(line.strip())
    return tuple(dict.fromkeys(out))


# Pandoc writes a document nested as deeply as its source (a quotation in
# a quotation, a thousand times); Python's JSON decoder recurses once per
# level. Past the interpreter's limit the document is decoded again on a
# thread of its own with a large stack, up to this many levels.
DEEPEST_JSON = 100_000
_DEEP_STACK = 512 * 1024 * 1024


def loads(text: str, job: PandocJob) -> Any:
    """``json.loads`` of pandoc's output, however deeply it nests."""
    try:
        return json.loads(text)
    except RecursionError:
        pass
    found: list[Any] = []

    def decode() -> None:
        with contextlib.suppress(RecursionError):
            found.append(json.loads(text))

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    try:
        sys.setrecursionlimit(DEEPEST_JSON)
        threading.stack_size(_DEEP_STACK)
        worker = threading.Thread(target=decode)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(size)
        sys.setrecursionlimit(limit)
    if not found:
        raise job.error(f"{job.purpose}: nested more than {DEEPEST_JSON} levels deep")
    return found[0]


def convert_json(document: Mapping[str, Any], job: PandocJob) -> tuple[Any, tuple[str, ...]]:
    """Run pandoc on a JSON AST (``job.from_format`` must be ``json``).

    Returns the parsed output when ``job.to_format`` is ``json``, else the
    output text; and the warnings.
    """
    out = run(job, json.dumps(document, ensure_ascii=False).encode("utf-8"))
    text = out.stdout.decode("utf-8")
    if job.to_format != "json":
        return text, out.warnings
    try:
        return loads(text, job), out.warnings
    except json.JSONDecodeError as exc:
        raise job.error(f"{job.purpose}: pandoc wrote no JSON ({exc.msg})") from None


def read_json(data: bytes, job: PandocJob) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Run pandoc on a source's bytes (``job.to_format`` must be ``json``).

    Bytes, not text: DOCX, ODT and EPUB are zip files that pandoc reads from
    stdin as they are. Returns the parsed AST and pandoc's warnings.
    """
    out = run(job, data)
    try:
        return loads(out.stdout.decode("utf-8"), job), out.warnings
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise job.error(f"{job.purpose}: pandoc wrote no JSON ({exc})") from None


def convert_text(text: str, job: PandocJob) -> tuple[str, tuple[str, ...]]:
    """Run pandoc on text (Markdown, HTML…); return its output text and warnings."""
    out = run(job, text.encode("utf-8"))
    return out.stdout.decode("utf-8"), out.warnings


# --------------------------------------------------------------------------
# The JSON AST
# --------------------------------------------------------------------------


def meta(value: Any) -> dict[str, Any]:
    """A Python value as a pandoc ``MetaValue``.

    Strings become ``MetaString``, never ``MetaInlines`` parsed from
    Markdown: pandoc then takes them as text, so ``*``, ``<i>`` or ``&`` in
    a title stay characters (citeproc would read the markup of a CSL-JSON
    bibliography file).
    """
    if isinstance(value, bool):
        return {"t": "MetaBool", "c": value}
    if isinstance(value, (str, int)):
        return {"t": "MetaString", "c": str(value)}
    if isinstance(value, Mapping):
        return {"t": "MetaMap", "c": {str(k): meta(v) for k, v in value.items()}}
    if isinstance(value, Sequence):
        return {"t": "MetaList", "c": [meta(v) for v in value]}
    raise TypeError(f"no pandoc metadata value for {type(value).__name__}")


def cite_all() -> dict[str, Any]:
    """``nocite: "@*"`` as a ``MetaInlines`` holding a real ``Cite``: a
    ``MetaString`` would be text (the Markdown writer escapes it to
    ``@\\*``), not the citation of every entry citeproc looks for."""
    everything = {
        "citationId": "*",
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": 0,
        "citationHash": 0,
    }
    return {"t": "MetaInlines", "c": [{"t": "Cite", "c": [[everything], [{"t": "Str", "c": "@*"}]]}]}


def document(metadata: Mapping[str, Any], blocks: Sequence[Any] = ()) -> dict[str, Any]:
    """A pandoc JSON document; ``metadata`` values are ``MetaValue`` already."""
    return {"pandoc-api-version": list(API_VERSION), "meta": dict(metadata), "blocks": list(blocks)}


# What a caller makes of the inline kinds ``to_inlines`` does not convert
# itself: a node's model inlines, given the converter for its children.
# (Nodes are pandoc JSON: dicts whose shape is their kind's.)
Convert = Callable[[Sequence[Any]], tuple[Inline, ...]]
OtherInline = Callable[[Any, Convert], tuple[Inline, ...]]


def to_inlines(nodes: Sequence[Any], other: OtherInline, link: Callable[[str], str] = str) -> tuple[Inline, ...]:
    """Pandoc inlines as model inlines, adjacent text merged and empty text dropped.

    The kinds every caller reads alike are converted here: text, spaces,
    line breaks, emphasis, strong, code, links (``link`` maps a target) and
    quotations (curly quotes); every other kind goes to ``other`` with the
    converter for its children: a manuscript's reader keeps notes and
    citations and reports what it drops, a formatted bibliography keeps the
    text alone (``model_inlines``)."""

    def convert(children: Sequence[Any]) -> tuple[Inline, ...]:
        return to_inlines(children, other, link)

    out: list[Inline] = []
    for node in nodes:
        out.extend(_common(node, convert, link) or other(node, convert))
    return merge_texts(tuple(out))


def _common(node: Mapping[str, Any], convert: Convert, link: Callable[[str], str]) -> tuple[Inline, ...] | None:
    """One pandoc inline of the kinds every caller reads alike, else None."""
    kind = node["t"]
    c: Any = node.get("c")  # pandoc JSON: its shape is the kind's (Space and the like have none)
    if kind == "Str":
        return (Text(c),)
    if kind in ("Space", "SoftBreak"):
        return (Text(" "),)
    if kind == "LineBreak":
        return (LineBreak(),)
    if kind in ("Emph", "Strong"):
        return ((Emphasis if kind == "Emph" else Strong)(convert(c)),)
    if kind == "Code":
        return (Code(c[1]),)
    if kind == "Link":
        return (Link(link(c[2][0]), convert(c[1]), c[2][1]),)
    if kind == "Quoted":
        left, right = _QUOTES[c[0]["t"]]
        return (Text(left), *convert(c[1]), Text(right))
    return None


def model_inlines(nodes: Sequence[Mapping[str, Any]]) -> tuple[Inline, ...]:
    """Pandoc inlines as model inlines, for text pandoc formatted (citeproc's
    bibliography): spans, small capitals, super/subscripts, underline and
    strikeout keep their text without the styling (the model has no such
    inline); math is its source; notes, raw markup and citations' own output
    are not text."""
    return to_inlines(nodes, _text_only)


# Inline node types whose children are kept without their styling (a
# ``Span`` holds ``[attr, inlines]``, the others their inlines alone).
_TRANSPARENT = frozenset({"SmallCaps", "Superscript", "Subscript", "Underline", "Strikeout"})

# Curly quotes for pandoc's ``Quoted`` (citeproc output localises its own).
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def _text_only(node: Mapping[str, Any], convert: Convert) -> tuple[Inline, ...]:
    kind = node["t"]
    c: Any = node.get("c")
    if kind == "Math":
        return (Text(c[1]),)
    if kind in _TRANSPARENT:
        return convert(c)
    if kind in ("Span", "Cite", "Image"):
        return convert(c[1])
    return ()  # RawInline, Note: markup or apparatus, not text of the entry
