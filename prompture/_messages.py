"""Conversation messages as drivers take them: the OpenAI format, whatever the caller passed.

Drivers read assistant tool calls in the OpenAI shape (``{"id", "type": "function",
"function": {"name", "arguments": JSON string}}``), but callers naturally hand back the calls a
driver returned (``{"id", "name", "arguments": dict}``). `with_openai_tool_calls` accepts both,
so every driver gets the one shape it translates.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["openai_tool_call", "with_openai_tool_calls"]


def with_openai_tool_calls(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`messages` with assistant tool calls in the OpenAI shape (a new list; input untouched).

    Messages that need no change are passed through as they are, not copied.
    """
    return [_converted(message) for message in messages]


def openai_tool_call(call: dict[str, Any]) -> dict[str, Any]:
    """One tool call in the OpenAI shape; a call already in it is returned as is."""
    if not isinstance(call, dict) or "function" in call or "name" not in call:
        return call
    arguments = call.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps({} if arguments is None else arguments, ensure_ascii=False)
    converted = {key: value for key, value in call.items() if key not in ("name", "arguments")}
    converted.update(
        id=call.get("id") or "",
        type="function",
        function={"name": call["name"], "arguments": arguments},
    )
    return converted


def _converted(message: dict[str, Any]) -> dict[str, Any]:
    calls = message.get("tool_calls") if isinstance(message, dict) else None
    if not calls or message.get("role") != "assistant":
        return message
    converted = [openai_tool_call(call) for call in calls]
    if all(new is old for new, old in zip(converted, calls, strict=True)):
        return message
    return {**message, "tool_calls": converted}
