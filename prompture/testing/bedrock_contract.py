"""The driver contract on Amazon Bedrock's Converse API: `BedrockContract`.

    from prompture.testing.bedrock_contract import BedrockContract

    class TestBedrockDriver(BedrockContract):
        driver_class = BedrockDriver
        async_driver_class = AsyncBedrockDriver
        priced_model = "amazon.nova-lite-v1:0"

Drivers are given the server's URL as endpoint and the key as a Bedrock API key (Bearer);
SigV4 signing is checked apart (the server verifies signatures with its own AWS keys).
"""

from __future__ import annotations

from .bedrock_server import BedrockServer, BedrockWire
from .contract import DriverContract

__all__ = ["BedrockContract"]


class BedrockContract(DriverContract):
    """The contract against `BedrockServer`; subclasses set `driver_class` (and async)."""

    server_class = BedrockServer
    wire = BedrockWire()
