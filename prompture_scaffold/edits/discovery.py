"""Target 6: the module defining ``get_available_models``.

Three changes: the sync class imported from the drivers package (into the existing import of
it, or as a sibling of per-module driver imports), the ``"{provider}": {Class}Driver`` entry
appended to the ``provider_classes`` dict, and, in checkouts that still carry the add-driver
skill's ``if provider == "x": ... elif ...`` configuration check, one more ``elif``.
"""

from __future__ import annotations

import ast

from . import _display, _imports
from ._source import PySource, find_assign, find_def, merge_edits, py_str
from .context import EditContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _driver_import(src: PySource, ctx: EditContext) -> str:
    """Where the class is imported from: the package, or its module when siblings do that."""
    package = ctx.drivers_package
    if _imports.imports_of(src, package):
        return package
    statements = [n for n in src.tree.body if isinstance(n, ast.ImportFrom)]
    modules = {ctx.absolute(n.level, n.module) for n in statements}
    per_module = any(m.startswith(package + ".") and m.endswith("_driver") for m in modules)
    return ctx.driver_module() if per_module else package


def _provider_classes(src: PySource, ctx: EditContext) -> ast.Dict:
    function = find_def(src.tree, "get_available_models", _FUNCTIONS)
    bodies = [function.body] if function else []
    for body in [*bodies, src.tree.body]:
        node = find_assign(body, "provider_classes")
        if node is not None and isinstance(node.value, ast.Dict):
            return node.value
    raise ctx.unsafe("provider_classes", "no provider_classes = {...} dict to add the driver to")


def _branch_provider(node: ast.If) -> str | None:
    test = node.test
    if isinstance(test, ast.Compare) and isinstance(test.ops[0], ast.Eq) and test.comparators:
        value = test.comparators[0]
        return value.value if isinstance(value, ast.Constant) else None
    return None


def _chain(src: PySource) -> list[ast.If]:
    """The ``if provider == "a": ... elif provider == "b": ...`` branches, head first."""
    function = find_def(src.tree, "get_available_models", _FUNCTIONS) or src.tree
    for node in ast.walk(function):
        if isinstance(node, ast.If) and _branch_provider(node) is not None:
            chain = [node]
            while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
                nested = chain[-1].orelse[0]
                if not src.lines[nested.lineno - 1].lstrip().startswith("elif"):
                    break  # ``else:`` holding an ``if`` is not part of the chain
                chain.append(nested)
            return chain
    return []


def _add_branch(src: PySource, ctx: EditContext) -> str:
    chain, spec = _chain(src), ctx.spec
    if not chain or spec.provider in {_branch_provider(b) for b in chain}:
        return src.text
    head, last = chain[0], chain[-1]
    indent = src.indent_of(head)
    step = src.indent_of(head.body[0])[len(indent) :]
    assigned = [t for n in ast.walk(last) if isinstance(n, ast.Assign) for t in n.targets]
    flag = next((t.id for t in assigned if isinstance(t, ast.Name)), "is_configured")
    variable, p = ast.unparse(head.test.left), spec.provider
    # The settings object as the last single-provider branch names it (``settings.x_key``).
    model = next((b for b in reversed(chain) if _branch_provider(b)), last)
    prefix = f"{_branch_provider(model)}_"
    reads = [
        a for a in ast.walk(model) if isinstance(a, ast.Attribute) and a.attr.startswith(prefix)
    ]
    owner = ast.unparse(reads[0].value) if reads else "settings"
    field, env = f"{p}_api_key", spec.api_key_env
    if not spec.requires_api_key:  # a local server is configured by its endpoint
        field, env = f"{p}_endpoint", f"{p.upper()}_ENDPOINT"
    lines = [
        f"{indent}elif {variable} == {py_str(p)}:",
        f"{indent}{step}if {owner}.{field} or os.getenv({py_str(env)}):",
        f"{indent}{step * 2}{flag} = True",
    ]
    # After the last branch (before an ``else:``), unless that would make ours the last branch
    # while the present last one is not a bare nested ``if``: ruff's SIM102 flags a nested
    # ``if`` only in a chain's last branch, so a clean file goes in one place higher.
    clean_tail = not (len(last.body) == 1 and isinstance(last.body[0], ast.If))
    higher = clean_tail and not last.orelse and len(chain) > 1
    stop = last.lineno - 1 if higher else last.body[-1].end_lineno
    return src.insert_lines(stop, "".join(line + "\n" for line in lines))


def _remove_branch(src: PySource, provider: str) -> str:
    chain = _chain(src)
    index = next((i for i, b in enumerate(chain) if _branch_provider(b) == provider), None)
    if index is None or len(chain) == 1:
        return src.text
    branch, lines = chain[index], list(src.lines)
    if index == 0:  # the next branch heads the chain now: its ``elif`` becomes ``if``
        lines[chain[1].lineno - 1] = lines[chain[1].lineno - 1].replace("elif", "if", 1)
    del lines[branch.lineno - 1 : branch.body[-1].end_lineno]
    return "".join(lines)


def add(source: str, ctx: EditContext) -> str:
    """`source` discovering the new driver; unchanged when it already does."""
    src = PySource(source, ctx)
    entries = _provider_classes(src, ctx)  # the anchor must exist before anything is added
    module = _driver_import(src, ctx)
    name, key = ctx.spec.sync_class, ctx.spec.provider
    if not _chain(src):  # the import above the table and the table's entry, on one parse
        upper = _imports.add_names(src, module, [name], ctx.relative(module))
        lower = _display.add_entry(src, entries, f"{py_str(key)}: {name}", key, at_end=True)
        cut = src.offset(entries.lineno, 0)
        if (text := merge_edits(source, upper, lower, cut)) is not None:
            return text
    return add_step_by_step(source, ctx)


def add_step_by_step(source: str, ctx: EditContext) -> str:
    """`add` one change after the other, each on a fresh parse (what `add` must equal)."""
    src = PySource(source, ctx)
    _provider_classes(src, ctx)
    module = _driver_import(src, ctx)
    name, key = ctx.spec.sync_class, ctx.spec.provider
    src = PySource(_imports.add_names(src, module, [name], ctx.relative(module)), ctx)
    entries, code = _provider_classes(src, ctx), f"{py_str(key)}: {name}"
    src = PySource(_display.add_entry(src, entries, code, key, at_end=True), ctx)
    return _add_branch(src, ctx)


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the driver's import, dict entry and ``elif``: `add`'s inverse."""
    src = PySource(_remove_branch(PySource(source, ctx), ctx.spec.provider), ctx)
    src = PySource(_display.remove_entry(src, _provider_classes(src, ctx), ctx.spec.provider), ctx)
    text = _imports.remove_names(src, _driver_import(src, ctx), [ctx.spec.sync_class])
    return text
