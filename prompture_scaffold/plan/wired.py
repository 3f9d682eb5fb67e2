"""Which drivers each wiring place holds, read in one pass per file (for check-drivers).

Each edit's `add` changes nothing exactly when its place already holds the driver's pieces
(the import, the registration, the ``__all__`` entry, the settings fields, the env lines...).
Running `add` per driver and place re-read and re-walked the whole file each time: quadratic in
the number of drivers. Here each place's file is indexed once (`index`), and a driver's
pieces are looked up in it (`wired`), the same pieces the edit looks for
(`tests/scaffold/test_check_index.py` holds the two to agreeing).

`wired` answers True (wired), False (a piece is missing) or None (the place does not apply:
a guide without a driver list). An edit without an index here is run as before.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checkout.snapshot import Snapshot

if TYPE_CHECKING:
    from ..checkout.layout import Layout
    from ..spec.driver_spec import DriverSpec

_SYNC, _ASYNC = "register_driver", "register_async_driver"


@dataclass(frozen=True)
class PyIndex:
    """A Python module's top-level imports, registrations, ``__all__`` and one named display."""

    #: Absolute module -> names imported from it (``*`` included) at top level.
    imports: dict[str, frozenset[str]]
    #: ``register_driver`` / ``register_async_driver`` -> the keys registered.
    registered: dict[str, frozenset[str]]
    #: The ``__all__`` strings, None when the module has no ``__all__`` display.
    exported: frozenset[str] | None
    #: Keys of the display the place adds to (``provider_classes``, ``PROVIDER_MAP``), if any.
    keys: frozenset[str] | None = None
    #: Providers of discovery's ``if provider == ...`` chain, None without such a chain.
    branches: frozenset[str] | None = None
    #: Field names of ``class Settings``, None when the module does not define it.
    fields: frozenset[str] | None = None


def _absolute(layout: Layout, path: Path, level: int, module: str | None) -> str:
    if not level:
        return module or ""
    parts = layout.module_of(path).split(".")
    keep = len(parts) - level + (1 if Path(path).name == "__init__.py" else 0)
    return ".".join([*parts[:keep], *([module] if module else [])])


def _py_index(edit: str, path: Path, layout: Layout, snap: Snapshot) -> PyIndex:
    from ..checkout.symbols import registrations
    from ..edits import _display
    from ..edits._lazy import split, written_imports
    from ..edits._source import dunder_all

    tree = snap.tree(path)
    if tree is None:
        return PyIndex({}, {}, None)
    imports: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            names = {alias.asname or alias.name for alias in node.names}
            names |= {alias.name for alias in node.names if alias.name == "*"}
            imports.setdefault(_absolute(layout, path, node.level, node.module), set()).update(
                names
            )
    for written, names in written_imports(tree):  # a lazy-import table (our runtime)
        imports.setdefault(_absolute(layout, path, *split(written)), set()).update(names)
    names = dunder_all(tree)
    return PyIndex(
        imports={module: frozenset(found) for module, found in imports.items()},
        registered={f: frozenset(registrations(tree, f)) for f in (_SYNC, _ASYNC)},
        exported=None if names is None else frozenset(filter(None, _display.keys(names))),
        **_place_facts(edit, tree, snap.text(path) or ""),
    )


def _place_facts(edit: str, tree: ast.Module, text: str) -> dict[str, Any]:
    """What the settings, discovery and provider-map places add to, found as the edits find it."""
    from ..edits import _display
    from ..edits._source import find_assign, find_def

    if edit == "settings":
        node = find_def(tree, "Settings", ast.ClassDef)
        fields = None if node is None else frozenset(_field_names(node))
        return {"fields": fields}
    if edit == "provider_map":
        node = find_assign(tree.body, "PROVIDER_MAP")
        value = getattr(node, "value", None)
        return {"keys": frozenset(_display.keys(value)) if isinstance(value, ast.Dict) else None}
    if edit == "discovery":
        return _discovery_facts(tree, text)
    return {}


def _field_names(node: ast.ClassDef) -> set[str]:
    from ..edits.settings import _name

    return {
        name for s in node.body if isinstance(s, ast.AnnAssign | ast.Assign) and (name := _name(s))
    }


def _discovery_facts(tree: ast.Module, text: str) -> dict[str, Any]:
    from ..edits import _display
    from ..edits._source import find_assign, find_def
    from ..edits.discovery import _FUNCTIONS, _branch_provider

    function = find_def(tree, "get_available_models", _FUNCTIONS)
    keys = None
    for body in [*([function.body] if function else []), tree.body]:
        node = find_assign(body, "provider_classes")
        if node is not None and isinstance(node.value, ast.Dict):
            keys = frozenset(_display.keys(node.value))
            break
    lines = text.splitlines()
    chain = _chain(function or tree, lines, _branch_provider)
    return {"keys": keys, "branches": None if not chain else frozenset(chain)}


def _chain(root: ast.AST, lines: list[str], branch) -> list[str]:
    """The providers of the first ``if provider == "a": ... elif ...`` chain (as discovery's
    `_chain` walks it)."""
    for node in ast.walk(root):
        if isinstance(node, ast.If) and branch(node) is not None:
            chain = [node]
            while len(chain[-1].orelse) == 1 and isinstance(chain[-1].orelse[0], ast.If):
                nested = chain[-1].orelse[0]
                if not lines[nested.lineno - 1].lstrip().startswith("elif"):
                    break
                chain.append(nested)
            return [branch(n) for n in chain]
    return []


