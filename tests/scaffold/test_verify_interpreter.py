"""`--verify` runs in the checkout's environment: which interpreter, and honest statuses.

Real interpreters throughout: venvs made here with `python -m venv`, and small shell wrappers
given to `--python`; no check is faked.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, make_scratch, run

from prompture_scaffold.commands.verify import choose_interpreter, commands

posix_only = pytest.mark.skipif(os.name == "nt", reason="shell wrappers and bin/ venvs")


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def _fake_venv(path: Path) -> Path:
    (path / "bin").mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (path / "bin" / "python").write_text("")
    return path


def _venv(path: Path, *, with_our_packages: bool) -> Path:
    """A real venv; with our packages it sees this test run's site-packages (pytest, requests,
    ...) through a `.pth`, without them it has the standard library only (no pytest)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    if with_our_packages:
        pure = subprocess.run(
            [path / "bin/python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        lines = "".join(f"import site; site.addsitedir({d!r})\n" for d in site.getsitepackages())
        (Path(pure) / "_verify_test.pth").write_text(lines)
    return path


def _wrapper(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


# --- the choice --------------------------------------------------------------------------


def test_python_option_wins_over_everything(tmp_path, monkeypatch):
    _fake_venv(tmp_path / ".venv")
    chosen = choose_interpreter(tmp_path, "/opt/py/bin/python3", {"VIRTUAL_ENV": "/x"})
    assert (str(chosen.path), chosen.why) == ("/opt/py/bin/python3", "--python")
    venv = _fake_venv(tmp_path / "other")
    assert choose_interpreter(tmp_path, venv, {}).path == venv / "bin/python"  # a venv folder
    on_path = Path(sys.executable)
    chosen = choose_interpreter(tmp_path, on_path.name, {"PATH": str(on_path.parent)})
    assert chosen.path == on_path  # a command name, looked up on PATH
    monkeypatch.chdir(tmp_path)
    assert choose_interpreter(tmp_path, "./bin/py", {}).path == tmp_path / "bin/py"  # absolute


@posix_only
def test_the_checkout_venv_then_venv_then_the_active_one_then_this_one(tmp_path):
    elsewhere = _fake_venv(tmp_path / "era-venv")
    root = tmp_path / "checkout"
    root.mkdir()
    active = _fake_venv(tmp_path / "active")
    environ = {"VIRTUAL_ENV": str(active)}

    assert (
        choose_interpreter(root, None, {}).describe()
        == f"{sys.executable} (the current interpreter)"
    )
    assert choose_interpreter(root, None, environ).describe() == (
        f"{active}/bin/python (the active virtualenv, VIRTUAL_ENV)"
    )
    (root / "venv").symlink_to(elsewhere)  # a symlink to a venv counts
    assert choose_interpreter(root, None, environ).describe() == (
        f"{root}/venv/bin/python (the checkout's venv)"
    )
    _fake_venv(root / ".venv")
    chosen = choose_interpreter(root, None, environ)
    assert (chosen.path, chosen.why, chosen.venv) == (
        root / ".venv/bin/python",
        "the checkout's .venv",
        root / ".venv",
    )
    (root / "empty").mkdir()  # a folder that is no venv is not taken for one
    assert choose_interpreter(root / "empty", None, {}).why == "the current interpreter"


def test_check_scripts_use_only_the_checkout_package_and_the_stdlib(repo, monkeypatch):
    from prompture_scaffold.commands import verify

    seen = {}

    def record(spec, layout, **kwargs):
        seen.update(commands(spec, layout, "/py"))
        return real(spec, layout, python=sys.executable)

    real = verify.run_checks
    monkeypatch.setattr(verify, "run_checks", record)
    assert run(repo, *ACME_ARGS, "--verify").exit_code == 0
    assert list(seen) == ["import", "registry", "discovery", "tests"]
    for name, argv in seen.items():
        assert argv[0] == "/py", name
        assert "prompture_scaffold" not in " ".join(argv), name
    assert seen["tests"][1:3] == ["-m", "pytest"]
    assert "from prompture import AcmeDriver" in seen["import"][2]


# --- end to end --------------------------------------------------------------------------


@posix_only
def test_verify_uses_the_checkout_venv_behind_a_symlink(repo, tmp_path):
    venv = _venv(tmp_path / "era-venv", with_our_packages=True)
    (repo / ".venv").symlink_to(venv)

    result = run(repo, *ACME_ARGS, "--verify")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert f"verify: {repo}/.venv/bin/python (the checkout's .venv)\n" in result.stdout

    data = json.loads(run(repo, *ACME_ARGS, "--verify", "--json").stdout)
    assert data["interpreter"] == {
        "path": f"{repo}/.venv/bin/python",
        "why": "the checkout's .venv",
    }
    assert [(c["name"], c["status"]) for c in data["verify"]] == [
        ("import", "pass"),
        ("registry", "pass"),
        ("discovery", "pass"),
        ("tests", "pass"),
    ]
    counts = data["verify"][-1]["counts"]  # the skipped tests are counted apart, never as passed
    assert counts["passed"] > 0 and counts["failed"] == 0 and counts["skipped"] > 0


@posix_only
def test_python_option_runs_every_check_with_it_and_all_skipped_is_no_pass(repo, tmp_path):
    log = tmp_path / "calls.log"
    wrapper = _wrapper(tmp_path / "py", f'echo "$1" >> {log}\nexec {sys.executable} "$@"')
    conftest = repo / "tests" / "conftest.py"
    conftest.write_text(
        conftest.read_text()
        + "\n\ndef pytest_collection_modifyitems(items):\n"
        + "    for item in items:\n"
        + "        item.add_marker(pytest.mark.skip(reason='held back by the test'))\n"
    )

    result = run(repo, *ACME_ARGS, "--verify", "--json", "--python", str(wrapper))
    assert result.exit_code == 1, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["interpreter"] == {"path": str(wrapper), "why": "--python"}
    assert [c["status"] for c in data["verify"]] == ["pass", "pass", "pass", "skipped"]
    tests = data["verify"][-1]
    assert tests["ok"] is False and tests["counts"]["passed"] == 0
    assert tests["reason"] == "held back by the test"
    assert "verify: the tests check was skipped: held back by the test" in result.stderr
    # the probe, the three scripts, then its own `-m pytest`
    assert log.read_text().splitlines() == ["-c", "-c", "-c", "-c", "-m"]


@posix_only
def test_an_interpreter_without_pytest_reports_the_tests_as_not_run(repo, tmp_path):
    bare = _venv(tmp_path / "bare", with_our_packages=False)
    result = run(repo, *ACME_ARGS, "--verify", "--json", "--python", str(bare / "bin/python"))
    assert result.exit_code == 1
    tests = json.loads(result.stdout)["verify"][-1]
    assert (tests["status"], tests["ok"]) == ("not run", False)
    assert tests["reason"].startswith(f"no pytest in {bare}/bin/python")
    assert "verify: the tests check was not run: no pytest in" in result.stderr


@posix_only
@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "missing" / "python", "does not exist"),
        (lambda tmp: _wrapper(tmp / "broken", "echo 'cannot start' >&2; exit 3"), "is broken"),
    ],
)
def test_a_missing_or_broken_interpreter_runs_nothing_and_says_why(repo, tmp_path, make, reason):
    python = make(tmp_path)
    result = run(repo, *ACME_ARGS, "--verify", "--python", str(python))
    assert result.exit_code == 1
    assert f"verify: {python} (--python)\n" in result.stdout
    assert result.stdout.count("- not run") == 4 and "✓ pass" not in result.stdout
    assert f"verify: the import check was not run: the interpreter {python} {reason}" in (
        result.stderr
    )
    assert (repo / "prompture/drivers/acme_driver.py").exists()  # written all the same


def test_help_says_when_verify_exits_1():
    from typer.testing import CliRunner

    from prompture_scaffold.cli import app

    text = " ".join(CliRunner().invoke(app, ["add-driver", "--help"]).stdout.split())
    assert "--python" in text and "could not run" in text
