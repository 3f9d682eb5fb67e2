"""Target 3 in checkouts that declare providers as descriptors (upstream Prompture >= 1.0.57).

One ``{list}.append(ProviderDescriptor(...))`` statement after the last canonical descriptor
of the builder (before the aliases), written as its siblings are: the chat driver pair
through the same helper they use (``**_llm(...)``) or as ``DriverSpec``s, the settings fields
the factory reads, the configuration check, the live model listing and the models.dev id.
The descriptor is registration, discovery and provider map at once, so those targets are not
edited separately in such a checkout.
"""

from __future__ import annotations

import ast

from ..checkout.descriptors import CALL, calls, describe
from ._source import PySource, comment_text, heading_like, py_str
from .context import EditContext


def _appends(src: PySource) -> list[ast.Expr]:
    """``x.append(ProviderDescriptor(...))`` / ``x.append(name)`` statements of canonical
    descriptors, in file order (aliases, built by other helpers, are not among them)."""
    built = {
        t.id
        for node in ast.walk(src.tree)
        if isinstance(node, ast.Assign) and _is_descriptor(node.value)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    found = []
    for node in ast.walk(src.tree):
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr != "append" or len(call.args) != 1:
            continue
        arg = call.args[0]
        if _is_descriptor(arg) or (isinstance(arg, ast.Name) and arg.id in built):
            found.append(node)
    return sorted(found, key=lambda n: n.lineno)


def _is_descriptor(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and bool(calls(node))
        and calls(node)[0] is node
        and (describe(node, None) is not None)
    )


def _own(src: PySource, provider: str) -> ast.Expr | None:
    for node in _appends(src):
        arg = node.value.args[0]
        item = describe(arg, None) if isinstance(arg, ast.Call) else None
        if item is not None and item.name == provider:
            return node
    return None


def _helper(src: PySource) -> str | None:
    """The helper the siblings spread into their descriptors (``_llm``), if they use one."""
    for call in calls(src.tree):
        for spread in (k.value for k in call.keywords if k.arg is None):
            if isinstance(spread, ast.Call) and isinstance(spread.func, ast.Name):
                return spread.func.id
    return None


def _descriptor(ctx: EditContext, helper: str | None) -> list[str]:
    spec, p = ctx.spec, ctx.spec.provider
    kwargs = {"endpoint": f"{p}_endpoint"}
    if spec.requires_api_key:
        kwargs = {"api_key": f"{p}_api_key", **kwargs}
    kw = "{" + ", ".join(f"{py_str(k)}: {py_str(v)}" for k, v in kwargs.items()) + "}"
    sync, async_ = f"{p}_driver", f"async_{p}_driver"
    if helper:
        args = [sync, spec.sync_class, async_, spec.async_class]
        llm = [f"**{helper}(", *(f"    {py_str(a)}," for a in args), f"    {kw},"]
        llm += [f"    {py_str(p + '_model')},", "),"]
    else:
        pairs = {"llm_sync": (sync, spec.sync_class), "llm_async": (async_, spec.async_class)}
        llm = [
            f"{field}=DriverSpec({py_str(f'{module}.{name}')}, {kw}, {py_str(p + '_model')}),"
            for field, (module, name) in pairs.items()
        ]
    check = f"{p}_api_key" if spec.requires_api_key else f"{p}_endpoint"
    listing = [f"({py_str(k)}, {py_str(v)}, {py_str(v.upper())})," for k, v in kwargs.items()]
    lines = [
        f"name={py_str(p)},",
        *llm,
        f"display_name={py_str(spec.display_name)},",
        f"is_configured_check={py_str(check)},",
        "list_models_kwargs=[",
        *(f"    {item}" for item in listing),
        "],",
    ]
    if spec.models_dev_name:
        lines.append(f"models_dev_name={py_str(spec.models_dev_name)},")
    return lines


def _headings(src: PySource, appends: list[ast.Expr]) -> list[str]:
    """The comment lines standing alone at the appends' indentation, from the first append's
    block to the last: the section headings of the siblings."""
    indent = src.indent_of(appends[-1])
    first = min(n.lineno for n in appends)
    start = first - 1
    while start > 0 and src.lines[start - 1].startswith(indent):
        start -= 1  # back to the top of the block holding the appends
    lines = src.lines[start : appends[-1].end_lineno]
    return [
        line.strip()
        for line in lines
        if line.startswith(indent + "#") and not line[len(indent)].isspace()
    ]


def add(source: str, ctx: EditContext) -> str:
    """`source` declaring the provider; unchanged when it already does."""
    src = PySource(source, ctx)
    if _own(src, ctx.spec.provider) is not None:
        return source
    appends = _appends(src)
    if not appends:
        raise ctx.unsafe(CALL, "no list.append(ProviderDescriptor(...)) to follow")
    last = appends[-1]
    indent = src.indent_of(last)
    target = ast.unparse(last.value.func.value)
    fields = (f"        {line}" for line in _descriptor(ctx, _helper(src)))
    body = [f"{target}.append(", f"    {CALL}(", *fields, "    )", ")"]
    heading = heading_like(_headings(src, appends), comment_text(ctx.spec.display_name))
    block = ["", heading, *body]
    text = "".join(f"{indent}{line}\n" if line else "\n" for line in block)
    return src.insert_lines(last.end_lineno, text)


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's descriptor (and the comment and blank line `add` put
    before it): `add`'s inverse."""
    src = PySource(source, ctx)
    node = _own(src, ctx.spec.provider)
    if node is None:
        return source
    first = node.lineno - 1
    if first and src.lines[first - 1].lstrip().startswith("#"):
        first -= 1
    if first and src.is_blank(first - 1):
        first -= 1
    return src.delete_lines(first, node.end_lineno)
