"""The server side of Ollama's native chat API as pure functions: request checks, the answer to
an unscripted request, usage counting, the ``/api/chat`` body and its NDJSON stream lines."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._fake_values import schema_instance, tool_arguments
from ._openai_format import ChatReply, count_words, split_text

DEFAULT_TEXT = "Hello from the local Ollama server."
#: The contract's normalized stop reasons as Ollama ``done_reason`` values (others pass as is).
DONE_REASONS = {"end_turn": "stop", "tool_use": "stop", "max_tokens": "length"}
#: Fake nanosecond timings per counted token, so durations look plausible and stay stable.
_NS_PER_TOKEN = 1_000_000


@dataclass(frozen=True)
class OllamaTurn:
    """One answer made concrete: model, timestamp, tool calls and counts settled."""

    model: str
    created_at: str
    reply: ChatReply
    #: ``{"function": {"name", "arguments": dict}}`` each, as Ollama sends them.
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    prompt_eval_count: int = 0
    eval_count: int = 0

    @property
    def done_reason(self) -> str:
        reason = self.reply.finish_reason or "stop"
        return DONE_REASONS.get(reason, reason)


def request_error(body: Any) -> str | None:
    """Why Ollama would reject this ``/api/chat`` body (its Go decoder is strict), or None."""
    if not isinstance(body, dict):
        return "invalid request: the body must be a JSON object"
    if not body.get("model"):
        return "model is required"
    messages = body.get("messages")
    if messages is not None and not isinstance(messages, list):
        return "json: cannot unmarshal messages: expected an array"
    for message in messages or []:
        problem = _message_error(message)
        if problem:
            return problem
    if body.get("options") is not None and not isinstance(body["options"], dict):
        return "json: cannot unmarshal options: expected an object"
    fmt = body.get("format")
    if fmt not in (None, "", "json") and not isinstance(fmt, dict):
        return f'invalid format: "{fmt}"; expected "json" or a JSON schema'
    return None


def _message_error(message: Any) -> str | None:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        return "json: cannot unmarshal message: expected an object with a role"
    if not isinstance(message.get("content", ""), str):
        return "json: cannot unmarshal array into Go struct field Message.content of type string"
    images = message.get("images", [])
    if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
        return "json: images must be a list of base64 strings"
    for call in message.get("tool_calls") or []:
        arguments = (call.get("function") or {}).get("arguments") if isinstance(call, dict) else 0
        if not isinstance(arguments, dict):
            return (
                "json: cannot unmarshal string into Go struct field "
                "ToolCallFunction.arguments of type api.ToolCallFunctionArguments"
            )
    return None


def default_reply(body: dict[str, Any]) -> ChatReply:
    """The answer to an unscripted request: a tool call, the tool's echo, JSON, or a greeting."""
    messages = body.get("messages") or []
    last = messages[-1] if messages else {}
    tools = body.get("tools")
    if last.get("role") == "tool":
        return ChatReply(text=f"The tool said: {last.get('content', '')}")
    if isinstance(tools, list) and tools and isinstance(tools[0], dict):
        function = tools[0].get("function") or {}
        arguments = tool_arguments(function.get("parameters"))
        return ChatReply(tool_calls=({"name": function.get("name", ""), "arguments": arguments},))
    fmt = body.get("format")
    if fmt == "json":
        return ChatReply(text=json.dumps({"message": DEFAULT_TEXT}))
    if isinstance(fmt, dict):
        return ChatReply(text=json.dumps(schema_instance(fmt)))
    return ChatReply(text=DEFAULT_TEXT)


def tool_call_object(call: dict[str, Any]) -> dict[str, Any]:
    """One tool call as Ollama sends it: arguments are an object, never a JSON string."""
    arguments = call.get("arguments") or {}
    if isinstance(arguments, str):
        arguments = json.loads(arguments) if arguments.strip() else {}
    return {"function": {"name": call["name"], "arguments": arguments}}


def usage_for(
    body: dict[str, Any], reply: ChatReply, calls: list[dict[str, Any]]
) -> tuple[int, int]:
    """``(prompt_eval_count, eval_count)`` by word counts, overridden by scripted usage."""
    prompt_text = " ".join(str(m.get("content") or "") for m in body.get("messages") or [])
    answer = " ".join([reply.text, *(json.dumps(c["function"]["arguments"]) for c in calls)])
    usage = reply.usage or {}
    prompt = usage.get("prompt_tokens", count_words(prompt_text))
    completion = usage.get("completion_tokens", count_words(answer))
    return int(prompt), int(completion)


def chat_body(turn: OllamaTurn) -> dict[str, Any]:
    """The non-streaming ``/api/chat`` answer."""
    message: dict[str, Any] = {"role": "assistant", "content": turn.reply.text}
    if turn.reply.reasoning:
        message["thinking"] = turn.reply.reasoning
    if turn.tool_calls:
        message["tool_calls"] = turn.tool_calls
    return {**_envelope(turn, message), **_final_fields(turn)}


def stream_lines(turn: OllamaTurn) -> tuple[bytes, ...]:
    """The NDJSON lines of a streamed answer: thinking, text, tool calls, then the final one."""
    messages: list[dict[str, Any]] = [
        {"role": "assistant", "content": "", "thinking": piece}
        for piece in split_text(turn.reply.reasoning or "", None)
    ]
    messages += [
        {"role": "assistant", "content": piece}
        for piece in split_text(turn.reply.text, turn.reply.chunks)
    ]
    if turn.tool_calls:
        messages.append({"role": "assistant", "content": "", "tool_calls": turn.tool_calls})
    objects = [{**_envelope(turn, m), "done": False} for m in messages]
    final = {"role": "assistant", "content": ""}
    objects.append({**_envelope(turn, final), **_final_fields(turn)})
    return tuple(json.dumps(o).encode() + b"\n" for o in objects)


def load_body(model: str, created_at: str) -> dict[str, Any]:
    """The answer to a chat without messages: Ollama just loads the model."""
    return {
        "model": model,
        "created_at": created_at,
        "message": {"role": "assistant", "content": ""},
        "done_reason": "load",
        "done": True,
    }


def _envelope(turn: OllamaTurn, message: dict[str, Any]) -> dict[str, Any]:
    return {"model": turn.model, "created_at": turn.created_at, "message": message}


def _final_fields(turn: OllamaTurn) -> dict[str, Any]:
    prompt_ns = turn.prompt_eval_count * _NS_PER_TOKEN
    eval_ns = turn.eval_count * _NS_PER_TOKEN
    return {
        "done": True,
        "done_reason": turn.done_reason,
        "total_duration": prompt_ns + eval_ns + _NS_PER_TOKEN,
        "load_duration": _NS_PER_TOKEN,
        "prompt_eval_count": turn.prompt_eval_count,
        "prompt_eval_duration": prompt_ns,
        "eval_count": turn.eval_count,
        "eval_duration": eval_ns,
    }
