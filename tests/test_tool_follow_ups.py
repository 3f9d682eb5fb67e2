"""Tool follow-ups built from a driver's own result: ``result["tool_calls"]`` passed back as is.

The contract's follow-up format is OpenAI's (``{"id", "type": "function", "function": {"name",
"arguments": JSON string}}``); `prompture._messages.with_openai_tool_calls` also accepts the
shape drivers return (``{"id", "name", "arguments": dict}``), at the shared entry points of
`Driver` and `AsyncDriver`. End to end, every wire must then carry the right names and
arguments.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
from typing import Any

import pytest

from prompture._messages import openai_tool_call, with_openai_tool_calls
from prompture.drivers import (
    AsyncClaudeDriver,
    AsyncGoogleDriver,
    AsyncGrokDriver,
    AsyncOllamaDriver,
    ClaudeDriver,
    GoogleDriver,
    GrokDriver,
    OllamaDriver,
    OpenAIDriver,
)
from prompture.testing import AnthropicServer, GeminiServer, OllamaServer, OpenAICompatServer
from prompture.testing._contract_scenarios import WEATHER_TOOL

QUESTION = [{"role": "user", "content": "Weather in Paris and Rome?"}]
CITIES = ({"city": "Paris"}, {"city": "Rome", "days": [1, 2]})


# --- the conversion ---------------------------------------------------------------------------


def test_a_result_shaped_call_becomes_an_openai_call():
    call = {"id": "call_1", "name": "get_weather", "arguments": {"city": "Zürich"}}
    assert openai_tool_call(call) == {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Zürich"}'},
    }


@pytest.mark.parametrize(
    ("arguments", "sent"), [(None, "{}"), ({}, "{}"), ('{"a": 1}', '{"a": 1}'), ([1], "[1]")]
)
def test_arguments_are_json_encoded_once(arguments, sent):
    call = openai_tool_call({"id": "c", "name": "f", "arguments": arguments})
    assert call["function"]["arguments"] == sent


def test_openai_shaped_calls_and_other_messages_pass_through_untouched():
    openai_call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi", "tool_calls": [{"name": "not-an-assistant-turn"}]},
        {"role": "assistant", "content": None, "tool_calls": [openai_call]},
        {"role": "tool", "tool_call_id": "c", "content": "ok"},
    ]
    converted = with_openai_tool_calls(messages)
    assert converted == messages and converted is not messages
    assert all(new is old for new, old in zip(converted, messages, strict=True))


def test_the_callers_messages_are_never_changed():
    calls = [
        {"id": "a", "name": "f", "arguments": {"x": [1]}, "extra": "kept"},
        {"id": "b", "type": "function", "function": {"name": "g", "arguments": "{}"}},
    ]
    messages = [{"role": "assistant", "content": "", "tool_calls": calls}]
    before = copy.deepcopy(messages)
    [assistant] = with_openai_tool_calls(messages)
    assert messages == before
    assert assistant["tool_calls"][0] == {
        "id": "a",
        "extra": "kept",
        "type": "function",
        "function": {"name": "f", "arguments": '{"x": [1]}'},
    }
    assert assistant["tool_calls"][1] is calls[1]


# --- end to end -------------------------------------------------------------------------------


def anthropic_calls(body: dict[str, Any]) -> list[tuple[str, Any]]:
    turns = [m for m in body["messages"] if m["role"] == "assistant"]
    blocks = [b for m in turns if isinstance(m["content"], list) for b in m["content"]]
    return [(b["name"], b["input"]) for b in blocks if b["type"] == "tool_use"]


def ollama_calls(body: dict[str, Any]) -> list[tuple[str, Any]]:
    calls = [c["function"] for m in body["messages"] for c in m.get("tool_calls") or []]
    return [(c["name"], c["arguments"]) for c in calls]


def gemini_calls(body: dict[str, Any]) -> list[tuple[str, Any]]:
    parts = [p for content in body["contents"] for p in content["parts"]]
    calls = [p["functionCall"] for p in parts if "functionCall" in p]
    return [(c["name"], c.get("args", {})) for c in calls]


def openai_calls(body: dict[str, Any]) -> list[tuple[str, Any]]:
    calls = [c["function"] for m in body["messages"] for c in m.get("tool_calls") or []]
    return [(c["name"], json.loads(c["arguments"])) for c in calls]


#: wire -> (server class, how to read the tool calls a request carried)
WIRES = {
    "anthropic": (AnthropicServer, anthropic_calls),
    "ollama": (OllamaServer, ollama_calls),
    "gemini": (GeminiServer, gemini_calls),
    "openai": (OpenAICompatServer, openai_calls),
}
DRIVERS = [
    ("anthropic", ClaudeDriver),
    ("anthropic", AsyncClaudeDriver),
    ("ollama", OllamaDriver),
    ("ollama", AsyncOllamaDriver),
    ("gemini", GoogleDriver),
    ("gemini", AsyncGoogleDriver),
    ("openai", GrokDriver),
    ("openai", AsyncGrokDriver),
    ("openai", OpenAIDriver),
]


@pytest.fixture(scope="module")
def servers():
    started = {wire: server_class() for wire, (server_class, _) in WIRES.items()}
    for server in started.values():
        server.start()
    yield started
    for server in started.values():
        server.stop()


def run(result: Any) -> Any:
    return asyncio.run(result) if inspect.iscoroutine(result) else result


def make(server, cls):
    return cls(api_key="test-key", model="test-model", endpoint=server.url, max_retries=0)


def follow_up(first: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation after `first`, its tool calls passed back exactly as returned."""
    results = [
        {"role": "tool", "tool_call_id": call["id"], "content": f"{call['arguments']['city']}: 18C"}
        for call in first["tool_calls"]
    ]
    assistant = {"role": "assistant", "content": "Checking.", "tool_calls": first["tool_calls"]}
    return [*QUESTION, assistant, *results]


@pytest.mark.parametrize(("wire", "cls"), DRIVERS)
def test_a_follow_up_built_from_the_result_carries_the_calls(servers, wire, cls):
    server, sent_calls = servers[wire], WIRES[wire][1]
    server.reset()
    server.script("Checking.", tool_calls=[{"name": "get_weather", "arguments": a} for a in CITIES])
    driver = make(server, cls)
    first = run(driver.generate_messages_with_tools(QUESTION, [WEATHER_TOOL], {}))
    assert [call["arguments"] for call in first["tool_calls"]] == list(CITIES)

    messages = follow_up(first)
    before = copy.deepcopy(messages)
    final = run(driver.generate_messages_with_tools(messages, [WEATHER_TOOL], {}))
    assert sent_calls(server.last_request.body) == [("get_weather", a) for a in CITIES]
    assert (final["stop_reason"], final["tool_calls"]) == ("end_turn", [])
    assert messages == before, "the caller's messages were mutated"

    run(driver.generate_messages(messages, {}))  # no tools offered: the history still holds
    assert sent_calls(server.last_request.body) == [("get_weather", a) for a in CITIES]
