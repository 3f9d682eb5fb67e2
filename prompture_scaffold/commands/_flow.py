"""The end of `add-driver` and `remove-driver`: show or apply a plan, verify, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import typer

from . import _common as out


@dataclass(frozen=True)
class Outcome:
    """How to finish: preview only, machine output, ask first, verify after writing."""

    dry_run: bool = False
    as_json: bool = False
    ask: bool = False
    verify: bool = False
    verb: str = "applied"
    #: `--python`: the interpreter `--verify` runs the checks with (else the checkout's venv).
    python: Path | None = None
    #: Run once the plan is applied (or at the end of a dry run): `--save-spec`.
    then: Callable[[], None] | None = None
    #: Generated files the plan would overwrite or delete that carry hand edits
    #: (`plan.planner.hand_edits`), and whether `--discard-edits` lets them go.
    edits: tuple = ()
    discard_edits: bool = False


def finish(plan, spec, layout, how: Outcome) -> None:
    """Print the dry run, or apply the plan and summarise; exit 1 when verification fails."""
    if how.dry_run:
        _report(plan, spec, None, how, preview=True)
        if how.edits and not how.discard_edits and not how.as_json:
            paths = ", ".join(c.path for c in how.edits)
            typer.echo(f"note: hand edits in {paths}: a real run refuses them", err=True)
        _then(how, written=False)
        return
    if how.edits and not how.discard_edits:
        from ..errors import HandEdits

        command = f"{'remove' if how.verb == 'removed' else 'add'}-driver {spec.provider}"
        diff = "".join(change.diff for change in how.edits)
        raise HandEdits(command, diff, [change.path for change in how.edits])
    if how.ask and not plan.empty and not out.confirm(plan):
        typer.echo(
            "nothing written", err=True
        )  # a choice, not a failure: exit 0 as `q` in the wizard
        raise typer.Exit(0)
    if not plan.empty:
        from ..plan.writer import apply

        verb = "remove" if how.verb == "removed" else "add"
        apply(plan, layout.root, command=f"prompture {verb}-driver {spec.provider}")
    _then(how, written=not plan.empty)
    report = _verify_written(plan, spec, layout, how.python) if how.verify else None
    _report(plan, spec, report, how, preview=False)
    if how.verb == "added" and not how.as_json and not plan.empty:
        _next_steps(plan, spec, layout, verified=report is not None and report.ok)
    if report is None or report.ok:
        return
    for r in report.checks:
        if r.status == "fail":
            typer.echo(
                f"verify: the {r.name} check failed (exit {r.returncode}):\n{r.output}", err=True
            )
        elif not r.ok:
            typer.echo(f"verify: the {r.name} check was {r.status}: {r.reason}", err=True)
    raise typer.Exit(1)


def _next_steps(plan, spec, layout, verified: bool) -> None:
    from ._next_steps import steps

    lines = steps(spec, plan, Path(layout.root), verified=verified)
    if lines:
        typer.echo("\nNext steps:")
        for number, line in enumerate(lines, 1):
            typer.echo(f"  {number}. {line}")


def _then(how: Outcome, written: bool) -> None:
    from ..errors import InvalidInput

    if how.then is None:
        return
    try:
        how.then()
    except InvalidInput as exc:
        if written:  # exit 2 all the same, but never let it read as "nothing happened"
            raise type(exc)(f"{exc} (the change itself is written)") from None
        raise


def _verify_written(plan, spec, layout, python):
    """`--verify` on the written change; Ctrl-C there says what is on disk, not "nothing"."""
    from ..errors import InterruptedAfterWriting
    from .verify import run_checks

    try:
        return run_checks(spec, layout, python=python)
    except KeyboardInterrupt:
        if plan.empty:
            raise InterruptedAfterWriting("verification interrupted; nothing was changed") from None
        raise InterruptedAfterWriting(
            f"verification interrupted; the change is written "
            f"(`prompture remove-driver {spec.provider}` undoes it)"
        ) from None


def _report(plan, spec, report, how: Outcome, preview: bool) -> None:
    if how.as_json:
        out.print_json(
            {
                "spec": spec.to_dict(),
                "changes": out.changes_json(plan),
                "notes": list(plan.notes),
                "verify": [r.to_dict() for r in report.checks] if report else [],
                "interpreter": report.interpreter.to_dict() if report else None,
            }
        )
        return
    if plan.empty:
        typer.echo("nothing to change")
        out.print_notes(plan.notes)
    elif preview:
        out.print_diff(plan.diff)
        out.print_notes(plan.notes, err=True)
    else:
        out.print_summary(plan, how.verb)
    if report is not None:
        typer.echo(f"verify: {report.interpreter.describe()}")
        _verify_table(report.checks)


_MARKS = {"pass": "✓ pass", "fail": "✗ fail", "skipped": "- skipped", "not run": "- not run"}


def _verify_table(results) -> None:
    from rich.table import Table

    table = Table("check", "result", "seconds", "detail", title="verify")
    for r in results:
        counts = ", ".join(f"{n} {kind}" for kind, n in r.counts.items() if n)
        detail = "; ".join(filter(None, [counts, r.reason if r.status != "fail" else ""]))
        table.add_row(r.name, _MARKS[r.status], f"{r.seconds:.2f}", detail)
    out.console().print(table)
