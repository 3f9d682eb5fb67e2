"""Is every driver wired in every place? The survey behind `check-drivers` (and its `--fix`).

Checkouts we generate are checked by regeneration: a place is missing when running its edit's
`add` would change the file (looked up in a per-file index, `wired`, so each file is read and
parsed once for all drivers); the driver, async driver and rate files must exist. A
hand-written checkout (upstream Prompture) is checked for presence (`wiring`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..checkout.snapshot import Snapshot
from ..errors import UnsafeTarget

if TYPE_CHECKING:
    from ..checkout.layout import Layout
    from ..spec.driver_spec import DriverSpec

#: Edit module -> the place (table column) it wires.
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
    #: The spec read back from the checkout (None: it could not be), what `--fix` plans with.
    spec: DriverSpec | None = None

    @property
    def gaps(self) -> list[str]:
        return [name for name, ok in self.places.items() if ok is False] + self.problems


@dataclass(frozen=True)
class Survey:
    statuses: list[Status]
    columns: tuple[str, ...]
    #: Drivers written by hand (presence checks): nothing can be regenerated there.
    handwritten: bool


def handwritten(layout: Layout) -> bool:
    """A checkout of upstream Prompture (descriptors, flat rate files, or neither rate files nor
    our contract suites): its drivers are hand-written, so places are checked for presence."""
    if layout.testing_contracts:
        return False
    return layout.by_descriptor or not layout.rate_style.wrapped or layout.rates_dir is None


def survey(layout: Layout, snap: Snapshot) -> Survey:
    """Every driver's status; a damaged wiring file is `UnsafeTarget` (exit 3), not drift."""
    if handwritten(layout):
        from . import wiring

        facts = wiring.read_facts(layout, snap)
        statuses = [
            Status(provider, wiring.check(facts, provider, cls))
            for provider, cls in wiring.chat_providers(layout).items()
        ]
        return Survey(statuses, facts.place_names(), True)
    layout = _registered_now(layout, snap)
    _read_wiring_files(layout, snap)
    statuses = [_status(layout, snap, provider) for provider in _drivers(layout, snap)]
    return Survey(statuses, COLUMNS if layout.rates_dir else COLUMNS[:-1], False)


def _registered_now(layout: Layout, snap: Snapshot) -> Layout:
    """The layout with the providers the snapshot registers (its overlay may add some)."""
    registry = layout.symbols.get("register_driver_calls")
    if not snap.overlay or registry is None:
        return layout
    from ..checkout.symbols import registered_providers

    return replace(layout, providers=registered_providers(layout, snap.tree(registry)))


def _read_wiring_files(layout: Layout, snap: Snapshot) -> None:
    """Every wiring file read (and the Python ones parsed) up front: a damaged one is exit 3
    naming it, whichever driver would have come to it first."""
    sym = layout.symbols
    names = ("register_driver_calls", "register_async_driver_calls", "Settings")
    python = [sym.get(n) for n in (*names, "get_available_models", "PROVIDER_MAP")]
    python.append(Path(layout.package_dir) / "__init__.py")
    for path in dict.fromkeys(p for p in python if p is not None):
        snap.tree(path)
    if layout.pyproject is not None:
        snap.toml(layout.pyproject)
    for path in (layout.env_template, layout.docs_file):
        if path is not None:
            snap.text(path)


def _drivers(layout: Layout, snap: Snapshot) -> list[str]:
    """The registered providers, then driver modules nobody registers (a gap in itself)."""
    files = sorted(p.name for p in Path(layout.drivers_dir).glob("*_driver.py"))
    stems = [n.removesuffix("_driver.py") for n in files if not n.startswith("async_")]
    created = [
        Path(rel).name.removesuffix("_driver.py")
        for rel, text in snap.overlay.items()
        if text is not None and rel.endswith("_driver.py") and "/async_" not in rel
    ]
    stems += [s for s in created if s not in stems]
    return [*layout.providers, *(s for s in stems if s not in layout.providers)]


