"""Target 5: the provider's three fields in ``class Settings`` (wherever it is defined).

A block like the existing ones, after the last field: a blank line, ``# {Display}``, then
``{provider}_api_key``, ``{provider}_model`` and ``{provider}_endpoint``. The key field reads
``Field(None, validation_alias=AliasChoices(...))`` when more than ``{PROVIDER}_API_KEY`` may
hold the key, importing ``AliasChoices``/``Field`` from pydantic if the module lacks them.
"""

from __future__ import annotations

import ast

from ..ruff_layout import NOQA_LONG, parenthesized
from . import _imports
from ._source import PySource, comment_text, find_def, py_str
from .context import EditContext

_PYDANTIC = ("AliasChoices", "Field")


def _class(src: PySource, ctx: EditContext) -> ast.ClassDef:
    node = find_def(src.tree, "Settings", ast.ClassDef)
    if node is None:
        raise ctx.unsafe("class Settings", "the class is not defined here")
    return node


def _fields(node: ast.ClassDef, spec) -> list[ast.stmt]:
    names = {f"{spec.provider}_{suffix}" for suffix in ("api_key", "model", "endpoint")}
    names |= {own[0].lower() for _, own in spec.endpoint_variables}
    return [s for s in node.body if _name(s) in names]


def _name(statement: ast.stmt) -> str | None:
    """The field a class-body statement assigns (``x: int = 1``, ``x = 1``), if any."""
    targets = getattr(statement, "targets", None) or [getattr(statement, "target", None)]
    return targets[0].id if isinstance(targets[0], ast.Name) else None


def _key_line(indent: str, ctx: EditContext, annotation: str) -> list[str]:
    spec = ctx.spec
    envs = list(dict.fromkeys([f"{spec.provider.upper()}_API_KEY", *spec.api_key_envs]))
    return _optional_line(indent, ctx, f"{spec.provider}_api_key", annotation, envs)


def _optional_line(
    indent: str, ctx: EditContext, name: str, annotation: str, envs: list[str]
) -> list[str]:
    """``name: annotation = None``, read from `envs` (an ``AliasChoices`` when several)."""
    limit = ctx.layout.line_length
    head = f"{indent}{name}: {annotation} = "
    if len(envs) == 1:
        return [head + "None"]
    choices = ", ".join(py_str(env) for env in envs)
    one = f"{head}Field(None, validation_alias=AliasChoices({choices}))"
    middle = f"{indent}    None, validation_alias=AliasChoices({choices})"
    if len(one) <= limit:
        return [one]
    if len(middle) <= limit:
        return [head + "Field(", middle, indent + ")"]
    inner = [f"{indent}        {py_str(env)}," for env in envs]
    alias = [f"{indent}    validation_alias=AliasChoices(", *inner, f"{indent}    ),"]
    return [head + "Field(", f"{indent}    None,", *alias, indent + ")"]


def _value_lines(head: str, value: str, ctx: EditContext) -> list[str]:
    """``head`` + the value's literal as ruff format lays it out: on one line when it fits,
    else the literal alone in parentheses when that fits, else one line with ``# noqa: E501``
    (a string cannot wrap)."""
    indent = head[: len(head) - len(head.lstrip())]
    return parenthesized(head, py_str(value), indent, ctx.layout.line_length)


def _annotation(fields: list[ast.stmt]) -> str:
    keys = [s for s in fields if _name(s).endswith("_api_key") and isinstance(s, ast.AnnAssign)]
    return ast.unparse(keys[-1].annotation) if keys else "str | None"


def _field_lines(indent: str, ctx: EditContext, annotation: str) -> dict[str, list[str]]:
    """Field name -> its lines: key, model and endpoint, in block order."""
    spec = ctx.spec
    return {
        f"{spec.provider}_api_key": _key_line(indent, ctx, annotation),
        f"{spec.provider}_model": _value_lines(
            f"{indent}{spec.provider}_model: str = ", spec.default_model, ctx
        ),
        f"{spec.provider}_endpoint": _value_lines(
            f"{indent}{spec.provider}_endpoint: str = ", spec.endpoint, ctx
        ),
        # A base-URL template's variables, each read from the provider's own name and the
        # catalogue's (``cloudflare_workers_ai_account_id``: CLOUDFLARE_WORKERS_AI_ACCOUNT_ID
        # or CLOUDFLARE_ACCOUNT_ID); the driver fills the template in from them.
        **{
            names[0].lower(): _optional_line(indent, ctx, names[0].lower(), annotation, list(names))
            for _, names in spec.endpoint_variables
        },
    }


