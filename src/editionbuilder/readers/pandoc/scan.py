"""The lines of a Markdown manuscript that pandoc's AST does not place.

YAML metadata blocks, link reference definitions and footnote definitions
leave no block of their own in the AST (their content goes into metadata,
links and notes), and a fenced block's fence lines hold no words to find.
This module finds them in the text so that every line is accounted for,
following the rules of the pandoc manual (``yaml_metadata_block``,
``fenced_code_blocks``, ``footnotes``) closely enough for real manuscripts;
each rule skips fenced code, where all of these are decoys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A code fence: three or more backticks or tildes, indented at most three
# spaces (group 1 is the fence itself, to find the closing one).
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

# The lines opening and closing a YAML metadata block.
_YAML_OPEN_RE = re.compile(r"^---[ \t]*$")
_YAML_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")

# A link reference definition ``[label]: url`` (not a note: no ``^``).
_LINK_DEF_RE = re.compile(r"^ {0,3}\[(?!\^)[^\]]+\]:[ \t]*\S")

# A footnote definition ``[^label]:``, possibly inside block quotes (``> ``).
_NOTE_DEF_RE = re.compile(r"^(?:[ \t]*>)*[ \t]{0,3}\[\^([^\]\s]+)\]:")


@dataclass(frozen=True, slots=True)
class MarkdownLayout:
    """Line ranges (1-based, inclusive) of the structures pandoc hides."""

    fenced: tuple[tuple[int, int], ...]
    yaml: tuple[tuple[int, int], ...]
    link_definitions: tuple[int, ...]
    note_definitions: tuple[int, ...]

    def in_fence(self, line: int) -> bool:
        return any(a <= line <= b for a, b in self.fenced)


def scan_markdown(lines: list[str]) -> MarkdownLayout:
    """Fences first (everything else inside them is a decoy), then the rest."""
    fenced = _fences(lines)
    inside = {n for a, b in fenced for n in range(a, b + 1)}
    yaml = _yaml_blocks(lines, inside)
    in_yaml = {n for a, b in yaml for n in range(a, b + 1)}
    skip = inside | in_yaml
    links = tuple(n for n, ln in enumerate(lines, 1) if n not in skip and _LINK_DEF_RE.match(ln))
    notes = tuple(n for n, ln in enumerate(lines, 1) if n not in skip and _NOTE_DEF_RE.match(ln))
    return MarkdownLayout(fenced, yaml, links, notes)


def _fences(lines: list[str]) -> tuple[tuple[int, int], ...]:
    """Fenced code blocks: from a fence to the next fence of the same
    character at least as long (or the end of the text)."""
    out = []
    open_at, fence = 0, ""
    for n, line in enumerate(lines, start=1):
        m = _FENCE_RE.match(line)
        if not m:
            continue
        if not fence:
            open_at, fence = n, m.group(1)
        elif m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip(" `~"):
            out.append((open_at, n))
            fence = ""
    if fence:
        out.append((open_at, len(lines)))
    return tuple(out)


def _yaml_blocks(lines: list[str], fenced: set[int]) -> tuple[tuple[int, int], ...]:
    """YAML blocks: ``---`` at the top or after a blank line, not followed by
    a blank line (else it is a horizontal rule), closed by ``---`` or ``...``."""
    out = []
    n = 1
    while n <= len(lines):
        opens = _YAML_OPEN_RE.match(lines[n - 1]) and n not in fenced
        if opens and (n == 1 or not lines[n - 2].strip()) and n < len(lines) and lines[n].strip():
            end = next((k for k in range(n + 1, len(lines) + 1) if _YAML_CLOSE_RE.match(lines[k - 1])), 0)
            if end:
                out.append((n, end))
                n = end + 1
                continue
        n += 1
    return tuple(out)


def note_definition_end(lines: list[str], start: int) -> int:
    """The last line of the footnote definition opening at ``start``: its
    following lines up to a blank line, and paragraphs after blank lines
    that are indented (the definition's continuation)."""
    end = start
    n = start + 1
    while n <= len(lines):
        line = lines[n - 1]
        if line.strip():
            if _NOTE_DEF_RE.match(line) or (not line[:1].isspace() and not lines[n - 2].strip()):
                break
            end = n
        n += 1
    return end
