"""`AnthropicServer`: a real HTTP server on 127.0.0.1 speaking Anthropic's Messages API.

    with AnthropicServer() as server:
        server.script("Hi there", usage={"prompt_tokens": 3, "completion_tokens": 2})
        client = anthropic.Anthropic(base_url=server.url, api_key="test-key")
        client.messages.create(model="test-model", max_tokens=64, messages=[...])
        assert server.last_request.body["model"] == "test-model"

Routes: ``POST /v1/messages`` (JSON, or SSE events when ``stream`` is true),
``POST /v1/messages/count_tokens`` and ``GET /v1/models`` (``/v1/models/{id}``). Requests
must carry the key (``x-api-key``, or ``Authorization: Bearer`` as anthropic SDK 2.x sends it)
and ``anthropic-version``; bodies are checked the way the real API
checks them (``tool_result`` blocks must answer the previous turn's ``tool_use`` ids, no
``system`` role in ``messages``, no ``temperature`` from API version 2026-10-21 on...), and
rejected with Anthropic's error shape
``{"type": "error", "error": {"type", "message"}}``. Unscripted requests get a sensible answer
(see `_anthropic_format.default_reply`).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any

from . import _anthropic_format as fmt
from ._anthropic_checks import request_error
from ._anthropic_probe import sent_key
from ._openai_format import ChatReply, ChatScripted
from ._server import LocalServer, RecordedRequest, Reply

__all__ = ["AnthropicServer"]

#: Anthropic's error ``type`` by HTTP status.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
_MODEL_CREATED = "2025-01-01T00:00:00Z"


class AnthropicServer(ChatScripted, LocalServer):
    """A local Anthropic Messages API server with scripted replies.

    `api_key`: the key clients must send as ``x-api-key`` or ``Authorization: Bearer`` (None
    accepts any request).
    `models`: the ids ``GET /v1/models`` lists; the first is used when a request names none.
    `json_from_prompt`: whether an unscripted answer honours JSON asked for in the prompt;
    off, only structured output (``output_config.format``) gets JSON, as with a model that
    ignores such asks.

    Scripted answers (`script`): `tool_calls`: ``[{"name": ..., "arguments": {...}}]`` become
    ``tool_use`` blocks (ids ``toolu_01``...). `reasoning` becomes a ``thinking`` block before
    the text. `finish_reason`: a normalized stop reason (``content_filter`` is sent as
    ``refusal``) or an Anthropic one. `usage`: ``prompt_tokens``/``completion_tokens`` (or
    ``input_tokens`` /``output_tokens``) overriding the counted numbers. `chunks`: how many SSE
    text deltas the text is cut into when streamed (default: one per word).
    """

    def __init__(
        self,
        api_key: str | None = "test-key",
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
        json_from_prompt: bool = True,
    ) -> None:
        super().__init__()
        self.json_from_prompt = json_from_prompt
        self.api_key = api_key
        self.models = tuple(models)
        self._messages = 0
        self._calls = 0

    def _reset_state(self) -> None:
        self._messages = 0
        self._calls = 0

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is not None:
            sent = (sent_key(request) or "").encode()
            if not hmac.compare_digest(sent, self.api_key.encode()):
                return self._error(401, "invalid x-api-key")
        if not request.headers.get("anthropic-version"):
            return self._error(400, "anthropic-version: header is required")
        return None

    def _route(self, request: RecordedRequest) -> Reply:
        path = request.path.rstrip("/")
        if request.method == "POST" and path == "/v1/messages":
            return self._message(request)
        if request.method == "POST" and path == "/v1/messages/count_tokens":
            return self._count_tokens(request.body)
        if request.method == "GET" and path == "/v1/models":
            return self._model_list(request.query)
        if request.method == "GET" and path.startswith("/v1/models/"):
            return self._one_model(path.removeprefix("/v1/models/"))
        return self._error(404, f"Not found: {request.method} {request.path}")

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        kind = ERROR_TYPES.get(status) or (
            "api_error" if status >= 500 else "invalid_request_error"
        )
        return {
            "type": "error",
            "error": {"type": kind, "message": message, **fields},
            "request_id": "req_test",
        }

    def _error(self, status: int, message: str) -> Reply:
        return Reply.of_json(status, self._error_body(status, message), {"request-id": "req_test"})

    def _message(self, request: RecordedRequest) -> Reply:
        body = request.body
        error = request_error(body, request.headers.get("anthropic-version", ""))
        if error:
            return self._error(400, error)
        reply = self._pop_script() or fmt.default_reply(
            body, json_from_prompt=self.json_from_prompt
        )
        turn = self._turn(body, reply)
        if body.get("stream"):
            events = fmt.stream_events(turn)
            return Reply(200, b"", content_type="text/event-stream", parts=events)
        return Reply.of_json(200, fmt.message_body(turn))

    def _turn(self, body: dict[str, Any], reply: ChatReply) -> fmt.Turn:
        """Settle the message id, tool_use ids and usage of one answer."""
        with self._lock:
            self._messages += 1
            message_id = f"msg_test_{self._messages:02d}"
            first_call = self._calls + 1
            self._calls += len(reply.tool_calls)
        content, stop_reason = fmt.answer_blocks(reply, first_call, body["max_tokens"])
        return fmt.Turn(
            id=message_id,
            model=body["model"],
            content=content,
            stop_reason=stop_reason,
            usage=fmt.usage_for(body, reply, content),
            chunks=reply.chunks,
        )

    def _count_tokens(self, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._error(400, "messages: Field required")
        counted = fmt.usage_for(body, ChatReply(), [])
        return Reply.of_json(200, {"input_tokens": counted["input_tokens"]})

    def _model(self, model_id: str) -> dict[str, Any]:
        return {
            "type": "model",
            "id": model_id,
            "display_name": model_id.replace("-", " ").title(),
            "created_at": _MODEL_CREATED,
        }

    def _model_list(self, query: str) -> Reply:
        """One page of models; honours ``limit`` and ``after_id`` as the real API does."""
        params = dict(p.partition("=")[::2] for p in query.split("&") if p)
        ids = list(self.models)
        if params.get("after_id") in ids:
            ids = ids[ids.index(params["after_id"]) + 1 :]
        limit = int(params.get("limit") or 20)
        page = ids[:limit]
        return Reply.of_json(
            200,
            {
                "data": [self._model(m) for m in page],
                "has_more": len(ids) > limit,
                "first_id": page[0] if page else None,
                "last_id": page[-1] if page else None,
            },
        )

    def _one_model(self, model_id: str) -> Reply:
        if model_id in self.models:
            return Reply.of_json(200, self._model(model_id))
        return self._error(404, f"model: {model_id}")
