"""The OpenAI Responses API base: generated-style subclasses (OpenAI's dialect and Perplexity's
Agent API) through the contract suite on the local server, the server checked by the official
`openai` SDK's ``responses.create`` (sync, async, streamed), and the wire functions."""

from __future__ import annotations

import asyncio
import json

import openai
import pytest

from prompture.drivers import _responses_wire as wire
from prompture.drivers.openai_responses import AsyncOpenAIResponsesDriver, OpenAIResponsesDriver
from prompture.exceptions import DriverHTTPError
from prompture.testing._contract_scenarios import PERSON_SCHEMA, WEATHER_TOOL
from prompture.testing.responses_contract import PerplexityAgentContract, ResponsesContract
from prompture.testing.responses_server import PerplexityAgentServer, ResponsesServer

HI = [{"role": "user", "content": "Hi"}]


# What the scaffolder generates for Perplexity's Agent API (one file each, sync and async).
class PerplexityDriver(OpenAIResponsesDriver):
    provider = "perplexity"
    display_name = "Perplexity"
    api_key_env = ("PERPLEXITY_API_KEY",)
    default_endpoint = "https://api.perplexity.ai/v1"
    default_model = "openai/gpt-5.4"
    dialect = "perplexity"
    supports_json_schema = supports_tool_use = True
    supports_streaming = supports_vision = supports_reasoning = True


class AsyncPerplexityDriver(AsyncOpenAIResponsesDriver):
    sync_driver = PerplexityDriver


# A provider on OpenAI's own dialect of the wire.
class ResponsesDriver(OpenAIResponsesDriver):
    provider = "openai"
    display_name = "OpenAI Responses"
    api_key_env = ("OPENAI_API_KEY",)
    default_endpoint = "https://api.openai.com/v1"
    default_model = "gpt-5"
    supports_json_mode = supports_json_schema = supports_tool_use = True
    supports_streaming = supports_vision = supports_reasoning = True


class AsyncResponsesDriver(AsyncOpenAIResponsesDriver):
    sync_driver = ResponsesDriver


class TestPerplexityDriver(PerplexityAgentContract):
    driver_class = PerplexityDriver
    async_driver_class = AsyncPerplexityDriver
    priced_model = "sonar-pro"


class TestResponsesDriver(ResponsesContract):
    driver_class = ResponsesDriver
    async_driver_class = AsyncResponsesDriver
    priced_model = "gpt-5"


@pytest.fixture(scope="module")
def running_servers():
    with ResponsesServer() as plain, PerplexityAgentServer() as perplexity:
        yield {"openai": plain, "perplexity": perplexity}


@pytest.fixture
def server(running_servers):
    running_servers["openai"].reset()
    return running_servers["openai"]


@pytest.fixture
def pplx(running_servers):
    running_servers["perplexity"].reset()
    return running_servers["perplexity"]


def client(server, key="test-key"):
    return openai.OpenAI(api_key=key, base_url=server.url, max_retries=0)


def test_server_speaks_responses_to_the_official_sdk(server):
    server.script(
        "Hi there", reasoning="Say hi.", usage={"prompt_tokens": 4, "completion_tokens": 2}
    )
    response = client(server).responses.create(model="gpt-5", input="Hi", instructions="Be nice.")
    assert response.output_text == "Hi there"
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text == "Say hi."
    assert (response.usage.input_tokens, response.usage.output_tokens) == (4, 2)
    assert response.status == "completed"
    sent = server.last_request.body
    assert sent["instructions"] == "Be nice." and sent["input"] == "Hi"

    server.script("Cut", finish_reason="max_tokens")
    cut = client(server).responses.create(model="gpt-5", input="Hi", max_output_tokens=16)
    assert (cut.status, cut.incomplete_details.reason) == ("incomplete", "max_output_tokens")


def test_server_streams_to_the_official_sdk(server):
    server.script("Streamed from the Responses server")
    events = list(client(server).responses.create(model="gpt-5", input="Hi", stream=True))
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert "".join(deltas) == "Streamed from the Responses server" and len(deltas) > 1
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert events[-1].response.output_text == "Streamed from the Responses server"
    assert [e.sequence_number for e in events] == list(range(len(events)))


