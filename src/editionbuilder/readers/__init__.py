"""Readers: one per source format, chosen from a registry by file suffix,
or by an input format name (``--from``, an edition's ``from``) for every
source of an edition: pandoc's reader names, and ``plain`` for the
plain-text reader.

A reader turns one source file into an ``Edition`` holding that source's
chapters, notes, glossary, references and comments (ids namespaced by
``ReadContext.prefix`` so that several sources can share one edition) and
reports what it removed. It never formats output and never prints.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import codes
from ..boundary import Boundary
from ..diagnostics import Diagnostics, InputError
from ..model import Edition, Position
from ..options import ReaderOptions
from ..sources import Normalised


@dataclass(frozen=True, slots=True)
class ReadContext:
    path: Path
    # The path as shown to people (relative to the project), used in positions.
    display: str
    # Namespace for every id this source creates ("s1" -> "s1-n3").
    prefix: str
    options: ReaderOptions
    diagnostics: Diagnostics
    # The folders this source may read other files from (a manuscript's
    # bibliography); None: its own folder only.
    boundary: Boundary | None = None

    def may_read(self, path: Path, named_by: str) -> Path:
        """``path`` resolved, or an ``InputError`` naming this source and the
        key when it lies outside the folders a build may read."""
        allowed = self.boundary or Boundary.of([self.path.parent])
        return allowed.check(path, named_by, InputError, Position(self.display))


Reader = Callable[[ReadContext], Edition]


def report_normalised(found: Sequence[Normalised], file: str, diagnostics: Diagnostics) -> None:
    """One ``text-normalised`` warning per kind of character decoding
    replaced or removed (``sources.normalise_controls``)."""
    for n in found:
        times = f" ({n.count} times, the first here)" if n.count > 1 else ""
        diagnostics.add(
            codes.TEXT_NORMALISED, f"{n.name}{times} replaced by {n.replacement}", Position(file, n.line, n.line)
        )


def unique_id(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``… when already taken (a term
    defined twice gets two entries, two works may share a key)."""
    n, unique = 1, candidate
    while unique in taken:
        n += 1
        unique = f"{candidate}-{n}"
    return unique


_READERS: dict[str, Reader] = {}
# Input format names: the reader, and whether it takes pandoc's extensions
# ("markdown+smart", "gfm-autolink_bare_uris"), which pandoc itself checks.
_NAMED: dict[str, tuple[Reader, bool]] = {}


def register(*suffixes: str, formats: tuple[str, ...] = (), extensions: bool = False) -> Callable[[Reader], Reader]:
    """Register a reader for file suffixes (lower case, with the dot) and
    input format names."""

    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            _READERS[s] = fn
        for name in formats:
            _NAMED[name] = (fn, extensions)
        return fn

    return deco


def base_format(from_format: str) -> str:
    """The reader's name in an input format: "markdown" in "markdown+smart"."""
    return re.split(r"[+-]", from_format, maxsplit=1)[0]


def input_formats() -> Mapping[str, bool]:
    """Every input format name, sorted, and whether it takes extensions."""
    _load_builtin()
    return {name: _NAMED[name][1] for name in sorted(_NAMED)}


def reader_for(path: Path, from_format: str = "") -> Reader:
    """The reader of ``from_format`` if given, else of the file's suffix."""
    if from_format:
        _load_builtin(lambda: base_format(from_format) in _NAMED)
        named = _NAMED.get(base_format(from_format))
        if named is None:
            known = ", ".join(sorted(_NAMED))
            raise InputError(f"{path}: no reader for input format {from_format!r} (known: {known})")
        return named[0]
    suffix = path.suffix.lower()
    _load_builtin(lambda: suffix in _READERS)
    try:
        return _READERS[suffix]
    except KeyError:
        known = ", ".join(sorted(_READERS))
        raise InputError(f"{path}: no reader for '{suffix or path.name}' files (known: {known})") from None


# The built-in readers' modules, the one that loads fastest first: a plain
# text is read without loading the pandoc reader.
_BUILTIN = ("plaintext", "pandoc")


def _load_builtin(found: Callable[[], bool] = lambda: False) -> None:
    """Import the built-in readers, in ``_BUILTIN``'s order, until ``found``
    (all of them by default). Imported here so the registry fills itself on
    first use without an import cycle (each reader module imports
    ``register`` from here)."""
    for name in _BUILTIN:
        if found():
            return
        importlib.import_module(f".{name}", __package__)
