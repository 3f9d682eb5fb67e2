"""ModelScope async driver: the twin of `ModelScopeDriver` over httpx."""

from __future__ import annotations

from .modelscope_driver import ModelScopeDriver
from .openai_compatible import AsyncOpenAICompatibleDriver


class AsyncModelScopeDriver(AsyncOpenAICompatibleDriver):
    """Async twin of `ModelScopeDriver`: same key, endpoint, flags and prices."""

    sync_driver = ModelScopeDriver
