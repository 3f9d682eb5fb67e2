"""`prompture providers [TERM]`: search the models.dev catalogue.

Exit 0 also when nothing matches: an empty search is an answer, not an error (the line says
so and suggests close ids). Exit 3 only when an explicit `--repo` is not a checkout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import _common

app = typer.Typer()

NO_CHECKOUT = "–"


@app.command("providers")
def providers(
    term: Annotated[
        str | None, typer.Argument(help="Part of an id or name (near spellings match too).")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to compare with.")] = None,
    refresh_catalogue: Annotated[
        bool,
        typer.Option(
            "--refresh-catalogue", help="Fetch the live models.dev catalogue into the cache first."
        ),
    ] = False,
) -> None:
    """Search the catalogue: id, name, wire format, models, key variable, and whether this
    checkout has a driver. Exit 0 even when nothing matches."""
    with _common.exit_codes(as_json=json_output):
        from ..catalogue.models_dev import load, refresh, suggest
        from ..catalogue.search import search

        if refresh_catalogue:
            refresh(_common.console(stderr=json_output), err_console=_common.console(stderr=True))
        catalogue = load()
        layout = _checkout(repo)
        rows = search(catalogue, term, _drivers(layout))
        suggestions = [] if rows or not term else suggest(catalogue, term)
        if json_output:
            _common.print_json(
                {
                    "checkout": str(layout.root) if layout else None,
                    "providers": [row.to_dict() for row in rows],
                    "suggestions": suggestions,
                }
            )
        elif rows:
            _table(rows, layout)
        else:
            _no_match(term, suggestions)


def _checkout(repo: Path | None):
    """The checkout at `--repo` (must be one), else the one around the working directory,
    else None: the search works without a checkout."""
    from ..errors import ScaffoldError

    try:
        return _common.open_layout(repo)
    except ScaffoldError:
        if repo is not None:
            raise
        return None


def _drivers(layout) -> dict[str, tuple[str, ...]] | None:
    if layout is None:
        return None
    from ..catalogue.search import drivers_by_catalogue_id
    from ..checkout import existing_providers
    from ..spec.readback import provider_map_if_readable as provider_map

    return drivers_by_catalogue_id(existing_providers(layout), provider_map(layout))


def _table(rows, layout) -> None:
    from rich.table import Table
    from rich.text import Text

    caption = (
        "driver: the provider key of this checkout's driver for it"
        if layout
        else f"driver {NO_CHECKOUT}: no checkout here or above; pass --repo to compare"
    )
    table = Table("id", "name", "wire format", "models", "key variable", "driver", caption=caption)
    for row in rows:
        driver = NO_CHECKOUT if row.drivers is None else ", ".join(row.drivers)
        cells = (row.id, row.name, row.wire_format, str(row.models), row.key_env or "")
        mark = Text(f"✓ {driver}", style="green") if row.has_driver else Text(driver)
        table.add_row(*map(Text, cells), mark)  # Text: catalogue values are never markup
    _common.console().print(table)


def _no_match(term: str | None, suggestions: list[str]) -> None:
    line = f"no provider matches {term!r}" if term else "the catalogue has no providers"
    if suggestions:
        line += f"; did you mean {', '.join(suggestions)}?"
    typer.echo(line)
