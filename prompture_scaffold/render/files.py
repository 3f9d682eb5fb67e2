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
import io
import json
import keyword
import re
import tokenize
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from ..checkout.rates import RateStyle, assumptions, render_flat
from ..edits import _ruff
from ..edits._ruff import NOQA_LONG, display_width, parenthesized
from ..errors import InvalidInput, UnsafeTarget
from ..patterns import ENV_RE, PROVIDER_RE
from ..spec.driver_spec import DriverSpec
from ..spec.wires import SERVICE_WIRES, WIRES
from . import jinja_env

__all__ = [
    "fit_name_lines",
    "fit_value_lines",
    "import_block",
    "new_file_paths",
    "rate_file_text",
    "render_new_files",
    "template_kind",
]

_MODULE = re.compile(r"^(\.*)([A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$")

#: The wire formats with a shared base in the runtime: (sync base, async base) class names.
_SHARED_BASES = {
    "openai": ("OpenAICompatibleDriver", "AsyncOpenAICompatibleDriver"),
    "anthropic": ("AnthropicMessagesDriver", "AsyncAnthropicMessagesDriver"),
    "azure": ("AzureOpenAIDriver", "AsyncAzureOpenAIDriver"),
    "cohere": ("CohereChatDriver", "AsyncCohereChatDriver"),
    "vertex-gemini": ("VertexGeminiDriver", "AsyncVertexGeminiDriver"),
    "vertex-anthropic": ("VertexAnthropicDriver", "AsyncVertexAnthropicDriver"),
    "bedrock": ("BedrockConverseDriver", "AsyncBedrockConverseDriver"),
    "custom": ("CustomWireDriver", "AsyncCustomWireDriver"),
}
_SUBCLASS_TEMPLATES = {
    "openai": ("openai_subclass.py.j2", "async_openai_subclass.py.j2"),
    "anthropic": ("anthropic_subclass.py.j2", "async_anthropic_subclass.py.j2"),
    **{wire: ("service_subclass.py.j2", "async_service_subclass.py.j2") for wire in SERVICE_WIRES},
    "custom": ("custom_driver.py.j2", "async_custom_driver.py.j2"),
}
#: The contract mixin (in ``prompture.testing``) and the server's wire, per wire format.
_CONTRACTS = {
    "openai": ("OpenAICompatibleContract", "OpenAI-compatible"),
    "anthropic": ("AnthropicContract", "Anthropic Messages"),
    "azure": ("AzureOpenAIContract", "Azure OpenAI"),
    "cohere": ("CohereContract", "Cohere v2 chat"),
    "vertex-gemini": ("VertexGeminiContract", "Vertex AI Gemini"),
    "vertex-anthropic": ("VertexAnthropicContract", "Vertex AI Claude"),
    "bedrock": ("BedrockContract", "Bedrock Converse"),
}
_VERTEX_AUTH = (
    "Credentials: an OAuth access token in {keys}, else the file named by "
    "GOOGLE_APPLICATION_CREDENTIALS (google-auth); project GOOGLE_VERTEX_PROJECT, location "
    "GOOGLE_VERTEX_LOCATION (default global)."
)
#: Per service wire: what the driver speaks (docstring, long and short), how it authenticates
#: (``{keys}``: the key variables), where its URL comes from when no base URL is given, and
#: the wire settings of the subclass (class attribute, Python literal) its twin copies.
_SERVICE_DOCS = {
    "azure": (
        "Azure OpenAI chat completions (Azure's v1 API) at the resource's URL",
        "Azure OpenAI",
        "API key: {keys}, sent in the ``api-key`` header.",
        "",
        (("api_version", "None"),),
    ),
    "cohere": ("Cohere's v2 Chat API", "Cohere's v2 Chat API", "API key: {keys}.", "", ()),
    "vertex-gemini": (
        "Gemini models on Google Vertex AI, through the google-genai SDK",
        "Gemini on Vertex AI",
        _VERTEX_AUTH,
        "the location's Vertex AI host",
        (),
    ),
    "vertex-anthropic": (
        "Claude models on Google Vertex AI (rawPredict), through the anthropic SDK",
        "Claude on Vertex AI",
        _VERTEX_AUTH,
        "the location's Vertex AI host",
        (),
    ),
    "bedrock": (
        "Amazon Bedrock's Converse API",
        "Amazon Bedrock's Converse API",
        "Credentials: a Bedrock API key in {keys} (Bearer), else AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY or AWS_PROFILE (SigV4, through botocore); region AWS_REGION.",
        "the region's bedrock-runtime host",
        (),
    ),
}
_REGISTRY = ("get_driver_for_model", "get_async_driver_for_model")
#: Where the seed template finds a helper when the layout did not record it: beside this.
_BESIDE = {"prepare_strict_schema": "CostMixin", "get_model_capabilities": "PROVIDER_MAP"}


