"""check-drivers looks drivers up in per-file indexes (`checkout.wired`) instead of running each
edit per driver; here the two agree: a place is wired exactly when its edit's `add` would
leave the file as it is, on a clean checkout and after each wiring line is deleted by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, make_scratch, run

from prompture_scaffold.checkout import discover
from prompture_scaffold.checkout.snapshot import Snapshot
from prompture_scaffold.edits.context import EditContext
from prompture_scaffold.plan import wired as index
from prompture_scaffold.plan.places import edit_targets, run_edit
from prompture_scaffold.spec.readback import spec_from_checkout

WIRING = (
    "prompture/drivers/__init__.py",
    "prompture/__init__.py",
    "prompture/settings.py",
    "prompture/discovery.py",
    "prompture/model_rates.py",
    ".env.copy",
    "CLAUDE.md",
    "pyproject.toml",
)


@pytest.fixture(scope="module")
def added(tmp_path_factory) -> Path:
    root = make_scratch(tmp_path_factory.mktemp("added") / "repo")
    args = [a for a in ACME_ARGS if a != "--no-models-dev"]
    result = run(root, *args, "--models-dev-name", "deepseek", "--sdk", "acme-sdk>=1.2")
    assert result.exit_code == 0, result.output
    return root


def agreement(root: Path, provider: str, spec=None) -> list[tuple[str, bool | None, bool]]:
    """(edit, the index's answer, whether `add` is a no-op) for each indexed place."""
    layout, snap = discover(root), Snapshot(root)
    spec = spec or spec_from_checkout(layout, provider)
    rows = []
    for target in edit_targets(spec, layout, "add"):
        if target.path is None or target.edit not in index.INDEXED:
            continue
        found = index.index(target.edit, target.path, layout, snap)
        answer = index.wired(target.edit, found, spec, layout, target.path)
        text = snap.text(target.path)
        ctx = EditContext(spec, layout, Path(target.path))
        rows.append((target.edit, answer, run_edit(target, "add", text, ctx) == text))
    return rows


def test_every_builtin_driver_agrees_on_a_clean_checkout(added):
    for provider in discover(added).providers:
        for edit, answer, unchanged in agreement(added, provider):
            assert answer in (unchanged, None), (provider, edit)


def wiring_lines(root: Path) -> list[tuple[str, int]]:
    found = []
    for relative in WIRING:
        lines = (root / relative).read_text(encoding="utf-8").splitlines()
        found += [(relative, i) for i, line in enumerate(lines) if "acme" in line.lower()]
    return found


def test_each_deleted_wiring_line_is_seen_by_both(added, tmp_path):
    spec = spec_from_checkout(discover(added), "acme")
    lines, seen, broken = wiring_lines(added), 0, 0
    assert len(lines) >= 12
    for relative, number in lines:
        root = tmp_path / f"{relative.replace('/', '_')}-{number}"
        shutil.copytree(added, root)
        path = root / relative
        text = path.read_text(encoding="utf-8").splitlines(keepends=True)
        del text[number]
        path.write_text("".join(text), encoding="utf-8")
        try:
            rows = agreement(root, "acme", spec)
        except Exception:  # a line whose loss breaks the module: the edit refuses it too
            broken += 1
            continue
        for edit, answer, unchanged in rows:
            assert answer in (unchanged, None), (relative, number, edit)
        seen += any(not unchanged for _, _, unchanged in rows)
    # Every other line is drift both see, but an argument line of a call that stays and the
    # env template's whole list of valid values (a place that is then not applicable).
    assert seen + broken == len(lines) - 2, (seen, broken, len(lines))
