"""The apply journal: what lets a change a crash interrupted be finished by the next command.

Before its first write, `writer.apply` records the plan under ``.prompture-scaffold/journal/``
in the checkout root: ``plan.json`` names each path with the sha256 of its bytes before and
after (null: absent) and the directories the plan creates; ``blobs/<sha256>`` holds every one
of those contents. The journal is built in a ``journal-new-*`` directory and renamed into place
once complete, so it is either whole or absent; a ``.gitignore`` of ``*`` beside it keeps git
quiet about it (no file of the user's is edited for that). After the last write it is renamed
to ``journal-old-*`` and deleted.

`recover` (every command runs it on the checkout first) finds a journal and **completes** the
change: each path whose bytes are still the "before" ones gets its "after" bytes, and stray
``.NAME.*.tmp`` files of the interrupted writes are removed. Finishing, not undoing, because
the change was asked for (and confirmed) already, and because every write is atomic, each file
is exactly "before" or "after": completing it gives the very tree a clean run would, so the
same command then finds nothing to change and `remove-driver` undoes it like any other add.
The one exception is a journal marked ``rollback``: an apply that failed (a write error, Ctrl-C)
and could not put every file back; `recover` then finishes the way back instead.

A path whose bytes are neither (edited by hand since the crash) is left alone and named. A
path that cannot be written is named, the journal is kept, and the error is exit 3.

The command writing a journal holds an exclusive `flock` on its directory until it is gone;
the kernel drops it when the process dies. So `recover` tells a crashed change (lock free:
settle it) from one another command is writing right now (lock held: exit 3, touch nothing).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomic
from ..errors import RollbackFailed, UnsafeTarget

DIRNAME = ".prompture-scaffold"
JOURNAL = "journal"
FORMAT = 1

WriteFile = Callable[[Path, bytes | None], None]


def sha(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Entry:
    """One journaled file: its posix path under the root and the hashes before and after."""

    path: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Recovered:
    """What `recover` did: the journaled command, the direction, the files it wrote, and
    those it left alone because they had been edited since."""

    command: str
    direction: str
    written: tuple[str, ...]
    left_alone: tuple[str, ...]

    def note(self) -> str:
        done = "completed" if self.direction == "forward" else "undid"
        text = f"{done} the interrupted `{self.command}` ({len(self.written)} files written)"
        if self.left_alone:
            text += f"; left alone, edited since: {', '.join(self.left_alone)}"
        return text


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock(directory: Path) -> int | None:
    """An fd holding an exclusive flock on `directory`, or None when another process holds
    it (no locking where `fcntl` is missing: an fd all the same)."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        import fcntl
    except ImportError:  # not POSIX: no way to tell, assume the writer is gone
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


