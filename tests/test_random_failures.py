"""Against a server failing at random (429 with Retry-After, 503, cut, dropped and malformed
streams), every call ends in the whole answer or a typed error: retries honour Retry-After,
and no truncated stream is taken for an answer."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re

import pytest

from prompture.drivers import AsyncGrokDriver, AsyncOpenAIDriver, GrokDriver, OpenAIDriver
from prompture.exceptions import DriverHTTPError
from prompture.testing import OpenAICompatServer
from prompture.testing._server import Reply

KEY = "random-test-key-123456"
ANSWER = "The whole answer, every word of it."
HI = [{"role": "user", "content": "Hi"}]


def failure(rng: random.Random) -> Reply | None:
    """A random failure, or None for a normal answer."""
    kind = rng.choice(["ok", "ok", "429", "503", "cut", "drop", "malformed"])
    if kind == "429":
        body = json.dumps({"error": {"message": "slow down"}}).encode()
        return Reply(429, body, headers=(("Retry-After", "0.2"),))
    if kind == "503":
        return Reply(503, b'{"error": {"message": "unavailable"}}')
    chunk = {"choices": [{"index": 0, "delta": {"content": "The whole"}, "finish_reason": None}]}
    part = b"data: " + json.dumps(chunk).encode() + b"\n\n"
    if kind == "cut":  # a clean end, but no finish reason and no [DONE]
        return Reply(200, b"", content_type="text/event-stream", parts=(part,))
    if kind == "drop":  # the connection dies mid-stream
        return Reply(200, b"", content_type="text/event-stream", parts=(part,), hang_up=True)
    if kind == "malformed":
        return Reply(
            200, b"", content_type="text/event-stream", parts=(b'data: {"choices": 7}\n\n',)
        )
    return None


@pytest.fixture(scope="module")
def server():
    with OpenAICompatServer(api_key=KEY) as running:
        yield running


def queue(server, rng, calls):
    server.reset()
    for _ in range(calls * 3):  # enough for every attempt of every call
        reply = failure(rng)
        if reply is None:  # let the request through to the scripted answer
            server.delay_next(0.0)
            server.script(ANSWER)
        else:
            server.reply_next(reply)


def outcome_ok(outcome):
    if isinstance(outcome, DriverHTTPError):
        return True
    return outcome["text"] == ANSWER


@pytest.mark.parametrize("cls", [GrokDriver, OpenAIDriver], ids=lambda c: c.__name__)
def test_sync_streams_and_calls(cls, server, caplog):
    rng = random.Random(11)
    queue(server, rng, 40)
    driver = cls(
        api_key=KEY, endpoint=server.url, model="test-model", max_retries=3, retry_backoff=0
    )
    outcomes = []
    with caplog.at_level(logging.INFO, logger="prompture.transport"):
        for n in range(40):
            try:
                if n % 2:
                    outcomes.append(list(driver.generate_messages_stream(HI))[-1])
                else:
                    outcomes.append(driver.generate_messages(HI))
            except DriverHTTPError as exc:
                outcomes.append(exc)
    assert all(outcome_ok(o) for o in outcomes)
    assert sum(not isinstance(o, Exception) for o in outcomes) >= 10
    waits = [float(m) for m in re.findall(r"in ([\d.]+) s after: .*HTTP 429", caplog.text)]
    assert waits and all(w == 0.2 for w in waits)  # Retry-After honoured on every 429


@pytest.mark.parametrize("cls", [AsyncGrokDriver, AsyncOpenAIDriver], ids=lambda c: c.__name__)
def test_async_streams_and_calls(cls, server):
    rng = random.Random(12)
    queue(server, rng, 40)

    async def run():
        driver = cls(
            api_key=KEY, endpoint=server.url, model="test-model", max_retries=3, retry_backoff=0
        )
        outcomes = []
        for n in range(40):
            try:
                if n % 2:
                    outcomes.append([c async for c in driver.generate_messages_stream(HI)][-1])
                else:
                    outcomes.append(await driver.generate_messages(HI))
            except DriverHTTPError as exc:
                outcomes.append(exc)
        return outcomes

    outcomes = asyncio.run(run())
    assert all(outcome_ok(o) for o in outcomes)
    assert sum(not isinstance(o, Exception) for o in outcomes) >= 10
