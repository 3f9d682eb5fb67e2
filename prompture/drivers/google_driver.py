"""Google driver: Gemini models through the official google-genai SDK (``generateContent``).

API key: GOOGLE_API_KEY or GEMINI_API_KEY.
Base URL: GOOGLE_ENDPOINT (the API host, or the base URL ending in ``/v1beta``: the SDK adds
``/v1beta`` itself, so the suffix is trimmed), else ``https://generativelanguage.googleapis.com``.
SDK: ``pip install prompture[google]``, imported on first use (never by the constructor).
Prices and capabilities: the catalogue's ``google`` models, overlaid by infra/rates/google.json.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from .. import _transport, model_rates
from ..cost_mixin import CostMixin
from ..driver import Driver
from . import _gemini_wire as wire
from . import _google_sdk as sdk

__all__ = ["GoogleDriver", "GoogleProtocol"]


class GoogleProtocol(CostMixin):
    """Request building and answer reading for Gemini; the sync and async drivers only send."""

    def _request(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        tools: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Keyword arguments for the SDK's ``generate_content``/``generate_content_stream``."""
        model = self._checked_model(options, tools, vision=_has_image(messages))
        caps = model_rates.get_model_capabilities(self.provider, model)
        call_ids = {
            call.get("id") for m in messages for call in m.get("tool_calls") or () if call.get("id")
        }
        return wire.build_request(
            model,
            messages,
            options,
            tools=tools,
            signatures=sdk.signatures.snapshot(call_ids),
            send_temperature=self._get_model_config(self.provider, model)["supports_temperature"],
            include_thoughts=bool(caps and caps.is_reasoning),
        )

    def _result(self, model: str, answer: wire.Answer, *, with_tools: bool) -> dict[str, Any]:
        """A Prompture result; remembers the thought signatures of the tool calls."""
        if answer.signatures:
            sdk.signatures.remember(
                {i: wire.decode_signature(s) for i, s in answer.signatures.items()}
            )
        prompt, completion, total = wire.usage_counts(answer.usage)
        meta: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(self._calculate_cost(self.provider, model, prompt, completion), 6),
            "raw_response": answer.raw,
            "model_name": model,
        }
        if answer.reasoning:
            meta["reasoning_content"] = answer.reasoning
        result: dict[str, Any] = {"text": answer.text or answer.reasoning, "meta": meta}
        if with_tools:
            result["tool_calls"] = answer.tool_calls
            result["stop_reason"] = answer.stop_reason
        return result

    def _first_chunk(self, first: Any) -> Any:
        """The stream's first response; a stream without any was no answer."""
        if first is None:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        return first

    def _answer(self, raw: dict[str, Any]) -> wire.Answer:
        """The answer of a whole response; one with neither candidates nor a blocked prompt
        (an empty body, say) is no answer."""
        if not raw.get("candidates") and not raw.get("prompt_feedback"):
            raise _transport.malformed_error(self.provider, "no candidates in the answer")
        return wire.parse_response(raw)

    def _check_finished(self, answer: wire.Answer) -> None:
        """A stream whose last chunk gave no finish reason was cut, not finished."""
        if answer.finish_reason is None:
            raise _transport.truncated_error(self.provider)

    @staticmethod
    def _delta(answer: wire.Answer, chunk: Any) -> dict[str, Any] | None:
        """Fold one streamed SDK response into `answer`; the delta chunk for its new text."""
        text = answer.add(sdk.response_dict(chunk))
        return {"type": "delta", "text": text} if text else None

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Models that can ``generateContent``, from the SDK's model list; None on failure."""
        key = config.get("api_key") or cls._key_from_env()
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        if not key:
            return None
        try:
            client = sdk.make_client(key, endpoint, float(config.get("timeout", 10.0)))
            names = [
                model.name.removeprefix("models/")
                for model in client.models.list(config={"page_size": 100})
                if model.supported_actions is None or "generateContent" in model.supported_actions
            ]
        except Exception:  # no SDK, no answer, an odd answer: no live list
            return None
        return sorted(names)


def _has_image(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(block, dict) and block.get("type") == "image_url"
        for m in messages
        if isinstance(m.get("content"), list)
        for block in m["content"]
    )


class GoogleDriver(GoogleProtocol, Driver):
    """Gemini over the google-genai SDK's sync client (built on first use, shared by drivers
    with the same key, endpoint and timeout)."""

    provider = "google"
    display_name = "Google"
    api_key_env = ("GOOGLE_API_KEY", "GEMINI_API_KEY")
    default_endpoint = "https://generativelanguage.googleapis.com"
    default_model = "gemini-3.5-flash"

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_messages = True
    supports_reasoning = True

    def _models(self) -> Any:
        """The SDK's ``models`` API of the shared client for this key and endpoint."""
        self._sdk_client = sdk.shared_client(
            self._require_key(), self._checked_endpoint(), self.timeout
        )
        return self._sdk_client.models

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        models = self._models()
        request = self._request(messages, options or {}, tools)
        deadline = _transport.Deadline(self._timeout(options or {}))

        def attempt() -> dict[str, Any]:
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                with _transport.deadline_scope(deadline):
                    return sdk.response_dict(models.generate_content(**request))

        raw = _transport.call_with_retries(attempt, self.max_retries, self.retry_backoff, deadline)
        answer = self._answer(raw)
        return self._result(request["model"], answer, with_tools=tools is not None)

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        models = self._models()
        request = self._request(messages, options or {})
        deadline = _transport.Deadline(self._timeout(options or {}))

        def start() -> tuple[Iterator[Any], Any]:
            # The SDK sends on the first next(): retry until the first event has arrived.
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                with _transport.deadline_scope(deadline):
                    chunks = models.generate_content_stream(**request)
                    return chunks, self._first_chunk(next(chunks, None))

        chunks, first = _transport.call_with_retries(
            start, self.max_retries, self.retry_backoff, deadline
        )
        answer = wire.Answer()
        try:
            with sdk.mapped_errors(self.provider, self._secrets(), deadline):
                rest = _transport.iter_within(chunks, deadline)
                for chunk in itertools.chain([first], rest):
                    delta = self._delta(answer, chunk)
                    if delta:
                        yield delta
        finally:
            chunks.close()  # a caller that stops early must not leave the response open
        self._check_finished(answer)
        yield {"type": "done", **self._result(request["model"], answer, with_tools=False)}
