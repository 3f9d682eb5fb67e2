"""Hand edits to generated files are never dropped silently.

`add-driver --force` and `remove-driver` compare each generated file they would overwrite or
delete with what add-driver generates from the driver's spec (read back from the checkout);
where they differ, the edits are shown as a diff and the command refuses (exit 2, nothing
written) unless `--discard-edits` is given. Every template: the subclass, the full driver,
the custom skeleton (whose two methods a maintainer must write by hand).
"""

from __future__ import annotations

import json
import shutil

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run

TEMPLATES = {
    "subclass": [],
    "full": ["--template", "full"],
    "custom": ["--compat", "custom", "--sdk", "requests"],
}
ADDED = "    def hand_written(self) -> str:\n        return 'mine'\n"
DRIVER = "prompture/drivers/acme_driver.py"


def _args(template: str) -> list[str]:
    args = list(ACME_ARGS)
    if template == "custom":
        i = args.index("--compat")
        del args[i : i + 2]
    return [*args, *TEMPLATES[template]]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture(params=list(TEMPLATES))
def edited(request, pristine, tmp_path):
    """A checkout with acme added from `template`, then its driver edited by hand."""
    root = shutil.copytree(pristine, tmp_path / "repo")
    args = _args(request.param)
    assert run(root, *args).exit_code == 0
    path = root / DRIVER
    path.write_text(path.read_text(encoding="utf-8") + "\n" + ADDED, encoding="utf-8")
    return root, args


def test_force_shows_the_edits_and_refuses(edited):
    root, args = edited
    before = fingerprint(root)
    result = run(root, *args, "--force")
    assert result.exit_code == 2, result.output
    assert "add-driver acme would drop the hand edits in " + DRIVER in result.stderr
    assert "--discard-edits" in result.stderr
    assert f"--- a/{DRIVER}\n+++ b/{DRIVER}\n" in result.stderr
    assert "+    def hand_written(self) -> str:\n" in result.stderr
    assert fingerprint(root) == before


def test_remove_shows_the_edits_and_refuses(edited):
    root, _ = edited
    before = fingerprint(root)
    result = run(root, "remove-driver", "acme", "--yes")
    assert result.exit_code == 2, result.output
    assert "remove-driver acme would drop the hand edits in " + DRIVER in result.stderr
    assert "+        return 'mine'\n" in result.stderr
    assert fingerprint(root) == before


def test_json_output_carries_the_edits(edited):
    root, _ = edited
    result = run(root, "remove-driver", "acme", "--yes", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["exit_code"] == 2 and "+    def hand_written" in error["message"]


def test_a_dry_run_notes_them(edited):
    root, args = edited
    result = run(root, *args, "--force", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"note: hand edits in {DRIVER}: a real run refuses them" in result.stderr


def test_discard_edits_regenerates_and_removes(edited, pristine, tmp_path):
    root, args = edited
    clean = shutil.copytree(pristine, tmp_path / "clean")
    assert run(clean, *args).exit_code == 0
    result = run(root, *args, "--force", "--discard-edits")
    assert result.exit_code == 0, result.output
    assert (root / DRIVER).read_bytes() == (clean / DRIVER).read_bytes()
    assert run(root, *args, "--force").stdout.startswith("nothing to change")
    (root / DRIVER).write_text((root / DRIVER).read_text() + "# mine\n", encoding="utf-8")
    result = run(root, "remove-driver", "acme", "--yes", "--discard-edits")
    assert result.exit_code == 0, result.output
    assert fingerprint(root) == fingerprint(pristine)


def test_an_unedited_driver_needs_no_flag(pristine, tmp_path):
    for template in TEMPLATES:
        root = shutil.copytree(pristine, tmp_path / template)
        assert run(root, *_args(template)).exit_code == 0
        assert run(root, *_args(template), "--force").stdout.startswith("nothing to change")
        assert run(root, "remove-driver", "acme", "--yes").exit_code == 0
        assert fingerprint(root) == fingerprint(pristine)


#: Flags whose traces in the generated files the read-back spec must see (else an unedited
#: driver would count as edited): laziness, the template, a streaming custom provider.
UNEDITED = {
    "full lazy": ["--compat", "openai", "--template", "full", "--lazy"],
    "full eager sdk": ["--template", "full", "--sdk", "acme-sdk>=1", "--eager"],
    "custom eager sdk": ["--compat", "custom", "--sdk", "acme-sdk>=1", "--eager"],
    "custom full": ["--compat", "custom", "--sdk", "httpx", "--template", "full"],
    "custom streaming": ["--compat", "custom", "--sdk", "requests", "--streaming"],
    "full no streaming": ["--template", "full", "--no-streaming", "--no-tool-use"],
}


@pytest.mark.parametrize("flags", UNEDITED.values(), ids=UNEDITED)
def test_no_false_alarm_after_a_clean_add(pristine, tmp_path, flags):
    root = shutil.copytree(pristine, tmp_path / "repo")
    args = [a for a in _args("subclass") if a not in ("--compat", "openai")]
    if "--compat" not in flags:
        flags = ["--compat", "openai", *flags]
    assert run(root, *args, *flags).exit_code == 0
    removed = run(root, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.output
    assert fingerprint(root) == fingerprint(pristine)