def template_kind(spec: DriverSpec, layout: Any) -> str:
    """``"subclass"``, ``"full"`` or ``"full_custom"``: which driver templates `spec` gets.

    `InvalidInput` for the ``anthropic`` wire format when only a self-contained driver
    would do (no shared base in the checkout, or ``template = "full"``): there is none.
    """
    if spec.compat not in _SHARED_BASES:
        raise InvalidInput(f"--compat {spec.compat!r}: expected one of {', '.join(WIRES)}")
    has_base = all(_serves(layout, name) for name in _SHARED_BASES[spec.compat])
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
    sync_base, async_base = _SHARED_BASES["anthropic"]
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
        sync_base, _ = _SHARED_BASES[spec.compat]
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
        return head + (_SERVICE_DOCS[spec.compat][3] if spec.compat in _SERVICE_DOCS else "none")
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
        sync_base, async_base = _SHARED_BASES[spec.compat]
        sync = [_from_checkout(layout, paths.sync_file, sync_base)]
        async_ = [
            _from_checkout(layout, paths.async_file, async_base),
            Import(f".{spec.provider}_driver", spec.sync_class),
        ]
        templates = _SUBCLASS_TEMPLATES[spec.compat]
        service = _service_vars(spec)
    else:
        sync, async_ = _full_imports(kind, spec, layout, paths)
        sync_base, async_base = "Driver", "AsyncDriver"
        templates = (f"{kind}_driver.py.j2", f"async_{kind}_driver.py.j2")
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


def _service_vars(spec: DriverSpec) -> dict[str, Any]:
    """The service-wire template's words and wire settings (nothing for other wires)."""
    if spec.compat not in _SERVICE_DOCS:
        return {}
    wire_doc, wire_short, auth_doc, _, attrs = _SERVICE_DOCS[spec.compat]
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
    contract, wire = _CONTRACTS.get(spec.compat, (None, ""))
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


_CLASS_LINE = re.compile(r"^( *)class (\w+)\(([\w., ]+)\):$")
_NAME_LINE = re.compile(r"^( *)(\w+) = ([A-Za-z_][\w.]*)$")


def fit_name_lines(text: str, line_length: int) -> str:
    """Lay out the over-long lines that hold a class name as ruff format does.

    A class name may be 60 characters (``Async{Class}Driver`` 71): ``class N(A, B):`` gets
    its bases on an indented line of their own, or one per line when they do not fit there;
    ``name = Some.name`` gets its value in parentheses when that makes it fit, else stays
    and is marked ``# noqa: E501`` (a name cannot wrap).
    """
    lines = []
    for line in text.split("\n"):
        found = _CLASS_LINE.match(line) or _NAME_LINE.match(line)
        if found is None or display_width(line) <= line_length:
            lines.append(line)
            continue
        indent, name, value = found.groups()
        inner = indent + "    "
        if found.re is _NAME_LINE:
            lines += parenthesized(f"{indent}{name} = ", value, indent, line_length)
        elif display_width(inner + value) <= line_length:
            lines += [f"{indent}class {name}(", inner + value, f"{indent}):"]
        else:
            bases = [f"{inner}{base.strip()}," for base in value.split(",")]
            lines += [f"{indent}class {name}(", *bases, f"{indent}):"]
    return "\n".join(lines)


