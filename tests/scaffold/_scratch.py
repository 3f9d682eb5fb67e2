"""Scratch checkouts for the CLI, planner and writer tests: a copy of this repository's
runtime package and the files add-driver edits, plus a byte-level fingerprint of a tree."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COPIED = ("prompture", "pyproject.toml", ".env.copy", "CLAUDE.md", "examples", "tests/conftest.py")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache")


def make_scratch(dest: Path) -> Path:
    """A copy of the checkout's edit targets at `dest` (created); returns `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source, target = REPO / name, dest / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=IGNORED)
        elif source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def fingerprint(root: Path) -> dict[str, str]:
    """Every file under `root` (caches excluded) -> sha256 of its bytes."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and ".pytest_cache" not in path.parts
    }


#: `add-driver acme` with every value a non-interactive run needs (no catalogue mapping).
ACME_ARGS = [
    "add-driver", "acme", "--yes", "--compat", "openai", "--endpoint", "https://api.acme.test/v1",
    "--default-model", "acme-1", "--api-key-env", "ACME_API_KEY", "--no-models-dev",
]  # fmt: skip


def run(repo: Path, *args: str):
    """The `prompture` CLI in-process on the checkout `repo` (Typer's CliRunner)."""
    from typer.testing import CliRunner

    from prompture_scaffold.cli import app

    return CliRunner().invoke(app, [*args, "--repo", str(repo)])
