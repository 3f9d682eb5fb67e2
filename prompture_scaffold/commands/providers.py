"""`prompture providers [TERM]`: search the models.dev catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import _common

app = typer.Typer()


@app.command("providers")
def providers(
    term: Annotated[str | None, typer.Argument(help="Part of an id or name.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to compare with.")] = None,
) -> None:
    """Search the catalogue: id, name, wire format, models, and whether a driver exists."""
    with _common.exit_codes():
        rows = _rows(term, _mapped(repo))
        if json_output:
            _common.print_json({"providers": rows})
            return
        from rich.table import Table

        table = Table("id", "name", "wire format", "models", "driver")
        for row in rows:
            table.add_row(
                row["id"], row["name"], row["compat"], str(row["models"]), row["driver"] or ""
            )
        _common.console().print(table)


def _mapped(repo: Path | None) -> dict[str, str]:
    """models.dev id -> the checkout's provider key (empty without a checkout)."""
    from ..errors import ScaffoldError

    try:
        layout = _common.open_layout(repo)
    except ScaffoldError:
        if repo is not None:
            raise
        return {}
    found = {value: key for key, value in provider_map(layout).items()}
    return found | {key: key for key in layout.providers if key not in found.values()}


def _rows(term: str | None, mapped: dict[str, str]) -> list[dict]:
    from ..catalogue import NPM_COMPAT, load

    needle = (term or "").lower()
    rows = []
    for cid, entry in sorted(load().items()):
        name = str(entry.get("name", cid))
        if needle and needle not in cid.lower() and needle not in name.lower():
            continue
        compat = NPM_COMPAT.get(str(entry.get("npm", "")), "custom")
        models = len(entry.get("models") or {})
        rows.append(
            {"id": cid, "name": name, "compat": compat, "models": models, "driver": mapped.get(cid)}
        )
    return rows


def provider_map(layout) -> dict[str, str]:
    """The checkout's `PROVIDER_MAP` literal (empty when absent or not a literal)."""
    import ast

    path = layout.symbols.get("PROVIDER_MAP")
    tree = ast.parse(Path(path).read_text(encoding="utf-8")) if path else ast.Module([], [])
    for node in tree.body:
        target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
        if getattr(target, "id", None) == "PROVIDER_MAP" and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return {}
            return value if isinstance(value, dict) else {}
    return {}
