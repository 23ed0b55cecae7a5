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
from collections.abc import Callable, Mapping
from pathlib import Path

from ..diagnostics import InputError
from .context import (
    BY_NAME,
    BY_SUFFIX,
    ReadContext,
    Reader,
    base_format,
    register,
    report_normalised,
    unique_id,
)

__all__ = [
    "ReadContext",
    "Reader",
    "base_format",
    "input_formats",
    "reader_for",
    "register",
    "report_normalised",
    "unique_id",
]


def input_formats() -> Mapping[str, bool]:
    """Every input format name, sorted, and whether it takes extensions."""
    _load_builtin()
    return {name: BY_NAME[name][1] for name in sorted(BY_NAME)}


def reader_for(path: Path, from_format: str = "") -> Reader:
    """The reader of ``from_format`` if given, else of the file's suffix."""
    if from_format:
        _load_builtin(lambda: base_format(from_format) in BY_NAME)
        named = BY_NAME.get(base_format(from_format))
        if named is None:
            known = ", ".join(sorted(BY_NAME))
            raise InputError(f"{path}: no reader for input format {from_format!r} (known: {known})")
        return named[0]
    suffix = path.suffix.lower()
    _load_builtin(lambda: suffix in BY_SUFFIX)
    try:
        return BY_SUFFIX[suffix]
    except KeyError:
        known = ", ".join(sorted(BY_SUFFIX))
        raise InputError(f"{path}: no reader for '{suffix or path.name}' files (known: {known})") from None


# The built-in readers' modules, the one that loads fastest first: a plain
# text is read without loading the pandoc reader.
_BUILTIN = ("plaintext", "pandoc")


def _load_builtin(found: Callable[[], bool] = lambda: False) -> None:
    """Import the built-in readers, in ``_BUILTIN``'s order, until ``found``
    (all of them by default). Imported here so the registry fills itself on
    first use without an import cycle (each reader module imports
    ``register`` from ``context``)."""
    for name in _BUILTIN:
        if found():
            return
        importlib.import_module(f".{name}", __package__)
