"""Target 3: the modules registering the built-in drivers (usually ``drivers/__init__.py``).

Per registry held by the edited module: the class import in sorted place, a registration after
the last existing one, and the class in ``__all__``. When the async registrations live in
another module (``drivers/async_registry.py``), the async half goes there: call `add` once
for each path of `registry_files(layout)`. Registrations follow the module's own style:
``settings_factory(Class)`` when it uses that (``settings_factory("Class")`` where the module
imports its classes lazily, from a ``_LAZY_IMPORTS`` table), else the add-driver skill's lambda.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..checkout import Layout
from ..checkout.symbols import registrations
from . import _display, _imports, _lazy
from ._source import PySource, dunder_all, find_assign, py_str, splice_lines, statement_source
from .context import EditContext

_SYNC, _ASYNC, _FACTORY = "register_driver", "register_async_driver", "settings_factory"


def registry_files(layout: Layout) -> tuple[Path, ...]:
    """The module holding the sync registrations, then the async one (when apart)."""
    sync = layout.symbols.get(_SYNC + "_calls", layout.drivers_init)
    return tuple(dict.fromkeys([sync, layout.symbols.get(_ASYNC + "_calls", sync)]))


def _registries(ctx: EditContext) -> list[tuple[str, str, str]]:
    """(register function, class, driver module) for each registry this file holds."""
    sync, async_ = (*registry_files(ctx.layout), None)[:2]
    here, spec = Path(ctx.path).resolve(), ctx.spec
    found = [(_SYNC, spec.sync_class, ctx.driver_module())] if here == sync.resolve() else []
    if here == (async_ or sync).resolve():
        found.append((_ASYNC, spec.async_class, ctx.driver_module(is_async=True)))
    if not found:
        raise ctx.unsafe(_SYNC, "this module holds no driver registrations")
    return found


def _factory(ctx: EditContext, calls: dict, name: str, by_name: bool) -> list[str]:
    """The factory argument, as lines, in the style of the existing registrations (the class
    `by_name` where the module imports its classes lazily)."""
    factories = [c.value.args[1] for c in calls.values() if len(c.value.args) > 1]
    built = [ast.unparse(f.func) for f in factories if isinstance(f, ast.Call)]
    uses_factory = _FACTORY in built
    lambdas = [f for f in factories if isinstance(f, ast.Lambda)]
    if uses_factory or not lambdas:
        return [f"{_FACTORY}({py_str(name) if by_name else name})"]
    attrs = [n for n in ast.walk(lambdas[-1]) if isinstance(n, ast.Attribute)]
    owner = next((ast.unparse(a.value) for a in attrs if a.attr.endswith("_model")), "settings")
    p = ctx.spec.provider
    return [
        f"lambda model=None: {name}(",
        f"    api_key={owner}.{p}_api_key,",
        f"    model=model or {owner}.{p}_model,",
        f"    endpoint={owner}.{p}_endpoint,",
        "),",
    ]


def _call(src: PySource, ctx: EditContext, function: str, name: str) -> list[tuple[int, str]]:
    """The registration to insert after the last one (none when the provider has one)."""
    calls = registrations(src.tree, function)
    if ctx.spec.provider in calls or ctx.layout.by_descriptor:  # a descriptor registers it
        return []
    if not calls:
        raise ctx.unsafe(f"{function}(...)", "no existing registration to follow")
    factory = _factory(ctx, calls, name, _lazy.table(src) is not None)
    key = py_str(ctx.spec.provider)
    line = f"{function}({key}, {factory[0]}, overwrite=True)\n"
    if len(factory) > 1 or len(line) > ctx.layout.line_length + 1:
        # Exploded with a magic trailing comma, so `ruff format` keeps it as written.
        closing = factory[-1] + ("," if len(factory) == 1 else "")
        body = [key + ",", *factory[:-1], closing, "overwrite=True,"]
        line = f"{function}(\n" + "".join(f"    {part}\n" for part in body) + ")\n"
    last = max(calls.values(), key=lambda node: node.end_lineno)
    return [(last.end_lineno, line)]


def add(source: str, ctx: EditContext) -> str:
    """`source` with the provider imported, registered and exported; unchanged if it is."""
    src, registries, inserts = PySource(source, ctx), _registries(ctx), []
    lazy, planned = _lazy.table(src) is not None, []
    for function, name, module in registries:
        # New driver modules are not imported yet: plan every line on one parse.
        if not lazy and not _imports.imports_of(src, module):
            inserts.append(_imports.new_line(src, ctx.relative(module), [name]))
        elif lazy and name not in (listed := _lazy.names_of(src, module)):
            # A new table entry is a line too; joining an entry's list is `add_names`' job.
            planned.append(None if listed else _lazy.new_line(src, ctx.relative(module), [name]))
        inserts += _call(src, ctx, function, name)
    if None not in planned:
        table_lines = sorted(planned, key=lambda line: line[1].strip())  # where two meet
        if (fast := _below(src, registries, table_lines + inserts)) is not None:
            return fast
    src = PySource(src.insert_many(inserts), ctx) if inserts else src
    for _, name, module in registries:  # a module imported without the class: join it
        text = _imports.add_names(src, module, [name], ctx.relative(module))
        src = src if text == src.text else PySource(text, ctx)
    text = src.text
    if (names := dunder_all(src.tree)) is not None:
        text = _display.add_entries(src, names, [(py_str(n), n) for _, n, _ in registries])
    return text


def _below(src: PySource, registries, inserts: list[tuple[int, str]]) -> str | None:
    """The whole edit on one parse, when it can be: ``__all__`` below every inserted line
    (edited first, the lines above keep their places) and no existing import to join."""
    names = dunder_all(src.tree)
    if names is None or not inserts or names.lineno - 1 < max(i for i, _ in inserts):
        return None
    for _, name, module in registries:
        imported = _imports.imports_of(src, module)
        if imported and name not in {a.asname or a.name for n in imported for a in n.names}:
            return None
    entries = [(py_str(n), n) for _, n, _ in registries]
    return src.insert_many(inserts, text=_display.add_entries(src, names, entries))


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's import, registration and export: `add`'s inverse."""
    if (text := _remove_at_once(PySource(source, ctx), ctx)) is not None:
        return text
    return remove_step_by_step(source, ctx)


