"""The OpenAI Responses API driver: one protocol, a sync (`_http`) and an async (httpx) transport.

`OpenAIResponsesProtocol` builds ``POST {endpoint}/responses`` bodies and reads answers with
`_responses_wire` (no I/O); `OpenAIResponsesDriver` and `AsyncOpenAIResponsesDriver` only send
them, through the transports `_sse_wire` shares with every wire streamed as server-sent events.
Perplexity's Agent API speaks this wire (``dialect = "perplexity"``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from .. import _transport
from .._endpoints import fill_template
from ..cost_mixin import CostMixin
from . import _responses_wire as wire
from ._sse_wire import AsyncSSEWireDriver, SSEWireDriver
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

    def _url(self) -> str:
        return self.endpoint + self.responses_path

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


class OpenAIResponsesDriver(OpenAIResponsesProtocol, SSEWireDriver):
    """Synchronous Responses API driver. A provider subclass sets:

    - ``provider``, ``display_name``, ``api_key_env`` (e.g. ``("PERPLEXITY_API_KEY",)``).
    - ``default_endpoint`` (``"https://api.perplexity.ai/v1"``), ``default_model``.
    - ``dialect`` when the server is not OpenAI's own (``"perplexity"``).
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.
    """


class AsyncOpenAIResponsesDriver(OpenAIResponsesProtocol, AsyncSSEWireDriver):
    """Asynchronous twin over httpx; a provider subclass sets ``sync_driver`` (whose
    ``dialect`` it takes over too, like the profile `AsyncDriver` takes)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        twin = cls.__dict__.get("sync_driver")
        if twin is not None and "dialect" not in cls.__dict__:
            cls.dialect = getattr(twin, "dialect", cls.dialect)
