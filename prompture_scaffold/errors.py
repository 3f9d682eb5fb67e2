"""The scaffolder's errors, each carrying the exit code the CLI answers with.

ScaffoldError (exit 1)
├── InvalidInput (exit 2)       a flag, spec file or provider name is wrong
├── UnsafeTarget (exit 3)       a target file is missing, does not parse, or lacks its anchor
│   └── ProviderExists (exit 3) the provider already has a driver (use --force)
├── VerifyError (exit 1)        --verify found the generated driver not working
└── Aborted (exit 130)          Ctrl-C or end of input in the wizard: nothing written
"""

from __future__ import annotations

from dataclasses import dataclass


class ScaffoldError(Exception):
    exit_code = 1


class InvalidInput(ScaffoldError):
    """Bad user input: the message names the flag (or field) and why."""

    exit_code = 2


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


class Aborted(ScaffoldError):
    """The user pressed Ctrl-C (or input ended) before anything was written."""

    exit_code = 130


@dataclass
class VerifyError(ScaffoldError):
    command: list[str]
    returncode: int
    output: str

    exit_code = 1

    def __str__(self) -> str:
        return f"{' '.join(self.command)} exited {self.returncode}:\n{self.output}"
