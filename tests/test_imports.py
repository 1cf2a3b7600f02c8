"""The modules' imports, read from the source (top-level and inside functions alike): no
cycles, and the layers point one way: ``service`` uses the rest, ``scrapers`` and ``store`` use
``events``, ``events`` uses none of them.

Run as a script to print the graph: ``python tests/test_imports.py``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("events", "store", "scrapers", "service")
# What each layer may import besides itself.
ALLOWED = {"events": set(), "store": {"events"}, "scrapers": {"events", "store"},
           "service": {"events", "store", "scrapers"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """{module: the project modules it imports}, for every module of the four packages."""
    paths = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[:len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                # "from pkg import mod" imports the module pkg.mod where there is one.
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def without_package_links(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph less the links between a package and its own modules: a package's __init__
    re-exporting its modules, which import each other through the package, is how Python
    packages are built, and not a cycle between the things the modules do."""
    def related(a: str, b: str) -> bool:
        return a.startswith(b + ".") or b.startswith(a + ".")

    return {m: {t for t in ts if not related(m, t)} for m, ts in graph.items()}


def test_no_module_imports_itself_back_through_others():
    assert cycles(without_package_links(import_graph())) == []


def test_the_layers_point_one_way():
    wrong = [(m, t) for m, ts in import_graph().items() for t in ts
             if t.split(".")[0] != m.split(".")[0]
             and t.split(".")[0] not in ALLOWED[m.split(".")[0]]]
    assert wrong == []


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "service.app" in graph["service.cli"]
    assert "scrapers.results" in graph["scrapers.robots"]
    assert "scrapers.fetch" not in graph["scrapers.robots"]


if __name__ == "__main__":
    g = import_graph()
    for module in sorted(g):
        print(f"{module} -> {', '.join(sorted(g[module])) or '-'}")
    print("cycles:", cycles(without_package_links(g)) or "none")


def test_projection_tables_are_named_by_store_table_name_only():
    """A physical table name written out (``p_articles_urls``) would miss a rename or a
    rebuild target; every module outside ``store`` asks ``store.table_name``."""
    import re

    from events.projections import ALL

    literal = re.compile(r"\b[pr]_(?:%s)_\w+" % "|".join(ALL))
    found = [f"{path.relative_to(ROOT)}:{n}"
             for pkg in ("events", "scrapers", "service")
             for path in (ROOT / pkg).rglob("*.py")
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if literal.search(line)]
    assert found == []