def unregistered_class(layout: Layout, provider: str) -> str | None:
    """The sync driver class `{provider}_driver.py` defines (for a module nobody registers)."""
    path = layout.drivers_dir / f"{provider}_driver.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    names = [n.name for n in tree.body if isinstance(n, ast.ClassDef)]
    return next((n for n in names if n.endswith("Driver") and not n.startswith("_")), None)


def _status(layout: Layout, snap: Snapshot, provider: str) -> Status:
    from ..spec.readback import spec_from_checkout

    status = Status(provider)
    cls = None
    if provider not in layout.providers:  # a module nobody registers
        status.places.update({"files": True, "registry": False})
        if (cls := unregistered_class(layout, provider)) is None:
            return status  # nothing to read a spec from: `--fix` says so
    try:
        spec = spec_from_checkout(layout, provider, snap, class_name=cls)
    except UnsafeTarget as exc:
        if exc.symbol != (cls or layout.providers.get(provider)):
            raise  # a wiring file is damaged: exit 3, not drift
        status.problems.append(str(exc))
        return status
    status.spec = spec
    _check_files(status, spec, layout, snap)
    _check_edits(status, spec, layout, snap)
    return status


def _check_files(status: Status, spec: DriverSpec, layout: Layout, snap: Snapshot) -> None:
    drivers = Path(layout.drivers_dir)
    names = (f"{spec.provider}_driver.py", f"async_{spec.provider}_driver.py")
    status.places["files"] = all(snap.exists(drivers / name) for name in names)
    rates = Path(layout.rates_dir) if layout.rates_dir else None
    stems = {spec.provider, spec.models_dev_name or spec.provider}
    status.places["rate file"] = bool(rates) and any(
        snap.exists(rates / f"{s}.json") for s in stems
    )


def _check_edits(status: Status, spec: DriverSpec, layout: Layout, snap: Snapshot) -> None:
    from . import wired
    from .places import edit_targets

    for target in edit_targets(spec, layout, "add"):
        place = PLACES.get(target.edit, "registry")
        if not _relevant(target.edit, spec):
            status.places.setdefault(place, None)
        elif target.path is None:
            status.places.setdefault(place, False if target.required else None)
        else:
            if target.edit in wired.INDEXED:
                found = wired.index(target.edit, target.path, layout, snap)
                ok = wired.wired(target.edit, found, spec, layout, target.path)
            else:
                ok = _wired_by_edit(status, target, spec, layout, snap)
            status.places[place] = status.places.get(place) is not False and ok
    _check_declared_extra(status, spec, layout)


def _wired_by_edit(status: Status, target, spec: DriverSpec, layout: Layout, snap: Snapshot):
    """Whether the target's `add` would leave its file as it is (edits without an index)."""
    from ..edits.context import EditContext
    from .places import run_edit

    text = snap.text(target.path) or ""
    try:
        return run_edit(target, "add", text, EditContext(spec, layout, Path(target.path))) == text
    except UnsafeTarget as exc:
        if not target.required:
            return None
        status.problems.append(str(exc))
        return False


def _check_declared_extra(status: Status, spec: DriverSpec, layout: Layout) -> None:
    """A driver naming a pip extra (``pip_extra = "x"``) needs it in pyproject.toml, even when
    the spec read back from the checkout could not tell (the extra is what was deleted)."""
    from ..spec.readback import declared_extra

    extra = declared_extra(layout, spec.provider)
    if extra is None or spec.sdk_requirement is not None:
        return
    status.places["extras"] = False
    status.problems.append(f"pyproject.toml: the driver names the extra {extra!r}; none is there")


def _relevant(edit: str, spec: DriverSpec) -> bool:
    if edit == "provider_map":
        return spec.models_dev_name is not None
    if edit == "pyproject":
        return spec.sdk_requirement is not None
    return True
