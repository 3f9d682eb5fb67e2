"""`AnthropicWire`: reads what an `AnthropicServer` received, for the contract suite."""

from __future__ import annotations

from typing import Any

from . import _anthropic_format as fmt
from ._server import RecordedRequest
from ._wire_probe import WireProbe

__all__ = ["AnthropicWire", "sent_key"]


class AnthropicWire(WireProbe):
    """Probe for the Messages API (``POST /v1/messages``): reads blocks, not OpenAI messages."""

    #: API version 2026-10-21 (sent by anthropic SDK 2.x) rejects sampling parameters.
    sends_temperature = False

    def api_key(self, req: RecordedRequest) -> str | None:
        return sent_key(req)

    def model(self, req: RecordedRequest) -> str:
        return str(_body(req).get("model") or "")

    def blocks(self, req: RecordedRequest, role: str | None = None) -> list[dict[str, Any]]:
        """Every content block of the ``messages`` (of one role), in order."""
        return [
            block
            for message in _body(req).get("messages") or []
            if role is None or message.get("role") == role
            for block in fmt.message_blocks(message.get("content")) or []
        ]

    def texts(self, req: RecordedRequest) -> str:
        turns = [fmt.block_text(m.get("content")) for m in _body(req).get("messages") or []]
        return "\n".join(text for text in [self.system(req), *turns] if text)

    def system(self, req: RecordedRequest) -> str:
        return fmt.system_text(_body(req).get("system"))

    def json_mode(self, req: RecordedRequest) -> bool:
        return self.schema(req) is not None

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        """The ``output_config.format`` schema (structured outputs), if one was sent."""
        output_format = (_body(req).get("output_config") or {}).get("format") or {}
        return output_format.get("schema")

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        return [_as_function(t) for t in _body(req).get("tools") or [] if isinstance(t, dict)]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [
            b.get("name", "") for b in self.blocks(req, "assistant") if b.get("type") == "tool_use"
        ]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [
            b.get("input") for b in self.blocks(req, "assistant") if b.get("type") == "tool_use"
        ]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [
            fmt.block_text(b.get("content"))
            for b in self.blocks(req, "user")
            if b.get("type") == "tool_result"
        ]

    def has_image(self, req: RecordedRequest) -> bool:
        return any(b.get("type") == "image" for b in self.blocks(req))

    def is_stream(self, req: RecordedRequest) -> bool:
        return _body(req).get("stream") is True

    def temperature(self, req: RecordedRequest) -> float | None:
        return _body(req).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return _body(req).get("max_tokens")


def sent_key(request: RecordedRequest) -> str | None:
    """The key a request carries: ``x-api-key``, or ``Authorization: Bearer`` (SDK 2.x)."""
    key = request.headers.get("x-api-key")
    if key is None:
        bearer = request.headers.get("authorization", "")
        key = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None
    return key


def _body(req: RecordedRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def _as_function(tool: dict[str, Any]) -> dict[str, Any]:
    """An Anthropic tool as an OpenAI-style function (name, description, parameters)."""
    function = {"name": tool.get("name"), "description": tool.get("description")}
    function["parameters"] = tool.get("input_schema")
    return {k: v for k, v in function.items() if v is not None}
