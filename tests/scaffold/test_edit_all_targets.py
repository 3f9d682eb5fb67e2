"""Every edit target together, on both checkouts: inverse, idempotent, ruff-clean output."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from checkouts import HOSTILE, REPO, acmelib, repo_layout
from checkouts import spec as acme

from prompture_scaffold.edits.context import EditContext
from prompture_scaffold.plan.places import edit_targets

TARGETS = [
    "drivers_init",
    "package_init",
    "settings",
    "discovery",
    "provider_map",
    "pyproject",
    "env_template",
    "docs_bullet",
]
SPEC = acme(sdk="acme-sdk>=1.2", lazy=True, extra_api_key_envs=("ACME_TOKEN",), **HOSTILE)


def paths_of(name: str, layout, spec=SPEC) -> list[Path]:
    """The files the plan edits with edit module `name` (`plan.places` decides)."""
    found = [t.path for t in edit_targets(spec, layout) if t.edit == name and t.path]
    return list(dict.fromkeys(found))


def _edit_all(layout, op: str, texts: dict[Path, str]) -> dict[Path, str]:
    texts = dict(texts)
    for name in TARGETS:
        module = importlib.import_module(f"prompture_scaffold.edits.{name}")
        for path in paths_of(name, layout):
            text = texts.get(path) or path.read_text(encoding="utf-8")
            texts[path] = getattr(module, op)(text, EditContext(SPEC, layout, path))
    return texts


@pytest.fixture(params=["repo", "acmelib"])
def layout(request, tmp_path):
    return repo_layout() if request.param == "repo" else acmelib(tmp_path)


def test_add_then_remove_restores_every_file(layout):
    added = _edit_all(layout, "add", {})
    assert len(added) == (9 if layout.package == "acmelib" else 8)
    assert all(text != path.read_text() for path, text in added.items())
    assert _edit_all(layout, "add", added) == added
    removed = _edit_all(layout, "remove", added)
    assert all(text == path.read_text() for path, text in removed.items())


def _ruff() -> str | None:
    return shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed")
def test_edited_python_files_pass_ruff(layout, tmp_path):
    out = tmp_path / "edited"
    for path, text in _edit_all(layout, "add", {}).items():
        target = out / path.relative_to(layout.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    config = REPO / "pyproject.toml"
    if layout.package == "acmelib":  # the fixture's own style: Optional[...], 88 columns
        config = tmp_path / "ruff.toml"
        config.write_text('line-length = 88\n[lint]\nselect = ["E", "F", "W", "I", "B"]\n')
    files = [str(p) for p in out.rglob("*.py")]
    for command in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [_ruff(), *command, "--no-cache", "--config", str(config), *files],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_windows_line_endings_are_kept(tmp_path):
    layout = acmelib(tmp_path)
    crlf = {}
    for name in TARGETS:
        crlf.update({p: p.read_text().replace("\n", "\r\n") for p in paths_of(name, layout)})
    added = _edit_all(layout, "add", crlf)
    assert all("\n" not in text.replace("\r\n", "") for text in added.values())
    assert _edit_all(layout, "remove", added) == crlf
