"""The end of `add-driver` and `remove-driver`: show or apply a plan, verify, report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    #: Run once the plan is applied (or at the end of a dry run): `--save-spec`.
    then: Callable[[], None] | None = None


def finish(plan, spec, layout, how: Outcome) -> None:
    """Print the dry run, or apply the plan and summarise; exit 1 when verification fails."""
    if how.dry_run:
        _report(plan, spec, (), how, preview=True)
        _then(how, written=False)
        return
    if how.ask and not plan.empty and not out.confirm(plan):
        typer.echo(
            "nothing written", err=True
        )  # a choice, not a failure: exit 0 as `q` in the wizard
        raise typer.Exit(0)
    if not plan.empty:
        from ..writer import apply

        verb = "remove" if how.verb == "removed" else "add"
        apply(plan, layout.root, command=f"prompture {verb}-driver {spec.provider}")
    _then(how, written=not plan.empty)
    results = _verify_written(plan, spec, layout) if how.verify else ()
    _report(plan, spec, results, how, preview=False)
    failed = [r for r in results if not r.ok]
    for r in failed:
        typer.echo(
            f"verify: the {r.name} check failed (exit {r.returncode}):\n{r.output}", err=True
        )
    if failed:
        raise typer.Exit(1)


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


def _verify_written(plan, spec, layout):
    """`--verify` on the written change; Ctrl-C there says what is on disk, not "nothing"."""
    from ..errors import InterruptedAfterWriting
    from ..verify import run_checks

    try:
        return run_checks(spec, layout)
    except KeyboardInterrupt:
        if plan.empty:
            raise InterruptedAfterWriting("verification interrupted; nothing was changed") from None
        raise InterruptedAfterWriting(
            f"verification interrupted; the change is written "
            f"(`prompture remove-driver {spec.provider}` undoes it)"
        ) from None


def _report(plan, spec, results, how: Outcome, preview: bool) -> None:
    if how.as_json:
        out.print_json(
            {
                "spec": spec.to_dict(),
                "changes": out.changes_json(plan),
                "notes": list(plan.notes),
                "verify": [r.to_dict() for r in results],
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
    if results:
        _verify_table(results)


def _verify_table(results) -> None:
    from rich.table import Table

    table = Table("check", "result", "seconds", title="verify")
    for r in results:
        table.add_row(r.name, "✓ pass" if r.ok else "✗ fail", f"{r.seconds:.2f}")
    out.console().print(table)
