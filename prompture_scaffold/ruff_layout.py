"""How ruff lays out what we write: its isort order and sections, and a line too long wrapped
the way `ruff format` would. The renderer (new files) and the edits (existing files) both use
these, so a generated file and an edited one follow one rule."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from typing import Any

#: isort's sections, in file order.
SECTIONS = ("future", "std", "third", "first", "local")
#: Marks a line that cannot be wrapped (a long name or string).
NOQA_LONG = "  # noqa: E501"
_DIGITS = re.compile(r"(\d+)")


def display_width(text: str) -> int:
    """Columns `text` takes, as ruff measures lines: wide East Asian characters count 2."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


@lru_cache(maxsize=16384)
def natural(text: str) -> tuple[Any, ...]:
    """Natural sort key: ``gpt2`` before ``gpt10``, as ruff's isort orders names."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


@lru_cache(maxsize=16384)  # a display's names are keyed several times per edit
def member_key(name: str) -> tuple:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else; case-insensitive."""
    kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
    return kind, natural(name.lower()), natural(name)


@lru_cache(maxsize=16384)
def dunder_all_key(name: str) -> tuple:
    """ruff's RUF022 order for ``__all__``: the same three kinds, then a case-sensitive
    natural sort (``AsyncSTTDriver`` before ``AsyncStabilityDriver``)."""
    return member_key(name)[0], natural(name)


def import_key(module: str, level: int, is_from: bool, package: str) -> tuple:
    """Where an import sorts: its section, then ``import x`` before ``from``, then the module
    (relative imports: the farther first). `module` is written without its leading dots."""
    if level:
        return SECTIONS.index("local"), -level, natural(module.lower())
    root = module.split(".")[0]
    if root == "__future__":
        section = "future"
    elif root in sys.stdlib_module_names:
        section = "std"
    else:
        section = "first" if root == package else "third"
    return SECTIONS.index(section), is_from, natural(module.lower())


def from_line(written: str, names: list[str], line_length: int) -> str:
    """``from {written} import names`` (names in ruff's order), wrapped one name per line when
    too long; a module path too long even for its own line is marked (it cannot wrap)."""
    names = sorted(names, key=member_key)
    line = f"from {written} import {', '.join(names)}"
    if len(line) <= line_length:
        return line
    head = f"from {written} import ("
    if len(head) > line_length:
        head += NOQA_LONG
    return f"{head}\n" + "".join(f"    {n},\n" for n in names) + ")"


def parenthesized(head: str, value: str, indent: str, line_length: int) -> list[str]:
    """``head + value`` as ruff format lays it out: one line when it fits, else the value alone
    in parentheses when that fits, else one line marked ``# noqa: E501`` (it cannot wrap).
    `head` ends with what opens the value (``name = ``); `indent` is the statement's."""
    if display_width(head + value) <= line_length:
        return [head + value]
    if display_width(f"{indent}    {value}") <= line_length:
        return [f"{head}(", f"{indent}    {value}", f"{indent})"]
    return [head + value + NOQA_LONG]
