"""Contract tests of the LM Studio driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_lmstudio_driver import AsyncLMStudioDriver
from prompture.drivers.lmstudio_driver import LMStudioDriver
from prompture.testing import OpenAICompatibleContract


class TestLMStudioDriver(OpenAICompatibleContract):
    driver_class = LMStudioDriver
    async_driver_class = AsyncLMStudioDriver
