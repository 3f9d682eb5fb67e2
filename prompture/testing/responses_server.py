"""`ResponsesServer`: a real HTTP server on 127.0.0.1 speaking OpenAI's Responses API.

    with ResponsesServer() as server:
        client = openai.OpenAI(api_key="test-key", base_url=server.url)
        client.responses.create(model="gpt-5", input="Hi")

Routes (under ``/v1``): ``POST /responses`` (a response object, or server-sent events
``event: {type}`` / ``data: {json}`` when ``stream`` is true; Perplexity's ``/agent`` alias
too) and ``GET /models``. The key is the Bearer token. Bodies are checked as the API checks
them, per dialect (`_responses_wire.DIALECTS`): known fields only, ``input`` items of known
types, function outputs answering earlier calls, flat function tools, the dialect's JSON
request (``text.format`` for OpenAI, ``response_format`` for Perplexity), ``max_output_tokens``
in range; a refusal is OpenAI's ``{"error": {"message", "type", "param", "code"}}`` with 400.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Iterable
from typing import Any

from ..drivers._responses_wire import DIALECTS
from . import _openai_format as fmt
from ._openai_format import ChatScripted
from ._server import LocalServer, RecordedRequest, Reply
from ._wire_probe import WireProbe, content_text, decoded_arguments

__all__ = ["PerplexityAgentServer", "ResponsesServer", "ResponsesWire"]

#: Top-level request fields per dialect.
REQUEST_FIELDS = {
    # openai.types.responses.ResponseCreateParams (openai 3.x) and ``stream``
    "openai": frozenset(
        "access_programs background background_options context_management conversation image "
        "include input instructions max_output_tokens max_tool_calls metadata model moderation "
        "parallel_tool_calls previous_response_id prompt prompt_cache_key prompt_cache_options "
        "prompt_cache_retention reasoning safety_identifier service_tier store stream "
        "stream_options temperature text tool_choice tools top_logprobs top_p truncation "
        "user".split()
    ),
    # Perplexity's ResponsesRequest (https://docs.perplexity.ai/api-reference/responses-post)
    "perplexity": frozenset(
        "input instructions language_preference max_output_tokens max_steps model models "
        "preset reasoning response_format stream tools".split()
    ),
}
#: The smallest ``max_output_tokens`` each accepts.
MIN_OUTPUT_TOKENS = {"openai": 16, "perplexity": 1}
ROLES = frozenset({"user", "assistant", "system", "developer"})
PART_TYPES = frozenset({"input_text", "input_image", "input_file", "output_text", "refusal"})
EFFORTS = frozenset({"none", "minimal", "low", "medium", "high", "xhigh"})
#: Scripted normalized stop reasons -> (status, incomplete reason).
STATUSES = {
    "max_tokens": ("incomplete", "max_output_tokens"),
    "content_filter": ("incomplete", "content_filter"),
}


class ResponsesServer(ChatScripted, LocalServer):
    """A local Responses API server with scripted replies (the `OpenAICompatServer` API).

    `api_key`: the Bearer token clients must send (None accepts any request). `models`: the
    ids ``GET /models`` lists. `dialect`: ``"openai"`` or ``"perplexity"``.

    Scripted answers (`script`): `reasoning` becomes a ``reasoning`` item's summary; a
    ``max_tokens`` or ``content_filter`` finish reason an ``incomplete`` status.
    """

    base_path = "/v1"

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
        dialect: str = "openai",
    ) -> None:
        super().__init__()
        if dialect not in DIALECTS:
            raise ValueError(f"dialect must be one of {sorted(DIALECTS)}, not {dialect!r}")
        self.api_key = api_key
        self.models = tuple(models)
        self.dialect = dialect
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
        return Reply.of_json(401, self._error_body(401, "Incorrect API key provided."))

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        kind = "invalid_request_error" if status < 500 else "server_error"
        return {"error": {"message": message, "type": kind, "param": None, "code": None, **fields}}

    def _route(self, request: RecordedRequest) -> Reply:
        path = request.path.rstrip("/")
        paths = (
            ("/v1/responses", "/v1/agent") if self.dialect == "perplexity" else ("/v1/responses",)
        )
        if request.method == "POST" and path in paths:
            return self._respond(request.body)
        if request.method == "GET" and path == "/v1/models":
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in self.models
            ]
            return Reply.of_json(200, {"object": "list", "data": data})
        message = f"Unknown request URL: {request.method} {request.path}"
        return Reply.of_json(404, self._error_body(404, message))

    def _respond(self, body: Any) -> Reply:
        problem = request_problem(body, self.dialect)
        if problem:
            return Reply.of_json(400, self._error_body(400, problem))
        chat = as_chat_body(body)
        reply = self._pop_script() or fmt.default_reply(chat)
        with self._lock:
            self._responses += 1
            number = self._responses
            first = self._calls + 1
            self._calls += len(reply.tool_calls)
        calls = [
            fmt.tool_call_object(f"call_{first + i}", c) for i, c in enumerate(reply.tool_calls)
        ]
        usage = fmt.usage_for(chat, reply, calls)
        response = response_object(f"resp_{number}", body, reply, calls, usage)
        if body.get("stream"):
            events = stream_events(response, reply)
            return Reply(200, b"", content_type="text/event-stream", parts=events)
        return Reply.of_json(200, response)


def request_problem(body: Any, dialect: str = "openai") -> str | None:
    """Why the API would refuse this body, or None."""
    if not isinstance(body, dict):
        return "The request body must be a JSON object."
    unknown = sorted(set(body) - REQUEST_FIELDS[dialect])
    if unknown:
        return f"Unknown parameter: '{unknown[0]}'."
    if not isinstance(body.get("model"), str) or not body["model"]:
        return "Missing required parameter: 'model'."
    for check in (_input_problem, _tools_problem, _format_problem, _option_problem):
        problem = check(body, dialect)
        if problem:
            return problem
    return None


def _input_problem(body: dict[str, Any], dialect: str) -> str | None:
    items = body.get("input")
    if isinstance(items, str):
        return None if items else "Invalid 'input': empty string."
    if not isinstance(items, list) or not items:
        return "Missing required parameter: 'input'."
    called: set[str] = set()
    for index, item in enumerate(items):
        problem = _item_problem(item, called, dialect)
        if problem:
            return f"Invalid 'input[{index}]': {problem}"
    return None


def _item_problem(item: Any, called: set[str], dialect: str) -> str | None:
    if not isinstance(item, dict):
        return "an input item must be an object."
    kind = item.get("type", "message" if dialect == "openai" else None)
    if kind == "message":
        if item.get("role") not in ROLES:
            return "role must be user, assistant, system or developer."
        return _content_problem(item.get("content"))
    if kind == "function_call":
        fields = ("call_id", "name", "arguments")
        if not all(isinstance(item.get(k), str) and (item[k] or k == "arguments") for k in fields):
            return "a function_call needs call_id, name and arguments (a JSON string)."
        called.add(item["call_id"])
        return None
    if kind == "function_call_output":
        if item.get("call_id") not in called:
            return f"no function call found for call_id {item.get('call_id')!r}."
        if not isinstance(item.get("output"), str | list):
            return "output must be a string."
        return None
    if kind == "reasoning" and dialect == "openai":
        return None
    return f"unknown item type {kind!r}."


def _content_problem(content: Any) -> str | None:
    if isinstance(content, str):
        return None
    if not isinstance(content, list) or not content:
        return "content must be a string or a non-empty list of parts."
    for part in content:
        if not isinstance(part, dict) or part.get("type") not in PART_TYPES:
            return "each content part needs a type: input_text, input_image..."
        if part["type"] == "input_image" and not (part.get("image_url") or part.get("file_id")):
            return "an input_image needs image_url or file_id."
        if part["type"] in ("input_text", "output_text") and not isinstance(part.get("text"), str):
            return f"an {part['type']} part needs text."
    return None


def _tools_problem(body: dict[str, Any], dialect: str) -> str | None:
    tools = body.get("tools")
    if tools is None:
        return None
    if not isinstance(tools, list):
        return "Invalid 'tools': expected an array."
    for index, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            return f"Missing required parameter: 'tools[{index}].type'."
        if tool["type"] != "function":
            continue  # built-in tools (web_search...) are not this server's business
        if not isinstance(tool.get("name"), str) or not tool["name"]:
            return f"Missing required parameter: 'tools[{index}].name'."
        if "function" in tool:  # the chat-completions shape
            return f"Unknown parameter: 'tools[{index}].function'."
        if not isinstance(tool.get("parameters", {}), dict):
            return f"Invalid 'tools[{index}].parameters': expected an object."
    choice = body.get("tool_choice")
    if choice is not None and choice not in ("auto", "none", "required"):
        if not (
            isinstance(choice, dict) and choice.get("type") == "function" and choice.get("name")
        ):
            return "Invalid 'tool_choice'."
    return None


def _format_problem(body: dict[str, Any], dialect: str) -> str | None:
    if "text" in body:
        form = (body["text"] or {}).get("format") if isinstance(body["text"], dict) else None
        if form is not None:
            return _schema_problem(form, "text.format", ("text", "json_object", "json_schema"))
    if "response_format" in body:
        form = body["response_format"]
        if not isinstance(form, dict):
            return "Invalid 'response_format': expected an object."
        if form.get("type") == "json_schema":
            return _schema_problem(form.get("json_schema"), "response_format.json_schema", None)
        if form.get("type") != "text":
            return "Invalid 'response_format.type': expected text or json_schema."
    return None


def _schema_problem(form: Any, where: str, kinds: tuple[str, ...] | None) -> str | None:
    if not isinstance(form, dict):
        return f"Invalid '{where}': expected an object."
    if kinds is not None and form.get("type") not in kinds:
        return f"Invalid '{where}.type': expected one of {', '.join(kinds)}."
    if kinds is not None and form["type"] != "json_schema":
        return None
    if not isinstance(form.get("name"), str) or not form["name"]:
        return f"Missing required parameter: '{where}.name'."
    if not isinstance(form.get("schema"), dict):
        return f"Missing required parameter: '{where}.schema'."
    return None


def _option_problem(body: dict[str, Any], dialect: str) -> str | None:
    tokens = body.get("max_output_tokens")
    low = MIN_OUTPUT_TOKENS[dialect]
    if tokens is not None and (
        not isinstance(tokens, int) or isinstance(tokens, bool) or tokens < low
    ):
        return f"Invalid 'max_output_tokens': integer below minimum value {low}."
    for name, top in (("temperature", 2), ("top_p", 1)):
        value = body.get(name)
        if value is not None and not (isinstance(value, int | float) and 0 <= value <= top):
            return f"Invalid '{name}': expected a number from 0 to {top}."
    reasoning = body.get("reasoning")
    if reasoning is not None and (
        not isinstance(reasoning, dict) or reasoning.get("effort", "medium") not in EFFORTS
    ):
        return "Invalid 'reasoning.effort'."
    if body.get("stream") not in (None, True, False):
        return "Invalid 'stream': expected a boolean."
    return None


def as_chat_body(body: dict[str, Any]) -> dict[str, Any]:
    """The request as the chat-completions helpers read it (to pick a default answer)."""
    messages: list[dict[str, Any]] = []
    if body.get("instructions"):
        messages.append({"role": "system", "content": body["instructions"]})
    items = body.get("input")
    for item in [{"role": "user", "content": items}] if isinstance(items, str) else items:
        kind = item.get("type", "message")
        if kind == "message":
            messages.append({"role": item["role"], "content": item["content"]})
        elif kind == "function_call_output":
            messages.append({"role": "tool", "content": item.get("output")})
        elif kind == "function_call":
            messages.append({"role": "assistant", "content": item.get("arguments")})
    tools = [
        {"type": "function", "function": t}
        for t in body.get("tools") or []
        if t.get("type") == "function"
    ]
    form = (body.get("text") or {}).get("format") or body.get("response_format") or {}
    if form.get("type") == "json_schema":
        schema = form.get("schema") or (form.get("json_schema") or {}).get("schema")
        form = {"type": "json_schema", "json_schema": {"schema": schema}}
    return {
        "messages": messages,
        "tools": tools or None,
        "tool_choice": body.get("tool_choice"),
        "response_format": form or None,
    }


def response_object(
    response_id: str,
    body: dict[str, Any],
    reply: fmt.ChatReply,
    calls: list[dict[str, Any]],
    usage: dict[str, int],
) -> dict[str, Any]:
    """A whole response object (what ``response.completed`` carries too)."""
    status, reason = STATUSES.get(reply.finish_reason or "", ("completed", None))
    output: list[dict[str, Any]] = []
    if reply.reasoning:
        summary = [{"type": "summary_text", "text": reply.reasoning}]
        output.append({"type": "reasoning", "id": f"rs_{response_id}", "summary": summary})
    if reply.text:
        part = {"type": "output_text", "text": reply.text, "annotations": [], "logprobs": []}
        output.append(
            {
                "type": "message",
                "id": f"msg_{response_id}",
                "role": "assistant",
                "status": "completed" if status == "completed" else "incomplete",
                "content": [part],
            }
        )
    for call in calls:
        output.append(
            {
                "type": "function_call",
                "id": f"fc_{call['id']}",
                "call_id": call["id"],
                "name": call["function"]["name"],
                "arguments": call["function"]["arguments"],
                "status": "completed",
            }
        )
    return {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "error": None,
        "incomplete_details": {"reason": reason} if reason else None,
        "instructions": body.get("instructions"),
        "model": body["model"],
        "output": output,
        "parallel_tool_calls": True,
        "tool_choice": body.get("tool_choice") or "auto",
        "tools": body.get("tools") or [],
        "usage": {
            "input_tokens": usage["prompt_tokens"],
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": usage["completion_tokens"],
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": usage["total_tokens"],
        },
    }


def stream_events(response: dict[str, Any], reply: fmt.ChatReply) -> tuple[bytes, ...]:
    """The server-sent events of a streamed answer, ``event:`` and ``data:`` lines each."""
    start = {**response, "status": "in_progress", "output": [], "usage": None}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": start},
        {"type": "response.in_progress", "response": start},
    ]
    for index, item in enumerate(response["output"]):
        events += _item_events(index, item, reply)
    final = "response.incomplete" if response["status"] == "incomplete" else "response.completed"
    events.append({"type": final, "response": response})
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return tuple(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


def _item_events(index: int, item: dict[str, Any], reply: fmt.ChatReply) -> list[dict[str, Any]]:
    where = {"item_id": item["id"], "output_index": index}
    empty = {**item, "status": "in_progress"}
    if item["type"] == "message":
        empty["content"] = []
    elif item["type"] == "function_call":
        empty["arguments"] = ""
    elif item["type"] == "reasoning":
        empty["summary"] = []
    events = [{"type": "response.output_item.added", "output_index": index, "item": empty}]
    if item["type"] == "message":
        text = item["content"][0]["text"]
        part = {"type": "output_text", "text": "", "annotations": []}
        events.append(
            {"type": "response.content_part.added", **where, "content_index": 0, "part": part}
        )
        events += [
            {
                "type": "response.output_text.delta",
                **where,
                "content_index": 0,
                "delta": piece,
                "logprobs": [],
            }
            for piece in fmt.split_text(text, reply.chunks)
        ]
        events.append(
            {
                "type": "response.output_text.done",
                **where,
                "content_index": 0,
                "text": text,
                "logprobs": [],
            }
        )
        events.append(
            {
                "type": "response.content_part.done",
                **where,
                "content_index": 0,
                "part": item["content"][0],
            }
        )
    elif item["type"] == "function_call":
        events.append(
            {"type": "response.function_call_arguments.delta", **where, "delta": item["arguments"]}
        )
        events.append(
            {
                "type": "response.function_call_arguments.done",
                **where,
                "arguments": item["arguments"],
                "name": item["name"],
            }
        )
    elif item["type"] == "reasoning":
        text = item["summary"][0]["text"]
        events.append(
            {
                "type": "response.reasoning_summary_text.delta",
                **where,
                "summary_index": 0,
                "delta": text,
            }
        )
        events.append(
            {
                "type": "response.reasoning_summary_text.done",
                **where,
                "summary_index": 0,
                "text": text,
            }
        )
    events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return events


class ResponsesWire(WireProbe):
    """Probe for the Responses API (``POST {base}/responses``), per dialect."""

    strict_schema = True

    def __init__(self, dialect: str = "openai") -> None:
        self.dialect = DIALECTS[dialect]
        self.sends_temperature = self.dialect.sampling

    def api_key(self, req: RecordedRequest) -> str | None:
        value = req.headers.get("authorization", "")
        return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None

    def _body(self, req: RecordedRequest) -> dict[str, Any]:
        return req.body if isinstance(req.body, dict) else {}

    def items(self, req: RecordedRequest) -> list[dict[str, Any]]:
        items = self._body(req).get("input")
        if isinstance(items, str):
            return [{"type": "message", "role": "user", "content": items}]
        return [i for i in items or [] if isinstance(i, dict)]

    def _of(self, req: RecordedRequest, kind: str) -> list[dict[str, Any]]:
        return [i for i in self.items(req) if i.get("type", "message") == kind]

    def model(self, req: RecordedRequest) -> str:
        return str(self._body(req).get("model") or "")

    def texts(self, req: RecordedRequest) -> str:
        texts = [self.system(req)] if self.system(req) else []
        texts += [content_text(m.get("content")) for m in self._of(req, "message")]
        return "\n".join(texts)

    def system(self, req: RecordedRequest) -> str:
        inline = [
            content_text(m.get("content"))
            for m in self._of(req, "message")
            if m.get("role") in ("system", "developer")
        ]
        return "\n".join([self._body(req).get("instructions") or "", *inline]).strip("\n")

    def _format(self, req: RecordedRequest) -> dict[str, Any]:
        body = self._body(req)
        if self.dialect.json_field == "text":
            return (body.get("text") or {}).get("format") or {}
        form = body.get("response_format") or {}
        return {"type": form.get("type"), **(form.get("json_schema") or {})}

    def json_mode(self, req: RecordedRequest) -> bool:
        return self._format(req).get("type") in ("json_object", "json_schema")

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        form = self._format(req)
        return form.get("schema") if form.get("type") == "json_schema" else None

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        keys = ("name", "description", "parameters")
        return [
            {k: t[k] for k in keys if k in t}
            for t in self._body(req).get("tools") or []
            if t.get("type") == "function"
        ]

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [str(i.get("name") or "") for i in self._of(req, "function_call")]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [decoded_arguments(i.get("arguments")) for i in self._of(req, "function_call")]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [content_text(i.get("output")) for i in self._of(req, "function_call_output")]

    def has_image(self, req: RecordedRequest) -> bool:
        return any(
            isinstance(part, dict) and part.get("type") == "input_image"
            for m in self._of(req, "message")
            if isinstance(m.get("content"), list)
            for part in m["content"]
        )

    def is_stream(self, req: RecordedRequest) -> bool:
        return self._body(req).get("stream") is True

    def temperature(self, req: RecordedRequest) -> float | None:
        return self._body(req).get("temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return self._body(req).get("max_output_tokens")


class PerplexityAgentServer(ResponsesServer):
    """`ResponsesServer` in Perplexity's dialect (its Agent API at ``/v1/responses``)."""

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
    ) -> None:
        super().__init__(api_key, models=models, dialect="perplexity")
