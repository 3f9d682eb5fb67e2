"""The OpenAI chat-completions wire format as pure functions: no I/O, no client.

Sync and async drivers build requests and read answers with these same functions, so the two
cannot drift apart; the driver classes only send bytes.
"""

from __future__ import annotations

import json
from typing import Any

STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "content_filter": "content_filter",
}

SCHEMA_IN_PROMPT = (
    "Respond only with a JSON object that validates against this JSON schema:\n{schema}"
)
JSON_ONLY_IN_PROMPT = "Respond only with a valid JSON object."


def normalize_stop_reason(finish_reason: str | None) -> str:
    if finish_reason is None:
        return "end_turn"
    return STOP_REASONS.get(finish_reason, "end_turn" if finish_reason else "error")


def structured_output_allowed(caps: Any) -> bool:
    """Whether `response_format` may be sent to this model (catalogue capabilities or None)."""
    if caps is None:
        return True
    if caps.is_reasoning:
        return False
    return caps.supports_structured_output is not False


def response_format(schema: dict[str, Any] | None, *, native_schema: bool) -> dict[str, Any]:
    if schema is not None and native_schema:
        from ..cost_mixin import prepare_strict_schema

        return {
            "type": "json_schema",
            "json_schema": {
                "name": "extraction",
                "strict": True,
                "schema": prepare_strict_schema(schema),
            },
        }
    return {"type": "json_object"}


def with_prompt_instruction(
    messages: list[dict[str, Any]], instruction: str
) -> list[dict[str, Any]]:
    """A copy of `messages` with `instruction` added as a trailing system message."""
    return [*messages, {"role": "system", "content": instruction}]


def schema_instruction(schema: dict[str, Any] | None) -> str:
    if schema is None:
        return JSON_ONLY_IN_PROMPT
    return SCHEMA_IN_PROMPT.format(schema=json.dumps(schema, indent=2))


def usage_counts(usage: dict[str, Any] | None) -> tuple[int, int, int]:
    usage = usage or {}
    prompt = int(usage.get("prompt_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    total = int(usage.get("total_tokens") or (prompt + completion))
    return prompt, completion, total


def reasoning_of(message: dict[str, Any]) -> str:
    """Thinking text: `reasoning_content` (most providers) or `reasoning` (OpenRouter)."""
    value = message.get("reasoning_content") or message.get("reasoning") or ""
    return value if isinstance(value, str) else ""


def parse_tool_calls(raw_calls: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    calls = []
    for call in raw_calls or []:
        function = call.get("function") or {}
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError:
                arguments = {"_raw": arguments}
        calls.append(
            {
                "id": call.get("id", ""),
                "name": function.get("name", ""),
                "arguments": arguments or {},
            }
        )
    return calls


def sse_payload(line: str | bytes) -> str | None:
    """The data of one SSE line, or None for comments, blank lines and other fields."""
    if isinstance(line, bytes):
        line = line.decode("utf-8")
    if not line.startswith("data:"):
        return None
    return line[5:].strip()


class StreamAccumulator:
    """Folds streamed chunks into deltas and the final text, usage and thinking."""

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.reasoning_parts: list[str] = []
        self.usage: dict[str, Any] | None = None
        self.finish_reason: str | None = None
        self.finished = False

    def feed(self, data: str) -> str | None:
        """Take one SSE data payload; return the text delta it carries, if any."""
        if data == "[DONE]":
            self.finished = True
            return None
        try:
            chunk = json.loads(data)
        except json.JSONDecodeError:
            return None
        return self.feed_chunk(chunk)

    def feed_chunk(self, chunk: dict[str, Any]) -> str | None:
        """Take one decoded chunk (e.g. an SDK chunk's dict); return its text delta, if any."""
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        choices = chunk.get("choices") or []
        if not choices:
            return None
        choice = choices[0]
        self.finish_reason = choice.get("finish_reason") or self.finish_reason
        delta = choice.get("delta") or {}
        thinking = reasoning_of(delta)
        if thinking:
            self.reasoning_parts.append(thinking)
        content = delta.get("content")
        if content:
            self.text_parts.append(content)
            return content
        return None
