"""After add-driver writes a driver it says what to do next: the key variable, the generated
test, and an `add-driver ... --verify` command that rebuilds the same spec."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, make_scratch, run
from rich.console import Console

from prompture_scaffold.plan.changeset import FileChange
from prompture_scaffold.spec.build import Request, build_spec
from prompture_scaffold.wizard.review import changed_since, summary


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def verify_command(stdout: str) -> list[str]:
    (line,) = re.findall(r"in one go: (prompture .*)", stdout)
    return shlex.split(line)[1:]


@pytest.mark.parametrize(
    "args",
    [
        ACME_ARGS,
        [*ACME_ARGS, "--no-streaming", "--template", "full", "--class-name", "AcmeCo"],
        ["add-driver", "deepseek", "--from-models-dev", "deepseek", "--yes"],
        ["add-driver", "ds2", "--from-models-dev", "deepseek", "--default-model",
         "deepseek-chat", "--eager", "--no-example", "--display-name", "Deep Seek 2", "--yes"],
    ],
)  # fmt: skip
def test_the_verify_command_shown_rebuilds_the_same_driver(repo, args):
    added = run(repo, *args)
    assert added.exit_code == 0, added.stderr
    provider = args[1]
    assert "Next steps:" in added.stdout
    assert f"python -m pytest tests/test_{provider}_driver.py" in added.stdout
    assert re.search(r"1\. Set [A-Z0-9_]+_API_KEY in the environment", added.stdout)
    command = verify_command(added.stdout)
    assert command[-2:] == ["--yes", "--verify"] and "--repo" in command
    # The same command as a dry run: nothing to change, so --verify would only check.
    again = run(repo, *command[:-1], "--dry-run")
    assert again.exit_code == 0, again.stderr
    assert again.stdout.startswith("nothing to change"), again.stdout


def test_no_next_steps_for_json_or_a_dry_run_and_none_to_verify_after_verify(repo):
    assert "Next steps" not in run(repo, *ACME_ARGS, "--dry-run").stdout
    assert "Next steps" not in run(repo, *ACME_ARGS, "--json").stdout


def test_the_summary_wraps_long_values_at_80_columns_and_never_cuts_them():
    endpoint = "https://gateway.example-company.internal/llm/providers/acme/v1/openai-compatible"
    spec = build_spec(
        Request(provider="acme", answers={"compat": "openai", "endpoint": endpoint,
                "default_model": "acme-large-reasoning-2025-06-01-preview-experimental"},
                no_models_dev=True),
        load_catalogue=dict,
    )  # fmt: skip
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(summary(spec, lambda fields: "you"))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in out.getvalue()
    cells = "".join(line.split("│")[3].strip() for line in lines if line.count("│") == 5)
    assert endpoint in cells
    assert "acme-large-reasoning-2025-06-01-preview-experimental" in cells


def test_a_second_review_shows_only_what_changed():
    first = (FileChange("a.py", None, "A = 1\n"), FileChange("b.py", "x\n", "y\n"))
    shown = {c.path: c.diff for c in first}
    second = (FileChange("a.py", None, "A = 2\n"), FileChange("b.py", "x\n", "y\n"))
    diff, note = changed_since(shown, second)
    assert "+A = 2" in diff and "b.py" not in diff
    assert "unchanged since the last review (1): b.py" in note
    diff, note = changed_since(shown, first[1:])
    assert diff == "" and "the diff is the same as before" in note
    assert "no longer changed: a.py" in note
