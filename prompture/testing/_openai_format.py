"""The server side of the OpenAI chat-completions wire format as pure functions: what to answer
when nothing is scripted, usage counting, completion bodies and SSE chunks."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .._compat import Self
from ._fake_values import schema_instance, tool_arguments

DEFAULT_TEXT = "Hello from the local OpenAI-compatible server."
#: The contract's normalized stop reasons as OpenAI finish reasons (native names pass as is).
FINISH_REASONS = {
    "end_turn": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "content_filter": "content_filter",
}
#: Splits text before each word, keeping the whitespace: the pieces join back exactly.
_WORD_BOUNDARY = re.compile(r"(?<=\s)(?=\S)")


@dataclass(frozen=True)
class ChatReply:
    """What the server answers to one chat completion, scripted or made up."""

    text: str = ""
    #: ``{"name", "arguments": dict | str}`` each; ids are given when the reply is sent.
    tool_calls: tuple[dict[str, Any], ...] = ()
    reasoning: str | None = None
    #: A normalized stop reason (``end_turn``, ``max_tokens``...) or an OpenAI finish reason.
    finish_reason: str | None = None
    #: Usage numbers overriding the word counts (missing ones are counted).
    usage: dict[str, int] | None = None
    #: Number of SSE content deltas; None means one per word.
    chunks: int | None = None


@dataclass(frozen=True)
class Turn:
    """A reply made concrete: completion id, model, tool-call ids and usage settled."""

    id: str
    model: str
    created: int
    reply: ChatReply
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)

    @property
    def finish_reason(self) -> str:
        if self.reply.finish_reason:
            return FINISH_REASONS.get(self.reply.finish_reason, self.reply.finish_reason)
        return "tool_calls" if self.tool_calls else "stop"


def default_reply(body: dict[str, Any]) -> ChatReply:
    """The answer to an unscripted request: a tool call, the tool's echo, JSON, or a greeting."""
    messages = body.get("messages") or []
    last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
    tools = body.get("tools") if body.get("tool_choice") != "none" else None
    if last.get("role") == "tool":
        return ChatReply(text=f"The tool said: {message_text(last.get('content'))}")
    if isinstance(tools, list) and tools and isinstance(tools[0], dict):
        function = tools[0].get("function") or {}
        arguments = tool_arguments(function.get("parameters"))
        return ChatReply(tool_calls=({"name": function.get("name", ""), "arguments": arguments},))
    json_text = _json_answer(body.get("response_format"))
    return ChatReply(text=json_text if json_text is not None else DEFAULT_TEXT)


def _json_answer(response_format: Any) -> str | None:
    if not isinstance(response_format, dict):
        return None
    if response_format.get("type") == "json_object":
        return json.dumps({"message": DEFAULT_TEXT})
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        return json.dumps(schema_instance(schema))
    return None


def message_text(content: Any) -> str:
    """The text of a message content: a string, or the text blocks of a content list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = (b.get("text") for b in content if isinstance(b, dict))
        return " ".join(t for t in texts if isinstance(t, str))
    return ""


def count_words(text: str) -> int:
    return max(1, len(text.split()))


def usage_for(
    body: dict[str, Any], reply: ChatReply, calls: list[dict[str, Any]]
) -> dict[str, int]:
    """Usage by word counts (at least 1 each), overridden by the reply's scripted numbers."""
    prompt_text = " ".join(
        message_text(m.get("content")) for m in body.get("messages") or [] if isinstance(m, dict)
    )
    answer = " ".join([reply.text, *(c["function"]["arguments"] for c in calls)])
    usage = {"prompt_tokens": count_words(prompt_text), "completion_tokens": count_words(answer)}
    usage.update(reply.usage or {})
    if not reply.usage or "total_tokens" not in reply.usage:
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    return usage


