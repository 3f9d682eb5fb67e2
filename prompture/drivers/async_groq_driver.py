"""Groq async driver: the twin of `GroqDriver` over the SDK's ``AsyncGroq`` client."""

from __future__ import annotations

from ._sdk_openai import AsyncOpenAISDKDriver
from .groq_driver import GroqDriver, GroqSDKProtocol

__all__ = ["AsyncGroqDriver"]


class AsyncGroqDriver(GroqSDKProtocol, AsyncOpenAISDKDriver):
    """Async twin of `GroqDriver`: same key, endpoint, flags, prices and SDK."""

    sync_driver = GroqDriver
