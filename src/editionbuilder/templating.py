"""Jinja2 for the whole package: the only module that imports it.

Templates only print. Every label, number, id and href is computed in Python
(``layout/book.py``) and handed in, so that a template never decides what a
note is called or where a link points. ``StrictUndefined`` turns a misspelt
field into an error instead of an empty string, and autoescaping is on for
every template (``.j2`` included): source text such as ``<Author, p.1>`` or
``<script>`` must reach the reader as text, never as markup.

Templates and stylesheets ship inside the package (``templates/``,
``styles/``) and are found with ``importlib.resources``, so an installed
wheel builds books as a source checkout does. A project's own folders
(``templates/`` and ``styles/`` beside its config, see
``options.BuildOptions.extra_template_dirs``) are searched first, so an
editor can replace one file without copying the others.

Compiling the templates takes longer than rendering a short book with
them, so a build keeps them compiled in its cache folder and in the
installation's (``keep_compiled_templates``, ``installation``: Jinja2's
bytecode cache, each entry checked against its template's source and its
own digest); a template whose file changed is compiled again. The cache
changes no output. A catalog's build process compiles any not kept yet
while its workers start (``compile_templates``): each worker then reads
them; an EPUB build's cover drawer compiles the cover's and the EPUB's
while the build reads (``compile_ahead``).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import re
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from markupsafe import Markup, escape

from .diagnostics import OutputError, RenderError
from .fsutil import atomic_write_bytes

# Package data as real folders: Jinja2's loader and WeasyPrint's URL fetcher
# want paths. An installed package is a folder already (``as_file`` gives
# it back); the stack keeps any extracted copy until the process ends.
_DATA = ExitStack()
atexit.register(_DATA.close)


def _package_dir(name: str) -> Path:
    return _DATA.enter_context(resources.as_file(resources.files(__package__).joinpath(name)))


TEMPLATE_DIR = _package_dir("templates")
# The shared stylesheets: base.css, one sheet per medium, the cover's, the site's.
STYLE_DIR = _package_dir("styles")
# The files of a new project (``editionbuilder init``).
SKELETON_DIR = _package_dir("skeleton")


# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF): one of them makes an XHTML file not well-formed (a fatal
# EPUBCheck error), so they never reach a document.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` without the characters XML cannot hold, as every template prints it."""
    return _NOT_XML_CHAR.sub("", text)


def _finalize(value: Any) -> Any:
    """Applied to every printed expression: drop characters XML cannot hold."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return printable(value)
    return value


# A run of characters longer than a line holds (a URL, an identifier, a
# word with no space in 40 characters) could only run past the edge of the
# page. It is printed in a ``<span class="long-word">`` with a place to
# break (``<wbr/>``, no character) every ``_BREAK_EVERY`` characters: CSS's
# ``overflow-wrap: anywhere`` would do the same, but WeasyPrint 70 then
# measures the rest of the word again at every line (a 200,000-character
# word took over ten minutes).
_LONG_WORD = re.compile(r"\S{40,}")
_BREAK_EVERY = 12


def _breakable(text: str) -> Markup:
    """``text`` escaped, each run longer than a line holds made breakable."""
    text = printable(text)
    out, at = [], 0
    for m in _LONG_WORD.finditer(text):
        word = m.group()
        pieces = (escape(word[k : k + _BREAK_EVERY]) for k in range(0, len(word), _BREAK_EVERY))
        out += [str(escape(text[at : m.start()])), f'<span class="long-word">{"<wbr/>".join(pieces)}</span>']
        at = m.end()
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


# A compound word: letters joined by hyphens ("Open-Fields", "well-known").
_COMPOUND = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)+")


def _compounds(text: str) -> Markup:
    """``text`` escaped, each compound word in a ``<span class="compound">``
    that does not break (base.css): for headings, which may break between
    words but never at a hyphen."""
    text = printable(text)
    out, at = [], 0
    for m in _COMPOUND.finditer(text):
        out += [str(escape(text[at : m.start()])), f'<span class="compound">{escape(m.group())}</span>']
        at = m.end()
    out.append(str(escape(text[at:])))
    return Markup("".join(out))


def _kind(value: Any) -> str:
    """The model class name of ``value``: templates dispatch on it."""
    return type(value).__name__


def _unknown_node(value: Any) -> NoReturn:
    """Called by a template that met a node type it has no branch for.

    Printing nothing would lose text silently, which the model forbids.
    """
    raise jinja2.TemplateRuntimeError(f"no template branch for {type(value).__name__}")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja2's compiled templates kept in folders, one file each: the
    bytecode and a SHA-256 of it, so that a damaged file (truncated, edited)
    is compiled again rather than run. A template is read from the build's
    own folder (``own``), else from the installation's (``shared``, for the
    package's templates only), and one compiled here is written to both
    (a project's own template to ``own`` alone); without a folder nothing
    is kept. A file that cannot be written is left out: the cache is only a
    saving."""

    def __init__(self) -> None:
        self.own: Path | None = None
        self.shared: Path | None = None
        self._packaged: set[str] = set()  # the keys of the package's own templates

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        if filename is not None and Path(filename).is_relative_to(TEMPLATE_DIR):
            self._packaged.add(self.get_cache_key(name, filename))
        return super().get_bucket(environment, name, filename, source)

    def _folders(self, bucket: jinja2.bccache.Bucket) -> list[Path]:
        shared = self.shared if bucket.key in self._packaged else None
        return [f for f in (self.own, shared) if f is not None]

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        for folder in self._folders(bucket):
            path = folder / f"{bucket.key}.cache"
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest, body = data[:32], data[32:]
            if hashlib.sha256(body).digest() == digest:
                bucket.load_bytecode(io.BytesIO(body))  # itself checks the source's checksum and Jinja's version
                if bucket.code is not None:
                    return
            else:
                with contextlib.suppress(OSError):
                    path.unlink()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        body = bucket.bytecode_to_string()
        for folder in self._folders(bucket):
            with contextlib.suppress(OSError, OutputError):  # not kept: compiled again next time
                folder.mkdir(parents=True, exist_ok=True)
                atomic_write_bytes(folder / f"{bucket.key}.cache", hashlib.sha256(body).digest() + body)


