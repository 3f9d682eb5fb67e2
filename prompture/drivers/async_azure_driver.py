"""Azure async driver: the twin of `AzureDriver`."""

from __future__ import annotations

from .azure_driver import AzureDriver
from .azure_openai import AsyncAzureOpenAIDriver


class AsyncAzureDriver(AsyncAzureOpenAIDriver):
    """Async twin of `AzureDriver`: same key, endpoint, flags and prices."""

    sync_driver = AzureDriver
    api_version = AzureDriver.api_version
