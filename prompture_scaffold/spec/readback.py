"""What a checkout already says about its drivers: registered keys, and each driver's spec.

remove-driver needs the spec an existing driver was made from; it is read back from the code
(class attributes of the driver, `Settings` defaults, `PROVIDER_MAP`, the pyproject extra), so
removal works on drivers written by hand too. Only `ast` is used: nothing is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checkout.parsed import parse
from ..checkout.snapshot import Snapshot
from ..errors import UnsafeTarget
from .driver_spec import CAPABILITIES, DriverSpec
from .wires import HTTP_SDKS, WIRE_LIST

if TYPE_CHECKING:
    from ..checkout.layout import Layout


def _snap(layout: Layout, snap: Snapshot | None) -> Snapshot:
    return snap if snap is not None else Snapshot(layout.root)


def _tree(snap: Snapshot, path: Path | None) -> ast.Module | None:
    return snap.tree(path) if path else None


def _driver_module(snap: Snapshot, path: Path) -> tuple[str, ast.Module | None]:
    """A driver module's text (read leniently: a driver file is data, not a wiring place)
    and its tree (None when it does not parse), once per command."""

    def read() -> tuple[str, ast.Module | None]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "", None
        try:
            return text, parse(text)
        except (SyntaxError, ValueError):
            return text, None

    return snap.memo(("driver module", path), read)


def _class_node(
    layout: Layout, provider: str, name: str, snap: Snapshot
) -> tuple[ast.ClassDef, ast.Module, str]:
    """The driver class, the module defining it and that module's text: `{provider}_driver.py`
    first, the other
    modules of the drivers package (listed once per command) only when it is not there."""
    preferred = layout.drivers_dir / f"{provider}_driver.py"
    candidates = [preferred] if preferred.exists() else []
    others = snap.memo(("drivers glob",), lambda: sorted(layout.drivers_dir.glob("*.py")))
    for path in [*candidates, *others]:
        text, module = _driver_module(snap, path)
        if f"class {name}" not in text:
            continue
        for node in getattr(module, "body", ()):
            if isinstance(node, ast.ClassDef) and node.name == name:
                return node, module, text
    raise UnsafeTarget(layout.relative(layout.drivers_dir), name, "the driver class is not found")


def _class_attrs(node: ast.ClassDef, module: ast.Module) -> dict[str, Any]:
    """The class's literal attributes, with those of the bases defined in the same module
    (a profile mixin such as ``AcmeProtocol``) underneath, as attribute lookup sees them."""
    local = {n.name: n for n in module.body if isinstance(n, ast.ClassDef)}
    attrs: dict[str, Any] = {}
    for base in reversed(node.bases):
        if isinstance(base, ast.Name) and base.id in local and base.id != node.name:
            attrs.update(_class_attrs(local[base.id], module))
    return {**attrs, **_literals(node.body)}


def _compat(node: ast.ClassDef, module: ast.Module) -> str:
    """The wire format: from the runtime base the class stands on (`Wire.bases`), else from a
    base named like one, else from the module's own wire code (the custom skeleton's
    `_parse_response`, the OpenAI chat completions path)."""
    names = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
    wire = next((w.name for w in WIRE_LIST if names & set(w.bases)), None)
    if wire is not None:
        return wire
    bases = " ".join(names)
    if "OpenAI" in bases:
        return "openai"
    if "Anthropic" in bases:
        return "anthropic"
    names = {n.name for n in ast.walk(module) if isinstance(n, ast.FunctionDef)}
    paths = {
        n.value
        for n in ast.walk(module)
        if isinstance(n, ast.Constant) and n.value == "/chat/completions"
    }
    # The self-contained OpenAI driver parses streams (`_stream_event`); the custom skeleton
    # leaves its wire to `_parse_response`, even once written for a similar wire.
    openai = paths and ("_parse_response" not in names or "_stream_event" in names)
    return "openai" if openai else "custom"


#: The comment the custom skeleton writes above ``supports_streaming = False`` for a provider
#: that streams (see templates/custom_driver.py.j2 and full_custom_driver.py.j2).
_STREAMS_NOTE = "# The provider streams:"


def _lazy(module: ast.Module, sdk: str, *, self_contained: bool) -> bool:
    """Eager when the module imports at its top what it could import late (the HTTP library
    of a self-contained driver, an SDK tried at import); lazy for a self-contained driver or a
    custom skeleton that does not; else as the SDK suggests (the subclasses show no sign)."""
    for node in getattr(module, "body", ()):
        if isinstance(node, ast.Import) and any(a.name in HTTP_SDKS for a in node.names):
            return False
        if isinstance(node, ast.Try) and any(isinstance(n, ast.Import) for n in node.body):
            return False
    return True if self_contained else sdk not in HTTP_SDKS


def _template(node: ast.ClassDef, module: ast.Module) -> str:
    """``"full"`` for a self-contained driver (its profile on a mixin of its own module, no
    shared base), else ``"auto"``."""
    local = {n.name for n in module.body if isinstance(n, ast.ClassDef)}
    bases = [ast.unparse(b) for b in node.bases]
    shared = any(b.endswith(("CompatibleDriver", "MessagesDriver", "WireDriver")) for b in bases)
    return "full" if not shared and any(b in local for b in bases) else "auto"


def _literals(body: list[ast.stmt]) -> dict[str, Any]:
    """``name = <literal>`` (or annotated) assignments of a class or function body."""
    values = {}
    for node in body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and getattr(node, "value", None) is not None:
            try:
                values[target.id] = ast.literal_eval(node.value)
            except ValueError:
                values[target.id] = node.value
    return values


def _settings(layout: Layout, snap: Snapshot) -> dict[str, Any]:
    """The literal defaults of `Settings` (read once per command)."""

    def read() -> dict[str, Any]:
        tree = _tree(snap, layout.symbols.get("Settings"))
        for node in tree.body if tree else ():
            if isinstance(node, ast.ClassDef) and node.name == "Settings":
                return _literals(node.body)
        return {}

    return snap.memo(("settings literals",), read)


def _alias_envs(value: Any) -> list[str]:
    """The variables of ``Field(None, validation_alias=AliasChoices("A", "B"))``."""
    if not isinstance(value, ast.Call):
        return []
    alias = next((k.value for k in value.keywords if k.arg == "validation_alias"), None)
    args = alias.args if isinstance(alias, ast.Call) else [alias]
    return [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _sdk(layout: Layout, provider: str, snap: Snapshot) -> str:
    from ..checkout.read import toml_value

    if layout.pyproject is None:
        return "requests"
    data = snap.toml(layout.pyproject)
    keys = ("project", "optional-dependencies", provider)
    extra = toml_value(data, keys, list, [], "pyproject.toml")
    return extra[0] if extra and isinstance(extra[0], str) else "requests"


def _string(*candidates: Any) -> str:
    """The first non-empty string (values that are not literals come as ast nodes)."""
    return next((c for c in candidates if isinstance(c, str) and c), "")


def _rate_file_id(layout: Layout, provider: str) -> str | None:
    """The models.dev id the provider's rate file names (so a `PROVIDER_MAP` entry deleted by
    hand still counts as wanted), or None."""
    import json

    try:
        path = Path(layout.rates_dir) / f"{provider}.json"
        value = json.loads(path.read_text(encoding="utf-8")).get("models_dev")
    except (TypeError, OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def declared_extra(layout: Layout, provider: str) -> str | None:
    """The pip extra the provider's driver module names (``pip_extra``/``sdk_extra``), if any."""
    import re

    try:
        text = (layout.drivers_dir / f"{provider}_driver.py").read_text(encoding="utf-8")
    except OSError:
        return None
    found = re.search(r"^\s*(?:pip|sdk)_extra\b[^=\n]*=\s*[\"']([\w.-]+)[\"']", text, re.M)
    return found.group(1) if found else None


