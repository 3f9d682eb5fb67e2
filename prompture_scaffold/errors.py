"""The scaffolder's errors, each carrying the exit code the CLI answers with.

ScaffoldError (exit 1)
├── InvalidInput (exit 2)       a flag, spec file or provider name is wrong
│   ├── HandEdits (exit 2)      generated files carry hand edits (--discard-edits)
│   └── spec.checks.Refused     a value broke a rule (its field names the flag)
├── UnsafeTarget (exit 3)       a target file is missing, does not parse, or lacks its anchor
│   └── ProviderExists (exit 3) the provider already has a driver (use --force)
├── WriteFailed (exit 3)        a write failed; every file was restored (also an OSError)
├── RollbackFailed (exit 3)     files could not be put back (or a journal not settled): named
└── Aborted (exit 130)          Ctrl-C or end of input in the wizard: nothing written
    └── InterruptedAfterWriting  Ctrl-C during --verify: the change is on disk
"""

from __future__ import annotations


class ScaffoldError(Exception):
    exit_code = 1


class InvalidInput(ScaffoldError):
    """Bad user input: the message names the flag (or field) and why."""

    exit_code = 2


#: The symbol an `UnsafeTarget` names when the whole file is the problem (it does not parse);
#: the edit runner replaces it with the anchor the edit came for.
WHOLE_FILE = "<module>"


class HandEdits(InvalidInput):
    """Generated files the change would overwrite or delete differ from what the scaffolder
    generates from their spec: hand edits, shown as a diff (generated to on disk)."""

    def __init__(self, command: str, diff: str, paths: list[str]) -> None:
        super().__init__(command, diff, paths)
        self.command, self.diff, self.paths = command, diff, paths

    def __str__(self) -> str:
        return (
            f"{self.command} would drop the hand edits in {', '.join(self.paths)}: they differ "
            "from what add-driver generates from the driver's spec; nothing written. Copy "
            "the edits out, or rerun with --discard-edits to drop them. The edits (from what "
            f"add-driver generates to what is on disk):\n{self.diff}"
        ).rstrip("\n")


class UnsafeTarget(ScaffoldError):
    """A target cannot be edited safely; nothing has been written."""

    exit_code = 3

    def __init__(self, path: str, symbol: str, reason: str) -> None:
        super().__init__(f"{path}: {reason} ({symbol})")
        self.path = path
        self.symbol = symbol
        self.reason = reason


class ProviderExists(ScaffoldError):
    exit_code = 3


class WriteFailed(ScaffoldError, OSError):
    """Writing `path` failed half-way through a plan; every file already written has been
    restored, so the checkout is as before. An `OSError` still, carrying the cause's errno."""

    exit_code = 3

    def __init__(self, path: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.path = path

    def __str__(self) -> str:
        reason = self.strerror
        return f"{self.path}: cannot write it ({reason}); every file was restored, nothing changed"


class RollbackFailed(ScaffoldError, OSError):
    """Files the writer (or a journal's recovery) could not bring to their planned state:
    each is named with its reason, and the journal is kept so the next command retries."""

    exit_code = 3

    def __init__(
        self, journal: str, failed: dict[str, OSError], direction: str, cause: str = ""
    ) -> None:
        first = next(iter(failed.values()))
        super().__init__(first.errno, first.strerror or str(first))
        self.journal = journal
        self.failed = dict(failed)
        self.direction = direction
        self.cause = cause

    def __str__(self) -> str:
        files = ", ".join(f"{p} ({e.strerror or e})" for p, e in self.failed.items())
        state = "original" if self.direction == "back" else "planned"
        head = f"{self.cause}; " if self.cause else ""
        return (
            f"{head}could not bring these files to their {state} bytes: {files}; "
            f"{self.journal} keeps them and the next prompture command on this checkout "
            "tries again"
        )


class Aborted(ScaffoldError):
    """The user pressed Ctrl-C (or input ended) before anything was written."""

    exit_code = 130


class InterruptedAfterWriting(Aborted):
    """Ctrl-C once the change was written (during `--verify`): the message says what is on disk
    and how to undo it, since "nothing written" would be false."""
