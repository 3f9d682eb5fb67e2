"""Cohere's v2 Chat API (``POST /v2/chat``) as pure functions: no I/O, no client.

Requests: OpenAI-style conversations map almost one to one. ``system``/``user``/``assistant``
/``tool`` roles stay, image blocks stay ``image_url`` blocks, assistant ``tool_calls`` and
``tool`` messages (``tool_call_id``) keep their shape; an assistant turn without text sends no
``content``. Tools are OpenAI functions as they are. ``tool_choice`` is ``REQUIRED`` or
``NONE`` (``auto`` is the default and not sent). JSON mode is
``response_format: {"type": "json_object"}``, with ``json_schema`` for a schema; thinking is
``{"type": "enabled", "token_budget"}``.

Answers: ``message.content`` holds ``text`` and ``thinking`` items, ``message.tool_calls`` the
calls (arguments as JSON text), ``finish_reason`` is ``COMPLETE``, ``MAX_TOKENS``,
``TOOL_CALL``... and ``usage.tokens`` (else ``usage.billed_units``) the counts. Streams are
server-sent events whose JSON ``type`` is ``message-start``, ``content-delta``,
``tool-call-start``/``-delta``, ``message-end`` (finish reason, usage, or an error)...
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from ._openai_wire import parse_tool_calls, schema_instruction

#: Cohere ``finish_reason`` -> normalized stop reason.
STOP_REASONS = {
    "COMPLETE": "end_turn",
    "STOP_SEQUENCE": "end_turn",
    "MAX_TOKENS": "max_tokens",
    "TOOL_CALL": "tool_use",
    "ERROR": "error",
    "TIMEOUT": "error",
}
#: Normalized names pass through (gateways in front of Cohere may already speak them).
NORMALIZED = frozenset({"end_turn", "tool_use", "max_tokens", "content_filter", "error"})
_MESSAGE_KEYS = {
    "system": ("content",),
    "user": ("content",),
    "assistant": ("content", "tool_calls", "tool_plan"),
    "tool": ("tool_call_id", "content"),
}
_ROLE_ALIASES = {"developer": "system"}


class StreamError(Exception):
    """An error reported inside a stream accepted with 200 (the provider's message)."""


def normalize_stop_reason(reason: str | None) -> str:
    """The normalized stop reason; None (a complete answer without one) is ``end_turn``."""
    if reason is None:
        return "end_turn"
    if reason in NORMALIZED:
        return reason
    return STOP_REASONS.get(reason.upper(), "error")


def build_payload(
    messages: list[dict[str, Any]],
    *,
    model: str,
    options: dict[str, Any],
    tools: list[dict[str, Any]] | None = None,
    native_json: bool = True,
    native_schema: bool = True,
    send_temperature: bool = True,
    stream: bool = False,
) -> dict[str, Any]:
    """The ``/v2/chat`` body for one call; nothing passed in is changed."""
    turns = to_messages(messages)
    schema = options.get("json_schema")
    wants_json = bool(options.get("json_mode")) or schema is not None
    payload: dict[str, Any] = {"model": model}
    if wants_json and native_json:
        payload["response_format"] = {"type": "json_object"}
        if schema is not None and native_schema:
            payload["response_format"]["json_schema"] = copy.deepcopy(schema)
    if wants_json and (not native_json or (schema is not None and not native_schema)):
        turns.insert(0, {"role": "system", "content": schema_instruction(schema)})
    payload["messages"] = turns
    if tools:
        payload["tools"] = copy.deepcopy(tools)
        choice = to_tool_choice(options.get("tool_choice"))
        if choice is not None:
            payload["tool_choice"] = choice
    if options.get("max_tokens") is not None:
        payload["max_tokens"] = options["max_tokens"]
    if send_temperature and options.get("temperature") is not None:
        payload["temperature"] = options["temperature"]
    thinking = thinking_config(options.get("thinking"))
    if thinking is not None:
        payload["thinking"] = thinking
    if stream:
        payload["stream"] = True
    return payload


def to_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cohere chat messages (fresh copies) from OpenAI-style ones."""
    turns = []
    for message in messages:
        role = _ROLE_ALIASES.get(message.get("role", "user"), message.get("role", "user"))
        turn = {"role": role}
        for key in _MESSAGE_KEYS.get(role, ("content",)):
            value = message.get(key)
            if value not in (None, "", []):
                turn[key] = copy.deepcopy(value)
        if role == "tool" and "content" not in turn:
            turn["content"] = ""
        turns.append(turn)
    return turns


def to_tool_choice(choice: Any) -> str | None:
    """``REQUIRED`` for "required"/"any" or a named function, ``NONE`` for "none"; else None."""
    if isinstance(choice, dict) or choice in ("required", "any"):
        return "REQUIRED"
    if choice == "none":
        return "NONE"
    return None


def thinking_config(option: Any) -> dict[str, Any] | None:
    """``options["thinking"]``: a dict as is, True, or a token budget; False disables it."""
    if isinstance(option, dict):
        return copy.deepcopy(option)
    if option is True:
        return {"type": "enabled"}
    if option is False:
        return {"type": "disabled"}
    if isinstance(option, int) and option > 0:
        return {"type": "enabled", "token_budget": option}
    return None


def usage_counts(usage: dict[str, Any] | None) -> tuple[int, int, int]:
    """``(prompt, completion, total)``: the token counts, else the billed units."""
    usage = usage or {}
    counts = usage.get("tokens") or usage.get("billed_units") or {}
    prompt = int(counts.get("input_tokens") or 0)
    completion = int(counts.get("output_tokens") or 0)
    return prompt, completion, prompt + completion


@dataclass
class Answer:
    """What a response (or a whole stream) said."""

    text: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)

    @property
    def stop_reason(self) -> str:
        return normalize_stop_reason(self.finish_reason)


def parse_response(raw: dict[str, Any]) -> Answer:
    """The `Answer` of a non-streamed response; KeyError/TypeError when it is not one."""
    message = raw["message"]
    answer = Answer(finish_reason=raw.get("finish_reason"), usage=raw.get("usage") or {})
    for item in message.get("content") or []:
        if item.get("type") == "text":
            answer.text += item.get("text") or ""
        elif item.get("type") == "thinking":
            answer.reasoning += item.get("thinking") or ""
    answer.tool_calls = parse_tool_calls(message.get("tool_calls"))
    return answer


class StreamState:
    """Folds stream events into deltas and the final `Answer`; `events` counts them."""

    def __init__(self) -> None:
        self.answer = Answer()
        self.events = 0
        #: Whether ``message-end`` arrived (a stream without it was cut).
        self.finished = False
        self._calls: list[dict[str, Any]] = []

    def feed(self, data: str) -> str | None:
        """Take one SSE data payload; return the text delta it carries, if any."""
        event = json.loads(data)
        if not isinstance(event, dict):
            raise ValueError("a stream event is not a JSON object")
        self.events += 1
        kind = event.get("type")
        message = ((event.get("delta") or {}).get("message")) or {}
        if kind == "content-delta":
            content = message.get("content") or {}
            self.answer.reasoning += content.get("thinking") or ""
            text = content.get("text") or ""
            self.answer.text += text
            return text or None
        if kind in ("tool-call-start", "tool-call-delta"):
            self._add_call_part(kind, message.get("tool_calls") or {})
        elif kind == "message-end":
            self._end(event.get("delta") or {})
        return None

    def _add_call_part(self, kind: str, call: dict[str, Any]) -> None:
        function = call.get("function") or {}
        if kind == "tool-call-start" or not self._calls:
            self._calls.append({"id": call.get("id", ""), "type": "function", "function": {}})
            self._calls[-1]["function"] = {"name": function.get("name", ""), "arguments": ""}
        self._calls[-1]["function"]["arguments"] += function.get("arguments") or ""

    def _end(self, delta: dict[str, Any]) -> None:
        if delta.get("error"):
            raise StreamError(str(delta["error"]))
        self.answer.finish_reason = delta.get("finish_reason")
        self.answer.usage = delta.get("usage") or {}
        self.answer.tool_calls = parse_tool_calls(self._calls)
        self.finished = True
