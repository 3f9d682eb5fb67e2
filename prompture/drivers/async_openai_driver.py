"""OpenAI async driver: the twin of `OpenAIDriver` over the SDK's ``AsyncOpenAI`` client."""

from __future__ import annotations

from ._sdk_openai import AsyncOpenAISDKDriver
from .openai_driver import OpenAIDriver

__all__ = ["AsyncOpenAIDriver"]


class AsyncOpenAIDriver(AsyncOpenAISDKDriver):
    """Async twin of `OpenAIDriver`: same key, endpoint, flags, prices and SDK."""

    sync_driver = OpenAIDriver
