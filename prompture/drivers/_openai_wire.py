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


#: Options sent as they are, under the same name, when the caller gives them (not None).
PASSTHROUGH_OPTIONS = (
    "stop",
    "seed",
    "reasoning_effort",
    "frequency_penalty",
    "presence_penalty",
    "logit_bias",
    "logprobs",
    "top_logprobs",
    "user",
    "parallel_tool_calls",
    "service_tier",
    "verbosity",
)
#: Sampling options that models without a temperature (reasoning models) reject as well.
SAMPLING_OPTIONS = ("temperature", "top_p")


def json_request(
    caps: Any, schema: dict[str, Any] | None, *, json_mode: bool, json_schema: bool
) -> str | None:
    """How to ask for JSON: ``"json_schema"`` (strict structured output), ``"json_object"``
    (JSON mode), or None (only the prompt can ask).

    The schema goes out natively wherever the driver can send one and the catalogue does not
    say the model cannot (`caps` None or ``supports_structured_output`` True/unknown): reasoning
    models included, as OpenAI, Groq, Z.ai, xAI and DeepSeek accept it for theirs. Otherwise
    JSON mode where the driver has it.
    """
    if schema is not None and json_schema:
        if caps is None or caps.supports_structured_output is not False:
            return "json_schema"
    return "json_object" if json_mode else None


def sampling_and_passthrough(
    options: dict[str, Any], *, supports_temperature: bool
) -> dict[str, Any]:
    """The payload fields taken from `options` besides the model, tokens and JSON request:
    `SAMPLING_OPTIONS` (where the model takes them), `PASSTHROUGH_OPTIONS`, ``stop_sequences``
    as ``stop``, and ``extra_body`` merged last (it may override anything)."""
    fields: dict[str, Any] = {}
    if supports_temperature:
        fields.update({k: options[k] for k in SAMPLING_OPTIONS if options.get(k) is not None})
    fields.update({k: options[k] for k in PASSTHROUGH_OPTIONS if options.get(k) is not None})
    if "stop" not in fields and options.get("stop_sequences"):
        fields["stop"] = options["stop_sequences"]
    return fields


def copied(value: Any) -> Any:
    """A copy of a JSON-like value (dicts and lists copied all the way down, anything else
    shared): what a payload takes from the caller's messages, a few times cheaper than
    ``copy.deepcopy``, which a call would otherwise pay on every message of a conversation."""
    if isinstance(value, dict):
        return {key: copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copied(item) for item in value]
    return value


def extra_body(options: dict[str, Any]) -> dict[str, Any]:
    """``options["extra_body"]`` (provider-specific fields), copied; {} when absent."""
    import copy

    extra = options.get("extra_body")
    return copy.deepcopy(extra) if isinstance(extra, dict) else {}


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


class Malformed(ValueError):
    """An answer that is JSON but not the shape this wire promises (the detail says where)."""


def _count(usage: dict[str, Any], key: str) -> int:
    value = usage.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise Malformed(f"usage.{key} is not a number")
    if value < 0:
        raise Malformed(f"usage.{key} is negative")
    return int(value)


def usage_counts(
    usage: Any, names: tuple[str, str] = ("prompt_tokens", "completion_tokens")
) -> tuple[int, int, int]:
    """Prompt, completion and total tokens; `Malformed` for a usage that is not counts.
    `names`: the wire's keys of the first two (the Responses API: input and output tokens)."""
    if usage is None:
        usage = {}
    if not isinstance(usage, dict):
        raise Malformed("usage is not an object")
    prompt = _count(usage, names[0])
    completion = _count(usage, names[1])
    total = _count(usage, "total_tokens") or prompt + completion
    return prompt, completion, total


def cached_tokens(usage: Any) -> int:
    """Prompt tokens read from the provider's cache (``prompt_tokens_details.cached_tokens``,
    or DeepSeek's ``prompt_cache_hit_tokens``); 0 when not reported or not a count."""
    if not isinstance(usage, dict):
        return 0
    details = usage.get("prompt_tokens_details")
    value = details.get("cached_tokens") if isinstance(details, dict) else None
    if value is None:
        value = usage.get("prompt_cache_hit_tokens")
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value == value
    return int(value) if ok and value > 0 else 0


