"""Google async driver: the twin of `GoogleDriver` over the google-genai SDK's ``client.aio``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from .. import _transport
from ..async_driver import AsyncDriver
from . import _gemini_wire as wire
from . import _google_sdk as sdk
from .google_driver import GoogleDriver, GoogleProtocol

__all__ = ["AsyncGoogleDriver"]


class AsyncGoogleDriver(GoogleProtocol, AsyncDriver):
    """Async twin of `GoogleDriver`: same key, endpoint, flags, prices and wire functions.

    One SDK client per event loop (pooled connections belong to the loop that opened them),
    built on first use and shared by drivers with the same key, endpoint and timeout.
    """

    sync_driver = GoogleDriver

    def _models(self) -> Any:
        """The SDK's async ``models`` API of the shared client for this loop, key and endpoint."""
        import asyncio

        loop = asyncio.get_running_loop()
        key, endpoint = self._require_key(), self._checked_endpoint()
        client = sdk.shared_client(key, endpoint, self.timeout, loop=loop)
        self._sdk_client = client  # the client must outlive its `aio` view: it owns the pool
        return client.aio.models

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        models = self._models()
        request = self._request(messages, options or {}, tools)

        async def attempt() -> dict[str, Any]:
            with sdk.mapped_errors(self.provider, self._secrets()):
                return sdk.response_dict(await models.generate_content(**request))

        raw = await _transport.acall_with_retries(attempt, self.max_retries, self.retry_backoff)
        answer = wire.parse_response(raw)
        return self._result(request["model"], answer, with_tools=tools is not None)

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        models = self._models()
        request = self._request(messages, options or {})

        async def start() -> tuple[AsyncIterator[Any], Any]:
            # The request goes out with the first event: retry until it has arrived.
            with sdk.mapped_errors(self.provider, self._secrets()):
                chunks = await models.generate_content_stream(**request)
                return chunks, self._first_chunk(await anext(chunks, None))

        chunks, first = await _transport.acall_with_retries(
            start, self.max_retries, self.retry_backoff
        )
        answer = wire.Answer()
        try:
            with sdk.mapped_errors(self.provider, self._secrets()):
                chunk = first
                while chunk is not None:
                    delta = self._delta(answer, chunk)
                    if delta:
                        yield delta
                    chunk = await anext(chunks, None)
        finally:
            await chunks.aclose()  # a caller that stops early must not leave the response open
        yield {"type": "done", **self._result(request["model"], answer, with_tools=False)}
