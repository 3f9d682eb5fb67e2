"""`prompture check-drivers`: is every driver wired in every place? (for CI) `--fix` repairs.

Exit 0 all wired (or all repaired), 1 drift found (or left unrepaired), 3 a wiring file is
damaged (not UTF-8, bare-CR line endings, not Python or TOML, wrongly typed pyproject fields),
4 internal error. The survey is `plan.drift`; `--fix` plans with `plan.planner.plan_fix` (the
same edits as add-driver) and writes through the journaled writer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import _common

app = typer.Typer()


@app.command("check-drivers")
def check_drivers(
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to check.")] = None,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Repair what is missing with add-driver's edits: show the diff, then write "
            "(asks first on a terminal).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --fix: print the diff, write nothing.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="With --fix: never prompt.")] = False,
) -> None:
    """Check that every driver is wired in every place; exit 1 listing the gaps.

    Exit codes: 0 all wired (or repaired), 1 drift found (or left unrepaired), 3 a file of
    the checkout is damaged, 4 internal error."""
    from ..checkout.snapshot import Snapshot
    from ..plan.drift import survey

    with _common.exit_codes(as_json=json_output):
        layout = _common.open_layout(repo)
        found = survey(layout, Snapshot(layout.root))
        if fix:
            interactive = _common.stdin_is_terminal() and not (yes or json_output or dry_run)
            _fix(layout, found, json_output, dry_run, interactive)
            return
        if json_output:
            _common.print_json({"drivers": [_as_dict(s) for s in found.statuses]})
        else:
            table(found.statuses, found.columns, _common.console())
        if _report_gaps(found.statuses, "missing"):
            raise typer.Exit(1)


def _report_gaps(statuses, verb: str) -> bool:
    drifted = [s for s in statuses if s.gaps]
    for s in drifted:
        typer.echo(f"{s.provider}: {verb} {', '.join(s.gaps)}", err=True)
    return bool(drifted)


def _fix(layout, found, as_json: bool, dry_run: bool, interactive: bool) -> None:
    """Plan the repair of every drifted driver, show it, write it, say what is left."""
    from ..plan.repair import plan_repair

    repair = plan_repair(layout, found)
    plan, left = repair.plan, repair.left
    if not as_json:  # on a terminal, the confirmation shows the diff
        table(found.statuses, found.columns, _common.console())
        if not interactive:
            _common.print_diff(plan.diff)
        _common.print_notes(plan.notes, err=True)
    written = False
    if not plan.empty and not dry_run and (not interactive or _common.confirm(plan)):
        from ..plan.writer import apply

        apply(plan, layout.root, command="prompture check-drivers --fix")
        written = True
    if as_json:
        _fix_json(found, repair, written)
    else:
        _fix_text(repair, written, dry_run)
    if left or (any(s.gaps for s in found.statuses) and not written):
        raise typer.Exit(1)


def _fix_text(repair, written: bool, dry_run: bool) -> None:
    plan, left = repair.plan, repair.left
    if plan.empty:
        typer.echo("nothing to fix" if not left else "nothing that can be fixed")
    elif written:
        _common.print_summary(plan, "fixed")
    else:
        typer.echo("nothing written" + (" (dry run)" if dry_run else ""), err=True)
    for provider, status in left.items():
        why = repair.reason(provider)
        typer.echo(f"cannot repair {provider}: {', '.join(status.gaps)} ({why})", err=True)


def _fix_json(found, repair, written: bool) -> None:
    _common.print_json(
        {
            "drivers": [_as_dict(s) for s in found.statuses],
            "changes": _common.changes_json(repair.plan),
            "notes": list(repair.plan.notes),
            "written": written,
            "unrepaired": [
                {"provider": p, "missing": s.gaps, "reason": repair.reason(p)}
                for p, s in repair.left.items()
            ],
        }
    )


def _as_dict(status) -> dict:
    return {"provider": status.provider, "places": status.places, "missing": status.gaps}


#: Short column names for a narrow terminal, explained in a legend under the table.
SHORT = {
    "files": "fil",
    "registry": "reg",
    "exports": "exp",
    "settings": "set",
    "discovery": "dis",
    "provider map": "map",
    "extras": "ext",
    "env template": "env",
    "docs": "doc",
    "rate file": "rat",
}
_MARKS = {True: "✓", False: "✗", None: "–"}


#: Past this many drivers the table shows only the drifted ones (and counts the others).
ALL_ROWS = 40


def table(statuses, columns: tuple[str, ...], console) -> None:
    """One row per driver with its full name: the place names as headers when that fits the
    console, else short ones with a legend, else one line per driver listing what is missing.
    A checkout with many drivers shows only those with gaps, and counts the others."""
    shown = statuses if len(statuses) <= ALL_ROWS else [s for s in statuses if s.gaps]
    hidden = len(statuses) - len(shown)
    name = max((len(s.provider) for s in shown), default=6)
    for short in (False, True):
        headers = [SHORT.get(c, c) if short else c for c in columns]
        # A cell is padded by one space each side, and each column has one border.
        if (
            sum(len(h) + 3 for h in ["driver" if name < 6 else "x" * name, *headers]) + 1
            <= console.width
        ):
            if shown:
                console.print(_grid(shown, columns, short))
            if short and shown:
                legend = ", ".join(f"{SHORT.get(c, c)}={c}" for c in columns)
                console.print(f"{legend}; ✓ wired, ✗ missing, – not applicable")
            break
    else:
        console.print("check-drivers")
        for s in shown:
            gaps = s.gaps
            console.print(f"{s.provider}: " + ("missing " + ", ".join(gaps) if gaps else "✓ wired"))
    if hidden:
        console.print(f"{hidden} more drivers wired in every place (--json lists every driver)")


def _grid(statuses, columns: tuple[str, ...], short: bool):
    from rich import box
    from rich.table import Table

    headers = [SHORT.get(c, c) if short else c for c in columns]
    grid = Table(title="check-drivers", box=box.SIMPLE_HEAD if short else box.HEAVY_HEAD)
    grid.add_column("driver", no_wrap=True)
    for header in headers:
        grid.add_column(header, no_wrap=True, justify="center" if short else "left")
    for s in statuses:
        grid.add_row(s.provider, *(_MARKS[s.places.get(c)] for c in columns))
    return grid
