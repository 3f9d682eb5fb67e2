"""The server side of Anthropic's Messages API as pure functions: the answer to an unscripted
request, usage counting, the ``message`` body and its SSE event stream. Request checks live in
`_anthropic_checks`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._fake_values import schema_instance, tool_arguments
from ._openai_format import ChatReply, count_words, split_text
from ._wire_probe import schema_in_text

DEFAULT_TEXT = "Hello from the local Anthropic server."
DEFAULT_THINKING = "Let me think about this step by step."
#: The contract's normalized stop reasons as Anthropic ones (native names pass as is).
STOP_REASONS = {"content_filter": "refusal"}


@dataclass(frozen=True)
class Turn:
    """One answer made concrete: message id, model, content blocks and usage settled."""

    id: str
    model: str
    #: The answer's content blocks (thinking, text, tool_use), in order.
    content: list[dict[str, Any]]
    stop_reason: str
    usage: dict[str, int] = field(default_factory=dict)
    #: Number of SSE text deltas; None means one per word.
    chunks: int | None = None


def message_blocks(content: Any) -> list[dict[str, Any]] | None:
    """A message content as a list of blocks (a string is one text block); None if invalid."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list) and all(isinstance(b, dict) for b in content):
        return content
    return None


def block_text(content: Any) -> str:
    """The text of a content (string or blocks), tool results' text included."""
    if isinstance(content, str):
        return content
    parts = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_result":
            parts.append(block_text(block.get("content")))
    return "\n".join(p for p in parts if p)


def system_text(system: Any) -> str:
    return block_text(system)


def tool_results(message: dict[str, Any]) -> list[str]:
    """The contents of the tool results in a user message."""
    blocks = message_blocks(message.get("content")) or []
    return [block_text(b.get("content")) for b in blocks if b.get("type") == "tool_result"]


def default_reply(body: dict[str, Any], *, json_from_prompt: bool = True) -> ChatReply:
    """The answer to an unscripted request: the tool's echo, a tool call, JSON, or a greeting.

    ``output_config.format`` (structured output) gets an instance of its schema. Otherwise
    JSON is "requested" when the system prompt or the last turn asks for JSON (Claude has no
    JSON mode), unless `json_from_prompt` is off: then, like a model that ignores such asks,
    the answer is the greeting.
    """
    last = body["messages"][-1]
    results = tool_results(last) if last.get("role") == "user" else []
    reasoning = DEFAULT_THINKING if _thinking_on(body) else None
    if results:
        return ChatReply(text=f"The tool said: {'; '.join(results)}", reasoning=reasoning)
    tool = _tool_to_call(body)
    if tool is not None:
        arguments = tool_arguments(tool.get("input_schema"))
        call = {"name": tool.get("name", ""), "arguments": arguments}
        return ChatReply(tool_calls=(call,), reasoning=reasoning)
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema")
    if isinstance(schema, dict):  # structured output: an instance of the schema
        return ChatReply(text=json.dumps(schema_instance(schema)), reasoning=reasoning)
    if not json_from_prompt:
        return ChatReply(text=DEFAULT_TEXT, reasoning=reasoning)
    asked = f"{system_text(body.get('system'))}\n{block_text(last.get('content'))}"
    return ChatReply(text=_json_answer(asked) or DEFAULT_TEXT, reasoning=reasoning)


def _thinking_on(body: dict[str, Any]) -> bool:
    return (body.get("thinking") or {}).get("type") in ("enabled", "adaptive")


def _tool_to_call(body: dict[str, Any]) -> dict[str, Any] | None:
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    choice = body.get("tool_choice") or {}
    if not tools or choice.get("type") == "none":
        return None
    if choice.get("type") == "tool":
        return next((t for t in tools if t.get("name") == choice.get("name")), tools[0])
    return tools[0]


def _json_answer(asked: str) -> str | None:
    if "JSON" not in asked:
        return None
    schema = schema_in_text(asked)
    if schema is not None:
        return json.dumps(schema_instance(schema))
    return json.dumps({"message": DEFAULT_TEXT})


