"""The libcst path of display edits, for layouts the text fast path (`_lines`) declines.

`edit` parses just the node's source segment (never the whole module), applies a `_seq`
change and splices the regenerated code back, exploding or collapsing the display exactly as
`_lines` does (see `_display`).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from . import _seq
from ._source import PySource


def _code(node: Any, newline: str = "\n") -> str:
    import libcst as cst

    return cst.Module(body=[], default_newline=newline).code_for_node(node)


def _line(indent: str) -> Any:
    import libcst as cst

    return cst.ParenthesizedWhitespace(last_line=cst.SimpleWhitespace(indent))


def _reshape(node: Any, indent: str | None) -> Any | None:
    """`node` on one line (`indent` None) or exploded at `indent`; None if not reshapable."""
    import libcst as cst

    items, inner = _seq.items(node), None if indent is None else indent + "    "
    if not items or not isinstance(node, cst.List | cst.Dict | cst.Set | cst.ImportFrom):
        return None
    space = cst.SimpleWhitespace(" ")
    comma = cst.Comma(whitespace_after=space if inner is None else _line(inner))
    last = cst.MaybeSentinel.DEFAULT if inner is None else cst.Comma(whitespace_after=_line(indent))
    items = [item.with_changes(comma=comma) for item in items[:-1]]
    items.append(_seq.items(node)[-1].with_changes(comma=last))
    opening = cst.SimpleWhitespace("") if inner is None else _line(inner)
    closing = cst.SimpleWhitespace("")
    if isinstance(node, cst.ImportFrom):
        paren = inner is not None
        node = node.with_changes(
            lpar=cst.LeftParen(whitespace_after=opening) if paren else None,
            rpar=cst.RightParen(whitespace_before=closing) if paren else None,
        )
    elif isinstance(node, cst.List):
        node = node.with_changes(
            lbracket=cst.LeftSquareBracket(whitespace_after=opening),
            rbracket=cst.RightSquareBracket(whitespace_before=closing),
        )
    else:
        node = node.with_changes(
            lbrace=cst.LeftCurlyBrace(whitespace_after=opening),
            rbrace=cst.RightCurlyBrace(whitespace_before=closing),
        )
    return _seq.with_items(node, items)


def _reflow(src: PySource, node: ast.AST, old: Any, new: Any) -> str:
    """The new code, exploded or collapsed as described in the module docstring."""

    def code(tree: Any) -> str:
        return _code(tree, src.newline)

    new_code, limit = code(new), src.ctx.layout.line_length
    start, end = src.span(node)
    prefix = src.text[src.text.rfind("\n", 0, start) + 1 : start]
    suffix = src.text[end:].split("\n", 1)[0].rstrip("\r")
    indent = prefix[: len(prefix) - len(prefix.lstrip())]

    def width(text: str) -> int:
        return len(prefix + text + suffix)

    if "\n" not in new_code:
        exploded = _reshape(new, indent) if width(new_code) > limit else None
        return new_code if exploded is None else code(exploded)
    if width(" ".join(new_code.split())) - 4 > limit:
        return new_code  # even collapsed it could not fit: skip the costly checks below
    flat_new, flat_old = _reshape(new, None), _reshape(old, None)
    if flat_new is None or flat_old is None:
        return new_code
    old_code = code(old)
    ours = "\n" in old_code and code(_reshape(flat_old, indent)) == old_code
    if ours and width(code(flat_old)) > limit >= width(code(flat_new)):
        return code(flat_new)
    return new_code


def edit(src: PySource, node: ast.AST, change: Callable[[Any], Any]) -> str:
    """The file text with `node` (an expression or import) re-generated after `change`."""
    import libcst as cst

    text = src.segment(node)
    try:
        parsed = cst.parse_statement(text) if isinstance(node, ast.stmt) else None
        tree = parsed.body[0] if parsed else cst.parse_expression(text)
    except cst.ParserSyntaxError as exc:
        reason = f"libcst cannot parse it: {exc.message}"
        raise src.ctx.unsafe(type(node).__name__, reason) from None
    return src.replace(node, _reflow(src, node, tree, change(tree)))


def apply(tree: Any, placements: list[tuple[int, str]]) -> Any:
    import libcst as cst

    for index, code in placements:
        if isinstance(tree, cst.ImportFrom):
            item = cst.ImportAlias(name=cst.Name(code))
        elif isinstance(tree, cst.Dict):
            item = cst.parse_expression("{" + code + "}").elements[0]
        else:
            item = cst.Element(value=cst.parse_expression(code))
        tree = _seq.insert(tree, item, index)
    return tree
