"""Every hostile scenario ends in a result or a typed error within the call's total deadline,
sync and async, through the plain-HTTP OpenAI-compatible driver and the SDK drivers."""

from __future__ import annotations

import asyncio
import time

import pytest

from prompture import _transport
from prompture.drivers import AsyncGrokDriver, AsyncOpenAIDriver, GrokDriver, OpenAIDriver
from prompture.exceptions import DriverHTTPError
from prompture.testing import OpenAICompatServer
from prompture.testing.hostile import HOSTILE_OPENAI, TIMEOUT

KEY = "hostile-test-key-123456"
HI = [{"role": "user", "content": "Hi"}]
#: What a call may take beyond its deadline: thread wake-ups and a loaded 2-core machine.
SLACK = 1.5
DRIVERS = {"http": (GrokDriver, AsyncGrokDriver), "sdk": (OpenAIDriver, AsyncOpenAIDriver)}


@pytest.fixture(scope="module")
def running_server():
    with OpenAICompatServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def server(running_server, monkeypatch):
    running_server.reset()
    return running_server


def make(cls, server):
    return cls(
        api_key=KEY, model="test-model", endpoint=server.url, timeout=TIMEOUT, retry_backoff=0
    )


def call_sync(driver, stream):
    if stream:
        chunks = list(driver.generate_messages_stream(HI))
        return chunks[-1]
    return driver.generate_messages(HI)


async def call_async(driver, stream):
    if stream:
        return [chunk async for chunk in driver.generate_messages_stream(HI)][-1]
    return await driver.generate_messages(HI)


def check(scenario, outcome, elapsed, texts=None):
    """A result (whose text is one of `texts`, when given) or a typed error without the key,
    either within the deadline."""
    assert elapsed < TIMEOUT + SLACK, f"{scenario.name}: took {elapsed:.1f} s"
    if scenario.expect == "result":
        assert not isinstance(outcome, BaseException), f"{scenario.name}: {outcome!r}"
        assert outcome["text"] in texts if texts else outcome["text"]
    else:
        assert isinstance(outcome, DriverHTTPError), f"{scenario.name}: {outcome!r}"
        assert KEY not in repr(outcome) and outcome.__context__ is None


def outcome_sync(driver, stream):
    """(what the call returned or raised, the seconds it took); `check` says which type."""
    start = time.monotonic()
    try:
        outcome = call_sync(driver, stream)
    except Exception as exc:
        outcome = exc
    return outcome, time.monotonic() - start


def outcome_async(cls, server, stream):
    """The same for an async driver built and called in one fresh event loop."""

    async def run():
        driver = make(cls, server)
        try:
            return await call_async(driver, stream)
        except Exception as exc:
            return exc

    start = time.monotonic()
    outcome = asyncio.run(run())
    return outcome, time.monotonic() - start


@pytest.mark.parametrize("kind", sorted(DRIVERS))
@pytest.mark.parametrize("scenario", HOSTILE_OPENAI, ids=lambda s: s.name)
def test_sync(scenario, kind, server, monkeypatch):
    for name, value in scenario.limits.items():
        monkeypatch.setattr(_transport, name, value)
    scenario.arrange(server)
    check(scenario, *outcome_sync(make(DRIVERS[kind][0], server), scenario.stream))


@pytest.mark.parametrize("kind", sorted(DRIVERS))
@pytest.mark.parametrize("scenario", HOSTILE_OPENAI, ids=lambda s: s.name)
def test_async(scenario, kind, server, monkeypatch):
    for name, value in scenario.limits.items():
        monkeypatch.setattr(_transport, name, value)
    scenario.arrange(server)
    check(scenario, *outcome_async(DRIVERS[kind][1], server, scenario.stream))
