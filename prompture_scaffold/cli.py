"""The `prompture` command line: the Typer app and its entry point.

Commands import their heavy machinery (libcst, jinja2, the catalogue) only when they run, so
`prompture --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from . import __version__
from .commands._help import CONTEXT_SETTINGS, epilog

#: The exit codes of every command (README "Exit codes" says the same).
EXIT_CODES = (
    "Exit codes: 0 done or nothing to do; 1 verification failed or drift found; 2 invalid input; "
    "3 a target cannot be edited safely (or the provider exists); 4 internal error (a bug: the "
    "message names the file holding the traceback); 130 interrupted."
)

app = typer.Typer(
    name="prompture",
    help="Add LLM provider drivers to a Prompture checkout: plan, preview, apply, verify.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


def _version(value: bool) -> None:
    if value:  # the tool's own name under either command, never mistaken for upstream's
        typer.echo(f"prompture-scaffold {__version__}")
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
    for _command in _group.app.registered_commands:  # every command's examples (`_help.py`)
        _command.epilog = _command.epilog or epilog(_command.name)
    app.add_typer(_group.app)


def main() -> None:
    """The console scripts `prompture` and `prompture-scaffold`. Commands map their own errors
    (`commands._common.exit_codes`); this catches a bug outside them (option parsing, a
    callback, an import) the same way: exit 4 without a traceback on screen."""
    try:
        app()
    except Exception as exc:
        from . import _internal_error

        typer.echo(_internal_error.report(exc), err=True)
        raise SystemExit(_internal_error.EXIT_CODE) from None


if __name__ == "__main__":
    main()
