"""Contract tests of the ModelScope driver on a local OpenAI-compatible server.

`OpenAICompatibleContract` runs both drivers through text, messages, JSON mode and schema,
tools, streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_modelscope_driver import AsyncModelScopeDriver
from prompture.drivers.modelscope_driver import ModelScopeDriver
from prompture.testing import OpenAICompatibleContract


class TestModelScopeDriver(OpenAICompatibleContract):
    driver_class = ModelScopeDriver
    async_driver_class = AsyncModelScopeDriver
