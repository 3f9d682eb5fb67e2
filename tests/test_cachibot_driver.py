"""Contract tests of the CachiBot driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_cachibot_driver import AsyncCachiBotDriver
from prompture.drivers.cachibot_driver import CachiBotDriver
from prompture.testing import OpenAICompatibleContract


class TestCachiBotDriver(OpenAICompatibleContract):
    driver_class = CachiBotDriver
    async_driver_class = AsyncCachiBotDriver
