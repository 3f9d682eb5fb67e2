"""The driver contract on Ollama's native wire: `OllamaContract` (needs pytest).

    from prompture.testing.ollama_contract import OllamaContract

    class TestOllamaDriver(OllamaContract):
        driver_class = OllamaDriver
        async_driver_class = AsyncOllamaDriver

The server takes no key (as a local Ollama), so the drivers are built with ``api_key=None``
and the missing-key check asserts that they work without one.
"""

from __future__ import annotations

from typing import ClassVar

from ._ollama_probe import OllamaWire
from .contract import DriverContract
from .ollama_server import OllamaServer

__all__ = ["OllamaContract", "OllamaWire"]


class OllamaContract(DriverContract):
    """The contract against `OllamaServer`; subclasses set `driver_class` (and async)."""

    server_class = OllamaServer
    wire = OllamaWire()
    #: A local Ollama takes no key.
    api_key: ClassVar[str | None] = None
