"""`add-driver` on a terminal: the wizard answers missing values and confirms the change.

`q` at the confirmation is a deliberate "no": "nothing written", exit 0. Ctrl-C (or end of
input) anywhere is exit 130, also nothing written (`_common.exit_codes`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

import typer

from . import _common


def check_ask_fields(names: Collection[str]) -> tuple[str, ...]:
    """The `--ask` field names, or exit 2 listing the valid ones."""
    from ..errors import InvalidInput
    from ..spec.driver_spec import FIELD_NAMES

    unknown = [name for name in names if name not in FIELD_NAMES]
    if unknown:
        raise InvalidInput(
            f"--ask: unknown field {unknown[0]!r}; valid fields: {', '.join(FIELD_NAMES)}"
        )
    return tuple(names)


def wizard_run(request, make, how, *, existing: Collection[str], ask_fields: Collection[str]):
    """`(spec, plan, how)` after the wizard; `how.ask` stays on only when the wizard asked
    nothing (then the plain diff-and-confirm runs, as before)."""
    from ..wizard import Quit, Wizard

    wizard = Wizard(
        request,
        console=_common.console(),
        existing=existing,
        ask_fields=ask_fields,
        review=not how.dry_run,
    )
    try:
        spec, plan, confirmed = wizard.run(make)
    except Quit:
        typer.echo("nothing written", err=True)
        raise typer.Exit(0) from None
    return spec, plan, dataclasses.replace(how, ask=how.ask and not confirmed)
