"""What a reader is given (``ReadContext``), and the registry readers enter
themselves in (``register``), with the helpers every reader shares."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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


BY_SUFFIX: dict[str, Reader] = {}
# Input format names: the reader, and whether it takes pandoc's extensions
# ("markdown+smart", "gfm-autolink_bare_uris"), which pandoc itself checks.
BY_NAME: dict[str, tuple[Reader, bool]] = {}


def register(*suffixes: str, formats: tuple[str, ...] = (), extensions: bool = False) -> Callable[[Reader], Reader]:
    """Register a reader for file suffixes (lower case, with the dot) and
    input format names."""

    def deco(fn: Reader) -> Reader:
        for s in suffixes:
            BY_SUFFIX[s] = fn
        for name in formats:
            BY_NAME[name] = (fn, extensions)
        return fn

    return deco


def base_format(from_format: str) -> str:
    """The reader's name in an input format: "markdown" in "markdown+smart"."""
    return re.split(r"[+-]", from_format, maxsplit=1)[0]