class Journal:
    """An open journal in `root` (see the module docstring)."""

    def __init__(self, root: Path, command: str, entries: list[Entry], directories: list[str]):
        self.root = Path(root)
        self.command = command
        self.entries = entries
        self.directories = directories
        self._fd: int | None = None  # the flock held while the journal exists

    @property
    def home(self) -> Path:
        return self.root / DIRNAME

    @property
    def path(self) -> Path:
        return self.home / JOURNAL

    @property
    def shown(self) -> str:
        return f"{DIRNAME}/{JOURNAL}"

    @classmethod
    def begin(
        cls,
        root: Path,
        command: str,
        files: Iterable[tuple[str, bytes | None, bytes | None]],
        directories: Iterable[str],
    ) -> Journal:
        """Write the journal of `files` ((path, before, after) bytes) before any write."""
        root = Path(root)
        blobs: dict[str, bytes] = {}
        entries = []
        for path, before, after in files:
            entries.append(Entry(path, sha(before), sha(after)))
            for data in (before, after):
                if data is not None:
                    blobs[sha(data)] = data
        journal = cls(root, command, entries, list(directories))
        if journal.path.exists():
            raise UnsafeTarget(journal.shown, "-", "an interrupted change is pending")
        journal.home.mkdir(exist_ok=True)
        ignore = journal.home / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        new = Path(tempfile.mkdtemp(prefix=f"{JOURNAL}-new-", dir=journal.home))
        journal._fd = _lock(new)
        try:
            (new / "blobs").mkdir()
            for digest, data in blobs.items():
                _fsync_write(new / "blobs" / digest, data)
            _fsync_write(new / "plan.json", journal._dump())
            _fsync_dir(new / "blobs")
            _fsync_dir(new)
            os.rename(new, journal.path)
            _fsync_dir(journal.home)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            _remove_home(journal.home)
            journal.release()
            raise
        return journal

    def release(self) -> None:
        """Drop the flock (the journal stays for the next command to settle)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _dump(self) -> bytes:
        data = {
            "format": FORMAT,
            "command": self.command,
            "directories": self.directories,
            "changes": [
                {"path": e.path, "before": e.before, "after": e.after} for e in self.entries
            ],
        }
        return json.dumps(data, indent=1).encode("utf-8")

    @classmethod
    def load(cls, root: Path) -> Journal | None:
        """The journal pending in `root`, or None; a damaged one is exit 3 naming it."""
        journal = cls(Path(root), "", [], [])
        try:
            journal._fd = _lock(journal.path)
        except FileNotFoundError:
            return None
        if journal._fd is None:
            why = "another prompture command is writing this checkout now; run again after it"
            raise UnsafeTarget(journal.shown, "-", why)
        try:
            raw = (journal.path / "plan.json").read_bytes()
        except FileNotFoundError:
            journal.release()
            if journal.path.exists():
                raise UnsafeTarget(journal.shown, "-", "is damaged (no plan.json)") from None
            return None
        try:
            data = json.loads(raw)
            journal.command = str(data["command"])
            journal.directories = [str(d) for d in data["directories"]]
            journal.entries = [Entry(c["path"], c["before"], c["after"]) for c in data["changes"]]
        except (ValueError, KeyError, TypeError) as exc:
            journal.release()
            why = f"is damaged ({type(exc).__name__}); delete it once the tree is checked"
            raise UnsafeTarget(f"{journal.shown}/plan.json", "-", why) from None
        return journal

    def blob(self, digest: str | None) -> bytes | None:
        return None if digest is None else (self.path / "blobs" / digest).read_bytes()

    def mark_rollback(self) -> None:
        """Record that this change is being undone (best effort: a full disk may refuse)."""
        try:
            (self.path / "rollback").touch()
        except OSError:
            pass

    @property
    def direction(self) -> str:
        return "back" if (self.path / "rollback").exists() else "forward"

    def settle(
        self, direction: str, write_file: WriteFile, *, ours: bool = False
    ) -> tuple[list[str], list[str], dict]:
        """Bring every journaled file to its `direction` state ("forward": after, "back":
        before). A file in neither state is left alone, unless `ours` (the apply that wrote
        it is undoing its own writes). Returns (written, left alone, {path: error})."""
        written, left_alone, failed = [], [], {}
        if direction == "forward":
            for directory in self.directories:
                (self.root / directory).mkdir(exist_ok=True)
        for entry in self.entries:
            want, other = entry.after, entry.before
            if direction == "back":
                want, other = other, want
            path = self.root / entry.path
            try:
                current = sha(read_bytes(path))
                if current == want:
                    continue
                if current != other and not ours:
                    left_alone.append(entry.path)
                    continue
                write_file(path, self.blob(want))
                written.append(entry.path)
            except OSError as exc:
                failed[entry.path] = exc
        self.remove_temp_files()
        if direction == "back":
            for directory in reversed(self.directories):
                try:
                    (self.root / directory).rmdir()
                except OSError:
                    pass
        return written, left_alone, failed

    def remove_temp_files(self) -> None:
        """The ``.NAME.*.tmp`` files an interrupted atomic write leaves beside NAME."""
        for entry in self.entries:
            path = self.root / entry.path
            pattern = re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")
            try:
                names = os.listdir(path.parent)
            except OSError:
                continue
            for name in names:
                if pattern.fullmatch(name):
                    (path.parent / name).unlink(missing_ok=True)

    def close(self) -> None:
        """The change is settled: drop the journal (renamed away first, so never half-gone)."""
        old = Path(tempfile.mkdtemp(prefix=f"{JOURNAL}-old-", dir=self.home))
        os.rename(self.path, old / JOURNAL)
        shutil.rmtree(old, ignore_errors=True)
        _remove_home(self.home)
        self.release()


def _remove_home(home: Path) -> None:
    """Remove ``.prompture-scaffold`` once nothing but its ``.gitignore`` is left."""
    try:
        names = set(os.listdir(home))
        if names <= {".gitignore"}:
            (home / ".gitignore").unlink(missing_ok=True)
            home.rmdir()
    except OSError:
        pass


def _remove_strays(home: Path) -> None:
    """Journals never committed (a crash while writing one: no file was touched yet) and
    journals being deleted."""
    try:
        names = os.listdir(home)
    except OSError:
        return
    for name in names:
        if not name.startswith((f"{JOURNAL}-new-", f"{JOURNAL}-old-")):
            continue
        try:
            fd = _lock(home / name)
        except OSError:
            continue
        if fd is not None:  # None: a journal another command is writing right now
            shutil.rmtree(home / name, ignore_errors=True)
            os.close(fd)


def recover(root: Path, write_file: WriteFile | None = None) -> Recovered | None:
    """Settle a change a crash interrupted in `root` (see the module docstring); None when
    there was none. Raises `RollbackFailed` (journal kept) when a file cannot be written."""
    root = Path(root)
    home = root / DIRNAME
    if not home.is_dir():
        return None
    _remove_strays(home)
    journal = Journal.load(root)
    if journal is None:
        _remove_home(home)
        return None
    direction = journal.direction
    written, left_alone, failed = journal.settle(direction, write_file or write_atomic)
    if failed:
        journal.release()
        raise RollbackFailed(journal.shown, failed, direction)
    journal.close()
    return Recovered(journal.command, direction, tuple(written), tuple(left_alone))
