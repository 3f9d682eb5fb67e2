"""The lines of rendered code whose length depends on the user's values, laid out as ruff
would: class and name lines (`fit_name_lines`), string and tuple values (`fit_value_lines`),
and the import block (`import_block`), grouped and sorted as ruff's isort does. The rules
themselves are `ruff_layout`'s, shared with the edits of existing files."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Any, NamedTuple

from .. import ruff_layout
from ..errors import UnsafeTarget
from ..ruff_layout import NOQA_LONG, display_width, parenthesized
from . import jinja_env

_MODULE = re.compile(r"^(\.*)([A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$")

_CLASS_LINE = re.compile(r"^( *)class (\w+)\(([\w., ]+)\):$")
_NAME_LINE = re.compile(r"^( *)(\w+) = ([A-Za-z_][\w.]*)$")


def fit_name_lines(text: str, line_length: int) -> str:
    """Lay out the over-long lines that hold a class name as ruff format does.

    A class name may be 60 characters (``Async{Class}Driver`` 71): ``class N(A, B):`` gets
    its bases on an indented line of their own, or one per line when they do not fit there;
    ``name = Some.name`` gets its value in parentheses when that makes it fit, else stays
    and is marked ``# noqa: E501`` (a name cannot wrap).
    """
    lines = []
    for line in text.split("\n"):
        found = _CLASS_LINE.match(line) or _NAME_LINE.match(line)
        if found is None or display_width(line) <= line_length:
            lines.append(line)
            continue
        indent, name, value = found.groups()
        inner = indent + "    "
        if found.re is _NAME_LINE:
            lines += parenthesized(f"{indent}{name} = ", value, indent, line_length)
        elif display_width(inner + value) <= line_length:
            lines += [f"{indent}class {name}(", inner + value, f"{indent}):"]
        else:
            bases = [f"{inner}{base.strip()}," for base in value.split(",")]
            lines += [f"{indent}class {name}(", *bases, f"{indent}):"]
    return "\n".join(lines)


def _statements(text: str) -> list[list[tokenize.TokenInfo]]:
    """The tokens of every logical line that sits on one physical line."""
    statements, current = [], []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.NEWLINE:
            if current and current[0].start[0] == current[-1].end[0]:
                statements.append(current)
            current = []
        elif token.type != tokenize.ENDMARKER:
            current.append(token)
    return statements


def _value_items(tokens: list[tokenize.TokenInfo]) -> tuple[list[str], bool] | None:
    """``name = "s"`` gives (["s"], False), ``name = ("a", "b")`` (items, True); else None."""
    kinds = [(t.type, t.string) for t in tokens]
    if kinds[:2] != [(tokenize.NAME, tokens[0].string), (tokenize.OP, "=")] or len(kinds) < 3:
        return None
    rest = tokens[2:]
    if len(rest) == 1 and rest[0].type == tokenize.STRING:
        return [rest[0].string], False
    inner = rest[1:-1]
    if rest[0].string != "(" or rest[-1].string != ")" or not inner:
        return None
    strings = [t.string for t in inner[0::2]]
    commas = [t.string for t in inner[1::2]]
    if all(t.type == tokenize.STRING for t in inner[0::2]) and set(commas) <= {","}:
        return strings, True
    return None


def fit_value_lines(text: str, line_length: int) -> str:
    """Lay out over-long ``name = "value"`` and ``name = ("a", "b")`` lines as ruff does.

    A string that fits on a line of its own is wrapped in parentheses, a tuple is exploded
    one item per line; what still cannot fit gets ``# noqa: E501`` (a value cannot wrap).
    """
    lines = text.split("\n")
    for tokens in reversed(_statements(text)):
        row = tokens[0].start[0] - 1
        found = _value_items(tokens)
        if found is None or display_width(lines[row]) <= line_length:
            continue
        items, is_tuple = found
        indent, head = " " * tokens[0].start[1], f"{tokens[0].string} = "
        if not is_tuple:
            lines[row : row + 1] = parenthesized(indent + head, items[0], indent, line_length)
            continue
        body = [f"{indent}    {item}," for item in items]
        body = [b + (NOQA_LONG if display_width(b) > line_length else "") for b in body]
        lines[row : row + 1] = [f"{indent}{head}(", *body, f"{indent})"]
    return "\n".join(lines)


class Import(NamedTuple):
    """``from module import name``, or ``import module`` when `name` is None."""

    module: str
    name: str | None


def import_block(imports: list[Import], paths: Any) -> jinja_env.Code:
    """The import lines in ruff's sections and order, one ``from`` line per module.

    `paths` gives the checkout's package (first-party) and line length (long lines wrap).
    """
    grouped: dict[str, set[str]] = {}
    for module, name in imports:
        if not _MODULE.match(module) or not module.strip("."):
            raise UnsafeTarget(module, name or module, "not an importable module path")
        names = grouped.setdefault(module, set())
        if name is not None:
            names.add(jinja_env.pyident(name))
    sections: dict[int, list[str]] = {}
    key = {m: ruff_layout.import_key(m.lstrip("."), len(m) - len(m.lstrip(".")), bool(names),
                                     paths.package) for m, names in grouped.items()}  # fmt: skip
    for module in sorted(grouped, key=lambda m: (key[m], m)):
        names = sorted(grouped[module])
        line = f"import {module}"
        if names:
            line = ruff_layout.from_line(module, names, paths.line_length)
        sections.setdefault(key[module][0], []).append(line)
    return jinja_env.Code("\n\n".join("\n".join(sections[s]) for s in sorted(sections)))
