"""Readers: one per source format, chosen from a registry by file suffix.

A reader turns one source file into an ``Edition`` holding that source's
chapters, notes, glossary, references and comments (ids namespaced by
``ReadContext.prefix`` so that several sources can share one edition) and
reports what it removed. It never formats output and never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostics, InputError
from ..model import Edition
from ..options import ReaderOptions


@dataclass(frozen=True, slots=True)
class ReadContext:
    path: Path
    # The path as shown to people (relative to the project), used in positions.
    display: str
    # Namespace for every id this source creates ("s1" -> "s1-n3").
    prefix: str
    options: ReaderOptions
    diagnostics: Diagnostics


Reader = Callable[[ReadContext], Edition]


def unique_id(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``… when already taken (a term
    defined twice gets two entries, two works may share a key)."""
    n, unique = 1, candidate
    while unique in taken:
        n += 1
        unique = f"{candidate}-{n}"
    return unique


_READERS: dict[str, Reader] = {}


def register(*suffixes: str) -> Callable[[Reader], Reader]:
    """Register a reader for file suffixes (lower case, with the dot)."""

    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            _READERS[s] = fn
        return fn

    return deco


def reader_for(path: Path) -> Reader:
    _load_builtin()
    suffix = path.suffix.lower()
    try:
        return _READERS[suffix]
    except KeyError:
        known = ", ".join(sorted(_READERS))
        raise InputError(f"{path}: no reader for '{suffix or path.name}' files (known: {known})") from None


def _load_builtin() -> None:
    # Imported here so the registry fills itself on first use without an
    # import cycle (each reader module imports ``register`` from here).
    from . import pandoc, plaintext  # noqa: F401
