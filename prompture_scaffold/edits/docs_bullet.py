"""Target 10: the provider key appended to the driver list of the contributor guide.

The guide (``CLAUDE.md`` or ``AGENTS.md``) has a Module Layout bullet listing the provider
keys (``- Drivers: grok, moonshot, zai (...)``). The bullet is the one whose comma list names
the most registered providers (or, with none registered, the one labelled ``Drivers``).
"""

from __future__ import annotations

import re

from .context import EditContext

_ITEM = r"`?[a-z][a-z0-9_]*`?"
_LIST = re.compile(rf"{_ITEM}(?:, {_ITEM})*")
_BULLET = re.compile(r"^[ \t]*[-*+] .*$", re.M)


def provider_list(text: str, known: set[str]) -> tuple[int, int, list[str]] | None:
    """Start, end and items of the bullet's provider list that names most of `known` (a list
    of two or more keys, or one right after a ``Drivers:`` label); None when there is none."""
    best, score = None, (0, 0)
    for bullet in _BULLET.finditer(text):
        labelled = re.search(r"\bDrivers\b\**:\**\s*", bullet.group())
        for found in _LIST.finditer(bullet.group()):
            items = [item.strip("`") for item in found.group().split(", ")]
            at_label = bool(labelled) and found.start() == labelled.end()
            candidate = (len(known.intersection(items)), at_label)
            if candidate > score and (len(items) > 1 or at_label):
                start = bullet.start() + found.start()
                best, score = (start, start + len(found.group()), items), candidate
    return best


def _find(text: str, ctx: EditContext) -> tuple[int, int, list[str]]:
    """Start, end and items of the provider list; `UnsafeTarget` when there is none."""
    best = provider_list(text, set(ctx.layout.providers) | {ctx.spec.provider})
    if best is None:
        raise ctx.unsafe("Drivers: bullet", "no bullet lists the provider keys")
    return best


def add(source: str, ctx: EditContext) -> str:
    """`source` listing the provider in the driver bullet; unchanged when it is listed."""
    start, end, items = _find(source, ctx)
    if ctx.spec.provider in items:
        return source
    quote = "`" if source[start] == "`" else ""
    return f"{source[:end]}, {quote}{ctx.spec.provider}{quote}{source[end:]}"


def remove(source: str, ctx: EditContext) -> str:
    """`source` without the provider in the driver bullet: `add`'s inverse."""
    start, end, items = _find(source, ctx)
    if ctx.spec.provider not in items or len(items) == 1:
        return source
    listed = source[start:end].split(", ")
    kept = [item for item in listed if item.strip("`") != ctx.spec.provider]
    return source[:start] + ", ".join(kept) + source[end:]
