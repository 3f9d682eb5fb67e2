"""`add-driver --compat anthropic`: the short subclass of the checkout's Anthropic base, end to end.

On a scratch copy of this repository: the generated driver pair passes its own generated
contract suite (`AnthropicContract`) in a subprocess, the same command again changes nothing,
and `remove-driver` restores every byte. Without the base (or with `--template full`) the
command is refused with exit 2 and a pointer to `--compat custom`. Also the spec defaults of the
wire format (the `anthropic` SDK, the SDK's base URL) and catalogue providers on
``@ai-sdk/anthropic``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import fingerprint, make_scratch
from typer.testing import CliRunner

from prompture_scaffold._compat import tomllib
from prompture_scaffold.catalogue import models_dev as cat
from prompture_scaffold.checkout import discover
from prompture_scaffold.cli import app
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.plan.planner import plan_remove
from prompture_scaffold.spec.build import Request, anthropic_base_url, build_spec
from prompture_scaffold.spec.readback import spec_from_checkout

MINIMAX = [
    "add-driver", "minimax", "--yes", "--compat", "anthropic", "--endpoint",
    "http://127.0.0.1:9/v1", "--default-model", "m-1", "--api-key-env", "MINIMAX_API_KEY",
    "--no-models-dev",
]  # fmt: skip
ANTHROPIC_NPM = "@ai-sdk/anthropic"


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def run(repo: Path, *args: str):
    return CliRunner().invoke(app, [*args, "--repo", str(repo)])


def run_generated_tests(repo: Path, test_file: str) -> subprocess.CompletedProcess:
    """The generated test module, run by pytest in a subprocess on the scratch checkout."""
    env = {**os.environ, "PYTHONPATH": str(repo), "PROMPTURE_OFFLINE": "1"}
    options = ["-q", "-o", "addopts=", "-p", "no:cacheprovider"]
    command = [sys.executable, "-m", "pytest", *options, test_file]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=300)


# --- end to end -----------------------------------------------------------------------------


def test_add_passes_its_contract_suite_then_remove_restores_every_byte(repo):
    before = fingerprint(repo)
    result = run(repo, *MINIMAX)
    assert result.exit_code == 0, result.stderr
    assert "created   prompture/drivers/minimax_driver.py" in result.stdout

    sync = (repo / "prompture/drivers/minimax_driver.py").read_text(encoding="utf-8")
    assert "from .anthropic_messages import AnthropicMessagesDriver\n" in sync
    assert "class MinimaxDriver(AnthropicMessagesDriver):" in sync
    # The SDK appends /v1/messages: the base URL is kept without the /v1 given.
    assert '    default_endpoint = "http://127.0.0.1:9"\n' in sync
    assert '    api_key_env = ("MINIMAX_API_KEY",)\n' in sync
    twin = (repo / "prompture/drivers/async_minimax_driver.py").read_text(encoding="utf-8")
    assert "    sync_driver = MinimaxDriver\n" in twin
    project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["optional-dependencies"]["minimax"] == ["anthropic>=2.0"]
    settings = (repo / "prompture/settings.py").read_text(encoding="utf-8")
    assert 'minimax_endpoint: str = "http://127.0.0.1:9"' in settings
    rates = json.loads((repo / "prompture/infra/rates/minimax.json").read_text(encoding="utf-8"))
    assert rates["api_type"] == "anthropic" and list(rates["models"]) == ["m-1"]
    test_module = (repo / "tests/test_minimax_driver.py").read_text(encoding="utf-8")
    assert "class TestMinimaxDriver(AnthropicContract):" in test_module
    assert (repo / "examples/minimax_example.py").exists()

    done = run_generated_tests(repo, "tests/test_minimax_driver.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout

    checked = run(repo, "check-drivers")
    assert checked.exit_code == 0, checked.stdout + checked.stderr

    added = fingerprint(repo)
    again = run(repo, *MINIMAX)
    assert again.exit_code == 0 and again.stdout.startswith("nothing to change"), again.output
    assert fingerprint(repo) == added

    removed = run(repo, "remove-driver", "minimax", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert "deleted   prompture/drivers/minimax_driver.py" in removed.stdout
    assert fingerprint(repo) == before


def test_remove_needs_no_template_nor_catalogue(repo, monkeypatch):
    """remove-driver finds the files by path: it works when no template renders and the
    catalogue cannot be read (then it has nothing to compare the files with for hand edits)."""
    before = fingerprint(repo)
    result = run(repo, "add-driver", "--from-models-dev", "minimax", "--yes")
    assert result.exit_code == 0, result.stderr
    assert '"minimax": "minimax"' in (repo / "prompture/model_rates.py").read_text()

    def forbidden(*args, **kwargs):
        raise RuntimeError("no template, no catalogue")

    monkeypatch.setattr("prompture_scaffold.render.jinja_env.render_template", forbidden)
    monkeypatch.setattr("prompture_scaffold.catalogue.models_dev.load", forbidden)
    monkeypatch.setattr("prompture._catalogue.get_catalogue", forbidden)
    monkeypatch.setattr("prompture._catalogue.render_rate_file", forbidden)
    layout = discover(repo)
    plan = plan_remove(spec_from_checkout(layout, "minimax"), layout)
    deleted = sorted(c.path for c in plan.changes if c.action == "delete")
    assert deleted == [
        "examples/minimax_example.py",
        "prompture/drivers/async_minimax_driver.py",
        "prompture/drivers/minimax_driver.py",
        "prompture/infra/rates/minimax.json",
        "tests/test_minimax_driver.py",
    ]
    removed = run(repo, "remove-driver", "minimax", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert fingerprint(repo) == before


# --- refusals -------------------------------------------------------------------------------


def _refused(repo: Path, *args: str) -> str:
    before = fingerprint(repo)
    result = run(repo, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    assert fingerprint(repo) == before
    return result.stderr


def test_without_the_anthropic_base_exit_2_naming_compat_custom(repo):
    (repo / "prompture/drivers/anthropic_messages.py").unlink()
    stderr = _refused(repo, *MINIMAX)
    assert stderr.startswith("error: --compat anthropic:")
    assert "AnthropicMessagesDriver" in stderr and "--compat custom" in stderr
    custom = [*MINIMAX[:4], "custom", *MINIMAX[5:], "--sdk", "httpx", "--dry-run"]
    way_out = run(repo, *custom)
    assert way_out.exit_code == 0, way_out.stderr


def test_template_full_exit_2_naming_compat_custom(repo):
    stderr = _refused(repo, *MINIMAX, "--template", "full")
    assert stderr.startswith("error: --template full:") and "--compat custom" in stderr


def test_an_http_sdk_exit_2_naming_the_flag(repo):
    stderr = _refused(repo, *MINIMAX, "--sdk", "httpx")
    assert stderr.startswith("error: --sdk httpx:") and "anthropic" in stderr


# --- the catalogue's Anthropic-compatible providers -----------------------------------------


def _anthropic_catalogue_ids() -> list[str]:
    ids = [
        cid
        for cid, entry in cat.load().items()
        if isinstance(entry, dict) and entry.get("npm") == ANTHROPIC_NPM and cid != "anthropic"
    ]
    return sorted(ids)


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory) -> Path:
    """One scratch checkout for the dry runs (they write nothing)."""
    return make_scratch(tmp_path_factory.mktemp("anthropic") / "repo")


def test_the_bundled_catalogue_has_anthropic_compatible_providers():
    assert "minimax" in _anthropic_catalogue_ids()


@pytest.mark.parametrize("catalogue_id", _anthropic_catalogue_ids())
def test_from_models_dev_plans_the_subclass(shared_repo, catalogue_id):
    before = fingerprint(shared_repo)
    args = ("add-driver", "--from-models-dev", catalogue_id, "--dry-run", "--json")
    result = run(shared_repo, *args)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    spec = data["spec"]
    entry = cat.load()[catalogue_id]
    assert (spec["compat"], spec["sdk"], spec["models_dev_name"]) == (
        "anthropic",
        "anthropic>=2.0",
        catalogue_id,
    )
    assert spec["endpoint"] == anthropic_base_url(entry["api"])
    assert not spec["endpoint"].endswith("/v1")
    # The base sends JSON requests and schemas in the system prompt, never natively.
    assert (spec["json_mode"], spec["json_schema"]) == (False, False)
    changes = {c["path"]: c for c in data["changes"]}
    provider = spec["provider"]
    driver = changes[f"prompture/drivers/{provider}_driver.py"]["diff"]
    assert f"+class {spec['class_name']}Driver(AnthropicMessagesDriver):" in driver
    assert f'+{provider} = ["anthropic>=2.0"]' in changes["pyproject.toml"]["diff"]
    rate_file = changes[f"prompture/infra/rates/{provider}.json"]["diff"]
    assert '+  "api_type": "anthropic",' in rate_file
    assert fingerprint(shared_repo) == before


# --- spec defaults of the wire format -------------------------------------------------------


def _spec(**answers):
    given = {"compat": "anthropic", "endpoint": "https://api.acme.test/v1", "default_model": "m"}
    request = Request(provider="acme", answers={**given, **answers}, no_models_dev=True)
    return build_spec(request, load_catalogue=dict)


def test_anthropic_wire_defaults_to_the_anthropic_sdk():
    spec = _spec()
    assert (spec.sdk, spec.sdk_requirement, spec.lazy) == ("anthropic>=2.0", "anthropic>=2.0", True)
    assert spec.endpoint == "https://api.acme.test"
    assert (spec.json_mode, spec.json_schema, spec.streaming) == (False, False, True)
    assert _spec(sdk="anthropic>=2.3").sdk == "anthropic>=2.3"
    openai = _spec(compat="openai")
    assert (openai.sdk, openai.endpoint) == ("requests", "https://api.acme.test/v1")


def test_catalogue_json_schema_is_not_claimed_on_the_anthropic_base():
    models = {"m-1": {"structured_output": True, "tool_call": True, "release_date": "2025"}}
    entry = {"name": "Acme", "npm": ANTHROPIC_NPM, "env": ["ACME_KEY"], "models": models}
    entry["api"] = "https://api.acme.test/anthropic/v1/"
    request = Request(provider="acme", from_models_dev="acme")
    spec = build_spec(request, load_catalogue=lambda: {"acme": entry})
    assert (spec.compat, spec.json_schema, spec.json_mode, spec.tool_use) == (
        "anthropic",
        False,
        False,
        True,
    )
    assert spec.endpoint == "https://api.acme.test/anthropic"
    asked = Request(provider="acme", from_models_dev="acme", answers={"json_schema": True})
    with pytest.raises(InvalidInput, match="^--json-schema: the Anthropic Messages API has no"):
        build_spec(asked, load_catalogue=lambda: {"acme": entry})


@pytest.mark.parametrize(
    ("endpoint", "base_url"),
    [
        ("http://127.0.0.1:9/v1", "http://127.0.0.1:9"),
        ("https://api.minimax.io/anthropic/v1", "https://api.minimax.io/anthropic"),
        ("https://api.kimi.com/coding/v1/", "https://api.kimi.com/coding"),
        ("https://api.anthropic.com", "https://api.anthropic.com"),
        ("https://api.anthropic.com/", "https://api.anthropic.com/"),
        ("https://x.test/v1beta", "https://x.test/v1beta"),
        ("https://v1", "https://v1"),
        ("https://x.test/v1/v2", "https://x.test/v1/v2"),
    ],
)
def test_anthropic_base_url_drops_only_a_last_v1_segment(endpoint, base_url):
    assert anthropic_base_url(endpoint) == base_url
