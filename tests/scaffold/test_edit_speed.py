"""What keeps a dry run fast: a 150-driver checkout is handled, and formatted files are edited
without importing libcst (~200 ms by itself).

The time budgets themselves are measured by `benchmarks/bench_scaffold.py`, not asserted here:
a timed unit test fails on a busy CI machine for reasons unrelated to the code.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

from checkouts import REPO, many_drivers
from checkouts import spec as acme
from test_edit_all_targets import TARGETS, paths_of

from prompture_scaffold.checkout import discover
from prompture_scaffold.edits.context import EditContext

SPEC = acme(extra_api_key_envs=("ACME_TOKEN",), sdk="acme-sdk>=1.0", lazy=True)


def _add_everywhere(layout) -> None:
    for name in TARGETS:
        module = importlib.import_module(f"prompture_scaffold.edits.{name}")
        for path in paths_of(name, layout, SPEC):
            text = path.read_text(encoding="utf-8")
            assert module.add(text, EditContext(SPEC, layout, path)) != text


def test_discover_and_edit_150_drivers(tmp_path):
    layout = discover(many_drivers(tmp_path))
    assert len(layout.providers) == 150
    _add_everywhere(layout)


def test_formatted_files_are_edited_without_libcst():
    script = (
        "import sys; sys.path[:0] = [sys.argv[1]]\n"
        "from test_edit_speed import _add_everywhere\n"
        "from checkouts import repo_layout\n"
        "_add_everywhere(repo_layout())\n"
        "print('libcst' in sys.modules)\n"
    )
    tests = str(REPO / "tests" / "scaffold")
    result = subprocess.run(
        [sys.executable, "-c", script, tests], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "False", result.stderr
