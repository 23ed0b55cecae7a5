"""The catalogue of diagnostic codes is the only place a code is written.

Editors silence codes by name and look them up in the README, so: every
code is unique and kebab-case; no module writes a code as a string (each
names a catalogue entry, whose severity it takes); every entry is emitted
somewhere; and the README's table is the catalogue's, row for row.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from editionbuilder import codes
from editionbuilder.diagnostics import Code, Diagnostics, Severity
from editionbuilder.model import Position
from paths import ROOT

SRC = ROOT / "src" / "editionbuilder"
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TABLE_HEAD = "| code | severity | meaning |"


def _modules() -> dict[Path, ast.Module]:
    """Every module of the package but the catalogue, parsed."""
    paths = sorted(p for p in SRC.rglob("*.py") if p != SRC / "codes.py")
    return {p.relative_to(ROOT): ast.parse(p.read_text(encoding="utf-8")) for p in paths}


def _strings(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _catalogue_references(tree: ast.AST) -> list[ast.Attribute]:
    """``codes.NAME`` in a module (its catalogue entries and functions)."""
    return [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "codes"
    ]


def test_codes_are_unique_kebab_case_and_explained():
    names = [c.name for c in codes.CATALOGUE]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    for code in codes.CATALOGUE:
        assert KEBAB.fullmatch(code.name), code.name
        assert code.severity in (Severity.INFO, Severity.WARNING), code
        # One line of a Markdown table cell.
        assert code.meaning and "\n" not in code.meaning and "|" not in code.meaning, code
    entries = {name: v for name, v in vars(codes).items() if isinstance(v, Code)}
    assert list(entries.values()) == list(codes.CATALOGUE)
    assert all(name == code.name.upper().replace("-", "_") for name, code in entries.items())


def test_no_module_writes_a_code_as_a_string():
    known = set(codes.names())
    found = []
    for path, tree in _modules().items():
        for node in _strings(tree):
            if node.value in known or any(f"[{name}]" in node.value for name in known):
                found.append(f"{path}:{node.lineno}: {node.value!r}")
        for call in _calls(tree):
            first = call.args[0] if call.args else None
            literal = first.value if isinstance(first, ast.Constant) else None
            if (
                _callee(call) in ("add", "diagnostic", "Diagnostic")
                and isinstance(literal, str)
                and KEBAB.fullmatch(literal)
            ):
                found.append(f"{path}:{call.lineno}: {literal!r} passed to {_callee(call)}")
    assert not found, "codes are named as catalogue entries (codes.LINK_LOST), never as strings:\n" + "\n".join(found)


def _imported_from_diagnostics(tree: ast.Module) -> set[str]:
    """The names a module imports from ``diagnostics`` (``model`` has a
    ``Code`` too: an inline of code)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("diagnostics")
        for alias in node.names
    }


def test_only_the_catalogue_makes_codes_and_only_codes_make_diagnostics():
    # Emitters call Diagnostics.add or Code.diagnostic, so a diagnostic's
    # code and severity always come from one catalogue entry.
    for path, tree in _modules().items():
        makers = _imported_from_diagnostics(tree) & {"Code", "Diagnostic"}
        for call in _calls(tree):
            assert _callee(call) not in makers, f"{path}:{call.lineno}: {_callee(call)}() outside the catalogue"


def test_every_entry_named_is_in_the_catalogue_and_every_entry_is_emitted():
    named = set()
    for path, tree in _modules().items():
        for node in _catalogue_references(tree):
            assert hasattr(codes, node.attr), f"{path}:{node.lineno}: codes.{node.attr} is not in the catalogue"
            named.add(node.attr)
    entries = {name for name, v in vars(codes).items() if isinstance(v, Code)}
    assert entries - named == set(), "catalogue entries no module emits"


def test_a_diagnostic_takes_the_severity_of_its_code():
    diags = Diagnostics()
    diags.add(codes.CITATION_AMBIGUOUS, "two works fit", Position("essay.txt", 12, 12))
    diags.add(codes.LINK_LOST, "a lost link")
    assert [d.format() for d in diags.items] == [
        "essay.txt:12: info: two works fit [citation-ambiguous]",
        "warning: a lost link [link-lost]",
    ]
    assert codes.named("link-lost") is codes.LINK_LOST


def _readme_table() -> str:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").split("\n")
    start = lines.index(TABLE_HEAD)
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("|"))
    return "\n".join(lines[start:end]) + "\n"


def test_the_readme_table_is_the_catalogue():
    table = _readme_table()
    rows = [line.strip("|").split(" | ") for line in table.splitlines()[2:]]
    listed = {name.strip(" `"): (severity, meaning.strip()) for name, severity, meaning in rows}
    assert listed == {c.name: (c.severity.value, c.meaning) for c in codes.CATALOGUE}
    assert table == codes.markdown_table(), "regenerate the README's table: python -m editionbuilder.codes"
