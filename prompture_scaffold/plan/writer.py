"""The only write site: apply a `Plan` to the checkout, all or nothing, even across a crash.

Each file is compared with the disk first (already as planned: untouched). Before the first
write, a journal naming every path with its bytes before and after goes into the checkout
(`journal`); then each file is written atomically (a temp file in the same directory, then
`os.replace`), and the journal is dropped after the last. When a write fails, every file is
put back from the journal (created files and directories removed) so the tree is
byte-identical to before, and the failure is raised as `WriteFailed` naming the file (Ctrl-C
is undone the same way and re-raised as it is); a file that cannot be put back is named in
`RollbackFailed` and the journal stays for the next command. After a kill, the next command's
`journal.recover` completes the change.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomic
from ..errors import RollbackFailed, UnsafeTarget, WriteFailed
from .changeset import FileChange, Plan, relative

#: `write_file(path, data)` writes `data`, or deletes the file when `data` is None.
WriteFile = Callable[[Path, bytes | None], None]


@dataclass(frozen=True)
class ApplyResult:
    """What `apply` did: the changes written, and those already on disk as planned."""

    written: tuple[FileChange, ...]
    unchanged: tuple[FileChange, ...]


def _encode(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8")


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _pending(plan: Plan, root: Path) -> tuple[list[tuple[Path, FileChange, bytes | None]], list]:
    """(changes still to write with their current bytes, changes already on disk)."""
    todo, unchanged = [], []
    for change in plan.changes:
        path = root / relative(root, change.path)
        if not path.resolve().is_relative_to(root.resolve()):
            raise UnsafeTarget(change.path, "-", "resolves outside the checkout")
        current = _read(path)
        if current == _encode(change.after):
            unchanged.append(change)
        elif current != _encode(change.before):
            raise UnsafeTarget(change.path, "-", "changed on disk since the plan was made")
        else:
            todo.append((path, change, current))
    return todo, unchanged


def _missing_directories(paths: list[Path], root: Path) -> list[str]:
    """Parent directories (inside `root`) the plan must create, outermost first."""
    missing: dict[str, None] = {}
    for path in paths:
        for parent in reversed(path.parents):
            if parent.is_relative_to(root) and parent != root and not parent.exists():
                missing[parent.relative_to(root).as_posix()] = None
    return list(missing)


#: Test-only fault injection: ``k:before`` or ``k:after`` kills the process (SIGKILL) around
#: the k-th write (1-based), ``journal`` once the journal is written, ``done`` after the last.
KILL_AT = "PROMPTURE_SCAFFOLD_KILL_AT"


def _kill_point(where: str) -> None:
    if os.environ.get(KILL_AT) == where:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def apply(
    plan: Plan,
    root: Path,
    *,
    write_file: WriteFile = write_atomic,
    restore_file: WriteFile = write_atomic,
    command: str = "prompture",
) -> ApplyResult:
    """Write `plan` under `root`, journaled (see `journal`); on any failure put every file
    back and re-raise (`RollbackFailed` naming the files that could not be)."""
    from .journal import Journal

    root = Path(root)
    todo, unchanged = _pending(plan, root)
    result = ApplyResult(tuple(change for _, change, _ in todo), tuple(unchanged))
    if not todo:
        return result
    files = [(relative(root, p), before, _encode(c.after)) for p, c, before in todo]
    directories = _missing_directories([p for p, _, _ in todo], root)
    try:
        journal = Journal.begin(root, command, files, directories)
    except OSError as exc:
        raise WriteFailed(".prompture-scaffold/journal", exc) from exc
    _kill_point("journal")
    path = root
    try:
        for index, (path, change, _) in enumerate(todo, 1):
            _kill_point(f"{index}:before")
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, _encode(change.after))
            _kill_point(f"{index}:after")
    except BaseException as exc:
        _roll_back(journal, restore_file, relative(root, path) if path != root else ".", exc)
        if isinstance(exc, OSError) and not isinstance(exc, WriteFailed):
            raise WriteFailed(relative(root, path), exc) from exc
        raise
    _kill_point("done")
    journal.close()
    return result


def _roll_back(journal, restore_file: WriteFile, path: str, exc: BaseException) -> None:
    """Every file back to its bytes before; what cannot be is named, the journal kept."""
    journal.mark_rollback()
    _, _, failed = journal.settle("back", restore_file, ours=True)
    if failed:
        if isinstance(exc, OSError):
            cause = f"{path}: cannot write it ({exc.strerror or exc})"
        else:
            cause = "interrupted while writing"
        journal.release()
        raise RollbackFailed(journal.shown, failed, "back", cause) from exc
    journal.close()
