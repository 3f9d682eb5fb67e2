"""The driver contract on Azure OpenAI's routes: `AzureOpenAIContract`.

    from prompture.testing.azure_contract import AzureOpenAIContract

    class TestAzureDriver(AzureOpenAIContract):
        driver_class = AzureDriver
        async_driver_class = AsyncAzureDriver
        priced_model = "gpt-4o"

Drivers are given the server's resource URL as endpoint. The OpenAI pass-through checks run
too: Azure takes the OpenAI request body unchanged.
"""

from __future__ import annotations

from .azure_server import AzureOpenAIServer, AzureOpenAIWire
from .contract import OpenAICompatibleContract

__all__ = ["AzureOpenAIContract"]


class AzureOpenAIContract(OpenAICompatibleContract):
    """The contract against `AzureOpenAIServer`; subclasses set `driver_class` (and async)."""

    server_class = AzureOpenAIServer
    wire = AzureOpenAIWire()
