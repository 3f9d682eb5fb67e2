"""The writer: identical files untouched, atomic writes, all-or-nothing with rollback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from _scratch import fingerprint

from prompture_scaffold.atomic import write_atomic, write_text_atomic
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.plan.changeset import FileChange, Plan
from prompture_scaffold.plan.writer import apply


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("a = 1\n")
    (root / "pkg" / "b.py").write_text("b = 1\n")
    (root / "pkg" / "crlf.txt").write_bytes(b"x\r\ny\r\n")
    return root


def plan_of(*changes: FileChange) -> Plan:
    return Plan(tuple(changes))


def test_creates_modifies_and_deletes(tree):
    plan = plan_of(
        FileChange("pkg/a.py", "a = 1\n", "a = 2\n"),
        FileChange("pkg/b.py", "b = 1\n", None),
        FileChange("new/dir/c.py", None, "c = 1\n"),
    )
    result = apply(plan, tree)
    assert [c.path for c in result.written] == ["pkg/a.py", "pkg/b.py", "new/dir/c.py"]
    assert (tree / "pkg/a.py").read_text() == "a = 2\n"
    assert not (tree / "pkg/b.py").exists()
    assert (tree / "new/dir/c.py").read_text() == "c = 1\n"


def test_identical_content_is_not_written(tree):
    calls = []
    plan = plan_of(FileChange("pkg/a.py", "a = 0\n", "a = 1\n"))  # already as planned
    result = apply(plan, tree, write_file=lambda path, data: calls.append(path))
    assert calls == [] and result.written == () and len(result.unchanged) == 1


def test_line_endings_survive_byte_for_byte(tree):
    apply(plan_of(FileChange("pkg/crlf.txt", "x\r\ny\r\n", "x\r\ny\r\nz\r\n")), tree)
    assert (tree / "pkg/crlf.txt").read_bytes() == b"x\r\ny\r\nz\r\n"


def test_a_failure_half_way_restores_the_tree(tree):
    before = fingerprint(tree)
    writes = []

    def flaky(path, data):
        if len(writes) == 2:
            raise OSError("disk full")
        writes.append(path)
        write_atomic(path, data)

    plan = plan_of(
        FileChange("pkg/a.py", "a = 1\n", "a = 2\n"),
        FileChange("deep/new/c.py", None, "c = 1\n"),
        FileChange("pkg/b.py", "b = 1\n", None),
    )
    with pytest.raises(OSError, match="disk full"):
        apply(plan, tree, write_file=flaky)
    assert fingerprint(tree) == before
    assert not (tree / "deep").exists()


def test_a_file_changed_since_planning_stops_everything(tree):
    before = fingerprint(tree)
    plan = plan_of(
        FileChange("pkg/a.py", "a = 1\n", "a = 2\n"),
        FileChange("pkg/b.py", "b = 0\n", "b = 2\n"),
    )
    with pytest.raises(UnsafeTarget, match="changed on disk"):
        apply(plan, tree)
    assert fingerprint(tree) == before


@pytest.mark.parametrize("path", ["../outside.py", "/etc/passwd"])
def test_paths_outside_the_checkout_are_refused(tree, path):
    with pytest.raises(UnsafeTarget, match="outside the checkout"):
        apply(plan_of(FileChange(path, None, "x")), tree)


def test_symlinks_out_of_the_checkout_are_refused(tree, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tree / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafeTarget, match="outside the checkout"):
        apply(plan_of(FileChange("link/x.py", None, "x")), tree)
    assert not (tmp_path / "elsewhere" / "x.py").exists()


def test_atomic_write_keeps_the_mode_and_leaves_no_temp_files(tree):
    target = tree / "pkg" / "a.py"
    os.chmod(target, 0o755)
    write_atomic(target, b"a = 3\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.py", "b.py", "crlf.txt"]


def test_new_files_get_the_usual_mode(tree):
    write_text_atomic(tree / "spec.toml", "x = 1\n")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tree / "spec.toml").stat().st_mode) == 0o666 & ~mask


def test_a_symlinked_target_stays_a_link_and_its_file_takes_the_change(tree):
    (tree / "pkg" / "link.py").symlink_to("a.py")
    apply(plan_of(FileChange("pkg/link.py", "a = 1\n", "a = 2\n")), tree)
    assert (tree / "pkg" / "link.py").is_symlink()
    assert (tree / "pkg" / "a.py").read_text() == "a = 2\n"
    apply(plan_of(FileChange("pkg/link.py", "a = 2\n", "a = 1\n")), tree)
    assert (tree / "pkg" / "link.py").is_symlink()
    assert (tree / "pkg" / "a.py").read_text() == "a = 1\n"


def test_an_applied_plan_leaves_no_journal(tree):
    apply(plan_of(FileChange("pkg/a.py", "a = 1\n", "a = 2\n")), tree)
    assert sorted(p.name for p in tree.iterdir()) == ["pkg"]
