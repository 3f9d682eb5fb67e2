"""The one-parse paths of the edits give exactly what editing step by step gives: the drivers
package's `remove`, discovery's and the package exports' `add`, on every driver of this
repository (and one added by the scaffolder); spliced or merged changes are refused when they
lie next to each other."""

from __future__ import annotations

import dataclasses

import pytest
from checkouts import ACME, context, repo_layout, repo_text

from prompture_scaffold.edits import discovery, drivers_init, package_init
from prompture_scaffold.edits._source import PySource, merge_edits, splice_lines
from prompture_scaffold.spec.readback import spec_from_checkout

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


@pytest.mark.parametrize("provider", sorted(repo_layout().providers))
@pytest.mark.parametrize(
    ("relative", "edit"),
    [("prompture/discovery.py", discovery), ("prompture/__init__.py", package_init)],
    ids=["discovery", "package_init"],
)
def test_add_on_one_parse_equals_step_by_step(provider, relative, edit):
    layout = repo_layout()
    ctx = context(layout, relative, spec_from_checkout(layout, provider))
    unwired = edit.remove(repo_text(relative), ctx)
    assert unwired != repo_text(relative)
    assert edit.add(unwired, ctx) == edit.add_step_by_step(unwired, ctx)
    fresh = context(layout, relative, dataclasses.replace(ACME))
    assert edit.add(repo_text(relative), fresh) == edit.add_step_by_step(repo_text(relative), fresh)


def test_merged_edits_must_not_overlap():
    original = "a\nb\nc\n"
    assert merge_edits(original, "A\nb\nc\n", "a\nb\nC\n", 4) == "A\nb\nC\n"
    assert merge_edits(original, "a\nB\nc\n", "a\nB2\nc\n", 2) is None
