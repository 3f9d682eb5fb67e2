"""`OllamaWire`: the `WireProbe` of Ollama's ``POST /api/chat`` (standard library only)."""

from __future__ import annotations

from typing import Any

from ._server import RecordedRequest
from ._wire_probe import WireProbe, decoded_arguments

__all__ = ["OllamaWire"]


class OllamaWire(WireProbe):
    """Probe for Ollama's ``POST /api/chat``: sampling is read from ``options`` only."""

    strict_schema = False

    def api_key(self, req: RecordedRequest) -> str | None:
        value = req.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

    def model(self, req: RecordedRequest) -> str:
        return str(_body(req).get("model") or "")

    def messages(self, req: RecordedRequest) -> list[dict[str, Any]]:
        """The ``messages`` list as sent."""
        return [m for m in _body(req).get("messages") or [] if isinstance(m, dict)]

    def texts(self, req: RecordedRequest) -> str:
        return "\n".join(str(m.get("content") or "") for m in self.messages(req))

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(
            str(m.get("content") or "") for m in self.messages(req) if m.get("role") == "system"
        )

    def json_mode(self, req: RecordedRequest) -> bool:
        output = _body(req).get("format")
        return output == "json" or isinstance(output, dict)

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        output = _body(req).get("format")
        return output if isinstance(output, dict) else None

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        return [t.get("function") or {} for t in _body(req).get("tools") or []]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [
            (call.get("function") or {}).get("name", "")
            for m in self.messages(req)
            if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []
        ]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [
            decoded_arguments((call.get("function") or {}).get("arguments"))
            for m in self.messages(req)
            if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []
        ]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [str(m.get("content") or "") for m in self.messages(req) if m.get("role") == "tool"]

    def has_image(self, req: RecordedRequest) -> bool:
        return any(m.get("images") for m in self.messages(req))

    def is_stream(self, req: RecordedRequest) -> bool:
        return _body(req).get("stream", True) is not False  # Ollama streams unless told not to

    def temperature(self, req: RecordedRequest) -> float | None:
        return (_body(req).get("options") or {}).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return (_body(req).get("options") or {}).get("num_predict")


def _body(req: RecordedRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}
