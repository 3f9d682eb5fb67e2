"""`--help`/`-h` on every command, the examples each help shows, and shell completion of
provider names, through Click's own completion machinery in-process."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
from _scratch import make_scratch
from typer.main import get_command
from typer.testing import CliRunner

from prompture import _catalogue
from prompture_scaffold.cli import app
from prompture_scaffold.commands._help import EXAMPLES

COMMANDS = ("add-driver", "remove-driver", "check-drivers", "providers")


@pytest.mark.parametrize("argv", [[], *([name] for name in COMMANDS)])
def test_dash_h_is_help_everywhere(argv):
    short = CliRunner().invoke(app, [*argv, "-h"])
    long = CliRunner().invoke(app, [*argv, "--help"])
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert "-h, --help" in short.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_help_shows_examples_that_parse(name):
    shown = CliRunner().invoke(app, [name, "--help"]).stdout
    assert "Examples:" in shown
    group = get_command(app)
    for what, args in EXAMPLES[name]:
        assert f"# {what}" in shown
        assert f"$ prompture {args.split(' --')[0]}" in shown
        argv = shlex.split(args)
        with group.make_context("prompture", list(argv), resilient_parsing=True) as ctx:
            command = group.get_command(ctx, argv[0])
            command.make_context(argv[0], argv[1:], parent=ctx)  # a stale flag raises here


def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    """What bash completion offers after `words` (the last one being completed)."""
    parts = words.split(" ")
    result = CliRunner().invoke(
        app,
        [],
        prog_name="prompture",
        env={
            "_PROMPTURE_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            **(env or {}),
        },
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_remove_driver_completes_the_checkout_drivers(tmp_path, monkeypatch):
    repo = make_scratch(tmp_path / "repo")
    assert complete(f"prompture remove-driver --repo {repo} o") == [
        "ollama",
        "openai",
        "openrouter",
    ]
    monkeypatch.chdir(repo / "prompture")  # no --repo: the checkout around the directory
    assert complete("prompture remove-driver gr") == ["grok", "groq"]
    monkeypatch.chdir(tmp_path)  # no checkout anywhere: nothing offered, no traceback
    assert complete("prompture remove-driver o") == []


def test_from_models_dev_completes_catalogue_ids_from_the_cache_without_fetching(
    tmp_path, monkeypatch
):
    bundled = complete("prompture add-driver --from-models-dev deeps")
    assert bundled == ["deepseek"]
    cache = tmp_path / "cache"
    cache.mkdir()
    entry = {"id": "deepsynth", "name": "DeepSynth", "models": {}}
    (cache / _catalogue.cache_path().name).write_text(json.dumps({"deepsynth": entry}))
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(cache))
    monkeypatch.delenv("PROMPTURE_OFFLINE")  # even online, completion never starts a fetch
    _catalogue.reset()
    try:
        assert complete("prompture add-driver --from-models-dev deeps") == ["deepsynth"]
        assert _catalogue._state.refresh_thread is None and _catalogue._state.data is None
    finally:
        _catalogue.reset()


def test_the_cli_module_and_help_import_no_prompt_library():
    code = (
        "import sys, json\n"
        "import prompture_scaffold.cli\n"
        "from typer.testing import CliRunner\n"
        "libs = ('prompt_toolkit', 'questionary')\n"
        "before = [m for m in sys.modules if m.split('.')[0] in libs]\n"
        "CliRunner().invoke(prompture_scaffold.cli.app, ['add-driver', '--help'])\n"
        "after = [m for m in sys.modules if m.split('.')[0] in libs]\n"
        "print(json.dumps([before, after]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [[], []]
