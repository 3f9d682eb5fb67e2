"""``from module import Name``, added where ruff's isort would put it, and removed again.

A name joins an existing import of its module when there is one (in sorted position, libcst
keeps the parentheses and trailing comma); otherwise a new line goes among the imports of the
same section (future, stdlib, third party, first party, relative), sorted by module. A new
line alone in its section gets a blank line, which its removal takes away again.
"""

from __future__ import annotations

import ast
from typing import Any

from .. import ruff_layout
from . import _display, _lazy, _seq
from ._source import PySource


def leading_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The import block at the top of a module (after the docstring)."""
    body = tree.body[1:] if ast.get_docstring(tree, clean=False) is not None else tree.body
    block = []
    for node in body:
        if not isinstance(node, ast.Import | ast.ImportFrom):
            break
        block.append(node)
    return block


def _key(src: PySource, node: ast.Import | ast.ImportFrom) -> tuple:
    """Where `node` sorts in ruff's isort order (`ruff_layout.import_key`)."""
    is_from = isinstance(node, ast.ImportFrom)
    module = (node.module or "") if is_from else node.names[0].name
    level = node.level if is_from else 0
    return ruff_layout.import_key(module, level, is_from, src.ctx.layout.package)


def imports_of(src: PySource, module: str) -> list[ast.ImportFrom]:
    """Top-level ``from ... import`` statements of the absolute `module` (the module's
    imports are grouped once per source: edits ask several times)."""
    grouped = src.__dict__.get("_imports_by_module")
    if grouped is None:
        grouped, names = {}, {}
        for node in src.tree.body:
            if isinstance(node, ast.ImportFrom):
                key = (node.level, node.module)
                if key not in names:
                    names[key] = src.ctx.absolute(node.level, node.module)
                grouped.setdefault(names[key], []).append(node)
        src.__dict__["_imports_by_module"] = grouped
    return list(grouped.get(module, ()))


def imported_names(src: PySource, module: str) -> list[str]:
    """The names bound from the absolute `module`, by import lines or the lazy table."""
    if _lazy.table(src) is not None:
        return _lazy.names_of(src, module)
    return [alias.asname or alias.name for node in imports_of(src, module) for alias in node.names]


def new_line(src: PySource, written: str, names: list[str]) -> tuple[int, str]:
    """Where a new ``from {written} import names`` goes (0-based line) and its text."""
    line = ruff_layout.from_line(written, names, src.ctx.layout.line_length) + "\n"
    level = len(written) - len(written.lstrip("."))
    probe = ast.ImportFrom(module=written.lstrip(".") or None, names=[], level=level)
    new_key, block = _key(src, probe), leading_imports(src.tree)
    same = [n for n in block if _key(src, n)[0] == new_key[0]]
    if same:
        order = [_key(src, n) for n in same]
        after = next((n for n in same if _key(src, n) > new_key), None)
        if order == sorted(order) and after is not None:
            index = after.lineno - 1
            while index > 0 and src.lines[index - 1].lstrip().startswith("#"):
                index -= 1  # stay above the comments that introduce the next import
            return index, line
        return same[-1].end_lineno, line
    earlier = [n for n in block if _key(src, n)[0] < new_key[0]]
    if earlier:
        return earlier[-1].end_lineno, "\n" + line
    if block:
        return block[0].lineno - 1, line + "\n"
    if ast.get_docstring(src.tree, clean=False) is not None:
        return src.tree.body[0].end_lineno, "\n" + line
    return 0, line + "\n"


def add_names(
    src: PySource, module: str, names: list[str], written: str, in_group: Any = bool
) -> str:
    """`names` imported from `module` (absolute), a new line reading ``from {written}``.

    In an existing import a name goes to its sorted place among the `in_group` names.
    """
    if _lazy.table(src) is not None:
        return _lazy.add_names(src, module, names, written, in_group)
    existing = imports_of(src, module)
    imported = {alias.asname or alias.name for node in existing for alias in node.names}
    missing = [name for name in names if name not in imported]
    if not missing:
        return src.text
    if not existing or any(alias.name == "*" for alias in existing[0].names):
        return src.insert_lines(*new_line(src, written, missing))

    current, placements = _display.keys(existing[0]), []
    for name in missing:
        index = _seq.position(current, name, in_group)
        current.insert(index, name)
        placements.append((index, name))
    return _display.insert(src, existing[0], placements)


def remove_names(src: PySource, module: str, names: list[str]) -> str:
    """`names` no longer imported from `module`; a statement left empty goes entirely."""
    if _lazy.table(src) is not None:
        return _lazy.remove_names(src, module, names)
    for node in imports_of(src, module):
        present = [alias.name for alias in node.names if alias.name in names]
        if not present:
            continue
        if len(present) < len(node.names):
            text = _display.delete(src, node, _display.keys(node).index(present[0]))
        else:
            text = src.delete_lines(*statement_lines(src, node))
        return remove_names(PySource(text, src.ctx), module, names)
    return src.text


def statement_lines(src: PySource, node: ast.ImportFrom) -> tuple[int, int]:
    """The lines ``[first, stop)`` removing the import statement takes: its own, and the
    blank line separating it when it is alone in its section."""
    first, stop = node.lineno - 1, node.end_lineno
    alone = (first == 0 or src.is_blank(first - 1)) and (
        src.is_blank(stop) or stop == len(src.lines)
    )
    if alone:
        first, stop = (first - 1, stop) if first else (first, stop + src.is_blank(stop))
    return first, stop
