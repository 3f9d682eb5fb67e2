"""The wizard's last screen: the answers as a table, the whole diff, and the edit menu.

The diff is coloured with rich and paged when it is longer than the terminal. The pages are
the wizard's own: each page break is one more question ("? More ...") where Enter shows the
next page and any other answer skips to the confirmation, so "Enter at every question, then y"
walks the whole wizard, and Ctrl-C aborts as anywhere else. (An external pager such as `less`
would take Enter and `y` as scrolling keys.) `PROMPTURE_NO_PAGER=1`, or a console that is not
a terminal, prints it straight.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.syntax import Syntax
from rich.table import Table

from .spec import CAPABILITIES, DriverSpec

if TYPE_CHECKING:
    from ._wizard_prompt import Asker

MORE = "More of the change (Enter: next page, s: skip to the question)"

#: The rows of the summary (and the edit menu): a label and the fields it shows.
ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("provider", ("provider",)),
    ("display_name", ("display_name",)),
    ("class_name", ("class_name",)),
    ("compat", ("compat",)),
    ("sdk", ("sdk",)),
    ("lazy", ("lazy",)),
    ("auth", ("auth",)),
    ("api_key_env", ("api_key_env",)),
    ("extra_api_key_envs", ("extra_api_key_envs",)),
    ("endpoint", ("endpoint",)),
    ("default_model", ("default_model",)),
    ("models_dev_name", ("models_dev_name",)),
    ("capabilities", CAPABILITIES),
    ("example", ("example",)),
    ("tests", ("tests",)),
    ("template", ("template",)),
)


def shown(spec: DriverSpec, fields: tuple[str, ...]) -> str:
    """How the summary shows `fields` of `spec`."""
    if fields == CAPABILITIES:
        return ", ".join(c for c in CAPABILITIES if getattr(spec, c)) or "-"
    value = getattr(spec, fields[0])
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) or "-"
    return "-" if value in (None, "") else str(value)


def summary(spec: DriverSpec, source: Callable[[tuple[str, ...]], str]) -> Table:
    """The answers as a table: #, field, value, and where the value came from."""
    table = Table("#", "field", "value", "from", title="add-driver", title_justify="left")
    for number, (label, fields) in enumerate(ROWS, 1):
        table.add_row(str(number), label, shown(spec, fields), source(fields))
    return table


def should_page(console: Console, lines: int) -> bool:
    """Page output longer than the terminal, unless paging is off (`PROMPTURE_NO_PAGER`)."""
    if os.environ.get("PROMPTURE_NO_PAGER") or not console.is_terminal:
        return False
    return lines > console.height - 4


def show(asker: Asker, *parts: RenderableType) -> None:
    """Print `parts`, a screen at a time with a "More" question between screens when long."""
    console = asker.console
    with console.capture() as captured:
        for part in parts:
            console.print(part)
    lines = captured.get().splitlines(keepends=True)
    if not should_page(console, len(lines)):
        console.file.write("".join(lines))
        return
    page = max(console.height - 3, 5)
    for start in range(0, len(lines), page):
        console.file.write("".join(lines[start : start + page]))
        console.file.flush()
        if start + page < len(lines) and asker.line(MORE, None):
            return


def show_diff(asker: Asker, diff: str, table: Table | None = None) -> None:
    """The whole diff, coloured, after `table` if given; paged together when long."""
    syntax = Syntax(diff, "diff", theme="ansi_dark", word_wrap=True)
    show(asker, *((syntax,) if table is None else (table, syntax)))
