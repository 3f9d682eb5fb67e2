"""Reading what a local server received, the same way for every wire format.

The contract scenarios never look at a request body directly: they ask a `WireProbe` ("which
model was asked for?", "which tool results came back?") so that one scenario checks an
OpenAI, an Anthropic, a Gemini or an Ollama driver alike. Each wire format has one probe;
`OpenAIWire` is the chat-completions one. Standard library only.
"""

from __future__ import annotations

import json
from typing import Any

from ._server import RecordedRequest

__all__ = ["OpenAIWire", "WireProbe", "content_text", "decoded_arguments", "schema_in_text"]


def decoded_arguments(arguments: Any) -> Any:
    """Tool-call arguments as sent in OpenAI's shape (a JSON string) decoded; other values as
    they are (None when the call carried none)."""
    if isinstance(arguments, str):
        try:
            return json.loads(arguments)
        except ValueError:
            return arguments
    return arguments


class WireProbe:
    """What a driver sent, read from one `RecordedRequest` of a wire format.

    Subclasses implement every method; the defaults of `tool_names` and `has_image` derive
    from the others. Text-returning methods return ``""`` (never None) when nothing was sent.
    """

    #: The wire needs schemas in strict form (``additionalProperties: false``, all required).
    strict_schema: bool = False
    #: The wire takes ``temperature`` (Anthropic's API version 2026-10-21 rejects it).
    sends_temperature: bool = True

    def api_key(self, req: RecordedRequest) -> str | None:
        """The key the request carried (header or query), None when it carried none."""
        raise NotImplementedError

    def model(self, req: RecordedRequest) -> str:
        """The model the request asked for."""
        raise NotImplementedError

    def texts(self, req: RecordedRequest) -> str:
        """All message text of the request joined (system prompt included)."""
        raise NotImplementedError

    def system(self, req: RecordedRequest) -> str:
        """The system prompt (all system messages joined)."""
        raise NotImplementedError

    def json_mode(self, req: RecordedRequest) -> bool:
        """JSON output was requested natively (a JSON mode or a schema)."""
        raise NotImplementedError

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        """The JSON schema sent natively, None when none was."""
        raise NotImplementedError

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        """The offered tools as ``{"name", "description", "parameters"}`` each."""
        raise NotImplementedError

    def tool_names(self, req: RecordedRequest) -> list[str]:
        """Names of the offered tools, in order."""
        return [tool.get("name", "") for tool in self.tools(req)]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        """Names of the tool calls earlier assistant turns made (sent back as history)."""
        raise NotImplementedError

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        """Arguments of those tool calls, decoded (a dict each when sent in the right shape)."""
        raise NotImplementedError

    def tool_results(self, req: RecordedRequest) -> list[str]:
        """Contents of the tool results sent back, in order."""
        raise NotImplementedError

    def has_image(self, req: RecordedRequest) -> bool:
        """Some message carries an image."""
        raise NotImplementedError

    def is_stream(self, req: RecordedRequest) -> bool:
        """Streaming was asked for (with usage, where the wire needs a flag for it)."""
        raise NotImplementedError

    def temperature(self, req: RecordedRequest) -> float | None:
        raise NotImplementedError

    def max_tokens(self, req: RecordedRequest) -> int | None:
        """The output token limit sent, whatever the wire calls it."""
        raise NotImplementedError


class OpenAIWire(WireProbe):
    """Probe for OpenAI chat completions (``POST {base}/chat/completions``)."""

    strict_schema = True

    def api_key(self, req: RecordedRequest) -> str | None:
        value = req.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

    def model(self, req: RecordedRequest) -> str:
        return str(_body(req).get("model") or "")

    def messages(self, req: RecordedRequest) -> list[dict[str, Any]]:
        """The ``messages`` list as sent."""
        return [m for m in _body(req).get("messages") or [] if isinstance(m, dict)]

    def texts(self, req: RecordedRequest) -> str:
        return "\n".join(content_text(m.get("content")) for m in self.messages(req))

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(
            content_text(m.get("content"))
            for m in self.messages(req)
            if m.get("role") in ("system", "developer")
        )

    def json_mode(self, req: RecordedRequest) -> bool:
        kind = (_body(req).get("response_format") or {}).get("type")
        return kind in ("json_object", "json_schema")

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        response_format = _body(req).get("response_format") or {}
        if response_format.get("type") != "json_schema":
            return None
        return (response_format.get("json_schema") or {}).get("schema")

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
        return [
            content_text(m.get("content")) for m in self.messages(req) if m.get("role") == "tool"
        ]

    def has_image(self, req: RecordedRequest) -> bool:
        return any(
            isinstance(block, dict) and block.get("type") == "image_url"
            for m in self.messages(req)
            if isinstance(m.get("content"), list)
            for block in m["content"]
        )

    def is_stream(self, req: RecordedRequest) -> bool:
        body = _body(req)
        return body.get("stream") is True and bool(
            (body.get("stream_options") or {}).get("include_usage")
        )

    def temperature(self, req: RecordedRequest) -> float | None:
        return _body(req).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        body = _body(req)
        return body.get("max_completion_tokens", body.get("max_tokens"))


def _body(req: RecordedRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}


def content_text(content: Any) -> str:
    """The text of a message content: a string, or the ``text`` of a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = (b.get("text") for b in content if isinstance(b, dict))
        return "\n".join(t for t in texts if isinstance(t, str))
    return ""


def schema_in_text(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text` that looks like a JSON schema, or None.

    Drivers without native structured output put the schema into the prompt; this finds it
    again (servers answer a matching instance, scenarios check it was sent).
    """
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except ValueError:
            value = None
        if isinstance(value, dict) and ("properties" in value or "type" in value):
            return value
        start = text.find("{", start + 1)
    return None
