"""Contract tests of the OpenRouter driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_openrouter_driver import AsyncOpenRouterDriver
from prompture.drivers.openrouter_driver import OpenRouterDriver
from prompture.testing import OpenAICompatibleContract


class TestOpenRouterDriver(OpenAICompatibleContract):
    driver_class = OpenRouterDriver
    async_driver_class = AsyncOpenRouterDriver
    priced_model = "openai/gpt-4o-mini"
