"""The modules' imports, read from the source (top-level and inside functions alike; those
under ``if TYPE_CHECKING:`` serve type hints only and are left out): no cycles, and the
layers point one way: ``service`` uses the rest, ``scrapers`` uses ``store`` and ``events``,
``store`` uses ``events``, ``events`` uses none of them.

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


def import_graph(type_hints: bool = False) -> dict[str, set[str]]:
    """{module: the project modules it imports}, for every module of the four packages; with
    ``type_hints``, also those imported under ``if TYPE_CHECKING:``."""
    paths = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        tree = ast.parse(path.read_text(), str(path))
        typing_only = set() if type_hints else {
            id(n) for block in ast.walk(tree) if _is_type_checking(block)
            for stmt in block.body for n in ast.walk(stmt)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue  # for type hints only: never run, so no coupling at import time
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


def _is_type_checking(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


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


# Type hints only for now in these modules, where the correspondence extractor's name passes
# and its mentions name each other's types. Empty this to hold them to the rule as well.
TYPE_HINT_CYCLES_ALLOWED = ("scrapers.letters.",)


def test_no_two_modules_need_each_other_even_for_type_hints():
    """A module that only names another's types for its hints still leans on it: fetch and
    robots did, each holding and calling the other, until robots took a loader instead."""
    found = [group for group in cycles(without_package_links(import_graph(type_hints=True)))
             if not all(m.startswith(TYPE_HINT_CYCLES_ALLOWED) for m in group)]
    assert found == []


def test_the_layers_point_one_way():
    wrong = [(m, t) for m, ts in import_graph().items() for t in ts
             if t.split(".")[0] != m.split(".")[0]
             and t.split(".")[0] not in ALLOWED[m.split(".")[0]]]
    assert wrong == []


def test_the_graph_sees_imports_inside_functions_but_not_those_for_type_hints():
    graph = import_graph()
    assert "service.app" in graph["service.cli"]
    assert "scrapers.results" in graph["scrapers.robots"]
    assert "scrapers.fetch" not in graph["scrapers.robots"]
    assert "scrapers.robots" not in graph["scrapers.hosts"]  # under TYPE_CHECKING there
    assert "scrapers.robots" in import_graph(type_hints=True)["scrapers.hosts"]


if __name__ == "__main__":
    g = import_graph()
    for module in sorted(g):
        print(f"{module} -> {', '.join(sorted(g[module])) or '-'}")
    print("cycles:", cycles(without_package_links(g)) or "none")
    print("cycles with type hints:",
          cycles(without_package_links(import_graph(type_hints=True))) or "none")


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
