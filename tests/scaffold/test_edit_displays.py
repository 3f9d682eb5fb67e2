"""Display edits: the text fast path and the libcst path give the same text.

Formatted displays never import libcst (its import alone costs ~200 ms of a dry run); the
others go through libcst. Each case below runs both and compares, then checks the inverse.
"""

from __future__ import annotations

import ast

import pytest
from checkouts import context, repo_layout

from prompture_scaffold.edits import _cst, _display, _lines, _seq
from prompture_scaffold.edits._source import PySource

LONG = '"' + "x" * 70 + '"'

CASES = {
    "flat list, middle": ('__all__ = ["a", "c"]\n', [(1, '"b"')]),
    "flat list, end": ('__all__ = ["a", "b"]\n', [(2, '"c"')]),
    "flat list, outgrows the line": ('__all__ = ["a", "b"]\n', [(2, LONG)]),
    "flat dict, end": ('MAP = {"a": "x"}\n', [(1, '"b": "y"')]),
    "flat import": ("from .drivers import ADriver, get\n", [(1, "BDriver")]),
    "flat import, outgrows": ("from .d import A, B\n", [(2, "C" * 80)]),
    "tall list, first and second": (
        '__all__ = [\n    "c",\n    # group\n    "d",\n]\n',
        [(0, '"a"'), (1, '"b"')],
    ),
    "tall list, under a comment": (
        '__all__ = [\n    "a",\n    # group\n    "c",\n]\n',
        [(1, '"b"')],
    ),
    "tall list, end": ('__all__ = [\n    "a",\n    "b",\n]\n', [(2, '"c"')]),
    "tall dict in a function": ('def f():\n    m = {\n        "a": A,\n    }\n', [(1, '"b": B')]),
    "tall import": ("from .drivers import (\n    ADriver,\n    CDriver,\n)\n", [(1, "BDriver")]),
}


def _node(src: PySource) -> ast.AST:
    for node in ast.walk(src.tree):
        if isinstance(node, ast.List | ast.Dict | ast.ImportFrom):
            return node
    raise AssertionError("no display")


def _source(text: str) -> PySource:
    return PySource(text, context(repo_layout(), "prompture/x.py"))


@pytest.mark.parametrize("case", CASES)
def test_the_fast_path_equals_libcst(case):
    text, placements = CASES[case]
    src = _source(text)
    fast = _lines.insert(src, _node(src), placements)
    assert fast is not None, "a formatted display takes the fast path"
    slow = _cst.edit(src, _node(src), lambda tree: _cst.apply(tree, placements))
    assert fast == slow
    ast.parse(fast)


@pytest.mark.parametrize("case", CASES)
def test_delete_inverts_insert_on_both_paths(case):
    text, placements = CASES[case]
    src = _source(text)
    after = _source(_display.insert(src, _node(src), placements))
    for index, _ in reversed(placements):
        fast = _lines.delete(after, _node(after), index)
        slow = _cst.edit(after, _node(after), lambda tree, i=index: _seq.remove(tree, i))
        assert fast == slow
        after = _source(fast)
    assert after.text == text


def test_irregular_displays_go_through_libcst():
    text = '__all__ = ["a",\n           "c", "d"]\n'
    src = _source(text)
    assert _lines.insert(src, _node(src), [(1, '"b"')]) is None
    after = _display.insert(src, _node(src), [(1, '"b"')])
    assert ast.literal_eval(after.split("=", 1)[1]) == ["a", "b", "c", "d"]
    inserted = _source(after)
    assert _display.delete(inserted, _node(inserted), 1) == text


def test_a_trailing_comment_stays_on_its_line():
    """(The libcst path would move it to the new last entry: formatted code never asks it.)"""
    src = _source('__all__ = [\n    "a",  # note\n]\n')
    after = _display.insert(src, _node(src), [(1, '"b"')])
    assert after == '__all__ = [\n    "a",  # note\n    "b",\n]\n'
    inserted = _source(after)
    assert _display.delete(inserted, _node(inserted), 1) == src.text
