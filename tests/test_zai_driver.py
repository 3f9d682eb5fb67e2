"""Contract tests of the Z.ai driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_zai_driver import AsyncZaiDriver
from prompture.drivers.zai_driver import ZaiDriver
from prompture.testing import OpenAICompatibleContract


class TestZaiDriver(OpenAICompatibleContract):
    driver_class = ZaiDriver
    async_driver_class = AsyncZaiDriver
    priced_model = "glm-5.1"
