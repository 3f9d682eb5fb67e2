"""Render the new files of a driver: both driver modules, rate file, example and tests.

`render_new_files(spec, layout)` is pure: it reads the spec, the layout (where the checkout's
symbols live, its folders and line length) and the catalogue, and returns
``{path relative to the checkout: content}``; the planner decides what to do with it.

Template choice (`template_kind`): each wire format gets the short subclass of the checkout's
shared base for it (`OpenAICompatibleDriver`, `AnthropicMessagesDriver`, and for ``custom``
`CustomWireDriver`: the profile plus the two methods to write). A checkout without that base
(upstream ones), or ``template = "full"``, gets the self-contained driver: the OpenAI one, or
for ``custom`` the same with its two wire methods left to write; there is no self-contained
Anthropic driver, so those cases are refused (exit 2) with a pointer to ``--compat custom``.

Generated code is formatted as ruff formats it at the checkout's line length: template code
is written to be stable at any length from 79 up, and the lines holding user values are laid
out here (`fit_value_lines`), since only their length varies.
"""

from __future__ import annotations

import ast
import functools
import json
import keyword
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from ..checkout.rates import RateStyle, assumptions, render_flat
from ..errors import InvalidInput, UnsafeTarget
from ..patterns import ENV_RE, PROVIDER_RE
from ..spec.driver_spec import DriverSpec
from ..spec.wires import DIALECT_CONTRACTS, SERVICE_WIRES, WIRE, WIRES, responses_dialect
from . import jinja_env
from .code_layout import Import, fit_name_lines, fit_value_lines, import_block

__all__ = [
    "new_file_paths",
    "rate_file_text",
    "render_new_files",
    "template_kind",
]

#: The self-contained driver templates (checkouts without a shared base, ``--template full``):
#: the OpenAI one, and the custom one with its two wire methods to write.
_SELF_CONTAINED = {
    "full": ("full_driver.py.j2", "async_full_driver.py.j2"),
    "full_custom": ("full_custom_driver.py.j2", "async_full_custom_driver.py.j2"),
}
_REGISTRY = ("get_driver_for_model", "get_async_driver_for_model")
#: Where the seed template finds a helper when the layout did not record it: beside this.
_BESIDE = {"prepare_strict_schema": "CostMixin", "get_model_capabilities": "PROVIDER_MAP"}


def template_kind(spec: DriverSpec, layout: Any) -> str:
    """``"subclass"``, ``"full"`` or ``"full_custom"``: which driver templates `spec` gets.

    `InvalidInput` for the ``anthropic`` wire format when only a self-contained driver
    would do (no shared base in the checkout, or ``template = "full"``): there is none.
    """
    if spec.compat not in WIRE:
        raise InvalidInput(f"--compat {spec.compat!r}: expected one of {', '.join(WIRES)}")
    has_base = all(_serves(layout, name) for name in WIRE[spec.compat].bases)
    if spec.template != "full" and has_base:
        return "subclass"
    if spec.compat == "custom":
        return "full_custom"
    if spec.compat in SERVICE_WIRES:
        return "full_custom"  # no self-contained driver of these wires: the skeleton, with a note
    if spec.compat == "anthropic":
        raise InvalidInput(_no_anthropic_template(layout, has_base))
    return "full"


