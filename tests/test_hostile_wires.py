"""The transport's hostile scenarios against the other wires: Google (the google-genai SDK on
deadline-bound httpx clients), Cohere and the Responses API (our transport, SSE through the
shared reader).
Each ends in a result or a typed error within the call's total deadline, sync and async."""

from __future__ import annotations

import asyncio

import pytest
from test_cohere_wire import AsyncCohereDriver, CohereDriver
from test_hostile import KEY, check, make, outcome_async, outcome_sync
from test_openai_responses_wire import AsyncResponsesDriver, ResponsesDriver

from prompture import _transport
from prompture.drivers import AsyncGoogleDriver, GoogleDriver
from prompture.testing import GeminiServer
from prompture.testing.cohere_server import CohereServer
from prompture.testing.hostile import HOSTILE_COHERE, HOSTILE_GEMINI, HOSTILE_RESPONSES
from prompture.testing.responses_server import ResponsesServer

WIRES = {
    "google": (GeminiServer, GoogleDriver, AsyncGoogleDriver, HOSTILE_GEMINI),
    "cohere": (CohereServer, CohereDriver, AsyncCohereDriver, HOSTILE_COHERE),
    "responses": (ResponsesServer, ResponsesDriver, AsyncResponsesDriver, HOSTILE_RESPONSES),
}
CASES = [(wire, s) for wire, (*_, scenarios) in WIRES.items() for s in scenarios]
TEXTS = ("ok", "Hello")  # what the two local servers answer


@pytest.fixture(scope="module")
def servers():
    with (
        GeminiServer(api_key=KEY) as gemini,
        CohereServer(api_key=KEY) as cohere,
        ResponsesServer(api_key=KEY) as responses,
    ):
        yield {"google": gemini, "cohere": cohere, "responses": responses}


def arrange(wire, scenario, servers, monkeypatch):
    for name, value in scenario.limits.items():
        monkeypatch.setattr(_transport, name, value)
    server = servers[wire]
    server.reset()
    scenario.arrange(server)
    return server


@pytest.mark.parametrize("wire, scenario", CASES, ids=lambda c: getattr(c, "name", c))
def test_sync(wire, scenario, servers, monkeypatch):
    server = arrange(wire, scenario, servers, monkeypatch)
    check(scenario, *outcome_sync(make(WIRES[wire][1], server), scenario.stream), TEXTS)


@pytest.mark.parametrize("wire, scenario", CASES, ids=lambda c: getattr(c, "name", c))
def test_async(wire, scenario, servers, monkeypatch):
    server = arrange(wire, scenario, servers, monkeypatch)
    check(scenario, *outcome_async(WIRES[wire][2], server, scenario.stream), TEXTS)


def test_no_descriptor_outlives_its_event_loop(servers):
    """Each `asyncio.run` closes what its calls opened (the SDK's clients are per loop)."""
    import gc
    import os

    async def one_call():
        for wire in sorted(WIRES):
            driver = make(WIRES[wire][2], servers[wire])
            assert (await driver.generate_messages([{"role": "user", "content": "Hi"}]))["text"]

    for server in servers.values():
        server.reset()
    asyncio.run(one_call())  # first use: imports, lazily built objects
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(60):
        asyncio.run(one_call())
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before + 2
