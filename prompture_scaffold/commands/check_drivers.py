"""`prompture check-drivers`: is every driver wired in every place? (for CI)

A place is missing when running its edit's `add` on today's text would change the file; the
driver, async driver and rate files must exist. Exit 1 with the table when anything is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from . import _common

app = typer.Typer()

PLACES = {
    "drivers_init": "registry",
    "package_init": "exports",
    "settings": "settings",
    "discovery": "discovery",
    "provider_map": "provider map",
    "pyproject": "extras",
    "env_template": "env template",
    "docs_bullet": "docs",
}
COLUMNS = ("files", *dict.fromkeys(PLACES.values()), "rate file")


@dataclass
class Status:
    """One driver's places: True wired, False missing, None not applicable."""

    provider: str
    places: dict[str, bool | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def gaps(self) -> list[str]:
        return [name for name, ok in self.places.items() if ok is False] + self.problems


@app.command("check-drivers")
def check_drivers(
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    repo: Annotated[Path | None, _common.repo_option("The checkout to check.")] = None,
) -> None:
    """Check that every driver is wired in every place; exit 1 listing the gaps."""
    with _common.exit_codes(as_json=json_output):
        layout = _common.open_layout(repo)
        if _handwritten(layout):
            statuses, columns = _presence(layout)
        else:
            statuses = [_status(layout, provider) for provider in _drivers(layout)]
            columns = COLUMNS if layout.rates_dir else COLUMNS[:-1]
        if json_output:
            _common.print_json({"drivers": [_as_dict(s) for s in statuses]})
        else:
            _table(statuses, columns)
        if any(s.gaps for s in statuses):
            for s in (s for s in statuses if s.gaps):
                typer.echo(f"{s.provider}: missing {', '.join(s.gaps)}", err=True)
            raise typer.Exit(1)


def _handwritten(layout) -> bool:
    """A checkout of upstream Prompture (descriptors, flat rate files, or neither rate files nor
    our contract suites): its drivers are hand-written, so places are checked for presence."""
    if layout.testing_contracts:
        return False
    return layout.by_descriptor or not layout.rate_style.wrapped or layout.rates_dir is None


def _presence(layout) -> tuple[list[Status], tuple[str, ...]]:
    from ..checkout import wiring

    facts = wiring.read_facts(layout)
    statuses = [
        Status(provider, wiring.check(facts, provider, cls))
        for provider, cls in wiring.chat_providers(layout).items()
    ]
    return statuses, facts.place_names()


def _drivers(layout) -> list[str]:
    """The registered providers, then driver modules nobody registers (a gap in itself)."""
    files = sorted(p.name for p in Path(layout.drivers_dir).glob("*_driver.py"))
    stems = [n.removesuffix("_driver.py") for n in files if not n.startswith("async_")]
    return [*layout.providers, *(s for s in stems if s not in layout.providers)]


def _status(layout, provider: str) -> Status:
    from ..checkout import spec_from_checkout
    from ..errors import ScaffoldError

    status = Status(provider)
    if provider not in layout.providers:
        status.places.update({"files": True, "registry": False})
        return status
    try:
        spec = spec_from_checkout(layout, provider)
        _check_files(status, spec, layout)
        _check_edits(status, spec, layout)
    except ScaffoldError as exc:
        status.problems.append(str(exc))
    return status


def _check_files(status: Status, spec, layout) -> None:
    drivers = Path(layout.drivers_dir)
    names = (f"{spec.provider}_driver.py", f"async_{spec.provider}_driver.py")
    status.places["files"] = all((drivers / name).exists() for name in names)
    rates = Path(layout.rates_dir) if layout.rates_dir else None
    stems = {spec.provider, spec.models_dev_name or spec.provider}
    status.places["rate file"] = bool(rates) and any((rates / f"{s}.json").exists() for s in stems)


def _check_edits(status: Status, spec, layout) -> None:
    from ..targets import edit_targets

    for target in edit_targets(spec, layout, "add"):
        place = PLACES.get(target.edit, "registry")
        if not _relevant(target.edit, spec):
            status.places.setdefault(place, None)
        elif target.path is None:
            status.places.setdefault(place, False if target.required else None)
        else:
            wired = _wired(status, target, spec, layout)
            if target.edit == "settings":
                wired = wired and _settings_fields(Path(target.path), spec)
            if target.edit == "env_template":
                wired = wired and _env_lines(Path(target.path), spec)
            status.places[place] = status.places.get(place) is not False and wired
    _check_declared_extra(status, spec, layout)


def _check_declared_extra(status: Status, spec, layout) -> None:
    """A driver naming a pip extra (``pip_extra = "x"``) needs it in pyproject.toml, even when
    the spec read back from the checkout could not tell (the extra is what was deleted)."""
    from ..checkout.readback import declared_extra

    extra = declared_extra(layout, spec.provider)
    if extra is None or spec.sdk_requirement is not None:
        return
    status.places["extras"] = False
    status.problems.append(f"pyproject.toml: the driver names the extra {extra!r}; none is there")


def _env_lines(path: Path, spec) -> bool:
    """The env template has every line of the provider's section (key, model, endpoint)."""
    text = path.read_text(encoding="utf-8")
    prefix = spec.provider.upper()
    wanted = [f"{prefix}_MODEL="]
    wanted += [f"{prefix}_API_KEY="] if spec.requires_api_key else []
    wanted += [f"{prefix}_ENDPOINT="] if spec.endpoint else []
    lines = text.splitlines()
    return all(any(line.startswith(w) for line in lines) for w in wanted)


def _wired(status: Status, target, spec, layout) -> bool | None:
    """Whether the target's `add` would leave its file as it is (None: an optional target
    without its anchor, such as a guide with no driver list, which add-driver skips too)."""
    from ..context import EditContext
    from ..errors import UnsafeTarget
    from ..plan import read_text
    from ..targets import run_edit

    text = read_text(Path(target.path)) or ""
    try:
        return run_edit(target, "add", text, EditContext(spec, layout, Path(target.path))) == text
    except UnsafeTarget as exc:
        if not target.required:
            return None
        status.problems.append(str(exc))
        return False


def _settings_fields(path: Path, spec) -> bool:
    """`Settings` holds all of `{provider}_api_key`, `_model` and (with a URL) `_endpoint`."""
    import ast

    from ..checkout.parsed import parse

    wanted = {f"{spec.provider}_api_key", f"{spec.provider}_model"}
    wanted |= {f"{spec.provider}_endpoint"} if spec.endpoint else set()
    for node in parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name == "Settings":
            names = {
                getattr(s.target, "id", None) for s in node.body if isinstance(s, ast.AnnAssign)
            }
            return wanted <= names
    return False


def _relevant(edit: str, spec) -> bool:
    if edit == "provider_map":
        return spec.models_dev_name is not None
    if edit == "pyproject":
        return spec.sdk_requirement is not None
    return True


def _as_dict(status: Status) -> dict:
    return {"provider": status.provider, "places": status.places, "missing": status.gaps}


def _table(statuses: list[Status], columns: tuple[str, ...]) -> None:
    from rich.table import Table

    marks = {True: "✓", False: "✗", None: "–"}
    table = Table("driver", *columns, title="check-drivers")
    for s in statuses:
        table.add_row(s.provider, *(marks[s.places.get(c)] for c in columns))
    _common.console().print(table)
