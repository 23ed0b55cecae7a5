"""Writing output files so that a reader never sees half of one, nor a
mixture of two builds.

A single file is written to a temporary name in its own folder and renamed
once whole (``atomic_output``): a failure leaves the previous file or
nothing, never a truncated EPUB or PDF that a user might upload.

An edition's files are published as one set (``staged_outputs``):

    output/NAME.epub -> .editions/NAME/NAME.epub      (one link per file)
    output/.editions/NAME -> NAME.k3x9q1              (the current set)
    output/.editions/NAME.k3x9q1/                     (its files, manifest.json)

A build writes into a new folder ``.editions/NAME.XXXX`` and switches the
link ``.editions/NAME`` to it with one rename, so a build that fails, or a
process killed at any moment, leaves either the whole last set or the
whole new one. The next build removes folders that never became current.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import OutputError


@contextmanager
def atomic_output(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left as it
    was. The temporary file exists (empty) when the block starts, so a library
    that insists on opening an existing file works too.
    """
    target = Path(path)
    with refused_as_output_error(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with refused_as_output_error(target):
            # mkstemp creates the file 0600; outputs are ordinary files.
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def refused_as_output_error(path: Path) -> Iterator[None]:
    """An ``OSError`` while writing ``path`` (a read-only folder, a full
    disk, a file where a folder should be) as a one-line ``OutputError``."""
    try:
        yield
    except OSError as exc:
        where = exc.filename or path
        raise OutputError(f"cannot write {where}: {exc.strerror or exc}") from None


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``atomic_output``, flushed to disk first."""
    with atomic_output(path) as tmp, refused_as_output_error(Path(path)), open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


# The sets of files of each edition, one folder per build, inside the
# output folder: ``.editions/NAME`` is a symbolic link to the current set's
# folder, and the top-level names (``NAME.epub``...) are links through it.
EDITIONS = ".editions"
MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class StagedOutputs:
    """The files of one build of edition ``name``, written into a new folder
    ``OUT/.editions/NAME.XXXX`` and published together by ``commit``: one
    rename switches the link ``.editions/NAME`` from the last set's folder
    to this one. A build that fails, or is killed, at any moment leaves the
    last set whole and in place (its folder and the links to it are only
    touched after the switch)."""

    out: Path
    name: str
    dir: Path

    @property
    def link(self) -> Path:
        return self.out / EDITIONS / self.name

    def commit(self, files: Sequence[str], manifest: Mapping[str, object], withdrawn: Sequence[str] = ()) -> None:
        """Publish ``files`` (names inside ``dir``) and ``manifest``: each
        top-level name links to its file through ``.editions/NAME``. Names
        the last set had and this one has not, and the ``withdrawn`` names
        (files this build declined to make), are removed: a press file of a
        book now too short for print must not be uploaded by mistake."""
        atomic_write_bytes(self.dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))
        with refused_as_output_error(self.out):
            self._switch(files, withdrawn)

    def _switch(self, files: Sequence[str], withdrawn: Sequence[str]) -> None:
        for name in files:
            os.chmod(self.dir / name, 0o644)
        folder, last = _current(self.link)
        # Links for new names resolve once the switch is made; a name held by
        # a plain file (an older version's layout) is replaced after it.
        fresh = [n for n in files if not os.path.lexists(self.out / n)]
        for name in fresh:
            self._publish(name)
        self._replace(self.link, self.dir.name)  # the switch
        for name in files:
            if not (self.out / name).is_symlink():
                self._publish(name)
        for name in {*last, *withdrawn} - set(files):
            (self.out / name).unlink(missing_ok=True)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def _publish(self, name: str) -> None:
        self._replace(self.out / name, f"{EDITIONS}/{self.name}/{name}")

    def _replace(self, path: Path, target: str) -> None:
        """Make ``path`` a symbolic link to ``target`` in one rename: the new
        link is made in ``.editions`` under a name ``remove_stale`` knows,
        then moved onto ``path``, which is at every moment either what it
        was or the new link."""
        tmp = self.out / EDITIONS / f"{self.name}.link-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        os.symlink(target, tmp)
        os.replace(tmp, path)


def _current(link: Path) -> tuple[Path | None, tuple[str, ...]]:
    """The folder ``link`` points to and the file names its manifest lists."""
    if not link.is_symlink():
        return None, ()
    folder = link.parent / os.readlink(link)
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        files = []
    return folder, tuple(f for f in files if isinstance(f, str) and "/" not in f)


def read_manifest(out_dir: Path | str, name: str) -> dict | None:
    """The manifest of edition ``name``'s current set in ``out_dir``, or
    None when there is none (never built, or built by an older version)."""
    try:
        data = json.loads((Path(out_dir) / EDITIONS / name / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@contextmanager
def staged_outputs(out_dir: Path | str, name: str) -> Iterator[StagedOutputs]:
    """A ``StagedOutputs`` for edition ``name`` in ``out_dir``. What earlier
    builds left half-done (killed, or failed) is removed first; this
    build's folder is removed when the block fails."""
    out = Path(out_dir)
    with refused_as_output_error(out / EDITIONS):
        (out / EDITIONS).mkdir(parents=True, exist_ok=True)
        remove_stale(out, name)
        stage = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=out / EDITIONS))
    try:
        yield StagedOutputs(out, name, stage)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def remove_stale(out: Path, name: str) -> None:
    """Remove what edition ``name``'s earlier builds left half-done: set
    folders that are not the current one and links never moved into place
    (``NAME.*`` in ``.editions``: edition names hold no ".", so the pattern
    names only this edition's), and the staging folders of older versions."""
    current, _ = _current(out / EDITIONS / name)
    keep = current.resolve() if current is not None else None
    for path in [*(out / EDITIONS).glob(f"{name}.*"), *out.glob(f".{name}.build-*")]:
        if path.is_dir() and not path.is_symlink():
            if path.resolve() != keep:
                shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def staged_folder(out_dir: Path | str, name: str) -> Iterator[Path]:
    """A new, empty folder ``OUT/.NAME/NAME.XXXX`` to fill (the site). When
    the block ends well, the link ``OUT/NAME`` is switched to it with one
    rename, so that ``OUT/NAME`` is at every moment the whole last folder
    or the whole new one; then the folders of earlier builds are removed.
    When it fails, the new folder is removed and the link left as it was."""
    out = Path(out_dir)
    sets, link = out / f".{name}", out / name
    if link.exists() and not link.is_symlink():
        raise OutputError(f"{link} is a folder this program did not make: move it away, {name} is published there")
    with refused_as_output_error(sets):
        sets.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=sets))
    try:
        yield stage
        with refused_as_output_error(link):
            os.chmod(stage, 0o755)  # mkdtemp makes it 0700: a web server reads it as another user
            tmp = sets / f"{name}.link-{os.getpid()}"
            tmp.unlink(missing_ok=True)
            os.symlink(f"{sets.name}/{stage.name}", tmp)
            os.replace(tmp, link)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    for old in sets.iterdir():
        if old.name != stage.name:
            if old.is_dir() and not old.is_symlink():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
