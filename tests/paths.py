"""Where the tests find the project and the shared inputs beside it."""

from pathlib import Path

from editionbuilder.bibliography import parse_reference
from editionbuilder.model import Position, Reference

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the project holds the seeds' originals and the corpus;
# CI clones the project with it alongside.
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
# The essay seed, whose bibliography block is lines 79-141.
SEED = ROOT / "seeds" / "001_72f3cb4c218735c2.txt"


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def seed_references() -> list[Reference]:
    lines = seed_lines()
    return [
        parse_reference(lines[n - 1], f"ref-{n}", Position(SEED.name, n, n))
        for n in range(79, 142)
        if lines[n - 1].strip()
    ]
