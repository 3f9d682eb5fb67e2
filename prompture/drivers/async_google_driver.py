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
        deadline = _transport.Deadline(self._timeout(options or {}))

        async def attempt() -> dict[str, Any]:
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                response = await _transport.within(models.generate_content(**request), deadline)
                return sdk.response_dict(response)

        raw = await _transport.acall_with_retries(
            attempt, self.max_retries, self.retry_backoff, deadline
        )
        answer = self._answer(raw)
        return self._result(request["model"], answer, with_tools=tools is not None)

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        models = self._models()
        request = self._request(messages, options or {})
        deadline = _transport.Deadline(self._timeout(options or {}))

        async def first_of(chunks: AsyncIterator[Any]) -> Any:
            return self._first_chunk(await anext(chunks, None))

        async def start() -> tuple[AsyncIterator[Any], Any]:
            # The request goes out with the first event: retry until it has arrived.
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                opened = models.generate_content_stream(**request)
                chunks = await _transport.within(opened, deadline)
                return chunks, await _transport.within(first_of(chunks), deadline)

        chunks, first = await _transport.acall_with_retries(
            start, self.max_retries, self.retry_backoff, deadline
        )
        answer = wire.Answer()
        try:
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                chunk = first
                while chunk is not None:
                    delta = self._delta(answer, chunk)
                    if delta:
                        yield delta
                    chunk = await _transport.within(anext(chunks, None), deadline)
        finally:
            await chunks.aclose()  # a caller that stops early must not leave the response open
        self._check_finished(answer)
        yield {"type": "done", **self._result(request["model"], answer, with_tools=False)}