def add(source: str, ctx: EditContext) -> str:
    """`source` with the provider's settings block; unchanged when the fields exist. A block
    missing some of its fields (deleted by hand) gets them back beside the others."""
    src, spec = PySource(source, ctx), ctx.spec
    node = _class(src, ctx)
    fields = [s for s in node.body if isinstance(s, ast.AnnAssign | ast.Assign) and _name(s)]
    if present := _fields(node, spec):
        lines, text = _restore(src, present, _annotation(fields), ctx)
        _note_unfit(lines, ctx)
        return _with_pydantic(text, lines, ctx)
    last = (fields or node.body)[-1]
    indent = src.indent_of(last)
    lines = [
        "",
        f"{indent}# {comment_text(spec.display_name)}",
        *(
            line
            for block in _field_lines(indent, ctx, _annotation(fields)).values()
            for line in block
        ),
    ]
    text = src.insert_lines(last.end_lineno, "".join(line + "\n" for line in lines))
    _note_unfit(lines, ctx)
    return _with_pydantic(text, lines, ctx)


def _note_unfit(lines: list[str], ctx: EditContext) -> None:
    """Say which new lines ruff would flag as too long had they not been marked."""
    for line in lines:
        if line.endswith(NOQA_LONG):
            name = line.split(":", 1)[0].strip()
            ctx.note(f"{name} does not fit {ctx.layout.line_length} columns even on a line of "
                     "its own: marked # noqa: E501")  # fmt: skip


def _restore(
    src: PySource, present: list[ast.stmt], annotation: str, ctx: EditContext
) -> tuple[list[str], str]:
    """The fields of the block that are missing (the endpoint only with a URL), each put
    after the field before it in block order (or before the one after it)."""
    blocks = _field_lines(src.indent_of(present[0]), ctx, annotation)
    if not ctx.spec.endpoint:
        blocks.pop(f"{ctx.spec.provider}_endpoint")
    at = {_name(s): s for s in present}
    order, inserts, added = list(blocks), [], []
    for name in (n for n in order if n not in at):
        before = [at[n] for n in order[: order.index(name)] if n in at]
        after = [at[n] for n in order[order.index(name) + 1 :] if n in at]
        index = before[-1].end_lineno if before else after[0].lineno - 1
        inserts.append((index, "".join(line + "\n" for line in blocks[name])))
        added += blocks[name]
    return added, src.insert_many(inserts) if inserts else src.text


def _with_pydantic(text: str, lines: list[str], ctx: EditContext) -> str:
    """`text` importing ``AliasChoices``/``Field`` when the new lines use them."""
    if not any("Field(" in line for line in lines):
        return text
    src = PySource(text, ctx)
    bound = {a.asname or a.name for n in _imports.leading_imports(src.tree) for a in n.names}
    missing = [name for name in _PYDANTIC if name not in bound]
    return _imports.add_names(src, "pydantic", missing, "pydantic") if missing else text


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's fields, their comment and blank line: `add`'s inverse."""
    src = PySource(source, ctx)
    fields = _fields(_class(src, ctx), ctx.spec)
    if not fields:
        return source
    lines, first = list(src.lines), fields[0].lineno - 1
    while lines[first - 1].lstrip().startswith("#"):
        first -= 1  # the "# {Display}" heading of the block
    first -= 1 if src.is_blank(first - 1) else 0
    for field in reversed(fields[1:]):
        del lines[field.lineno - 1 : field.end_lineno]
    del lines[first : fields[0].end_lineno]
    src = PySource(text := "".join(lines), ctx)
    used = {n.id for n in ast.walk(src.tree) if isinstance(n, ast.Name)}
    unused = [name for name in _PYDANTIC if name not in used]
    return _imports.remove_names(src, "pydantic", unused) if unused else text