def remove_step_by_step(source: str, ctx: EditContext) -> str:
    """`remove` one change after the other, each on a fresh parse (what `_remove_at_once`
    must equal)."""
    text = source
    for function, name, module in reversed(_registries(ctx)):
        src = PySource(text, ctx)
        text = _display.remove_entry(src, dunder_all(src.tree), name)
        src = PySource(text, ctx)
        call = registrations(src.tree, function).get(ctx.spec.provider)
        text = src.delete_lines(call.lineno - 1, call.end_lineno) if call else text
        text = _imports.remove_names(PySource(text, ctx), module, [name])
    return text


def _remove_at_once(src: PySource, ctx: EditContext) -> str | None:
    """`remove` on one parse of the module (each statement it changes re-parsed alone), when
    no two changes are near each other; None otherwise (`remove` then goes step by step)."""
    registries = list(reversed(_registries(ctx)))
    edits: list[tuple[int, int, str]] = []
    exported = find_assign(src.tree.body, "__all__")
    names = dunder_all(src.tree)
    present = [n for _, n, _ in registries if names is not None and n in _display.keys(names)]
    if present:
        first, stop, alone = statement_source(src, exported)
        for name in present:
            alone = PySource(_display.remove_entry(alone, dunder_all(alone.tree), name), ctx)
        edits.append((first, stop, alone.text))
    for function, name, module in registries:
        call = registrations(src.tree, function).get(ctx.spec.provider)
        if call is not None:
            edits.append((call.lineno - 1, call.end_lineno, ""))
        table = _lazy.removal_lines(src, module, name) if _lazy.table(src) is not None else []
        if table is None:
            return None
        edits += table
        for node in _imports.imports_of(src, module):
            if name not in _display.keys(node):
                continue
            if len(node.names) > 1:
                first, stop, alone = statement_source(src, node)
                index = _display.keys(node).index(name)
                edits.append((first, stop, _display.delete(alone, alone.tree.body[0], index)))
            else:
                edits.append((*_imports.statement_lines(src, node), ""))
    return splice_lines(src, edits) if edits else src.text
