"""The driver contract on Vertex AI: `VertexAnthropicContract` (Claude via ``rawPredict``)
and `VertexGeminiContract` (Gemini via ``generateContent``).

    from prompture.testing.vertex_contract import VertexAnthropicContract

    class TestVertexClaudeDriver(VertexAnthropicContract):
        driver_class = VertexClaudeDriver
        async_driver_class = AsyncVertexClaudeDriver

Drivers are given the server's host as endpoint, the key as an OAuth access token, and the
server's project and a location (``project=``/``location=``).
"""

from __future__ import annotations

from typing import Any

from ._server import LocalServer
from .contract import DriverContract
from .vertex_server import (
    VertexAnthropicServer,
    VertexAnthropicWire,
    VertexGeminiServer,
    VertexGeminiWire,
)

__all__ = ["VertexAnthropicContract", "VertexGeminiContract"]


class _VertexContract(DriverContract):
    location = "us-east5"

    def driver_kwargs(self, server: LocalServer) -> dict[str, Any]:
        project = getattr(server, "project", "test-project")
        return {**super().driver_kwargs(server), "project": project, "location": self.location}


class VertexAnthropicContract(_VertexContract):
    """The contract against `VertexAnthropicServer`; subclasses set `driver_class` (and async)."""

    server_class = VertexAnthropicServer
    wire = VertexAnthropicWire()


class VertexGeminiContract(_VertexContract):
    """The contract against `VertexGeminiServer`; subclasses set `driver_class` (and async)."""

    server_class = VertexGeminiServer
    wire = VertexGeminiWire()
