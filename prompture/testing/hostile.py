"""Hostile answers for the OpenAI chat-completions wire: what a broken, slow or lying server
sends, and what a driver must make of it.

Each `Hostile` scenario queues its replies on an `OpenAICompatServer` (or `GroqServer`) with
`LocalServer.reply_next`; the driver call must then end, within its total deadline, in a result
(``expect="result"``) or a typed `DriverHTTPError` (``expect="error"``), never in an untyped
exception, a hang, or a cut answer passed off as whole::

    for scenario in HOSTILE_OPENAI:
        server.reset()
        scenario.arrange(server)
        ...  # call the driver (streaming when scenario.stream) and check scenario.expect

`limits` names the `_transport` caps a scenario lowers (the test patches them) so that a "huge"
answer stays small on the machine running the test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._server import LocalServer, Reply

__all__ = [
    "HOSTILE_COHERE",
    "HOSTILE_GEMINI",
    "HOSTILE_OPENAI",
    "HOSTILE_RESPONSES",
    "Hostile",
    "wire_scenarios",
]

#: The deadline scenarios are run with (seconds); slow scenarios take far longer than this.
TIMEOUT = 1.0
_OK_MESSAGE = {"role": "assistant", "content": "ok"}
_USAGE = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}


@dataclass(frozen=True)
class Hostile:
    """One scenario: its replies, whether it is a streaming call, what must come of it."""

    name: str
    replies: Callable[[], list[Reply]]
    expect: str  # "result" or "error"
    stream: bool = False
    #: `_transport` caps to lower while the scenario runs, e.g. ``{"MAX_RESPONSE_BYTES": 4096}``.
    limits: dict[str, int] = field(default_factory=dict)
    #: How many times the replies are queued: more than once for failures a retry may meet
    #: again (a retry that gets a whole answer would otherwise hide what the test is about).
    repeat: int = 1

    def arrange(self, server: LocalServer) -> None:
        for _ in range(self.repeat):
            for reply in self.replies():
                server.reply_next(reply)


def _completion(**changes: Any) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-hostile",
        "object": "chat.completion",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "message": dict(_OK_MESSAGE), "finish_reason": "stop"}],
        "usage": dict(_USAGE),
    }
    body.update(changes)
    return body


def _choice(**changes: Any) -> dict[str, Any]:
    return _completion(choices=[{"index": 0, "message": dict(_OK_MESSAGE), **changes}])


def _json(body: Any, **reply: Any) -> Callable[[], list[Reply]]:
    return lambda: [Reply(200, json.dumps(body).encode(), **reply)]


def _raw(data: bytes, content_type: str = "application/json") -> Callable[[], list[Reply]]:
    return lambda: [Reply(200, data, content_type=content_type)]


def _ok() -> Reply:
    return Reply(200, json.dumps(_completion()).encode())


def _status_then_ok(status: int, headers: dict[str, str]) -> Callable[[], list[Reply]]:
    error = json.dumps({"error": {"message": "busy"}}).encode()
    return lambda: [Reply(status, error, headers=tuple(headers.items())), _ok()]


def _chunk(delta: dict[str, Any] | None = None, finish: str | None = None, **top: Any) -> dict:
    choice = {"index": 0, "delta": delta or {}, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "choices": [choice], **top}


def _sse(*events: Any, done: bool = True, **reply: Any) -> Callable[[], list[Reply]]:
    parts = [
        b"data: " + (e if isinstance(e, bytes) else json.dumps(e).encode()) + b"\n\n"
        for e in events
    ]
    if done:
        parts.append(b"data: [DONE]\n\n")
    return lambda: [Reply(200, b"", content_type="text/event-stream", parts=tuple(parts), **reply)]


_HELLO = (_chunk({"content": "Hel"}), _chunk({"content": "lo"}, "stop"))

HOSTILE_OPENAI: tuple[Hostile, ...] = (
    # Malformed answers with status 200.
    Hostile("message is a string", _json(_choice(message="hello")), "error"),
    Hostile("usage is a list", _json(_completion(usage=[1, 2])), "error"),
    Hostile(
        "token counts are not numbers", _json(_completion(usage={"prompt_tokens": "x"})), "error"
    ),
    Hostile("negative token counts", _json(_completion(usage={"prompt_tokens": -50})), "error"),
    Hostile("finish_reason is a number", _json(_choice(finish_reason=1)), "error"),
    Hostile("tool_calls is a dict", _json(_choice(message={"tool_calls": {"id": "x"}})), "error"),
    Hostile("content is a number", _json(_choice(message={"content": 42})), "error"),
    Hostile("choices is empty", _json(_completion(choices=[])), "error"),
    Hostile("choices is a string", _json(_completion(choices="ok")), "error"),
    Hostile("body is a JSON array", _json([_completion()]), "error"),
    Hostile("body is not JSON", _raw(b"<html>Bad gateway</html>", "text/html"), "error"),
    Hostile("body is not UTF-8", _raw(b'{"choices": "\xff\xfe"}'), "error"),
    Hostile("empty body", _raw(b""), "error"),
    # Retries and Retry-After.
    Hostile("503 then an answer", _status_then_ok(503, {}), "result"),
    Hostile("429 with Retry-After nan", _status_then_ok(429, {"Retry-After": "nan"}), "result"),
    Hostile("429 with Retry-After -1", _status_then_ok(429, {"Retry-After": "-1"}), "result"),
    Hostile(
        "429 with a past HTTP date",
        _status_then_ok(429, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}),
        "result",
    ),
    Hostile("429 asking for an hour", _status_then_ok(429, {"Retry-After": "3600"}), "error"),
    # Slow, cut and oversized answers.
    Hostile("no answer at all", _json(_completion(), delay=30.0), "error"),
    Hostile("body dripped a byte at a time", _json(_completion(), drip=0.05, drip_size=8), "error"),
    Hostile("connection closed mid-body", _json(_completion(), hang_up=True), "error", repeat=5),
    Hostile(
        "answer over the size cap",
        _json(_completion(padding="x" * 20_000)),
        "error",
        limits={"MAX_RESPONSE_BYTES": 4096},
    ),
    # Streams.
    Hostile("a whole stream", _sse(*_HELLO), "result", stream=True),
    Hostile(
        "one event over two data lines",
        lambda: [
            Reply(
                200,
                b"",
                content_type="text/event-stream",
                parts=(
                    b': comment\r\nretry: 10\r\ndata: {"choices": [{"delta":\r\n',
                    b'data: {"content": "Hi"}, "finish_reason": "stop"}]}\r\n\r\n',
                    b"data: [DONE]\r\n\r\n",
                ),
            )
        ],
        "result",
        stream=True,
    ),
    Hostile("stream choices is a dict", _sse({"choices": {"delta": {}}}), "error", stream=True),
    Hostile("stream choices is a string", _sse({"choices": "Hello"}), "error", stream=True),
    Hostile("stream chunk is not JSON", _sse(b"{not json"), "error", stream=True),
    Hostile("stream content is a number", _sse(_chunk({"content": 7})), "error", stream=True),
    Hostile("stream error event", _sse({"error": {"message": "overloaded"}}), "error", stream=True),
    Hostile(
        "stream without terminator",
        _sse(_chunk({"content": "Hel"}), done=False),
        "error",
        stream=True,
    ),
    Hostile(
        "stream cut mid-way",
        _sse(_chunk({"content": "Hel"}), done=False, hang_up=True),
        "error",
        stream=True,
    ),
    Hostile("stream dripped", _sse(*_HELLO, drip=0.05, drip_size=4), "error", stream=True),
    Hostile("stream that is plain JSON", _json(_completion()), "error", stream=True),
    Hostile(
        "stream line over the cap",
        _sse(_chunk({"content": "x" * 20_000}, "stop")),
        "error",
        stream=True,
        limits={"MAX_LINE_BYTES": 4096, "MAX_RESPONSE_BYTES": 8192},
    ),
)


def wire_scenarios(
    body: dict[str, Any], events: tuple[dict[str, Any], ...], *, event_name: bool = False
) -> tuple[Hostile, ...]:
    """The transport's hostile scenarios in another wire's words.

    `body` is a whole non-streamed answer and `events` a whole stream whose last event ends
    it (Gemini's finish reason, Cohere's ``message-end``); `event_name` writes each event's
    ``type`` as its SSE ``event:`` field too, as Cohere does.
    """

    def sse(*chosen: Any, **reply: Any) -> Callable[[], list[Reply]]:
        parts = []
        for event in chosen:
            data = event if isinstance(event, bytes) else json.dumps(event).encode()
            name = (
                f"event: {event['type']}\n".encode()
                if event_name and isinstance(event, dict)
                else b""
            )
            parts.append(name + b"data: " + data + b"\n\n")
        return lambda: [
            Reply(200, b"", content_type="text/event-stream", parts=tuple(parts), **reply)
        ]

    def then_ok(status: int, headers: dict[str, str]) -> Callable[[], list[Reply]]:
        error = json.dumps({"error": {"code": status, "message": "busy"}}).encode()
        ok = Reply(200, json.dumps(body).encode())
        return lambda: [Reply(status, error, headers=tuple(headers.items())), ok]

    first, last = events[0], events[-1]
    padded = {**body, "padding": "x" * 20_000}
    return (
        Hostile("body is not JSON", _raw(b"<html>Bad gateway</html>", "text/html"), "error"),
        Hostile("empty body", _raw(b""), "error"),
        Hostile("503 then an answer", then_ok(503, {}), "result"),
        Hostile("429 with Retry-After nan", then_ok(429, {"Retry-After": "nan"}), "result"),
        Hostile("429 asking for an hour", then_ok(429, {"Retry-After": "3600"}), "error"),
        Hostile("no answer at all", _json(body, delay=30.0), "error"),
        Hostile("body dripped a byte at a time", _json(body, drip=0.05, drip_size=8), "error"),
        Hostile("connection closed mid-body", _json(body, hang_up=True), "error", repeat=5),
        Hostile(
            "answer over the size cap",
            _json(padded),
            "error",
            limits={"MAX_RESPONSE_BYTES": 4096},
        ),
        Hostile("a whole stream", sse(*events), "result", stream=True),
        Hostile("stream without its last event", sse(*events[:-1]), "error", stream=True),
        Hostile("stream cut mid-way", sse(first, hang_up=True), "error", stream=True),
        Hostile("stream chunk is not JSON", sse(b"{not json", last), "error", stream=True),
        Hostile("stream dripped", sse(*events, drip=0.05, drip_size=4), "error", stream=True),
        Hostile(
            "stream over the size cap",
            sse(*events[:-1], *([first] * 40), last),
            "error",
            stream=True,
            limits={"MAX_RESPONSE_BYTES": 2048},
        ),
    )


def _gemini_chunk(text: str, finish: str | None = None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}}
    if finish:
        candidate["finishReason"] = finish
    usage = {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4}
    return {"candidates": [candidate], "usageMetadata": usage}


#: `wire_scenarios` for Gemini's ``generateContent`` (a stream ends with a finish reason).
HOSTILE_GEMINI = wire_scenarios(
    _gemini_chunk("ok", "STOP"), (_gemini_chunk("Hel"), _gemini_chunk("lo", "STOP"))
)

_COHERE_USAGE = {"billed_units": {"input_tokens": 3, "output_tokens": 1}, "tokens": {}}

#: `wire_scenarios` for Cohere's v2 chat (a stream ends with ``message-end``).
HOSTILE_COHERE = wire_scenarios(
    {
        "id": "c",
        "finish_reason": "COMPLETE",
        "message": {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
        "usage": _COHERE_USAGE,
    },
    tuple(
        {"type": kind, "index": 0, "delta": delta}
        for kind, delta in (
            ("content-delta", {"message": {"content": {"text": "Hel"}}}),
            ("content-delta", {"message": {"content": {"text": "lo"}}}),
            ("message-end", {"finish_reason": "COMPLETE", "usage": _COHERE_USAGE}),
        )
    ),
    event_name=True,
)

_RESPONSES_USAGE = {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}


def _response(text: str) -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": []}
    message = {"type": "message", "id": "m", "role": "assistant", "content": [part]}
    return {
        "id": "r",
        "object": "response",
        "status": "completed",
        "output": [message],
        "usage": _RESPONSES_USAGE,
    }


#: `wire_scenarios` for OpenAI's Responses API (a stream ends with ``response.completed``).
HOSTILE_RESPONSES = wire_scenarios(
    _response("ok"),
    (
        {"type": "response.output_text.delta", "delta": "Hel"},
        {"type": "response.output_text.delta", "delta": "lo"},
        {"type": "response.completed", "response": _response("Hello")},
    ),
    event_name=True,
)
