"""Edit target 7: the `PROVIDER_MAP` entry."""

from __future__ import annotations

import pytest
from checkouts import ACMELIB, acmelib, context, dedent, hunks, repo_layout, repo_text, spec

from prompture_scaffold.edits import provider_map as edit
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.readback import spec_from_checkout

RATES = "prompture/model_rates.py"


def test_a_mapped_provider_is_a_no_op():
    layout, before = repo_layout(), repo_text(RATES)
    assert edit.add(before, context(layout, RATES, spec_from_checkout(layout, "zai"))) == before


def test_no_models_dev_name_leaves_the_map_alone():
    ctx, before = context(repo_layout(), RATES, spec(models_dev_name=None)), repo_text(RATES)
    assert edit.add(before, ctx) == before
    assert edit.remove(before, ctx) == before


def test_add_appends_the_last_entry():
    before = repo_text(RATES)
    after = edit.add(before, context(repo_layout(), RATES))
    added = [line for line in hunks(before, after) if line.startswith(("+", "-"))]
    assert added == ['+    "acme": "acme-dev",']
    assert '    "acme": "acme-dev",\n}\n' in after


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), RATES), repo_text(RATES)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_a_one_line_map(tmp_path):
    layout = acmelib(tmp_path)
    ctx = context(layout, "acmelib/model_rates.py")
    before = dedent(ACMELIB["acmelib/model_rates.py"])
    after = edit.add(before, ctx)
    assert after == 'PROVIDER_MAP = {"alpha": "alpha-ai", "beta": "beta", "acme": "acme-dev"}\n'
    assert edit.remove(after, ctx) == before


def test_a_map_outgrowing_the_line_is_exploded_and_collapsed_back(tmp_path):
    layout = acmelib(tmp_path)
    ctx = context(layout, "acmelib/model_rates.py", spec(models_dev_name="a" * 40))
    before = dedent(ACMELIB["acmelib/model_rates.py"])
    after = edit.add(before, ctx)
    assert after == dedent(
        f"""
        PROVIDER_MAP = {{
            "alpha": "alpha-ai",
            "beta": "beta",
            "acme": "{"a" * 40}",
        }}
        """
    )
    assert edit.remove(after, ctx) == before


def test_a_hand_exploded_short_map_stays_exploded():
    before = 'PROVIDER_MAP = {\n    "alpha": "a",\n}\n'
    ctx = context(repo_layout(), RATES)
    after = edit.add(before, ctx)
    assert after == 'PROVIDER_MAP = {\n    "alpha": "a",\n    "acme": "acme-dev",\n}\n'
    assert edit.remove(after, ctx) == before


def test_remove_a_builtin_entry():
    layout, before = repo_layout(), repo_text(RATES)
    after = edit.remove(before, context(layout, RATES, spec_from_checkout(layout, "moonshot")))
    changed = [line for line in hunks(before, after) if line.startswith(("+", "-"))]
    assert changed == ['-    "moonshot": "moonshotai",']


def test_no_map_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add("MAP = {}\n", context(repo_layout(), RATES))
    assert (caught.value.path, caught.value.symbol) == (RATES, "PROVIDER_MAP")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget, match="does not parse"):
        edit.add("PROVIDER_MAP = {\n", context(repo_layout(), RATES))
