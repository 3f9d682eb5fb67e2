"""OpenAI driver: chat completions through the official ``openai`` SDK.

API key: OPENAI_API_KEY.
Base URL: OPENAI_ENDPOINT (the SDK's ``base_url``), else ``https://api.openai.com/v1``.
SDK: ``pip install prompture[openai]``, imported on first use.
Prices and capabilities: models.dev ("openai") and infra/rates/openai.json, which makes the
o-series and gpt-5 reasoning models send ``max_completion_tokens`` and no temperature.
"""

from __future__ import annotations

from ._sdk_openai import OpenAISDKDriver

__all__ = ["OpenAIDriver"]


class OpenAIDriver(OpenAISDKDriver):
    """OpenAI through the ``openai`` SDK, on the shared OpenAI-wire request and answer code."""

    provider = "openai"
    display_name = "OpenAI"
    api_key_env = ("OPENAI_API_KEY",)
    default_endpoint = "https://api.openai.com/v1"
    # A non-reasoning model: strict JSON schemas go out natively (reasoning models get the
    # schema in the prompt), it takes a temperature, and it is cheap for extraction.
    default_model = "gpt-4o-mini"

    sdk_module = "openai"
    sdk_extra = "openai"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
