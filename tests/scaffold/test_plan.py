"""The planner and the diff: one in-memory change set per command, git-style diffs."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest
from _scratch import fingerprint, make_scratch

from prompture_scaffold.checkout import discover
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.plan.changeset import FileChange, Plan, relative
from prompture_scaffold.plan.diff import unified_diff
from prompture_scaffold.plan.planner import plan_add, plan_remove
from prompture_scaffold.plan.writer import apply
from prompture_scaffold.spec.driver_spec import DriverSpec
from prompture_scaffold.spec.readback import spec_from_checkout

ACME = DriverSpec(
    provider="acme",
    class_name="Acme",
    display_name="Acme",
    compat="openai",
    sdk="requests",
    lazy=False,
    default_model="acme-1",
    auth="api-key",
    api_key_env="ACME_API_KEY",
    extra_api_key_envs=(),
    endpoint="https://api.acme.test/v1",
    models_dev_name=None,
    json_mode=True,
    json_schema=False,
    tool_use=False,
    streaming=True,
    vision=False,
    reasoning=False,
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """One read-only scratch checkout for the tests that only plan."""
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture
def scratch(tmp_path):
    return make_scratch(tmp_path / "repo")


# --- diff ------------------------------------------------------------------------------------


def test_unchanged_is_the_empty_diff():
    assert unified_diff("x.py", "a\n", "a\n") == ""
    assert unified_diff("x.py", None, None) == ""


def test_new_file_diffs_against_dev_null():
    assert unified_diff("pkg/x.py", None, "a\nb\n") == textwrap.dedent(
        """\
        diff --git a/pkg/x.py b/pkg/x.py
        new file mode 100644
        --- /dev/null
        +++ b/pkg/x.py
        @@ -0,0 +1,2 @@
        +a
        +b
        """
    )


def test_deleted_file_diffs_to_dev_null():
    text = unified_diff("x.py", "a\n", None)
    assert "deleted file mode 100644\n--- a/x.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n" in text


def test_modified_file_has_git_headers_and_marks_missing_newlines():
    assert unified_diff("x.py", "a\nb", "a\nc\n") == textwrap.dedent(
        """\
        diff --git a/x.py b/x.py
        --- a/x.py
        +++ b/x.py
        @@ -1,2 +1,2 @@
         a
        -b
        \\ No newline at end of file
        +c
        """
    )


# --- plan data -------------------------------------------------------------------------------


def test_change_actions_and_plan_diff():
    changes = (
        FileChange("b", "x\n", None),
        FileChange("a", None, "x\n"),
        FileChange("c", "1", "2"),
    )
    assert [c.action for c in changes] == ["delete", "create", "modify"]
    plan = Plan(changes)
    assert not plan.empty and plan.diff.count("diff --git") == 3
    assert Plan().empty and Plan().diff == ""


@pytest.mark.parametrize("path", ["../x", "/abs/x", ""])
def test_relative_refuses_paths_outside(tmp_path, path):
    with pytest.raises(UnsafeTarget):
        relative(tmp_path, path)


# --- planning a real checkout ----------------------------------------------------------------


def test_plan_add_creates_the_driver_and_wires_it(pristine):
    before = fingerprint(pristine)
    plan = plan_add(ACME, discover(pristine))
    actions = {c.path: c.action for c in plan.changes}
    assert actions["prompture/drivers/acme_driver.py"] == "create"
    assert actions["prompture/drivers/async_acme_driver.py"] == "create"
    for edited in ("prompture/drivers/__init__.py", "prompture/settings.py", ".env.copy"):
        assert actions[edited] == "modify"
    assert "prompture/model_rates.py" not in actions  # --no-models-dev: no PROVIDER_MAP entry
    assert [c.path for c in plan.changes] == sorted(actions)
    assert fingerprint(pristine) == before  # planning writes nothing


def test_add_then_replan_is_empty_and_remove_restores_every_byte(scratch):
    before = fingerprint(scratch)
    apply(plan_add(ACME, discover(scratch)), scratch)
    assert plan_add(ACME, discover(scratch)).empty
    layout = discover(scratch)
    removal = plan_remove(spec_from_checkout(layout, "acme"), layout)
    assert {c.action for c in removal.changes} >= {"delete", "modify"}
    apply(removal, scratch)
    assert fingerprint(scratch) == before


def test_missing_wiring_symbol_is_unsafe_before_anything(pristine):
    layout = discover(pristine)
    symbols = {k: v for k, v in layout.symbols.items() if k != "Settings"}
    with pytest.raises(UnsafeTarget) as info:
        plan_add(ACME, dataclasses.replace(layout, symbols=symbols))
    assert info.value.symbol == "Settings"


def test_missing_optional_targets_are_skipped_with_a_note(pristine):
    layout = dataclasses.replace(discover(pristine), docs_file=None, env_template=None)
    plan = plan_add(ACME, layout)
    assert not any(c.path in (".env.copy", "CLAUDE.md") for c in plan.changes)
    assert any("env template" in note for note in plan.notes)
    assert any("docs" in note for note in plan.notes)


def test_a_target_that_does_not_parse_is_unsafe(scratch):
    settings = scratch / "prompture" / "settings.py"
    settings.write_text(settings.read_text() + "\ndef broken(:\n")
    with pytest.raises(UnsafeTarget) as info:
        plan_add(ACME, discover(scratch))
    assert "settings.py" in str(info.value)
