"""`prompture remove-driver`: the exact inverse of add-driver.

An unknown provider is invalid input (exit 2): the name is the user's, the checkout is fine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import _common, _complete, _flow

app = typer.Typer()


@app.command("remove-driver")
def remove_driver(
    provider: Annotated[
        str,
        typer.Argument(
            help="Registry key of the driver to remove.",
            autocompletion=_complete.checkout_drivers,
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the diff, write nothing.")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Never prompt.")] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to edit.")] = None,
    discard_edits: Annotated[
        bool,
        typer.Option(
            "--discard-edits",
            help="Delete generated files even where they carry hand edits (else exit 2, "
            "showing the edits).",
        ),
    ] = False,
) -> None:
    """Remove a provider driver: delete its files and unwire it everywhere."""
    with _common.exit_codes(as_json=json_output):
        interactive = _common.stdin_is_terminal() and not (yes or json_output)
        recovered: list = []
        layout = _common.open_layout(repo, recovered)
        if _just_removed(recovered, provider, layout):
            typer.echo("nothing to change")  # the same command, interrupted, now completed
            return
        spec = _spec_of(layout, provider)
        from ..plan.planner import hand_edits, plan_remove

        plan = plan_remove(spec, layout)
        how = _flow.Outcome(
            dry_run,
            json_output,
            interactive,
            verb="removed",
            edits=hand_edits(spec, layout, plan),
            discard_edits=discard_edits,
        )
        _flow.finish(plan, spec, layout, how)


def _just_removed(recovered: list, provider: str, layout) -> bool:
    from ..checkout import existing_providers

    command = f"prompture remove-driver {provider}"
    done = any(r.command == command and r.direction == "forward" for r in recovered)
    return done and provider not in existing_providers(layout)


def _spec_of(layout, provider: str):
    from ..checkout import existing_providers
    from ..errors import InvalidInput
    from ..spec.driver_spec import FIELD
    from ..spec.readback import spec_from_checkout

    known = existing_providers(layout)
    if FIELD["provider"].checked(provider) not in known:
        from ..checkout.snapshot import Snapshot

        # A registry module that does not parse registers nothing: exit 3 naming it, not 2.
        Snapshot(layout.root).tree(layout.symbols.get("register_driver_calls", layout.drivers_init))
        from difflib import get_close_matches

        close = get_close_matches(provider, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise InvalidInput(f"PROVIDER: no driver named {provider!r} in this checkout{hint}")
    return spec_from_checkout(layout, provider)
