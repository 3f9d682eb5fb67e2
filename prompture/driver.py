"""`Driver`: the synchronous driver interface every provider implements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._driver_base import DriverBase, without_tool_fields
from ._messages import with_openai_tool_calls

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
        messages = with_openai_tool_calls(messages)
        return without_tool_fields(self._complete(messages, options or {}))

    def generate_messages_with_tools(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        messages = with_openai_tool_calls(messages)
        return self._complete(messages, options or {}, tools=tools)

    def _complete(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        tools: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """One non-streamed call: the result with `tool_calls` and `stop_reason`.

        The one method a driver implements for both `generate_messages` and
        `generate_messages_with_tools`.
        """
        # A driver overriding `generate_messages` alone (AirLLM) lands here only for tools.
        what = "messages" if tools is None else "tools"
        raise NotImplementedError(f"{type(self).__name__} does not support {what}")

    def generate_messages_stream(
        self, messages: list[dict[str, Any]], options: dict[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        raise NotImplementedError(f"{type(self).__name__} does not support streaming")
