"""`Settings`: every provider's key, model and endpoint, from the environment or `.env`.

One pattern for every provider: ``{provider}_api_key``, ``{provider}_model`` and
``{provider}_endpoint`` (the base URL), read from the upper-case environment variables of the
same names. Providers known under another variable accept both (`validation_alias`): the names
upstream Prompture's `.env` uses (``ZHIPU_*``, ``OPENAI_BASE_URL``, ``CLAUDE_MODEL_NAME``...)
and the official SDKs' (``ANTHROPIC_API_KEY``...). An endpoint given with its request path
(``.../api/generate``, ``.../v1/chat/completions``) is reduced to its base URL.

Importing pydantic-settings costs about 200 ms, so the rest of Prompture reaches settings
through the lazy `settings` proxy of `_lazy_settings`, which imports this module only when a
value is first read.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._endpoints import ENDPOINT_VARIABLES, base_url

__all__ = ["Settings", "settings"]


def _either(*names: str) -> AliasChoices:
    return AliasChoices(*names)


def _endpoint_alias(provider: str) -> AliasChoices:
    return AliasChoices(*ENDPOINT_VARIABLES[provider])


class Settings(BaseSettings):
    """Prompture configuration; environment variables override `.env`."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    def __repr_args__(self):  # keys never reach a repr or a log line
        for name, value in super().__repr_args__():
            hidden = name and name.endswith("_api_key") and value
            yield name, ("***" if hidden else value)

    @field_validator("*", mode="after")
    @classmethod
    def _base_endpoints(cls, value, info):
        if info.field_name.endswith("_endpoint") and isinstance(value, str):
            return base_url(value)
        return value

    ai_provider: str = "openai"
    max_retries: int = Field(2, validation_alias="PROMPTURE_MAX_RETRIES")
    retry_backoff: float = Field(0.5, validation_alias="PROMPTURE_RETRY_BACKOFF")

    # Grok
    grok_api_key: str | None = Field(
        None, validation_alias=AliasChoices("GROK_API_KEY", "XAI_API_KEY")
    )
    grok_model: str = "grok-4.3"
    grok_endpoint: str = "https://api.x.ai/v1"

    # Moonshot
    moonshot_api_key: str | None = None
    moonshot_model: str = "kimi-k2-0905-preview"
    moonshot_endpoint: str = "https://api.moonshot.ai/v1"

    # Z.ai
    zai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("ZAI_API_KEY", "ZHIPU_API_KEY")
    )
    zai_model: str = Field("glm-5.1", validation_alias=_either("ZAI_MODEL", "ZHIPU_MODEL"))
    zai_endpoint: str = Field(
        "https://api.z.ai/api/paas/v4", validation_alias=_endpoint_alias("zai")
    )

    # ModelScope
    modelscope_api_key: str | None = None
    modelscope_model: str = "ZhipuAI/GLM-4.6"
    modelscope_endpoint: str = "https://api-inference.modelscope.cn/v1"

    # OpenRouter
    openrouter_api_key: str | None = None
    openrouter_model: str = "openai/gpt-4o-mini"
    openrouter_endpoint: str = "https://openrouter.ai/api/v1"

    # LM Studio
    lmstudio_api_key: str | None = None
    lmstudio_model: str = "openai/gpt-oss-20b"
    lmstudio_endpoint: str = "http://127.0.0.1:1234/v1"

    # OpenAI
    openai_api_key: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_endpoint: str = Field(
        "https://api.openai.com/v1", validation_alias=_endpoint_alias("openai")
    )

    # Claude
    claude_api_key: str | None = Field(
        None, validation_alias=AliasChoices("CLAUDE_API_KEY", "ANTHROPIC_API_KEY")
    )
    claude_model: str = Field(
        "claude-opus-4-7", validation_alias=_either("CLAUDE_MODEL", "CLAUDE_MODEL_NAME")
    )
    claude_endpoint: str = Field(
        "https://api.anthropic.com", validation_alias=_endpoint_alias("claude")
    )

    # Google
    google_api_key: str | None = Field(
        None, validation_alias=AliasChoices("GOOGLE_API_KEY", "GEMINI_API_KEY")
    )
    google_model: str = "gemini-3.5-flash"
    google_endpoint: str = "https://generativelanguage.googleapis.com"

    # Groq
    groq_api_key: str | None = None
    groq_model: str = "llama-3.3-70b-versatile"
    groq_endpoint: str = Field(
        "https://api.groq.com/openai/v1", validation_alias=_endpoint_alias("groq")
    )

    # Ollama
    ollama_api_key: str | None = None
    ollama_model: str = "llama3.1"
    ollama_endpoint: str = "http://localhost:11434"

    # AirLLM (a local model: the key is an optional Hugging Face token, there is no URL)
    airllm_api_key: str | None = None
    airllm_model: str = "Qwen/Qwen2.5-0.5B-Instruct"
    airllm_endpoint: str | None = None

    # Azure (also upstream Prompture's AZURE_API_ENDPOINT; AZURE_DEPLOYMENT_ID names one
    # deployment for every model, AZURE_API_VERSION selects the dated API over the v1 API)
    azure_api_key: str | None = None
    azure_model: str = "gpt-5.5"
    azure_endpoint: str = Field(
        "https://${AZURE_RESOURCE_NAME}.openai.azure.com",
        validation_alias=_endpoint_alias("azure"),
    )
    azure_resource_name: str | None = None
    azure_deployment_id: str | None = None
    azure_api_version: str | None = None

    # CachiBot
    cachibot_api_key: str | None = None
    cachibot_model: str = "openai/gpt-4o-mini"
    cachibot_endpoint: str = "https://cachibot.ai/api/v1"


from ._lazy_settings import settings  # noqa: E402  (the shared lazy proxy)
