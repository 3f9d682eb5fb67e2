"""Z.ai async driver: the twin of `ZaiDriver` over httpx."""

from __future__ import annotations

from .openai_compatible import AsyncOpenAICompatibleDriver
from .zai_driver import ZaiDriver


class AsyncZaiDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `ZaiDriver`: same key, endpoint, flags and prices."""

    sync_driver = ZaiDriver
