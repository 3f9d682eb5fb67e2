"""Grok async driver: the twin of `GrokDriver` over httpx."""

from __future__ import annotations

from .grok_driver import GrokDriver
from .openai_compatible import AsyncOpenAICompatibleDriver


class AsyncGrokDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `GrokDriver`: same key, endpoint, flags and prices."""

    sync_driver = GrokDriver
