"""Speed: discovering and editing a checkout with 150 drivers stays well inside the budget.

A full dry run must take under 500 ms. Edits of formatted files never import libcst (~200 ms
by itself), and discovery plus every edit get a 250 ms allowance here. CPU time is measured,
so a busy machine does not fail the test (about 100 ms when idle).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time

from checkouts import REPO, many_drivers
from checkouts import spec as acme
from test_edit_all_targets import TARGETS

from prompture_scaffold.context import EditContext
from prompture_scaffold.layout import discover

SPEC = acme(extra_api_key_envs=("ACME_TOKEN",), sdk="acme-sdk>=1.0", lazy=True)


def _add_everywhere(layout) -> None:
    for name in TARGETS:
        module = importlib.import_module(f"prompture_scaffold.edits.{name}")
        for path in module.targets(layout):
            text = path.read_text(encoding="utf-8")
            assert module.add(text, EditContext(SPEC, layout, path)) != text


def test_discover_and_edit_150_drivers(tmp_path):
    root = many_drivers(tmp_path)
    started = time.process_time()
    layout = discover(root)
    _add_everywhere(layout)
    elapsed = time.process_time() - started
    assert len(layout.providers) == 150
    assert elapsed < 0.25, f"{elapsed * 1000:.0f} ms"


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
