"""The contract suite's fallback branches, run on a bare OpenAI-compatible driver.

The driver below needs no key and has no JSON mode, no native schema and no vision, so the
suite checks the fallbacks: JSON requests and schemas go into the prompt, and the driver works
without a key.
"""

from __future__ import annotations

from prompture.drivers.openai_compatible import (
    AsyncOpenAICompatibleDriver,
    OpenAICompatibleDriver,
)
from prompture.testing import OpenAICompatibleContract


class BareDriver(OpenAICompatibleDriver):
    """A keyless OpenAI-compatible server that only does text, tools and streaming."""

    provider = "bare"
    display_name = "Bare"
    requires_api_key = False
    supports_tool_use = True
    supports_streaming = True


class AsyncBareDriver(AsyncOpenAICompatibleDriver):
    sync_driver = BareDriver


class TestBareDriver(OpenAICompatibleContract):
    driver_class = BareDriver
    async_driver_class = AsyncBareDriver
