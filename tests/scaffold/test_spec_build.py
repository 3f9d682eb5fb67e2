"""Spec building: flags > spec file > catalogue > rules, and every field's validation."""

from __future__ import annotations

import dataclasses

import pytest

from prompture_scaffold.catalogue import models_dev as cat
from prompture_scaffold.errors import InvalidInput, ProviderExists
from prompture_scaffold.plan.changeset import FileChange, Plan
from prompture_scaffold.spec.build import Request, build_spec, check_new
from prompture_scaffold.spec.driver_spec import DriverSpec
from prompture_scaffold.spec.toml_file import parse_spec_text, spec_to_toml
from prompture_scaffold.spec.validate import validate

ACME = {
    "compat": "openai",
    "endpoint": "https://api.acme.test/v1",
    "default_model": "acme-1",
    "api_key_env": "ACME_API_KEY",
}

TINY = {
    "acme-ai": {
        "id": "acme-ai",
        "name": "Acme AI",
        "npm": "@ai-sdk/openai-compatible",
        "api": "https://api.acme.test/v1",
        "env": ["ACME_TOKEN"],
        "models": {
            "old": {"release_date": "2024-01-01", "tool_call": True},
            "new-no-tools": {"release_date": "2026-01-01", "tool_call": False},
            "new-tools": {"release_date": "2025-06-01", "tool_call": True, "reasoning": True},
            "gone": {"release_date": "2027-01-01", "tool_call": True, "status": "deprecated"},
            "painter": {
                "release_date": "2027-02-01",
                "tool_call": True,
                "modalities": {"input": ["text", "image"], "output": ["image"]},
            },
        },
    },
    "closed": {"id": "closed", "name": "Closed", "npm": "@closed/sdk", "env": [], "models": {}},
}


def build(provider=None, *, catalogue=TINY, existing=(), taken=(), **kwargs):
    request = Request(provider, kwargs.pop("answers", {}), **kwargs)
    return build_spec(
        request, existing=existing, taken_classes=taken, load_catalogue=lambda: catalogue
    )


def test_acceptance_flags_need_nothing_else():
    spec = build("acme", answers=ACME, no_models_dev=True)
    assert spec.class_name == "Acme" and spec.display_name == "Acme"
    assert (spec.sdk, spec.lazy, spec.auth) == ("requests", False, "api-key")
    assert spec.models_dev_name is None and spec.extra_api_key_envs == ()
    assert spec.json_mode and spec.streaming and not spec.tool_use


def test_from_models_dev_fills_every_field_and_names_the_provider():
    spec = build(from_models_dev="acme-ai")
    assert spec.provider == "acme_ai" and spec.class_name == "AcmeAi"
    assert spec.display_name == "Acme AI" and spec.compat == "openai"
    assert spec.endpoint == "https://api.acme.test/v1" and spec.auth == "api-key+endpoint"
    assert spec.api_key_env == "ACME_AI_API_KEY" and spec.extra_api_key_envs == ("ACME_TOKEN",)
    assert spec.default_model == "new-tools"  # newest non-deprecated text model with tools
    assert spec.models_dev_name == "acme-ai"
    assert spec.tool_use and spec.reasoning and spec.vision and spec.json_mode


def test_bundled_deepseek_needs_nothing_else():
    spec = build(from_models_dev="deepseek", catalogue=cat.load())
    assert (spec.provider, spec.class_name, spec.compat) == ("deepseek", "DeepSeek", "openai")
    assert spec.endpoint == "https://api.deepseek.com" and spec.models_dev_name == "deepseek"
    assert spec.default_model.startswith("deepseek-")


@pytest.mark.parametrize(
    ("display", "expected"),
    [("Z.AI", "Zai"), ("LM Studio", "LMStudio"), ("Moonshot AI", "MoonshotAi"), ("xAI", "XAI")],
)
def test_class_name_from_display_name(display, expected):
    assert cat.class_name_from_display(display) == expected


def test_class_name_falls_back_to_the_provider():
    assert cat.class_name_from_display("302.AI") is None
    assert cat.class_name_from_display("Ünï Çodé") is None
    assert cat.class_name_from_provider("my_llm") == "MyLlm"


@pytest.mark.parametrize(
    ("catalogue_id", "provider"),
    [("fireworks-ai", "fireworks_ai"), ("302ai", "p302ai"), ("wafer.ai", "wafer_ai")],
)
def test_provider_name_from_catalogue_id(catalogue_id, provider):
    assert cat.provider_name_from_id(catalogue_id) == provider


@pytest.mark.parametrize("name", ["Bad Name", "../evil", "class", "9lives", "match", "a" * 41, ""])
def test_bad_provider_names_are_invalid_input(name):
    with pytest.raises(InvalidInput, match="PROVIDER"):
        build(name, answers=ACME, no_models_dev=True)


def test_existing_provider_needs_force_unless_nothing_changes():
    spec = build("acme", answers=ACME, no_models_dev=True, existing={"acme"}, taken={"AcmeDriver"})
    with pytest.raises(ProviderExists, match="--force"):
        check_new(spec, Plan((FileChange("x.py", "a", "b"),)), {"acme"}, force=False)
    check_new(spec, Plan(), {"acme"}, force=False)  # the same command again: nothing to do
    check_new(spec, Plan((FileChange("x.py", "a", "b"),)), {"acme"}, force=True)


