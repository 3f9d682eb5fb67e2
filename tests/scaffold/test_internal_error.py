"""A bug is exit 4 with a one-line message naming the traceback file; drift stays exit 1.

The bug is planted by replacing one of the scaffolder's own functions with one that raises:
no real input should crash the tool, so none can be used to show what a crash looks like.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import make_scratch, run

from prompture_scaffold import _internal_error
from prompture_scaffold.commands import _common


def _boom(*args, **kwargs):
    raise ZeroDivisionError("planted bug\nsecond line")


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def _trace_file(stderr: str) -> Path:
    match = re.search(r"the full traceback is in (\S+) ", stderr)
    assert match, stderr
    return Path(match.group(1))


def test_a_bug_in_a_command_is_exit_4_with_the_trace_in_a_file(repo, monkeypatch):
    monkeypatch.setattr(_common, "open_layout", _boom)
    monkeypatch.delenv(_internal_error.TRACEBACK_ENV, raising=False)
    result = run(repo, "check-drivers")
    assert result.exit_code == 4
    assert result.stderr.startswith("internal error: ZeroDivisionError: planted bug\n")
    assert "second line" not in result.stderr and "Traceback" not in result.stderr
    assert "a bug in prompture-scaffold" in result.stderr
    trace = _trace_file(result.stderr)
    try:
        text = trace.read_text(encoding="utf-8")
        assert text.startswith("Traceback (most recent call last):")
        assert "in _boom" in text and "ZeroDivisionError: planted bug" in text
    finally:
        trace.unlink()


def test_the_json_error_carries_exit_code_4(repo, monkeypatch):
    monkeypatch.setattr(_common, "open_layout", _boom)
    monkeypatch.setenv(_internal_error.TRACEBACK_ENV, "1")
    result = run(repo, "check-drivers", "--json")
    assert result.exit_code == 4
    assert json.loads(result.stdout)["error"]["exit_code"] == 4


def test_the_trace_on_stderr_when_asked(repo, monkeypatch):
    monkeypatch.setattr(_common, "open_layout", _boom)
    monkeypatch.setenv(_internal_error.TRACEBACK_ENV, "1")
    result = run(repo, "remove-driver", "moonshot", "--dry-run")
    assert result.exit_code == 4
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "internal error: ZeroDivisionError: planted bug" in result.stderr
    assert "the full traceback is in" not in result.stderr


def test_drift_is_still_exit_1(repo):
    settings = repo / "prompture/settings.py"
    text = settings.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if "moonshot_model" not in line]
    assert len(lines) < len(text.splitlines())
    settings.write_text("".join(lines), encoding="utf-8")
    result = run(repo, "check-drivers")
    assert result.exit_code == 1 and "moonshot: missing settings" in result.stderr


def test_a_bug_outside_any_command_is_exit_4_in_a_real_process(repo):
    """A failing option callback runs before any command body: `main()` maps it."""
    code = (
        "import sys\n"
        "import prompture_scaffold.cli as cli\n"
        "def boom(value):\n"
        "    raise KeyError('callback bug')\n"
        "cli._version.__code__ = boom.__code__\n"
        "sys.argv = ['prompture-scaffold', 'check-drivers', '--repo', sys.argv[1]]\n"
        "cli.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(repo)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 4, done.stderr
    assert done.stderr.startswith("internal error: KeyError: 'callback bug'\n")
    assert "Traceback" not in done.stderr
    _trace_file(done.stderr).unlink()