def content_text(content: Any, where: str = "message.content") -> str:
    """A message content as text: a string, None, or a list of text parts (joined)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif not isinstance(part, dict):
                raise Malformed(f"{where} holds a part that is not text")
        return "".join(texts)
    raise Malformed(f"{where} is not text")


def reasoning_of(message: dict[str, Any]) -> str:
    """Thinking text: `reasoning_content` (most providers) or `reasoning` (OpenRouter)."""
    value = message.get("reasoning_content") or message.get("reasoning") or ""
    return value if isinstance(value, str) else ""


def parse_tool_calls(raw_calls: Any) -> list[dict[str, Any]]:
    """``message.tool_calls`` in our shape; `Malformed` when they are not a list of calls."""
    if raw_calls is None:
        return []
    if not isinstance(raw_calls, list):
        raise Malformed("message.tool_calls is not a list")
    calls = []
    for call in raw_calls:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict):
            raise Malformed("a tool call has no function object")
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except ValueError:
                arguments = {"_raw": arguments}
        if arguments is not None and not isinstance(arguments, dict):
            arguments = {"_raw": arguments}
        name = function.get("name")
        calls.append(
            {
                "id": str(call.get("id") or ""),
                "name": name if isinstance(name, str) else "",
                "arguments": arguments or {},
            }
        )
    return calls


def stop_reason(finish_reason: Any, tool_calls: list[dict[str, Any]]) -> str:
    """The normalized stop reason from what the answer holds: tool calls make it ``tool_use``
    unless the answer was cut or filtered (some servers send ``stop`` with tool calls)."""
    if finish_reason is not None and not isinstance(finish_reason, str):
        raise Malformed("finish_reason is not a string")
    reason = normalize_stop_reason(finish_reason)
    if tool_calls and reason == "end_turn":
        return "tool_use"
    return reason


def parse_completion(raw: Any) -> dict[str, Any]:
    """Text, reasoning, tool calls, stop reason and usage of a chat completion body.

    Raises `Malformed` for anything not shaped like one (so the caller can say "malformed").
    """
    if not isinstance(raw, dict):
        raise Malformed("the body is not a JSON object")
    choices = raw.get("choices")
    if not isinstance(choices, list) or not choices:
        raise Malformed("choices is not a non-empty list")
    choice = choices[0]
    if not isinstance(choice, dict):
        raise Malformed("choices[0] is not an object")
    message = choice.get("message")
    if message is None:
        message = {}
    if not isinstance(message, dict):
        raise Malformed("message is not an object")
    tool_calls = parse_tool_calls(message.get("tool_calls"))
    usage = raw.get("usage")
    return {
        "text": content_text(message.get("content")),
        "reasoning": reasoning_of(message),
        "tool_calls": tool_calls,
        "stop_reason": stop_reason(choice.get("finish_reason"), tool_calls),
        "usage": usage_counts(usage),
        "cached_tokens": cached_tokens(usage),
    }


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
    """The data of one ``data:`` line, or None for any other line.

    A line-at-a-time shortcut that cannot join an event spread over several ``data:`` lines;
    stream readers should take events from `prompture._sse.SSEDecoder` (what
    `_transport.SyncStream.iter_events` and `AsyncStream.aiter_events` give).
    """
    if isinstance(line, bytes):
        line = line.decode("utf-8")
    if not line.startswith("data:"):
        return None
    return line[5:].strip()


class StreamAccumulator:
    """Folds streamed chunks into deltas and the final text, usage and thinking.

    Raises `StreamError` for an error event and ValueError (`Malformed` included) for a payload
    that is not a chunk; `chunks` counts the chunks taken, so a stream without any can be told
    apart from an empty answer.
    """

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.reasoning_parts: list[str] = []
        self.usage: dict[str, Any] | None = None
        self.finish_reason: str | None = None
        self.finished = False
        self.saw_tool_calls = False
        self.chunks = 0

    def feed(self, data: str) -> str | None:
        """Take one SSE data payload; return the text delta it carries, if any."""
        if data == "[DONE]":
            self.finished = True
            return None
        chunk = json.loads(data)
        if not isinstance(chunk, dict):
            raise Malformed("a stream chunk is not a JSON object")
        return self.feed_chunk(chunk)

    def feed_chunk(self, chunk: dict[str, Any]) -> str | None:
        """Take one decoded chunk (e.g. an SDK chunk's dict); return its text delta, if any.

        Raises `StreamError` for an error event and `Malformed` for a chunk of the wrong shape.
        """
        if chunk.get("error"):
            raise StreamError(error_message(chunk))
        self.chunks += 1
        usage = chunk.get("usage")
        if usage:
            usage_counts(usage)  # checks the counts now, while the chunk is at hand
            self.usage = usage
        choices = chunk.get("choices")
        if choices is None:
            return None
        if not isinstance(choices, list):
            raise Malformed("choices is not a list")
        if not choices:
            return None
        choice = choices[0]
        if not isinstance(choice, dict):
            raise Malformed("choices[0] is not an object")
        reason = choice.get("finish_reason")
        if reason is not None:
            if not isinstance(reason, str):
                raise Malformed("finish_reason is not a string")
            self.finish_reason = reason
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict):
            raise Malformed("delta is not an object")
        if delta.get("tool_calls"):
            self.saw_tool_calls = True
        thinking = reasoning_of(delta)
        if thinking:
            self.reasoning_parts.append(thinking)
        content = content_text(delta.get("content"), "delta.content")
        if content:
            self.text_parts.append(content)
            return content
        return None

    @property
    def complete(self) -> bool:
        """Whether the stream ended as a whole answer: ``[DONE]`` or a finish reason seen."""
        return self.finished or self.finish_reason is not None
