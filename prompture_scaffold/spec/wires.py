"""The wire formats, each declared once (`Wire`), and the other choices a spec offers.

A `Wire` says everything the scaffolder needs of one `--compat` value: the wizard's line for
it, the runtime base and templates of its driver, its default SDK, its contract tests and
what its base does natively. The per-wire tables the defaults, checks and renderer read are
derived from `WIRE_LIST`; adding a wire is one more entry there (and its runtime base and
templates). Also the `auth` and `template` choices, each with the line the wizard shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """How the generated driver of a provider family's own wire describes itself: what it
    speaks (long and short), how it authenticates (``{keys}``: the key variables), where its
    URL comes from when no base URL is given, and the wire settings (class attribute, Python
    literal) the async twin copies."""

    speaks: str
    short: str
    auth: str
    url_from: str = ""
    settings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Wire:
    """One `--compat` value: everything the spec, the renderer and the tests need of it."""

    name: str
    #: What the wizard shows beside the choice.
    choice: str
    #: The runtime's shared (sync, async) base classes the short subclass stands on.
    bases: tuple[str, str]
    #: The (sync, async) templates of that subclass.
    templates: tuple[str, str]
    #: The SDK the driver gets unless one is given (None: it must be given).
    sdk: str | None = None
    #: The contract mixin in ``prompture.testing`` and its server's wire, for the tests.
    contract: tuple[str, str] | None = None
    #: The base asks for a JSON object natively (default of the json_mode capability).
    json_mode: bool = False
    #: A base URL must be given (the others build it or call it themselves).
    needs_url: bool = False
    #: On the shared Anthropic Messages base (no native JSON mode or schema; needs a key).
    messages_api: bool = False
    #: A provider family's own wire (`Service`): a subclass template shared by all of them.
    service: Service | None = None


_SERVICE_TEMPLATES = ("service_subclass.py.j2", "async_service_subclass.py.j2")
_VERTEX_AUTH = (
    "Credentials: an OAuth access token in {keys}, else the file named by "
    "GOOGLE_APPLICATION_CREDENTIALS (google-auth); project GOOGLE_VERTEX_PROJECT, location "
    "GOOGLE_VERTEX_LOCATION (default global)."
)

#: Every wire format, in the order the wizard and `--help` list them. The first three have a
#: template of their own; the others are one provider family's wire with a base in our
#: runtime: Azure OpenAI, Cohere v2 chat, Gemini and Claude on Vertex AI, Bedrock Converse,
#: OpenAI's Responses API.
WIRE_LIST = (
    Wire("openai", "OpenAI chat completions (/chat/completions)",
         ("OpenAICompatibleDriver", "AsyncOpenAICompatibleDriver"),
         ("openai_subclass.py.j2", "async_openai_subclass.py.j2"), sdk="requests",
         contract=("OpenAICompatibleContract", "OpenAI-compatible"), json_mode=True,
         needs_url=True),
    Wire("anthropic", "Anthropic Messages API (/v1/messages)",
         ("AnthropicMessagesDriver", "AsyncAnthropicMessagesDriver"),
         ("anthropic_subclass.py.j2", "async_anthropic_subclass.py.j2"), sdk="anthropic>=2.0",
         contract=("AnthropicContract", "Anthropic Messages"), needs_url=True,
         messages_api=True),
    Wire("custom", "another wire format: you fill in two methods",
         ("CustomWireDriver", "AsyncCustomWireDriver"),
         ("custom_driver.py.j2", "async_custom_driver.py.j2")),
    Wire("azure", "Azure OpenAI / Azure AI services (api-key header)",
         ("AzureOpenAIDriver", "AsyncAzureOpenAIDriver"), _SERVICE_TEMPLATES, sdk="requests",
         contract=("AzureOpenAIContract", "Azure OpenAI"), json_mode=True,
         service=Service("Azure OpenAI chat completions (Azure's v1 API) at the resource's URL",
                         "Azure OpenAI", "API key: {keys}, sent in the ``api-key`` header.",
                         settings=(("api_version", "None"),))),
    Wire("cohere", "Cohere v2 chat (/v2/chat)",
         ("CohereChatDriver", "AsyncCohereChatDriver"), _SERVICE_TEMPLATES, sdk="requests",
         contract=("CohereContract", "Cohere v2 chat"), json_mode=True, needs_url=True,
         service=Service("Cohere's v2 Chat API", "Cohere's v2 Chat API", "API key: {keys}.")),
    Wire("vertex-gemini", "Gemini on Google Vertex AI (Google credentials)",
         ("VertexGeminiDriver", "AsyncVertexGeminiDriver"), _SERVICE_TEMPLATES,
         sdk="google-genai>=2.33", contract=("VertexGeminiContract", "Vertex AI Gemini"),
         json_mode=True,
         service=Service("Gemini models on Google Vertex AI, through the google-genai SDK",
                         "Gemini on Vertex AI", _VERTEX_AUTH, "the location's Vertex AI host")),
    Wire("vertex-anthropic", "Claude on Google Vertex AI (Google credentials)",
         ("VertexAnthropicDriver", "AsyncVertexAnthropicDriver"), _SERVICE_TEMPLATES,
         sdk="anthropic>=2.0", contract=("VertexAnthropicContract", "Vertex AI Claude"),
         messages_api=True,
         service=Service("Claude models on Google Vertex AI (rawPredict), through the "
                         "anthropic SDK", "Claude on Vertex AI", _VERTEX_AUTH,
                         "the location's Vertex AI host")),
    # Bedrock's Converse API has structured output but no JSON mode; with its bearer key
    # it speaks plain HTTP.
    Wire("bedrock", "Amazon Bedrock Converse (SigV4 or a bearer key)",
         ("BedrockConverseDriver", "AsyncBedrockConverseDriver"), _SERVICE_TEMPLATES,
         sdk="requests", contract=("BedrockContract", "Bedrock Converse"),
         service=Service("Amazon Bedrock's Converse API", "Amazon Bedrock's Converse API",
                         "Credentials: a Bedrock API key in {keys} (Bearer), else "
                         "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE (SigV4, "
                         "through botocore); region AWS_REGION.",
                         "the region's bedrock-runtime host")),
    # OpenAI's Responses API; Perplexity's Agent API speaks it in a dialect of its own
    # (`RESPONSES_DIALECTS`), without JSON mode (`json_mode_native`).
    Wire("responses", "OpenAI Responses API (/responses; Perplexity's Agent API)",
         ("OpenAIResponsesDriver", "AsyncOpenAIResponsesDriver"), _SERVICE_TEMPLATES,
         sdk="requests", contract=("ResponsesContract", "OpenAI Responses API"),
         json_mode=True, needs_url=True,
         service=Service("OpenAI's Responses API (POST {base}/responses)",
                         "the Responses API", "API key: {keys}.")),
)  # fmt: skip
WIRE = {wire.name: wire for wire in WIRE_LIST}
WIRE_CHOICES = {wire.name: wire.choice for wire in WIRE_LIST}
WIRES = tuple(WIRE)
#: The provider-family wires (one shared subclass template).
SERVICE_WIRES = tuple(wire.name for wire in WIRE_LIST if wire.service)

AUTH_CHOICES = {
    "api-key": "an API key",
    "endpoint": "a base URL",
    "api-key+endpoint": "an API key and a base URL",
    "none": "nothing (a local server)",
}
#: Auths with a key, and auths with a base URL.
KEY_AUTHS = ("api-key", "api-key+endpoint")
ENDPOINT_AUTHS = ("endpoint", "api-key+endpoint")
#: Auths without a key: the Anthropic SDK refuses to build a client without one.
KEYLESS_AUTHS = ("none", "endpoint")

TEMPLATE_CHOICES = {
    "auto": "a short subclass of the checkout's shared base",
    "full": "a self-contained driver",
}

#: SDK values that add no dependency: the driver speaks HTTP itself.
HTTP_SDKS = ("requests", "httpx")
#: The SDK each wire format gets unless one is given.
DEFAULT_SDKS = {wire.name: wire.sdk for wire in WIRE_LIST if wire.sdk}
#: Wire formats on the shared Anthropic Messages base.
ANTHROPIC_WIRES = tuple(wire.name for wire in WIRE_LIST if wire.messages_api)
#: Capabilities a wire's shared base does not offer natively, whatever the catalogue says of
#: the models: the Anthropic base puts JSON requests and schemas in the system prompt. They
#: default to off (a flag or spec file can still turn them on).
NOT_NATIVE = {wire: ("json_schema",) for wire in ANTHROPIC_WIRES}
#: Wire formats whose base asks for a JSON object natively.
JSON_MODE_WIRES = tuple(wire.name for wire in WIRE_LIST if wire.json_mode)
#: Wire formats whose driver needs a base URL given.
URL_WIRES = tuple(wire.name for wire in WIRE_LIST if wire.needs_url)


def needs_endpoint(compat: str | None, auth: str | None) -> bool:
    """Whether a base URL is required: every HTTP wire format and every endpoint auth has one."""
    return compat in URL_WIRES or auth in ENDPOINT_AUTHS


def third_party(sdk: object) -> bool:
    """Whether `sdk` is a third-party requirement (then lazy/eager and a version apply)."""
    return isinstance(sdk, str) and bool(sdk) and sdk not in HTTP_SDKS


#: Hosts serving the Responses API in a dialect of their own (the runtime's
#: `_responses_wire.DIALECTS`): Perplexity's Agent API asks for schemas with
#: ``response_format`` and has no JSON-object mode and no sampling options.
RESPONSES_DIALECTS = {"api.perplexity.ai": "perplexity"}
#: The contract mixin and its server's wire of each dialect other than OpenAI's own.
DIALECT_CONTRACTS = {"perplexity": ("PerplexityAgentContract", "Perplexity Agent API")}


def responses_dialect(endpoint: object) -> str:
    """The Responses API dialect of the server at `endpoint` (``"openai"`` unless listed)."""
    from urllib.parse import urlsplit

    try:
        host = urlsplit(str(endpoint or "")).hostname or ""
    except ValueError:
        return "openai"
    return RESPONSES_DIALECTS.get(host, "openai")


def json_mode_native(compat: object, endpoint: object) -> bool:
    """Whether the wire (at that endpoint, for the Responses API) asks for JSON natively."""
    if compat == "responses":
        return responses_dialect(endpoint) == "openai"
    return compat in JSON_MODE_WIRES