def test_class_name_clash_is_refused():
    with pytest.raises(InvalidInput, match="--class-name: GrokDriver"):
        build(
            "acme", answers={**ACME, "class_name": "Grok"}, no_models_dev=True, taken={"GrokDriver"}
        )


def test_missing_values_list_the_flags_to_add():
    with pytest.raises(InvalidInput) as info:
        build("acme", no_models_dev=True)
    assert "--compat, --endpoint, --default-model" in str(info.value)


def test_custom_wire_format_asks_for_the_sdk():
    with pytest.raises(InvalidInput, match="--sdk"):
        build("acme", answers={"compat": "custom", "default_model": "m"}, no_models_dev=True)


def test_a_wizard_can_fill_missing_values():
    seen = []

    def ask(missing, answers):
        seen.append(missing)
        return {**answers, **ACME}

    request = Request("acme", no_models_dev=True)
    spec = build_spec(request, load_catalogue=lambda: TINY, ask_missing=ask)
    assert seen == [("compat", "endpoint", "default_model")] and spec.endpoint == ACME["endpoint"]


def test_unknown_catalogue_ids_suggest_close_ones():
    with pytest.raises(InvalidInput, match="did you mean acme-ai"):
        build(from_models_dev="acme-aj")
    with pytest.raises(InvalidInput, match="--models-dev-name: 'acmeai'.*did you mean acme-ai"):
        build("acme", answers={**ACME, "models_dev_name": "acmeai"})


def test_provider_known_to_the_catalogue_gets_its_defaults():
    spec = build("closed", answers=ACME)
    assert spec.models_dev_name == "closed" and spec.display_name == "Closed"
    assert build("closed", answers=ACME, no_models_dev=True).models_dev_name is None


def test_precedence_flags_over_file_over_catalogue(tmp_path):
    spec_file = tmp_path / "answers.toml"
    spec_file.write_text('display_name = "From File"\nclass_name = "Filed"\n')
    spec = build(from_models_dev="acme-ai", spec_file=spec_file, answers={"class_name": "Flag"})
    assert (spec.display_name, spec.class_name) == ("From File", "Flag")


def test_saved_spec_replays_to_the_same_spec(tmp_path):
    for spec in (build(from_models_dev="acme-ai"), build("acme", answers=ACME, no_models_dev=True)):
        path = tmp_path / f"{spec.provider}.toml"
        path.write_text(spec_to_toml(spec))
        assert build(spec_file=path) == spec


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("provider = 3", "provider must be a string"),
        ("lazy = 'yes'", "lazy must be true or false"),
        ("colour = 'red'", "unknown keys colour"),
        ("extra_api_key_envs = 'X'", "a list of strings"),
        ("provider = ", "not valid TOML"),
    ],
)
def test_spec_file_errors_name_the_key(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_spec_text(text)


def test_unreadable_spec_file(tmp_path):
    with pytest.raises(InvalidInput, match="cannot read"):
        build(spec_file=tmp_path / "missing.toml")


def _acme(**changes) -> DriverSpec:
    return dataclasses.replace(build("acme", answers=ACME, no_models_dev=True), **changes)


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"endpoint": "ftp://x"}, "--endpoint"),
        ({"endpoint": "https://x/v1' + x"}, "--endpoint"),
        ({"endpoint": "https://x/ v1"}, "--endpoint"),
        ({"endpoint": "https://x\\v1"}, "--endpoint"),
        ({"default_model": "a model"}, "--default-model"),
        ({"default_model": 'm"'}, "--default-model"),
        ({"default_model": ""}, "--default-model"),
        ({"api_key_env": "acme_key"}, "--api-key-env"),
        ({"extra_api_key_envs": ("OK", "bad-one")}, "extra_api_key_envs"),
        ({"sdk": "not a req!"}, "--sdk"),
        ({"sdk": "acme @ https://x/acme.whl"}, "--sdk"),
        ({"class_name": "lower"}, "--class-name"),
        ({"class_name": "Has_Underscore"}, "--class-name"),
        ({"display_name": "two\nlines"}, "--display-name"),
        ({"compat": "soap"}, "--compat"),
        ({"auth": "magic"}, "--auth"),
        ({"template": "tiny"}, "--template"),
        ({"vision": "yes"}, "--vision"),
    ],
)
def test_each_field_is_validated(changes, flag):
    with pytest.raises(InvalidInput, match=flag):
        validate(_acme(**changes))


def test_sdk_requirements_are_accepted_and_made_lazy():
    spec = build("acme", answers={**ACME, "sdk": "acme-sdk>=1.2"}, no_models_dev=True)
    assert spec.sdk_requirement == "acme-sdk>=1.2" and spec.lazy
    assert build("acme", answers={**ACME, "sdk": "httpx"}, no_models_dev=True).lazy is False


def test_default_model_pick_ignores_deprecated_and_non_text_models():
    assert cat.pick_default_model(TINY["acme-ai"]["models"]) == "new-tools"
    assert cat.pick_default_model({"a": {"release_date": "2024-01-01"}}) == "a"
    assert cat.pick_default_model({}) is None
