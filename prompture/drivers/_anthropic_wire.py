"""Anthropic's Messages API as pure functions: no I/O, no SDK.

Prompture speaks OpenAI-style conversations; this module translates them into Messages
requests and the answers back, so the sync and async drivers share every rule:

- ``system`` messages go to the top-level ``system`` field; the rest become content blocks.
- ``image_url`` blocks become ``image`` blocks (data URLs: base64 source, else a URL source).
- Assistant ``tool_calls`` become ``tool_use`` blocks; ``role: "tool"`` messages become
  ``tool_result`` blocks in a user turn (consecutive turns of one role are merged, as the
  API wants tool results for one assistant turn in the next user turn).
- Tools in OpenAI function format become ``{"name", "description", "input_schema"}``.
- JSON schemas go out natively: ``output_config.format`` (the Messages API's structured
  output) for the models that have it (Claude 4.5 and later, or what the catalogue says), else
  a forced tool whose input is the answer; only with thinking on (which forbids forcing a
  tool), or for JSON without a schema, the request becomes an instruction at the end of the
  system prompt.
- Sampling parameters are never sent: API version 2026-10-21 (sent by anthropic SDK 2.x)
  rejects ``temperature``, ``top_p`` and ``top_k`` outright. ``stop``/``stop_sequences``
  become ``stop_sequences``, ``reasoning_effort`` becomes ``output_config.effort``, and
  ``extra_body`` is merged in last.
- Thinking blocks a tool-calling turn returned (kept by the driver in the result's
  ``thinking_blocks``, echoed back on the assistant message) go back before its ``tool_use``
  blocks, as the API requires when thinking is on.
- Answers: text blocks joined, thinking blocks as reasoning, ``tool_use`` blocks as tool calls,
  ``stop_reason`` normalized, usage with cache tokens counted as prompt tokens.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from ._openai_wire import STREAM_ERROR_FALLBACK, error_message, extra_body, schema_instruction

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
#: The forced tool that carries a JSON answer for models without ``output_config.format``.
JSON_TOOL = "json_answer"
#: Effort levels ``output_config.effort`` takes.
EFFORTS = ("low", "medium", "high", "xhigh", "max")
_CLAUDE_VERSION = re.compile(r"claude-(?:opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?=-|@|$)")


def supports_output_format(model: str, caps: Any) -> bool:
    """Whether ``output_config.format`` is available: the catalogue's word when it has one,
    else by the model id: Claude 4.5 and later (``claude-sonnet-4-5``, ``claude-opus-4-7``)
    yes, earlier Claudes (``claude-3-5-haiku``, ``claude-sonnet-4-0``) no, and an id that
    names no Claude version (an alias, a newer naming) yes."""
    known = getattr(caps, "supports_structured_output", None)
    if known is not None:
        return bool(known)
    if re.search(r"claude-\d", model):  # claude-3-opus, claude-3-5-sonnet...: before 4.5
        return False
    match = _CLAUDE_VERSION.search(model)
    if match is None:
        return True
    return (int(match.group(1)), int(match.group(2) or 0)) >= (4, 5)


def json_strategy(
    schema: dict[str, Any] | None,
    *,
    output_format: bool,
    thinking: bool,
    tools: bool,
    stream: bool,
) -> str | None:
    """``"output_format"``, ``"tool"`` (a forced tool) or ``"prompt"`` for a JSON request."""
    if schema is None:
        return "prompt"
    if output_format:
        return "output_format"
    if thinking or tools or stream:  # a forced tool needs thinking off and the tools free
        return "prompt"
    return "tool"


def strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` as structured output takes it: every object closed (``additionalProperties:
    false``) with all its properties required."""
    from ..cost_mixin import prepare_strict_schema

    return prepare_strict_schema(schema)


