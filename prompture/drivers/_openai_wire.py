"""The OpenAI chat-completions wire format as pure functions: no I/O, no client.

Sync and async drivers build requests and read answers with these same functions, so the two
cannot drift apart; the driver classes only send bytes.
"""

from __future__ import annotations

import json
from typing import Any

#: Finish reasons as the providers speaking this wire send them.
STOP_REASONS = {
    "stop": "end_turn",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "length": "max_tokens",
    "model_context_window_exceeded": "max_tokens",  # Z.ai: the context ran out
    "content_filter": "content_filter",
    "sensitive": "content_filter",  # Z.ai's content filter
    "error": "error",  # OpenRouter: the upstream provider failed
    "network_error": "error",  # Z.ai: the model backend failed
    # Native reasons some gateways pass through unchanged (Anthropic's, Gemini's, TGI's).
    "end_turn": "end_turn",
    "stop_sequence": "end_turn",
    "eos": "end_turn",
    "eos_token": "end_turn",
    "max_tokens": "max_tokens",
    "tool_use": "tool_use",
    "refusal": "content_filter",
    "safety": "content_filter",
}
#: The message of an error event whose provider gave none (the openai SDK's wording).
STREAM_ERROR_FALLBACK = "An error occurred during streaming"

SCHEMA_IN_PROMPT = (
    "Respond only with a JSON object that validates against this JSON schema:\n{schema}"
)
JSON_ONLY_IN_PROMPT = "Respond only with a valid JSON object."


def normalize_stop_reason(finish_reason: str | None) -> str:
    """The normalized stop reason of a `finish_reason`.

    None (providers that omit it on a complete answer) is ``end_turn``. Any other reason not in
    `STOP_REASONS`, ``""`` included, is ``error``: an unknown reason may mean a cut or failed
    answer, and passing it off as complete would hide that (the Anthropic wire does the same).
    """
    if finish_reason is None:
        return "end_turn"
    return STOP_REASONS.get(finish_reason.lower(), "error")


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


def error_message(data: Any) -> str | None:
    """The message of an error payload (``{"error": {"message"}}`` or ``{"error": "..."}``);
    None when `data` carries no error."""
    error = data.get("error") if isinstance(data, dict) else None
    if not error:
        return None
    message = error.get("message") if isinstance(error, dict) else error
    return message if isinstance(message, str) and message else STREAM_ERROR_FALLBACK


class StreamError(Exception):
    """An error event inside a stream that began with 200; the message is the provider's."""


def sse_payload(line: str | bytes) -> str | None:
    """The data of one SSE line, or None for comments, blank lines and other fields."""
    if isinstance(line, bytes):
        line = line.decode("utf-8")
    if not line.startswith("data:"):
        return None
    return line[5:].strip()


class StreamAccumulator:
    """Folds streamed chunks into deltas and the final text, usage and thinking.

    Raises `StreamError` for an error event and ValueError for a payload that is not a JSON
    object; `chunks` counts the chunks taken, so a stream without any can be told apart from
    an empty answer.
    """

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.reasoning_parts: list[str] = []
        self.usage: dict[str, Any] | None = None
        self.finish_reason: str | None = None
        self.finished = False
        self.chunks = 0

    def feed(self, data: str) -> str | None:
        """Take one SSE data payload; return the text delta it carries, if any."""
        if data == "[DONE]":
            self.finished = True
            return None
        chunk = json.loads(data)
        if not isinstance(chunk, dict):
            raise ValueError("a stream chunk is not a JSON object")
        return self.feed_chunk(chunk)

    def feed_chunk(self, chunk: dict[str, Any]) -> str | None:
        """Take one decoded chunk (e.g. an SDK chunk's dict); return its text delta, if any."""
        if chunk.get("error"):
            raise StreamError(error_message(chunk))
        self.chunks += 1
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
