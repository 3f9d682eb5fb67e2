"""Anthropic's Messages API as pure functions: no I/O, no SDK.

Prompture speaks OpenAI-style conversations; this module translates them into Messages
requests and the answers back, so the sync and async drivers share every rule:

- ``system`` messages go to the top-level ``system`` field; the rest become content blocks.
- ``image_url`` blocks become ``image`` blocks (data URLs: base64 source, else a URL source).
- Assistant ``tool_calls`` become ``tool_use`` blocks; ``role: "tool"`` messages become
  ``tool_result`` blocks in a user turn (consecutive turns of one role are merged, as the
  API wants tool results for one assistant turn in the next user turn).
- Tools in OpenAI function format become ``{"name", "description", "input_schema"}``.
- JSON: Claude has no JSON mode (no ``response_format``), so a JSON request, with its schema
  when given, becomes an instruction at the end of the system prompt.
- Sampling parameters are never sent: API version 2026-10-21 (sent by anthropic SDK 2.x)
  rejects ``temperature``, ``top_p`` and ``top_k`` outright.
- Answers: text blocks joined, thinking blocks as reasoning, ``tool_use`` blocks as tool calls,
  ``stop_reason`` normalized, usage with cache tokens counted as prompt tokens.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ._openai_wire import STREAM_ERROR_FALLBACK, error_message, schema_instruction

#: Output tokens asked for when the caller gives no ``max_tokens`` (the API requires one);
#: also the cap on a model's own limit, so a default call stays cheap and quick.
DEFAULT_MAX_TOKENS = 4096
STOP_REASONS = {
    "end_turn": "end_turn",
    "stop_sequence": "end_turn",
    "pause_turn": "end_turn",
    "tool_use": "tool_use",
    "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens",
    "refusal": "content_filter",
}


def build_payload(
    messages: list[dict[str, Any]],
    *,
    model: str,
    max_tokens: int,
    tools: list[dict[str, Any]] | None = None,
    tool_choice: Any = None,
    json_mode: bool = False,
    schema: dict[str, Any] | None = None,
    thinking: dict[str, Any] | None = None,
    stream: bool = False,
) -> dict[str, Any]:
    """The keyword arguments of ``messages.create`` (the request body) for one call."""
    system, turns = split_system(messages)
    if json_mode or schema is not None:
        system = "\n\n".join(filter(None, [system, schema_instruction(schema)]))
    payload: dict[str, Any] = {"model": model, "max_tokens": max_tokens}
    if system:
        payload["system"] = system
    payload["messages"] = to_messages(turns)
    if tools:
        payload["tools"] = [to_tool(tool) for tool in tools]
        choice = to_tool_choice(tool_choice)
        if choice is not None:
            payload["tool_choice"] = choice
    if thinking:
        payload["thinking"] = thinking
    if stream:
        payload["stream"] = True
    return payload


def thinking_config(option: Any) -> dict[str, Any] | None:
    """``options["thinking"]``: a dict as is, a token budget, or True for adaptive thinking."""
    if isinstance(option, dict):
        return copy.deepcopy(option)
    if option is True:
        return {"type": "adaptive"}
    if isinstance(option, int) and option > 0:
        return {"type": "enabled", "budget_tokens": option}
    return None


def default_max_tokens(model_limit: int | None, thinking: dict[str, Any] | None) -> int:
    """``max_tokens`` when the caller gives none: room for a budgeted thinking block too."""
    limit = min(model_limit or DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOKENS)
    budget = (thinking or {}).get("budget_tokens")
    return limit + budget if isinstance(budget, int) else limit


def split_system(messages: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The system prompt (system and developer messages joined) and the other messages."""
    system = [m for m in messages if m.get("role") in ("system", "developer")]
    turns = [m for m in messages if m.get("role") not in ("system", "developer")]
    return "\n\n".join(filter(None, (text_of(m.get("content")) for m in system))), turns


def to_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """User, assistant and tool messages as Messages turns; same-role neighbours merged."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        role = "assistant" if message.get("role") == "assistant" else "user"
        blocks = _blocks_of(message)
        if not blocks:
            continue  # the API rejects empty turns
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def _blocks_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    if message.get("role") == "tool":
        return [tool_result_block(message)]
    blocks = content_blocks(message.get("content"))
    if message.get("role") == "assistant":
        blocks += [tool_use_block(call) for call in message.get("tool_calls") or []]
    return blocks


def content_blocks(content: Any) -> list[dict[str, Any]]:
    """A message content (a string or OpenAI-style parts) as Anthropic content blocks."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content.strip() else []
    blocks = []
    for part in content if isinstance(content, list) else []:
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "text":
            if str(part.get("text") or "").strip():
                blocks.append({"type": "text", "text": part["text"]})
        elif kind == "image_url":
            url = part.get("image_url")
            blocks.append(image_block(url.get("url", "") if isinstance(url, dict) else str(url)))
        else:  # already an Anthropic block (image, document...): passed through
            blocks.append(copy.deepcopy(part))
    return blocks


def image_block(url: str) -> dict[str, Any]:
    """An ``image`` block: base64 source for a data URL, URL source otherwise."""
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        media_type = header[5:].split(";", 1)[0] or "image/png"
        source = {"type": "base64", "media_type": media_type, "data": data}
    else:
        source = {"type": "url", "url": url}
    return {"type": "image", "source": source}


