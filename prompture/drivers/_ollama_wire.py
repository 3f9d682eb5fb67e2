"""Ollama's native chat API (``POST /api/chat``) as pure functions: no I/O, no client.

Requests: OpenAI-style messages become Ollama messages (string ``content``, base64 ``images``,
tool calls with object arguments, tool results named by ``tool_name``); sampling goes under
``options``, since Ollama silently ignores it at the top level; JSON mode is ``format: "json"``
and a schema is sent as ``format`` itself; ``stream`` is always explicit (Ollama streams when
it is absent). Answers: one JSON object, or NDJSON lines ending with a ``done: true`` line that
carries the counts. Sync and async drivers share all of it, so they cannot drift apart.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any
from urllib.parse import unquote_to_bytes

from ..exceptions import DriverError

#: Prompture option -> key under Ollama's ``options``. ``num_ctx`` matters: Ollama's default
#: context is a few thousand tokens and it silently drops the start of longer prompts.
SAMPLING_OPTIONS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "top_k": "top_k",
    "max_tokens": "num_predict",
    "seed": "seed",
    "stop": "stop",
    "num_ctx": "num_ctx",
}
#: Ollama ``done_reason`` -> normalized stop reason; normalized names pass through, anything
#: else (``load``, ``unload``) ends a turn normally.
DONE_REASONS = {"stop": "end_turn", "length": "max_tokens"}
NORMALIZED_STOP_REASONS = frozenset({"end_turn", "tool_use", "max_tokens", "content_filter"})
#: OpenAI's newer name for the system role; Ollama knows only system/user/assistant/tool.
_ROLE_ALIASES = {"developer": "system"}


class StreamError(Exception):
    """Ollama reported an error in the middle of a stream (an ``{"error": ...}`` line)."""


def build_payload(
    model: str,
    messages: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    tools: list[dict[str, Any]] | None = None,
    stream: bool = False,
    send_temperature: bool = True,
) -> dict[str, Any]:
    """The ``/api/chat`` body for one call; `messages`, `options` and `tools` stay untouched."""
    payload: dict[str, Any] = {
        "model": model,
        "messages": to_ollama_messages(messages),
        "stream": stream,
    }
    sampling = sampling_options(options, send_temperature=send_temperature)
    if sampling:
        payload["options"] = sampling
    output = output_format(options)
    if output is not None:
        payload["format"] = output
    if tools and options.get("tool_choice") != "none":  # Ollama has no tool_choice
        payload["tools"] = copy.deepcopy(tools)
    if options.get("think") is not None:
        payload["think"] = options["think"]
    return payload


def sampling_options(options: dict[str, Any], *, send_temperature: bool = True) -> dict[str, Any]:
    """The Prompture options that belong under Ollama's ``options``, renamed."""
    sampling = {}
    for ours, theirs in SAMPLING_OPTIONS.items():
        value = options.get(ours)
        if value is None or (ours == "temperature" and not send_temperature):
            continue
        sampling[theirs] = [value] if ours == "stop" and isinstance(value, str) else value
    return copy.deepcopy(sampling)


def output_format(options: dict[str, Any]) -> str | dict[str, Any] | None:
    """``format``: the schema itself, ``"json"`` for JSON mode, or None."""
    schema = options.get("json_schema")
    if schema is not None:
        return copy.deepcopy(schema)
    return "json" if options.get("json_mode") else None


