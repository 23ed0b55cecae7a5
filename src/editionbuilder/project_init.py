"""``editionbuilder init DIR``: a new project that builds with ``make`` at once.

The files are package data (``skeleton/``): a commented ``editions.toml``
with one edition, a sample text in the plain-text reader's conventions
(a title line, a byline, paragraphs, a quotation with its citation, a
note, a definition and a bibliography), a ``styles/`` folder whose README
says how a stylesheet is replaced, a README, and a Makefile that runs
``editionbuilder build``. The edition gets an identifier of its own.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from .diagnostics import ConfigError
from .fsutil import atomic_write_bytes
from .templating import SKELETON_DIR

IDENTIFIER_SLOT = b"@IDENTIFIER@"


def init_project(folder: Path) -> list[Path]:
    """The project's files written into ``folder`` (made if missing), which
    must be empty: an existing project is never written over."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ConfigError(f"{folder} is not empty: init makes a new project in a new or empty folder")
    written = []
    for source in sorted(p for p in SKELETON_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        target = folder / source.relative_to(SKELETON_DIR)
        data = source.read_bytes().replace(IDENTIFIER_SLOT, str(uuid.uuid4()).encode("ascii"))
        atomic_write_bytes(target, data)
        written.append(target)
    return written