@dataclass(frozen=True)
class TextIndex:
    """A plain-text place: the env template's variables and valid values, the guide's list."""

    names: frozenset[str]
    listed: frozenset[str] | None


def _env_index(path: Path, layout: Layout, snap: Snapshot) -> TextIndex:
    from ..edits.env_template import _VALID

    text = snap.text(path) or ""
    names = frozenset(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.M))
    match = _VALID.search(text)
    listed = None if match is None else frozenset(v.strip() for v in match.group(2).split(","))
    return TextIndex(names, listed)


def _docs_index(path: Path, layout: Layout, snap: Snapshot) -> TextIndex:
    from ..edits.docs_bullet import provider_list

    found = provider_list(snap.text(path) or "", set(layout.providers))
    return TextIndex(frozenset(), None if found is None else frozenset(found[2]))


_PY_EDITS = ("drivers_init", "package_init", "settings", "discovery", "provider_map")
INDEXED = (*_PY_EDITS, "pyproject", "env_template", "docs_bullet")


def index(edit: str, path: Path, layout: Layout, snap: Snapshot) -> Any:
    """The place's index, built once per command and file."""

    def build() -> Any:
        if edit in _PY_EDITS:
            return _py_index(edit, Path(path), layout, snap)
        if edit == "env_template":
            return _env_index(Path(path), layout, snap)
        if edit == "docs_bullet":
            return _docs_index(Path(path), layout, snap)
        return snap.toml(path)  # pyproject

    return snap.memo(("wired index", edit, Path(path)), build)


def wired(edit: str, found: Any, spec: DriverSpec, layout: Layout, path: Path) -> bool | None:
    """Whether the place `found` indexes holds every piece of `spec`'s wiring."""
    return _CHECKS[edit](found, spec, layout, Path(path))


@lru_cache(maxsize=16)
def _resolved(path: Path) -> Path:
    return Path(path).resolve()


def _drivers_package(layout: Layout) -> str:
    return layout.module_of(layout.drivers_dir)


def _driver_module(layout: Layout, spec: DriverSpec, is_async: bool = False) -> str:
    return f"{_drivers_package(layout)}.{'async_' if is_async else ''}{spec.provider}_driver"


def _exported(found: PyIndex, names: list[str]) -> bool:
    return found.exported is None or all(n in found.exported for n in names)


def _drivers_init(found: PyIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool:
    from ..edits.drivers_init import registry_files

    sync, async_ = (*registry_files(layout), None)[:2]
    here = _resolved(path)
    registries = [(_SYNC, spec.sync_class, False)] if here == _resolved(sync) else []
    if here == _resolved(async_ or sync):
        registries.append((_ASYNC, spec.async_class, True))
    for function, name, is_async in registries:
        if name not in found.imports.get(_driver_module(layout, spec, is_async), ()):
            return False
        if not layout.by_descriptor and spec.provider not in found.registered.get(function, ()):
            return False
    return _exported(found, [name for _, name, _ in registries])


def _package_init(found: PyIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool:
    names = found.imports.get(_drivers_package(layout), frozenset())
    if "*" in names:
        return True
    return spec.sync_class in names and _exported(found, [spec.sync_class])


def _settings(found: PyIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool:
    return set(spec_fields(spec)) <= (found.fields or frozenset())


def spec_fields(spec: DriverSpec) -> list[str]:
    """The `Settings` fields a driver needs: key, model and (with a URL) endpoint."""
    p = spec.provider
    return [f"{p}_api_key", f"{p}_model", *([f"{p}_endpoint"] if spec.endpoint else [])]


def env_names(spec: DriverSpec) -> list[str]:
    """The env template's variables for a driver: key (when it needs one), model, endpoint."""
    prefix = spec.provider.upper()
    key = [f"{prefix}_API_KEY"] if spec.requires_api_key else []
    return [*key, f"{prefix}_MODEL", *([f"{prefix}_ENDPOINT"] if spec.endpoint else [])]


def _discovery(found: PyIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool:
    package = _drivers_package(layout)
    if package in found.imports:
        module = package
    else:
        per_module = any(
            m.startswith(package + ".") and m.endswith("_driver") for m in found.imports
        )
        module = _driver_module(layout, spec) if per_module else package
    if spec.sync_class not in found.imports.get(module, ()):
        return False
    if spec.provider not in (found.keys or ()):
        return False
    return found.branches is None or spec.provider in found.branches


def _provider_map(found: PyIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool | None:
    if spec.models_dev_name is None:
        return None
    return spec.provider in (found.keys or ())


def _pyproject(found: dict, spec: DriverSpec, layout: Layout, path: Path) -> bool | None:
    from ..edits.pyproject import _lists_package

    requirement = spec.sdk_requirement
    if requirement is None:
        return None
    extras = found.get("project", {}).get("optional-dependencies", {})
    if not isinstance(extras, dict) or spec.provider not in extras:
        return False
    everything = extras.get("all")
    return everything is None or _lists_package(everything, requirement)


def _env_template(found: TextIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool:
    if not set(env_names(spec)) <= found.names:
        return False
    return found.listed is None or spec.provider in found.listed


def _docs_bullet(found: TextIndex, spec: DriverSpec, layout: Layout, path: Path) -> bool | None:
    return None if found.listed is None else spec.provider in found.listed


_CHECKS = {
    "drivers_init": _drivers_init,
    "package_init": _package_init,
    "settings": _settings,
    "discovery": _discovery,
    "provider_map": _provider_map,
    "pyproject": _pyproject,
    "env_template": _env_template,
    "docs_bullet": _docs_bullet,
}