def to_ollama_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI-style messages as Ollama messages (new dicts; the input is not changed).

    A ``tool`` message gets the ``tool_name`` of the call it answers, found by its
    ``tool_call_id`` among the earlier assistant turns' tool calls.
    """
    names: dict[str, str] = {}
    converted = []
    for message in messages:
        role = _ROLE_ALIASES.get(message.get("role", "user"), message.get("role", "user"))
        text, images = split_content(message.get("content"))
        out: dict[str, Any] = {"role": role, "content": text}
        if images:
            out["images"] = images
        if message.get("tool_calls"):
            out["tool_calls"] = [_tool_call_out(call) for call in message["tool_calls"]]
            for call, sent in zip(message["tool_calls"], out["tool_calls"], strict=True):
                names[str(call.get("id"))] = sent["function"]["name"]
        if role == "tool":
            name = message.get("name") or names.get(str(message.get("tool_call_id")))
            if name:
                out["tool_name"] = name
        converted.append(out)
    return converted


def split_content(content: Any) -> tuple[str, list[str]]:
    """``(text, base64 images)`` of an OpenAI message content (a string or a block list)."""
    if content is None:
        return "", []
    if isinstance(content, str):
        return content, []
    texts, images = [], []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        elif block.get("type") == "image_url":
            image = block.get("image_url")
            images.append(image_base64(image.get("url", "") if isinstance(image, dict) else image))
    return "\n".join(texts), images


def image_base64(url: str) -> str:
    """The base64 payload Ollama wants from a data URL (bare base64 passes through)."""
    if url.startswith("data:"):
        header, _, data = url.partition(",")
        if header.endswith(";base64"):
            return data
        return base64.b64encode(unquote_to_bytes(data)).decode("ascii")
    if url.startswith(("http://", "https://")):
        raise DriverError(
            "Ollama takes images inline: pass a base64 data URL (data:image/png;base64,...) "
            "instead of a web address."
        )
    return url


def _tool_call_out(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    arguments = function.get("arguments")
    return {"function": {"name": function.get("name", ""), "arguments": arguments_dict(arguments)}}


def arguments_dict(arguments: Any) -> dict[str, Any]:
    """Tool-call arguments as a dict: Ollama sends and takes objects, OpenAI JSON strings."""
    if isinstance(arguments, dict):
        return copy.deepcopy(arguments)
    if isinstance(arguments, str) and arguments.strip():
        try:
            value = json.loads(arguments)
        except json.JSONDecodeError:
            return {"_raw": arguments}
        return value if isinstance(value, dict) else {"_raw": arguments}
    return {}


def parse_tool_calls(raw_calls: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Ollama tool calls as ``{"id", "name", "arguments": dict}``; ids are made up if absent."""
    calls = []
    for call in raw_calls or []:
        function = call.get("function") or {}
        calls.append(
            {
                "id": str(call.get("id") or f"call_{uuid.uuid4().hex[:24]}"),
                "name": function.get("name", ""),
                "arguments": arguments_dict(function.get("arguments")),
            }
        )
    return calls


def stop_reason(done_reason: str | None, *, has_tool_calls: bool) -> str:
    """The normalized stop reason: ``tool_use`` when tools were called (Ollama says ``stop``)."""
    if has_tool_calls:
        return "tool_use"
    if done_reason in NORMALIZED_STOP_REASONS:
        return done_reason
    return DONE_REASONS.get(done_reason or "", "end_turn")


def usage_counts(raw: dict[str, Any]) -> tuple[int, int, int]:
    """``(prompt, completion, total)`` tokens from ``prompt_eval_count``/``eval_count``."""
    prompt = int(raw.get("prompt_eval_count") or 0)
    completion = int(raw.get("eval_count") or 0)
    return prompt, completion, prompt + completion


def read_message(raw: Any) -> dict[str, Any]:
    """The ``message`` of a chat answer; `ValueError` when the answer has none."""
    message = raw.get("message") if isinstance(raw, dict) else None
    if not isinstance(message, dict):
        raise ValueError("the answer has no message object")
    return message


class StreamAccumulator:
    """Folds NDJSON lines into deltas and the final text, thinking, tool calls and counts."""

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.thinking_parts: list[str] = []
        self.raw_tool_calls: list[dict[str, Any]] = []
        #: The ``done: true`` line (done reason and counts), once it arrived.
        self.final: dict[str, Any] | None = None

    @property
    def finished(self) -> bool:
        return self.final is not None

    def feed(self, line: str | bytes) -> str | None:
        """Take one NDJSON line; return the text delta it carries, if any.

        Raises `ValueError` for a line that is not a JSON object and `StreamError` for an
        error line.
        """
        if isinstance(line, bytes):
            line = line.decode("utf-8")
        if not line.strip():
            return None
        chunk = json.loads(line)
        if not isinstance(chunk, dict):
            raise ValueError("a stream line is not a JSON object")
        if chunk.get("error"):
            raise StreamError(str(chunk["error"]))
        message = chunk.get("message") or {}
        if not isinstance(message, dict):
            raise ValueError("a stream line's message is not an object")
        if message.get("thinking"):
            self.thinking_parts.append(message["thinking"])
        self.raw_tool_calls.extend(message.get("tool_calls") or [])
        if chunk.get("done"):
            self.final = chunk
        content = message.get("content")
        if content:
            self.text_parts.append(content)
            return content
        return None
