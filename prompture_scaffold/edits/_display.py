"""Add or remove entries of one display (list, dict, import names), keeping its format.

Formatted displays take the text fast path (`_lines`), the others go through libcst (`_cst`).
Either way, a one-line display outgrowing the line length is exploded one entry per line with
a trailing comma (what `ruff format` would do), and removing the entry collapses it again,
but only when the text is exactly what that explosion produces: ``remove(add(s)) == s``.
"""

from __future__ import annotations

import ast
from typing import Any

from . import _cst, _lines, _seq
from ._source import PySource


def keys(node: ast.AST) -> list[str | None]:
    """The names entries are known by: imported names, string elements or dict keys."""
    if isinstance(node, ast.ImportFrom):
        return [alias.name for alias in node.names]
    items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", [])
    return [item.value if isinstance(item, ast.Constant) else None for item in items]


def insert(src: PySource, node: ast.AST, placements: list[tuple[int, str]]) -> str:
    """The text with each ``(index, code)`` entry inserted in turn into display `node`."""
    text = _lines.insert(src, node, placements)
    if text is None:
        text = _cst.edit(src, node, lambda tree: _cst.apply(tree, placements))
    return text


def delete(src: PySource, node: ast.AST, index: int) -> str:
    """The text without entry `index` of display `node`: `insert`'s exact inverse."""
    text = _lines.delete(src, node, index)
    if text is None:
        text = _cst.edit(src, node, lambda tree: _seq.remove(tree, index))
    return text


def add_entries(src: PySource, node: ast.AST, entries: list[tuple[str, str]], **place: Any) -> str:
    """The text with each missing ``(code, key)`` entry added to display `node`.

    `place` is ``at_end=True`` (dicts keep insertion order) or ``in_group=...`` (the sorted
    place among the keys `in_group` accepts, see `_seq.position`).
    """
    current, placements = keys(node), []
    for code, key in entries:
        if key in current:
            continue
        in_group = place.get("in_group", bool)
        index = len(current) if place.get("at_end") else _seq.position(current, key, in_group)
        current.insert(index, key)
        placements.append((index, code))
    return insert(src, node, placements) if placements else src.text


def add_entry(src: PySource, node: ast.AST, code: str, key: str, **place: Any) -> str:
    return add_entries(src, node, [(code, key)], **place)


def remove_entry(src: PySource, node: ast.AST | None, key: str) -> str:
    """The text without the entry known by `key` (unchanged when it is absent)."""
    if node is None or key not in keys(node):
        return src.text
    return delete(src, node, keys(node).index(key))