_COMPILED = _CompiledTemplates()


def keep_compiled_templates(cache_dir: str | Path) -> None:
    """Keep compiled templates in ``cache_dir/templates`` from now on ("":
    none there), and the package's in the installation's cache
    (``installation``). Each folder holds one subfolder per version of
    this module, of Jinja2 and of Python (the compiled code depends on the
    Environment's options here); those of other versions are removed
    (``installation.prune``). A relative ``cache_dir`` is resolved at this
    call: templates rendered later, after a change of the working folder,
    are still kept there."""
    from . import installation

    made = f"{sys.implementation.cache_tag}\0{jinja2.__version__}\0".encode() + Path(__file__).read_bytes()
    version = hashlib.sha256(made).hexdigest()[:16]
    own, shared = installation.kept_in(cache_dir, "templates")
    _COMPILED.own, _COMPILED.shared = (own / version if own else None), (shared / version if shared else None)
    installation.prune_others(own, shared, version, "*")


def compile_templates(cache_dir: str | Path, extra_dirs: Sequence[str] = ()) -> None:
    """Compile every template (``*.j2``, the project's ``extra_dirs`` first)
    not kept yet, kept from now on (``keep_compiled_templates``), so
    that builds in other processes read them rather than compile them
    each: a catalog's build process does it while its workers start
    (``cli``)."""
    keep_compiled_templates(cache_dir)
    env = environment(tuple(str(d) for d in extra_dirs))
    compile_ahead(env.list_templates(filter_func=lambda n: n.endswith(".j2")), extra_dirs)


def compile_ahead(names: Sequence[str], extra_dirs: Sequence[str] = (), stop: Callable[[], bool] | None = None) -> None:
    """Compile the templates ``names``, in order, each kept where
    ``keep_compiled_templates`` said (one kept already is read back), for
    another process that will render them, until ``stop`` says True
    (asked before each). A template that does not compile is left to the
    build that renders it, which reports it."""
    if _COMPILED.own is None and _COMPILED.shared is None:
        return  # nowhere kept: compiled for nothing
    env = environment(tuple(str(d) for d in extra_dirs))
    for name in names:
        if stop is not None and stop():
            return
        with contextlib.suppress(jinja2.TemplateError, OSError, UnicodeDecodeError):
            env.get_template(name)


@lru_cache(maxsize=16)
def environment(extra_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """The shared Environment: user directories first, then the package's."""
    loader = jinja2.FileSystemLoader([*extra_dirs, str(TEMPLATE_DIR)])
    env = jinja2.Environment(
        loader=loader,
        bytecode_cache=_COMPILED,
        autoescape=True,  # every extension: .xhtml.j2 and .html.j2 alike
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["kind"] = _kind
    env.filters["breakable"] = _breakable
    env.filters["compounds"] = _compounds
    env.globals["unknown_node"] = _unknown_node
    return env


def render(name: str, extra_dirs: Sequence[str] = (), **ctx: Any) -> str:
    """Render template ``name`` with ``ctx``; template problems become ``RenderError``."""
    try:
        return environment(tuple(str(d) for d in extra_dirs)).get_template(name).render(**ctx)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}:{exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise RenderError(f"template {name}: {exc}{where}") from exc


def find_stylesheet(name: str, extra_dirs: Sequence[str] = ()) -> Path:
    """The stylesheet ``name``: from a user directory if one has it, else the package's.

    Stylesheets are overridden the way templates are, one file at a time.
    """
    for folder in (*extra_dirs, str(STYLE_DIR)):
        path = Path(folder) / name
        if path.is_file():
            return path
    raise RenderError(f"stylesheet {name} not found in {', '.join(map(str, (*extra_dirs, STYLE_DIR)))}")
