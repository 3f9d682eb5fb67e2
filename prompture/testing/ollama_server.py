"""`OllamaServer`: a real HTTP server on 127.0.0.1 speaking Ollama's native API.

    with OllamaServer() as server:
        server.script("Hi there", usage={"prompt_tokens": 3, "completion_tokens": 2})
        client = ollama.Client(host=server.url)
        client.chat(model="test-model", messages=[...])
        assert server.last_request.body["options"]["temperature"] == 0.2

Routes: ``POST /api/chat`` (one JSON object, or NDJSON lines when ``stream`` is true or
absent: Ollama streams by default), ``GET /api/tags``, ``POST /api/show``, ``GET /api/version``
and ``GET /``. Errors are ``{"error": "..."}``. Unscripted requests get a sensible answer (see
`_ollama_format.default_reply`), and the token counts are always present and non-zero.
Unknown top-level fields (say a stray ``temperature``) are recorded and ignored, as Ollama does.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .._compat import UTC
from . import _ollama_format as fmt
from ._openai_format import ChatReply, ChatScripted
from ._server import LocalServer, RecordedRequest, Reply

__all__ = ["OllamaServer"]

#: What ``GET /api/version`` reports.
OLLAMA_VERSION = "0.12.0"
#: Fixed modification time of the listed models.
_MODIFIED_AT = "2025-01-01T00:00:00Z"
#: The size every listed model claims (bytes), as an 8B model at Q4 would be.
_MODEL_SIZE = 4_920_753_328


class OllamaServer(ChatScripted, LocalServer):
    """A local Ollama server with scripted replies.

    `api_key`: None (the default, as a local Ollama) accepts any request; a key makes the
    server demand ``Authorization: Bearer <key>``, as hosted Ollama does. `models`: the names
    ``GET /api/tags`` lists; ``/api/chat`` accepts any model name.

    Scripted answers (`script`): `tool_calls`: ``[{"name": ..., "arguments": {...}}]``, sent
    with object arguments. `reasoning` goes out as ``message.thinking``. `finish_reason` takes
    the normalized names (``end_turn``, ``max_tokens``...) or Ollama's own (``stop``,
    ``length``). `usage` (``prompt_tokens``, ``completion_tokens``) overrides
    ``prompt_eval_count`` and ``eval_count``. `chunks`: how many NDJSON content lines a streamed
    text is cut into (default: one per word).
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        models: Iterable[str] = ("test-model", "test-model-2"),
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.models = tuple(models)

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is None:
            return None
        sent = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(sent, f"Bearer {self.api_key}".encode()):
            return None
        return Reply.of_json(401, self._error_body(401, "unauthorized"))

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        return {"error": message, **fields}

    def _route(self, request: RecordedRequest) -> Reply:
        route = (request.method, request.path.rstrip("/") or "/")
        if route == ("POST", "/api/chat"):
            return self._chat(request.body)
        if route == ("GET", "/api/tags"):
            return Reply.of_json(200, {"models": [self._model(name) for name in self.models]})
        if route == ("POST", "/api/show"):
            return self._show(request.body)
        if route == ("GET", "/api/version"):
            return Reply.of_json(200, {"version": OLLAMA_VERSION})
        if route == ("GET", "/"):
            return Reply(200, b"Ollama is running", content_type="text/plain; charset=utf-8")
        return Reply(404, b"404 page not found", content_type="text/plain")

    def _chat(self, body: Any) -> Reply:
        problem = fmt.request_error(body)
        if problem:
            return Reply.of_json(400, self._error_body(400, problem))
        if not body.get("messages"):
            return Reply.of_json(200, fmt.load_body(body["model"], _now()))
        turn = self._turn(body, self._pop_script() or fmt.default_reply(body))
        if body.get("stream") is False:  # absent or null means "stream", as in Ollama
            return Reply.of_json(200, fmt.chat_body(turn))
        parts = fmt.stream_lines(turn)
        return Reply(200, b"", content_type="application/x-ndjson", parts=parts)

    def _turn(self, body: dict[str, Any], reply: ChatReply) -> fmt.OllamaTurn:
        calls = [fmt.tool_call_object(call) for call in reply.tool_calls]
        prompt, completion = fmt.usage_for(body, reply, calls)
        return fmt.OllamaTurn(
            model=str(body["model"]),
            created_at=_now(),
            reply=reply,
            tool_calls=calls,
            prompt_eval_count=prompt,
            eval_count=completion,
        )

    def _show(self, body: Any) -> Reply:
        body = body if isinstance(body, dict) else {}
        name = body.get("model") or body.get("name") or ""  # older clients send "name"
        if name not in self.models:
            return Reply.of_json(404, self._error_body(404, f"model '{name}' not found"))
        info = {
            "modelfile": f"FROM {name}\n",
            "parameters": "",
            "template": "{{ .Prompt }}",
            "details": _details(),
            "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
            "capabilities": ["completion", "tools", "thinking", "vision"],
            "modified_at": _MODIFIED_AT,
        }
        return Reply.of_json(200, info)

    def _model(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "model": name,
            "modified_at": _MODIFIED_AT,
            "size": _MODEL_SIZE,
            "digest": hashlib.sha256(name.encode()).hexdigest(),
            "details": _details(),
        }


def _details() -> dict[str, Any]:
    return {
        "parent_model": "",
        "format": "gguf",
        "family": "llama",
        "families": ["llama"],
        "parameter_size": "8.0B",
        "quantization_level": "Q4_K_M",
    }


def _now() -> str:
    """The current time as Ollama writes it (RFC 3339, UTC)."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")
