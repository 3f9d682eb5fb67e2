"""`Driver`: the synchronous driver interface every provider implements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._driver_base import DriverBase

__all__ = ["Driver"]


class Driver(DriverBase):
    """A synchronous LLM provider driver.

    Every method returns ``{"text": str, "meta": {...}}`` (see the runtime contract); the tool
    method adds ``tool_calls`` and ``stop_reason``; the stream yields ``delta`` chunks and one
    ``done`` chunk. The caller's ``options`` dict is never mutated.
    """

    def generate(self, prompt: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.generate_messages([{"role": "user", "content": prompt}], options or {})

    def generate_messages(
        self, messages: list[dict[str, Any]], options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not support messages")

    def generate_messages_with_tools(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not support tool use")

    def generate_messages_stream(
        self, messages: list[dict[str, Any]], options: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError(f"{type(self).__name__} does not support streaming")
