"""Target 8: the SDK extra in ``pyproject.toml``, edited with tomlkit (formatting kept).

A third-party SDK becomes ``[project.optional-dependencies] {provider} = ["{requirement}"]``
and joins the ``all`` extra when there is one and it does not list the package yet (in any
version: ``openai>=1`` leaves ``all = ["openai>=3.0"]`` alone). Drivers over requests/httpx
need nothing.
Removal leaves ``all`` alone while another extra still lists the same requirement.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..checkout import Layout
from ..context import EditContext


def targets(layout: Layout) -> tuple[Path, ...]:
    """``pyproject.toml``, or nothing when the checkout has none (skipped)."""
    return (layout.pyproject,) if layout.pyproject else ()


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
    del extras[provider]
    others = [values for name, values in extras.items() if name != "all"]
    everything = extras.get("all")
    if everything is not None and requirement in everything:
        if not any(requirement in values for values in others):
            everything.remove(requirement)
    if not extras:
        del project["optional-dependencies"]
    return document.as_string()
