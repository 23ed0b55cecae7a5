"""What is kept of a font file, by its bytes: the folder of its narrow
twins (``fonts.narrow_twins``), its digest, and what a build reads of it
once (``kept_fact``). Apart from ``fonts`` so that what reads a face
(``callfigures``) and what embeds it (``subsets``) need not import the
faces' module, which imports them."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from ...diagnostics import OutputError
from ...fsutil import atomic_write_bytes
from ...installation import private_folder, user_cache_dir


def face_stamp(path: str) -> tuple[int, int]:
    """The size and time of a font file (``OSError`` when it is missing):
    what tells a face changed in place, for what is kept of it."""
    stat = os.stat(path)
    return stat.st_size, stat.st_mtime_ns


def twin_folder() -> Path:
    """Where the twins are kept: this user's cache folder
    (``$XDG_CACHE_HOME``, else ``~/.cache``), ``editionbuilder/twins``."""
    return user_cache_dir() / "editionbuilder" / "twins"


def own_twin_folder() -> Path | None:
    """``twin_folder``, made if missing; None when others may write to it
    (what is found there is trusted as made by this user). ``OSError`` or
    ``RuntimeError`` (no home folder) when it cannot be made."""
    folder = twin_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder if private_folder(folder) else None


# A face's digest, and what a build asks of its file with fontTools that
# the file alone answers (``callfigures``: whether it has superior
# figures, from its cmap and GSUB), which took 0.35 G instructions in the
# build process's planning, before its parts are handed out. So the
# answer is kept beside the twins (``twin_folder``), in a file named by the
# face's digest, the question and ``_FACT_RECIPE``: a face changed gets a
# new name. Every build hashes the faces it uses anyway (``face_digest``:
# the subsets of the book's faces are made by their digest).
_FACT_RECIPE = 1  # made part of each fact's file name: raised when the way a fact is found changes
_DIGESTS: dict[tuple[str, int, int], str] = {}  # the faces' digests read in this process, by path and stamp


def face_digest(path: str) -> str:
    """The SHA-256 of the font file at ``path`` (hex), read once in a
    process for each size and time of the file (``OSError`` when missing)."""
    key = (path, *face_stamp(path))
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return _DIGESTS[key]


def kept_fact(path: str, question: str, answer: Callable[[bytes], bool]) -> bool:
    """``answer(body)``, a yes or no about the bytes of the font file at
    ``path``, kept in the twins' folder under their digest and
    ``question`` (a word), and read from there once kept. The digest and
    the answer are of the same bytes, read once. Where the folder cannot
    be made or read, or others may write to it, the answer is worked out
    and not kept. ``OSError`` when the file cannot be read."""
    key = (path, *face_stamp(path))
    body = Path(path).read_bytes()
    digest = _DIGESTS[key] = hashlib.sha256(body).hexdigest()
    name = f"{digest[:32]}-{question}-{_FACT_RECIPE}.fact"
    try:
        folder = own_twin_folder()
    except (OSError, RuntimeError):  # a folder that cannot be made, no home folder
        folder = None
    if folder is None:
        return answer(body)
    with contextlib.suppress(OSError):
        kept = (folder / name).read_bytes()
        if kept in (b"yes\n", b"no\n"):
            return kept == b"yes\n"
    found = answer(body)
    # Written under another name, then renamed: two processes asking at
    # once each leave a whole file, the same bytes.
    with contextlib.suppress(OSError, OutputError):
        atomic_write_bytes(folder / name, b"yes\n" if found else b"no\n")
    return found
