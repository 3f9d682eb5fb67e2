"""The driver contract on OpenAI's Responses API: `ResponsesContract` (OpenAI's dialect) and
`PerplexityAgentContract` (Perplexity's Agent API).

    from prompture.testing.responses_contract import PerplexityAgentContract

    class TestPerplexityDriver(PerplexityAgentContract):
        driver_class = PerplexityDriver
        async_driver_class = AsyncPerplexityDriver
        priced_model = "openai/gpt-5.4"

Drivers are given the server's base URL (``.../v1``: they add ``/responses``).
"""

from __future__ import annotations

from .contract import DriverContract
from .responses_server import PerplexityAgentServer, ResponsesServer, ResponsesWire

__all__ = ["PerplexityAgentContract", "ResponsesContract"]


class ResponsesContract(DriverContract):
    """The contract against `ResponsesServer`; subclasses set `driver_class` (and async)."""

    server_class = ResponsesServer
    wire = ResponsesWire("openai")


class PerplexityAgentContract(DriverContract):
    """The contract against `PerplexityAgentServer` (no sampling options, no JSON mode)."""

    server_class = PerplexityAgentServer
    wire = ResponsesWire("perplexity")
