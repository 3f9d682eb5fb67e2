"""The driver contract on Cohere's v2 Chat API: `CohereContract`.

    from prompture.testing.cohere_contract import CohereContract

    class TestCohereDriver(CohereContract):
        driver_class = CohereDriver
        async_driver_class = AsyncCohereDriver
        priced_model = "command-a-03-2025"

Drivers are given the server's host as endpoint (they add ``/v2/chat``).
"""

from __future__ import annotations

from .cohere_server import CohereServer, CohereWire
from .contract import DriverContract

__all__ = ["CohereContract"]


class CohereContract(DriverContract):
    """The contract against `CohereServer`; subclasses set `driver_class` (and async)."""

    server_class = CohereServer
    wire = CohereWire()
