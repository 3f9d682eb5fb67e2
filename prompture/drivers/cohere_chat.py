"""The Cohere v2 chat driver: one protocol, a sync (`_http`) and an async (httpx) transport.

`CohereChatProtocol` builds ``POST {endpoint}/v2/chat`` bodies and reads answers with
`_cohere_wire` (no I/O); `CohereChatDriver` and `AsyncCohereChatDriver` only send them, through
the transports `_sse_wire` shares with every wire streamed as server-sent events.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .. import _transport
from ..cost_mixin import CostMixin
from . import _cohere_wire as wire
from ._sse_wire import AsyncSSEWireDriver, SSEWireDriver
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

    def _url(self) -> str:
        return self.endpoint + self.chat_path

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


class CohereChatDriver(CohereChatProtocol, SSEWireDriver):
    """Synchronous Cohere v2 chat driver. A provider subclass sets:

    - ``provider``, ``display_name``, ``api_key_env`` (e.g. ``("COHERE_API_KEY",)``).
    - ``default_endpoint`` (``"https://api.cohere.com"``), ``default_model``.
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.
    """


class AsyncCohereChatDriver(CohereChatProtocol, AsyncSSEWireDriver):
    """Asynchronous twin over httpx; a provider subclass sets ``sync_driver``."""