def test_server_answers_the_async_sdk(server):
    async def run():
        sdk = openai.AsyncOpenAI(api_key="test-key", base_url=server.url, max_retries=0)
        async with sdk:
            schema = {"type": "json_schema", "name": "person", "schema": PERSON_SCHEMA}
            response = await sdk.responses.create(
                model="gpt-5", input="A person", text={"format": schema}
            )
            stream = await sdk.responses.create(model="gpt-5", input="Hi", stream=True)
            kinds = [event.type async for event in stream]
        return response, kinds

    response, kinds = asyncio.run(run())
    assert sorted(json.loads(response.output_text)) == ["age", "name", "tags"]
    assert kinds[-1] == "response.completed" and "response.output_text.delta" in kinds


def test_server_tool_calls_round_trip_through_the_sdk(server):
    sdk = client(server)
    tool = {"type": "function", **WEATHER_TOOL["function"], "strict": False}
    first = sdk.responses.create(model="gpt-5", input="Weather in Paris?", tools=[tool])
    [call] = [item for item in first.output if item.type == "function_call"]
    assert (call.name, json.loads(call.arguments)) == ("get_weather", {"city": "Paris"})
    follow_up = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "type": "function_call",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.call_id, "output": "18C"},
    ]
    final = sdk.responses.create(model="gpt-5", input=follow_up, tools=[tool])
    assert final.output_text == "The tool said: 18C"
    streamed = list(
        sdk.responses.create(model="gpt-5", input="Weather?", tools=[tool], stream=True)
    )
    done = [e.item for e in streamed if e.type == "response.output_item.done"]
    assert done[0].type == "function_call" and done[0].name == "get_weather"


def test_server_is_strict(server, pplx):
    with pytest.raises(openai.AuthenticationError):
        client(server, key="wrong").responses.create(model="m", input="Hi")
    refused = [
        {"input": [{"type": "function_call_output", "call_id": "x", "output": "1"}]},
        {"input": "Hi", "tools": [WEATHER_TOOL]},  # the chat-completions tool shape
        {"input": "Hi", "max_output_tokens": 8},
        {"input": "Hi", "text": {"format": {"type": "json_schema", "schema": {}}}},  # no name
        {"input": [{"role": "tool", "content": "x"}]},
        {"input": [], "temperature": 0.5},
    ]
    for arguments in refused:
        with pytest.raises(openai.BadRequestError):
            client(server).responses.create(model="m", **arguments)
    # Perplexity's Agent API takes no sampling options and asks for JSON with response_format.
    with pytest.raises(openai.BadRequestError, match="temperature"):
        client(pplx).responses.create(model="m", input="Hi", temperature=0.5)
    form = {"type": "json_schema", "json_schema": {"name": "p", "schema": PERSON_SCHEMA}}
    answer = client(pplx).responses.create(
        model="m",
        input=[{"type": "message", "role": "user", "content": "A person"}],
        extra_body={"response_format": form},
    )
    assert sorted(json.loads(answer.output_text)) == ["age", "name", "tags"]
    assert [m.id for m in client(pplx).models.list()] == ["test-model", "test-model-2"]


def test_payload_translation():
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Look"}, image]},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
    ]
    options = {
        "json_schema": PERSON_SCHEMA,
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "reasoning_effort": "low",
        "max_tokens": 99,
        "temperature": 0.3,
        "extra_body": {"store": False},
        "parallel_tool_calls": False,
        "max_steps": 3,
    }
    payload = wire.build_payload(
        messages, model="m", options=options, dialect=wire.DIALECTS["openai"], tools=[WEATHER_TOOL]
    )
    assert payload["instructions"] == "Be brief."
    assert payload["input"] == [
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Look"},
                {"type": "input_image", "image_url": "data:image/png;base64,AA=="},
            ],
        },
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "ok"},
    ]
    assert payload["text"]["format"]["type"] == "json_schema"
    assert payload["text"]["format"]["schema"]["additionalProperties"] is False
    assert payload["tools"] == [{"type": "function", **WEATHER_TOOL["function"], "strict": False}]
    assert payload["tool_choice"] == {"type": "function", "name": "f"}
    assert (payload["reasoning"], payload["max_output_tokens"]) == ({"effort": "low"}, 99)
    assert (payload["temperature"], payload["store"]) == (0.3, False)
    assert payload["parallel_tool_calls"] is False and "max_steps" not in payload

    pplx = wire.build_payload(
        messages,
        model="m",
        options=options,
        dialect=wire.DIALECTS["perplexity"],
        tools=[WEATHER_TOOL],
    )
    assert "text" not in pplx and "temperature" not in pplx and "tool_choice" not in pplx
    assert pplx["response_format"]["json_schema"]["name"] == "extraction"
    assert pplx["max_steps"] == 3 and "parallel_tool_calls" not in pplx
    json_only = wire.build_payload(
        HI, model="m", options={"json_mode": True}, dialect=wire.DIALECTS["perplexity"]
    )
    assert "response_format" not in json_only and "JSON" in json_only["instructions"]


