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


def _check_text(spec: DriverSpec) -> None:
    if not CLASS_RE.fullmatch(spec.class_name):
        raise _fail("class_name", f"{spec.class_name!r} is not a CamelCase identifier")
    name = spec.display_name
    if not name or not name.isprintable() or len(name) > 80:
        raise _fail("display_name", f"{name!r} must be printable, one line, 1-80 characters")
    model = spec.default_model
    if not model or MODEL_BAD_RE.search(model) or not model.isprintable() or len(model) > 200:
        raise _fail("default_model", f"{model!r} must be non-empty, without whitespace or quotes")
    for env in spec.api_key_envs:
        if not ENV_RE.fullmatch(env):
            raise _fail("api_key_env", f"{env!r} must match ^[A-Z][A-Z0-9_]*$")


def needs_endpoint(compat: str | None, auth: str | None) -> bool:
    """Whether a base URL is required: every HTTP wire format and every endpoint auth has one."""
    return compat in ("openai", "anthropic") or auth in ("endpoint", "api-key+endpoint")


def _check_endpoint(spec: DriverSpec) -> None:
    url = spec.endpoint
    if not url and not needs_endpoint(spec.compat, spec.auth):
        return
    if not URL_RE.fullmatch(url) or len(url) > 500:
        why = "must be an http:// or https:// URL without whitespace, quotes or backslashes"
        raise _fail("endpoint", f"{url!r} {why}")


def validate(spec: DriverSpec) -> DriverSpec:
    """Check every field; return the spec unchanged or raise `InvalidInput` naming the flag."""
    check_provider(spec.provider)
    _check_choice("compat", spec.compat, COMPATS)
    _check_choice("auth", spec.auth, AUTHS)
    _check_choice("template", spec.template, TEMPLATES)
    check_sdk(spec.sdk)
    _check_text(spec)
    _check_endpoint(spec)
    if spec.models_dev_name is not None and not spec.models_dev_name:
        raise _fail("models_dev_name", "must not be empty (use --no-models-dev)")
    for name in ("lazy", "example", "tests", *CAPABILITIES):
        if not isinstance(getattr(spec, name), bool):
            raise _fail(name, f"{getattr(spec, name)!r} is not true or false")
    return spec
