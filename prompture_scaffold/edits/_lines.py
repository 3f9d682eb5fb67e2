"""The fast path of display edits: ruff-formatted displays edited as plain text.

Importing libcst costs ~200 ms, most of a dry run's budget, and formatted code rarely needs
it. A display here is either *flat* (one line, entries joined by ``", "``, no trailing comma)
or *tall* (one entry per line, each followed by a comma, brackets on their own lines); for
those, an entry is a line or a ``", "``-separated span, and the results equal what the libcst
path (`_display`) produces. Anything else (several entries on a line, multi-line entries,
``**spread``) returns None and goes to libcst.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from ._source import PySource

_AFTER_ENTRY = re.compile(r"[ \t]*,[ \t]*(#[^\n]*)?\r?\n?")


@dataclass(frozen=True)
class Shape:
    tall: bool
    is_import: bool
    items: list[str]  # each entry's source text
    lines: list[int]  # each entry's 0-based line (tall)
    head: str  # the flat form is head + ", ".join(items) + tail
    tail: str
    indent: str  # indentation of the line the display starts on


def _entries(node: ast.AST) -> list[tuple[ast.AST, ast.AST]] | None:
    """(first, last) ast node of each entry; None for displays this path does not handle."""
    if isinstance(node, ast.ImportFrom):
        return [(alias, alias) for alias in node.names]
    if isinstance(node, ast.Dict):
        return None if None in node.keys else list(zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.List | ast.Set):
        return [(element, element) for element in node.elts]
    return None


def shape(src: PySource, node: ast.AST) -> Shape | None:
    entries = _entries(node)
    if not entries:
        return None
    start, end = src.span(node)
    spans = [(src.span(first)[0], src.span(last)[1]) for first, last in entries]
    items = [src.text[a:b] for a, b in spans]
    lines = [first.lineno - 1 for first, _ in entries]
    line = src.lines[node.lineno - 1]
    indent = line[: len(line) - len(line.lstrip())]
    head, tail = src.text[start : spans[0][0]], src.text[spans[-1][1] : end]
    if node.lineno == node.end_lineno:
        between = [src.text[b:a] for (_, b), (a, _) in zip(spans, spans[1:], strict=False)]
        if any(gap != ", " for gap in between) or tail.startswith(","):
            return None
        return Shape(False, isinstance(node, ast.ImportFrom), items, lines, head, tail, indent)
    ends = [last.end_lineno - 1 for _, last in entries]
    if lines != ends or sorted(set(lines)) != lines or lines[0] == node.lineno - 1:
        return None  # multi-line entries, several per line, or an entry beside the bracket
    rests = [src.text[b : src.offset(n + 2, 0)] for n, (_, b) in zip(lines, spans, strict=True)]
    if not all(map(_AFTER_ENTRY.fullmatch, rests)) or node.end_lineno - 1 == lines[-1]:
        return None
    flat_head = head.rstrip()
    flat_tail = re.sub(r"\s", "", tail).lstrip(",")
    if isinstance(node, ast.ImportFrom):  # "from x import (" is "from x import " when flat
        flat_head, flat_tail = flat_head.removesuffix("("), ""
    return Shape(True, isinstance(node, ast.ImportFrom), items, lines, flat_head, flat_tail, indent)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _explode(shape: Shape, items: list[str], newline: str) -> str:
    """One entry per line with a trailing comma: what `ruff format` makes of a long line."""
    head, tail = shape.head, shape.tail
    if shape.is_import:
        head, tail = head.removesuffix("(") + "(", ")"
    inner = shape.indent + "    "
    return (
        head + newline + "".join(f"{inner}{item},{newline}" for item in items) + shape.indent + tail
    )


def _width(src: PySource, node: ast.AST, text: str) -> int:
    start, end = src.span(node)
    prefix = src.text[src.text.rfind("\n", 0, start) + 1 : start]
    return len(prefix + text + src.text[end:].split("\n", 1)[0].rstrip("\r"))


def insert(src: PySource, node: ast.AST, placements: list[tuple[int, str]]) -> str | None:
    """Entries `code` put at `index` (in order, as `_seq.insert` would); None: use libcst."""
    shape_ = shape(src, node)
    if shape_ is None:
        return None
    order: list[int | str] = list(range(len(shape_.items)))
    for index, code in placements:
        order.insert(index, code)
    if not shape_.tall:
        items = [shape_.items[o] if isinstance(o, int) else o for o in order]
        flat = shape_.head + ", ".join(items) + shape_.tail
        fits = _width(src, node, flat) <= src.ctx.layout.line_length
        return src.replace(node, flat if fits else _explode(shape_, items, src.newline))
    inserts = []
    for at, entry in enumerate(order):
        if isinstance(entry, str):  # goes before the next old entry, else after the last
            following = next((o for o in order[at + 1 :] if isinstance(o, int)), None)
            anchor = shape_.lines[-1 if following is None else following]
            line = anchor + (1 if following is None else 0)
            text = f"{_indent(src.lines[anchor])}{entry},"
            # An entry cannot wrap; E501 lets a line of one word (no blank) be long.
            too_long = "\n" not in text and len(text) > src.ctx.layout.line_length
            if too_long and " " in text.strip():
                text += "  # noqa: E501"
            inserts.append((line, text + "\n"))
    return src.insert_many(inserts)


def delete(src: PySource, node: ast.AST, index: int) -> str | None:
    """The entry at `index` removed; a tall display `insert` exploded goes back on one line."""
    shape_ = shape(src, node)
    if shape_ is None:
        return None
    items = shape_.items[:index] + shape_.items[index + 1 :]
    flat = shape_.head + ", ".join(items) + shape_.tail
    if not shape_.tall:
        return src.replace(node, flat)
    old_flat = shape_.head + ", ".join(shape_.items) + shape_.tail
    ours = _explode(shape_, shape_.items, src.newline) == src.segment(node)
    limit = src.ctx.layout.line_length
    if ours and _width(src, node, old_flat) > limit >= _width(src, node, flat):
        return src.replace(node, flat)
    return src.delete_lines(shape_.lines[index], shape_.lines[index] + 1)
