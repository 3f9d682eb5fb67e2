"""`add-driver --ask FIELD` and `--refresh-catalogue`, in-process with Typer's CliRunner."""

from __future__ import annotations

import pytest
from _scratch import make_scratch
from typer.testing import CliRunner

from prompture_scaffold.catalogue import models_dev as catalogue
from prompture_scaffold.cli import app
from prompture_scaffold.spec.driver_spec import FIELD_NAMES

ACME = [
    "add-driver", "acme", "--dry-run", "--compat", "openai", "--endpoint", "https://a.test/v1",
    "--default-model", "acme-1", "--no-models-dev",
]  # fmt: skip


@pytest.fixture
def repo(tmp_path):
    return make_scratch(tmp_path / "repo")


def test_ask_names_a_field_of_the_spec(repo):
    result = CliRunner().invoke(app, [*ACME, "--ask", "modle", "--repo", str(repo)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--ask: unknown field 'modle'; valid fields: {', '.join(FIELD_NAMES)}" in result.stderr


def test_ask_without_a_terminal_never_prompts(repo):
    result = CliRunner().invoke(app, [*ACME, "--ask", "default_model", "--repo", str(repo)])
    assert result.exit_code == 0 and "+++ b/prompture/drivers/acme_driver.py" in result.stdout


def test_refresh_catalogue_runs_before_the_spec_is_built(repo, monkeypatch):
    calls = []
    monkeypatch.setattr(catalogue, "refresh", lambda console, **kw: calls.append(kw) or False)
    result = CliRunner().invoke(app, [*ACME, "--refresh-catalogue", "--repo", str(repo)])
    assert result.exit_code == 0 and len(calls) == 1
    assert result.stdout.startswith("diff --git")  # stdout stays the diff alone
