"""Hashes of every shipped edition's outputs and of the Engels print edition.

A change meant to move code without changing behaviour (issue #15) is
checked by running this before and after it: the two lists must be equal.

    python bench/identity.py > before.txt
    ... change ...
    python bench/identity.py | diff before.txt -

Each edition is built into a fresh folder (no part cache), with the
editionbuilder command, as ``make`` builds it; the site is included.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGELS = ROOT / "tests" / "corpus" / "01-pg-engels-socialism-utopian-scientific" / "39257-8.txt"
# The Engels print edition, as bench/typography.py builds it.
ENGELS_CONFIG = """
[[edition]]
name = "engels"
sources = ["39257-8.txt"]
[edition.metadata]
date = "2026-11-25"
print_identifier = "urn:editionbuilder:typography:engels"
[edition.print]
enabled = true
trim = "5.5x8.5"
"""


def build(config: Path, out: Path) -> None:
    command = [sys.executable, "-m", "editionbuilder", "build", "--config", str(config), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"build of {config} failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")


def hashes(out: Path, label: str) -> list[str]:
    """``sha256  label/relative-path`` for every file under ``out``, but the part cache and staging folders."""
    rows = []
    for folder, dirs, files in os.walk(out, followlinks=True):
        rel_dir = Path(folder).relative_to(out)
        # The staging folders (.editions/NAME.XXXX, reached through the top-level links) and the cache.
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            rows.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {label}/{(rel_dir / name).as_posix()}")
    return sorted(rows, key=lambda row: row.split("  ", 1)[1])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    keep = Path(args[1]) if args[:1] == ["--keep"] else None  # --keep DIR: leave the builds in DIR
    with tempfile.TemporaryDirectory(prefix="eb-identity-") as tmp:
        work = keep.resolve() if keep else Path(tmp)
        shipped = work / "shipped"
        if keep:
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
        shutil.copytree(ROOT / "seeds", work / "project" / "seeds")
        shutil.copyfile(ROOT / "editions.toml", work / "project" / "editions.toml")
        build(work / "project" / "editions.toml", shipped)
        engels = work / "engels"
        (work / "corpus").mkdir()
        shutil.copyfile(ENGELS, work / "corpus" / ENGELS.name)
        (work / "corpus" / "editions.toml").write_text(ENGELS_CONFIG, encoding="utf-8")
        build(work / "corpus" / "editions.toml", engels)
        rows = hashes(shipped.resolve(), "shipped") + hashes(engels.resolve(), "engels")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
