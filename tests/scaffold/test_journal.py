"""The journaled apply: a kill at any write, then the same command, gives the applied tree, and
remove-driver then the pristine one; a write error at any write leaves the tree as before or
names exactly the files it could not put back."""

from __future__ import annotations

import keyword
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from prompture_scaffold.atomic import write_atomic
from prompture_scaffold.checkout import discover, existing_providers
from prompture_scaffold.errors import RollbackFailed, WriteFailed
from prompture_scaffold.plan.journal import DIRNAME, recover
from prompture_scaffold.plan.planner import plan_add
from prompture_scaffold.plan.writer import KILL_AT, apply
from prompture_scaffold.spec.build import Request, build_spec

REMOVE = ("remove-driver", "acme", "--yes")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


@pytest.fixture(scope="module")
def applied(pristine, tmp_path_factory) -> dict[str, str]:
    """The fingerprint of a clean add."""
    root = copy(pristine, tmp_path_factory.mktemp("clean") / "repo")
    assert run(root, *ACME_ARGS).exit_code == 0
    return fingerprint(root)


@pytest.fixture(scope="module")
def writes(pristine) -> int:
    return len(acme_plan(pristine).changes)


def copy(source: Path, dest: Path) -> Path:
    shutil.copytree(source, dest, symlinks=True)
    return dest


def acme_plan(root: Path):
    request = Request("acme", _flags(), no_models_dev=True)
    return plan_add(build_spec(request, existing=set()), discover(root))


def _flags() -> dict:
    return {
        "compat": "openai",
        "endpoint": "https://api.acme.test/v1",
        "default_model": "acme-1",
        "api_key_env": "ACME_API_KEY",
    }


def leftovers(root: Path) -> list[str]:
    """Journal directories and temp files left in the tree."""
    found = [p for p in root.rglob("*") if p.name.endswith(".tmp") or p.name == DIRNAME]
    return sorted(p.relative_to(root).as_posix() for p in found)


def kill_in_subprocess(root: Path, where: str, args: list[str]) -> None:
    """`prompture add-driver ...` in a real process, SIGKILLed at `where`."""
    env = {**os.environ, KILL_AT: where}
    command = [sys.executable, "-m", "prompture_scaffold.cli", *args, "--repo", str(root)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr


def kill_in_fork(root: Path, where: str, args=ACME_ARGS) -> None:
    """The same, in a forked copy of this process (no interpreter start-up to pay)."""
    pid = os.fork()
    if pid == 0:  # the child: run the command until the kill point, never return
        try:
            os.environ[KILL_AT] = where
            run(root, *args)
        finally:
            os._exit(17)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status


def positions(writes: int) -> list[str]:
    each = [f"{k}:{when}" for k in range(1, writes + 1) for when in ("before", "after")]
    return ["journal", *each, "done"]


def _args_for(provider: str, model: str) -> list[str]:
    args = [provider if a == "acme" else a for a in ACME_ARGS]
    args[args.index("--default-model") + 1] = model
    args[args.index("--api-key-env") + 1] = f"{provider.upper()}_API_KEY"
    return args


providers = st.from_regex(r"[a-z][a-z0-9]{2,10}", fullmatch=True).filter(
    lambda p: not keyword.iskeyword(p) and p not in {"match", "case", "type"}
)
models = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,30}", fullmatch=True)


@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(provider=providers, model=models, data=st.data())
def test_a_kill_at_a_random_write_then_the_same_command(
    tmp_path_factory, pristine, writes, provider, model, data
):
    """Random specs, a real process killed at a random write: the same command completes it
    to the tree a clean add gives, and remove-driver then gives the pristine tree."""
    drivers = {p.name.removesuffix("_driver.py") for p in pristine.glob("prompture/drivers/*.py")}
    assume(provider not in drivers | set(existing_providers(discover(pristine))))
    where = data.draw(st.sampled_from(positions(writes)), label="kill at")
    args = _args_for(provider, model)
    clean = copy(pristine, tmp_path_factory.mktemp("clean") / "repo")
    assert run(clean, *args).exit_code == 0
    root = copy(pristine, tmp_path_factory.mktemp("killed") / "repo")
    kill_in_subprocess(root, where, args)
    again = run(root, *args)
    assert again.exit_code == 0, again.output
    assert fingerprint(root) == fingerprint(clean) and leftovers(root) == []
    assert run(root, "remove-driver", provider, "--yes").exit_code == 0
    assert fingerprint(root) == fingerprint(pristine) and leftovers(root) == []


