"""AirLLM async driver: the twin of `AirLLMDriver`, generating in a worker thread."""

from __future__ import annotations

from typing import Any

from ..async_driver import AsyncDriver
from .airllm_driver import AirLLMDriver, AirLLMProtocol

__all__ = ["AsyncAirLLMDriver"]


class AsyncAirLLMDriver(AirLLMProtocol, AsyncDriver):
    """Async twin of `AirLLMDriver`: the same generation path, run via `asyncio.to_thread`
    so that the event loop keeps running while the model works."""

    sync_driver = AirLLMDriver

    async def generate_messages(self, messages, options=None) -> dict[str, Any]:
        import asyncio

        return await asyncio.to_thread(self._generate, messages, options or {})
