"""The rules a spec value must follow, one function each; `driver_spec` names which field
each guards.

A check returns the value (normalised where that is its job) or raises `Refused` saying why;
the field's declaration turns that into `InvalidInput` naming its flag (exit 2). Values that
become identifiers or paths (provider, class name, key variables) are restricted to safe
characters; the rest (endpoint, model, display name) must be one printable line and reach
generated code only as escaped literals. `check_combination` holds the rules between fields.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any

from ..catalogue.url_template import is_template
from ..errors import InvalidInput
from ..patterns import (
    CLASS_RE,
    DISPLAY_MAX,
    ENV_RE,
    MODEL_BAD_RE,
    MODEL_MAX,
    PROVIDER_RE,
    URL_MAX,
    URL_RE,
)
from .wires import ANTHROPIC_WIRES, HTTP_SDKS, KEYLESS_AUTHS, needs_endpoint


class Refused(InvalidInput):
    """Why a value was refused, before the field's flag is put in front of it."""


#: Soft keywords of newer Pythons too, so a name valid today stays valid after an upgrade.
SOFT_KEYWORDS = frozenset({"_", "case", "match", "type"})
#: Unicode categories refused in every field: controls (C0, DEL, C1), invisible format
#: characters (bidi overrides, zero-width joiners) and line/paragraph separators. They would
#: not survive an .env file as typed, and hide what a value says.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def check_no_control(value: Any) -> Any:
    """`Refused` when a text value holds a control character (the value is not echoed: it may
    be a key pasted in by mistake; the position and code point are)."""
    import unicodedata

    values = value if isinstance(value, list | tuple) else [value]
    for text in values:
        if not isinstance(text, str) or not text.strip():
            continue  # a blank value is reported as blank by the field's own rule
        for index, char in enumerate(text):
            if unicodedata.category(char) in CONTROL_CATEGORIES:
                why = f"must not hold control characters (U+{ord(char):04X} at position {index})"
                raise Refused(why)
    return value


def check_provider(value: Any) -> str:
    """The provider name, or why it cannot be a module/registry name."""
    if not isinstance(value, str) or not PROVIDER_RE.fullmatch(value):
        why = "must match ^[a-z][a-z0-9_]{0,39}$ (lower-case letters, digits, underscores)"
        raise Refused(f"{value!r} {why}")
    if keyword.iskeyword(value) or keyword.issoftkeyword(value) or value in SOFT_KEYWORDS:
        raise Refused(f"{value!r} is a Python keyword")
    return value


def one_of(choices: tuple[str, ...]):
    """A check accepting only `choices`."""

    def check(value: Any) -> str:
        if value not in choices:
            raise Refused(f"{value!r} is not one of {', '.join(choices)}")
        return value

    return check


def check_sdk(value: Any) -> str:
    """`requests`, `httpx`, or a plain PEP 508 requirement (no URL, no markers)."""
    if value in HTTP_SDKS:
        return value
    from packaging.requirements import InvalidRequirement, Requirement  # ~20 ms: only here

    try:
        req = Requirement(value)
    except (InvalidRequirement, TypeError) as exc:
        raise Refused(f"{value!r} is not a PEP 508 requirement ({exc})") from None
    if req.url or req.marker or value != value.strip():
        raise Refused(f"{value!r}: give a name and version only, e.g. acme-sdk>=1.2")
    return req.name if req.name in HTTP_SDKS else value


def check_class_name(value: Any) -> str:
    """A CamelCase class stem (`Acme` gives `AcmeDriver` and `AsyncAcmeDriver`)."""
    if not isinstance(value, str) or not CLASS_RE.fullmatch(value):
        raise Refused(f"{value!r} is not a CamelCase identifier")
    return value


def check_display_name(value: Any) -> str:
    """One printable line of 1-80 characters, surrounding whitespace stripped."""
    stripped = value.strip() if isinstance(value, str) else ""
    if not stripped:
        raise Refused("must not be blank")
    if not stripped.isprintable() or len(stripped) > DISPLAY_MAX:
        raise Refused(f"{value!r} must be printable, one line, 1-80 characters")
    return stripped


def check_model(value: Any) -> str:
    """A model id: non-empty, printable, no whitespace or quotes."""
    bad = not isinstance(value, str) or not value or MODEL_BAD_RE.search(value)
    if bad or not value.isprintable() or len(value) > MODEL_MAX:
        raise Refused(f"{value!r} must be non-empty, without whitespace or quotes")
    return check_no_expansion(value)


def check_no_expansion(value: str) -> str:
    """python-dotenv expands ``${VAR}`` in every .env value, quoted or not, and has no escape
    for it: a value typed with one would not survive the env template."""
    if "${" in value:
        raise Refused(f"{value!r} must not hold '${{' (.env files expand ${{VAR}})")
    return value


def check_env(value: Any, provider: str | None = None) -> str:
    """An environment variable name such as `ACME_API_KEY`, not the provider's endpoint or
    model variable. A bad value is never echoed: it may be a key pasted in by mistake."""
    example = f"{(provider or 'acme').upper()}_API_KEY"
    if not isinstance(value, str) or not ENV_RE.fullmatch(value):
        raise Refused(
            f"must be an environment variable NAME like {example} (capitals, digits, "
            "underscores); the value given is not shown in case it is a key"
        )
    if provider and value in (f"{provider.upper()}_ENDPOINT", f"{provider.upper()}_MODEL"):
        what = "endpoint" if value.endswith("_ENDPOINT") else "model"
        raise Refused(f"{value} is the provider's {what} variable; the key needs its own")
    return value


def check_envs(values: Any, provider: str | None = None) -> tuple[str, ...]:
    """A list of environment variable names (`check_env` each)."""
    if isinstance(values, str) or not isinstance(values, list | tuple):
        raise Refused(f"{values!r} is not a list of variable names")
    return tuple(check_env(value, provider) for value in values)


def check_endpoint(url: Any, compat: str | None, auth: str | None) -> str:
    """The base URL: required (http/https, no whitespace, quotes or backslashes) when the wire
    format or auth needs one, else it may be empty. A ``${VAR}`` in it is a base-URL template
    (`catalogue.url_template`); a typed one is refused apart (`check_no_expansion`)."""
    if not isinstance(url, str):
        raise Refused(f"{url!r} is not a URL")
    if not url and not needs_endpoint(compat, auth):
        return url
    if not URL_RE.fullmatch(url) or len(url) > URL_MAX:
        why = "must be an http:// or https:// URL without whitespace, quotes or backslashes"
        raise Refused(f"{url!r} {why}")
    if "${" in url and not is_template(url):
        check_no_expansion(url)  # not a template the driver can fill in
    return url


def check_models_dev_name(value: Any) -> str | None:
    """A catalogue id, or None for none (whether the catalogue has it is checked there)."""
    if value is not None and (not isinstance(value, str) or not value):
        raise Refused("must not be empty (use --no-models-dev)")
    return value


def check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Refused(f"{value!r} is not true or false")
    return value


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