def answer_blocks(reply: ChatReply, first_call: int, max_tokens: int) -> tuple[list, str]:
    """The content blocks of `reply` and its stop reason; text past `max_tokens` words is cut."""
    blocks: list[dict[str, Any]] = []
    if reply.reasoning:
        signature = f"sig-{count_words(reply.reasoning)}"
        blocks.append({"type": "thinking", "thinking": reply.reasoning, "signature": signature})
    text, stop_reason = reply.text, "tool_use" if reply.tool_calls else "end_turn"
    if reply.finish_reason is None and len(text.split()) > max_tokens:
        text = "".join(split_text(text, None)[:max_tokens]).rstrip()
        stop_reason = "max_tokens"
    if text:
        blocks.append({"type": "text", "text": text})
    for n, call in enumerate(reply.tool_calls, start=first_call):
        arguments = call.get("arguments", {})
        if isinstance(arguments, str):
            arguments = json.loads(arguments or "{}")
        blocks.append(
            {"type": "tool_use", "id": f"toolu_{n:02d}", "name": call["name"], "input": arguments}
        )
    if reply.finish_reason:
        stop_reason = STOP_REASONS.get(reply.finish_reason, reply.finish_reason)
    return blocks, stop_reason


def usage_for(body: dict[str, Any], reply: ChatReply, content: list[dict]) -> dict[str, int]:
    """``input_tokens``/``output_tokens`` by word counts, overridden by scripted numbers.

    Scripted usage may use the contract's names (``prompt_tokens``, ``completion_tokens``) or
    Anthropic's, and may add ``cache_read_input_tokens``/``cache_creation_input_tokens``.
    """
    prompt = [system_text(body.get("system"))]
    prompt += [block_text(m.get("content")) for m in body["messages"]]
    answer = [b.get("text") or b.get("thinking") or json.dumps(b.get("input")) for b in content]
    usage = {
        "input_tokens": count_words(" ".join(prompt)),
        "output_tokens": count_words(" ".join(answer)),
    }
    scripted = reply.usage or {}
    for ours, theirs in (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens")):
        value = scripted.get(theirs, scripted.get(ours))
        if value is not None:
            usage[theirs] = int(value)
    for cache in ("cache_read_input_tokens", "cache_creation_input_tokens"):
        if scripted.get(cache) is not None:
            usage[cache] = int(scripted[cache])
    return usage


def message_body(turn: Turn) -> dict[str, Any]:
    """A non-streaming ``message`` object."""
    return {
        "id": turn.id,
        "type": "message",
        "role": "assistant",
        "model": turn.model,
        "content": turn.content,
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": _full_usage(turn.usage),
    }


def _full_usage(usage: dict[str, int]) -> dict[str, Any]:
    return {
        "input_tokens": usage["input_tokens"],
        "cache_creation_input_tokens": usage.get("cache_creation_input_tokens", 0),
        "cache_read_input_tokens": usage.get("cache_read_input_tokens", 0),
        "output_tokens": usage["output_tokens"],
        "service_tier": "standard",
    }


def stream_events(turn: Turn) -> tuple[bytes, ...]:
    """The SSE events of a streamed answer: ``message_start`` ... ``message_stop``."""
    start = {**message_body(turn), "content": [], "stop_reason": None}
    start["usage"] = {**_full_usage(turn.usage), "output_tokens": 1}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "ping"},
    ]
    for index, block in enumerate(turn.content):
        events += _block_events(index, block, turn.chunks)
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": turn.stop_reason, "stop_sequence": None},
            "usage": {"output_tokens": turn.usage["output_tokens"]},
        }
    )
    events.append({"type": "message_stop"})
    return tuple(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def _block_events(index: int, block: dict[str, Any], chunks: int | None) -> list[dict]:
    """``content_block_start``, its deltas and ``content_block_stop`` for one block."""
    kind = block["type"]
    if kind == "text":
        empty = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in split_text(block["text"], chunks)]
    elif kind == "thinking":
        empty = {"type": "thinking", "thinking": "", "signature": ""}
        pieces = split_text(block["thinking"], None)
        deltas = [{"type": "thinking_delta", "thinking": p} for p in pieces]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    else:
        empty = {**block, "input": {}}
        pieces = split_text(json.dumps(block["input"]), 2)
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in pieces]
    return [
        {"type": "content_block_start", "index": index, "content_block": empty},
        *({"type": "content_block_delta", "index": index, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": index},
    ]
