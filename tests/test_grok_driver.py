"""Contract tests of the Grok driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_grok_driver import AsyncGrokDriver
from prompture.drivers.grok_driver import GrokDriver
from prompture.testing import OpenAICompatibleContract


class TestGrokDriver(OpenAICompatibleContract):
    driver_class = GrokDriver
    async_driver_class = AsyncGrokDriver
    priced_model = "grok-4.3"
