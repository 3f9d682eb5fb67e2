"""Ollama driver: Ollama's native chat API (``POST /api/chat``) over plain HTTP, no SDK.

API key: OLLAMA_API_KEY (optional; sent as ``Authorization: Bearer`` for hosted Ollama).
Base URL: OLLAMA_ENDPOINT (Ollama's host, no path), else ``http://localhost:11434``.
Prices and capabilities: infra/rates/ollama.json (local models cost nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

from .. import _transport
from ..cost_mixin import CostMixin
from ..driver import Driver
from ..exceptions import DriverHTTPError, redact
from . import _ollama_wire as wire

__all__ = ["OllamaDriver", "OllamaProtocol"]


class OllamaProtocol(CostMixin):
    """Request building and answer reading for Ollama; the sync and async drivers only send."""

    #: Path of the chat endpoint under the host.
    chat_path: ClassVar[str] = "/api/chat"
    #: Path of the local model list under the host.
    tags_path: ClassVar[str] = "/api/tags"

    def _payload(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        *,
        tools: list[dict[str, Any]] | None = None,
        stream: bool = False,
    ) -> dict[str, Any]:
        model = self._checked_model(options, tools)
        config = self._get_model_config(self.provider, model)
        return wire.build_payload(
            model,
            messages,
            options,
            tools=tools,
            stream=stream,
            send_temperature=config["supports_temperature"],
        )

    def _result(self, model: str, raw: dict[str, Any], text: str, thinking: str) -> dict:
        prompt, completion, total = wire.usage_counts(raw)
        meta = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(self._calculate_cost(self.provider, model, prompt, completion), 6),
            "raw_response": raw,
            "model_name": model,
        }
        if thinking:
            meta["reasoning_content"] = thinking
        return {"text": text or thinking, "meta": meta}

    def _parse(self, body: str, model: str) -> dict[str, Any]:
        """A Prompture result (with `tool_calls` and `stop_reason`) from an ``/api/chat`` body."""
        try:
            raw = json.loads(body)
            message = wire.read_message(raw)
            calls = wire.parse_tool_calls(message.get("tool_calls"))
        except (ValueError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        result = self._result(
            model, raw, message.get("content") or "", message.get("thinking") or ""
        )
        result["tool_calls"] = calls
        result["stop_reason"] = wire.stop_reason(raw.get("done_reason"), has_tool_calls=bool(calls))
        return result

    def _feed(self, state: wire.StreamAccumulator, line: str | bytes) -> str | None:
        """`state.feed(line)` with bad lines and error lines turned into `DriverHTTPError`."""
        try:
            return state.feed(line)
        except wire.StreamError as exc:
            message = f"{self.provider} API reported an error mid-stream: {exc}"
            raise DriverHTTPError(
                redact(message, self.api_key), provider=self.provider, status_code=200
            ) from None
        except ValueError as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None

    def _stream_done(self, state: wire.StreamAccumulator, model: str) -> dict[str, Any]:
        if state.final is None:
            raise _transport.malformed_error(self.provider, "the stream ended before its last line")
        text, thinking = "".join(state.text_parts), "".join(state.thinking_parts)
        return {"type": "done", **self._result(model, state.final, text, thinking)}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Names from ``GET {endpoint}/api/tags``, or None when the server does not answer."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        key = config.get("api_key") or cls._key_from_env()
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        try:
            response = _transport.shared_session().get(
                endpoint.rstrip("/") + cls.tags_path,
                headers=headers,
                timeout=config.get("timeout", 5.0),
            )
            response.raise_for_status()
            return sorted(item["name"] for item in response.json()["models"])
        except Exception:  # an unreachable or odd server means "no live list"
            return None


class OllamaDriver(OllamaProtocol, Driver):
    """Ollama over pooled `_http` connections; NDJSON streaming with `iter_lines`."""

    provider = "ollama"
    display_name = "Ollama"
    api_key_env = ("OLLAMA_API_KEY",)
    requires_api_key = False
    default_endpoint = "http://localhost:11434"
    default_model = "llama3.1"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_messages = True
    supports_reasoning = True

    def _send(self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False):
        url = self.endpoint + self.chat_path
        kwargs = self._send_kwargs(options)
        return _transport.post(self.provider, url, payload, stream=stream, **kwargs)

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._payload(messages, options, tools=tools)
        return self._parse(self._send(payload, options).text, payload["model"])

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        # The stream's reads raise `DriverHTTPError` themselves (deadline, cap, broken line).
        with self._send(payload, options, stream=True) as response:
            for line in response.iter_lines():
                delta = self._feed(state, line)
                if delta:
                    yield {"type": "delta", "text": delta}
                if state.finished:
                    break
        yield self._stream_done(state, payload["model"])
