"""LM Studio driver: the OpenAI-compatible chat completions API.

API key: LMSTUDIO_API_KEY (optional).
Base URL: LMSTUDIO_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("lmstudio") and infra/rates/lmstudio.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class LMStudioDriver(OpenAICompatibleDriver):
    """LM Studio over the OpenAI-compatible chat completions API."""

    provider = "lmstudio"
    display_name = "LM Studio"
    api_key_env = ("LMSTUDIO_API_KEY",)
    requires_api_key = False
    default_endpoint = "http://127.0.0.1:1234/v1"
    default_model = "openai/gpt-oss-20b"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = False
    supports_reasoning = True
