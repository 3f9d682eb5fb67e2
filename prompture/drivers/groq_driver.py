"""Groq driver: Groq's OpenAI-compatible chat completions through the official ``groq`` SDK.

API key: GROQ_API_KEY.
Base URL: GROQ_ENDPOINT (the SDK's ``base_url``: the host only, the SDK appends
``/openai/v1/...``), else ``https://api.groq.com``.
SDK: ``pip install prompture[groq]``, imported on first use.
Prices and capabilities: models.dev ("groq") and infra/rates/groq.json (JSON schemas are sent
natively only to the models Groq supports structured outputs for).
"""

from __future__ import annotations

from typing import Any

from ._sdk_openai import OpenAISDKDriver, OpenAISDKProtocol, _as_dict

__all__ = ["GroqDriver", "GroqSDKProtocol"]


class GroqSDKProtocol(OpenAISDKProtocol):
    """The ``groq`` SDK's names and Groq's one streaming quirk, for both twins."""

    sdk_module = "groq"
    sdk_extra = "groq"
    sdk_client = "Groq"
    sdk_async_client = "AsyncGroq"
    # The groq SDK's create() has no `stream_options` parameter; the API takes it.
    sdk_extra_body_keys = ("stream_options",)

    def _chunk_dict(self, chunk: Any) -> dict[str, Any]:
        # Groq also reports stream usage under `x_groq.usage` on the last chunk.
        data = _as_dict(chunk)
        if not data.get("usage"):
            usage = (data.get("x_groq") or {}).get("usage")
            if usage:
                data["usage"] = usage
        return data


class GroqDriver(GroqSDKProtocol, OpenAISDKDriver):
    """Groq through the ``groq`` SDK, on the shared OpenAI-wire request and answer code."""

    provider = "groq"
    display_name = "Groq"
    api_key_env = ("GROQ_API_KEY",)
    default_endpoint = "https://api.groq.com"
    default_model = "llama-3.3-70b-versatile"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
