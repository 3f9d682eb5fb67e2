"""`GeminiServer`: a real HTTP server on 127.0.0.1 speaking Gemini's ``generateContent`` API.

    with GeminiServer() as server:
        server.script("Hi there", usage={"prompt_tokens": 3, "completion_tokens": 2})
        client = genai.Client(api_key="test-key", http_options={"base_url": server.url})
        client.models.generate_content(model="test-model", contents="Hello")
        assert server.last_request.path == "/v1beta/models/test-model:generateContent"

Routes, under ``/v1beta`` (and ``/v1``, ``/v1alpha``: the SDK picks the version):
``POST /models/{model}:generateContent``, ``POST /models/{model}:streamGenerateContent``
(server-sent events with ``?alt=sse``, as the SDK asks, else one JSON array sent in pieces),
``POST /models/{model}:countTokens``, ``GET /models`` (``pageSize``/``pageToken``) and
``GET /models/{model}``. `url` is the bare host: clients add the version themselves.

The key is read from ``x-goog-api-key`` or ``?key=``. As Google does, a missing key is
``403 PERMISSION_DENIED`` and a wrong one ``400 INVALID_ARGUMENT`` with the ``ErrorInfo``
reason ``API_KEY_INVALID``. Bodies are checked as strictly as Google's front end checks them
(see `_gemini_checks`). Errors have Google's shape ``{"error": {"code", "message",
"status"}}``. Unscripted requests get a sensible answer (see `_gemini_format.default_reply`).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qs

from . import _gemini_format as fmt
from ._gemini_checks import RequestError, check_request
from ._openai_format import ChatReply, ChatScripted, count_words
from ._server import LocalServer, RecordedRequest, Reply

__all__ = ["GeminiServer"]

#: ``/{version}/{resource}[:{method}]``; the model may be ``models/x`` or ``tunedModels/x``.
_ROUTE = re.compile(r"^/(v1|v1beta|v1alpha)/(models|tunedModels)(?:/([^:/]+))?(?::(\w+))?$")
_KEY_INVALID = "API key not valid. Please pass a valid API key."
_KEY_MISSING = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
_DEFAULT_PAGE_SIZE = 50


class GeminiServer(ChatScripted, LocalServer):
    """A local Gemini API server with scripted replies.

    `api_key`: the key clients must send (None accepts any request). `models`: the names
    ``GET /v1beta/models`` lists (without the ``models/`` prefix); generation accepts any model.

    Scripted answers (`script`): `tool_calls`: ``[{"name": ..., "arguments": {...}}]`` become
    ``functionCall`` parts (the first with a ``thoughtSignature``, as Gemini 3 sends it; no ids,
    as Gemini sends none). `reasoning` becomes a ``thought: true`` part. `finish_reason` takes
    the normalized names (``end_turn``, ``max_tokens``, ``content_filter``...) or Gemini's own
    (``STOP``, ``MAX_TOKENS``, ``SAFETY``...). `usage` (``prompt_tokens``,
    ``completion_tokens``) overrides ``promptTokenCount`` and ``candidatesTokenCount``.
    `chunks`: how many stream events the text is cut into (default: one per word).
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

    def _reset_state(self) -> None:
        self._responses = 0

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is None:
            return None
        sent = request.headers.get("x-goog-api-key") or _query(request).get("key")
        if sent is None:
            return Reply.of_json(403, self._error_body(403, _KEY_MISSING))
        if hmac.compare_digest(sent.encode(), self.api_key.encode()):
            return None
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }
        ]
        return Reply.of_json(400, self._error_body(400, _KEY_INVALID, details=details))

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        return fmt.error_body(status, message, **fields)

    def _route(self, request: RecordedRequest) -> Reply:
        match = _ROUTE.match(request.path)
        if match is None:
            return self._not_found(request)
        _, collection, name, method = match.groups()
        model = name if collection == "models" else f"{collection}/{name}"
        if request.method == "POST" and name and method in ("generateContent", "countTokens"):
            if method == "countTokens":
                return self._count_tokens(request.body)
            return self._generate(request, model, stream=False)
        if request.method == "POST" and name and method == "streamGenerateContent":
            return self._generate(request, model, stream=True)
        if request.method == "GET" and collection == "models" and not method:
            return self._one_model(name) if name else self._list_models(request)
        return self._not_found(request)

    def _generate(self, request: RecordedRequest, model: str, *, stream: bool) -> Reply:
        try:
            check_request(request.body)
        except RequestError as exc:
            return Reply.of_json(400, self._error_body(400, str(exc)))
        reply = self._pop_script() or fmt.default_reply(request.body)
        turn = self._turn(request.body, model, reply)
        if not stream:
            return Reply.of_json(200, fmt.response_body(turn))
        bodies = fmt.stream_bodies(turn)
        if _query(request).get("alt") == "sse":
            return Reply(200, b"", content_type="text/event-stream", parts=fmt.sse_events(bodies))
        return Reply(200, b"", parts=fmt.json_array_parts(bodies))

    def _turn(self, body: dict[str, Any], model: str, reply: ChatReply) -> fmt.GeminiTurn:
        with self._lock:
            self._responses += 1
            number = self._responses
        calls = fmt.call_parts(reply, signature=f"signature-{number}")
        return fmt.GeminiTurn(
            model=model,
            response_id=f"resp-{number}",
            reply=reply,
            call_parts=calls,
            usage=fmt.usage_metadata(body, reply, calls),
        )

    def _count_tokens(self, body: Any) -> Reply:
        request = fmt.get(body, "generateContentRequest") or body
        return Reply.of_json(200, {"totalTokens": count_words(fmt.prompt_text(request))})

    def _list_models(self, request: RecordedRequest) -> Reply:
        query = _query(request)
        size = int(query.get("pageSize") or _DEFAULT_PAGE_SIZE)
        start = int(query.get("pageToken") or 0)
        page = self.models[start : start + size]
        body: dict[str, Any] = {"models": [fmt.model_object(name) for name in page]}
        if start + size < len(self.models):
            body["nextPageToken"] = str(start + size)
        return Reply.of_json(200, body)

    def _one_model(self, name: str) -> Reply:
        if name in self.models:
            return Reply.of_json(200, fmt.model_object(name))
        message = f"models/{name} is not found for API version v1beta."
        return Reply.of_json(404, self._error_body(404, message))

    def _not_found(self, request: RecordedRequest) -> Reply:
        message = f"Unknown request URL: {request.method} {request.path}"
        return Reply.of_json(404, self._error_body(404, message))


def _query(request: RecordedRequest) -> dict[str, str]:
    """The query parameters (last value wins)."""
    return {name: values[-1] for name, values in parse_qs(request.query).items()}
