"""The wizard's last screen: the answers as a table, the diff, and the edit menu.

The table never cuts a value: a long one wraps inside its cell (a URL folds), at any width.
The first review shows the whole diff; after an answer changes, only the files whose change
is new or different since the last review are shown, with a line naming the others (`d` at
the confirmation shows the whole diff again).

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
from rich.text import Text

from ..spec.driver_spec import CAPABILITIES, FIELDS, DriverSpec

if TYPE_CHECKING:
    from .prompt import Asker

MORE = "More of the change (Enter: next page, s: skip to the question)"

#: The rows of the summary (and the edit menu): a label and the fields it shows.
#: Each field's row is labelled with its name, in field order; the capabilities share a row.
ROWS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    ("capabilities", CAPABILITIES) if field.name == CAPABILITIES[0] else (field.name, (field.name,))
    for field in FIELDS
    if field.name not in CAPABILITIES[1:]
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
    table = Table(title="add-driver", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("field", no_wrap=True)
    table.add_column("value", overflow="fold", ratio=1)  # wrapped, never cut with "…"
    table.add_column("from", no_wrap=True)
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


def show_diff(asker: Asker, diff: str, table: Table | None = None, note: str = "") -> None:
    """The diff, coloured, after `table` if given and before `note`; paged together when
    long."""
    parts: list[RenderableType] = [] if table is None else [table]
    if diff:
        parts.append(Syntax(diff, "diff", theme="ansi_dark", word_wrap=True))
    if note:
        parts.append(Text(note, style="dim"))
    show(asker, *parts)


def changed_since(shown: dict[str, str], changes) -> tuple[str, str]:
    """`(diff, note)`: the diffs of `changes` not already in `shown` (path -> diff last shown),
    and a line naming what is unchanged or no longer part of the change."""
    fresh = [c for c in changes if shown.get(c.path) != c.diff]
    same = [c.path for c in changes if shown.get(c.path) == c.diff]
    gone = sorted(set(shown) - {c.path for c in changes})
    notes = []
    if same:
        notes.append(f"unchanged since the last review ({len(same)}): {', '.join(same)}")
    if gone:
        notes.append(f"no longer changed: {', '.join(gone)}")
    if not fresh:
        notes.insert(0, "the diff is the same as before")
    return "".join(c.diff for c in fresh), "\n".join(notes + ["d shows the whole diff"])
