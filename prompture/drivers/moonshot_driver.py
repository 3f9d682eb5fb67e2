"""Moonshot driver: the OpenAI-compatible chat completions API.

API key: MOONSHOT_API_KEY.
Base URL: MOONSHOT_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("moonshotai") and infra/rates/moonshot.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class MoonshotDriver(OpenAICompatibleDriver):
    """Moonshot over the OpenAI-compatible chat completions API."""

    provider = "moonshot"
    display_name = "Moonshot"
    api_key_env = ("MOONSHOT_API_KEY",)
    default_endpoint = "https://api.moonshot.ai/v1"
    default_model = "kimi-k2-0905-preview"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
