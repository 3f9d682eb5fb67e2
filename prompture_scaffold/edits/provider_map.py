"""Target 7: ``"{provider}": "{models_dev_name}"`` appended to ``PROVIDER_MAP``.

The map sends our provider key to its models.dev id for prices, capabilities and discovery.
A provider the catalogue does not know (`models_dev_name` None, ``--no-models-dev``) gets no
entry: `add` and `remove` then return the text unchanged.
"""

from __future__ import annotations

import ast

from . import _display
from ._source import PySource, find_assign, py_str
from .context import EditContext


def _map(src: PySource, ctx: EditContext) -> ast.Dict:
    node = find_assign(src.tree.body, "PROVIDER_MAP")
    if node is None or not isinstance(node.value, ast.Dict):
        raise ctx.unsafe("PROVIDER_MAP", "no PROVIDER_MAP = {...} dict literal at module level")
    return node.value


def add(source: str, ctx: EditContext) -> str:
    """`source` mapping the provider to its models.dev id; unchanged if it already maps it."""
    name, key = ctx.spec.models_dev_name, ctx.spec.provider
    if name is None:
        return source
    src = PySource(source, ctx)
    code = f"{py_str(key)}: {py_str(name)}"
    return _display.add_entry(src, _map(src, ctx), code, key, at_end=True)


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's entry: `add`'s inverse."""
    if ctx.spec.models_dev_name is None:
        return source
    src = PySource(source, ctx)
    return _display.remove_entry(src, _map(src, ctx), ctx.spec.provider)
