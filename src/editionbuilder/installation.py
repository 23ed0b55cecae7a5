"""The installation's cache: what a build compiles from the package's own
code, the same for every project this installation builds.

Jinja2's compiled templates (``templating``) and ``re``'s compiled
patterns (``lazyre``) depend on the code that made them and on the
template or pattern, not on the book. Python keeps its compiled modules
(``.pyc``) beside the installed code for the same reason. A build keeps
them in its output folder's ``.cache`` and here too, so that a build in a
new output folder reads them instead of compiling them again (0.2 to 0.3 s
of a one-page build). Each entry is checked against its source when read
back (Jinja2's checksum of the template, the pattern itself as the key),
so a project's own template, or an edited one, is compiled and kept beside
the package's rather than mistaken for it.

Where: ``$EDITIONBUILDER_CACHE_DIR`` when it is set (set and empty: keep
nothing here); in a virtual environment (``make``'s ``.venv``), its
``var/cache/editionbuilder``; otherwise ``$XDG_CACHE_HOME/editionbuilder``
(``~/.cache/editionbuilder``). What is read there is run (compiled
code), so the folder is used only when it is this user's and no one else
may write to it (``private_folder``), as the faces' twins are
(``writers/print/fonts.py``); one that cannot be made or written is left
alone: the cache only saves time.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

ENV = "EDITIONBUILDER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The installation's cache folder (not created here), or None."""
    given = os.environ.get(ENV)
    if given is not None:
        return Path(given).absolute() if given else None
    if sys.prefix != sys.base_prefix:  # a virtual environment: kept inside it, removed with it
        return Path(sys.prefix) / "var" / "cache" / "editionbuilder"
    home = os.environ.get("XDG_CACHE_HOME")
    try:
        return Path(home) / "editionbuilder" if home else Path.home() / ".cache" / "editionbuilder"
    except RuntimeError:  # no home folder to resolve
        return None


def folders(cache: str | Path) -> tuple[Path, ...]:
    """The folders a build keeps compiled code in: its own ``cache`` ("":
    none) first, then the installation's (made here when missing; left out
    when it cannot be made or is not ``private_folder``), each absolute
    and once."""
    found = [Path(cache).absolute()] if cache else []
    shared = cache_dir()
    if shared is not None and shared not in found:
        try:
            shared.mkdir(mode=0o700, parents=True, exist_ok=True)
            if private_folder(shared):
                found.append(shared)
        except OSError:
            pass
    return tuple(found)


def private_folder(folder: Path) -> bool:
    """Whether ``folder`` is a folder of this user's that no one else may
    write to (where a file found is trusted as one made by this user)."""
    found = folder.lstat()
    if not stat.S_ISDIR(found.st_mode):
        return False
    owner = os.getuid() if hasattr(os, "getuid") else found.st_uid
    return found.st_uid == owner and not found.st_mode & 0o022
