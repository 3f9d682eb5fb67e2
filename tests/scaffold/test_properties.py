"""Properties over random specs: idempotent, reversible, dry runs write nothing, and values a
user types reach generated code only as literals (or are refused with exit 2)."""

from __future__ import annotations

import ast
import json
import keyword

import pytest
from _scratch import fingerprint, make_scratch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from prompture_scaffold._compat import tomllib
from prompture_scaffold.checkout import discover
from prompture_scaffold.cli import app
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.plan.planner import plan_add, plan_remove
from prompture_scaffold.plan.writer import apply
from prompture_scaffold.spec.build import Request, build_spec
from prompture_scaffold.spec.readback import spec_from_checkout

BUILT_IN = {"grok", "moonshot", "zai", "modelscope", "openrouter", "lmstudio"}
FAST = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

providers = st.from_regex(r"[a-z][a-z0-9]{1,11}", fullmatch=True).filter(
    lambda p: not keyword.iskeyword(p) and p not in BUILT_IN and p not in {"match", "case", "type"}
)
models = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/@-]{0,30}", fullmatch=True)
endpoints = st.from_regex(
    r"https?://[a-z0-9.-]{1,20}(:[0-9]{2,5})?(/[A-Za-z0-9._~-]{0,12}){0,3}", fullmatch=True
)
hostile = st.sampled_from(
    ["it's", 'say "hi"', "back\\slash", "{{ spec }}", "{% raw %}", "Ünïcödé ✓", "../x", "a\nb",
     "}}{{", "'''", '"""', "\\n", "\u2028", "x' + __import__('os').system('id') + '"]
) | st.text(min_size=1, max_size=20)  # fmt: skip


def flags_for(provider: str, model: str, endpoint: str, caps: list[bool]) -> dict:
    names = ("json_schema", "tool_use", "streaming", "vision", "reasoning")
    return {
        "compat": "openai",
        "default_model": model,
        "endpoint": endpoint,
        "auth": "api-key+endpoint" if caps[0] else "api-key",
        **dict(zip(names, caps, strict=True)),
    }


def build(provider: str, flags: dict):
    return build_spec(Request(provider, flags, no_models_dev=True), existing=BUILT_IN)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


@FAST
@given(providers, models, endpoints, st.lists(st.booleans(), min_size=5, max_size=5))
def test_add_is_idempotent_and_remove_is_its_inverse(tmp_path_factory, provider, model, url, caps):
    root = make_scratch(tmp_path_factory.mktemp("scratch") / "repo")
    before = fingerprint(root)
    spec = build(provider, flags_for(provider, model, url, caps))
    apply(plan_add(spec, discover(root)), root)
    layout = discover(root)
    assert plan_add(spec, layout).empty
    apply(plan_remove(spec_from_checkout(layout, provider), layout), root)
    assert fingerprint(root) == before


@FAST
@given(providers, models, endpoints, st.booleans())
def test_a_dry_run_writes_nothing(pristine, provider, model, url, as_json):
    before = fingerprint(pristine)
    args = [
        "add-driver",
        provider,
        "--compat",
        "openai",
        "--default-model",
        model,
        "--endpoint",
        url,
        "--no-models-dev",
        "--dry-run",
        "--repo",
        str(pristine),
    ]
    result = CliRunner().invoke(app, args + (["--json"] if as_json else []))
    assert result.exit_code == 0, result.stderr
    assert "diff --git" in result.stdout and fingerprint(pristine) == before


def _constants(text: str) -> set[str]:
    tree = ast.parse(text)
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


@FAST
@given(hostile, hostile, hostile, st.sampled_from(["display_name", "default_model", "endpoint"]))
@example('it\'s "Acme" \\ {{ spec }} {% x %} ✓', "}}{{m'", "/{{x}}?a=1&b=}}", "endpoint")
@example('\u00e9"""', "m}}{{1", "/x", "default_model")
def test_hostile_values_are_refused_or_stay_literals(pristine, display, value, suffix, field):
    flags = {"compat": "openai", "default_model": "m-1", "endpoint": "https://h.test/v1"}
    flags["display_name"] = display
    flags[field] = flags[field] + suffix if field == "endpoint" else value
    try:
        spec = build("hostile", flags)
    except InvalidInput:
        return  # refused: exit 2 in the CLI, nothing planned
    plan = plan_add(spec, discover(pristine))
    constants: set[str] = set()
    for change in plan.changes:
        assert ".." not in change.path.split("/")
        if change.path.endswith(".py"):
            constants |= _constants(change.after)
        elif change.path.endswith(".json"):
            json.loads(change.after)
        elif change.path.endswith(".toml"):
            tomllib.loads(change.after)
    assert {spec.display_name, spec.default_model, spec.endpoint} <= constants


@FAST
@given(hostile)
def test_hostile_provider_names_are_refused_with_exit_2(pristine, name):
    before = fingerprint(pristine)
    args = [
        "add-driver",
        name,
        "--compat",
        "openai",
        "--default-model",
        "m",
        "--endpoint",
        "https://h.test",
        "--no-models-dev",
        "--yes",
        "--repo",
        str(pristine),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
    if result.exit_code == 0:  # a valid random name: undo it for the next example
        layout = discover(pristine)
        apply(plan_remove(spec_from_checkout(layout, name), layout), pristine)
    assert fingerprint(pristine) == before
