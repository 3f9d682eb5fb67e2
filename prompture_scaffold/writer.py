"""The only write site: apply a `Plan` to the checkout, all or nothing.

Each file is compared with the disk first (already as planned: untouched), then written
atomically (a temp file in the same directory, then `os.replace`). The original bytes stay in
memory; when any write fails, every file already written is restored (created files and
directories removed) so the tree is byte-identical to before, and the failure is raised as
`WriteFailed` naming the file (Ctrl-C is restored the same way and re-raised as it is).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import UnsafeTarget, WriteFailed
from .plan import FileChange, Plan, relative

#: `write_file(path, data)` writes `data`, or deletes the file when `data` is None.
WriteFile = Callable[[Path, bytes | None], None]


@dataclass(frozen=True)
class ApplyResult:
    """What `apply` did: the changes written, and those already on disk as planned."""

    written: tuple[FileChange, ...]
    unchanged: tuple[FileChange, ...]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | None) -> None:
    """Replace `path` with `data` atomically (keeping its mode), or delete it for None."""
    if data is None:
        path.unlink(missing_ok=True)
        return
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file outside the plan (`--save-spec`) the same safe way."""
    write_atomic(Path(path), text.encode("utf-8"))


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


def _make_parents(path: Path, root: Path) -> list[Path]:
    """Create missing parent directories (inside `root`); return them, outermost first."""
    missing = [p for p in reversed(path.parents) if p.is_relative_to(root) and not p.exists()]
    for directory in missing:
        directory.mkdir()
    return missing


def apply(plan: Plan, root: Path, *, write_file: WriteFile = write_atomic) -> ApplyResult:
    """Write `plan` under `root`; on any failure restore every file and re-raise."""
    root = Path(root)
    todo, unchanged = _pending(plan, root)
    done: list[tuple[Path, bytes | None]] = []
    created: list[Path] = []
    path = root
    try:
        for path, change, original in todo:
            created += _make_parents(path, root)
            done.append((path, original))  # recorded first: a half-done write is undone too
            write_file(path, _encode(change.after))
    except OSError as exc:
        _restore(done, created)
        raise WriteFailed(relative(root, path) if path != root else ".", exc) from exc
    except BaseException:
        _restore(done, created)
        raise
    return ApplyResult(tuple(change for _, change, _ in todo), tuple(unchanged))


def _restore(done: list[tuple[Path, bytes | None]], created: list[Path]) -> None:
    """Put back every original (best effort: one failure does not stop the others)."""
    for path, original in reversed(done):
        try:
            write_atomic(path, original)
        except OSError:
            pass
    for directory in reversed(created):
        try:
            directory.rmdir()
        except OSError:
            pass