def provider_map(layout: Layout, snap: Snapshot | None = None) -> dict[str, str]:
    """The checkout's `PROVIDER_MAP` literal (empty when absent or not a literal)."""
    snap = _snap(layout, snap)

    def read() -> dict[str, str]:
        tree = _tree(snap, layout.symbols.get("PROVIDER_MAP"))
        value = _literals(tree.body).get("PROVIDER_MAP") if tree else None
        return value if isinstance(value, dict) else {}

    return snap.memo(("provider map",), read)


def provider_map_if_readable(layout: Layout) -> dict[str, str]:
    """`provider_map`, empty when its module cannot be read (the edit that needs it reports
    that)."""
    try:
        return provider_map(layout)
    except UnsafeTarget:
        return {}


def spec_from_checkout(
    layout: Layout, provider: str, snap: Snapshot | None = None, class_name: str | None = None
) -> DriverSpec:
    """The spec of `provider`'s driver as the checkout holds it; `UnsafeTarget` if absent.

    `snap`: the command's snapshot (files read and parsed once for all drivers);
    `class_name`: the sync class of a driver module nobody registers (check-drivers --fix).
    """
    snap = _snap(layout, snap)
    name = class_name or layout.providers.get(provider)
    if not name:
        where = layout.relative(layout.drivers_init)
        raise UnsafeTarget(where, provider, "no driver is registered under this key")
    node, module, text = _class_node(layout, provider, name, snap)
    attrs, settings = _class_attrs(node, module), _settings(layout, snap)
    envs = attrs.get("api_key_env") or _alias_envs(settings.get(f"{provider}_api_key"))
    envs = [envs] if isinstance(envs, str) else [e for e in envs if isinstance(e, str)]
    envs = envs or [f"{provider.upper()}_API_KEY"]
    endpoint = _string(attrs.get("default_endpoint"), settings.get(f"{provider}_endpoint"))
    sdk, class_name = _sdk(layout, provider, snap), name.removesuffix("Driver") or name
    needs_key = attrs.get("requires_api_key", True) is not False
    compat, template = _compat(node, module), _template(node, module)
    caps = {cap: attrs.get(f"supports_{cap}") is True for cap in CAPABILITIES}
    # The custom skeleton keeps streaming off until written, saying so when the provider streams.
    caps["streaming"] = caps["streaming"] or _STREAMS_NOTE in text
    return DriverSpec(
        provider=provider,
        class_name=class_name,
        display_name=_string(attrs.get("display_name"), class_name),
        compat=compat,
        template=template,
        sdk=sdk,
        lazy=_lazy(module, sdk, self_contained=template == "full" or compat == "custom"),
        default_model=_string(attrs.get("default_model"), settings.get(f"{provider}_model")),
        auth=("api-key+endpoint" if endpoint else "api-key") if needs_key else "endpoint",
        api_key_env=envs[0],
        extra_api_key_envs=tuple(envs[1:]),
        endpoint=endpoint,
        models_dev_name=provider_map(layout, snap).get(provider) or _rate_file_id(layout, provider),
        **caps,
        example=bool(
            layout.examples_dir and (layout.examples_dir / f"{provider}_example.py").exists()
        ),
        tests=bool(layout.tests_dir and (layout.tests_dir / f"test_{provider}_driver.py").exists()),
    )
