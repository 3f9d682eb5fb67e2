"""`CohereServer`: a real HTTP server on 127.0.0.1 speaking Cohere's v2 Chat API.

    with CohereServer() as server:
        client = cohere.ClientV2(api_key="test-key", base_url=server.url)
        client.chat(model="command-a-03-2025", messages=[{"role": "user", "content": "Hi"}])

Routes: ``POST /v2/chat`` (JSON, or server-sent events ``event: {type}`` / ``data: {json}``
when ``stream`` is true) and ``GET /v1/models`` (``?endpoint=chat``). The key is the Bearer
token. Bodies are checked as Cohere checks them (known fields only, known roles, tool results
answering earlier calls, no empty assistant turns) and rejected with Cohere's error shape
``{"id", "message"}``. Cohere has no content-filter finish reason: a scripted
``content_filter`` is sent as that normalized name, as gateways pass it through.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from . import _openai_format as fmt
from ._openai_format import ChatScripted
from ._server import LocalServer, RecordedRequest, Reply
from ._wire_probe import WireProbe, content_text, decoded_arguments

__all__ = ["CohereServer", "CohereWire"]

FINISH_REASONS = {"end_turn": "COMPLETE", "tool_use": "TOOL_CALL", "max_tokens": "MAX_TOKENS"}
#: Top-level fields of a v2 chat request.
REQUEST_FIELDS = frozenset(
    "model messages tools strict_tools documents citation_options response_format safety_mode "
    "max_tokens stop_sequences temperature seed frequency_penalty presence_penalty k p "
    "logprobs tool_choice thinking priority stream".split()
)
ROLES = frozenset({"system", "user", "assistant", "tool"})


class CohereServer(ChatScripted, LocalServer):
    """A local Cohere v2 chat server with scripted replies (the `OpenAICompatServer` API).

    `api_key`: the Bearer token clients must send (None accepts any request). `models`: the
    chat model names ``GET /v1/models`` lists.

    Scripted answers (`script`): `reasoning` becomes a ``thinking`` content item.
    """

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.models = tuple(models)
        self._responses = 0
        self._calls = 0

    def _reset_state(self) -> None:
        self._responses = 0
        self._calls = 0

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is None:
            return None
        sent = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(sent, f"Bearer {self.api_key}".encode()):
            return None
        return Reply.of_json(401, self._error_body(401, "invalid api token"))

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        return {"id": f"err-{status}", "message": message, **fields}

    def _route(self, request: RecordedRequest) -> Reply:
        path = request.path.rstrip("/")
        if request.method == "POST" and path == "/v2/chat":
            return self._chat(request.body)
        if request.method == "GET" and path == "/v1/models":
            endpoint = (parse_qs(request.query).get("endpoint") or ["chat"])[-1]
            listed = self.models if endpoint == "chat" else ()
            models = [{"name": m, "endpoints": ["chat"], "finetuned": False} for m in listed]
            return Reply.of_json(200, {"models": models})
        message = f"Unknown request URL: {request.method} {request.path}"
        return Reply.of_json(404, self._error_body(404, message))

    def _chat(self, body: Any) -> Reply:
        problem = request_problem(body)
        if problem:
            return Reply.of_json(400, self._error_body(400, f"invalid request: {problem}"))
        reply = self._pop_script() or fmt.default_reply(_as_openai_body(body))
        with self._lock:
            self._responses += 1
            response_id = f"resp-{self._responses}"
            first = self._calls + 1
            self._calls += len(reply.tool_calls)
        calls = [
            fmt.tool_call_object(f"call_{first + i}", c) for i, c in enumerate(reply.tool_calls)
        ]
        usage = fmt.usage_for(body, reply, calls)
        cohere_usage = {
            "billed_units": {
                "input_tokens": usage["prompt_tokens"],
                "output_tokens": usage["completion_tokens"],
            },
            "tokens": {
                "input_tokens": usage["prompt_tokens"],
                "output_tokens": usage["completion_tokens"],
            },
        }
        finish = reply.finish_reason or ("tool_use" if calls else "end_turn")
        finish = FINISH_REASONS.get(finish, finish)
        if body.get("stream"):
            events = stream_events(response_id, reply, calls, finish, cohere_usage)
            return Reply(200, b"", content_type="text/event-stream", parts=events)
        message: dict[str, Any] = {"role": "assistant"}
        content = []
        if reply.reasoning:
            content.append({"type": "thinking", "thinking": reply.reasoning})
        if reply.text:
            content.append({"type": "text", "text": reply.text})
        if content:
            message["content"] = content
        if calls:
            message["tool_plan"] = "I will call the tool."
            message["tool_calls"] = calls
        answer = {
            "id": response_id,
            "finish_reason": finish,
            "message": message,
            "usage": cohere_usage,
        }
        return Reply.of_json(200, answer)


def request_problem(body: Any) -> str | None:
    """Why Cohere would refuse this chat body, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    unknown = sorted(set(body) - REQUEST_FIELDS)
    if unknown:
        return f"unknown field: {unknown[0]}"
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "model is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages must be a non-empty list"
    if body.get("tool_choice") not in (None, "REQUIRED", "NONE"):
        return "tool_choice must be REQUIRED or NONE"
    called: set[str] = set()
    for message in messages:
        problem = _message_problem(message, called)
        if problem:
            return problem
    return None


