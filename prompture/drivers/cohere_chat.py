"""The Cohere v2 chat driver: one protocol, a sync (`_http`) and an async (httpx) transport.

`CohereChatProtocol` builds ``POST {endpoint}/v2/chat`` bodies and reads answers with
`_cohere_wire` (no I/O); `CohereChatDriver` and `AsyncCohereChatDriver` only send them through
`_transport`, so both share pooling, error mapping and retries with every other driver.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from . import _cohere_wire as wire
from ._wire_results import WireResults

__all__ = ["AsyncCohereChatDriver", "CohereChatDriver", "CohereChatProtocol"]


class CohereChatProtocol(WireResults, CostMixin):
    """Request building and answer reading for Cohere's v2 Chat API."""

    wire = wire

    #: Path of the chat endpoint, appended to the endpoint (the API host).
    chat_path: ClassVar[str] = "/v2/chat"
    #: Path listing the models (``?endpoint=chat`` keeps the chat models).
    models_path: ClassVar[str] = "/v1/models"
    supports_messages = True

    def _payload(self, messages, options, *, tools=None, stream=False) -> dict[str, Any]:
        model = self._checked_model(options, tools)
        config = self._get_model_config(self.provider, model)
        return wire.build_payload(
            messages,
            model=model,
            options=options,
            tools=tools,
            native_json=self.supports_json_mode,
            native_schema=self.supports_json_schema,
            send_temperature=config["supports_temperature"],
            stream=stream,
        )

    def _feed(self, state: wire.StreamState, data: str) -> str | None:
        """Fold one SSE event's data into `state`; its text delta. A broken stream is an error."""
        try:
            return None if not data or data == "[DONE]" else state.feed(data)
        except wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except (ValueError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None

    def _stream_done(self, state: wire.StreamState, model: str) -> dict[str, Any]:
        if not state.events:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        if not state.finished:  # no ``message-end``: the stream was cut
            raise _transport.truncated_error(self.provider)
        answer = state.answer
        raw = {"finish_reason": answer.finish_reason, "usage": answer.usage}
        return {"type": "done", **self._result(model, answer, raw)}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Chat model names from ``GET {endpoint}/v1/models?endpoint=chat``, or None."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        key = config.get("api_key") or cls._key_from_env()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            response = _transport.shared_session().get(
                endpoint.rstrip("/") + cls.models_path,
                params={"endpoint": "chat", "page_size": 1000},
                headers=headers,
                timeout=config.get("timeout", 5.0),
            )
            response.raise_for_status()
            return sorted(model["name"] for model in response.json()["models"])
        except Exception:  # an unreachable or odd endpoint means "no live list"
            return None


class CohereChatDriver(CohereChatProtocol, Driver):
    """Synchronous Cohere v2 chat driver. A provider subclass sets:

    - ``provider``, ``display_name``, ``api_key_env`` (e.g. ``("COHERE_API_KEY",)``).
    - ``default_endpoint`` (``"https://api.cohere.com"``), ``default_model``.
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.
    """

    def _post(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        url = self.endpoint + self.chat_path
        return _transport.post(
            self.provider, url, payload, stream=stream, **self._send_kwargs(options)
        )

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
        state = wire.StreamState()
        with self._post(payload, options, stream=True) as stream:
            for event in stream.iter_events():
                delta = self._feed(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])


class AsyncCohereChatDriver(CohereChatProtocol, AsyncDriver):
    """Asynchronous twin over httpx; a provider subclass sets ``sync_driver``."""

    async def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ):
        url = self.endpoint + self.chat_path
        return await _transport.apost(
            self.provider, url, payload, stream=stream, **self._send_kwargs(options)
        )

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        payload = self._payload(messages, options or {}, tools=tools)
        response = await self._post(payload, options or {})
        return self._parse(response.text, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = wire.StreamState()
        async with await self._post(payload, options, stream=True) as stream:
            async for event in stream.aiter_events():
                delta = self._feed(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])
