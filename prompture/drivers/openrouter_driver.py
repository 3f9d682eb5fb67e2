"""OpenRouter driver: the OpenAI-compatible chat completions API.

API key: OPENROUTER_API_KEY.
Base URL: OPENROUTER_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("openrouter") and infra/rates/openrouter.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class OpenRouterDriver(OpenAICompatibleDriver):
    """OpenRouter over the OpenAI-compatible chat completions API."""

    provider = "openrouter"
    display_name = "OpenRouter"
    api_key_env = ("OPENROUTER_API_KEY",)
    default_endpoint = "https://openrouter.ai/api/v1"
    default_model = "openai/gpt-4o-mini"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