def _message_problem(message: Any, called: set[str]) -> str | None:
    if not isinstance(message, dict) or message.get("role") not in ROLES:
        return "each message needs a role: system, user, assistant or tool"
    role = message["role"]
    if role == "assistant":
        calls = message.get("tool_calls") or []
        if message.get("content") in (None, "", []) and not calls:
            return "an assistant message needs content or tool_calls"
        called.update(call.get("id") for call in calls if isinstance(call, dict))
    elif role == "tool":
        if message.get("tool_call_id") not in called:
            return "a tool message must answer a tool call of an earlier assistant message"
    elif message.get("content") in (None, "", []):
        return f"a {role} message needs content"
    return None


def _as_openai_body(body: dict[str, Any]) -> dict[str, Any]:
    """The request as the OpenAI server helpers read it (to pick a default answer)."""
    response_format = body.get("response_format") or {}
    openai_format = None
    if response_format.get("type") == "json_object":
        schema = response_format.get("json_schema")
        openai_format = (
            {"type": "json_schema", "json_schema": {"schema": schema}}
            if schema
            else {"type": "json_object"}
        )
    return {
        "messages": body.get("messages"),
        "tools": body.get("tools"),
        "tool_choice": "none" if body.get("tool_choice") == "NONE" else None,
        "response_format": openai_format,
    }


def stream_events(
    response_id: str,
    reply: fmt.ChatReply,
    calls: list[dict[str, Any]],
    finish: str,
    usage: dict[str, Any],
) -> tuple[bytes, ...]:
    """The server-sent events of a streamed answer, ``event:`` and ``data:`` lines each."""
    events: list[dict[str, Any]] = [
        {"type": "message-start", "id": response_id, "delta": {"message": {"role": "assistant"}}}
    ]
    index = 0
    for kind, text, chunks in (
        ("thinking", reply.reasoning, None),
        ("text", reply.text, reply.chunks),
    ):
        if not text:
            continue
        events.append(_content(index, "content-start", {"type": kind, kind: ""}))
        events += [
            _content(index, "content-delta", {kind: p}) for p in fmt.split_text(text, chunks)
        ]
        events.append({"type": "content-end", "index": index})
        index += 1
    if calls:
        events.append(
            {
                "type": "tool-plan-delta",
                "delta": {"message": {"tool_plan": "I will call the tool."}},
            }
        )
    for i, call in enumerate(calls):
        start = {**call, "function": {"name": call["function"]["name"], "arguments": ""}}
        arguments = {"function": {"arguments": call["function"]["arguments"]}}
        events.append(
            {"type": "tool-call-start", "index": i, "delta": {"message": {"tool_calls": start}}}
        )
        events.append(
            {"type": "tool-call-delta", "index": i, "delta": {"message": {"tool_calls": arguments}}}
        )
        events.append({"type": "tool-call-end", "index": i})
    events.append({"type": "message-end", "delta": {"finish_reason": finish, "usage": usage}})
    return tuple(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def _content(index: int, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "index": index, "delta": {"message": {"content": content}}}


class CohereWire(WireProbe):
    """Probe for Cohere v2 chat (``POST /v2/chat``)."""

    def api_key(self, req: RecordedRequest) -> str | None:
        value = req.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

    def _body(self, req: RecordedRequest) -> dict[str, Any]:
        return req.body if isinstance(req.body, dict) else {}

    def messages(self, req: RecordedRequest) -> list[dict[str, Any]]:
        return [m for m in self._body(req).get("messages") or [] if isinstance(m, dict)]

    def model(self, req: RecordedRequest) -> str:
        return str(self._body(req).get("model") or "")

    def texts(self, req: RecordedRequest) -> str:
        return "\n".join(content_text(m.get("content")) for m in self.messages(req))

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(
            content_text(m.get("content")) for m in self.messages(req) if m.get("role") == "system"
        )

    def json_mode(self, req: RecordedRequest) -> bool:
        return (self._body(req).get("response_format") or {}).get("type") == "json_object"

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        return (self._body(req).get("response_format") or {}).get("json_schema")

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        return [t.get("function") or {} for t in self._body(req).get("tools") or []]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [
            (call.get("function") or {}).get("name", "")
            for m in self.messages(req)
            if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []
        ]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [
            decoded_arguments((call.get("function") or {}).get("arguments"))
            for m in self.messages(req)
            if m.get("role") == "assistant"
            for call in m.get("tool_calls") or []
        ]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [
            content_text(m.get("content")) for m in self.messages(req) if m.get("role") == "tool"
        ]

    def has_image(self, req: RecordedRequest) -> bool:
        return any(
            isinstance(block, dict) and block.get("type") == "image_url"
            for m in self.messages(req)
            if isinstance(m.get("content"), list)
            for block in m["content"]
        )

    def is_stream(self, req: RecordedRequest) -> bool:
        return self._body(req).get("stream") is True

    def temperature(self, req: RecordedRequest) -> float | None:
        return self._body(req).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return self._body(req).get("max_tokens")
