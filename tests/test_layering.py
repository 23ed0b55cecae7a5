"""The package's import graph: no circle, and no import from a lower layer
to a higher one, function-level imports included (imports only for type
checking, under ``if TYPE_CHECKING:``, are left out: they never run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "editionbuilder"
PACKAGE = "editionbuilder"

# Lowest first. A module may import from its own layer and the layers below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("model",),  # the edition model, its traversal and text helpers
    (  # services every layer uses
        "",
        "diagnostics",
        "codes",
        "options",
        "fsutil",
        "templating",
        "isbn",
        "sources",
        "boundary",
        "catalog",
        "pandoc_tool",
        "lazyre",
        "installation",
        "scheduling",
        "roomy",
    ),
    ("readers", "transforms", "config", "config_values"),  # sources to model, model to model
    ("layout", "report"),  # the book's parts for every medium; the build report
    ("qa",),  # checks of outputs: they read layout, never a writer
    ("writers",),  # EPUB, print, cover, export, web edition
    ("site",),  # the bookshelf, OPDS feeds, the local server
    ("pipeline", "project_init", "edition_pool"),  # one edition read, transformed, written; editions in workers
    ("cli", "__main__"),  # the only printer
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of import nodes under ``if TYPE_CHECKING:``."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def _edges(modules: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if name else []
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                elif (node.module or "").split(".")[0] == PACKAGE:
                    target = (node.module or "")[len(PACKAGE) + 1 :]
                else:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}" if target else alias.name
                    targets.add(sub if sub in modules else target)
            elif isinstance(node, ast.Import):
                targets |= {a.name[len(PACKAGE) + 1 :] for a in node.names if a.name.startswith(PACKAGE + ".")}
        edges[name] = {t for t in targets if t in modules and t != name}
    return edges


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for n, names in enumerate(LAYERS):
        if top in names or (module == "" and "" in names):
            return n
    raise AssertionError(f"module {module or PACKAGE!r} is in no layer: add it to LAYERS")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _edges(_modules())


def test_every_module_has_a_layer(graph):
    for module in graph:
        _layer(module)


def test_no_import_runs_from_a_lower_layer_to_a_higher_one(graph):
    upward = sorted(f"{m or PACKAGE} -> {t}" for m, targets in graph.items() for t in targets if _layer(t) > _layer(m))
    assert upward == []


def test_no_import_circle(graph):
    """Tarjan's strongly connected components: every one is a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert circles == []


def test_only_the_print_engine_imports_weasyprint():
    importers = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if any(
            (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "weasyprint" for a in n.names))
            or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "weasyprint")
            for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        )
    )
    assert importers and all(p.startswith("writers/print/engine/") for p in importers), importers
