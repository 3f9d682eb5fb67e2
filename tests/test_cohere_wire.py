"""The Cohere v2 chat base: a generated-style subclass through the contract suite on the local
Cohere server, the server checked by the official `cohere.ClientV2`, and the wire functions."""

from __future__ import annotations

import json

import cohere
import pytest

from prompture.drivers import _cohere_wire as wire
from prompture.drivers.cohere_chat import AsyncCohereChatDriver, CohereChatDriver
from prompture.testing._contract_scenarios import WEATHER_TOOL
from prompture.testing.cohere_contract import CohereContract
from prompture.testing.cohere_server import CohereServer


# What the scaffolder generates for Cohere (one file each for the sync and the async driver).
class CohereDriver(CohereChatDriver):
    provider = "cohere"
    display_name = "Cohere"
    api_key_env = ("COHERE_API_KEY", "CO_API_KEY")
    default_endpoint = "https://api.cohere.com"
    default_model = "command-a-03-2025"
    supports_json_mode = supports_json_schema = supports_tool_use = True
    supports_streaming = supports_vision = supports_reasoning = True


class AsyncCohereDriver(AsyncCohereChatDriver):
    sync_driver = CohereDriver


class TestCohereDriver(CohereContract):
    driver_class = CohereDriver
    async_driver_class = AsyncCohereDriver
    priced_model = "command-a-03-2025"


@pytest.fixture(scope="module")
def running_server():
    with CohereServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def client(server, key="test-key"):
    return cohere.ClientV2(api_key=key, base_url=server.url)


def test_server_speaks_cohere_to_the_official_sdk(server):
    server.script(
        "Hi from Cohere", reasoning="Say hi.", usage={"prompt_tokens": 4, "completion_tokens": 3}
    )
    response = client(server).chat(
        model="command-a-03-2025", messages=[{"role": "user", "content": "Hi"}]
    )
    kinds = [item.type for item in response.message.content]
    assert kinds == ["thinking", "text"] and response.message.content[1].text == "Hi from Cohere"
    assert response.finish_reason == "COMPLETE"
    assert (response.usage.tokens.input_tokens, response.usage.tokens.output_tokens) == (4, 3)

    server.script("Streamed from Cohere")
    events = list(
        client(server).chat_stream(model="m", messages=[{"role": "user", "content": "Hi"}])
    )
    texts = [e.delta.message.content.text for e in events if e.type == "content-delta"]
    assert "".join(texts) == "Streamed from Cohere"
    assert events[-1].type == "message-end" and events[-1].delta.finish_reason == "COMPLETE"


def test_server_tool_calls_round_trip_through_the_sdk(server):
    sdk = client(server)
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = sdk.chat(model="m", messages=messages, tools=[WEATHER_TOOL])
    [call] = first.message.tool_calls
    assert (call.function.name, json.loads(call.function.arguments)) == (
        "get_weather",
        {"city": "Paris"},
    )
    assert first.finish_reason == "TOOL_CALL"
    messages += [
        {"role": "assistant", "tool_plan": first.message.tool_plan, "tool_calls": [call.dict()]},
        {"role": "tool", "tool_call_id": call.id, "content": "18C"},
    ]
    final = sdk.chat(model="m", messages=messages, tools=[WEATHER_TOOL])
    assert final.message.content[0].text == "The tool said: 18C"
    streamed = list(sdk.chat_stream(model="m", messages=messages[:1], tools=[WEATHER_TOOL]))
    starts = [e for e in streamed if e.type == "tool-call-start"]
    assert starts[0].delta.message.tool_calls.function.name == "get_weather"


def test_server_is_strict(server):
    with pytest.raises(cohere.UnauthorizedError):
        client(server, key="wrong").chat(model="m", messages=[{"role": "user", "content": "Hi"}])
    with pytest.raises(cohere.BadRequestError):  # a tool result answering no call
        client(server).chat(
            model="m",
            messages=[
                {"role": "user", "content": "Hi"},
                {"role": "tool", "tool_call_id": "x", "content": "1"},
            ],
        )
    models = client(server).models.list(endpoint="chat")
    assert [m.name for m in models.models] == ["test-model", "test-model-2"]


def test_payload_translation():
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        {"role": "developer", "content": "Be brief."},
        {"role": "assistant", "content": None, "tool_calls": [call], "name": "x"},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
    ]
    payload = wire.build_payload(
        messages,
        model="m",
        options={"json_schema": {"type": "object"}, "tool_choice": "required", "thinking": 512},
        tools=[WEATHER_TOOL],
        native_schema=False,
    )
    assert payload["messages"] == [
        {"role": "system", "content": wire.schema_instruction({"type": "object"})},
        {"role": "system", "content": "Be brief."},
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
    ]
    assert payload["response_format"] == {"type": "json_object"}
    assert payload["tool_choice"] == "REQUIRED"
    assert payload["thinking"] == {"type": "enabled", "token_budget": 512}


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("COMPLETE", "end_turn"),
        ("MAX_TOKENS", "max_tokens"),
        ("TOOL_CALL", "tool_use"),
        ("TIMEOUT", "error"),
        (None, "end_turn"),
        ("SOMETHING_NEW", "error"),
    ],
)
def test_stop_reasons(reason, expected):
    assert wire.normalize_stop_reason(reason) == expected


def test_stream_error_event_is_a_driver_error(server):
    from prompture.exceptions import DriverHTTPError

    event = {
        "type": "message-end",
        "delta": {"error": "model overloaded", "finish_reason": "ERROR"},
    }
    server.fail_next(200, body=f"event: message-end\ndata: {json.dumps(event)}\n\n".encode())
    driver = CohereDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(DriverHTTPError, match="model overloaded") as info:
        list(driver.generate_messages_stream([{"role": "user", "content": "Hi"}]))
    assert info.value.retryable is False