def test_a_kill_at_every_write_then_the_same_command(tmp_path, pristine, applied, writes):
    assert writes >= 10
    for index, where in enumerate(positions(writes)):
        root = copy(pristine, tmp_path / str(index))
        kill_in_fork(root, where)
        if where not in ("journal", "done"):
            assert (root / DIRNAME / "journal").is_dir(), where
        again = run(root, *ACME_ARGS)
        assert again.exit_code == 0, (where, again.output)
        assert fingerprint(root) == applied, where
        assert leftovers(root) == [], where
        if where not in ("journal", "done"):
            assert "completed the interrupted `prompture add-driver acme`" in again.stderr


def test_remove_driver_also_completes_an_interrupted_add(tmp_path, pristine):
    root = copy(pristine, tmp_path / "repo")
    kill_in_fork(root, "4:after")
    removed = run(root, *REMOVE)
    assert removed.exit_code == 0, removed.output
    assert "completed the interrupted" in removed.stderr
    assert fingerprint(root) == fingerprint(pristine) and leftovers(root) == []


def test_a_killed_remove_driver_then_the_same_command(tmp_path, pristine, applied):
    root = copy(pristine, tmp_path / "repo")
    assert run(root, *ACME_ARGS).exit_code == 0 and fingerprint(root) == applied
    kill_in_fork(root, "3:after", REMOVE)
    again = run(root, *REMOVE)
    assert again.exit_code == 0, again.output
    assert "completed the interrupted `prompture remove-driver acme`" in again.stderr
    assert again.stdout == "nothing to change\n"
    assert fingerprint(root) == fingerprint(pristine) and leftovers(root) == []


def test_a_dry_run_after_a_kill_completes_the_change_first(tmp_path, pristine, applied):
    root = copy(pristine, tmp_path / "repo")
    kill_in_fork(root, "2:before")
    dry = run(root, *ACME_ARGS, "--dry-run")
    assert dry.exit_code == 0 and "nothing to change" in dry.stdout
    assert fingerprint(root) == applied


def test_stray_temp_files_of_an_interrupted_write_are_removed(tmp_path, pristine, applied):
    root = copy(pristine, tmp_path / "repo")
    kill_in_fork(root, "3:before")
    stray = root / "prompture" / ".settings.py.abcd1234.tmp"
    stray.write_text("half")
    keep = root / "prompture" / ".settings.py.not-ours.tmp"
    keep.write_text("user's")
    assert run(root, *ACME_ARGS).exit_code == 0
    assert not stray.exists() and keep.exists()
    keep.unlink()
    assert fingerprint(root) == applied


def test_a_file_edited_after_the_crash_is_left_alone_and_named(tmp_path, pristine):
    root = copy(pristine, tmp_path / "repo")
    kill_in_fork(root, "1:before")
    first = acme_plan(pristine).changes[0].path
    (root / first).write_text("# edited by hand\n", encoding="utf-8")
    found = recover(root)
    assert found is not None and found.left_alone == (first,)
    assert (root / first).read_text(encoding="utf-8") == "# edited by hand\n"
    assert f"left alone, edited since: {first}" in found.note()


def _failing_from(k: int, calls: list):
    def write(path: Path, data: bytes | None) -> None:
        calls.append(path)
        if len(calls) >= k:
            raise OSError(28, "No space left on device")
        write_atomic(path, data)

    return write


def _restores_failing(path: Path, data: bytes | None) -> None:
    raise OSError(28, "No space left on device")


def test_a_write_error_at_every_write_leaves_the_tree_as_before(tmp_path, pristine, writes):
    before = fingerprint(pristine)
    for k in range(1, writes + 1):
        root = copy(pristine, tmp_path / str(k))
        plan, calls = acme_plan(root), []
        with pytest.raises(WriteFailed, match="every file was restored") as caught:
            apply(plan, root, write_file=_failing_from(k, calls))
        assert caught.value.path == plan.changes[k - 1].path
        assert fingerprint(root) == before and leftovers(root) == [], k


