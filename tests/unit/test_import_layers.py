"""The package layering of docs/architecture.md: no import loops, no import against the order."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "parse_clone"

# Lowest first; a module may import its own layer or a lower one (docs/architecture.md).
LAYERS: list[tuple[str, ...]] = [
    ("errors", "config", "config_sources", "option_spec", "option_docs", "options_table", "trust_proxy",
     "route_allow_list", "security_check"),
    ("language",),
    ("storage", "files", "cloud", "email", "web", "logs"),
    ("core.schema",),
    ("core.runtime",),
    ("core.request_complexity",),
    ("core.permissions",),
    ("core.files",),
    ("core.hooks",),
    ("core.query",),
    ("core.write",),
    ("core.auth",),
    ("core.rest", "core.data_api"),
    ("livequery", "schema_loader"),
    ("http", "graphql"),
    ("commands", "app", "cluster", "cli", "__main__"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every parse_clone module or package a file imports, TYPE_CHECKING blocks included."""
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if target.startswith("parse_clone"):
                found.update(_known(f"{target}.{alias.name}") or target for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("parse_clone"))
    return {name for name in found if name != module}


def _known(name: str) -> str | None:
    """`name` if it is a module or package of ours (so `from . import x` names module x)."""
    path = PACKAGE.parent / name.replace(".", "/")
    return name if path.with_suffix(".py").exists() or (path / "__init__.py").exists() else None


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        graph[name] = {t for t in _imports(path) if t in modules}
    return graph


def _layer(module: str) -> int:
    if module == "parse_clone":
        return 0  # the package's face: its version string only
    inner = module.removeprefix("parse_clone.")
    best = (-1, -1)
    for rank, names in enumerate(LAYERS):
        for prefix in names:
            if inner == prefix or inner.startswith(prefix + "."):
                best = max(best, (len(prefix), rank))
    if best[1] < 0:
        pytest.fail(f"{module} belongs to no layer: add it to LAYERS and docs/architecture.md")
    return best[1]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def _is_face(module: str, target: str) -> bool:
    """A package's __init__ may re-export its own modules."""
    return target.startswith(module + ".")


def test_no_import_loops() -> None:
    graph = {m: {t for t in ts if not _is_face(m, t)} for m, ts in _graph().items()}
    assert _cycles(graph) == []


def test_imports_follow_the_layers() -> None:
    wrong = sorted(f"{module} -> {target}" for module, targets in _graph().items() for target in targets
                   if not _is_face(module, target) and _layer(target) > _layer(module))
    assert wrong == []
