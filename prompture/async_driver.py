"""`AsyncDriver`: the asynchronous twin of `Driver`, same methods as coroutines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from ._driver_base import PROFILE_ATTRS, DriverBase, without_tool_fields
from ._messages import with_openai_tool_calls

__all__ = ["AsyncDriver"]


class AsyncDriver(DriverBase):
    """An asynchronous LLM provider driver; streams are async iterators.

    An async twin names its sync driver in `sync_driver` and takes over its provider key,
    key variables, endpoint, default model, capability flags and prices, so the two can never
    disagree; anything the twin sets itself wins.
    """

    sync_driver: ClassVar[type | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        twin = cls.__dict__.get("sync_driver")
        if twin is None:
            return
        for name in PROFILE_ATTRS:
            if name not in cls.__dict__ and hasattr(twin, name):
                setattr(cls, name, getattr(twin, name))

    async def generate(self, prompt: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.generate_messages([{"role": "user", "content": prompt}], options or {})

    async def generate_messages(
        self, messages: list[dict[str, Any]], options: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        messages = with_openai_tool_calls(messages)
        return without_tool_fields(await self._complete(messages, options or {}))

    async def generate_messages_with_tools(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]],
        options: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        messages = with_openai_tool_calls(messages)
        return await self._complete(messages, options or {}, tools=tools)

    async def _complete(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        tools: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Async twin of `Driver._complete`."""
        # A driver overriding `generate_messages` alone (AirLLM) lands here only for tools.
        what = "messages" if tools is None else "tools"
        raise NotImplementedError(f"{type(self).__name__} does not support {what}")

    def generate_messages_stream(
        self, messages: list[dict[str, Any]], options: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        raise NotImplementedError(f"{type(self).__name__} does not support streaming")
