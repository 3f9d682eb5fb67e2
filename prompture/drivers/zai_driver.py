"""Z.ai driver: the OpenAI-compatible chat completions API.

API key: ZAI_API_KEY or ZHIPU_API_KEY.
Base URL: ZAI_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("zai") and infra/rates/zai.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class ZaiDriver(OpenAICompatibleDriver):
    """Z.ai over the OpenAI-compatible chat completions API."""

    provider = "zai"
    display_name = "Z.ai"
    api_key_env = ("ZAI_API_KEY", "ZHIPU_API_KEY")
    default_endpoint = "https://api.z.ai/api/paas/v4"
    default_model = "glm-5.1"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
