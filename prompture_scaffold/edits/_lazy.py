"""Imports written as data: a module's ``_LAZY_IMPORTS = {".module": ["Name", ...]}`` table.

A package that imports its exports on first use (our runtime's ``__init__`` modules, see
``prompture/_lazy.py``) declares them in this table instead of ``from .module import Name``
lines. These helpers are `_imports`' counterparts for it: a name joins its module's list in
sorted place, a module new to the table gets its own entry in sorted place, and removing a
module's last name removes its entry, so `remove_names` inverts `add_names`.
"""

from __future__ import annotations

import ast
from typing import Any

from . import _display, _lines, _seq
from ._source import PySource, find_assign, py_str

TABLE = "_LAZY_IMPORTS"


def table(src: PySource) -> ast.Dict | None:
    """The module's lazy-import table, when it has one."""
    return table_of(src.tree)


def table_of(tree: ast.Module) -> ast.Dict | None:
    value = getattr(find_assign(tree.body, TABLE), "value", None)
    return value if isinstance(value, ast.Dict) else None


def written_imports(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(module as written, names) of each table entry: ``(".grok_driver", ["GrokDriver"])``."""
    node = table_of(tree)
    if node is None:
        return []
    return [
        (str(key.value), [n for n in _display.keys(value) if n])
        for key, value in zip(node.keys, node.values, strict=True)
        if isinstance(key, ast.Constant) and isinstance(value, ast.List)
    ]


def _entries(src: PySource, module: str) -> list[tuple[int, ast.List]]:
    """(index in the table, list of names) of each entry naming the absolute `module`."""
    node, found = table(src), []
    for index, (key, value) in enumerate(zip(node.keys, node.values, strict=True)):
        if isinstance(key, ast.Constant) and isinstance(value, ast.List):
            if src.ctx.absolute(*split(str(key.value))) == module:
                found.append((index, value))
    return found


def split(written: str) -> tuple[int, str | None]:
    """``"..x.y"`` as ``from`` reads it: (level 2, module ``"x.y"``)."""
    level = len(written) - len(written.lstrip("."))
    return level, written[level:] or None


def names_of(src: PySource, module: str) -> list[str]:
    """The names the table imports from the absolute `module`."""
    return [n for _, value in _entries(src, module) for n in _display.keys(value) if n]


def add_names(
    src: PySource, module: str, names: list[str], written: str, in_group: Any = bool
) -> str:
    """`names` in the table under `module` (a new entry reads `written`)."""
    missing = [name for name in names if name not in names_of(src, module)]
    if not missing:
        return src.text
    entries = _entries(src, module)
    if not entries:
        return _display.add_entry(src, table(src), _entry(src, written, sorted(missing)), written)
    return _display.add_entries(
        src, entries[0][1], [(py_str(name), name) for name in missing], in_group=in_group
    )


def _entry(src: PySource, written: str, names: list[str], indent: str = "    ") -> str:
    """A new table entry, exploded one name per line when too long (as `ruff format` would)."""
    code = f"{py_str(written)}: [{', '.join(py_str(name) for name in names)}]"
    if len(f"{indent}{code},") <= src.ctx.layout.line_length:
        return code
    inner = "".join(f"{indent}    {py_str(name)},\n" for name in names)
    return f"{py_str(written)}: [\n{inner}{indent}]"


def _tall(src: PySource) -> _lines.Shape | None:
    """The table's shape when it holds one entry per line (the plain-text edits' case)."""
    shape = _lines.shape(src, table(src))
    return shape if shape is not None and shape.tall else None


def new_line(src: PySource, written: str, names: list[str]) -> tuple[int, str] | None:
    """A new module entry as a line insertion on this parse (what `add_names` would insert);
    None when the table is not one entry per line."""
    shape = _tall(src)
    if shape is None:
        return None
    keys = _display.keys(table(src))
    index = _seq.position(keys, written)
    anchor = shape.lines[min(index, len(keys) - 1)]
    indent = src.lines[anchor][: len(src.lines[anchor]) - len(src.lines[anchor].lstrip())]
    line = anchor if index < len(keys) else anchor + 1
    return line, f"{indent}{_entry(src, written, names, indent)},\n"


def removal_lines(src: PySource, module: str, name: str) -> list[tuple[int, int, str]] | None:
    """`name` out of the table as whole-line edits on this parse ([] when absent); None when
    only `remove_names` can tell (the name shares its list, the table is not one per line)."""
    entries = [(i, value) for i, value in _entries(src, module) if name in _display.keys(value)]
    shape = _tall(src) if entries else None
    if entries and shape is None:
        return None
    edits = []
    for index, value in entries:
        if _display.keys(value) != [name]:
            return None
        edits.append((shape.lines[index], shape.lines[index] + 1, ""))
    return edits


def remove_names(src: PySource, module: str, names: list[str]) -> str:
    """`names` out of the table; an entry left without names goes entirely."""
    for index, value in _entries(src, module):
        present = [name for name in _display.keys(value) if name in names]
        if not present:
            continue
        if len(present) < len(value.elts):
            text = _display.remove_entry(src, value, present[0])
        else:
            text = _display.delete(src, table(src), index)
        return remove_names(PySource(text, src.ctx), module, names)
    return src.text
