"""The server side of Gemini's ``generateContent`` wire format as pure functions: reading a
request (field names in lowerCamelCase or snake_case, as Google's JSON parser accepts both),
the answer to an unscripted request, usage counting, response bodies and stream events."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from ._fake_values import schema_instance, tool_arguments
from ._openai_format import ChatReply, count_words, split_text

DEFAULT_TEXT = "Hello from the local Gemini server."
#: The contract's normalized stop reasons as Gemini ``finishReason`` values (native names pass
#: as is). Gemini ends a turn with function calls on ``STOP`` too.
FINISH_REASONS = {
    "end_turn": "STOP",
    "tool_use": "STOP",
    "max_tokens": "MAX_TOKENS",
    "content_filter": "SAFETY",
}
#: Google's canonical status name for each HTTP status (``error.status``).
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
#: Keys of a function response whose string value is "the" result of the tool.
_RESULT_KEYS = ("output", "result", "content")


def snake(name: str) -> str:
    """``maxOutputTokens`` -> ``max_output_tokens``."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def get(obj: Any, name: str, default: Any = None) -> Any:
    """``obj[name]`` under its lowerCamelCase or snake_case spelling, else `default`."""
    if not isinstance(obj, dict):
        return default
    if name in obj:
        return obj[name]
    return obj.get(snake(name), default)


def error_body(status: int, message: str, **fields: Any) -> dict[str, Any]:
    """Google's error shape: ``{"error": {"code", "message", "status"}}`` (plus `fields`)."""
    status_name = STATUS_NAMES.get(status, "INTERNAL" if status >= 500 else "UNKNOWN")
    return {"error": {"code": status, "message": message, "status": status_name, **fields}}


def contents(body: Any) -> list[dict[str, Any]]:
    return [c for c in get(body, "contents") or [] if isinstance(c, dict)]


def parts(content: Any) -> list[dict[str, Any]]:
    return [p for p in get(content, "parts") or [] if isinstance(p, dict)]


def part_texts(content: Any) -> list[str]:
    """The non-thought text parts of a content, in order."""
    return [
        p["text"] for p in parts(content) if isinstance(p.get("text"), str) and not p.get("thought")
    ]


def function_response_text(response: Any) -> str:
    """What a tool said: the string under ``output``/``result``/``content``, else the JSON."""
    if isinstance(response, dict) and len(response) == 1:
        [(key, value)] = response.items()
        if key in _RESULT_KEYS and isinstance(value, str):
            return value
    return json.dumps(response, sort_keys=True)


def function_responses(content: Any) -> list[dict[str, Any]]:
    """The ``functionResponse`` objects of a content."""
    return [r for r in (get(p, "functionResponse") for p in parts(content)) if isinstance(r, dict)]


def function_calls(content: Any) -> list[dict[str, Any]]:
    """The ``functionCall`` objects of a content."""
    return [c for c in (get(p, "functionCall") for p in parts(content)) if isinstance(c, dict)]


def declarations(body: Any) -> list[dict[str, Any]]:
    """Every function declaration offered, across all tools."""
    return [
        d
        for tool in get(body, "tools") or []
        for d in get(tool, "functionDeclarations") or []
        if isinstance(d, dict)
    ]


def declared_parameters(declaration: dict[str, Any]) -> Any:
    """A declaration's parameters as JSON schema (``parameters`` with types lower-cased)."""
    schema = get(declaration, "parametersJsonSchema")
    return schema if schema is not None else json_schema(get(declaration, "parameters"))


def response_schema(body: Any) -> dict[str, Any] | None:
    """The answer schema asked for (``responseSchema`` or ``responseJsonSchema``), as JSON
    schema with lower-case types; None when none was sent."""
    config = get(body, "generationConfig") or {}
    schema = get(config, "responseJsonSchema")
    if schema is None:
        schema = json_schema(get(config, "responseSchema"))
    return schema if isinstance(schema, dict) else None


def json_schema(schema: Any) -> Any:
    """A Gemini ``Schema`` read as JSON schema: ``OBJECT`` -> ``object``, snake_case keys in
    lowerCamelCase, ``propertyOrdering`` (a Gemini-only hint) dropped."""
    if isinstance(schema, list):
        return [json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {}
    for key, value in schema.items():
        name = _camel(key)
        if name == "propertyOrdering":
            continue
        if name == "type" and isinstance(value, str):
            converted[name] = value.lower()
        elif name == "properties" and isinstance(value, dict):
            converted[name] = {k: json_schema(v) for k, v in value.items()}
        elif name in ("items", "anyOf"):
            converted[name] = json_schema(value)
        else:
            converted[name] = value
    return converted


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def wants_json(body: Any) -> bool:
    config = get(body, "generationConfig") or {}
    return get(config, "responseMimeType") == "application/json"


def calling_disabled(body: Any) -> bool:
    config = get(get(body, "toolConfig"), "functionCallingConfig") or {}
    return str(get(config, "mode") or "").upper() == "NONE"


def default_reply(body: dict[str, Any]) -> ChatReply:
    """The answer to an unscripted request: a tool call, the tool's echo, JSON, or a greeting."""
    history = contents(body)
    responses = function_responses(history[-1]) if history else []
    if responses:
        said = ", ".join(function_response_text(get(r, "response")) for r in responses)
        return ChatReply(text=f"The tool said: {said}")
    offered = declarations(body)
    if offered and not calling_disabled(body):
        first = offered[0]
        arguments = tool_arguments(declared_parameters(first))
        return ChatReply(tool_calls=({"name": get(first, "name", ""), "arguments": arguments},))
    if wants_json(body):
        schema = response_schema(body)
        value = schema_instance(schema) if schema else {"message": DEFAULT_TEXT}
        return ChatReply(text=json.dumps(value))
    return ChatReply(text=DEFAULT_TEXT)


def prompt_text(body: Any) -> str:
    """All text of a request (system instruction, turns, tool results) for counting."""
    pieces = part_texts(get(body, "systemInstruction"))
    for content in contents(body):
        pieces += part_texts(content)
        pieces += [json.dumps(get(r, "response")) for r in function_responses(content)]
    return " ".join(pieces)


@dataclass(frozen=True)
class GeminiTurn:
    """One answer made concrete: model, response id, function-call parts and usage settled."""

    model: str
    response_id: str
    reply: ChatReply
    #: ``{"functionCall": {"name", "args"}, "thoughtSignature"?}`` parts.
    call_parts: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)

    @property
    def finish_reason(self) -> str:
        reason = self.reply.finish_reason or "STOP"
        return FINISH_REASONS.get(reason, reason)


