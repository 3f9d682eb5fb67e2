"""LM Studio async driver: the twin of `LMStudioDriver` over httpx."""

from __future__ import annotations

from .lmstudio_driver import LMStudioDriver
from .openai_compatible import AsyncOpenAICompatibleDriver


class AsyncLMStudioDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `LMStudioDriver`: same key, endpoint, flags and prices."""

    sync_driver = LMStudioDriver
