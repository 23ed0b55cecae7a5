"""The installation's cache: what a build compiles from the package's own
code, the same for every project this installation builds.

Jinja2's compiled templates (``templating``) and ``re``'s compiled
patterns (``lazyre``) depend on the code that made them and on the
template or pattern, not on the book. Python keeps its compiled modules
(``.pyc``) beside the installed code for the same reason. A build keeps
them in its output folder's ``.cache`` and here too, so that a build in a
new output folder reads them instead of compiling them again (0.2 to 0.3 s
of a one-page build). Each entry is checked against its source when read
back (Jinja2's checksum of the template and its file's path, the pattern
itself as the key), so an edited template is compiled again rather than
mistaken for the one kept. Only the package's own templates are kept
here, never a project's: the folder holds what every build of the
installation uses, and nothing of a project's.

Where: ``$EDITIONBUILDER_CACHE_DIR`` when it is set (set and empty: keep
nothing here); in a virtual environment (``make``'s ``.venv``), its
``var/cache/editionbuilder``; otherwise
``$XDG_CACHE_HOME/editionbuilder/compiled``
(``~/.cache/editionbuilder/compiled``). What is read there is run
(compiled code), so the folder is used only when it is this user's and no
one else may write to it (``private_folder``), as the faces' twins are
(``writers/print/fonts.py``): it is made so when missing, and a folder
given that others may write to is not used. One that cannot be made or
written is left alone: the cache only saves time. Entries of another
version (of Python, Jinja2, the templating code) are removed once they
have not been written for a week (``prune``): two installations sharing
the folder each keep theirs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import time
from pathlib import Path

ENV = "EDITIONBUILDER_CACHE_DIR"


def cache_dir() -> Path | None:
    """The installation's cache folder, as configured (not made here), or None."""
    given = os.environ.get(ENV)
    if given is not None:
        return Path(given).absolute() if given else None
    if sys.prefix != sys.base_prefix:  # a virtual environment: kept inside it, removed with it
        return Path(sys.prefix) / "var" / "cache" / "editionbuilder"
    try:
        return user_cache_dir() / "editionbuilder" / "compiled"
    except RuntimeError:  # no home folder to resolve
        return None


def user_cache_dir() -> Path:
    """This user's cache folder: ``$XDG_CACHE_HOME``, else ``~/.cache``
    (``RuntimeError`` when there is no home folder to resolve)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def kept_in(cache_dir: str | Path, name: str) -> tuple[Path | None, Path | None]:
    """The folders ``name`` where a build keeps compiled code: in its own
    ``cache_dir`` (None for ""), and in the installation's (None when there
    is none, or it is the same folder)."""
    own = Path(cache_dir).absolute() / name if cache_dir else None
    shared = folder()
    return own, (shared / name if shared is not None and shared / name != own else None)


def folder() -> Path | None:
    """The installation's cache folder, made (for this user alone) if
    missing; None when there is none, it cannot be made, or it is not
    ``private_folder``."""
    found = cache_dir()
    if found is None:
        return None
    try:
        found.mkdir(mode=0o700, parents=True, exist_ok=True)
        return found if private_folder(found) else None
    except OSError:
        return None


def private_folder(path: Path) -> bool:
    """Whether ``path`` is a folder of this user's that no one else may
    write to (where a file found is trusted as one made by this user)."""
    found = path.lstat()
    if not stat.S_ISDIR(found.st_mode):
        return False
    owner = os.getuid() if hasattr(os, "getuid") else found.st_uid
    return found.st_uid == owner and not found.st_mode & 0o022


STALE_AFTER_S = 7 * 24 * 3600  # an entry of another version in the installation's cache


def prune_others(own: Path | None, shared: Path | None, keep: str, pattern: str) -> None:
    """``prune`` the entries named ``pattern`` of ``own`` and of ``shared``
    (``kept_in``) but ``keep``, this version's."""
    for root, is_shared in ((own, False), (shared, True)):
        if root is not None and root.is_dir():
            prune([entry for entry in root.glob(pattern) if entry.name != keep], is_shared)


def prune(entries: list[Path], shared: bool) -> None:
    """Remove ``entries`` (files or folders of another version): at once in
    a build's own cache folder; in the installation's (``shared``), once
    not written for ``STALE_AFTER_S``, another installation may use them."""
    now = time.time()
    for entry in entries:
        with contextlib.suppress(OSError):
            if shared and now - entry.stat().st_mtime < STALE_AFTER_S:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink()