def call_parts(reply: ChatReply, signature: str) -> list[dict[str, Any]]:
    """The reply's tool calls as ``functionCall`` parts; the first carries a thought signature,
    as Gemini 3 models send it (clients must echo it back with the call)."""
    result = []
    for index, call in enumerate(reply.tool_calls):
        arguments = call.get("arguments") or {}
        if isinstance(arguments, str):
            arguments = json.loads(arguments) if arguments.strip() else {}
        part: dict[str, Any] = {"functionCall": {"name": call["name"], "args": arguments}}
        if index == 0:
            part["thoughtSignature"] = base64.b64encode(signature.encode()).decode()
        result.append(part)
    return result


def usage_metadata(body: Any, reply: ChatReply, parts_: list[dict[str, Any]]) -> dict[str, int]:
    """``usageMetadata`` by word counts, overridden by the reply's scripted numbers."""
    answer = " ".join([reply.text, *(json.dumps(p["functionCall"]["args"]) for p in parts_)])
    usage = reply.usage or {}
    prompt = int(usage.get("prompt_tokens", count_words(prompt_text(body))))
    candidates = int(usage.get("completion_tokens", count_words(answer)))
    metadata = {"promptTokenCount": prompt, "candidatesTokenCount": candidates}
    thoughts = count_words(reply.reasoning) if reply.reasoning else 0
    if thoughts:
        metadata["thoughtsTokenCount"] = thoughts
    metadata["totalTokenCount"] = int(usage.get("total_tokens", prompt + candidates + thoughts))
    return metadata


def response_body(turn: GeminiTurn) -> dict[str, Any]:
    """A non-streaming ``GenerateContentResponse``."""
    content_parts: list[dict[str, Any]] = []
    if turn.reply.reasoning:
        content_parts.append({"text": turn.reply.reasoning, "thought": True})
    if turn.reply.text or not (turn.call_parts or turn.reply.reasoning):
        content_parts.append({"text": turn.reply.text})
    content_parts += turn.call_parts
    return _envelope(turn, content_parts, final=True)


def stream_bodies(turn: GeminiTurn) -> list[dict[str, Any]]:
    """The ``GenerateContentResponse`` chunks of a streamed answer: thoughts, text pieces and
    the calls; the last one carries ``finishReason`` and the complete ``usageMetadata``."""
    pieces: list[list[dict[str, Any]]] = [
        [{"text": piece, "thought": True}] for piece in split_text(turn.reply.reasoning or "", None)
    ]
    pieces += [[{"text": piece}] for piece in split_text(turn.reply.text, turn.reply.chunks)]
    if turn.call_parts:
        pieces.append(list(turn.call_parts))
    if not pieces:
        pieces.append([{"text": ""}])
    last = len(pieces) - 1
    return [_envelope(turn, p, final=i == last) for i, p in enumerate(pieces)]


def sse_events(bodies: list[dict[str, Any]]) -> tuple[bytes, ...]:
    """One ``data: ...`` server-sent event per chunk (``?alt=sse``), CRLF-separated as Google's
    front end sends them."""
    return tuple(f"data: {json.dumps(b)}\r\n\r\n".encode() for b in bodies)


def json_array_parts(bodies: list[dict[str, Any]]) -> tuple[bytes, ...]:
    """The chunks as one JSON array sent piece by piece (streaming without ``alt=sse``)."""
    pieces = [("[" if i == 0 else ",\r\n") + json.dumps(b) for i, b in enumerate(bodies)]
    pieces = pieces or ["["]
    pieces[-1] += "]"
    return tuple(piece.encode() for piece in pieces)


def _envelope(turn: GeminiTurn, content_parts: list[dict[str, Any]], *, final: bool) -> dict:
    candidate: dict[str, Any] = {"content": {"parts": content_parts, "role": "model"}, "index": 0}
    body: dict[str, Any] = {"candidates": [candidate]}
    if final:
        candidate["finishReason"] = turn.finish_reason
        body["usageMetadata"] = turn.usage
    else:
        body["usageMetadata"] = {"promptTokenCount": turn.usage["promptTokenCount"]}
    body["modelVersion"] = turn.model
    body["responseId"] = turn.response_id
    return body


def model_object(name: str) -> dict[str, Any]:
    """One entry of ``GET /v1beta/models``."""
    return {
        "name": f"models/{name}",
        "version": "001",
        "displayName": name.replace("-", " ").title(),
        "description": f"Local test model {name}.",
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 65_536,
        "supportedGenerationMethods": ["generateContent", "countTokens"],
        "temperature": 1.0,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2.0,
        "thinking": True,
    }
