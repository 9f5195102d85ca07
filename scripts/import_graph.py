"""Print the graph of imports between Binôme's packages, and fail if it has a cycle.

Every import counts: at module level, inside functions and under `TYPE_CHECKING`, because each is a
dependency a reader has to follow, and an import hidden in a function is still a cycle waiting to
bite at import time. Tests and migrations are left out: they may reach across layers on purpose.

    scripts/uv run python scripts/import_graph.py          # summary, exit 1 on a cycle
    scripts/uv run python scripts/import_graph.py --edges  # every app-to-app edge with its count
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("binome", "matching")


def package_of(module: str) -> str | None:
    """`binome.people.services` -> `people`; `matching.solver` -> `matching`."""
    parts = module.split(".")
    if parts[0] == "binome" and len(parts) > 1:
        return parts[1]
    if parts[0] == "matching":
        return "matching"
    return None


def is_left_out(path: Path) -> bool:
    parts = set(path.parts)
    return bool(parts & {"tests", "migrations"}) or path.name.startswith("test_") or path.name == "conftest.py"


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(module)
    return found


def app_graph() -> dict[str, dict[str, int]]:
    graph: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if is_left_out(path.relative_to(ROOT)):
                continue
            source = package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
            if source is None:
                continue
            graph[source]  # every package is a node, even one that imports nothing
            for module in imports_of(path):
                target = package_of(module)
                if target and target != source:
                    graph[source][target] += 1
    return graph


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm; returns the components of more than one node (the cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="print every edge with its import count")
    args = parser.parse_args()
    graph = app_graph()
    two_way = sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, {})})
    cycles = strongly_connected(graph)
    if args.edges:
        for source in sorted(graph):
            for target, count in sorted(graph[source].items()):
                print(f"{source} -> {target} ({count})")
    print(f"packages: {len(graph)}, edges: {sum(len(t) for t in graph.values())}, two-way pairs: {len(two_way)}")
    for a, b in two_way:
        print(f"  two-way: {a} <-> {b}")
    for component in cycles:
        print(f"cycle of {len(component)}: {', '.join(component)}")
    if not cycles:
        print("no cycle between packages")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
