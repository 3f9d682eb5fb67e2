"""`--force` regeneration, checkouts shaped unlike ours, and how failures are reported.

The scratch checkouts are copies of this repository's runtime (`_scratch.make_scratch`),
reshaped where a test needs it: the package under `src/`, the async registrations in a
module of their own, a guide without a driver list.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run
from checkouts import ACME, acmelib, build_file_tree
from typer.testing import CliRunner

from prompture_scaffold.checkout import discover
from prompture_scaffold.cli import app
from prompture_scaffold.errors import WriteFailed
from prompture_scaffold.plan.planner import plan_add
from prompture_scaffold.plan.writer import apply
from prompture_scaffold.render import files as render


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def with_values(args: list[str], **values: str) -> list[str]:
    """`args` with the value after each `--flag` named in `values` replaced."""
    out = list(args)
    for flag, value in values.items():
        out[out.index("--" + flag.replace("_", "-")) + 1] = value
    return out


# --- --force ----------------------------------------------------------------------------


def test_force_with_new_values_rewires_settings_and_env_template(repo):
    before = fingerprint(repo)
    assert run(repo, *ACME_ARGS).exit_code == 0
    changed = with_values(ACME_ARGS, default_model="acme-2", endpoint="https://api2.acme.test/v1")

    result = run(repo, *changed, "--force")
    assert result.exit_code == 0, result.stderr
    settings = (repo / "prompture/settings.py").read_text()
    env = (repo / ".env.copy").read_text()
    assert 'acme_model: str = "acme-2"' in settings and "acme-1" not in settings
    assert 'acme_endpoint: str = "https://api2.acme.test/v1"' in settings
    assert "ACME_MODEL=acme-2\n" in env and "ACME_ENDPOINT=https://api2.acme.test/v1\n" in env
    driver = (repo / "prompture/drivers/acme_driver.py").read_text()
    assert 'default_model = "acme-2"' in driver

    again = run(repo, *changed, "--force")
    assert again.exit_code == 0 and again.stdout.startswith("nothing to change")
    assert run(repo, "remove-driver", "acme", "--yes").exit_code == 0
    assert fingerprint(repo) == before


def test_force_with_the_same_answers_changes_nothing(repo):
    before = fingerprint(repo)
    spec_file = str(repo / "prompture/drivers/specs/grok.toml")
    # --no-tests: the scratch copy has no tests/test_grok_driver.py to compare with
    result = run(repo, "add-driver", "grok", "--spec", spec_file, "--no-tests", "--yes", "--force")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("nothing to change")
    assert fingerprint(repo) == before


def test_force_only_touches_the_wiring_the_new_answer_changes(repo):
    spec_file = str(repo / "prompture/drivers/specs/grok.toml")
    args = ["add-driver", "grok", "--spec", spec_file, "--default-model", "grok-9"]
    result = run(repo, *args, "--yes", "--force", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    paths = {change["path"] for change in json.loads(result.stdout)["changes"]}
    assert {"prompture/settings.py", ".env.copy", "prompture/drivers/grok_driver.py"} <= paths
    untouched = {"prompture/drivers/__init__.py", "prompture/__init__.py", "CLAUDE.md"}
    assert not paths & untouched
    assert not paths & {"prompture/discovery.py", "prompture/model_rates.py"}


# --- checkouts shaped unlike ours --------------------------------------------------------


def _split_async_registrations(package: Path) -> None:
    """Move the async imports and registrations of `drivers/__init__.py` to their own module."""
    init = package / "drivers" / "__init__.py"
    lines = init.read_text().splitlines()
    moved = [ln for ln in lines if ln.startswith("register_async_driver(")]
    imports = [ln for ln in lines if re.match(r"from \.async_\w+_driver import", ln)]
    kept = [ln for ln in lines if ln not in moved and ln not in imports]
    text = "\n".join(kept) + "\n"
    text = re.sub(r'\n    "Async(?!OpenAICompatible|AnthropicMessages)\w+Driver",', "", text)
    text += "\nfrom . import async_registry  # noqa: E402, F401  (registers the async twins)\n"
    init.write_text(text)
    (package / "drivers" / "async_registry.py").write_text(
        '"""The async registrations."""\n\n'
        + "\n".join(sorted(imports))
        + "\nfrom .registry import register_async_driver, settings_factory\n\n"
        + "\n".join(moved)
        + "\n"
    )


def test_verify_passes_on_a_src_layout_with_async_registrations_apart(repo):
    (repo / "src").mkdir()
    (repo / "prompture").rename(repo / "src" / "prompture")
    _split_async_registrations(repo / "src" / "prompture")
    (repo / "tests").mkdir(exist_ok=True)
    before = fingerprint(repo)

    result = run(repo, *ACME_ARGS, "--verify", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert [(check["name"], check["ok"]) for check in report["verify"]] == [
        ("import", True),
        ("registry", True),
        ("discovery", True),
        ("tests", True),
    ]
    registry = (repo / "src/prompture/drivers/async_registry.py").read_text()
    assert "from .async_acme_driver import AsyncAcmeDriver" in registry
    assert run(repo, "remove-driver", "acme", "--yes").exit_code == 0
    assert fingerprint(repo) == before


def test_generated_tests_use_the_checkouts_own_contract_suite(tmp_path):
    own_suite = "from .contract import OpenAICompatibleContract\n"
    layout = acmelib(
        tmp_path, **{"acmelib/testing/__init__.py": own_suite, "tests/__init__.py": ""}
    )
    assert "OpenAICompatibleContract" in layout.testing_contracts
    test_module = render.render_new_files(ACME, layout)["tests/test_acme_driver.py"]
    assert "from acmelib.testing import OpenAICompatibleContract\n" in test_module


def test_without_a_testing_package_the_tests_stand_alone(tmp_path):
    # Never a module the checkout lacks: a local server of their own, stdlib and pytest only.
    layout = acmelib(tmp_path, **{"tests/__init__.py": ""})
    assert layout.testing_contracts == frozenset()
    test_module = render.render_new_files(ACME, layout)["tests/test_acme_driver.py"]
    assert "prompture" not in test_module
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(test_module))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(test_module))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported <= {
        "__future__",
        "asyncio",
        "collections",
        "http",
        "json",
        "threading",
        "pytest",
        layout.package,
    }


def test_new_files_without_their_folder_are_skipped_with_a_note(tmp_path):
    layout = acmelib(tmp_path)  # no examples/ and no tests/ folder
    plan = plan_add(ACME, layout)
    assert not any(c.path.startswith(("examples/", "tests/")) for c in plan.changes)
    assert "skipped the example: this checkout has no examples folder" in plan.notes
    assert "skipped the test file: this checkout has no tests folder" in plan.notes


def test_the_guide_with_the_driver_list_is_the_one_edited(tmp_path):
    layout = acmelib(tmp_path)  # AGENTS.md has the driver list
    assert layout.docs_file == layout.root / "AGENTS.md"
    build_file_tree(layout.root, {"CLAUDE.md": "# Guide\n\n- Commands: pytest, ruff\n"})
    assert discover(layout.root).docs_file == layout.root / "AGENTS.md"
    build_file_tree(layout.root, {"AGENTS.md": "# Agents\n"})
    assert discover(layout.root).docs_file == layout.root / "CLAUDE.md"  # neither: the first


def test_a_guide_without_a_driver_list_is_skipped_with_a_note(repo):
    guide = repo / "CLAUDE.md"
    guide.write_text(re.sub(r"(?m)^- Drivers: .*\n", "", guide.read_text()))
    result = run(repo, *ACME_ARGS)
    assert result.exit_code == 0, result.stderr
    assert "note: skipped the docs driver list: CLAUDE.md: no bullet" in result.stdout
    checked = run(repo, "check-drivers", "--json")
    places = {d["provider"]: d["places"] for d in json.loads(checked.stdout)["drivers"]}
    assert places["acme"]["docs"] is None and checked.exit_code == 0


# --- how failures are reported -----------------------------------------------------------


def test_a_file_that_does_not_parse_is_named_with_its_anchor(repo):
    settings = repo / "prompture/settings.py"
    settings.write_text(settings.read_text() + "\ndef broken(:\n")
    before = fingerprint(repo)
    result = run(repo, *ACME_ARGS)
    assert result.exit_code == 3
    assert result.stderr.startswith("error: prompture/settings.py: does not parse")
    assert result.stderr.rstrip().endswith("(Settings)") and "<module>" not in result.stderr
    assert fingerprint(repo) == before


def test_with_json_an_error_is_json_on_stdout_too(repo):
    result = run(repo, *with_values(ACME_ARGS, default_model="two words"), "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == 2 and error["message"].startswith("--default-model")


def test_a_failed_write_is_reported_as_restored(repo):
    layout = discover(repo)
    plan = plan_add(ACME, layout)
    before = fingerprint(repo)
    written = []

    def fail_third(path, data):
        if len(written) == 2:
            raise PermissionError(13, "Permission denied")
        written.append(path)
        Path(path).write_bytes(data or b"")

    with pytest.raises(WriteFailed) as caught:
        apply(plan, repo, write_file=fail_third)
    assert isinstance(caught.value, OSError) and caught.value.exit_code == 3
    assert str(caught.value) == (
        f"{plan.changes[2].path}: cannot write it (Permission denied); "
        "every file was restored, nothing changed"
    )
    assert fingerprint(repo) == before


def test_an_sdk_the_openai_compatible_driver_never_calls_is_said(tmp_path):
    import dataclasses

    plan = plan_add(dataclasses.replace(ACME, sdk="acme-sdk>=1.2", lazy=True), acmelib(tmp_path))
    assert any(
        n.startswith("--sdk acme-sdk>=1.2: the OpenAI-compatible driver") for n in plan.notes
    )
    pyproject = next(c for c in plan.changes if c.path == "pyproject.toml")
    assert 'acme = ["acme-sdk>=1.2"]' in pyproject.after


def test_force_without_tests_or_example_deletes_the_stale_ones(repo):
    (repo / "tests").mkdir(exist_ok=True)
    assert run(repo, *ACME_ARGS).exit_code == 0
    assert (repo / "tests/test_acme_driver.py").exists()
    result = run(
        repo, *ACME_ARGS, "--class-name", "AcmeCo", "--no-tests", "--no-example", "--force"
    )
    assert result.exit_code == 0, result.stderr
    assert "deleted   tests/test_acme_driver.py" in result.stdout
    assert "deleted   examples/acme_example.py" in result.stdout
    assert "class AcmeCoDriver" in (repo / "prompture/drivers/acme_driver.py").read_text()


def test_a_class_name_shadowing_a_package_export_is_refused(repo):
    before = fingerprint(repo)
    result = run(repo, *ACME_ARGS, "--class-name", "Async")
    assert result.exit_code == 2 and "AsyncDriver" in result.stderr
    assert fingerprint(repo) == before


# --- interruptions -----------------------------------------------------------------------


def test_ctrl_c_at_the_confirmation_is_130_with_nothing_written(repo, monkeypatch):
    from prompture_scaffold.commands import _common

    monkeypatch.setattr(_common, "stdin_is_terminal", lambda: True)
    before = fingerprint(repo)
    args = [a for a in ACME_ARGS if a != "--yes"]
    result = CliRunner().invoke(app, [*args, "--repo", str(repo)], input="")  # EOF: Abort
    assert result.exit_code == 130 and "aborted: nothing written" in result.stderr
    assert fingerprint(repo) == before


def test_ctrl_c_during_verify_says_the_change_is_written(repo, monkeypatch):
    from prompture_scaffold.commands import verify

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(verify, "run_checks", interrupted)
    result = run(repo, *ACME_ARGS, "--verify")
    assert result.exit_code == 130
    assert "the change is written (`prompture remove-driver acme` undoes it)" in result.stderr
    assert (repo / "prompture/drivers/acme_driver.py").exists()


# --- check-drivers finds drift the wiring edits alone cannot see -------------------------


@pytest.mark.parametrize(
    ("path", "line", "place"),
    [
        ("prompture/model_rates.py", '    "groq": "groq",\n', "provider map"),
        ("pyproject.toml", 'groq = ["groq>=1.0"]\n', "extras"),
        (".env.copy", "GROQ_MODEL=llama-3.3-70b-versatile\n", "env template"),
    ],
)
def test_check_drivers_sees_a_deleted_line(repo, path, line, place):
    assert run(repo, "check-drivers").exit_code == 0
    text = (repo / path).read_text()
    assert line in text
    (repo / path).write_text(text.replace(line, "", 1))
    result = run(repo, "check-drivers", "--json")
    assert result.exit_code == 1
    groq = next(d for d in json.loads(result.stdout)["drivers"] if d["provider"] == "groq")
    assert groq["places"][place] is False


def test_a_second_driver_for_a_catalogue_provider_is_noted(repo):
    result = run(repo, "add-driver", "--from-models-dev", "moonshotai", "--yes", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "note: 'moonshot' already maps to models.dev 'moonshotai'" in result.stderr
