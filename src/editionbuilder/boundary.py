"""The trust boundary: the folders a build may read from and write to.

A press builds manuscripts other people wrote, from projects other people
set up. Whatever a config, a manuscript or a link names, every file a build
opens must lie inside the project (the folder of its config), or inside a
folder the user named on the command line (``--out``, and the folders of
the source files of a one-off build). ``Boundary.check`` is the one test,
used wherever a path comes from a config, a manuscript or an option:
it resolves the path as the system will (``..`` and symbolic links
followed) and refuses one that leads outside, naming the file and the key
that named it.

Nothing here reads or writes a file; callers open the path it returns.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import ConfigError, EditionError
from .model import Position


@dataclass(frozen=True, slots=True)
class Boundary:
    """The folders a build may use, each resolved (symbolic links followed)."""

    roots: tuple[Path, ...]

    @classmethod
    def of(cls, folders: Iterable[Path | str]) -> Boundary:
        return cls(tuple(dict.fromkeys(Path(f).resolve() for f in folders)))

    def contains(self, path: Path | str) -> bool:
        """Whether ``path``, resolved, lies in one of the folders."""
        resolved = Path(path).resolve()
        return any(resolved == root or resolved.is_relative_to(root) for root in self.roots)

    def check(
        self, path: Path | str, named_by: str, error: type[EditionError] = ConfigError, where: Position = Position()
    ) -> Path:
        """``path`` resolved; ``error`` when it leads outside every folder,
        saying what named it (``named_by``: "sources[0]", "bibliography")
        and where it leads."""
        resolved = Path(path).resolve()
        if self.contains(resolved):
            return resolved
        how = "a link leading" if _through_link(Path(path)) else "a path leading"
        inside = " or ".join(str(r) for r in self.roots)
        raise error(f"{named_by}: {path} is {how} outside {inside} (to {resolved})", where)


def _through_link(path: Path) -> bool:
    """Whether resolving ``path`` follows a symbolic link (as opposed to ``..``)."""
    return any(os.path.islink(p) for p in [path, *path.parents] if str(p) not in ("", "."))
