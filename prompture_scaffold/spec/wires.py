"""What each wire format means for a spec: its choices, the SDK it gets, what it needs.

The values the `compat`, `auth` and `template` fields accept, each with the line the wizard
shows beside it, and the per-wire facts the defaults and combination checks read.
"""

from __future__ import annotations

#: `--compat` values: the wire format, with what the wizard shows for it. The first three have
#: a template of their own; the others are one provider family's wire with a base in our
#: runtime: Azure OpenAI, Cohere v2 chat, Gemini and Claude on Vertex AI, Bedrock Converse.
WIRE_CHOICES = {
    "openai": "OpenAI chat completions (/chat/completions)",
    "anthropic": "Anthropic Messages API (/v1/messages)",
    "custom": "another wire format: you fill in two methods",
    "azure": "Azure OpenAI / Azure AI services (api-key header)",
    "cohere": "Cohere v2 chat (/v2/chat)",
    "vertex-gemini": "Gemini on Google Vertex AI (Google credentials)",
    "vertex-anthropic": "Claude on Google Vertex AI (Google credentials)",
    "bedrock": "Amazon Bedrock Converse (SigV4 or a bearer key)",
}
WIRES = tuple(WIRE_CHOICES)
COMPATS = WIRES[:3]
SERVICE_WIRES = WIRES[3:]

AUTH_CHOICES = {
    "api-key": "an API key",
    "endpoint": "a base URL",
    "api-key+endpoint": "an API key and a base URL",
    "none": "nothing (a local server)",
}
AUTHS = tuple(AUTH_CHOICES)
#: Auths without a key: the Anthropic SDK refuses to build a client without one.
KEYLESS_AUTHS = ("none", "endpoint")

TEMPLATE_CHOICES = {
    "auto": "a short subclass of the checkout's shared base",
    "full": "a self-contained driver",
}
TEMPLATES = tuple(TEMPLATE_CHOICES)

#: SDK values that add no dependency: the driver speaks HTTP itself.
HTTP_SDKS = ("requests", "httpx")
#: The SDK a wire format gets unless one is given: the OpenAI-compatible drivers speak HTTP
#: themselves; the Anthropic-compatible ones subclass a base built on the `anthropic` SDK;
#: Azure, Cohere and Bedrock (with its bearer key) speak HTTP; Vertex AI goes through SDKs.
DEFAULT_SDKS = {
    "openai": "requests",
    "anthropic": "anthropic>=2.0",
    "azure": "requests",
    "cohere": "requests",
    "bedrock": "requests",
    "vertex-gemini": "google-genai>=2.33",
    "vertex-anthropic": "anthropic>=2.0",
}
#: Wire formats on the shared Anthropic Messages base.
ANTHROPIC_WIRES = ("anthropic", "vertex-anthropic")
#: Capabilities a wire's shared base does not offer natively, whatever the catalogue says of
#: the models: the Anthropic base puts JSON requests and schemas in the system prompt. They
#: default to off (a flag or spec file can still turn them on).
NOT_NATIVE = {wire: ("json_schema",) for wire in ANTHROPIC_WIRES}
#: Wire formats whose base asks for a JSON object natively (Bedrock's Converse API has
#: structured output but no JSON mode; the Messages API has neither).
JSON_MODE_WIRES = ("openai", "azure", "cohere", "vertex-gemini")
#: Wire formats whose driver needs a base URL given: the others build it (Azure from the
#: resource, Vertex from the location, Bedrock from the region) or call it themselves.
URL_WIRES = ("openai", "anthropic", "cohere")


def needs_endpoint(compat: str | None, auth: str | None) -> bool:
    """Whether a base URL is required: every HTTP wire format and every endpoint auth has one."""
    return compat in URL_WIRES or auth in ("endpoint", "api-key+endpoint")


def third_party(sdk: object) -> bool:
    """Whether `sdk` is a third-party requirement (then lazy/eager and a version apply)."""
    return isinstance(sdk, str) and bool(sdk) and sdk not in HTTP_SDKS
