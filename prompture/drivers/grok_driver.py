"""Grok driver: the OpenAI-compatible chat completions API.

API key: GROK_API_KEY or XAI_API_KEY.
Base URL: GROK_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("xai") and infra/rates/grok.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class GrokDriver(OpenAICompatibleDriver):
    """Grok over the OpenAI-compatible chat completions API."""

    provider = "grok"
    display_name = "Grok"
    api_key_env = ("GROK_API_KEY", "XAI_API_KEY")
    default_endpoint = "https://api.x.ai/v1"
    default_model = "grok-4.3"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
