"""The `prompture` CLI, in-process with Typer's CliRunner on scratch checkouts."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run
from typer.testing import CliRunner

from prompture_scaffold import __version__
from prompture_scaffold.cli import app
from prompture_scaffold.plan import writer

ACME = ACME_ARGS


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def test_help_and_version_in_a_real_process():
    exe = [sys.executable, "-m", "prompture_scaffold.cli"]
    done = subprocess.run([*exe, "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "add-driver" in done.stdout and done.stderr == ""
    done = subprocess.run([*exe, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == f"prompture-scaffold {__version__}"


def test_acceptance_add_is_idempotent_and_remove_restores_every_byte(repo):
    before = fingerprint(repo)
    result = run(repo, *ACME)
    assert result.exit_code == 0, result.stderr
    assert "created   prompture/drivers/acme_driver.py" in result.stdout
    assert "modified  prompture/drivers/__init__.py" in result.stdout
    assert (repo / "prompture/drivers/async_acme_driver.py").exists()
    added = fingerprint(repo)
    mtimes = {p: os.stat(repo / p).st_mtime_ns for p in added}

    again = run(repo, *ACME)
    assert again.exit_code == 0 and again.stdout.startswith("nothing to change")
    assert fingerprint(repo) == added
    assert {p: os.stat(repo / p).st_mtime_ns for p in added} == mtimes

    removed = run(repo, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.stderr
    assert "deleted   prompture/drivers/acme_driver.py" in removed.stdout
    assert fingerprint(repo) == before


def test_from_models_dev_needs_nothing_else(repo):
    result = run(repo, "add-driver", "deepseek", "--from-models-dev", "deepseek", "--yes")
    assert result.exit_code == 0, result.stderr
    assert '"deepseek": "deepseek"' in (repo / "prompture/model_rates.py").read_text()


@pytest.mark.parametrize("name", ["Bad Name", "../evil", "class", "9lives"])
def test_bad_names_exit_2_without_traceback_or_writes(repo, name):
    before = fingerprint(repo)
    result = run(repo, *[name if arg == "acme" else arg for arg in ACME])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: PROVIDER:") and "Traceback" not in result.output
    assert result.stdout == "" and fingerprint(repo) == before


def test_existing_provider_exits_3(repo):
    result = run(repo, *[("moonshot" if a == "acme" else a) for a in ACME])
    assert result.exit_code == 3 and "already has a driver" in result.stderr


def test_missing_values_exit_2_listing_flags(repo):
    result = run(repo, "add-driver", "acme", "--no-input", "--no-models-dev")
    assert result.exit_code == 2
    assert "--compat, --endpoint, --default-model" in result.stderr


def test_unknown_catalogue_id_suggests(repo):
    result = run(repo, "add-driver", "--from-models-dev", "deepseeek", "--yes")
    assert result.exit_code == 2 and "did you mean deepseek" in result.stderr


def test_dry_run_prints_the_diff_and_writes_nothing(repo):
    before = fingerprint(repo)
    result = run(repo, *ACME, "--dry-run")
    assert result.exit_code == 0
    header = "diff --git a/prompture/drivers/acme_driver.py b/prompture/drivers/acme_driver.py\n"
    assert header in result.stdout
    assert "--- /dev/null\n+++ b/prompture/drivers/acme_driver.py\n" in result.stdout
    assert "diff --git a/prompture/settings.py b/prompture/settings.py\n" in result.stdout
    assert "\x1b[" not in result.stdout  # plain text when not a terminal
    assert fingerprint(repo) == before


def test_json_output_shape(repo):
    result = run(repo, *ACME, "--dry-run", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"spec", "changes", "notes", "verify", "interpreter"}
    assert data["spec"]["provider"] == "acme" and data["spec"]["models_dev_name"] is None
    change = data["changes"][0]
    assert set(change) == {"path", "action", "diff"}
    assert {c["action"] for c in data["changes"]} == {"create", "modify"}
    assert data["verify"] == [] and data["interpreter"] is None


def test_missing_anchor_exits_3_and_writes_nothing(repo):
    rates = repo / "prompture/model_rates.py"
    text = rates.read_text()
    start = text.index("PROVIDER_MAP: dict[str, str] = {")
    rates.write_text(text[:start] + text[text.index("}\n", start) + 2 :])
    before = fingerprint(repo)
    result = run(repo, "add-driver", "deepseek", "--from-models-dev", "deepseek", "--yes")
    assert result.exit_code == 3
    assert "PROVIDER_MAP" in result.stderr and "prompture" in result.stderr
    assert fingerprint(repo) == before


def test_save_spec_then_replay_gives_the_same_plan(repo, tmp_path):
    saved = tmp_path / "deepseek.toml"
    first = run(repo, "add-driver", "--from-models-dev", "deepseek", "--dry-run", "--json",
                "--save-spec", str(saved))  # fmt: skip
    assert first.exit_code == 0 and saved.exists()
    replay = run(repo, "add-driver", "--spec", str(saved), "--dry-run", "--json", "--yes")
    assert replay.exit_code == 0
    assert json.loads(replay.stdout) == json.loads(first.stdout)


def test_write_failure_half_way_leaves_the_tree_byte_identical(repo, monkeypatch):
    before = fingerprint(repo)
    count = []

    def flaky(path, data):
        if len(count) == 3:
            raise OSError("injected failure")
        count.append(path)
        writer.write_atomic(path, data)

    monkeypatch.setattr(writer, "apply", functools.partial(writer.apply, write_file=flaky))
    result = run(repo, *ACME)
    assert result.exit_code == 3 and "injected failure" in result.stderr
    assert len(count) == 3 and fingerprint(repo) == before


@pytest.mark.parametrize(("answer", "written"), [("n\n", False), ("y\n", True)])
def test_on_a_terminal_the_diff_is_shown_and_confirmed(repo, monkeypatch, answer, written):
    from prompture_scaffold.commands import _common

    monkeypatch.setattr(_common, "stdin_is_terminal", lambda: True)
    before = fingerprint(repo)
    args = [a for a in ACME if a != "--yes"]
    result = CliRunner().invoke(app, [*args, "--repo", str(repo)], input=answer)
    assert result.exit_code == 0 and "diff --git" in result.stdout  # "n" is a choice: exit 0
    assert "Apply these 11 changes?" in result.stdout
    assert (fingerprint(repo) == before) is not written


def test_contradicting_and_invalid_options_exit_2(repo, tmp_path):
    result = run(repo, *ACME, "--models-dev-name", "deepseek")
    assert result.exit_code == 2 and "cannot be combined with --no-models-dev" in result.stderr
    result = CliRunner().invoke(app, [*ACME, "--repo", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.stderr
    result = run(repo, *ACME, "--compat", "soap")
    assert result.exit_code == 2 and "--compat" in result.stderr


def test_remove_unknown_provider_exits_2(repo):
    result = run(repo, "remove-driver", "acmee", "--yes")
    assert result.exit_code == 2 and "no driver named 'acmee'" in result.stderr


def test_remove_dry_run_json(repo):
    result = run(repo, "remove-driver", "zai", "--dry-run", "--json")
    assert result.exit_code == 0
    actions = {c["path"]: c["action"] for c in json.loads(result.stdout)["changes"]}
    assert actions["prompture/drivers/zai_driver.py"] == "delete"
    assert actions["prompture/drivers/__init__.py"] == "modify"


def test_check_drivers_reports_what_is_missing(repo):
    result = run(repo, "check-drivers", "--json")
    assert result.exit_code in (0, 1)
    data = {d["provider"]: d for d in json.loads(result.stdout)["drivers"]}
    assert data["zai"]["missing"] == [] and data["zai"]["places"]["settings"] is True
    settings = repo / "prompture/settings.py"
    settings.write_text(settings.read_text().replace("    zai_model: str", "    zai_modl: str"))
    (repo / "prompture/drivers/stray_driver.py").write_text('"""Nobody registers me."""\n')
    result = run(repo, "check-drivers")
    assert result.exit_code == 1
    assert "zai: missing settings\n" in result.stderr
    assert "stray: missing registry\n" in result.stderr
    assert "✗" in result.stdout and "grok" in result.stdout


def test_verify_runs_every_check(repo):
    result = run(repo, *ACME, "--verify", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = {c["name"]: c["ok"] for c in json.loads(result.stdout)["verify"]}
    assert checks == {"import": True, "registry": True, "discovery": True, "tests": True}


def test_verify_failure_is_exit_1_with_the_process_output(repo, monkeypatch):
    from prompture_scaffold.commands import verify

    def failing(argv, **kwargs):
        if argv[-1] == verify.PROBE:  # the interpreter itself is fine
            return subprocess.run(argv, **kwargs)
        if "pytest" in argv:
            raise subprocess.TimeoutExpired(argv, kwargs["timeout"])
        return subprocess.CompletedProcess(argv, 1, "", "ImportError: no AcmeDriver")

    real = verify.run_checks
    monkeypatch.setattr(
        verify, "run_checks", lambda spec, layout, **kw: real(spec, layout, run=failing)
    )
    result = run(repo, *ACME, "--verify")
    assert result.exit_code == 1
    assert "✗ fail" in result.stdout and "ImportError: no AcmeDriver" in result.stderr
    data = json.loads(run(repo, *ACME, "--verify", "--json").stdout)["verify"]
    assert [c["ok"] for c in data] == [False] * 4
    assert data[-1]["output"] == "timed out after 60s" and data[0]["returncode"] == 1