def _statements(text: str) -> list[list[tokenize.TokenInfo]]:
    """The tokens of every logical line that sits on one physical line."""
    statements, current = [], []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.NEWLINE:
            if current and current[0].start[0] == current[-1].end[0]:
                statements.append(current)
            current = []
        elif token.type != tokenize.ENDMARKER:
            current.append(token)
    return statements


def _value_items(tokens: list[tokenize.TokenInfo]) -> tuple[list[str], bool] | None:
    """``name = "s"`` gives (["s"], False), ``name = ("a", "b")`` (items, True); else None."""
    kinds = [(t.type, t.string) for t in tokens]
    if kinds[:2] != [(tokenize.NAME, tokens[0].string), (tokenize.OP, "=")] or len(kinds) < 3:
        return None
    rest = tokens[2:]
    if len(rest) == 1 and rest[0].type == tokenize.STRING:
        return [rest[0].string], False
    inner = rest[1:-1]
    if rest[0].string != "(" or rest[-1].string != ")" or not inner:
        return None
    strings = [t.string for t in inner[0::2]]
    commas = [t.string for t in inner[1::2]]
    if all(t.type == tokenize.STRING for t in inner[0::2]) and set(commas) <= {","}:
        return strings, True
    return None


def fit_value_lines(text: str, line_length: int) -> str:
    """Lay out over-long ``name = "value"`` and ``name = ("a", "b")`` lines as ruff does.

    A string that fits on a line of its own is wrapped in parentheses, a tuple is exploded
    one item per line; what still cannot fit gets ``# noqa: E501`` (a value cannot wrap).
    """
    lines = text.split("\n")
    for tokens in reversed(_statements(text)):
        row = tokens[0].start[0] - 1
        found = _value_items(tokens)
        if found is None or display_width(lines[row]) <= line_length:
            continue
        items, is_tuple = found
        indent, head = " " * tokens[0].start[1], f"{tokens[0].string} = "
        if not is_tuple:
            lines[row : row + 1] = parenthesized(indent + head, items[0], indent, line_length)
            continue
        body = [f"{indent}    {item}," for item in items]
        body = [b + (NOQA_LONG if display_width(b) > line_length else "") for b in body]
        lines[row : row + 1] = [f"{indent}{head}(", *body, f"{indent})"]
    return "\n".join(lines)


# --- imports, grouped and sorted as ruff's isort does ---------------------------------------


class Import(NamedTuple):
    """``from module import name``, or ``import module`` when `name` is None."""

    module: str
    name: str | None


def import_block(imports: list[Import], paths: Any) -> jinja_env.Code:
    """The import lines in ruff's sections and order, one ``from`` line per module.

    `paths` gives the checkout's package (first-party) and line length (long lines wrap).
    """
    grouped: dict[str, set[str]] = {}
    for module, name in imports:
        if not _MODULE.match(module) or not module.strip("."):
            raise UnsafeTarget(module, name or module, "not an importable module path")
        names = grouped.setdefault(module, set())
        if name is not None:
            names.add(jinja_env.pyident(name))
    sections: dict[int, list[str]] = {}
    key = {m: _ruff.import_key(m.lstrip("."), len(m) - len(m.lstrip(".")), bool(names),
                               paths.package) for m, names in grouped.items()}  # fmt: skip
    for module in sorted(grouped, key=lambda m: (key[m], m)):
        names = sorted(grouped[module])
        line = _ruff.from_line(module, names, paths.line_length) if names else f"import {module}"
        sections.setdefault(key[module][0], []).append(line)
    return jinja_env.Code("\n\n".join("\n".join(sections[s]) for s in sorted(sections)))
