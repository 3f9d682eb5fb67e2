"""CachiBot async driver: the twin of `CachiBotDriver` over httpx."""

from __future__ import annotations

from .cachibot_driver import CachiBotDriver
from .openai_compatible import AsyncOpenAICompatibleDriver


class AsyncCachiBotDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `CachiBotDriver`: same key, endpoint, flags and prices."""

    sync_driver = CachiBotDriver
