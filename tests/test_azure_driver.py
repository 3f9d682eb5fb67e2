"""Contract tests of the Azure driver on a local Azure OpenAI server.

`AzureOpenAIContract` runs both drivers through text, messages, JSON mode and schema, tools,
streaming, vision, usage and cost, and the error paths, on 127.0.0.1.
"""

from __future__ import annotations

from prompture.drivers.async_azure_driver import AsyncAzureDriver
from prompture.drivers.azure_driver import AzureDriver
from prompture.testing import AzureOpenAIContract


class TestAzureDriver(AzureOpenAIContract):
    driver_class = AzureDriver
    async_driver_class = AsyncAzureDriver
    priced_model = "gpt-5.5"
