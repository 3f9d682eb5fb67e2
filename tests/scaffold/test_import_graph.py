"""The scaffolder's modules import each other without circles, and only down its floors
(runtime imports, function-level ones included; `if TYPE_CHECKING:` blocks left out): each
module can be read knowing only what it imports, and a stage never reaches up to a later one."""

from __future__ import annotations

import ast
from pathlib import Path

import prompture_scaffold

ROOT = Path(prompture_scaffold.__file__).parent


def _name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_only(tree: ast.AST) -> set[int]:
    blocks = [n for n in ast.walk(tree) if isinstance(n, ast.If)]
    typed = [n for n in blocks if "TYPE_CHECKING" in ast.unparse(n.test)]
    return {id(node) for block in typed for stmt in block.body for node in ast.walk(stmt)}


def _imports(path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped, own = _type_only(tree), _name(path)
    package = own.split(".") if path.name == "__init__.py" else own.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom):
            continue
        base = package[: len(package) - node.level + 1] if node.level else []
        name = ".".join([*base, node.module] if node.module else base)
        for alias in node.names:
            found.add(f"{name}.{alias.name}" if f"{name}.{alias.name}" in modules else name)
    return {m for m in found if m in modules and m != own}


def graph() -> dict[str, set[str]]:
    paths = {_name(p): p for p in ROOT.rglob("*.py")}
    return {name: _imports(path, set(paths)) for name, path in paths.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_circles_are_found_when_there_are_some():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(edges) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_the_scaffolder_has_no_import_circle():
    edges = graph()
    assert (
        "prompture_scaffold.plan.changeset" in edges["prompture_scaffold.plan.planner"]
    )  # read as found
    assert circles(edges) == []


#: The floors, top first (CLAUDE.md draws them): a module imports its own floor or lower ones.
FLOORS = (
    ("cli", "commands"),
    ("wizard",),
    ("plan",),
    ("render",),
    ("edits",),
    ("spec",),
    ("checkout",),
    ("catalogue",),
    ("errors", "patterns", "ruff_layout", "atomic", "_compat", "_internal_error", ""),
)


def floor(module: str) -> int:
    """The floor of a `prompture_scaffold` module (its first dotted part after the package)."""
    part = module.split(".")[1] if "." in module else ""
    return next(n for n, names in enumerate(FLOORS) if part in names)


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in edges.items() for b in targets if floor(b) < floor(a))


def test_an_import_up_a_floor_is_found():
    edges = {"prompture_scaffold.checkout.layout": {"prompture_scaffold.spec.readback"}}
    assert upward(edges) == [
        ("prompture_scaffold.checkout.layout", "prompture_scaffold.spec.readback")
    ]
    assert upward({"prompture_scaffold.plan.planner": {"prompture_scaffold.render.files"}}) == []


def test_every_module_sits_on_a_floor_and_imports_only_down():
    edges = graph()
    for module in edges:
        floor(module)  # StopIteration: a new top-level module belongs on a floor
    assert upward(edges) == []


def test_every_stage_opens_with_a_one_line_docstring():
    for package in ROOT.iterdir():
        init = package / "__init__.py"
        if package.is_dir() and init.exists():
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert doc, package.name
            assert doc.splitlines()[0].endswith("."), package.name
