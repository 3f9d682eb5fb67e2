"""Generated and edited files stay ruff-clean for any value the validation accepts: long values
laid out as `ruff format` lays them out, no ambiguous names; control characters are refused in
every field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run

RUFF = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


def _with(**flags: str) -> list[str]:
    args = list(ACME_ARGS)
    for name, value in flags.items():
        args[args.index(f"--{name.replace('_', '-')}") + 1] = value
    return args


def _touched(output: str) -> list[str]:
    rows = [line.split() for line in output.splitlines() if line.startswith("  ")]
    return [row[1] for row in rows if len(row) == 2 and row[1].endswith(".py")]


#: The issue's 78-character model, wrapped values, values too long to wrap, wide characters.
LONG = {
    "model-78": {"default_model": "m" * 78},
    "model-86": {"default_model": "m" * 86},
    "model-200": {"default_model": "m" * 200},
    "model-wide": {"default_model": "模型" * 40},
    "endpoint-95": {"endpoint": "https://api.acme.test/" + "u" * 73},
    "endpoint-500": {"endpoint": "https://api.acme.test/" + "u" * 478},
}


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("flags", list(LONG.values()), ids=list(LONG))
def test_long_values_stay_ruff_clean_and_come_out_again(tmp_path, pristine, flags):
    root = shutil.copytree(pristine, tmp_path / "repo")
    added = run(root, *_with(**flags))
    assert added.exit_code == 0, added.output
    files = _touched(added.stdout)
    assert "prompture/settings.py" in files
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [RUFF, *command, "--no-cache", *files],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert run(root, *_with(**flags)).stdout.startswith("nothing to change")
    assert run(root, "remove-driver", "acme", "--yes").exit_code == 0
    assert fingerprint(root) == fingerprint(pristine)


def test_the_issue_model_is_wrapped_as_ruff_does(tmp_path, pristine):
    root = shutil.copytree(pristine, tmp_path / "repo")
    assert run(root, *_with(default_model="m" * 78)).exit_code == 0
    settings = (root / "prompture" / "settings.py").read_text(encoding="utf-8")
    assert f'    acme_model: str = (\n        "{"m" * 78}"\n    )\n' in settings


def test_an_sdk_imported_as_an_ambiguous_name_is_refused(pristine):
    custom = [a for a in ACME_ARGS if a not in ("--compat", "openai")]
    result = run(pristine, *custom, "--compat", "custom", "--sdk", "l>=1", "--eager")
    assert result.exit_code == 2, result.output
    assert "ambiguous name (ruff E741" in result.stderr and "use --lazy" in result.stderr


CONTROL = [
    ("--endpoint", "https://api.acme.test/v1\x01x", "U+0001 at position 24"),
    ("--endpoint", "https://api.acme.test/\x7f", "U+007F at position 22"),
    ("--display-name", "Ac\x1bme", "U+001B at position 2"),
    ("--display-name", "Acme\u202e", "U+202E at position 4"),
    ("--default-model", "m\x85", "U+0085 at position 1"),
    ("--api-key-env", "SECRET\x00KEY", "U+0000 at position 6"),
    ("--models-dev-name", "acme\x02", "U+0002 at position 4"),
    ("--sdk", "acme-sdk\u200b>=1", "U+200B at position 8"),
    ("--class-name", "Ac\tme", "U+0009 at position 2"),
]


@pytest.mark.parametrize(("flag", "value", "says"), CONTROL)
def test_control_characters_are_refused_in_every_field(pristine, flag, value, says):
    args = [a for a in ACME_ARGS if a != "--no-models-dev"] if flag == "--models-dev-name" else []
    args = args or list(ACME_ARGS)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    before = fingerprint(pristine)
    result = run(pristine, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {flag}: must not hold control characters ({says})\n"
    assert value not in result.output
    assert fingerprint(pristine) == before


def test_a_spec_file_with_a_control_character_is_refused(pristine, tmp_path):
    spec = tmp_path / "acme.toml"
    spec.write_text('display_name = "Ac\\u0007me"\n', encoding="utf-8")
    result = run(pristine, *ACME_ARGS, "--spec", str(spec))
    assert result.exit_code == 2 and "U+0007" in result.stderr


#: The longest provider key (40) and class name (60) validation accepts, on every template.
LONG_NAMES = ["--class-name", "Acme" + "Xy" * 28]
LONG_KEY = "acme_" + "q" * 35
TEMPLATES = {
    "subclass": ["--compat", "openai"],
    "full": ["--compat", "openai", "--template", "full"],
    "custom": ["--compat", "custom", "--sdk", "requests"],
    "custom self-contained": ["--compat", "custom", "--sdk", "requests", "--template", "full"],
    "anthropic": ["--compat", "anthropic"],
}


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed")
@pytest.mark.parametrize("flags", list(TEMPLATES.values()), ids=list(TEMPLATES))
def test_long_names_stay_ruff_clean(tmp_path, pristine, flags):
    root = shutil.copytree(pristine, tmp_path / "repo")
    args = [LONG_KEY if a == "acme" else a for a in ACME_ARGS if a not in ("--compat", "openai")]
    added = run(root, *args, *LONG_NAMES, *flags)
    assert added.exit_code == 0, added.output
    assert run(root, *ACME_ARGS).exit_code == 0  # a neighbour after the long entries
    files = _touched(added.stdout)
    assert f"prompture/drivers/async_{LONG_KEY}_driver.py" in files
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [RUFF, *command, "--no-cache", *files],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert run(root, *args, *LONG_NAMES, *flags).stdout.startswith("nothing to change")
    assert run(root, "remove-driver", LONG_KEY, "--yes").exit_code == 0
    assert run(root, "remove-driver", "acme", "--yes").exit_code == 0
    assert fingerprint(root) == fingerprint(pristine)
