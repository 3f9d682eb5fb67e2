"""`OpenAICompatServer`: a real HTTP server on 127.0.0.1 speaking OpenAI chat completions.

    with OpenAICompatServer() as server:
        server.script("Hi there", usage={"prompt_tokens": 3, "completion_tokens": 2})
        client = openai.OpenAI(base_url=server.url, api_key="test-key")
        client.chat.completions.create(model="test-model", messages=[...])
        assert server.last_request.body["model"] == "test-model"

Routes: ``POST /v1/chat/completions`` (JSON or SSE when ``stream`` is true) and
``GET /v1/models`` (``/v1/models/{id}``). Unscripted requests get a sensible answer (see
`_openai_format.default_reply`), and usage is always present and non-zero.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable
from typing import Any

from . import _openai_format as fmt
from ._openai_format import ChatScripted
from ._server import LocalServer, RecordedRequest, Reply

__all__ = ["OpenAICompatServer"]

#: Fixed creation time of the listed models (1 Jan 2025).
_MODEL_CREATED = 1735689600


class OpenAICompatServer(ChatScripted, LocalServer):
    """A local OpenAI-compatible chat-completions server with scripted replies.

    `api_key`: the key clients must send as ``Authorization: Bearer ...`` (None accepts any
    request). `models`: the ids ``GET /v1/models`` lists; the first is used when a request
    names no model.

    Scripted answers (`script`): `tool_calls`: ``[{"name": ..., "arguments": {...}}]``; ids
    (``call_1``...) are assigned and arguments JSON-encoded when sent. `reasoning` goes out as
    ``reasoning_content``. `finish_reason`: a normalized stop reason (``end_turn``,
    ``tool_use``, ``max_tokens``, ``content_filter``) or an OpenAI finish reason such as
    ``"length"``. `usage` overrides the counted numbers. `chunks`: how many SSE content deltas
    the text is cut into when streamed (default: one per word).
    """

    base_path = "/v1"

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.models = tuple(models)
        self._completions = 0
        self._calls = 0

    def _reset_state(self) -> None:
        self._completions = 0
        self._calls = 0

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is None:
            return None
        sent = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(sent, f"Bearer {self.api_key}".encode()):
            return None
        body = self._error_body(401, "Incorrect API key provided", code="invalid_api_key")
        return Reply.of_json(401, body)

    def _route(self, request: RecordedRequest) -> Reply:
        path = request.path.rstrip("/")
        if request.method == "POST" and path == "/v1/chat/completions":
            return self._chat(request.body)
        if request.method == "GET" and path == "/v1/models":
            listing = [self._model(m) for m in self.models]
            return Reply.of_json(200, {"object": "list", "data": listing})
        if request.method == "GET" and path.startswith("/v1/models/"):
            return self._one_model(path.removeprefix("/v1/models/"))
        message = f"Unknown request URL: {request.method} {request.path}"
        return Reply.of_json(404, self._error_body(404, message, code="unknown_url"))

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        kind = {401: "invalid_request_error", 429: "requests"}.get(status)
        if kind is None:
            kind = "server_error" if status >= 500 else "invalid_request_error"
        error = {"message": message, "type": kind, "param": None, "code": None}
        error.update(fields)
        return {"error": error}

    def _chat(self, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            message = "Invalid request: a JSON body with a 'messages' list is required."
            return Reply.of_json(400, self._error_body(400, message, param="messages"))
        reply = self._pop_script() or fmt.default_reply(body)
        turn = self._turn(body, reply)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            events = fmt.sse_events(fmt.stream_chunks(turn, include_usage))
            return Reply(200, b"", content_type="text/event-stream", parts=events)
        return Reply.of_json(200, fmt.completion_body(turn))

    def _turn(self, body: dict[str, Any], reply: fmt.ChatReply) -> fmt.Turn:
        """Settle the completion id, tool-call ids and usage of one answer."""
        with self._lock:
            self._completions += 1
            completion_id = f"chatcmpl-{self._completions}"
            first_call = self._calls + 1
            self._calls += len(reply.tool_calls)
        calls = [
            fmt.tool_call_object(f"call_{first_call + i}", call)
            for i, call in enumerate(reply.tool_calls)
        ]
        return fmt.Turn(
            id=completion_id,
            model=str(body.get("model") or self.models[0]),
            created=int(time.time()),
            reply=reply,
            tool_calls=calls,
            usage=fmt.usage_for(body, reply, calls),
        )

    def _model(self, model_id: str) -> dict[str, Any]:
        return {
            "id": model_id,
            "object": "model",
            "created": _MODEL_CREATED,
            "owned_by": "prompture",
        }

    def _one_model(self, model_id: str) -> Reply:
        if model_id in self.models:
            return Reply.of_json(200, self._model(model_id))
        message = f"The model '{model_id}' does not exist"
        return Reply.of_json(404, self._error_body(404, message, code="model_not_found"))
