"""The shared OpenAI-compatible driver: one protocol, a sync and an async transport.

`OpenAICompatibleProtocol` turns calls into request payloads and answers into Prompture results
(no I/O). `OpenAICompatibleDriver` sends them with a pooled `requests.Session`,
`AsyncOpenAICompatibleDriver` with a pooled `httpx.AsyncClient`. A provider speaking this wire
format is a small subclass declaring its key, endpoint, default model and flags.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
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
        model = self._model_for(options)
        config = self._get_model_config(self.provider, model)
        schema = options.get("json_schema")
        self._validate_model_capabilities(
            self.provider,
            model,
            using_tool_use=bool(tools),
            using_json_schema=bool(schema),
        )
        messages = copy.deepcopy(messages)
        payload: dict[str, Any] = {"model": model}
        if options.get("max_tokens") is not None:
            payload[config["tokens_param"]] = options["max_tokens"]
        if options.get("temperature") is not None and config["supports_temperature"]:
            payload["temperature"] = options["temperature"]
        if options.get("json_mode") or schema is not None:
            messages = self._apply_json_request(payload, messages, model, schema)
        if tools:
            payload["tools"] = copy.deepcopy(tools)
            if options.get("tool_choice") is not None:
                payload["tool_choice"] = options["tool_choice"]
        if stream:
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        payload["messages"] = messages
        return payload

    def _apply_json_request(
        self,
        payload: dict[str, Any],
        messages: list[dict[str, Any]],
        model: str,
        schema: dict[str, Any] | None,
    ) -> list[dict[str, Any]]:
        """Ask for JSON natively where the model allows it, else in the prompt."""
        from ..model_rates import get_model_capabilities

        allowed = wire.structured_output_allowed(get_model_capabilities(self.provider, model))
        native_schema = allowed and self.supports_json_schema
        if allowed and (self.supports_json_mode or native_schema):
            payload["response_format"] = wire.response_format(schema, native_schema=native_schema)
            if schema is None or native_schema:
                return messages
        return wire.with_prompt_instruction(messages, wire.schema_instruction(schema))

    def _meta(self, model: str, usage: dict[str, Any] | None, raw: dict[str, Any]) -> dict:
        prompt, completion, total = wire.usage_counts(usage)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(self._calculate_cost(self.provider, model, prompt, completion), 6),
            "raw_response": raw,
            "model_name": model,
        }

    def _result(
        self, model: str, text: str, reasoning: str, meta: dict[str, Any]
    ) -> dict[str, Any]:
        if reasoning:
            meta["reasoning_content"] = reasoning
        return {"text": text or reasoning, "meta": meta}

    def _parse_completion(self, body: str, model: str) -> dict[str, Any]:
        """A Prompture result (with `tool_calls` and `stop_reason`) from a completion body."""
        try:
            raw = json.loads(body)
        except ValueError as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        return self._parse_completion_data(raw, model)

    def _parse_completion_data(self, raw: Any, model: str) -> dict[str, Any]:
        """`_parse_completion` for an already decoded body (e.g. an SDK object's dict)."""
        try:
            choice = raw["choices"][0]
            message = choice.get("message") or {}
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        result = self._result(
            model,
            message.get("content") or "",
            wire.reasoning_of(message),
            self._meta(model, raw.get("usage"), raw),
        )
        result["tool_calls"] = wire.parse_tool_calls(message.get("tool_calls"))
        result["stop_reason"] = wire.normalize_stop_reason(choice.get("finish_reason"))
        return result

    def _feed_line(self, state: wire.StreamAccumulator, line: str | bytes) -> str | None:
        """Fold one SSE line into `state`; its text delta. A broken stream is an error."""
        try:
            data = wire.sse_payload(line)
            return None if data is None else state.feed(data)
        except wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except ValueError as exc:  # a payload that is not JSON (or not UTF-8)
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None

    def _stream_done(self, state: wire.StreamAccumulator, model: str) -> dict[str, Any]:
        """The final chunk; a stream that carried no chunk at all was no answer."""
        if not state.chunks:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        text = "".join(state.text_parts)
        raw = {"usage": state.usage, "finish_reason": state.finish_reason}
        result = self._result(
            model, text, "".join(state.reasoning_parts), self._meta(model, state.usage, raw)
        )
        return {"type": "done", **result}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from `GET {endpoint}/models`, or None when the endpoint does not answer."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        key = config.get("api_key") or cls._key_from_env()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
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
    """Synchronous OpenAI-compatible driver over a pooled `requests.Session`."""

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
        response = self._post(payload, options)
        try:
            body = response.text
        except Exception as exc:  # body read failures are transport failures too
            raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        return self._parse_completion(body, payload["model"])

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        import requests

        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        with self._post(payload, options, stream=True) as response:
            try:
                for line in response.iter_lines():
                    delta = self._feed_line(state, line)
                    if delta:
                        yield {"type": "delta", "text": delta}
                    if state.finished:
                        break
            except requests.RequestException as exc:
                raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        yield self._stream_done(state, payload["model"])


class AsyncOpenAICompatibleDriver(OpenAICompatibleProtocol, AsyncDriver):
    """Asynchronous OpenAI-compatible driver over a pooled `httpx.AsyncClient`."""

    supports_messages = True

    async def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ):
        return await _transport.apost(
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
        return self._parse_completion(response.text, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        import httpx

        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        response = await self._post(payload, options, stream=True)
        try:
            async for line in response.aiter_lines():
                delta = self._feed_line(state, line)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        except httpx.HTTPError as exc:
            raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        finally:
            await response.aclose()
        yield self._stream_done(state, payload["model"])
