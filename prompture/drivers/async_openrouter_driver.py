"""OpenRouter async driver: the twin of `OpenRouterDriver` over httpx."""

from __future__ import annotations

from .openai_compatible import AsyncOpenAICompatibleDriver
from .openrouter_driver import OpenRouterDriver


class AsyncOpenRouterDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `OpenRouterDriver`: same key, endpoint, flags and prices."""

    sync_driver = OpenRouterDriver
