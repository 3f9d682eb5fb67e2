"""The transport half of a JSON wire whose streams are server-sent events, written once.

Cohere's v2 chat and OpenAI's Responses API differ only in their words: a profile class
(`CohereChatProtocol`, `OpenAIResponsesProtocol`) builds the body (`_payload`), names the URL
(`_url`), reads an answer (`_parse`) and ends a stream (`_stream_done`); its wire module
(`wire`) has a ``StreamState`` folding one event's data at a time and a ``StreamError`` for
the errors a stream reports. `SSEWireDriver` and `AsyncSSEWireDriver` send
them through `_transport` (pooling, error mapping, retries, the shared SSE reader), so the sync
and async drivers of every such wire run the same steps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from .. import _transport
from ..async_driver import AsyncDriver
from ..driver import Driver

__all__ = ["AsyncSSEWireDriver", "SSEWireDriver"]


class _Events:
    """What both transports do with one event of a stream."""

    def _feed(self, state: Any, data: str) -> str | None:
        """Fold one SSE event's data into `state`; its text delta. A broken stream is an error."""
        try:
            return None if not data or data == "[DONE]" else state.feed(data)
        except self.wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None


class SSEWireDriver(_Events, Driver):
    """Synchronous transport (`_http`) under a wire's profile class."""

    def _post(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        kwargs = self._send_kwargs(options)
        return _transport.post(self.provider, self._url(), payload, stream=stream, **kwargs)

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        payload = self._payload(messages, options or {}, tools=tools)
        response = self._post(payload, options or {})
        try:
            body = response.text
        except Exception as exc:  # body read failures are transport failures too
            raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        return self._parse(body, payload["model"])

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = self.wire.StreamState()
        with self._post(payload, options, stream=True) as stream:
            for event in stream.iter_events():
                delta = self._feed(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])


class AsyncSSEWireDriver(_Events, AsyncDriver):
    """Asynchronous transport (httpx) under a wire's profile class."""

    async def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ):
        kwargs = self._send_kwargs(options)
        return await _transport.apost(self.provider, self._url(), payload, stream=stream, **kwargs)

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        payload = self._payload(messages, options or {}, tools=tools)
        response = await self._post(payload, options or {})
        return self._parse(response.text, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = self.wire.StreamState()
        async with await self._post(payload, options, stream=True) as stream:
            async for event in stream.aiter_events():
                delta = self._feed(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])
