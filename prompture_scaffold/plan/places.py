"""The edit targets of a checkout and running their `add`/`remove` on the text in memory.

Each target is one module of `prompture_scaffold.edits` and the file the layout found for it.
Wiring symbols (registry, settings, discovery, provider map) are required: a checkout without
one cannot be edited safely. Optional files (pyproject, env template, docs) the checkout lacks
are skipped with a note, never invented.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import WHOLE_FILE, UnsafeTarget
from .changeset import FileChange, read_text, relative

if TYPE_CHECKING:
    from ..spec.driver_spec import DriverSpec


@dataclass(frozen=True)
class Target:
    """One edit: the `edits` module, its file (None: the checkout has none), what it is."""

    edit: str
    path: Path | None
    label: str
    required: bool


def edit_targets(spec: DriverSpec, layout, op: str = "add") -> list[Target]:
    """The targets in edit order; `op` decides which are required (`add` needs more).

    Where providers are declared as descriptors, the descriptor is registration, discovery
    and provider map in one: the drivers package only exports the classes.
    """
    sym = layout.symbols
    sync_reg, async_reg = sym.get("register_driver_calls"), sym.get("register_async_driver_calls")
    adding = op == "add"
    if layout.by_descriptor:
        from ..checkout.descriptors import target_module

        module = _declaring(spec, layout) or target_module(
            list(layout.descriptor_modules), spec.compat
        )
        targets = [
            Target("descriptor", module, "ProviderDescriptor", True),
            Target("drivers_init", Path(layout.drivers_init), "drivers package exports", True),
        ]
    else:
        targets = [Target("drivers_init", sync_reg, "register_driver_calls", True)]
        if async_reg is not None and async_reg != sync_reg:
            targets.append(Target("drivers_init", async_reg, "register_async_driver_calls", True))
    wired_apart = (
        []
        if layout.by_descriptor
        else [
            Target("discovery", sym.get("get_available_models"), "get_available_models", True),
            Target(
                "provider_map",
                sym.get("PROVIDER_MAP"),
                "PROVIDER_MAP",
                adding and bool(spec.models_dev_name),
            ),
        ]
    )
    return [
        *targets,
        Target("package_init", Path(layout.package_dir) / "__init__.py", "__all__", True),
        Target("settings", sym.get("Settings"), "Settings", True),
        *wired_apart,
        Target(
            "pyproject", layout.pyproject, "pyproject.toml", adding and bool(spec.sdk_requirement)
        ),
        Target("env_template", layout.env_template, "env template", False),
        Target("docs_bullet", layout.docs_file, "docs driver list", False),
    ]


def _declaring(spec: DriverSpec, layout) -> Path | None:
    """The module already declaring the provider (so removal finds it wherever it is)."""
    from ..checkout.descriptors import declared

    found = declared(list(layout.descriptor_modules))
    return next((d.path for d in found if d.name == spec.provider), None)


def run_edits(
    op: str,
    spec: DriverSpec,
    layout,
    *,
    base: Mapping[str, str] | None = None,
    only: Collection[str] | None = None,
) -> tuple[list[FileChange], list[str]]:
    """Apply every target's `op` in memory: (the changed files, notes). Reads each file once.

    `base` (relative path -> text) stands in for files of the checkout: the edits start from
    it, and each change's `before` is still the text on disk (how `--force` chains a removal
    and an addition into one plan). `only`: the edits to run (None: all).
    """
    from ..edits.context import EditContext

    root = Path(layout.root)
    base = base or {}
    originals: dict[str, str] = {}
    current: dict[str, str] = {}
    notes: list[str] = []
    for target in edit_targets(spec, layout, op):
        if only is not None and target.edit not in only:
            continue
        if target.path is None:
            _missing(target, layout, notes)
            continue
        rel = relative(root, target.path)
        if rel not in current:
            text = read_text(root / rel, root)
            if text is None:
                raise UnsafeTarget(rel, target.label, "the file is missing")
            originals[rel] = text
            current[rel] = base.get(rel, text)
        ctx = EditContext(spec, layout, root / rel)
        try:
            current[rel] = run_edit(target, op, current[rel], ctx)
        except UnsafeTarget as exc:
            if target.required:
                raise
            # A guide without a driver list is no reason to refuse the driver: say so instead.
            notes.append(f"skipped the {target.label}: {exc}")
            continue
        notes.extend(ctx.notes)
    changes = [FileChange(rel, originals[rel], text) for rel, text in current.items()]
    return [c for c in changes if c.before != c.after], notes


def _missing(target: Target, layout, notes: list[str]) -> None:
    if target.required:
        where = relative(Path(layout.root), Path(layout.package_dir))
        raise UnsafeTarget(where, target.label, "no module of the package defines it")
    notes.append(f"skipped the {target.label}: this checkout has none")


def _edit_module(name: str):
    """The `edits` module a target names (imported on first use: planning needs them all)."""
    from ..edits import (
        descriptor,
        discovery,
        docs_bullet,
        drivers_init,
        env_template,
        package_init,
        provider_map,
        pyproject,
        settings,
    )

    modules = (descriptor, discovery, docs_bullet, drivers_init, env_template, package_init,
               provider_map, pyproject, settings)  # fmt: skip
    return {module.__name__.rsplit(".", 1)[-1]: module for module in modules}[name]


def run_edit(target: Target, op: str, text: str, ctx) -> str:
    """One target's `add`/`remove` on `text`; a file that does not parse is `UnsafeTarget`."""
    rel = relative(Path(ctx.layout.root), ctx.path)
    module = _edit_module(target.edit)
    try:
        return getattr(module, op)(text, ctx)
    except UnsafeTarget as exc:
        if exc.symbol == WHOLE_FILE:  # the file itself failed: name the anchor we came for
            raise UnsafeTarget(exc.path, target.label, exc.reason) from None
        raise
    except Exception as exc:
        if _is_parse_error(exc):
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UnsafeTarget(rel, target.label, f"does not parse: {first}") from None
        raise


def _is_parse_error(exc: Exception) -> bool:
    import libcst
    from tomlkit.exceptions import ParseError

    return isinstance(exc, libcst.ParserSyntaxError | ParseError | SyntaxError)


def preflight(layout) -> None:
    """`UnsafeTarget` (exit 3) when the checkout could not take any new driver: every wiring
    place is planned for a stand-in provider, in memory, before the wizard asks anything."""
    from ..spec.build import with_defaults

    taken = set(layout.providers)
    provider = next(f"zz_probe{i}" for i in range(len(taken) + 1) if f"zz_probe{i}" not in taken)
    stand_in = with_defaults(provider=provider, compat="openai", default_model="probe-1",
                             endpoint="https://probe.invalid/v1")  # fmt: skip
    run_edits("add", stand_in, layout)