def tool_call_object(call_id: str, call: dict[str, Any]) -> dict[str, Any]:
    """One tool call in OpenAI format, arguments JSON-encoded."""
    arguments = call.get("arguments", {})
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments)
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": call["name"], "arguments": arguments},
    }


def completion_body(turn: Turn) -> dict[str, Any]:
    """A non-streaming ``chat.completion`` object."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": turn.reply.text or (None if turn.tool_calls else ""),
    }
    if turn.tool_calls:
        message["tool_calls"] = turn.tool_calls
    if turn.reply.reasoning:
        message["reasoning_content"] = turn.reply.reasoning
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": turn.finish_reason}
    return {**_envelope(turn, "chat.completion"), "choices": [choice], "usage": turn.usage}


def stream_chunks(turn: Turn, include_usage: bool) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed answer, in order."""
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if turn.reply.reasoning:
        deltas += [{"reasoning_content": p} for p in split_text(turn.reply.reasoning, None)]
    deltas += [{"content": p} for p in split_text(turn.reply.text, turn.reply.chunks)]
    deltas += [_tool_call_delta(i, call) for i, call in enumerate(turn.tool_calls)]
    chunks = [_chunk(turn, delta, None) for delta in deltas]
    chunks.append(_chunk(turn, {}, turn.finish_reason))
    if include_usage:
        for chunk in chunks:
            chunk["usage"] = None
        chunks.append(
            {**_envelope(turn, "chat.completion.chunk"), "choices": [], "usage": turn.usage}
        )
    return chunks


def sse_events(chunks: list[dict[str, Any]]) -> tuple[bytes, ...]:
    """One ``data: ...`` server-sent event per chunk, then ``data: [DONE]``."""
    events = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks]
    return (*events, b"data: [DONE]\n\n")


def split_text(text: str, chunks: int | None) -> list[str]:
    """`text` cut into pieces that join back to it: per word, or into `chunks` even parts."""
    if not text:
        return []
    if chunks is None:
        return _WORD_BOUNDARY.split(text)
    count = max(1, min(chunks, len(text)))
    size, extra = divmod(len(text), count)
    bounds = [i * size + min(i, extra) for i in range(count + 1)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def _tool_call_delta(index: int, call: dict[str, Any]) -> dict[str, Any]:
    return {"tool_calls": [{"index": index, **call}]}


def _chunk(turn: Turn, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
    return {**_envelope(turn, "chat.completion.chunk"), "choices": [choice]}


def _envelope(turn: Turn, kind: str) -> dict[str, Any]:
    return {
        "id": turn.id,
        "object": kind,
        "created": turn.created,
        "model": turn.model,
        "system_fingerprint": "fp_prompture_test",
    }


class ChatScripted:
    """`script`, for the local servers that answer chat turns: the answer to the next request
    as a `ChatReply` (FIFO, one per request). How each field goes out on the wire is the
    server's to say (its class docstring)."""

    def script(
        self,
        text: str = "",
        *,
        tool_calls: list[dict[str, Any]] | None = None,
        reasoning: str | None = None,
        finish_reason: str | None = None,
        usage: dict[str, int] | None = None,
        chunks: int | None = None,
    ) -> Self:
        """Queue the answer to the next request.

        `tool_calls`: ``[{"name": ..., "arguments": {...}}]``. `reasoning`: the model's
        thinking. `finish_reason`: a normalized stop reason (``end_turn``, ``tool_use``,
        ``max_tokens``, ``content_filter``) or the wire's own. `usage` (``prompt_tokens``,
        ``completion_tokens``) overrides the counted numbers. `chunks`: how many pieces a
        streamed text is cut into (default: one per word).
        """
        reply = ChatReply(
            text=text,
            tool_calls=tuple(tool_calls or ()),
            reasoning=reasoning,
            finish_reason=finish_reason,
            usage=dict(usage) if usage else None,
            chunks=chunks,
        )
        return self._push_script(reply)  # type: ignore[attr-defined]  (a LocalServer's)
