"""Ollama async driver: the twin of `OllamaDriver` over a pooled `httpx.AsyncClient`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .. import _transport
from ..async_driver import AsyncDriver
from . import _ollama_wire as wire
from .ollama_driver import OllamaDriver, OllamaProtocol

__all__ = ["AsyncOllamaDriver"]


class AsyncOllamaDriver(OllamaProtocol, AsyncDriver):
    """Async twin of `OllamaDriver`: same key, endpoint, flags, prices and wire functions."""

    sync_driver = OllamaDriver

    async def _send(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ):
        url = self.endpoint + self.chat_path
        kwargs = self._send_kwargs(options)
        return await _transport.apost(self.provider, url, payload, stream=stream, **kwargs)

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._payload(messages, options, tools=tools)
        response = await self._send(payload, options)
        return self._parse(response.text, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        import httpx

        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        response = await self._send(payload, options, stream=True)
        try:
            async for line in response.aiter_lines():
                delta = self._feed(state, line)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        except httpx.HTTPError as exc:
            raise _transport.transport_error(self.provider, exc, (self.api_key,)) from None
        finally:
            await response.aclose()
        yield self._stream_done(state, payload["model"])
