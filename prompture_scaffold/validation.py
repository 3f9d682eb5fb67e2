"""Per-field validation of a `DriverSpec`: exit 2 with a message naming the flag and why.

Values that become identifiers or paths (provider, class name, key variables) are restricted to
safe characters; the rest (endpoint, model, display name) must be one printable line and reach
generated code only as escaped literals.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from .errors import InvalidInput
from .spec import AUTHS, CAPABILITIES, COMPATS, HTTP_SDKS, TEMPLATES, DriverSpec

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
    """One printable line of 1-80 characters."""
    if not value or not value.isprintable() or len(value) > 80:
        raise _fail("display_name", f"{value!r} must be printable, one line, 1-80 characters")
    return value


def check_model(value: str) -> str:
    """A model id: non-empty, printable, no whitespace or quotes."""
    if not value or MODEL_BAD_RE.search(value) or not value.isprintable() or len(value) > 200:
        raise _fail("default_model", f"{value!r} must be non-empty, without whitespace or quotes")
    return value


def check_env(value: str, name: str = "api_key_env") -> str:
    """An environment variable name such as `ACME_API_KEY`."""
    if not ENV_RE.fullmatch(value):
        raise _fail(name, f"{value!r} must match ^[A-Z][A-Z0-9_]*$")
    return value


def _check_text(spec: DriverSpec) -> None:
    check_class_name(spec.class_name)
    check_display_name(spec.display_name)
    check_model(spec.default_model)
    for env in spec.api_key_envs:
        check_env(env)


def needs_endpoint(compat: str | None, auth: str | None) -> bool:
    """Whether a base URL is required: every HTTP wire format and every endpoint auth has one."""
    return compat in ("openai", "anthropic") or auth in ("endpoint", "api-key+endpoint")


def check_endpoint(url: str, compat: str | None, auth: str | None) -> str:
    """The base URL: required (http/https, no whitespace, quotes or backslashes) when the wire
    format or auth needs one, else it may be empty."""
    if not url and not needs_endpoint(compat, auth):
        return url
    if not URL_RE.fullmatch(url) or len(url) > 500:
        why = "must be an http:// or https:// URL without whitespace, quotes or backslashes"
        raise _fail("endpoint", f"{url!r} {why}")
    return url


def validate(spec: DriverSpec) -> DriverSpec:
    """Check every field; return the spec unchanged or raise `InvalidInput` naming the flag."""
    check_provider(spec.provider)
    _check_choice("compat", spec.compat, COMPATS)
    _check_choice("auth", spec.auth, AUTHS)
    _check_choice("template", spec.template, TEMPLATES)
    check_sdk(spec.sdk)
    _check_text(spec)
    check_endpoint(spec.endpoint, spec.compat, spec.auth)
    if spec.models_dev_name is not None and not spec.models_dev_name:
        raise _fail("models_dev_name", "must not be empty (use --no-models-dev)")
    for name in ("lazy", "example", "tests", *CAPABILITIES):
        if not isinstance(getattr(spec, name), bool):
            raise _fail(name, f"{getattr(spec, name)!r} is not true or false")
    return spec
