"""CachiBot driver: the OpenAI-compatible chat completions API.

API key: CACHIBOT_API_KEY.
Base URL: CACHIBOT_ENDPOINT, else the default below.
Prices and capabilities: infra/rates/cachibot.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class CachiBotDriver(OpenAICompatibleDriver):
    """CachiBot over the OpenAI-compatible chat completions API."""

    provider = "cachibot"
    display_name = "CachiBot"
    api_key_env = ("CACHIBOT_API_KEY",)
    default_endpoint = "https://cachibot.ai/api/v1"
    default_model = "openai/gpt-4o-mini"

    supports_json_mode = True
    supports_json_schema = False
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = False
