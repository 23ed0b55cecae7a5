"""Where the tests find the project and the inputs they read.

Everything a test reads is inside the repository: the seeds in ``seeds/``
and the corpus in ``tests/corpus/`` (each folder with its provenance and
licence). ``corpus_file`` names a corpus file and fails the test at once,
with the path, when the file is not there.
"""

from pathlib import Path

import pytest

from editionbuilder.model import Position, Reference
from editionbuilder.readers.plaintext.references.capitals import parse_reference

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
# The essay seed, whose bibliography block is lines 79-141.
SEED = ROOT / "seeds" / "001_72f3cb4c218735c2.txt"

ENGELS = "01-pg-engels-socialism-utopian-scientific/39257-8.txt"
BRADLEY = "02-pg-bradley-enclosures-in-england/29258.txt"
OBRIEN = "03-pg-obrien-mediaeval-economic-teaching/13488-8.txt"
GUTENBERG = (ENGELS, BRADLEY, OBRIEN)


def corpus_file(relative: str) -> Path:
    """``tests/corpus/RELATIVE``; a missing file fails the test that needs it
    (never a skip, never a loop over nothing)."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.fail(f"test input missing: {path} (the corpus is part of the repository)", pytrace=False)
    return path


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def seed_references() -> list[Reference]:
    lines = seed_lines()
    return [
        parse_reference(lines[n - 1], f"ref-{n}", Position(SEED.name, n, n))
        for n in range(79, 142)
        if lines[n - 1].strip()
    ]


def bench_typography():
    """bench/typography.py, the measurer of the print's typography, as a
    module (the bench folder is no package)."""
    import importlib.util
    import sys

    name = "bench_typography"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "typography.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]
