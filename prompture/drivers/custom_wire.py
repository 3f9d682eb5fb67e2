"""The base of a driver whose provider speaks a JSON-over-HTTP wire format of its own.

Everything but the wire format is here: `CustomWireDriver` (`_http`) and
`AsyncCustomWireDriver` (httpx) send what `_build_request` returns through `_transport`
(pooling, retries, error mapping, the key scrubbed from every message) and read the answer
with `_parse_response`; meta, cost and the result shape are the runtime's. A provider subclass
declares its profile and writes those two methods, the only places that know its wire format
(what ``prompture add-driver --compat custom`` generates). The async twin takes both methods
from its `sync_driver`, so they are written once.

Streaming is off by default (``supports_streaming = False``): `generate_messages_stream` then
yields the whole answer as one delta and the done chunk. A provider that streams overrides it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from ..exceptions import ConfigurationError

__all__ = ["WIRE_METHODS", "AsyncCustomWireDriver", "CustomWireDriver", "CustomWireProtocol"]

#: The methods a provider writes: the only places that know its wire format.
WIRE_METHODS = ("_build_request", "_parse_response")
#: What `_parse_response` raising means "the answer is not shaped as expected".
_SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)


class CustomWireProtocol(CostMixin):
    """Request and answer handling around the two wire methods (no I/O)."""

    supports_messages = True
    #: The provider's SDK module, imported on first use by `_sdk` (None: no SDK).
    sdk_module: ClassVar[str | None] = None
    #: The pip extra that installs it (named in the install hint).
    pip_extra: ClassVar[str | None] = None

    def _build_request(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> dict:
        """The HTTP request of one call: ``{"path": "/...", "json": {...}}``.

        ``path`` is appended to the endpoint, ``json`` is the POSTed body. `messages` are
        OpenAI-style chat messages (assistant ``tool_calls`` in OpenAI's shape, ``tool``
        results); `options` may hold ``model`` (else ``self.model``), ``temperature``,
        ``max_tokens``, ``json_mode``, ``json_schema``, ``tools`` (OpenAI function format) and
        ``tool_choice``. Read `options`, never change it.
        """
        raise NotImplementedError(f"{type(self).__name__}._build_request is not written yet")

    def _parse_response(self, data: Any) -> dict[str, Any]:
        """One decoded JSON answer as ``{"text", "reasoning", "prompt_tokens",
        "completion_tokens", "tool_calls": [{"id", "name", "arguments": dict}],
        "stop_reason"}`` (all but ``text`` optional); ``stop_reason`` is one of ``end_turn``,
        ``tool_use``, ``max_tokens``, ``content_filter``, ``error``. A KeyError, IndexError,
        TypeError or ValueError raised here is reported as a malformed answer."""
        raise NotImplementedError(f"{type(self).__name__}._parse_response is not written yet")

    def _sdk(self) -> Any:
        """The provider's SDK module, or a `ConfigurationError` saying how to install it."""
        name = self.display_name or self.provider
        if not self.sdk_module:
            raise ConfigurationError(f"The {name} driver declares no SDK (sdk_module)")
        try:
            return importlib.import_module(self.sdk_module)
        except ImportError:
            extra = self.pip_extra or self.provider
            raise ConfigurationError(
                f"The {name} driver needs its optional SDK: pip install prompture[{extra}]"
            ) from None

    def _request(self, messages, options: dict[str, Any], tools) -> dict[str, Any]:
        """`_build_request` with the tools among the options; its shape checked."""
        options = {**options, "tools": tools} if tools else dict(options)
        self._checked_model(options, tools)  # warnings only: the request names the model
        request = self._build_request(messages, options)
        path = request.get("path") if isinstance(request, dict) else None
        if not isinstance(path, str) or "json" not in request:
            raise TypeError(
                f"{type(self).__name__}._build_request must return "
                '{"path": "/...", "json": {...}}'
            )
        return request

    def _answer(self, body: bytes | str, model: str) -> dict[str, Any]:
        """The result (with ``tool_calls`` and ``stop_reason``) of an answer body."""
        try:
            raw = json.loads(body)
            answer = self._parse_response(raw)
            prompt = int(answer.get("prompt_tokens") or 0)
            completion = int(answer.get("completion_tokens") or 0)
            text = answer.get("text") or ""
        except _SHAPE_ERRORS as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        cost = self._calculate_cost(self.provider, model, prompt, completion)
        meta: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "cost": round(cost, 6),
            "raw_response": raw,
            "model_name": model,
        }
        reasoning = answer.get("reasoning") or ""
        if reasoning:
            meta["reasoning_content"] = reasoning
        return {
            "text": text or reasoning,
            "meta": meta,
            "tool_calls": list(answer.get("tool_calls") or []),
            "stop_reason": answer.get("stop_reason") or "end_turn",
        }

    @staticmethod
    def _one_chunk_stream(result: dict[str, Any]) -> list[dict[str, Any]]:
        """A whole answer as a stream: its text as one delta, then the done chunk."""
        delta = [{"type": "delta", "text": result["text"]}] if result["text"] else []
        return [*delta, {"type": "done", **result}]


class CustomWireDriver(CustomWireProtocol, Driver):
    """Synchronous driver over pooled `_http` connections; a provider writes the two
    `WIRE_METHODS` and sets its profile (``provider``, ``api_key_env``,
    ``default_endpoint``, ``default_model``, the ``supports_*`` flags)."""

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        request = self._request(messages, options, tools)
        url = self.endpoint + request["path"]
        kwargs = self._send_kwargs(options)
        response = _transport.post(self.provider, url, request["json"], **kwargs)
        return self._answer(response.content, self._model_for(options))

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        yield from self._one_chunk_stream(self.generate_messages(messages, options))


class AsyncCustomWireDriver(CustomWireProtocol, AsyncDriver):
    """Asynchronous twin over a pooled `httpx.AsyncClient`; it names its sync driver in
    `sync_driver` and takes the profile and the two wire methods from it."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        twin = cls.__dict__.get("sync_driver")
        for name in WIRE_METHODS if twin is not None else ():
            if name not in cls.__dict__:
                setattr(cls, name, getattr(twin, name))

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        request = self._request(messages, options, tools)
        url = self.endpoint + request["path"]
        kwargs = self._send_kwargs(options)
        response = await _transport.apost(self.provider, url, request["json"], **kwargs)
        return self._answer(response.content, self._model_for(options))

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        for chunk in self._one_chunk_stream(await self.generate_messages(messages, options)):
            yield chunk
