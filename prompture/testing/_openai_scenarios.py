"""Contract checks that only make sense on the OpenAI chat-completions wire.

OpenAI-compatible drivers pass conversations, tools and images through unchanged, so these
checks compare the request body with what the caller gave, exactly. Other wires translate
and are checked through their probe only (see `_contract_scenarios`).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from ..exceptions import DriverHTTPError
from ._contract_scenarios import TINY_PNG, WEATHER_TOOL, Case

HEL = {"choices": [{"index": 0, "delta": {"content": "Hel"}}]}
LO = {"choices": [{"index": 0, "delta": {"content": "lo"}}]}


async def messages_sent_as_given(case: Case) -> None:
    """Conversations (tool turns and images included) go out exactly as given."""
    image = {"type": "image_url", "image_url": {"url": TINY_PNG}}
    call = {
        "id": "call_abc123",
        "type": "function",
        "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})},
    }
    messages = [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": [{"type": "text", "text": "Weather here?"}, image]},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_abc123", "content": "18C and sunny"},
    ]
    await case.make().generate_messages(copy.deepcopy(messages), {})
    assert case.sent.body["messages"] == messages


async def tools_sent_as_given(case: Case) -> None:
    """Tools go out exactly as given; the server's call id comes back unchanged."""
    case.require("supports_tool_use")
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    result = await case.make().generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    assert case.sent.body["tools"] == [WEATHER_TOOL]
    assert [call["id"] for call in result["tool_calls"]] == ["call_1"]


def sse(*payloads: Any) -> bytes:
    """SSE frames, one ``data:`` line per payload (dicts as JSON)."""
    lines = (p if isinstance(p, str) else json.dumps(p) for p in payloads)
    return b"".join(f"data: {line}\n\n".encode() for line in lines)


async def broken_stream(case: Case, body: bytes) -> tuple[list[dict], DriverHTTPError]:
    """Stream one answer whose 200 body is `body`: the chunks yielded and the error raised.

    A broken stream is an error (status 200, not retried), never an answer: no ``done``
    chunk, and the key nowhere in the message.
    """
    case.require("supports_streaming")
    case.server.fail_next(200, body=body)
    posts = case.posts()
    chunks: list[dict] = []
    with pytest.raises(DriverHTTPError) as info:
        messages = [{"role": "user", "content": "Hi"}]
        async for chunk in case.make().generate_messages_stream(messages, {}):
            chunks.append(chunk)
    error = info.value
    assert [c for c in chunks if c["type"] == "done"] == [], "a broken stream gave an answer"
    assert (error.status_code, error.retryable) == (200, False)
    assert case.posts() == posts + 1, "a broken stream must not be retried"
    if case.api_key:
        assert case.api_key not in str(error) and case.api_key not in repr(error)
    return chunks, error


async def stream_truncated(case: Case) -> None:
    """A stream cut off inside a chunk (the connection closed mid-payload) is an error."""
    body = sse(HEL) + b'data: {"choices": [{"index": 0, "delta": {"content": "lo'
    await broken_stream(case, body)


async def stream_malformed_chunk(case: Case) -> None:
    """A chunk that is not JSON (or not a chunk) is a malformed-body error, not skipped."""
    _, error = await broken_stream(case, sse(HEL, "{not json", LO, "[DONE]"))
    assert "malformed" in str(error)
    _, error = await broken_stream(case, sse(HEL, {"choices": "nope"}, "[DONE]"))
    assert "malformed" in str(error)


async def stream_error_event(case: Case) -> None:
    """An error event mid-stream is raised with the provider's message; the deltas before it
    were yielded."""
    error_event = {"error": {"message": "Provider returned error", "code": 502}}
    chunks, error = await broken_stream(case, sse(HEL, error_event, "[DONE]"))
    assert "Provider returned error" in str(error)
    assert chunks == [{"type": "delta", "text": "Hel"}]


async def stream_without_terminator(case: Case) -> None:
    """Whole chunks but neither ``[DONE]`` nor a finish reason: the answer may be cut, so it
    is an error; so are an empty stream and ``[DONE]`` alone."""
    await broken_stream(case, sse(HEL, LO))
    await broken_stream(case, b"")
    await broken_stream(case, sse("[DONE]"))


#: The OpenAI-only checks, run by `OpenAICompatibleContract` after the common ones.
SCENARIOS = (
    messages_sent_as_given,
    tools_sent_as_given,
    stream_truncated,
    stream_malformed_chunk,
    stream_error_event,
    stream_without_terminator,
)
