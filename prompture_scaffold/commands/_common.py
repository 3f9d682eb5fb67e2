"""What every command shares: the one exception → exit-code mapping, the checkout, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer


@contextmanager
def exit_codes(*, as_json: bool = False) -> Iterator[None]:
    """Map the scaffolder's errors to exit codes with a one-line message on stderr (never a
    traceback for user input): `ScaffoldError.exit_code`, OS errors while editing are 3,
    anything else is a bug: exit 4 naming the file that holds the traceback.
    With `as_json`, stdout also gets ``{"error": {"message", "exit_code"}}``, so a script
    reading the JSON output always has JSON to read."""
    from ..errors import Aborted, InterruptedAfterWriting, ScaffoldError

    def fail(message: str, code: int) -> typer.Exit:
        typer.echo(message, err=True)
        if as_json:
            print_json({"error": {"message": message.removeprefix("error: "), "exit_code": code}})
        return typer.Exit(code)

    try:
        yield
    except InterruptedAfterWriting as exc:
        raise fail(f"aborted: {exc}", 130) from None
    except (Aborted, KeyboardInterrupt, typer.Abort):  # typer.Abort: Ctrl-C in a confirm
        raise fail("aborted: nothing written", 130) from None
    except ScaffoldError as exc:
        raise fail(f"error: {exc}", exc.exit_code) from None
    except OSError as exc:
        raise fail(f"error: cannot edit the checkout: {exc}", 3) from None
    except UnicodeDecodeError as exc:  # a read that `checkout.read` does not guard yet
        raise fail(f"error: a file of the checkout is not UTF-8 text ({exc.reason})", 3) from None
    except (typer.Exit, typer.TyperException):  # typer.Exit is a RuntimeError
        raise
    except Exception as exc:  # a bug: exit 4, not 1 (the drift code), and no traceback
        from .._internal_error import EXIT_CODE, report

        raise fail(report(exc), EXIT_CODE) from None


def repo_option(help: str) -> typer.models.OptionInfo:
    """`--repo DIR`: must be an existing directory (else Typer's exit 2)."""
    return typer.Option(help=help, exists=True, file_okay=False, dir_okay=True)


def open_layout(repo: Path | None, recovered: list | None = None):
    """The checkout at `--repo`, else the nearest one above the working directory; a change
    a crash interrupted there is completed first (`journal.recover`), with a note (and
    appended to `recovered` when given)."""
    from ..checkout import discover, find_repo
    from ..plan.journal import recover

    root = repo if repo is not None else find_repo(Path.cwd())
    found = recover(root)
    if found is not None:
        typer.echo(f"note: {found.note()}", err=True)
        if recovered is not None:
            recovered.append(found)
    return discover(root)


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def console(stderr: bool = False):
    """A rich console on the current stdout/stderr (wide and plain when not a terminal)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 120, highlight=False)


def print_diff(text: str) -> None:
    """The diff: coloured with rich on a terminal (long lines wrapped, never cut), the exact
    text otherwise."""
    if stdout_is_terminal():
        from rich.syntax import Syntax

        console().print(Syntax(text, "diff", theme="ansi_dark", word_wrap=True))
    else:
        sys.stdout.write(text)


def print_json(payload: dict[str, Any]) -> None:
    typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))


def print_notes(notes, err: bool = False) -> None:
    for note in notes:
        typer.echo(f"note: {note}", err=err)


def changes_json(plan) -> list[dict[str, str]]:
    return [{"path": c.path, "action": c.action, "diff": c.diff} for c in plan.changes]


def print_summary(plan, verb: str) -> None:
    """After applying: one line per file, then the notes."""
    labels = {"create": "created", "modify": "modified", "delete": "deleted"}
    for change in plan.changes:
        typer.echo(f"  {labels[change.action]:<9} {change.path}")
    counts = {a: sum(c.action == a for c in plan.changes) for a in labels}
    summary = ", ".join(f"{n} {labels[a]}" for a, n in counts.items() if n)
    typer.echo(f"{verb}: {summary}")
    print_notes(plan.notes)


def confirm(plan) -> bool:
    """On a terminal without --yes: show the diff and ask before writing."""
    print_diff(plan.diff)
    return typer.confirm(f"Apply these {len(plan.changes)} changes?", default=False)
