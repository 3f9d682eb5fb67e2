"""Endpoints given as a full request URL are reduced to the base URL drivers append to.

Upstream Prompture's `.env` names some endpoints with their request path
(``OLLAMA_ENDPOINT=http://localhost:11434/api/generate``,
``LMSTUDIO_ENDPOINT=http://127.0.0.1:1234/v1/chat/completions``); our endpoint is always the
base URL, so those paths are cut off wherever an endpoint comes in. `ENDPOINT_VARIABLES` lists,
per provider, the variables other tools (upstream Prompture, the official SDKs) use for it.
"""

from __future__ import annotations

__all__ = ["ENDPOINT_VARIABLES", "base_url"]

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
}


def base_url(url: str) -> str:
    """`url` without a trailing slash and without a known request path at its end."""
    trimmed = url.strip().rstrip("/")
    for path in _REQUEST_PATHS:
        if trimmed.endswith(path):
            return trimmed[: -len(path)].rstrip("/")
    return trimmed
