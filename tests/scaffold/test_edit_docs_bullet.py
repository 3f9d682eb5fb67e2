"""Edit target 10: the provider in the driver list of CLAUDE.md / AGENTS.md."""

from __future__ import annotations

import pytest
from checkouts import ACMELIB, acmelib, changed, context, dedent, last_line, repo_layout, repo_text

from prompture_scaffold.edits import docs_bullet as edit
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.readback import spec_from_checkout

DOCS = "CLAUDE.md"


def test_a_listed_provider_is_a_no_op():
    layout, before = repo_layout(), repo_text(DOCS)
    assert edit.add(before, context(layout, DOCS, spec_from_checkout(layout, "grok"))) == before


def test_add_to_the_end_of_the_driver_list():
    before = repo_text(DOCS)
    after = edit.add(before, context(repo_layout(), DOCS))
    bullet = last_line(before, "- Drivers: ")
    keys = bullet.removeprefix("- Drivers: ").split(" (")[0]
    assert after == before.replace(bullet, bullet.replace(keys, keys + ", acme", 1))


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), DOCS), repo_text(DOCS)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_backticked_keys_under_a_bold_label(tmp_path):
    ctx = context(acmelib(tmp_path), "AGENTS.md")
    before = dedent(ACMELIB["AGENTS.md"])
    after = edit.add(before, ctx)
    assert after == before.replace("`alpha`, `beta` (", "`alpha`, `beta`, `acme` (")
    assert edit.remove(after, ctx) == before


def test_remove_a_builtin_in_the_middle():
    layout, before = repo_layout(), repo_text(DOCS)
    after = edit.remove(before, context(layout, DOCS, spec_from_checkout(layout, "zai")))
    bullet = last_line(after, "- Drivers: ")
    assert "zai" not in bullet and "moonshot, modelscope" in bullet
    assert len(changed(before, after)) == 2


def test_no_driver_bullet_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add("# Guide\n\n- Commands: pytest, ruff\n", context(repo_layout(), DOCS))
    assert (caught.value.path, caught.value.symbol) == (DOCS, "Drivers: bullet")
