"""Plan first: every change `add-driver`/`remove-driver` would make, computed in memory.

`plan_add` renders the new files and runs every edit target's `add`; `plan_remove` deletes the
generated files and runs every `remove`. Each target file is read once, edits on the same file
chain, unchanged files are dropped, and an `UnsafeTarget` is raised before anything is written.
The writer (`writer.apply`) is the only code that touches the disk.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from .changeset import FileChange, Plan, read_text, relative

if TYPE_CHECKING:
    from ..spec.driver_spec import DriverSpec


def plan_add(spec: DriverSpec, layout, *, replacing: DriverSpec | None = None) -> Plan:
    """Everything `add-driver` would write for `spec`, computed without touching the disk.

    `replacing`: the spec of the driver already wired under this name (`--force`); wiring
    that `spec` words differently (another default model, endpoint, key variable...) is
    swapped for the new wording instead of being left stale.
    """
    from ..render.files import new_file_notes, render_new_files
    from .places import run_edits

    new_files = render_new_files(spec, layout)
    changes = [_change(layout.root, path, content) for path, content in new_files.items()]
    if replacing is None:
        edited, notes = run_edits("add", spec, layout)
    else:
        edited, notes = _rewire(replacing, spec, layout)
        changes += _dropped_files(spec, layout, set(new_files))
    notes = [*new_file_notes(spec, layout), *_same_catalogue_id(spec, layout), *notes]
    return _plan([*changes, *edited], notes)


def _same_catalogue_id(spec: DriverSpec, layout) -> list[str]:
    """A note when another driver already maps to the same models.dev provider."""
    from ..spec.readback import provider_map_if_readable as provider_map

    if not spec.models_dev_name:
        return []
    others = [
        key
        for key, catalogue_id in provider_map(layout).items()
        if catalogue_id == spec.models_dev_name and key != spec.provider
    ]
    return [
        f"{key!r} already maps to models.dev {spec.models_dev_name!r}: this adds a second "
        "driver for the same provider"
        for key in others
    ]


def _dropped_files(spec: DriverSpec, layout, kept: set[str]) -> list[FileChange]:
    """Generated files a regeneration no longer makes (`--no-tests`, `--no-example`): deleted,
    or they would import what the new driver no longer defines."""
    from ..render.files import new_file_paths

    every = new_file_paths(dataclasses.replace(spec, example=True, tests=True), layout)
    return [_change(layout.root, path, None) for path in every.values() if path not in kept]


def _rewire(old: DriverSpec, new: DriverSpec, layout) -> tuple[list[FileChange], list[str]]:
    """The wiring of `old` replaced by that of `new`, only in the files where they differ.

    Both specs are added to the tree with `old` unwired; a file on which the two additions
    agree keeps its text on disk, so regenerating with the same answers changes no wiring
    (and keeps every entry where it stood), except for pieces deleted by hand, which `add`
    puts back. Elsewhere the file takes the new wiring.
    """
    from .places import run_edits

    removed, _ = run_edits("remove", old, layout)
    base = {c.path: c.after for c in removed if c.after is not None}
    as_new, notes = run_edits("add", new, layout, base=base)
    as_old, _ = run_edits("add", old, layout, base=base)
    # Where they agree, wiring deleted by hand is put back (`add` on the text on disk).
    restored, _ = run_edits("add", new, layout)
    disk = {c.path: c.before for c in (*removed, *as_new, *as_old, *restored)}
    unwired = {c.path: c.after for c in removed}
    new_text = {**unwired, **{c.path: c.after for c in as_new}}
    old_text = {**unwired, **{c.path: c.after for c in as_old}}
    kept = {c.path: c.after for c in restored}
    changed = []
    for path, before in disk.items():
        if new_text.get(path, before) != old_text.get(path, before):
            changed.append(FileChange(path, before, new_text.get(path, before)))
        elif path in kept:
            changed.append(FileChange(path, before, kept[path]))
    return changed, notes


def plan_remove(spec: DriverSpec, layout) -> Plan:
    """Everything `remove-driver` would do: delete the generated files, unwire every target.

    The files to delete come from their paths alone: nothing is rendered and the catalogue is
    not read, so a driver no template would generate today (a wire format without its base,
    a hand-written one) is removed all the same.
    """
    from ..render.files import new_file_paths
    from .places import run_edits

    generated = new_file_paths(dataclasses.replace(spec, example=True, tests=True), layout)
    changes = [_change(layout.root, path, None) for path in generated.values()]
    edited, notes = run_edits("remove", spec, layout)
    return _plan([*changes, *edited], notes)


def hand_edits(generated_from: DriverSpec, layout, plan: Plan) -> tuple[FileChange, ...]:
    """The generated files `plan` would overwrite or delete whose text on disk is not what
    `generated_from` (the spec read back from the checkout) renders: hand edits. Each comes as
    a change from the generated text to the text on disk, so its diff shows the edits.

    When nothing can be rendered to compare with (no template for the driver's wire format
    here, a catalogue or template that fails), no file counts as edited: removal finds files by
    path and must work all the same.
    """
    from ..render.files import render_new_files

    try:
        expected = render_new_files(generated_from, layout)
    except Exception:  # nothing to compare with is no reason to refuse a removal
        return ()
    touched = {c.path: c for c in plan.changes if c.before is not None}
    return tuple(
        FileChange(path, text, touched[path].before)
        for path, text in sorted(expected.items())
        if path in touched and touched[path].before != text
    )


def _change(root: Path, path: str, after: str | None) -> FileChange:
    rel = relative(root, Path(path))
    return FileChange(rel, read_text(Path(root) / rel, Path(root)), after)


def _plan(changes: list[FileChange], notes: list[str]) -> Plan:
    kept = sorted((c for c in changes if c.before != c.after), key=lambda c: c.path)
    return Plan(tuple(kept), tuple(dict.fromkeys(notes)))


def plan_fix(
    specs: list[DriverSpec], layout, only: dict[str, set[str]] | None = None
) -> tuple[Plan, dict[str, str]]:
    """What `check-drivers --fix` writes: each driver's wiring as `add-driver` plans it (the
    edits' `add`, chained over every driver), and the generated files (driver, async driver,
    rate file) that are missing, rendered as add-driver would. Files that exist are never
    re-rendered: a driver's own code is not the drift. `only`: provider -> the edits to run
    for it (none rendered): a hand-written driver gets only the places it lacks. Returns the
    plan and, per provider, why it could not be planned (left out of the plan)."""
    from ..errors import ScaffoldError
    from .places import run_edits

    disk: dict[str, str | None] = {}
    after: dict[str, str | None] = {}
    notes: list[str] = []
    failed: dict[str, str] = {}
    for spec in specs:
        try:
            edits = None if only is None else only.get(spec.provider, set())
            edited, more = run_edits("add", spec, layout, base=after, only=edits)
            created = _missing_files(spec, layout) if edits is None else {}
        except ScaffoldError as exc:
            failed[spec.provider] = str(exc)
            continue
        for change in edited:
            disk.setdefault(change.path, change.before)
            after[change.path] = change.after
        for path, text in created.items():
            disk.setdefault(path, None)
            after[path] = text
        notes += more
    changes = [FileChange(path, disk[path], text) for path, text in after.items()]
    return _plan(changes, notes), failed


def _missing_files(spec: DriverSpec, layout) -> dict[str, str]:
    """The driver, async driver and rate file add-driver would create, where they are absent."""
    from ..render.files import new_file_paths, render_new_files

    paths = new_file_paths(dataclasses.replace(spec, example=False, tests=False), layout)
    if "rates" in paths and _has_rate_file(spec, layout):
        del paths["rates"]  # under the provider's or the catalogue's name, as check-drivers
    absent = [p for p in paths.values() if not (Path(layout.root) / p).exists()]
    if not absent:
        return {}
    rendered = render_new_files(dataclasses.replace(spec, example=False, tests=False), layout)
    return {relative(layout.root, Path(p)): rendered[p] for p in absent if p in rendered}


def _has_rate_file(spec: DriverSpec, layout) -> bool:
    stems = {spec.provider, spec.models_dev_name or spec.provider}
    return any((Path(layout.rates_dir) / f"{stem}.json").exists() for stem in stems)
