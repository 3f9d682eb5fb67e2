"""`check-drivers --fix`: drift deleted by hand is shown, restored through add-driver's edits and
gone afterwards; what cannot be repaired is named per driver and place (exit 1). Also
`add-driver --force` with the same flags puts such lines back, and the table stays readable
at 80 columns."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run
from upstream_trees import FLAT, build


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> Path:
    root = make_scratch(tmp_path_factory.mktemp("added") / "repo")
    assert run(root, *ACME_ARGS).exit_code == 0
    return root


@pytest.fixture
def repo(tmp_path, added) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(added, root)
    return root


def delete_lines(path: Path, *starts: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(starts)]
    assert len(kept) == len(lines) - len(starts), starts
    path.write_text("".join(kept), encoding="utf-8")


REGISTRATION = 'register_driver("acme"'
ENV_LINE = "ACME_MODEL="


@pytest.mark.parametrize(
    "registration", [REGISTRATION, 'register_async_driver("acme"'], ids=["sync", "async"]
)
def test_fix_shows_and_restores_a_deleted_registration_and_env_line(repo, added, registration):
    delete_lines(repo / "prompture/drivers/__init__.py", registration)
    delete_lines(repo / ".env.copy", ENV_LINE)
    checked = run(repo, "check-drivers")
    assert checked.exit_code == 1
    assert "acme: missing registry, env template" in checked.stderr

    fixed = run(repo, "check-drivers", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert f"+{registration}" in fixed.stdout and f"+{ENV_LINE}acme-1" in fixed.stdout
    assert "fixed: 2 modified" in fixed.stdout
    assert fingerprint(repo) == fingerprint(added)
    assert run(repo, "check-drivers").exit_code == 0


def test_fix_restores_a_builtin_driver_and_a_settings_field(repo):
    delete_lines(repo / "prompture/drivers/__init__.py", 'register_driver("moonshot"')
    delete_lines(repo / "prompture/settings.py", "    zai_model:")
    delete_lines(repo / ".env.copy", "ZAI_API_KEY=")
    assert run(repo, "check-drivers").exit_code == 1
    fixed = run(repo, "check-drivers", "--fix", "--json")
    assert fixed.exit_code == 0, fixed.output
    data = json.loads(fixed.stdout)
    assert data["written"] and data["unrepaired"] == []
    assert {c["path"] for c in data["changes"]} == {
        ".env.copy",
        "prompture/drivers/__init__.py",
        "prompture/settings.py",
    }
    assert run(repo, "check-drivers").exit_code == 0


def test_fix_dry_run_writes_nothing_and_exits_1(repo):
    delete_lines(repo / ".env.copy", ENV_LINE)
    before = fingerprint(repo)
    result = run(repo, "check-drivers", "--fix", "--dry-run")
    assert result.exit_code == 1
    assert f"+{ENV_LINE}acme-1" in result.stdout and "nothing written (dry run)" in result.stderr
    assert fingerprint(repo) == before


def test_fix_on_a_clean_checkout_changes_nothing(repo):
    before = fingerprint(repo)
    result = run(repo, "check-drivers", "--fix")
    assert result.exit_code == 0 and "nothing to fix" in result.stdout
    assert fingerprint(repo) == before


def test_fix_names_what_it_cannot_repair_and_exits_1(repo):
    (repo / "prompture/drivers/stray_driver.py").write_text('"""Nobody registers me."""\n')
    delete_lines(repo / ".env.copy", ENV_LINE)
    result = run(repo, "check-drivers", "--fix")
    assert result.exit_code == 1
    assert "cannot repair stray: registry (no driver class in stray_driver.py)" in result.stderr
    assert run(repo, "check-drivers").stderr == "stray: missing registry\n"  # acme repaired


def test_force_with_the_same_flags_restores_lines_deleted_by_hand(repo, added):
    delete_lines(repo / "prompture/drivers/__init__.py", 'register_async_driver("acme"')
    delete_lines(repo / ".env.copy", ENV_LINE)
    result = run(repo, *ACME_ARGS, "--force")
    assert result.exit_code == 0, result.output
    assert "nothing to change" not in result.stdout
    assert fingerprint(repo) == fingerprint(added)
    assert run(repo, "check-drivers").exit_code == 0


# --- an upstream-shaped checkout ------------------------------------------------------------


@pytest.fixture
def flat(tmp_path) -> Path:
    root = build(tmp_path / "flat", FLAT)
    assert run(root, *ACME_ARGS).exit_code == 0
    return root


def test_fix_on_an_upstream_checkout_restores_the_places_it_reports(flat):
    wired = fingerprint(flat)
    registry = flat / "upflat/drivers/async_registry.py"
    text = registry.read_text(encoding="utf-8")
    call = re.search(r'register_async_driver\(\n    "acme",.*?\n\)\n', text, re.S)
    registry.write_text(text.replace(call.group(), ""), encoding="utf-8")
    env = flat / ".env.copy"
    env.write_text(env.read_text(encoding="utf-8").replace("ACME_API_KEY=your-api-key-here\n", ""))
    checked = run(flat, "check-drivers")
    assert checked.exit_code == 1 and "acme: missing registry, env template" in checked.stderr

    fixed = run(flat, "check-drivers", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert '+    "acme",' in fixed.stdout and "+ACME_API_KEY=" in fixed.stdout
    assert fingerprint(flat) == wired
    assert run(flat, "check-drivers").exit_code == 0


def test_fix_leaves_a_hand_written_driver_without_its_files_alone(flat):
    (flat / "upflat/drivers/async_beta_driver.py").unlink()
    before = fingerprint(flat)
    result = run(flat, "check-drivers", "--fix")
    assert result.exit_code == 1
    assert "cannot repair beta: files (its driver files are missing" in result.stderr
    assert fingerprint(flat) == before


# --- the table at 80 columns ----------------------------------------------------------------


def rendered(statuses, columns, width: int) -> str:
    from rich.console import Console

    from prompture_scaffold.commands.check_drivers import table

    console = Console(file=io.StringIO(), width=width, color_system=None)
    table(statuses, columns, console)
    return console.file.getvalue()


def test_the_table_keeps_full_names_at_80_columns(repo):
    from prompture_scaffold.checkout import discover
    from prompture_scaffold.checkout.snapshot import Snapshot
    from prompture_scaffold.plan.drift import survey

    found = survey(discover(repo), Snapshot(repo))
    text = rendered(found.statuses, found.columns, 80)
    assert all(len(line) <= 80 for line in text.splitlines())
    for status in found.statuses:
        assert re.search(rf"^\s*{status.provider}\s+✓", text, re.M), status.provider
    assert "…" not in text and "reg=registry" in text
    wide = rendered(found.statuses, found.columns, 160)
    assert "env template" in wide.splitlines()[2] and "reg=" not in wide


def test_a_name_too_long_for_the_grid_gets_one_line_per_driver():
    from prompture_scaffold.plan.drift import COLUMNS, Status

    long = "a" * 40 + "_provider_with_a_long_name"
    statuses = [
        Status("openrouter", dict.fromkeys(COLUMNS, True)),
        Status(long, {**dict.fromkeys(COLUMNS, True), "registry": False}),
    ]
    text = rendered(statuses, COLUMNS, 60)
    assert "openrouter: ✓ wired" in text
    assert f"{long}: missing registry" in text.replace("\n", "")


def test_many_drivers_show_only_the_drifted_ones():
    from prompture_scaffold.commands.check_drivers import ALL_ROWS
    from prompture_scaffold.plan.drift import COLUMNS, Status

    statuses = [Status(f"p{n:03d}", dict.fromkeys(COLUMNS, True)) for n in range(ALL_ROWS + 5)]
    statuses[7].places["docs"] = False
    text = rendered(statuses, COLUMNS, 80)
    assert "p007" in text and "p006" not in text
    assert f"{ALL_ROWS + 4} more drivers wired in every place" in text


@pytest.mark.parametrize(("answer", "code"), [("y\n", 0), ("n\n", 1)])
def test_fix_on_a_terminal_asks_before_writing(repo, added, monkeypatch, answer, code):
    from typer.testing import CliRunner

    from prompture_scaffold.cli import app
    from prompture_scaffold.commands import _common

    monkeypatch.setattr(_common, "stdin_is_terminal", lambda: True)
    delete_lines(repo / ".env.copy", ENV_LINE)
    before = fingerprint(repo)
    result = CliRunner().invoke(app, ["check-drivers", "--fix", "--repo", str(repo)], input=answer)
    assert result.exit_code == code, result.output
    assert "Apply these 1 changes?" in result.stdout and f"+{ENV_LINE}acme-1" in result.stdout
    assert fingerprint(repo) == (fingerprint(added) if code == 0 else before)