def test_a_rollback_that_fails_names_exactly_what_it_could_not_restore(tmp_path, pristine, writes):
    before = fingerprint(pristine)
    for k in range(1, writes + 1):
        root = copy(pristine, tmp_path / str(k))
        plan, calls = acme_plan(root), []
        write = _failing_from(k, calls)
        if k == 1:  # nothing written yet: nothing to restore
            with pytest.raises(WriteFailed):
                apply(plan, root, write_file=write, restore_file=_restores_failing)
            assert fingerprint(root) == before and leftovers(root) == []
            continue
        with pytest.raises(RollbackFailed) as caught:
            apply(plan, root, write_file=write, restore_file=_restores_failing)
        written = [c.path for c in plan.changes[: k - 1]]
        assert list(caught.value.failed) == written
        message = str(caught.value)
        assert message.startswith(f"{plan.changes[k - 1].path}: cannot write it")
        assert all(path in message for path in written)
        assert (root / DIRNAME / "journal" / "rollback").exists()
        found = recover(root)  # the disk has room again: the next command undoes it
        assert found is not None and found.direction == "back"
        assert sorted(found.written) == sorted(written)
        assert fingerprint(root) == before and leftovers(root) == [], k


def test_the_cli_names_the_files_left_and_the_next_command_undoes_them(
    tmp_path, pristine, monkeypatch
):
    import functools

    from prompture_scaffold.plan import writer

    root = copy(pristine, tmp_path / "repo")
    calls: list = []
    flaky = functools.partial(
        writer.apply, write_file=_failing_from(6, calls), restore_file=_restores_failing
    )
    monkeypatch.setattr(writer, "apply", flaky)
    failed = run(root, *ACME_ARGS)
    assert failed.exit_code == 3
    assert "could not bring these files to their original bytes" in failed.stderr
    assert "every file was restored" not in failed.stderr
    monkeypatch.undo()
    dry = run(root, *ACME_ARGS, "--dry-run")
    assert dry.exit_code == 0 and "undid the interrupted" in dry.stderr
    assert fingerprint(root) == fingerprint(pristine)


def test_a_journal_another_command_is_writing_is_left_alone(tmp_path, pristine):
    from prompture_scaffold.plan.journal import Journal

    root = copy(pristine, tmp_path / "repo")
    before = fingerprint(root)
    change = next(c for c in acme_plan(root).changes if c.before is None)
    after = (change.after or "").encode()
    journal = Journal.begin(root, "prompture add-driver acme", [(change.path, None, after)], [])
    busy = run(root, *ACME_ARGS)  # this process's own flock is another open file: held
    assert busy.exit_code == 3 and "another prompture command is writing" in busy.stderr
    assert not (root / change.path).exists()
    journal.release()  # as if that command had died: the next one completes its change
    assert recover(root) is not None and (root / change.path).read_bytes() == after
    (root / change.path).unlink()
    assert fingerprint(root) == before and leftovers(root) == []


def test_a_damaged_journal_is_exit_3_naming_it(tmp_path, pristine):
    root = copy(pristine, tmp_path / "repo")
    (root / DIRNAME / "journal").mkdir(parents=True)
    (root / DIRNAME / "journal" / "plan.json").write_text("{not json")
    result = run(root, *ACME_ARGS)
    assert result.exit_code == 3 and f"{DIRNAME}/journal/plan.json" in result.stderr
    assert "Traceback" not in result.output


def test_a_symlinked_target_is_edited_through_its_link_and_restored(tmp_path, pristine):
    root = copy(pristine, tmp_path / "repo")
    (root / "env.shared").write_bytes((root / ".env.copy").read_bytes())
    (root / ".env.copy").unlink()
    (root / ".env.copy").symlink_to("env.shared")
    before = fingerprint(root)
    assert run(root, *ACME_ARGS).exit_code == 0
    assert (root / ".env.copy").is_symlink() and b"ACME_API_KEY" in (
        root / "env.shared"
    ).read_bytes()
    assert run(root, *REMOVE).exit_code == 0
    assert (root / ".env.copy").is_symlink() and fingerprint(root) == before
