"""Input rules of `add-driver`: catalogue values nobody typed never fail a flag's check,
flag combinations the generated driver could not honour are refused, blank and secret-looking
values are refused without echoing a possible key, and an id is checked before it is a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _scratch import fingerprint, make_scratch, run

from prompture_scaffold.catalogue import models_dev as cat
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.spec.build import Request, build_spec

ACME = [
    "add-driver", "acme", "--yes", "--compat", "openai", "--endpoint", "https://api.acme.test/v1",
    "--default-model", "acme-1", "--no-models-dev",
]  # fmt: skip
SECRET = "sk-proj-AbC123SECRET"


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """One scratch checkout: every run here is refused or a dry run, so none writes."""
    return make_scratch(tmp_path_factory.mktemp("rules") / "repo")


def refused(repo: Path, *args: str) -> str:
    """The one-line error of a run that must exit 2, write nothing and show no traceback."""
    before = fingerprint(repo)
    result = run(repo, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and fingerprint(repo) == before
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    return result.stderr


def dry_spec(repo: Path, *args: str) -> dict:
    result = run(repo, *args, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def build(entry: dict, **answers):
    request = Request("acme", answers, from_models_dev="acme")
    return build_spec(request, load_catalogue=lambda: {"acme": entry})


# --- catalogue values nobody typed --------------------------------------------------------


def test_302ai_key_variable_that_is_no_name_falls_back_to_the_providers_own(repo):
    data = dry_spec(repo, "add-driver", "--from-models-dev", "302ai", "--yes")
    spec = data["spec"]
    assert (spec["provider"], spec["api_key_env"], spec["extra_api_key_envs"]) == (
        "p302ai",
        "P302AI_API_KEY",
        [],
    )
    assert any("'302AI_API_KEY' is not a valid variable name" in note for note in data["notes"])
    given = ("add-driver", "--from-models-dev", "302ai", "--api-key-env", "P302AI_API_KEY")
    assert dry_spec(repo, *given, "--yes")["spec"]["api_key_env"] == "P302AI_API_KEY"


def test_catalogue_values_a_flag_would_refuse_are_left_to_the_rules():
    entry = {
        "name": " \t ",
        "npm": "@ai-sdk/openai-compatible",
        "api": "https://api.acme.test/v 1",
        "env": ["9ACME_KEY"],
        "models": {
            "new model": {"release_date": "2026-01-01", "tool_call": True},
            "older": {"release_date": "2025-01-01", "tool_call": True},
        },
    }
    found = cat.defaults(entry, "acme")
    assert "display_name" not in found and "endpoint" not in found
    assert found["extra_api_key_envs"] == () and found["default_model"] == "older"
    with pytest.raises(InvalidInput, match=r"^missing required values: add --endpoint "):
        build(entry)
    spec = build(entry, endpoint="https://api.acme.test/v1")
    assert (spec.display_name, spec.api_key_envs) == ("Acme", ("ACME_API_KEY",))


def test_catalogue_auth_and_schema_yield_to_the_wire_and_the_flags():
    models = {"m": {"structured_output": True, "release_date": "2025"}}
    anthropic = {"npm": "@ai-sdk/anthropic", "api": "https://a.test/v1", "models": models}
    assert cat.defaults(anthropic, "acme")["auth"] == "endpoint"
    assert build(anthropic).auth == "api-key"
    openai = {**anthropic, "npm": "@ai-sdk/openai-compatible", "env": ["ACME_API_KEY"]}
    assert build(openai).json_schema is True
    spec = build(openai, json_mode=False)
    assert (spec.json_mode, spec.json_schema) == (False, False)


# --- combinations the generated driver could not honour ------------------------------------


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--compat", "anthropic", "--auth", "none"], "--auth none: the Anthropic SDK needs a key"),
        (["--compat", "anthropic", "--auth", "endpoint"], "--auth endpoint: the Anthropic SDK"),
        (["--compat", "anthropic", "--json-mode"], "--json-mode: the Anthropic Messages API"),
        (["--compat", "anthropic", "--json-schema"], "--json-schema: the Anthropic Messages API"),
        (["--json-schema", "--no-json-mode"], "--json-schema needs --json-mode"),
    ],
)
def test_combinations_the_driver_cannot_honour_exit_2(repo, flags, message):
    assert refused(repo, *ACME, *flags).startswith(f"error: {message}")


@pytest.mark.parametrize(
    "flags",
    [
        ["--compat", "anthropic", "--auth", "api-key"],
        ["--compat", "anthropic", "--auth", "api-key+endpoint", "--no-json-mode"],
        ["--json-schema", "--json-mode"],
        ["--no-json-schema", "--no-json-mode"],
    ],
)
def test_the_combinations_left_are_accepted(repo, flags):
    assert dry_spec(repo, *ACME, *flags)["spec"]["provider"] == "acme"


def test_an_invalid_compat_in_a_spec_file_is_reported_before_what_is_missing(repo, tmp_path):
    spec_file = tmp_path / "grpc.toml"
    spec_file.write_text('provider = "acme"\ncompat = "grpc"\n')
    message = refused(repo, "add-driver", "--spec", str(spec_file), "--yes")
    assert message.startswith("error: --compat: 'grpc' is not one of openai, anthropic, custom")


# --- blank and reserved values -------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_blank_display_name_is_refused(repo, blank):
    assert (
        refused(repo, *ACME, "--display-name", blank)
        == "error: --display-name: must not be blank\n"
    )


def test_a_display_name_is_stripped(repo):
    assert dry_spec(repo, *ACME, "--display-name", "  Acme Cloud ")["spec"]["display_name"] == (
        "Acme Cloud"
    )


@pytest.mark.parametrize(("env", "what"), [("ACME_ENDPOINT", "endpoint"), ("ACME_MODEL", "model")])
def test_the_providers_endpoint_or_model_variable_is_no_key_variable(repo, env, what):
    message = refused(repo, *ACME, "--api-key-env", env)
    assert message.startswith(f"error: --api-key-env: {env} is the provider's {what} variable")


def test_the_same_goes_for_extra_key_variables(repo, tmp_path):
    spec_file = tmp_path / "extra.toml"
    spec_file.write_text('extra_api_key_envs = ["ACME_TOKEN", "ACME_ENDPOINT"]\n')
    message = refused(repo, *ACME, "--spec", str(spec_file))
    assert message.startswith("error: extra_api_key_envs (spec file): ACME_ENDPOINT is the")


# --- a key pasted where a variable name belongs is never echoed ----------------------------


def test_a_pasted_key_is_not_echoed_by_the_flag_error(repo):
    message = refused(repo, *ACME, "--api-key-env", SECRET)
    assert SECRET not in message
    assert "must be an environment variable NAME like ACME_API_KEY" in message
    assert "not shown in case it is a key" in message


def test_a_pasted_key_is_not_echoed_in_json(repo):
    result = run(repo, *ACME, "--api-key-env", SECRET, "--json")
    assert result.exit_code == 2 and SECRET not in result.output
    assert "--api-key-env" in json.loads(result.stdout)["error"]["message"]


@pytest.mark.parametrize(
    "line",
    [
        f'api_key_env = "{SECRET}"',
        f'extra_api_key_envs = ["{SECRET}"]',
        f'api_key_env = ["{SECRET}"]',
    ],
)
def test_a_pasted_key_is_not_echoed_from_a_spec_file(repo, tmp_path, line):
    spec_file = tmp_path / "secret.toml"
    spec_file.write_text(line + "\n")
    message = refused(repo, *ACME, "--spec", str(spec_file))
    assert SECRET not in message and "not shown" in message


# --- a models.dev id is checked as an id first ---------------------------------------------


def test_a_bad_models_dev_id_is_reported_as_an_id(repo):
    message = refused(repo, "add-driver", "--from-models-dev", "../etc", "--yes")
    assert message.startswith("error: --from-models-dev: '../etc' is not a models.dev provider id")
    assert "prompture providers" in message
    message = refused(repo, "add-driver", "--from-models-dev", "../deepseek", "--yes")
    assert "did you mean deepseek" in message


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--endpoint", "https://a.test/v1?x=${HOME}"), ("--default-model", "m-${HOME}")],
)
def test_values_a_dotenv_file_would_expand_are_refused(tmp_path, flag, value):
    from prompture_scaffold.spec.validate import check_given

    name = flag.removeprefix("--").replace("-", "_")
    with pytest.raises(InvalidInput, match=rf"^{flag}: .*\.env files expand"):
        check_given({"compat": "openai", "auth": "api-key", name: value})
