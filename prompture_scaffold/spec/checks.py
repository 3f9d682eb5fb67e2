"""Per-field validation of a `DriverSpec`: exit 2 with a message naming the flag and why.

Values that become identifiers or paths (provider, class name, key variables) are restricted to
safe characters; the rest (endpoint, model, display name) must be one printable line and reach
generated code only as escaped literals.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..catalogue.url_template import is_template
from ..errors import InvalidInput
from .driver_spec import AUTHS, CAPABILITIES, HTTP_SDKS, TEMPLATES, WIRES, DriverSpec

PROVIDER_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
CLASS_RE = re.compile(r"[A-Z][A-Za-z0-9]{0,59}")
ENV_RE = re.compile(r"[A-Z][A-Z0-9_]{0,99}")
URL_RE = re.compile(r"https?://[^\s'\"`\\]+")
MODEL_BAD_RE = re.compile(r"[\s'\"`\\]")

#: Soft keywords of newer Pythons too, so a name valid today stays valid after an upgrade.
SOFT_KEYWORDS = frozenset({"_", "case", "match", "type"})

#: The flag that sets each field, for messages ("--endpoint: ...").
FLAGS = {
    "provider": "PROVIDER",
    "class_name": "--class-name",
    "display_name": "--display-name",
    "compat": "--compat",
    "sdk": "--sdk",
    "lazy": "--lazy/--eager",
    "default_model": "--default-model",
    "auth": "--auth",
    "api_key_env": "--api-key-env",
    "extra_api_key_envs": "extra_api_key_envs (spec file)",
    "endpoint": "--endpoint",
    "models_dev_name": "--models-dev-name",
    "template": "--template",
    **{name: f"--{name.replace('_', '-')}/--no-{name.replace('_', '-')}" for name in CAPABILITIES},
    "example": "--example/--no-example",
    "tests": "--tests/--no-tests",
}


def _fail(name: str, why: str) -> InvalidInput:
    return InvalidInput(f"{FLAGS.get(name, name)}: {why}")


#: Unicode categories refused in every field: controls (C0, DEL, C1), invisible format
#: characters (bidi overrides, zero-width joiners) and line/paragraph separators. They would
#: not survive an .env file as typed, and hide what a value says.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def check_no_control(name: str, value: Any) -> None:
    """`InvalidInput` when a text value holds a control character (the value is not echoed:
    it may be a key pasted in by mistake; the position and code point are)."""
    import unicodedata

    values = value if isinstance(value, list | tuple) else [value]
    for text in values:
        if not isinstance(text, str) or not text.strip():
            continue  # a blank value is reported as blank by the field's own rule
        for index, char in enumerate(text):
            if unicodedata.category(char) in CONTROL_CATEGORIES:
                why = f"must not hold control characters (U+{ord(char):04X} at position {index})"
                raise _fail(name, why)


def check_provider(value: str) -> str:
    """The provider name, or `InvalidInput` saying why it cannot be a module/registry name."""
    if not PROVIDER_RE.fullmatch(value):
        why = "must match ^[a-z][a-z0-9_]{0,39}$ (lower-case letters, digits, underscores)"
        raise _fail("provider", f"{value!r} {why}")
    if keyword.iskeyword(value) or keyword.issoftkeyword(value) or value in SOFT_KEYWORDS:
        raise _fail("provider", f"{value!r} is a Python keyword")
    return value


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise _fail(name, f"{value!r} is not one of {', '.join(choices)}")


def check_sdk(value: str) -> str:
    """`requests`, `httpx`, or a plain PEP 508 requirement (no URL, no markers)."""
    if value in HTTP_SDKS:
        return value
    from packaging.requirements import InvalidRequirement, Requirement  # ~20 ms: only here

    try:
        req = Requirement(value)
    except InvalidRequirement as exc:
        raise _fail("sdk", f"{value!r} is not a PEP 508 requirement ({exc})") from None
    if req.url or req.marker or value != value.strip():
        raise _fail("sdk", f"{value!r}: give a name and version only, e.g. acme-sdk>=1.2")
    return req.name if req.name in HTTP_SDKS else value


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> Any:
    """`value` when it is one of `choices`, else `InvalidInput` listing them."""
    _check_choice(name, value, choices)
    return value


def check_class_name(value: str) -> str:
    """A CamelCase class stem (`Acme` gives `AcmeDriver` and `AsyncAcmeDriver`)."""
    if not CLASS_RE.fullmatch(value):
        raise _fail("class_name", f"{value!r} is not a CamelCase identifier")
    return value


def check_display_name(value: str) -> str:
    """One printable line of 1-80 characters, surrounding whitespace stripped."""
    stripped = value.strip()
    if not stripped:
        raise _fail("display_name", "must not be blank")
    if not stripped.isprintable() or len(stripped) > 80:
        raise _fail("display_name", f"{value!r} must be printable, one line, 1-80 characters")
    return stripped


def check_model(value: str) -> str:
    """A model id: non-empty, printable, no whitespace or quotes."""
    if not value or MODEL_BAD_RE.search(value) or not value.isprintable() or len(value) > 200:
        raise _fail("default_model", f"{value!r} must be non-empty, without whitespace or quotes")
    _no_expansion("default_model", value)
    return value


def _no_expansion(name: str, value: str) -> None:
    """python-dotenv expands ``${VAR}`` in every .env value, quoted or not, and has no escape
    for it: such a value would not survive the env template."""
    if "${" in value:
        raise _fail(name, f"{value!r} must not hold '${{' (.env files expand ${{VAR}})")


def check_env(value: str, name: str = "api_key_env", provider: str | None = None) -> str:
    """An environment variable name such as `ACME_API_KEY`, not the provider's endpoint or
    model variable. A bad value is never echoed: it may be a key pasted in by mistake."""
    example = f"{(provider or 'acme').upper()}_API_KEY"
    if not isinstance(value, str) or not ENV_RE.fullmatch(value):
        why = (
            f"must be an environment variable NAME like {example} (capitals, digits, "
            "underscores); the value given is not shown in case it is a key"
        )
        raise _fail(name, why)
    if provider and value in (f"{provider.upper()}_ENDPOINT", f"{provider.upper()}_MODEL"):
        what = "endpoint" if value.endswith("_ENDPOINT") else "model"
        raise _fail(name, f"{value} is the provider's {what} variable; the key needs its own")
    return value


def _check_text(spec: DriverSpec) -> None:
    check_class_name(spec.class_name)
    check_display_name(spec.display_name)
    check_model(spec.default_model)
    check_env(spec.api_key_env, provider=spec.provider)
    for env in spec.extra_api_key_envs:
        check_env(env, "extra_api_key_envs", spec.provider)


def needs_endpoint(compat: str | None, auth: str | None) -> bool:
    """Whether a base URL is required: every HTTP wire format and every endpoint auth has one."""
    return compat in URL_WIRES or auth in ("endpoint", "api-key+endpoint")


#: Wire formats whose driver needs a base URL given: the others build it (Azure from the
#: resource, Vertex from the location, Bedrock from the region) or call it themselves.
URL_WIRES = ("openai", "anthropic", "cohere")


def check_endpoint(
    url: str, compat: str | None, auth: str | None, *, template: bool = False
) -> str:
    """The base URL: required (http/https, no whitespace, quotes or backslashes) when the wire
    format or auth needs one, else it may be empty.

    `template`: the URL comes from the catalogue, where ``${VAR}`` placeholders are base-URL
    templates the driver fills in (`url_template`). A typed URL never is one: python-dotenv
    expands ``${VAR}`` in `.env`, so what a user types must not hold it."""
    check_no_control("endpoint", url)
    if not url and not needs_endpoint(compat, auth):
        return url
    if not URL_RE.fullmatch(url) or len(url) > 500:
        why = "must be an http:// or https:// URL without whitespace, quotes or backslashes"
        raise _fail("endpoint", f"{url!r} {why}")
    if not (template and is_template(url)):
        _no_expansion("endpoint", url)
    return url


#: Auths without a key: the Anthropic SDK refuses to build a client without one.
KEYLESS_AUTHS = ("none", "endpoint")
#: Wire formats on the shared Anthropic Messages base.
ANTHROPIC_WIRES = ("anthropic", "vertex-anthropic")


def check_auth_for_wire(compat: str | None, auth: str | None) -> None:
    """The Anthropic SDK refuses to build a client without a key."""
    if compat == "anthropic" and auth in KEYLESS_AUTHS:
        why = "the Anthropic SDK needs a key; use --auth api-key or api-key+endpoint"
        raise InvalidInput(f"--auth {auth}: {why}")


def check_json_for_wire(compat: str | None, json_mode: Any, json_schema: Any) -> None:
    """JSON flags the wire's shared base cannot honour: the Messages API has neither a JSON
    mode nor native schemas; the OpenAI-compatible base sends JSON mode with every schema."""
    if compat in ANTHROPIC_WIRES:
        # The schema first: without --json-mode given, JSON mode follows it.
        for flag, on in (("--json-schema", json_schema), ("--json-mode", json_mode)):
            if on is True:
                raise InvalidInput(
                    f"{flag}: the Anthropic Messages API has no native JSON mode or schema "
                    f"(the driver asks for JSON in the prompt); leave {flag} out"
                )
    if compat == "openai" and json_schema is True and json_mode is False:
        raise InvalidInput(
            "--json-schema needs --json-mode: the OpenAI-compatible driver sends JSON mode "
            "with every schema; drop --no-json-mode or add --no-json-schema"
        )


def check_combination(values: Mapping[str, Any]) -> None:
    """Refuse field values that are valid alone but not together (`values` may be partial):
    the generated driver could not keep the promise, and its tests would fail."""
    compat = values.get("compat")
    check_auth_for_wire(compat, values.get("auth"))
    check_json_for_wire(compat, values.get("json_mode"), values.get("json_schema"))


#: Per-field checks of values as given, in the order errors are reported.
_GIVEN_CHECKS: tuple[tuple[str, Callable[[Any, Mapping[str, Any]], Any]], ...] = (
    ("provider", lambda v, a: check_provider(v)),
    ("compat", lambda v, a: _check_choice("compat", v, WIRES)),
    ("auth", lambda v, a: _check_choice("auth", v, AUTHS)),
    ("template", lambda v, a: _check_choice("template", v, TEMPLATES)),
    ("sdk", lambda v, a: check_sdk(v)),
    ("class_name", lambda v, a: check_class_name(v)),
    ("display_name", lambda v, a: check_display_name(v)),
    ("default_model", lambda v, a: check_model(v)),
    ("api_key_env", lambda v, a: check_env(v, provider=a.get("provider"))),
)


def check_given(answers: Mapping[str, Any], *, catalogue_endpoint: str | None = None) -> None:
    """Check the values the flags and spec file give before anything is derived or found
    missing, so a wrong value (``compat = "grpc"``) is the error reported, not what it hides.

    `catalogue_endpoint`: the base URL the catalogue gives this provider. A given endpoint
    equal to it came from there (the wizard's accepted default, a saved spec replayed), so
    its ``${VAR}`` placeholders are the catalogue's template, not typed text."""
    for name, value in answers.items():
        check_no_control(name, value)
    for name, check in _GIVEN_CHECKS:
        if name in answers:
            check(answers[name], answers)
    if "endpoint" in answers:
        url = answers["endpoint"]
        from_catalogue = catalogue_endpoint is not None and url == catalogue_endpoint
        check_endpoint(url, answers.get("compat"), answers.get("auth"), template=from_catalogue)
    for env in answers.get("extra_api_key_envs") or ():
        check_env(env, "extra_api_key_envs", answers.get("provider"))


def validate(spec: DriverSpec) -> DriverSpec:
    """Check every field; return the spec unchanged or raise `InvalidInput` naming the flag."""
    for name, value in spec.to_dict().items():
        check_no_control(name, value)
    check_provider(spec.provider)
    _check_choice("compat", spec.compat, WIRES)
    _check_choice("auth", spec.auth, AUTHS)
    _check_choice("template", spec.template, TEMPLATES)
    check_sdk(spec.sdk)
    _check_text(spec)
    check_endpoint(spec.endpoint, spec.compat, spec.auth, template=True)
    if spec.models_dev_name is not None and not spec.models_dev_name:
        raise _fail("models_dev_name", "must not be empty (use --no-models-dev)")
    for name in ("lazy", "example", "tests", *CAPABILITIES):
        if not isinstance(getattr(spec, name), bool):
            raise _fail(name, f"{getattr(spec, name)!r} is not true or false")
    check_combination(spec.to_dict())
    return spec
