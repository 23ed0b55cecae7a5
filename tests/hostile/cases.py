"""Hostile manuscripts and configs, made on demand (none is stored).

Each ``Case`` is a small project: the files to write (text, bytes or a
symbolic link), the ``editionbuilder`` command to run in it, the exit
status and the message expected, and the time it may take. A case stands
for one thing a careless user or a hostile author does; ``tests/test_hostile.py``
runs every case under its time limit. To look at the files themselves:

    python tests/hostile/cases.py OUTDIR        # writes OUTDIR/CASE/...
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Link:
    """A symbolic link to ``target`` (as written, relative or absolute)."""

    target: str


Content = str | bytes | Link


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    files: dict[str, Content]
    argv: tuple[str, ...]
    exit: int
    stderr: str = ""  # a regular expression the standard error must match
    seconds: float = 60.0
    # further assertions on the project folder after the run
    after: Callable[[Path], None] | None = field(default=None, compare=False)

    def write(self, folder: Path) -> Path:
        for name, content in self.files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Link):
                path.symlink_to(content.target)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder


CASES: list[Case] = []


def case(fn: Callable[[], Case]) -> Callable[[], Case]:
    CASES.append(fn())
    return fn


# -- bounded work -------------------------------------------------------------


@case
def crossref_cycle() -> Case:
    """Two BibTeX entries inheriting from each other ran pandoc into its
    timeout at 5 GB: the circle is found first, the bibliography reported
    unreadable, and the book built."""
    bib = "@inbook{a, crossref={b}, title={A}, author={X, Y}, year={2000}}\n"
    bib += "@book{b, crossref={a}, title={B}, author={Z, W}, year={2001}}\n"
    paper = "---\ntitle: A Paper\nbibliography: cycle.bib\n---\n\nText [@a].\n"
    return Case(
        "crossref-cycle",
        {"paper.md": paper, "cycle.bib": bib},
        ("build", "paper.md", "--format", "epub"),
        exit=0,
        stderr=r"the entries a -> b -> a refer to each other in a circle",
        seconds=30,
    )


@case
def notes_in_one_paragraph() -> Case:
    """300 notes called from one paragraph: the time grows with the notes,
    not with their square (100 took over 150 s when every part was laid
    out as a column box)."""
    calls = " ".join(f"Sentence {i} of the long paragraph has a note[{i}]." for i in range(1, 301))
    notes = "\n\n".join(f"[{i}] The text of note {i}." for i in range(1, 301))
    return Case(
        "notes-in-one-paragraph",
        {"notes.txt": f"Many Notes\n\nby Some One\n\n{calls}\n\nFOOTNOTES:\n\n{notes}\n"},
        ("build", "notes.txt", "--format", "pdf"),
        exit=0,
        seconds=180,
    )


# -- characters text should not hold -------------------------------------------

SEPARATORS = "One paragraph.\u2029Another\u2028with a line.\u0085 And\x0c a form feed, a bell\x07."


def _separators_in_the_pdf(project: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(project / "output/seps.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Another with a line." in " ".join(text.split())
    assert not any(ch in text for ch in "\u2029\u2028\u0085\x07\ufffd")  # no box for a missing glyph


@case
def separators_in_plain_text() -> Case:
    """U+2029 aborted the whole edition ("PDF rendering failed:
    AssertionError"); U+2028 and U+0085 printed as missing-glyph boxes."""
    return Case(
        "separators-in-plain-text",
        {"seps.txt": f"A Title\n\nby Some One\n\n{SEPARATORS}\n"},
        ("build", "seps.txt"),
        exit=0,
        stderr=r"seps.txt:5: warning: U\+2029 PARAGRAPH SEPARATOR replaced by a space \[text-normalised\]",
        after=_separators_in_the_pdf,
    )


@case
def separators_in_markdown() -> Case:
    return Case(
        "separators-in-markdown",
        {"seps.md": f"---\ntitle: A Title\n---\n\n{SEPARATORS}\n"},
        ("build", "seps.md"),
        exit=0,
        stderr=r"seps.md:5: warning: U\+0007 CONTROL CHARACTER replaced by nothing \[text-normalised\]",
        after=_separators_in_the_pdf,
    )


if __name__ == "__main__":
    out = Path(sys.argv[1])
    for c in CASES:
        c.write(out / c.name)
        print(out / c.name)
