"""ModelScope driver: the OpenAI-compatible chat completions API.

API key: MODELSCOPE_API_KEY.
Base URL: MODELSCOPE_ENDPOINT, else the default below.
Prices and capabilities: models.dev ("modelscope") and infra/rates/modelscope.json.
"""

from __future__ import annotations

from .openai_compatible import OpenAICompatibleDriver


class ModelScopeDriver(OpenAICompatibleDriver):
    """ModelScope over the OpenAI-compatible chat completions API."""

    provider = "modelscope"
    display_name = "ModelScope"
    api_key_env = ("MODELSCOPE_API_KEY",)
    default_endpoint = "https://api-inference.modelscope.cn/v1"
    default_model = "ZhipuAI/GLM-4.6"

    supports_json_mode = True
    supports_json_schema = False
    supports_tool_use = True
    supports_streaming = True
    supports_vision = False
    supports_reasoning = True
