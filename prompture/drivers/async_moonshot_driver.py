"""Moonshot async driver: the twin of `MoonshotDriver` over httpx."""

from __future__ import annotations

from .moonshot_driver import MoonshotDriver
from .openai_compatible import AsyncOpenAICompatibleDriver


class AsyncMoonshotDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `MoonshotDriver`: same key, endpoint, flags and prices."""

    sync_driver = MoonshotDriver
