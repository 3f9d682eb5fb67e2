"""Target 4: the package ``__init__``: the sync driver class re-exported at the top level.

Where the package star-imports the drivers package, the drivers' ``__all__`` exports it
already and nothing changes here. Else the class joins the existing ``from .drivers
import (...)`` in sorted place and ``__all__``
beside the other driver classes (under a ``# Drivers`` comment, in order, when they are
sorted; after the last of them otherwise). The async class stays in the drivers package.
"""

from __future__ import annotations

from . import _display, _imports
from ._source import PySource, dunder_all, merge_edits, py_str
from .context import EditContext


def _is_driver(name: str) -> bool:
    return name.endswith("Driver")


def _star(src: PySource, ctx: EditContext) -> bool:
    """``from .drivers import *``: the package re-exports the drivers' ``__all__`` whole."""
    return any(
        any(alias.name == "*" for alias in statement.names)
        for statement in _imports.imports_of(src, ctx.drivers_package)
    )


def _check(src: PySource, ctx: EditContext) -> None:
    if not _imports.imported_names(src, ctx.drivers_package):
        anchor = f"from {ctx.relative(ctx.drivers_package)} import"
        raise ctx.unsafe(anchor, "no import from the drivers package to add the class to")


def add(source: str, ctx: EditContext) -> str:
    """`source` exporting the sync driver class; unchanged when it already does."""
    src, name, package = PySource(source, ctx), ctx.spec.sync_class, ctx.drivers_package
    if _star(src, ctx):  # exported through the drivers package's ``__all__`` already
        return source
    _check(src, ctx)
    text = _imports.add_names(src, package, [name], ctx.relative(package), _is_driver)
    node = dunder_all(src.tree)
    if node is None or text == source:
        return text if node is None else _export(src, node, name, package)
    lower = _export(src, node, name, package)  # ``__all__`` below the import: one parse
    merged = merge_edits(source, text, lower, src.offset(node.lineno, 0))
    return merged if merged is not None else add_step_by_step(source, ctx)


def add_step_by_step(source: str, ctx: EditContext) -> str:
    """`add` one change after the other, each on a fresh parse (what `add` must equal)."""
    src, name, package = PySource(source, ctx), ctx.spec.sync_class, ctx.drivers_package
    if _star(src, ctx):
        return source
    _check(src, ctx)
    src = PySource(_imports.add_names(src, package, [name], ctx.relative(package), _is_driver), ctx)
    node = dunder_all(src.tree)
    if node is None:
        return src.text
    drivers = {name for name in _imports.imported_names(src, package) if _is_driver(name)}
    return _display.add_entry(src, node, py_str(name), name, in_group=drivers.__contains__)


def _export(src: PySource, node, name: str, package: str) -> str:
    drivers = {n for n in _imports.imported_names(src, package) if _is_driver(n)} | {name}
    return _display.add_entry(src, node, py_str(name), name, in_group=drivers.__contains__)


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the sync driver class: `add`'s inverse."""
    src, name = PySource(source, ctx), ctx.spec.sync_class
    if _star(src, ctx):
        return source
    src = PySource(_display.remove_entry(src, dunder_all(src.tree), name), ctx)
    return _imports.remove_names(src, ctx.drivers_package, [name])