@pytest.mark.parametrize(
    ("status", "reason", "calls", "expected"),
    [
        ("completed", None, False, "end_turn"),
        ("completed", None, True, "tool_use"),
        (None, None, False, "end_turn"),
        ("incomplete", "max_output_tokens", False, "max_tokens"),
        ("incomplete", "content_filter", False, "content_filter"),
        ("incomplete", "max_messages", False, "error"),
        ("failed", None, False, "error"),
    ],
)
def test_stop_reasons(status, reason, calls, expected):
    output = (
        [{"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}] if calls else []
    )
    raw = {
        "status": status,
        "incomplete_details": {"reason": reason} if reason else None,
        "output": output,
    }
    assert wire.parse_response(raw).stop_reason == expected


def test_a_refusal_is_content_filter_and_search_items_are_skipped():
    raw = {
        "status": "completed",
        "output": [
            {"type": "search_results", "results": [{"url": "https://example.com"}]},
            {"type": "message", "content": [{"type": "refusal", "refusal": "I cannot."}]},
        ],
        "usage": {"input_tokens": 3, "output_tokens": 2},
    }
    answer = wire.parse_response(raw)
    assert (answer.text, answer.stop_reason) == ("I cannot.", "content_filter")
    assert wire.usage_counts(answer.usage) == (3, 2, 5)


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "response.failed",
            "response": {
                "status": "failed",
                "error": {"code": "server_error", "message": "model overloaded"},
            },
        },
        {"type": "error", "code": "server_error", "message": "model overloaded"},
    ],
)
def test_stream_error_events_are_driver_errors(server, event):
    delta = {"type": "response.output_text.delta", "delta": "Hel"}
    body = "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in (delta, event))
    server.fail_next(200, body=body.encode())
    driver = ResponsesDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(DriverHTTPError, match="model overloaded") as info:
        list(driver.generate_messages_stream(HI))
    assert info.value.retryable is False


def test_a_stream_cut_before_completed_is_an_error(server):
    delta = {"type": "response.output_text.delta", "delta": "Hel"}
    server.fail_next(200, body=f"event: {delta['type']}\ndata: {json.dumps(delta)}\n\n".encode())
    driver = ResponsesDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(DriverHTTPError, match="ended before the answer was complete"):
        list(driver.generate_messages_stream(HI))


def test_drivers_answer_through_the_registry(pplx, monkeypatch):
    from prompture.drivers import registry

    monkeypatch.setenv("PERPLEXITY_API_KEY", "test-key")
    registry.register_driver(
        "pplx_test", lambda model=None: PerplexityDriver(model=model, endpoint=pplx.url)
    )
    registry.register_async_driver(
        "pplx_test", lambda model=None: AsyncPerplexityDriver(model=model, endpoint=pplx.url)
    )
    try:
        pplx.script("Sync answer")
        sync = registry.get_driver_for_model("pplx_test/openai/gpt-5.4")
        assert sync.generate("Hi")["text"] == "Sync answer"
        pplx.script("Async answer")
        driver = registry.get_async_driver_for_model("pplx_test/openai/gpt-5.4")
        assert asyncio.run(driver.generate("Hi"))["text"] == "Async answer"
        assert pplx.last_request.body["model"] == "openai/gpt-5.4"
    finally:
        registry.unregister_driver("pplx_test")
        registry.unregister_async_driver("pplx_test")
