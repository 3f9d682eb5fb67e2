"""OpenAI's Responses API (``POST {base}/responses``) as pure functions: no I/O, no client.

Requests: system and developer messages become ``instructions``; the other OpenAI chat
messages become ``input`` items: ``{"type": "message", "role", "content"}`` (text parts as
``input_text``, ``image_url`` parts as ``input_image``), each assistant tool call a
``function_call`` item (``call_id``, ``name``, ``arguments`` as JSON text) and each ``tool``
message a ``function_call_output`` item. Tools are flat (``{"type": "function", "name",
"description", "parameters", "strict"}``); the token limit is ``max_output_tokens``; reasoning
effort is ``reasoning: {"effort"}``.

Two dialects: OpenAI's own asks for JSON with ``text: {"format": ...}`` (``json_schema`` with
``name``/``schema``/``strict``, or ``json_object``) and takes ``temperature``, ``top_p`` and
``tool_choice``; Perplexity's Agent API asks with ``response_format: {"type": "json_schema",
"json_schema": {"name", "schema"}}``, has no JSON-object mode and takes no sampling options
or ``tool_choice`` (its request schema lists none).

Answers: ``output`` items (``message`` with ``output_text``/``refusal`` parts,
``function_call``, ``reasoning`` with ``summary``/``content`` texts; others such as search
results are skipped), ``usage.input_tokens``/``output_tokens``, and ``status`` with
``incomplete_details.reason`` for the stop reason. Streams are server-sent events whose JSON
``type`` is ``response.output_text.delta``..., ending with ``response.completed`` (or
``response.incomplete``); ``response.failed`` and ``error`` events report errors.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from ._openai_wire import (
    Malformed,
    extra_body,
    json_request,
    parse_tool_calls,
    schema_instruction,
)
from ._openai_wire import usage_counts as openai_usage_counts

__all__ = ["DIALECTS", "Answer", "Dialect", "StreamError", "StreamState", "build_payload"]


@dataclass(frozen=True)
class Dialect:
    """What one server of the Responses API takes beyond the common core."""

    name: str
    #: Where a JSON request goes: ``"text"`` (``text.format``) or ``"response_format"``.
    json_field: str
    #: ``json_object`` exists (else JSON without a schema is asked for in the prompt).
    json_object: bool
    #: ``temperature``/``top_p`` and ``tool_choice`` are accepted.
    sampling: bool
    tool_choice: bool
    #: Options passed on under the same name when the caller gives them.
    passthrough: tuple[str, ...] = ()


DIALECTS = {
    # https://platform.openai.com/docs/api-reference/responses/create
    "openai": Dialect(
        "openai",
        "text",
        json_object=True,
        sampling=True,
        tool_choice=True,
        passthrough=("parallel_tool_calls", "service_tier", "user", "metadata", "store"),
    ),
    # https://docs.perplexity.ai/api-reference/responses-post (ResponsesRequest)
    "perplexity": Dialect(
        "perplexity",
        "response_format",
        json_object=False,
        sampling=False,
        tool_choice=False,
        passthrough=("language_preference", "max_steps", "models", "preset"),
    ),
}

#: ``incomplete_details.reason`` -> normalized stop reason.
INCOMPLETE_REASONS = {"max_output_tokens": "max_tokens", "content_filter": "content_filter"}


class StreamError(Exception):
    """An error reported inside a stream accepted with 200 (the provider's message)."""


def build_payload(
    messages: list[dict[str, Any]],
    *,
    model: str,
    options: dict[str, Any],
    dialect: Dialect,
    tools: list[dict[str, Any]] | None = None,
    caps: Any = None,
    native_json: bool = True,
    native_schema: bool = True,
    send_temperature: bool = True,
    stream: bool = False,
) -> dict[str, Any]:
    """The ``/responses`` body for one call; nothing passed in is changed."""
    schema = options.get("json_schema")
    kind = None
    if options.get("json_mode") or schema is not None:
        kind = json_request(
            caps,
            schema,
            json_mode=native_json and dialect.json_object,
            json_schema=native_schema,
        )
    instructions, items = to_input(messages)
    if (options.get("json_mode") or schema is not None) and (
        kind is None or (schema is not None and kind != "json_schema")
    ):
        instructions.append(schema_instruction(schema))
    payload: dict[str, Any] = {"model": model, "input": items}
    if instructions:
        payload["instructions"] = "\n\n".join(instructions)
    if kind is not None:
        payload[dialect.json_field] = json_format(dialect, kind, schema)
    if tools:
        payload["tools"] = [to_tool(tool) for tool in tools]
        choice = to_tool_choice(options.get("tool_choice"))
        if choice is not None and dialect.tool_choice:
            payload["tool_choice"] = choice
    if options.get("max_tokens") is not None:
        payload["max_output_tokens"] = options["max_tokens"]
    if dialect.sampling and send_temperature:
        payload.update(
            {k: options[k] for k in ("temperature", "top_p") if options.get(k) is not None}
        )
    effort = options.get("reasoning_effort")
    if effort is not None:
        payload["reasoning"] = {"effort": effort}
    payload.update({k: options[k] for k in dialect.passthrough if options.get(k) is not None})
    if stream:
        payload["stream"] = True
    payload.update(extra_body(options))
    return payload


def json_format(dialect: Dialect, kind: str, schema: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON request under the dialect's field (`kind` from `json_request`)."""
    if kind != "json_schema":
        return {"format": {"type": "json_object"}}
    from ..cost_mixin import prepare_strict_schema

    strict = prepare_strict_schema(schema or {})
    if dialect.json_field == "response_format":
        return {"type": "json_schema", "json_schema": {"name": "extraction", "schema": strict}}
    return {
        "format": {"type": "json_schema", "name": "extraction", "schema": strict, "strict": True}
    }


def to_input(messages: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """(the system texts, the ``input`` items) of OpenAI chat messages, as fresh copies."""
    instructions: list[str] = []
    items: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role", "user")
        content = message.get("content")
        if role in ("system", "developer"):
            text = _text_of(content)
            if text:
                instructions.append(text)
        elif role == "tool":
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": str(message.get("tool_call_id") or ""),
                    "output": _text_of(content),
                }
            )
        else:
            if content not in (None, "", []):
                items.append({"type": "message", "role": role, "content": _content(content)})
            for call in message.get("tool_calls") or [] if role == "assistant" else []:
                items.append(_function_call(call))
    return instructions, items


def _content(content: Any) -> Any:
    if not isinstance(content, list):
        return content if isinstance(content, str) else str(content)
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append({"type": "input_text", "text": part})
        elif part.get("type") == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            parts.append({"type": "input_image", "image_url": url})
        elif part.get("type") in ("text", "input_text"):
            parts.append({"type": "input_text", "text": part.get("text") or ""})
        else:
            parts.append(copy.deepcopy(part))
    return parts


def _text_of(content: Any) -> str:
    if isinstance(content, list):
        return "\n".join(
            p.get("text") or "" for p in content if isinstance(p, dict) and "text" in p
        )
    return "" if content is None else str(content)


def _function_call(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    arguments = function.get("arguments")
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments or {})
    return {
        "type": "function_call",
        "call_id": str(call.get("id") or ""),
        "name": function.get("name", ""),
        "arguments": arguments,
    }


def to_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI chat tool in the flat Responses shape (not strict unless it says so)."""
    function = tool.get("function")
    if not isinstance(function, dict):
        return copy.deepcopy(tool)  # already flat, or a built-in tool such as web_search
    flat = {"type": "function", "name": function.get("name", "")}
    if function.get("description"):
        flat["description"] = function["description"]
    flat["parameters"] = copy.deepcopy(function.get("parameters") or {"type": "object"})
    flat["strict"] = bool(function.get("strict", False))
    return flat


def to_tool_choice(choice: Any) -> Any:
    """``auto``/``none``/``required`` as they are; a named function flat; else None."""
    if choice in ("auto", "none", "required"):
        return choice
    if choice == "any":
        return "required"
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        return {"type": "function", "name": name} if name else None
    return None


@dataclass
class Answer:
    """What a response (or a whole stream) said."""

    text: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    status: str | None = None
    incomplete_reason: str | None = None
    refused: bool = False
    usage: dict[str, Any] = field(default_factory=dict)

    @property
    def stop_reason(self) -> str:
        if self.status == "incomplete":
            return INCOMPLETE_REASONS.get(self.incomplete_reason or "", "error")
        if self.status not in (None, "completed"):
            return "error"  # failed, cancelled, or still in progress
        if self.refused:
            return "content_filter"
        return "tool_use" if self.tool_calls else "end_turn"


def usage_counts(usage: Any) -> tuple[int, int, int]:
    """``(prompt, completion, total)`` from ``input_tokens``/``output_tokens``."""
    return openai_usage_counts(usage, ("input_tokens", "output_tokens"))


def parse_response(raw: Any) -> Answer:
    """The `Answer` of a response object; `Malformed` (a ValueError) when it is not one."""
    if not isinstance(raw, dict):
        raise Malformed("the body is not a JSON object")
    output = raw.get("output")
    if not isinstance(output, list):
        raise Malformed("output is not a list")
    status = raw.get("status")
    if status is not None and not isinstance(status, str):
        raise Malformed("status is not a string")
    details = raw.get("incomplete_details") or {}
    if not isinstance(details, dict):
        raise Malformed("incomplete_details is not an object")
    answer = Answer(status=status, incomplete_reason=details.get("reason"))
    answer.usage = raw.get("usage") or {}
    usage_counts(answer.usage)  # checked now, while the body is at hand
    calls = []
    for item in output:
        if not isinstance(item, dict):
            raise Malformed("an output item is not an object")
        kind = item.get("type")
        if kind == "message":
            _read_message(answer, item)
        elif kind == "function_call":
            calls.append(
                {
                    "id": item.get("call_id") or item.get("id") or "",
                    "function": {"name": item.get("name"), "arguments": item.get("arguments")},
                }
            )
        elif kind == "reasoning":
            answer.reasoning += _reasoning_text(item)
    answer.tool_calls = parse_tool_calls(calls)
    return answer


def _read_message(answer: Answer, item: dict[str, Any]) -> None:
    content = item.get("content") or []
    if not isinstance(content, list):
        raise Malformed("a message's content is not a list")
    for part in content:
        if not isinstance(part, dict):
            raise Malformed("a content part is not an object")
        text = part.get("text") if part.get("type") == "output_text" else part.get("refusal")
        if part.get("type") not in ("output_text", "refusal"):
            continue
        if not isinstance(text, str):
            raise Malformed(f"a {part.get('type')} part holds no text")
        answer.text += text
        answer.refused = answer.refused or part.get("type") == "refusal"


def _reasoning_text(item: dict[str, Any]) -> str:
    parts = [*(item.get("summary") or []), *(item.get("content") or [])]
    return "".join(p.get("text") or "" for p in parts if isinstance(p, dict))


def error_text(error: Any) -> str:
    """The message of an ``error`` object (or event)."""
    if isinstance(error, dict):
        return str(error.get("message") or error.get("code") or "unknown error")
    return str(error or "unknown error")


class StreamState:
    """Folds stream events into text deltas and the final `Answer`; `events` counts them."""

    def __init__(self) -> None:
        self.answer = Answer()
        self.events = 0
        #: Whether ``response.completed`` (or ``.incomplete``) arrived: else the stream was cut.
        self.finished = False
        self._text = ""
        self._reasoning = ""

    def feed(self, data: str) -> str | None:
        """Take one SSE data payload; return the text delta it carries, if any."""
        event = json.loads(data)
        if not isinstance(event, dict):
            raise Malformed("a stream event is not a JSON object")
        self.events += 1
        kind = event.get("type")
        if kind == "response.output_text.delta":
            delta = event.get("delta")
            if not isinstance(delta, str):
                raise Malformed("an output_text delta is not text")
            self._text += delta
            return delta or None
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            self._reasoning += str(event.get("delta") or "")
        elif kind in ("response.completed", "response.incomplete"):
            self._finish(event.get("response"))
        elif kind == "response.failed":
            raise StreamError(error_text((event.get("response") or {}).get("error")))
        elif kind == "error":
            raise StreamError(error_text(event.get("error") or event))
        return None

    def _finish(self, response: Any) -> None:
        answer = parse_response(response)
        # The deltas are what the caller saw; the final object fills in what was not streamed.
        answer.text = self._text or answer.text
        answer.reasoning = self._reasoning or answer.reasoning
        self.answer = answer
        self.finished = True
