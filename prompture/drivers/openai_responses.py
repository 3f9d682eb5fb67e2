"""The OpenAI Responses API driver: one protocol, a sync (`_http`) and an async (httpx) transport.

`OpenAIResponsesProtocol` builds ``POST {endpoint}/responses`` bodies and reads answers with
`_responses_wire` (no I/O); `OpenAIResponsesDriver` and `AsyncOpenAIResponsesDriver` only send
them through `_transport`, so both share pooling, error mapping and retries with every other
driver. Perplexity's Agent API speaks this wire (``dialect = "perplexity"``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
from .._endpoints import fill_template
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from . import _responses_wire as wire
from ._wire_results import WireResults

__all__ = ["AsyncOpenAIResponsesDriver", "OpenAIResponsesDriver", "OpenAIResponsesProtocol"]


class OpenAIResponsesProtocol(WireResults, CostMixin):
    """Request building and answer reading for the Responses API."""

    wire = wire

    #: Path of the responses endpoint, appended to the endpoint (the base URL, ``.../v1``).
    responses_path: ClassVar[str] = "/responses"
    #: Path listing the models (``{"data": [{"id"}]}``).
    models_path: ClassVar[str] = "/models"
    #: Which server's variant of the API: a key of `_responses_wire.DIALECTS`.
    dialect: ClassVar[str] = "openai"
    supports_messages = True

    def _payload(self, messages, options, *, tools=None, stream=False) -> dict[str, Any]:
        from ..model_rates import get_model_capabilities

        model = self._checked_model(options, tools)
        config = self._get_model_config(self.provider, model)
        return wire.build_payload(
            messages,
            model=model,
            options=options,
            dialect=wire.DIALECTS[self.dialect],
            tools=tools,
            caps=get_model_capabilities(self.provider, model),
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
        if not state.finished:  # no ``response.completed``: the stream was cut
            raise _transport.truncated_error(self.provider)
        answer = state.answer
        raw = {"status": answer.status, "usage": answer.usage}
        return {"type": "done", **self._result(model, answer, raw)}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from ``GET {endpoint}/models``, or None when it does not answer."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        key = config.get("api_key") or cls._key_from_env()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            endpoint = fill_template(endpoint, cls.endpoint_variables, cls.provider)
            response = _transport.shared_session().get(
                endpoint.rstrip("/") + cls.models_path,
                headers=headers,
                timeout=config.get("timeout", 5.0),
            )
            response.raise_for_status()
            return sorted(item["id"] for item in response.json()["data"])
        except Exception:  # an unreachable or odd endpoint means "no live list"
            return None


class OpenAIResponsesDriver(OpenAIResponsesProtocol, Driver):
    """Synchronous Responses API driver. A provider subclass sets:

    - ``provider``, ``display_name``, ``api_key_env`` (e.g. ``("PERPLEXITY_API_KEY",)``).
    - ``default_endpoint`` (``"https://api.perplexity.ai/v1"``), ``default_model``.
    - ``dialect`` when the server is not OpenAI's own (``"perplexity"``).
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.
    """

    def _post(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        url = self.endpoint + self.responses_path
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


class AsyncOpenAIResponsesDriver(OpenAIResponsesProtocol, AsyncDriver):
    """Asynchronous twin over httpx; a provider subclass sets ``sync_driver`` (whose
    ``dialect`` it takes over too, like the profile `AsyncDriver` takes)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        twin = cls.__dict__.get("sync_driver")
        if twin is not None and "dialect" not in cls.__dict__:
            cls.dialect = getattr(twin, "dialect", cls.dialect)

    async def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ):
        url = self.endpoint + self.responses_path
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
