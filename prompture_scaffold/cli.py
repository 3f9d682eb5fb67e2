"""The `prompture` command line: the Typer app and its entry point.

Commands import their heavy machinery (libcst, jinja2, the catalogue) only when they run, so
`prompture --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import __version__

app = typer.Typer(
    name="prompture",
    help="Add LLM provider drivers to a Prompture checkout: plan, preview, apply, verify.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"prompture {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Add LLM provider drivers to a Prompture checkout: plan, preview, apply, verify."""


from .commands import add_driver, check_drivers, providers, remove_driver  # noqa: E402

for _group in (add_driver, remove_driver, check_drivers, providers):
    app.add_typer(_group.app)


def main() -> None:
    """The console script `prompture`."""
    app()


if __name__ == "__main__":
    main()
