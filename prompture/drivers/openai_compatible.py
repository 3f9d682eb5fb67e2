"""The shared OpenAI-compatible driver: one protocol, a sync and an async transport.

`OpenAICompatibleProtocol` turns calls into request payloads and answers into Prompture results
(no I/O). `OpenAICompatibleDriver` sends them on pooled `_http` connections,
`AsyncOpenAICompatibleDriver` with a pooled `httpx.AsyncClient`. A provider speaking this wire
format is a small subclass declaring its key, endpoint, default model and flags.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
from .._endpoints import fill_template
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from . import _openai_wire as wire

__all__ = ["AsyncOpenAICompatibleDriver", "OpenAICompatibleDriver", "OpenAICompatibleProtocol"]


class OpenAICompatibleProtocol(CostMixin):
    """Request building and answer parsing for `POST {endpoint}/chat/completions`."""

    #: Path appended to the endpoint for chat completions.
    chat_path: ClassVar[str] = "/chat/completions"

    def _build_payload(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        *,
        tools: list[dict[str, Any]] | None = None,
        stream: bool = False,
    ) -> dict[str, Any]:
        """The JSON body for one call; `options` is read, never changed."""
        model = self._checked_model(options, tools)
        config = self._get_model_config(self.provider, model)
        schema = options.get("json_schema")
        messages = wire.copied(messages)
        payload: dict[str, Any] = {"model": model}
        if options.get("max_tokens") is not None:
            payload[config["tokens_param"]] = options["max_tokens"]
        payload.update(
            wire.sampling_and_passthrough(
                options, supports_temperature=config["supports_temperature"]
            )
        )
        if options.get("json_mode") or schema is not None:
            messages = self._apply_json_request(payload, messages, model, schema)
        if tools:
            payload["tools"] = wire.copied(tools)
            if options.get("tool_choice") is not None:
                payload["tool_choice"] = options["tool_choice"]
        if stream:
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        payload["messages"] = messages
        payload.update(wire.extra_body(options))
        return payload

    def _apply_json_request(
        self,
        payload: dict[str, Any],
        messages: list[dict[str, Any]],
        model: str,
        schema: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        """Ask for JSON natively where the model allows it; the schema goes into the prompt
        only when it cannot go out natively."""
        from ..model_rates import get_model_capabilities

        kind = wire.json_request(
            get_model_capabilities(self.provider, model),
            schema,
            json_mode=self.supports_json_mode,
            json_schema=self.supports_json_schema,
        )
        if kind is not None:
            native_schema = kind == "json_schema"
            payload["response_format"] = wire.response_format(schema, native_schema=native_schema)
            if schema is None or native_schema:
                return messages
        return wire.with_prompt_instruction(messages, wire.schema_instruction(schema))

    def _meta(
        self, model: str, counts: tuple[int, int, int], raw: dict[str, Any], cached: int = 0
    ) -> dict:
        prompt, completion, total = counts
        cost = self._calculate_cost(
            self.provider, model, prompt, completion, cache_read_tokens=cached
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(cost, 6),
            "raw_response": raw,
            "model_name": model,
        }

    def _result(
        self, model: str, text: str, reasoning: str, meta: dict[str, Any]
    ) -> dict[str, Any]:
        if reasoning:
            meta["reasoning_content"] = reasoning
        return {"text": text or reasoning, "meta": meta}

    def _parse_completion(self, body: bytes | str, model: str) -> dict[str, Any]:
        """A Prompture result (with `tool_calls` and `stop_reason`) from a completion body."""
        try:
            raw = json.loads(body)
        except ValueError as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        return self._parse_completion_data(raw, model)

    def _parse_completion_data(self, raw: Any, model: str) -> dict[str, Any]:
        """`_parse_completion` for an already decoded body (e.g. an SDK object's dict)."""
        try:
            parsed = wire.parse_completion(raw)
        except wire.Malformed as exc:
            raise _transport.malformed_error(self.provider, str(exc)) from None
        meta = self._meta(model, parsed["usage"], raw, parsed["cached_tokens"])
        result = self._result(model, parsed["text"], parsed["reasoning"], meta)
        result["tool_calls"] = parsed["tool_calls"]
        result["stop_reason"] = parsed["stop_reason"]
        return result

    def _feed_event(self, state: wire.StreamAccumulator, data: str) -> str | None:
        """Fold one SSE data payload into `state`; its text delta. A broken stream is an error."""
        try:
            return state.feed(data)
        except wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except wire.Malformed as exc:
            raise _transport.malformed_error(self.provider, str(exc)) from None
        except ValueError as exc:  # a payload that is not JSON
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None

    def _feed_chunk(self, state: wire.StreamAccumulator, chunk: dict[str, Any]) -> str | None:
        """`_feed_event` for an already decoded chunk (an SDK chunk's dict)."""
        try:
            return state.feed_chunk(chunk)
        except wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except wire.Malformed as exc:
            raise _transport.malformed_error(self.provider, str(exc)) from None

    def _stream_done(self, state: wire.StreamAccumulator, model: str) -> dict[str, Any]:
        """The final chunk. A stream that carried no chunk, or ended before its terminator
        (``[DONE]`` or a finish reason), was no answer."""
        if not state.chunks:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        if not state.complete:
            raise _transport.truncated_error(self.provider)
        text = "".join(state.text_parts)
        raw = {"usage": state.usage, "finish_reason": state.finish_reason}
        try:
            counts = wire.usage_counts(state.usage)
        except wire.Malformed as exc:
            raise _transport.malformed_error(self.provider, str(exc)) from None
        meta = self._meta(model, counts, raw, wire.cached_tokens(state.usage))
        result = self._result(model, text, "".join(state.reasoning_parts), meta)
        return {"type": "done", **result}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from `GET {endpoint}/models`, or None when the endpoint does not answer."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        key = config.get("api_key") or cls._key_from_env()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            endpoint = fill_template(endpoint, cls.endpoint_variables, cls.provider)
            response = _transport.shared_session().get(
                endpoint.rstrip("/") + "/models",
                headers=headers,
                timeout=config.get("timeout", 5.0),
            )
            response.raise_for_status()
            return sorted(item["id"] for item in response.json()["data"])
        except Exception:  # an unreachable or odd endpoint means "no live list"
            return None


class OpenAICompatibleDriver(OpenAICompatibleProtocol, Driver):
    """Synchronous OpenAI-compatible driver over pooled `_http` connections."""

    supports_messages = True

    def _post(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        return _transport.post(
            self.provider,
            self.endpoint + self.chat_path,
            payload,
            stream=stream,
            **self._send_kwargs(options),
        )

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._build_payload(messages, options, tools=tools)
        return self._parse_completion(self._post(payload, options).content, payload["model"])

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        with self._post(payload, options, stream=True) as stream:
            for event in stream.iter_events():
                delta = self._feed_event(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])


class AsyncOpenAICompatibleDriver(OpenAICompatibleProtocol, AsyncDriver):
    """Asynchronous OpenAI-compatible driver over a pooled `httpx.AsyncClient`."""

    supports_messages = True

    def _post(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        """The `_transport.apost` coroutine (returned, not awaited here: one layer less)."""
        return _transport.apost(
            self.provider,
            self.endpoint + self.chat_path,
            payload,
            stream=stream,
            **self._send_kwargs(options),
        )

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._build_payload(messages, options, tools=tools)
        response = await self._post(payload, options)
        return self._parse_completion(response.content, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        async with await self._post(payload, options, stream=True) as stream:
            async for event in stream.aiter_events():
                delta = self._feed_event(state, event.data)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])
