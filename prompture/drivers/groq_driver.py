"""Groq driver: Groq's OpenAI-compatible chat completions through the official ``groq`` SDK.

API key: GROQ_API_KEY.
Base URL: GROQ_ENDPOINT, else ``https://api.groq.com/openai/v1``. The groq SDK takes the host
and appends ``/openai/v1`` itself, so that suffix is trimmed before the SDK gets the URL; a bare
host (what earlier releases asked for) works too.
SDK: ``pip install prompture[groq]``, imported on first use.
Prices and capabilities: models.dev ("groq") and infra/rates/groq.json (JSON schemas are sent
natively only to the models Groq supports structured outputs for).
"""

from __future__ import annotations

from typing import Any

from ._sdk_openai import OpenAISDKDriver, OpenAISDKProtocol, _as_dict

__all__ = ["GroqDriver", "GroqSDKProtocol"]

#: The path the groq SDK appends to its ``base_url``.
SDK_PATH = "/openai/v1"


class GroqSDKProtocol(OpenAISDKProtocol):
    """The ``groq`` SDK's names and Groq's one streaming quirk, for both twins."""

    sdk_module = "groq"
    sdk_extra = "groq"
    sdk_client = "Groq"
    sdk_async_client = "AsyncGroq"
    # The groq SDK's create() has no `stream_options` parameter; the API takes it.
    sdk_extra_body_keys = ("stream_options",)

    @classmethod
    def _sdk_base_url(cls, endpoint: str) -> str:
        return endpoint.rstrip("/").removesuffix(SDK_PATH)

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
    default_endpoint = "https://api.groq.com/openai/v1"
    default_model = "llama-3.3-70b-versatile"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