def tool_use_block(call: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI assistant tool call as a ``tool_use`` block."""
    function = call.get("function") or {}
    return {
        "type": "tool_use",
        "id": call.get("id", ""),
        "name": function.get("name", ""),
        "input": parse_arguments(function.get("arguments")),
    }


def tool_result_block(message: dict[str, Any]) -> dict[str, Any]:
    """A ``role: "tool"`` message as a ``tool_result`` block."""
    content = message.get("content")
    block = {"type": "tool_result", "tool_use_id": message.get("tool_call_id", "")}
    block["content"] = content_blocks(content) if isinstance(content, list) else str(content or "")
    return block


def parse_arguments(arguments: Any) -> dict[str, Any]:
    """Tool-call arguments as a dict (OpenAI sends them JSON-encoded)."""
    if isinstance(arguments, dict):
        return copy.deepcopy(arguments)
    if not isinstance(arguments, str) or not arguments.strip():
        return {}
    try:
        value = json.loads(arguments)
    except json.JSONDecodeError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_raw": arguments}


def to_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI function tool as an Anthropic tool (Anthropic tools pass through)."""
    if "input_schema" in tool or "function" not in tool:
        return copy.deepcopy(tool)
    function = tool["function"]
    converted = {"name": function.get("name", "")}
    if function.get("description"):
        converted["description"] = function["description"]
    parameters = function.get("parameters") or {"type": "object", "properties": {}}
    converted["input_schema"] = copy.deepcopy(parameters)
    return converted


def to_tool_choice(choice: Any) -> dict[str, Any] | None:
    """OpenAI ``tool_choice`` (``auto``/``none``/``required``/a named function) for Anthropic."""
    if choice is None:
        return None
    if isinstance(choice, str):
        return {"type": {"required": "any"}.get(choice, choice)}
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "tool", "name": (choice.get("function") or {}).get("name", "")}
    return copy.deepcopy(choice) if isinstance(choice, dict) else None


def text_of(content: Any) -> str:
    """The text of an OpenAI-style content: a string or the text parts joined."""
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list) else []
    texts = (p.get("text") for p in parts if isinstance(p, dict) and p.get("type") == "text")
    return "\n".join(t for t in texts if isinstance(t, str))


def normalize_stop_reason(stop_reason: str | None) -> str:
    if stop_reason is None:
        return "end_turn"
    return STOP_REASONS.get(stop_reason, "error")


def usage_counts(usage: dict[str, Any] | None) -> tuple[int, int, int]:
    """Prompt, completion and total tokens; cache writes and reads count as prompt tokens."""
    usage = usage or {}
    prompt = sum(
        int(usage.get(key) or 0)
        for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    completion = int(usage.get("output_tokens") or 0)
    return prompt, completion, prompt + completion


def parse_message(raw: dict[str, Any]) -> dict[str, Any]:
    """Text, reasoning, tool calls, normalized stop reason and usage of a ``message`` body.

    Raises KeyError or TypeError when `raw` is not a message (the caller's "malformed body").
    """
    blocks = raw["content"]
    if not isinstance(blocks, list):
        raise TypeError("content is not a list")
    return {
        "text": "".join(b.get("text", "") for b in blocks if b.get("type") == "text"),
        "reasoning": "".join(b.get("thinking", "") for b in blocks if b.get("type") == "thinking"),
        "tool_calls": [
            {"id": b.get("id", ""), "name": b.get("name", ""), "arguments": b.get("input") or {}}
            for b in blocks
            if b.get("type") == "tool_use"
        ],
        "stop_reason": normalize_stop_reason(raw.get("stop_reason")),
        "usage": raw.get("usage") or {},
    }


def stream_error_message(data: Any) -> str:
    """The provider's message in the data of an ``error`` event (``{"type": "error", "error":
    {"type", "message"}}``, or whatever text the event carried)."""
    message = error_message(data)
    if message is None and isinstance(data, str) and data.strip():
        message = data.strip()[:300]
    return message or STREAM_ERROR_FALLBACK


class StreamState:
    """Folds the SSE events of a streamed message into text deltas and the final result.

    `events` counts the events taken, so a stream without any can be told apart from an empty
    answer.
    """

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.reasoning_parts: list[str] = []
        self.usage: dict[str, Any] = {}
        self.stop_reason: str | None = None
        self.message_id = ""
        self.finished = False
        self.events = 0

    def feed(self, event: dict[str, Any]) -> str | None:
        """Take one event (as a dict); return the text delta it carries, if any."""
        self.events += 1
        kind = event.get("type")
        if kind == "message_start":
            message = event.get("message") or {}
            self.message_id = message.get("id") or ""
            self._add_usage(message.get("usage"))
        elif kind == "content_block_delta":
            return self._delta(event.get("delta") or {})
        elif kind == "message_delta":
            self.stop_reason = (event.get("delta") or {}).get("stop_reason") or self.stop_reason
            self._add_usage(event.get("usage"))
        elif kind == "message_stop":
            self.finished = True
        return None

    def _delta(self, delta: dict[str, Any]) -> str | None:
        if delta.get("type") == "thinking_delta" and delta.get("thinking"):
            self.reasoning_parts.append(delta["thinking"])
        elif delta.get("type") == "text_delta" and delta.get("text"):
            self.text_parts.append(delta["text"])
            return delta["text"]
        return None

    def _add_usage(self, usage: dict[str, Any] | None) -> None:
        """Later events carry cumulative counts; a None means "unchanged"."""
        self.usage.update({k: v for k, v in (usage or {}).items() if v is not None})

    def raw(self) -> dict[str, Any]:
        """A JSON-able summary of the stream for ``meta["raw_response"]``."""
        return {"id": self.message_id, "stop_reason": self.stop_reason, "usage": self.usage}
