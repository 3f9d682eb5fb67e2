"""What the catalogue does not say: the wire, base URL and authentication behind an SDK package.

A models.dev entry names the AI SDK package its models are called through (``npm``) and often
no base URL (``api``). For the packages that are not the generic OpenAI- or
Anthropic-compatible ones, this table says what that package speaks, as the provider
documents it; `--from-models-dev` fills the spec from it where the entry is silent. Each row
names its public source. Rows are data: a provider that changes its API changes one row.

Fields of a row (`Fact`):

- ``wire``: the `--compat` value (a `spec.wires.WIRES` member); ``custom`` when our runtime has no
  base for what the provider speaks, ``note`` then says what is missing.
- ``base_url``: the default endpoint; ``${VAR}`` placeholders are filled in by the driver at
  run time (`url_template`). Empty when the wire's base builds the URL itself (Vertex AI from
  the location, Bedrock from the region).
- ``auth``: how a request authenticates, in words (for the notes and the docs).
- ``key_env``: the variable holding the key, when the catalogue's first key-like variable is
  not it (Bedrock lists the AWS access key first).
- ``sdk``: the requirement of the driver's optional extra, when the wire's base calls an SDK.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["BY_ID", "BY_NPM", "Fact", "fact_for"]


@dataclass(frozen=True)
class Fact:
    wire: str
    base_url: str
    auth: str
    source: str
    key_env: str | None = None
    sdk: str | None = None
    note: str = ""


_BEARER = "Authorization: Bearer <key>"

#: SDK package -> what it speaks.
BY_NPM: dict[str, Fact] = {
    # https://inference-docs.cerebras.ai/resources/openai
    "@ai-sdk/cerebras": Fact(
        "openai", "https://api.cerebras.ai/v1", _BEARER,
        "https://inference-docs.cerebras.ai/resources/openai",
    ),
    # https://deepinfra.com/docs/openai_api
    "@ai-sdk/deepinfra": Fact(
        "openai", "https://api.deepinfra.com/v1/openai", _BEARER,
        "https://deepinfra.com/docs/openai_api",
    ),
    # https://docs.mistral.ai/api/ (POST /v1/chat/completions, Bearer key)
    "@ai-sdk/mistral": Fact(
        "openai", "https://api.mistral.ai/v1", _BEARER, "https://docs.mistral.ai/api/",
    ),
    # https://docs.together.ai/docs/openai-api-compatibility
    "@ai-sdk/togetherai": Fact(
        "openai", "https://api.together.xyz/v1", _BEARER,
        "https://docs.together.ai/docs/openai-api-compatibility",
    ),
    # https://v0.app/docs/v0-model-api (OpenAI chat completions format, base api.v0.dev/v1)
    "@ai-sdk/vercel": Fact(
        "openai", "https://api.v0.dev/v1", _BEARER, "https://v0.app/docs/v0-model-api",
    ),
    # https://docs.venice.ai/api-reference/api-spec
    "venice-ai-sdk-provider": Fact(
        "openai", "https://api.venice.ai/api/v1", _BEARER,
        "https://docs.venice.ai/api-reference/api-spec",
    ),
    # https://vercel.com/docs/ai-gateway/sdks-and-apis/openai-chat-completions
    "@ai-sdk/gateway": Fact(
        "openai", "https://ai-gateway.vercel.sh/v1", _BEARER,
        "https://vercel.com/docs/ai-gateway/sdks-and-apis/openai-chat-completions",
    ),
    # https://ai-sdk.dev/providers/community-providers/aihubmix (OpenAI-compatible at /v1)
    "@aihubmix/ai-sdk-provider": Fact(
        "openai", "https://aihubmix.com/v1", _BEARER, "https://docs.aihubmix.com/en/api/",
    ),
    # https://docs.x.ai/docs/api-reference
    "@ai-sdk/xai": Fact(
        "openai", "https://api.x.ai/v1", _BEARER, "https://docs.x.ai/docs/api-reference",
    ),
    # https://console.groq.com/docs/openai
    "@ai-sdk/groq": Fact(
        "openai", "https://api.groq.com/openai/v1", _BEARER, "https://console.groq.com/docs/openai",
    ),
    # https://platform.openai.com/docs/api-reference/chat
    "@ai-sdk/openai": Fact(
        "openai", "https://api.openai.com/v1", _BEARER,
        "https://platform.openai.com/docs/api-reference/chat",
    ),
    # https://openrouter.ai/docs/api-reference/overview
    "@openrouter/ai-sdk-provider": Fact(
        "openai", "https://openrouter.ai/api/v1", _BEARER,
        "https://openrouter.ai/docs/api-reference/overview",
    ),
    # https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference (the resource's URL,
    # the key in an `api-key` header; @ai-sdk/azure calls Azure's v1 API)
    "@ai-sdk/azure": Fact(
        "azure", "https://${AZURE_RESOURCE_NAME}.openai.azure.com", "api-key: <key>",
        "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference",
    ),
    # https://docs.cohere.com/reference/chat (POST https://api.cohere.com/v2/chat, Bearer key)
    "@ai-sdk/cohere": Fact(
        "cohere", "https://api.cohere.com", _BEARER, "https://docs.cohere.com/reference/chat",
    ),
    # https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference
    "@ai-sdk/google-vertex": Fact(
        "vertex-gemini", "", "Google OAuth access token (or GOOGLE_APPLICATION_CREDENTIALS)",
        "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference",
        sdk="google-genai>=2.33",
    ),
    # https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
    "@ai-sdk/google-vertex/anthropic": Fact(
        "vertex-anthropic", "", "Google OAuth access token (or GOOGLE_APPLICATION_CREDENTIALS)",
        "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude",
        sdk="anthropic>=2.0",
    ),
    # https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html and
    # https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html
    "@ai-sdk/amazon-bedrock": Fact(
        "bedrock", "", "Bedrock API key as Bearer, or AWS keys (SigV4)",
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html",
        key_env="AWS_BEARER_TOKEN_BEDROCK",
    ),
    # https://developers.cloudflare.com/ai-gateway/usage/chat-completion/ (the unified
    # OpenAI-compatible endpoint; models as {provider}/{model}; a stored key or unified
    # billing takes the Cloudflare API token as the Bearer key)
    "ai-gateway-provider": Fact(
        "openai",
        "https://gateway.ai.cloudflare.com/v1/${CLOUDFLARE_ACCOUNT_ID}/${CLOUDFLARE_GATEWAY_ID}"
        "/compat",
        _BEARER, "https://developers.cloudflare.com/ai-gateway/usage/chat-completion/",
    ),
    # https://docs.perplexity.ai/docs/agent-api/migrate-from-sonar/overview: Sonar chat
    # completions were retired on 2026-09-27 (@ai-sdk/perplexity 2.1.0 moved to the Agent API),
    # which speaks OpenAI's Responses format at POST /v1/responses
    # (https://docs.perplexity.ai/docs/agent-api/openai-compatibility; request fields:
    # https://docs.perplexity.ai/api-reference/responses-post)
    "@ai-sdk/perplexity": Fact(
        "responses", "https://api.perplexity.ai/v1", _BEARER,
        "https://docs.perplexity.ai/docs/agent-api/openai-compatibility",
    ),
    # https://docs.gitlab.com/user/duo_agent_platform/
    "gitlab-ai-provider": Fact(
        "custom", "", "GITLAB_TOKEN exchanged by the GitLab instance for a gateway token",
        "https://docs.gitlab.com/user/duo_agent_platform/",
        note="GitLab Duo answers through GitLab's AI gateway with short-lived tokens the "
        "GitLab instance mints from GITLAB_TOKEN; the runtime has no base for that exchange "
        "and no local server reproduces it",
    ),
    # https://help.sap.com/docs/sap-ai-core (service key, OAuth client credentials,
    # deployment URLs, the AI-Resource-Group header)
    "@jerome-benoit/sap-ai-provider-v2": Fact(
        "custom", "", "OAuth client credentials from the AICORE_SERVICE_KEY service key",
        "https://help.sap.com/docs/sap-ai-core",
        note="SAP AI Core needs an OAuth token from the AICORE_SERVICE_KEY service key, a "
        "deployment id in every URL and the AI-Resource-Group header; the runtime has no "
        "base for them and no local server",
    ),
}  # fmt: skip

#: Catalogue id -> a row for entries whose package alone does not decide.
BY_ID: dict[str, Fact] = {
    # https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference: Azure AI services
    # resources serve the same API at *.cognitiveservices.azure.com
    "azure-cognitive-services": Fact(
        "azure", "https://${AZURE_COGNITIVE_SERVICES_RESOURCE_NAME}.cognitiveservices.azure.com",
        "api-key: <key>", "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference",
    ),
    # https://docs.perplexity.ai/docs/agent-api/openai-compatibility (the Responses format;
    # its package, @ai-sdk/openai, would say chat completions)
    "perplexity-agent": BY_NPM["@ai-sdk/perplexity"],
    # https://docs.anthropic.com/en/api/messages (the one @ai-sdk/anthropic entry without a URL)
    "anthropic": Fact(
        "anthropic", "https://api.anthropic.com", "x-api-key: <key>",
        "https://docs.anthropic.com/en/api/messages",
    ),
}  # fmt: skip


def fact_for(catalogue_id: str | None, entry: Mapping[str, Any]) -> Fact | None:
    """The row for a catalogue entry: by its id, else by its SDK package; None when neither
    is listed (the generic packages need none: their wire is the package)."""
    if catalogue_id and catalogue_id in BY_ID:
        return BY_ID[catalogue_id]
    return BY_NPM.get(str(entry.get("npm") or ""))
