"""Writing output files so that a reader never sees half of one.

A build that fails half-way (a missing font, a template error, a full disk)
must leave either the previous file or nothing at ``path``, never a truncated
EPUB or PDF that a user might upload. Everything is written to a temporary
name in the same directory (so the final ``os.replace`` is an atomic rename on
one file system) and renamed only once the writer has returned.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it
    was. The temporary file exists (empty) when the block starts, so a library
    that insists on opening an existing file works too.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates the file 0600; outputs are ordinary files.
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``atomic_output``, flushed to disk first."""
    with atomic_output(path) as tmp, open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class StagedOutputs:
    """The files of one build, written into a hidden folder inside the
    output folder and moved into place together once every writer has
    returned (``staged_outputs``). A build that fails leaves the previous
    files of the edition as they were: an EPUB of the new text never
    stands beside a PDF of the old one."""

    def __init__(self, stage: Path):
        self.dir = stage

    def commit(self, finals: list[Path], declined: list[Path]) -> None:
        """Move each staged file onto its final name in the output folder,
        and remove the final files in ``declined`` (outputs this build chose
        not to make, such as the press file of a book too short for print:
        an old one must not be uploaded by mistake)."""
        for final in finals:
            staged = self.dir / final.name
            os.chmod(staged, 0o644)
            os.replace(staged, final)
        for path in declined:
            path.unlink(missing_ok=True)


@contextmanager
def staged_outputs(out_dir: Path | str, name: str) -> Iterator[StagedOutputs]:
    """A ``StagedOutputs`` for edition ``name`` in ``out_dir``; its folder
    (``.NAME.build-XXXX``) is removed when the block ends, whether the
    build committed or failed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{name}.build-", dir=out))
    try:
        yield StagedOutputs(stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