def build_payload(
    messages: list[dict[str, Any]],
    *,
    model: str,
    max_tokens: int,
    tools: list[dict[str, Any]] | None = None,
    tool_choice: Any = None,
    json_mode: bool = False,
    schema: dict[str, Any] | None = None,
    json_via: str | None = None,
    thinking: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    stream: bool = False,
) -> dict[str, Any]:
    """The keyword arguments of ``messages.create`` (the request body) for one call.

    `json_via` is what `json_strategy` chose for a JSON request (``"prompt"`` by default).
    """
    options = options or {}
    system, turns = split_system(messages)
    wants_json = json_mode or schema is not None
    via = (json_via or "prompt") if wants_json else None
    if via == "prompt":
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
    if via == "tool" and schema is not None:
        payload["tools"] = [
            {
                "name": JSON_TOOL,
                "description": "Give the answer as this tool's input.",
                "input_schema": copy.deepcopy(schema),
            }
        ]
        payload["tool_choice"] = {"type": "tool", "name": JSON_TOOL}
    output_config: dict[str, Any] = {}
    if via == "output_format" and schema is not None:
        output_config["format"] = {"type": "json_schema", "schema": strict_schema(schema)}
    if options.get("reasoning_effort") in EFFORTS:
        output_config["effort"] = options["reasoning_effort"]
    if output_config:
        payload["output_config"] = output_config
    stop = options.get("stop_sequences") or options.get("stop")
    if stop:
        payload["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if thinking:
        payload["thinking"] = thinking
    if stream:
        payload["stream"] = True
    payload.update(extra_body(options))
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
        thinking = [copy.deepcopy(b) for b in message.get("thinking_blocks") or []]
        blocks = [b for b in thinking if isinstance(b, dict)] + blocks
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
        _token_count(usage, key)
        for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    )
    completion = _token_count(usage, "output_tokens")
    return prompt, completion, prompt + completion


def cache_counts(usage: dict[str, Any] | None) -> tuple[int, int]:
    """Prompt tokens read from and written to the prompt cache."""
    usage = usage or {}
    read = _token_count(usage, "cache_read_input_tokens")
    return read, _token_count(usage, "cache_creation_input_tokens")


def _token_count(usage: dict[str, Any], key: str) -> int:
    value = usage.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise TypeError(f"usage.{key} is not a number")
    if value < 0:
        raise TypeError(f"usage.{key} is negative")
    return int(value)


def parse_message(raw: dict[str, Any], *, json_tool: bool = False) -> dict[str, Any]:
    """Text, reasoning, thinking blocks, tool calls, normalized stop reason and usage of a
    ``message`` body. With `json_tool`, the input of the forced `JSON_TOOL` call is the text.

    Raises KeyError or TypeError when `raw` is not a message (the caller's "malformed body").
    """
    blocks = raw["content"]
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise TypeError("content is not a list of blocks")
    text = "".join(_str(b.get("text")) for b in blocks if b.get("type") == "text")
    calls = [
        {"id": _str(b.get("id")), "name": _str(b.get("name")), "arguments": b.get("input") or {}}
        for b in blocks
        if b.get("type") == "tool_use"
    ]
    stop = raw.get("stop_reason")
    if stop is not None and not isinstance(stop, str):
        raise TypeError("stop_reason is not a string")
    stop_reason = normalize_stop_reason(stop)
    if json_tool and calls and calls[0]["name"] == JSON_TOOL:
        text, calls = json.dumps(calls[0]["arguments"]), []
        stop_reason = "end_turn" if stop_reason == "tool_use" else stop_reason
    usage = raw.get("usage") or {}
    if not isinstance(usage, dict):
        raise TypeError("usage is not an object")
    return {
        "text": text,
        "reasoning": "".join(
            _str(b.get("thinking")) for b in blocks if b.get("type") == "thinking"
        ),
        "thinking_blocks": [
            copy.deepcopy(b) for b in blocks if b.get("type") in ("thinking", "redacted_thinking")
        ],
        "tool_calls": calls,
        "stop_reason": stop_reason,
        "usage": usage,
    }


def _str(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("a text field is not a string")
    return value


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
