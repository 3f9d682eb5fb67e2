"""The driver contract on Gemini's ``generateContent`` wire: `GeminiContract`.

    from prompture.testing.gemini_contract import GeminiContract

    class TestGoogleDriver(GeminiContract):
        driver_class = GoogleDriver
        async_driver_class = AsyncGoogleDriver
        priced_model = "gemini-2.5-flash"

Drivers are given the server's bare host as endpoint (the Gemini SDK adds ``/v1beta``).
"""

from __future__ import annotations

from ._gemini_probe import GeminiWire
from .contract import DriverContract
from .gemini_server import GeminiServer

__all__ = ["GeminiContract", "GeminiWire"]


class GeminiContract(DriverContract):
    """The contract against `GeminiServer`; subclasses set `driver_class` (and async)."""

    server_class = GeminiServer
    wire = GeminiWire()
