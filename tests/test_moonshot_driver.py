"""Contract tests of the Moonshot driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_moonshot_driver import AsyncMoonshotDriver
from prompture.drivers.moonshot_driver import MoonshotDriver
from prompture.testing import OpenAICompatibleContract


class TestMoonshotDriver(OpenAICompatibleContract):
    driver_class = MoonshotDriver
    async_driver_class = AsyncMoonshotDriver
    priced_model = "kimi-k2-0905-preview"