def _serves(layout: Any, base: str) -> bool:
    """The checkout defines `base` as a class our short subclass can stand on: one built from
    class attributes (upstream Prompture's ``OpenAICompatibleDriver`` routes by a ``profile``
    argument instead, so a driver there is self-contained)."""
    path = layout.symbols.get(base)
    if path is None:
        return False
    try:
        stat = Path(path).stat()
    except OSError:
        return True  # the subclass edit reports a module it cannot read
    return _stands_on(str(path), base, (stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _stands_on(path: str, base: str, version: tuple[int, int]) -> bool:
    """`_serves` for one version of a file (a command asks several times)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return True  # the subclass edit reports a module it cannot read
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == base:
            init = next((n for n in node.body if getattr(n, "name", "") == "__init__"), None)
            params = {a.arg for a in init.args.args + init.args.kwonlyargs} if init else set()
            return "profile" not in params
    return True


def _no_anthropic_template(layout: Any, has_base: bool) -> str:
    sync_base, async_base = WIRE["anthropic"].bases
    if not has_base:
        return (
            f"--compat anthropic: the generated driver subclasses the Anthropic-compatible base "
            f"({sync_base} and {async_base}), which the {layout.package} package does not "
            f"define; use --compat custom for a skeleton to fill in"
        )
    return (
        "--template full: there is no self-contained Anthropic driver template; leave "
        f"--template out for the short subclass of {sync_base}, or use --compat custom for "
        "a skeleton to fill in"
    )


def new_file_paths(spec: DriverSpec, layout: Any) -> dict[str, str]:
    """The new files' roles (``sync``, ``async``, ``rates``, ``example``, ``tests``) and paths.

    Paths only, nothing rendered: what `render_new_files` creates and `remove-driver` deletes.
    """
    if not PROVIDER_RE.fullmatch(spec.provider):
        raise InvalidInput(f"PROVIDER {spec.provider!r}: expected ^[a-z][a-z0-9_]{{0,39}}$")
    paths = _Paths(spec, layout)
    targets = {"sync": paths.sync_file, "async": paths.async_file}
    if layout.rates_dir is not None:
        targets["rates"] = Path(layout.rates_dir) / _rate_file_name(spec, layout)
    if spec.example and layout.examples_dir is not None:
        targets["example"] = Path(layout.examples_dir) / f"{spec.provider}_example.py"
    if spec.tests and layout.tests_dir is not None:
        targets["tests"] = Path(layout.tests_dir) / f"test_{spec.provider}_driver.py"
    return {role: paths.key(path) for role, path in targets.items()}


def new_file_notes(spec: DriverSpec, layout: Any) -> list[str]:
    """What the user should know about the new files: those `new_file_paths` leaves out for
    want of a folder (a file the spec turned off is no news), and an SDK the OpenAI-compatible
    driver will not call."""
    folders = (
        ("the rate file", "folder of rate files", True, layout.rates_dir),
        ("the example", "examples folder", spec.example, layout.examples_dir),
        ("the test file", "tests folder", spec.tests, layout.tests_dir),
    )
    notes = [
        f"skipped {what}: this checkout has no {folder}"
        for what, folder, wanted, where in folders
        if wanted and where is None
    ]
    if spec.compat == "openai" and spec.sdk_requirement:
        notes.append(
            f"--sdk {spec.sdk}: the OpenAI-compatible driver speaks the wire over requests and "
            f"httpx; the SDK is only declared as the {spec.provider!r} extra"
        )
    notes += _wire_notes(spec, layout)
    return [*notes, *_unusable_catalogue_keys(spec), *_assumed_rates(spec, layout)]


def _wire_notes(spec: DriverSpec, layout: Any) -> list[str]:
    """What the generated driver cannot do by itself: a wire the checkout has no base for, a
    wire nothing serves (from the facts table), a base-URL template nobody fills in."""
    notes = []
    kind = template_kind(spec, layout)
    if spec.compat in SERVICE_WIRES and kind == "full_custom":
        sync_base, _ = WIRE[spec.compat].bases
        why = (
            "--template full asked for a self-contained driver"
            if spec.template == "full"
            else (f"the {layout.package} package has no {sync_base} to subclass")
        )
        notes.append(
            f"--compat {spec.compat}: {why}; the driver is the custom skeleton, its two wire "
            "methods to fill in"
        )
    if spec.compat == "custom" and (fact := _fact(spec)) and fact.note:
        notes.append(f"custom skeleton: {fact.note} (source: {fact.source})")
    names = spec.endpoint_variables
    if names and (kind != "subclass" or "fill_template" not in layout.symbols):
        where = " or ".join(f"{own[0]}" for _, own in names)
        notes.append(
            f"base URL {spec.endpoint}: this checkout's drivers do not fill in URL templates; "
            f"set {spec.provider.upper()}_ENDPOINT to the URL with {where} filled in"
        )
    return notes


def _fact(spec: DriverSpec):
    """The facts-table row of the spec's catalogue entry, if any."""
    if spec.models_dev_name is None:
        return None
    from ..catalogue.facts import fact_for
    from ..catalogue.models_dev import load

    entry = load().get(spec.models_dev_name)
    return fact_for(spec.models_dev_name, entry) if isinstance(entry, Mapping) else None


def _assumed_rates(spec: DriverSpec, layout: Any) -> list[str]:
    """A note for each rate-file field filled with the siblings' usual value."""
    if layout.rates_dir is None or layout.rate_style.wrapped:
        return []
    found = assumptions(layout.rate_style, _flat_models(spec))
    return [
        f"rate file: assumed {item}: the model data lacks it (numbers: the sibling files' "
        "usual value; capabilities: false); check it"
        for item in found
    ]


def _flat_models(spec: DriverSpec) -> Mapping[str, Any]:
    fallback = {spec.default_model: _as_catalogue(spec)}
    return _catalogue_models(spec.models_dev_name) or fallback


def _unusable_catalogue_keys(spec: DriverSpec) -> list[str]:
    """A note for each key variable of the catalogue entry that is not a variable name."""
    if spec.models_dev_name is None:
        return []
    from ..catalogue.models_dev import load

    entry = load().get(spec.models_dev_name)
    envs = entry.get("env") or () if isinstance(entry, Mapping) else ()
    return [
        f"models.dev's key variable {name!r} is not a valid variable name; the driver reads "
        f"{' or '.join(spec.api_key_envs)}"
        for name in map(str, envs)
        if not ENV_RE.fullmatch(name)
    ]


def render_new_files(spec: DriverSpec, layout: Any) -> dict[str, str]:
    """Every new file of the driver, keyed by its posix path relative to ``layout.root``.

    Always the sync and async driver modules; the rate file, example and test module when the
    checkout has the folder for them (and the spec asks for the example and tests).
    """
    _check_names(spec)
    kind = template_kind(spec, layout)
    if spec.compat == "anthropic" and spec.sdk_requirement is None:
        raise InvalidInput(
            f"--sdk {spec.sdk}: the Anthropic-compatible driver talks through the anthropic SDK, "
            f"not {spec.sdk}; leave --sdk out (anthropic>=2.0) or give a requirement such as "
            "anthropic>=2.3"
        )
    paths = _Paths(spec, layout)
    base = _base_vars(spec, layout, paths)
    sync_vars, async_vars = _driver_vars(kind, spec, layout, paths)
    targets = new_file_paths(spec, layout)
    files = {
        targets["sync"]: _render(base, **sync_vars),
        targets["async"]: _render(base, **async_vars),
    }
    if "rates" in targets:
        files[targets["rates"]] = rate_file_text(spec, layout.rate_style)
    if "example" in targets:
        imports = import_block([Import(layout.package, "extract_and_jsonify")], paths)
        files[targets["example"]] = _render(base, template="example.py.j2", imports=imports)
    if "tests" in targets:
        test_vars = {"template": "test_driver.py.j2", **_test_vars(spec, layout, paths)}
        files[targets["tests"]] = _render(base, **test_vars)
    return files


def _rate_file_name(spec: DriverSpec, layout: Any) -> str:
    return f"{layout.rate_style.file_stem(spec.provider, spec.models_dev_name)}.json"


def rate_file_text(spec: DriverSpec, style: RateStyle | None = None) -> str:
    """The rate file in the checkout's shape (`style`; ours by default): from the catalogue,
    or one default-model entry without a catalogue id."""
    style = style or RateStyle()
    api_type = style.api_type(spec.compat, spec.provider)
    if style.wrapped and spec.models_dev_name is not None:
        from prompture._catalogue import render_rate_file

        return render_rate_file(spec.provider, spec.models_dev_name, api_type=api_type)
    entry = {
        "tokens_param": "max_tokens",
        "supports_temperature": None,
        "supports_tool_use": spec.tool_use,
        "supports_structured_output": spec.json_schema,
        "supports_vision": spec.vision,
        "is_reasoning": None,
        "context_window": None,
        "max_output_tokens": None,
    }
    if not style.wrapped:
        models = _catalogue_models(spec.models_dev_name) or {
            spec.default_model: _as_catalogue(spec)
        }
        return render_flat(style, api_type=api_type, models=models)
    data = {
        "provider": spec.provider,
        "models_dev": None,
        "api_type": api_type,
        "models": {spec.default_model: entry},
    }
    return json.dumps(data, indent=2) + "\n"


def _as_catalogue(spec: DriverSpec) -> dict[str, Any]:
    """The default model as a catalogue entry would describe it, from the spec's flags."""
    return {
        "temperature": True,
        "tool_call": spec.tool_use,
        "structured_output": spec.json_schema,
        "reasoning": spec.reasoning,
        "modalities": {"input": ["text", "image"] if spec.vision else ["text"], "output": ["text"]},
    }


def _catalogue_models(models_dev_name: str | None) -> Mapping[str, Any] | None:
    if models_dev_name is None:
        return None
    from ..catalogue.models_dev import load

    entry = load().get(models_dev_name)
    models = entry.get("models") if isinstance(entry, Mapping) else None
    return models if isinstance(models, Mapping) else None


# --- names and paths ----------------------------------------------------------------------


def _check_names(spec: DriverSpec) -> None:
    """Refuse names that would become code or paths unless they are safe (defence in depth)."""
    if not PROVIDER_RE.fullmatch(spec.provider):
        raise InvalidInput(f"PROVIDER {spec.provider!r}: expected ^[a-z][a-z0-9_]{{0,39}}$")
    try:
        jinja_env.pyident(spec.sync_class)
    except ValueError as exc:
        raise InvalidInput(f"--class-name {spec.class_name!r}: {exc}") from None
    for env in spec.api_key_envs:
        if not ENV_RE.fullmatch(env):
            raise InvalidInput(
                "--api-key-env: expected a variable name matching ^[A-Z][A-Z0-9_]*$ (the value "
                "given is not shown in case it is a key)"
            )


class _Paths:
    """Where the new files go, as the layout spells its folders (absolute or root-relative)."""

    def __init__(self, spec: DriverSpec, layout: Any) -> None:
        self.root = Path(layout.root)
        self.package, self.package_dir = layout.package, Path(layout.package_dir)
        self.line_length = int(getattr(layout, "line_length", jinja_env.LINE_LENGTH))
        drivers = Path(layout.drivers_dir)
        self.sync_file = drivers / f"{spec.provider}_driver.py"
        self.async_file = drivers / f"async_{spec.provider}_driver.py"
        self.drivers_module = self.module_of(drivers / "__init__.py")

    def relative(self, path: Path) -> PurePosixPath:
        path = Path(path)
        return PurePosixPath(path.relative_to(self.root) if path.is_absolute() else path)

    def key(self, path: Path) -> str:
        return self.relative(path).as_posix()

    def in_package(self, path: Path) -> PurePosixPath:
        """`path` relative to the package folder (or to the root when outside it)."""
        relative, package = self.relative(path), self.relative(self.package_dir)
        return relative.relative_to(package) if relative.is_relative_to(package) else relative

    def module_of(self, path: Path) -> str:
        """The dotted module of a file in the package (``__init__.py`` gives the package)."""
        parts = list(self.in_package(Path(path)).with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join((self.package, *parts))


# --- template variables -------------------------------------------------------------------


def _model_pricing(spec: DriverSpec, layout: Any) -> jinja_env.Code:
    """The driver's ``MODEL_PRICING``: empty where rate files list the models; in a checkout
    without them (upstream's flat era) discovery lists a driver's models from this table, so
    it holds the default model, priced from the catalogue (USD per million tokens) when it
    knows the model."""
    if layout.rates_dir is not None:
        return jinja_env.Code("{}")
    cost = (_catalogue_models(spec.models_dev_name) or {}).get(spec.default_model, {})
    cost = cost.get("cost") if isinstance(cost, Mapping) else None
    prices = [cost.get(k) if isinstance(cost, Mapping) else None for k in ("input", "output")]
    prompt, completion = (float(p) if isinstance(p, int | float) else 0.0 for p in prices)
    fields = (f'"prompt": {prompt!r}', f'"completion": {completion!r}')
    fields += ('"tokens_param": "max_tokens"', '"supports_temperature": True')
    inner = "".join(f"            {field},\n" for field in fields)
    model = jinja_env.pystr(spec.default_model)
    return jinja_env.Code(f"{{\n        {model}: {{\n{inner}        }},\n    }}")


def _base_vars(spec: DriverSpec, layout: Any, paths: _Paths) -> dict[str, Any]:
    """What every template may use: the spec, names as identifiers, docstring prose."""
    text, ident = jinja_env.text, jinja_env.pyident
    key_doc = " or ".join(spec.api_key_envs) + ("" if spec.requires_api_key else " (optional)")
    prices = []
    if spec.models_dev_name is not None:
        prices.append(f'models.dev ("{spec.models_dev_name}")')
    if layout.rates_dir is not None:
        prices.append(paths.in_package(Path(layout.rates_dir) / _rate_file_name(spec, layout)))
    return {
        "spec": spec,
        "url_doc": text(_url_doc(spec)),
        "endpoint_variables": _endpoint_variables(spec),
        "model_pricing": _model_pricing(spec, layout),
        "line_length": paths.line_length,
        "sync_class": ident(spec.sync_class),
        "async_class": ident(spec.async_class),
        "protocol_class": ident(f"{spec.class_name}Protocol"),
        "sync_module": ident(f"{spec.provider}_driver"),
        "async_module": ident(f"async_{spec.provider}_driver"),
        "env_prefix": text(spec.provider.upper()),
        "key_doc": text(key_doc),
        "prices_doc": text(" and ".join(map(str, prices)) or "MODEL_PRICING on the class"),
        "model_id": jinja_env.pystr(f"{spec.provider}/{spec.default_model}"),
        "sdk_module": _sdk_module(spec),
        "sdk_import": _sdk_import(spec),
        "sdk_install": jinja_env.pystr(f"pip install {layout.package}[{spec.provider}]"),
        "sdk_install_doc": text(f"pip install {layout.package}[{spec.provider}]"),
    }


def _url_doc(spec: DriverSpec) -> str:
    """Where the base URL comes from, for the module docstring."""
    head = f"Base URL: {spec.provider.upper()}_ENDPOINT, else "
    if not spec.endpoint:
        service = WIRE[spec.compat].service
        return head + (service.url_from if service and service.url_from else "none")
    names = spec.endpoint_variables
    if not names:
        return head + "the default below"
    filled = "; ".join(f"${{{var}}} from {' or '.join(own)}" for var, own in names)
    return head + f"the default below, filled in when the driver is used ({filled})"


def _endpoint_variables(spec: DriverSpec) -> jinja_env.Code | None:
    """``endpoint_variables``'s literal (exploded, as ruff keeps it) for the placeholders read
    from other variables than their own name; None when there are none."""
    pairs = [(var, names) for var, names in spec.endpoint_variables if names != (var,)]
    if not pairs:
        return None
    lines = ["{"]
    for var, names in pairs:
        lines.append(f"        {jinja_env.pystr(var)}: (")
        lines += [f"            {jinja_env.pystr(name)}," for name in names]
        lines.append("        ),")
    lines.append("    }")
    return jinja_env.Code("\n".join(lines))


#: Names pycodestyle (ruff E741) refuses to see bound: they read as 1 and 0.
AMBIGUOUS_NAMES = frozenset({"l", "O", "I"})


def _sdk_module(spec: DriverSpec) -> jinja_env.Code | None:
    """The import name guessed from a third-party SDK's distribution name, as a literal."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec.sdk_requirement or "")
    if match is None:
        return None
    return jinja_env.pystr(re.sub(r"[-.]+", "_", match.group(0)).lower())


def _sdk_import(spec: DriverSpec) -> jinja_env.Code | None:
    """The custom skeleton's SDK import name with ``--eager`` (None when lazy, without a
    third-party SDK, or for a wire the driver speaks itself); `InvalidInput` when the name
    guessed from the distribution cannot follow ``import``."""
    module = _sdk_module(spec)
    if spec.lazy or module is None or spec.compat != "custom":
        return None
    name = module[1:-1]
    if not name.isidentifier() or keyword.iskeyword(name):
        raise InvalidInput(
            f"--eager: the module name guessed from --sdk {spec.sdk}, {name!r}, cannot be "
            "imported by name; use --lazy"
        )
    if name in AMBIGUOUS_NAMES:
        raise InvalidInput(
            f"--eager: the module name guessed from --sdk {spec.sdk}, {name!r}, is an "
            "ambiguous name (ruff E741: l, O, I); use --lazy"
        )
    return jinja_env.pyident(name)


def _driver_vars(
    kind: str, spec: DriverSpec, layout: Any, paths: _Paths
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Template, import block and base class of the sync and of the async module."""
    if kind == "subclass":
        sync_base, async_base = WIRE[spec.compat].bases
        sync = [_from_checkout(layout, paths.sync_file, sync_base)]
        async_ = [
            _from_checkout(layout, paths.async_file, async_base),
            Import(f".{spec.provider}_driver", spec.sync_class),
        ]
        templates = WIRE[spec.compat].templates
        service = _service_vars(spec)
    else:
        sync, async_ = _full_imports(kind, spec, layout, paths)
        sync_base, async_base = "Driver", "AsyncDriver"
        templates = _SELF_CONTAINED[kind]
        service = {}
    capabilities = None
    if kind == "full" and _resolve(layout, "get_model_capabilities"):
        capabilities = _from_checkout(layout, paths.sync_file, "get_model_capabilities").module
    shared = {
        "checkout_errors": _has_errors(layout),
        "capabilities_module": capabilities and jinja_env.Code(capabilities),
        **service,
        **_wire_tables(),
    }
    sync_vars = {
        "template": templates[0],
        "imports": import_block(sync, paths),
        "base_class": jinja_env.pyident(sync_base),
        **shared,
    }
    async_vars = {
        "template": templates[1],
        "imports": import_block(async_, paths),
        "base_class": jinja_env.pyident(async_base),
        **shared,
    }
    return sync_vars, async_vars


def _dialect(spec: DriverSpec) -> str:
    """The Responses API dialect of the spec's server (``"openai"`` for every other wire)."""
    return responses_dialect(spec.endpoint) if spec.compat == "responses" else "openai"


def _service_vars(spec: DriverSpec) -> dict[str, Any]:
    """The service-wire template's words and wire settings (nothing for other wires)."""
    service = WIRE[spec.compat].service
    if service is None:
        return {}
    wire_doc, wire_short, auth_doc = service.speaks, service.short, service.auth
    attrs = service.settings
    dialect = _dialect(spec)
    if dialect != "openai":
        attrs = (*attrs, ("dialect", json.dumps(dialect)))
    keys = " or ".join(spec.api_key_envs)
    return {
        "wire_doc": jinja_env.text(wire_doc),
        "wire_short": jinja_env.text(wire_short),
        "auth_doc": jinja_env.text(auth_doc.format(keys=keys)),
        "wire_attrs": [(jinja_env.pyident(name), jinja_env.Code(value)) for name, value in attrs],
    }


def _wire_tables() -> dict[str, jinja_env.Code]:
    """The self-contained driver's data tables, taken from the runtime's own OpenAI wire
    module, so the generated copy knows every finish reason the built-ins know."""
    from prompture.drivers import _openai_wire as wire

    items = "".join(
        f"    {jinja_env.pystr(k)}: {jinja_env.pystr(v)},\n" for k, v in wire.STOP_REASONS.items()
    )
    return {
        "stop_reasons": jinja_env.Code("{\n" + items + "}"),
        "stream_error_fallback": jinja_env.pystr(wire.STREAM_ERROR_FALLBACK),
    }


def _has_errors(layout: Any) -> bool:
    return "DriverHTTPError" in layout.symbols and "ConfigurationError" in layout.symbols


def _full_imports(
    kind: str, spec: DriverSpec, layout: Any, paths: _Paths
) -> tuple[list[Import], list[Import]]:
    """Imports of the self-contained (or custom) driver modules."""
    sync = [_from_checkout(layout, paths.sync_file, name) for name in ("CostMixin", "Driver")]
    async_ = [
        _from_checkout(layout, paths.async_file, name) for name in ("CostMixin", "AsyncDriver")
    ]
    async_.append(Import(f".{spec.provider}_driver", f"{spec.class_name}Protocol"))
    if _has_errors(layout):
        sync += [
            _from_checkout(layout, paths.sync_file, name)
            for name in ("ConfigurationError", "DriverHTTPError")
        ]
    if kind == "full":
        sync.append(_from_checkout(layout, paths.sync_file, "prepare_strict_schema"))
    if not spec.lazy:  # the wire code's own libraries, at the top like any eager import
        sync.append(Import("requests", None))
        async_.append(Import("httpx", None))
    return sync, async_


def _resolve(layout: Any, symbol: str) -> str | None:
    """The layout symbol whose module defines `symbol` (itself, else the seed's neighbour)."""
    if symbol in layout.symbols:
        return symbol
    beside = _BESIDE.get(symbol)
    return beside if beside in layout.symbols else None


def _from_checkout(layout: Any, from_file: Path, symbol: str) -> Import:
    """``from <relative module> import symbol`` as written in `from_file`."""
    found = _resolve(layout, symbol)
    if found is None:
        raise UnsafeTarget(str(from_file), symbol, "the checkout does not define it")
    return Import(layout.relative_import(from_file, found), symbol)


def _test_vars(spec: DriverSpec, layout: Any, paths: _Paths) -> dict[str, Any]:
    """The test module: the checkout's own contract suite for the wire when its package ships
    one; else self-contained tests on a local server (OpenAI, Anthropic); else a skeleton."""
    dialect_contract = DIALECT_CONTRACTS.get(_dialect(spec))
    contract, wire = dialect_contract or WIRE[spec.compat].contract or (None, "")
    imports = [
        Import(f"{paths.drivers_module}.{spec.provider}_driver", spec.sync_class),
        Import(f"{paths.drivers_module}.async_{spec.provider}_driver", spec.async_class),
    ]
    own = contract in getattr(layout, "testing_contracts", ())
    common = {
        "contract_wire": jinja_env.text(wire),
        "test_class": jinja_env.pyident(f"Test{spec.class_name}Driver"),
        "skeleton_reason": jinja_env.text(f"The {spec.display_name} wire format is custom"),
    }
    if spec.compat in SERVICE_WIRES and not (own and template_kind(spec, layout) == "subclass"):
        contract = None  # no standalone server of these wires: the skeleton says so
        common["skeleton_reason"] = jinja_env.text(
            f"The {spec.display_name} driver is a skeleton of the {wire} wire format"
        )
    if contract and own:
        imports.append(Import(f"{layout.package}.testing", contract))
        return {
            **common,
            "contract": jinja_env.pyident(contract),
            "imports": import_block(imports, paths),
            "priced_model": _priced_model(spec),
        }
    imports += _registry_imports(layout, paths)
    if not contract:
        imports.append(Import("pytest", None))
        return {**common, "contract": None, "imports": import_block(imports, paths)}
    imports += [
        Import("asyncio", None),
        Import("json", None),
        Import("threading", None),
        Import("pytest", None),
        Import("collections.abc", "Iterator"),
        Import("http.server", "BaseHTTPRequestHandler"),
        Import("http.server", "ThreadingHTTPServer"),
    ]
    anthropic = spec.compat == "anthropic"
    return {
        **common,
        "template": "test_driver_standalone.py.j2",
        "imports": import_block(imports, paths),
        "bare_model": jinja_env.pystr(spec.default_model),
        "base_path": jinja_env.pystr("" if anthropic else "/v1"),
        "request_path": jinja_env.pystr("/v1/messages" if anthropic else "/chat/completions"),
    }


def _registry_imports(layout: Any, paths: _Paths) -> list[Import]:
    """`get_driver_for_model` and its async twin, from where the checkout defines them."""
    imports = []
    for name in _REGISTRY:
        module = paths.module_of(layout.symbols[name]) if name in layout.symbols else None
        imports.append(Import(module or paths.drivers_module, name))
    return imports


def _priced_model(spec: DriverSpec) -> jinja_env.Code | None:
    """The default model as a literal when the catalogue gives it a non-zero price."""
    if spec.models_dev_name is None:
        return None
    from prompture.model_rates import get_model_rates

    rates = get_model_rates(spec.models_dev_name, spec.default_model)
    if rates and (rates["input"] > 0 or rates["output"] > 0):
        return jinja_env.pystr(spec.default_model)
    return None


# --- rendering ----------------------------------------------------------------------------


def _render(variables: dict[str, Any], *, template: str, **extra: Any) -> str:
    text = jinja_env.render_template(template, {**variables, **extra})
    line_length = variables["line_length"]
    return fit_name_lines(fit_value_lines(text, line_length), line_length)
