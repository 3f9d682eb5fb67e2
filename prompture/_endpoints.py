"""Endpoints given as a full request URL are reduced to the base URL drivers append to.

Upstream Prompture's `.env` names some endpoints with their request path
(``OLLAMA_ENDPOINT=http://localhost:11434/api/generate``,
``LMSTUDIO_ENDPOINT=http://127.0.0.1:1234/v1/chat/completions``); our endpoint is always the
base URL, so those paths are cut off wherever an endpoint comes in. `ENDPOINT_VARIABLES` lists,
per provider, the variables other tools (upstream Prompture, the official SDKs) use for it.

A base URL may also be a template holding ``${VAR}`` placeholders, as the models.dev catalogue
writes some (``https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1``):
`fill_template` puts each variable's value in when the driver is used.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping

from .exceptions import ConfigurationError

__all__ = [
    "ENDPOINT_VARIABLES",
    "PLACEHOLDER",
    "base_url",
    "fill_template",
    "setting_value",
    "template_names",
]

#: A ``${VAR}`` placeholder of a base-URL template (variable names as the environment has them).
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
#: What a filled-in value may hold: one URL component (host, account id, resource name...).
_VALUE = re.compile(r"[A-Za-z0-9._~:%+-]+")

#: Request paths that may end an endpoint, longest first (each is cut once).
_REQUEST_PATHS = (
    "/chat/completions",
    "/completions",
    "/responses",
    "/api/generate",
    "/api/chat",
    "/v1/messages",
)

#: Endpoint variables per provider key, ours first.
ENDPOINT_VARIABLES: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_ENDPOINT", "OPENAI_BASE_URL"),
    "zai": ("ZAI_ENDPOINT", "ZHIPU_ENDPOINT"),
    "claude": ("CLAUDE_ENDPOINT", "ANTHROPIC_BASE_URL"),
    "groq": ("GROQ_ENDPOINT", "GROQ_BASE_URL"),
    "azure": ("AZURE_ENDPOINT", "AZURE_API_ENDPOINT"),
}


def base_url(url: str) -> str:
    """`url` without a trailing slash and without a known request path at its end."""
    trimmed = url.strip().rstrip("/")
    for path in _REQUEST_PATHS:
        if trimmed.endswith(path):
            return trimmed[: -len(path)].rstrip("/")
    return trimmed


def template_names(url: str) -> tuple[str, ...]:
    """The variables of the placeholders in `url`, in order, each once."""
    return tuple(dict.fromkeys(PLACEHOLDER.findall(url)))


def setting_value(name: str) -> str | None:
    """The value of variable `name`: the settings field of that name (which reads `.env`
    too), else the process environment."""
    from ._lazy_settings import settings

    try:
        value = getattr(settings, name.lower(), None)
    except Exception:  # settings that cannot be built do not hide the environment
        value = None
    value = value if isinstance(value, str) and value.strip() else os.environ.get(name)
    return value.strip() if value and value.strip() else None


def fill_template(
    url: str,
    names: Mapping[str, tuple[str, ...]],
    who: str,
    lookup: Callable[[str], str | None] = setting_value,
) -> str:
    """`url` with each ``${VAR}`` replaced by the first variable of ``names[VAR]`` (else
    ``VAR`` itself) that has a value; a `ConfigurationError` naming the unset ones.

    A value is one URL component: a scheme typed before a host placeholder that already
    follows ``://`` (``DATABRICKS_HOST=https://adb-1.azuredatabricks.net/``) is dropped with
    the trailing slash; anything else that is no plain component is refused, unshown.
    """
    values, missing = {}, []
    for var in template_names(url):
        candidates = names.get(var) or (var,)
        value = next((v for v in map(lookup, candidates) if v), None)
        if value is None:
            missing.append(" or ".join(candidates))
            continue
        if f"://${{{var}}}" in url:
            value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value, flags=re.I).rstrip("/")
        if not _VALUE.fullmatch(value):
            raise ConfigurationError(
                f"{who} base URL: {candidates[0]} must be one URL part (letters, digits, "
                "dots, dashes), without spaces, slashes or quotes"
            )
        values[var] = value
    if missing:
        raise ConfigurationError(
            f"{who} base URL {url} needs {', '.join(missing)}: set "
            f"{'them' if len(missing) > 1 else 'it'} (or pass endpoint=... with the full URL)."
        )
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], url)
