"""The one-parse paths of the drivers-package edit give exactly what editing step by step
gives: `remove` on every driver of this repository (and one added by the scaffolder), and
the spliced runs refused when they lie next to each other."""

from __future__ import annotations

import dataclasses

import pytest
from checkouts import ACME, context, repo_layout, repo_text

from prompture_scaffold.checkout import spec_from_checkout
from prompture_scaffold.edits import drivers_init
from prompture_scaffold.edits._source import PySource, splice_lines

INIT = "prompture/drivers/__init__.py"


@pytest.mark.parametrize("provider", sorted(repo_layout().providers))
def test_remove_at_once_equals_step_by_step(provider):
    layout = repo_layout()
    ctx = context(layout, INIT, spec_from_checkout(layout, provider))
    text = repo_text(INIT)
    assert drivers_init.remove(text, ctx) == drivers_init.remove_step_by_step(text, ctx)
    assert drivers_init.remove(text, ctx) != text


def test_remove_of_an_added_driver_gives_back_every_byte():
    layout = repo_layout()
    ctx = context(layout, INIT, dataclasses.replace(ACME))
    text = repo_text(INIT)
    added = drivers_init.add(text, ctx)
    assert drivers_init.remove(added, ctx) == text
    assert drivers_init.remove_step_by_step(added, ctx) == text


def test_splices_next_to_each_other_are_left_to_the_step_by_step_path():
    src = PySource("a = 1\nb = 2\n\nc = 3\nd = 4\n", context(repo_layout(), INIT))
    assert splice_lines(src, [(0, 1, ""), (3, 4, "C = 3\n")]) == "b = 2\n\nC = 3\nd = 4\n"
    assert splice_lines(src, [(0, 1, ""), (2, 3, "")]) is None  # one line apart
    assert splice_lines(src, [(0, 2, ""), (1, 3, "")]) is None  # overlapping
