"""Target 8: the SDK extra in ``pyproject.toml``, edited with tomlkit (formatting kept).

A third-party SDK becomes ``[project.optional-dependencies] {provider} = ["{requirement}"]``
and joins the ``all`` extra when there is one and it does not list the package yet (in any
version: ``openai>=1`` leaves ``all = ["openai>=3.0"]`` alone). Drivers over requests/httpx
need nothing.
Removal leaves ``all`` alone while another extra still lists the same requirement.

An ``optional-dependencies = { ... }`` inline table is edited as text (tomlkit would re-space
it): the entry goes in before the closing brace and the requirement at the end of ``all``,
spacing kept, so that removal takes exactly those out again.
"""

from __future__ import annotations

import re
from typing import Any

from .context import EditContext


def _parse(source: str, ctx: EditContext) -> tuple[Any, Any]:
    """The document and its ``[project]`` table; `UnsafeTarget` when either is missing."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(source)
    except TOMLKitError as exc:
        raise ctx.unsafe("<toml>", f"does not parse: {exc}") from None
    project = document.get("project")
    if project is None:
        raise ctx.unsafe("[project]", "no [project] table to hold the extra")
    return document, project


def add(source: str, ctx: EditContext) -> str:
    """`source` with the provider's extra; unchanged without an SDK or when it is there."""
    import tomlkit

    requirement, provider = ctx.spec.sdk_requirement, ctx.spec.provider
    if requirement is None:
        return source
    document, project = _parse(source, ctx)
    if "optional-dependencies" not in project:
        project.add("optional-dependencies", tomlkit.table())
    extras = project["optional-dependencies"]
    everything = extras.get("all")
    missing_all = everything is not None and not _lists_package(everything, requirement)
    if provider in extras and not missing_all:
        return source
    inline = _inline_add(source, extras, provider, requirement, missing_all)
    if inline is not None:
        return inline
    if provider not in extras:
        extras.add(provider, tomlkit.array().multiline(False))
        extras[provider].append(requirement)
    if missing_all:
        everything.append(requirement)
    text = document.as_string()
    # tomlkit writes the lines it adds with "\n" whatever the file uses.
    return re.sub(r"(?<!\r)\n", "\r\n", text) if "\r\n" in source else text


def _package(requirement: str) -> str:
    """The normalized package name of a requirement (the text itself when it does not parse)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return requirement


def _lists_package(requirements: Any, requirement: str) -> bool:
    """Whether `requirements` already asks for `requirement`'s package, in any version: the
    ``all`` extra then keeps its own entry rather than get a second, conflicting one."""
    wanted = _package(requirement)
    return any(_package(str(item)) == wanted for item in requirements)


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider's extra (and its ``all`` entry): `add`'s inverse."""
    requirement, provider = ctx.spec.sdk_requirement, ctx.spec.provider
    if requirement is None:
        return source
    document, project = _parse(source, ctx)
    extras = project.get("optional-dependencies")
    if extras is None or provider not in extras:
        return source
    inline = _inline_remove(source, extras, provider, requirement)
    if inline is not None:
        return inline
    del extras[provider]
    others = [values for name, values in extras.items() if name != "all"]
    everything = extras.get("all")
    if everything is not None and requirement in everything:
        if not any(requirement in values for values in others):
            everything.remove(requirement)
    if not extras:
        del project["optional-dependencies"]
    return document.as_string()


# --- an inline table, edited as text ------------------------------------------------------


def _inline_span(source: str, extras: Any) -> tuple[int, int] | None:
    """Where the inline table's text stands in `source` (None: not an inline table, or its
    text is not found exactly once after ``optional-dependencies =``)."""
    from tomlkit.items import InlineTable

    if not isinstance(extras, InlineTable):
        return None
    text = extras.as_string()
    found = list(re.finditer(r"(?m)^[ \t]*optional-dependencies[ \t]*=[ \t]*", source))
    spans = [(m.end(), m.end() + len(text)) for m in found if source.startswith(text, m.end())]
    return spans[0] if len(spans) == 1 else None


def _appended(display: str, item: str, close: str) -> str:
    """`display` (``{...}`` or ``[...]`` on one line) with `item` last, its spacing kept (and
    its trailing comma, when it has one)."""
    body = display[1:-1]
    if not body.strip():  # empty: the item between the same blanks
        return display[0] + body + item + body + close
    kept = body.rstrip()
    last = f" {item}," if kept.endswith(",") else f", {item}"
    return display[0] + kept + last + body[len(kept) :] + close


def _without(display: str, item: str) -> str | None:
    """`_appended`'s inverse: `display` without the `item` it put last, else None."""
    body = display[1:-1]
    kept = body.rstrip()
    trail = body[len(kept) :]
    for last in (f", {item}", f" {item},"):
        head = kept.removesuffix(last)
        if head != kept and (last.startswith(",") or head.endswith(",")):
            return display[0] + head + trail + display[-1]
    if kept.strip() == item:
        return display[0] + body[: body.index(item)] + display[-1]
    return None


def _inline_add(source: str, extras: Any, provider: str, requirement: str, join_all: bool):
    """`add` on an inline table, as text; None to let tomlkit do it."""
    import tomlkit

    span = _inline_span(source, extras)
    if span is None or "\n" in source[span[0] : span[1]]:
        return None
    table, literal = source[span[0] : span[1]], tomlkit.string(requirement).as_string()
    if join_all:
        old = extras["all"].as_string()
        if table.count(old) != 1:
            return None
        table = table.replace(old, _appended(old, literal, "]"))
    if provider not in extras:
        table = _appended(table, f"{provider} = [{literal}]", "}")
    return source[: span[0]] + table + source[span[1] :]


def _inline_remove(source: str, extras: Any, provider: str, requirement: str):
    """`remove` on an inline table `_inline_add` edited, as text; None to let tomlkit do it."""
    import tomlkit

    span = _inline_span(source, extras)
    if span is None:
        return None
    literal = tomlkit.string(requirement).as_string()
    table = _without(source[span[0] : span[1]], f"{provider} = [{literal}]")
    if table is None:
        return None
    everything = extras.get("all")
    others = [values for name, values in extras.items() if name not in ("all", provider)]
    if everything is not None and requirement in everything:
        if not any(requirement in values for values in others):
            old = everything.as_string()
            new = _without(old, literal)
            if new is None or table.count(old) != 1:
                return None
            table = table.replace(old, new)
    return source[: span[0]] + table + source[span[1] :]
