"""`OpenAICompatServer` checked with the official `openai` SDK pointed at it, plus its
recording, failure injection and the pure helpers behind its default answers."""

from __future__ import annotations

import asyncio
import http.client
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import openai
import pytest

import prompture.testing
from prompture.testing import OpenAICompatibleContract, OpenAICompatServer, RecordedRequest
from prompture.testing import _contract_scenarios as scenarios
from prompture.testing._fake_values import schema_instance, tool_arguments
from prompture.testing._openai_format import DEFAULT_TEXT, split_text
from prompture.testing.contract import run_to_end

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer"},
                "metric": {"type": "boolean"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "note": {"type": "string"},
            },
            "required": ["city", "days", "metric", "unit"],
        },
    },
}
HI = [{"role": "user", "content": "Hello there"}]
AUTH = {"Authorization": "Bearer test-key"}


@pytest.fixture(scope="module")
def running_server():
    with OpenAICompatServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


@pytest.fixture
def client(server):
    with openai.OpenAI(base_url=server.url, api_key="test-key", max_retries=0) as sdk:
        yield sdk


def chat(client, **kwargs):
    return client.chat.completions.create(model="test-model", **{"messages": HI, **kwargs})


def test_plain_completion(client, server):
    completion = chat(client)
    choice = completion.choices[0]
    assert choice.message.content == DEFAULT_TEXT
    assert choice.finish_reason == "stop"
    assert completion.model == "test-model"
    assert completion.usage.prompt_tokens == 2  # "Hello there"
    assert completion.usage.completion_tokens == len(DEFAULT_TEXT.split())
    assert completion.usage.total_tokens == 2 + len(DEFAULT_TEXT.split())


def test_scripted_replies_are_consumed_in_order(client, server):
    server.script("first", usage={"prompt_tokens": 5, "completion_tokens": 3})
    server.script("second", finish_reason="length")
    first, second, third = chat(client), chat(client), chat(client)
    assert first.choices[0].message.content == "first"
    assert (first.usage.prompt_tokens, first.usage.total_tokens) == (5, 8)
    assert second.choices[0].message.content == "second"
    assert second.choices[0].finish_reason == "length"
    assert third.choices[0].message.content == DEFAULT_TEXT


def test_streaming_with_usage(client, server):
    server.script("The quick brown fox", reasoning="Thinking hard")
    stream = chat(client, stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(d.content or "" for d in deltas) == "The quick brown fox"
    assert sum(bool(d.content) for d in deltas) == 4
    assert "".join(getattr(d, "reasoning_content", None) or "" for d in deltas) == "Thinking hard"
    assert chunks[-1].choices == []
    assert chunks[-1].usage.completion_tokens == 4
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"


def test_streaming_in_a_given_number_of_chunks_without_usage(client, server):
    server.script("abcdefghij", chunks=3)
    chunks = list(chat(client, stream=True))
    contents = [
        c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content
    ]
    assert contents == ["abcd", "efg", "hij"]
    assert all(c.usage is None for c in chunks)


def test_stream_is_chunked_server_sent_events(server):
    body = {"model": "test-model", "messages": HI, "stream": True}
    status, headers, raw = _raw_request(server, "POST", "/v1/chat/completions", body)
    events = raw.decode().split("\n\n")
    assert status == 200
    assert headers["Content-Type"] == "text/event-stream"
    assert headers["Transfer-Encoding"] == "chunked"
    assert all(event.startswith("data: ") for event in events[:-1])
    assert events[-2:] == ["data: [DONE]", ""]
    assert json.loads(events[0][6:])["object"] == "chat.completion.chunk"


def test_default_tool_call_fills_required_arguments(client, server):
    completion = chat(client, tools=[WEATHER_TOOL])
    choice = completion.choices[0]
    call = choice.message.tool_calls[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    assert (call.id, call.type, call.function.name) == ("call_1", "function", "get_weather")
    arguments = json.loads(call.function.arguments)
    assert arguments == {"city": "Paris", "days": 1, "metric": True, "unit": "celsius"}


def test_tool_choice_none_gets_text(client, server):
    completion = chat(client, tools=[WEATHER_TOOL], tool_choice="none")
    assert completion.choices[0].message.content == DEFAULT_TEXT


def test_scripted_tool_calls_get_sequential_ids(client, server):
    server.script(tool_calls=[{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": {}}])
    calls = chat(client, tools=[WEATHER_TOOL]).choices[0].message.tool_calls
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("call_1", "a", '{"x": 1}'),
        ("call_2", "b", "{}"),
    ]


def test_streamed_tool_call(client, server):
    chunks = list(chat(client, tools=[WEATHER_TOOL], stream=True))
    calls = [tc for c in chunks if c.choices for tc in c.choices[0].delta.tool_calls or []]
    assert calls[0].id == "call_1"
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments)["city"] == "Paris"
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_tool_result_is_echoed(client, server):
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    messages = [
        *HI,
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C and sunny"},
    ]
    completion = chat(client, messages=messages, tools=[WEATHER_TOOL])
    assert completion.choices[0].message.content == "The tool said: 18C and sunny"
    assert completion.choices[0].finish_reason == "stop"


def test_json_schema_answer_validates(client, server):
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer"},
            "score": {"type": "number"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "kind": {"enum": ["a", "b"]},
            "address": {"$ref": "#/$defs/address"},
        },
        "required": ["name", "age", "score", "tags", "kind", "address"],
        "additionalProperties": False,
        "$defs": {
            "address": {
                "type": "object",
                "properties": {"city": {"anyOf": [{"type": "null"}, {"type": "string"}]}},
                "required": ["city"],
                "additionalProperties": False,
            }
        },
    }
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "person", "strict": True, "schema": schema},
    }
    content = chat(client, response_format=response_format).choices[0].message.content
    answer = json.loads(content)
    jsonschema.validate(answer, schema)
    assert answer["kind"] == "a" and answer["address"] == {"city": "x"}


def test_json_object_answer_parses(client, server):
    content = chat(client, response_format={"type": "json_object"}).choices[0].message.content
    assert isinstance(json.loads(content), dict)


def test_reasoning_content_in_a_completion(client, server):
    server.script("", reasoning="Because.")
    message = chat(client).choices[0].message
    assert message.content == ""
    assert message.model_extra["reasoning_content"] == "Because."


def test_images_are_accepted_and_recorded_intact(client, server):
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    content = [{"type": "text", "text": "What is this picture?"}, image]
    completion = chat(client, messages=[{"role": "user", "content": content}])
    assert completion.usage.prompt_tokens == 4
    assert server.last_request.body["messages"][0]["content"][1] == image


def test_models_list_and_retrieve(client, server):
    assert [m.id for m in client.models.list()] == ["test-model", "test-model-2"]
    model = client.models.retrieve("test-model-2")
    assert (model.id, model.object, model.owned_by) == ("test-model-2", "model", "prompture")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")


def test_wrong_key_is_rejected_without_echo(server):
    with openai.OpenAI(base_url=server.url, api_key="sk-wrong-123", max_retries=0) as sdk:
        with pytest.raises(openai.AuthenticationError) as info:
            chat(sdk)
    assert info.value.status_code == 401
    assert info.value.body["code"] == "invalid_api_key"
    assert "sk-wrong-123" not in info.value.response.text


def test_missing_authorization_is_rejected_unless_no_key_is_set(server):
    assert _raw_request(server, "GET", "/v1/models", headers={})[0] == 401
    with OpenAICompatServer(api_key=None) as open_server:
        assert _raw_request(open_server, "GET", "/v1/models", headers={})[0] == 200


async def test_async_client(server):
    server.script("async hello")
    async with openai.AsyncOpenAI(base_url=server.url, api_key="test-key") as sdk:
        completion = await sdk.chat.completions.create(model="test-model", messages=HI)
        stream = await sdk.chat.completions.create(model="test-model", messages=HI, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert completion.choices[0].message.content == "async hello"
    assert text == DEFAULT_TEXT


def test_rate_limit_then_success_with_sdk_retry(server):
    server.fail_next(429)
    with openai.OpenAI(base_url=server.url, api_key="test-key", max_retries=1) as sdk:
        assert chat(sdk).choices[0].message.content == DEFAULT_TEXT
    assert len(server.requests) == 2


def test_injected_failures_are_consumed_before_scripts(client, server):
    server.script("after the failures")
    server.fail_next(500, times=2)
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            chat(client)
    assert chat(client).choices[0].message.content == "after the failures"


def test_custom_failure_body_and_headers(server):
    server.fail_next(503, body="overloaded", headers={"X-Reason": "test"})
    status, headers, body = _raw_request(server, "POST", "/v1/chat/completions", {"messages": []})
    assert (status, headers["X-Reason"], body) == (503, "test", b"overloaded")


def test_malformed_body(client, server):
    server.fail_next_malformed()
    with pytest.raises(ValueError):  # the SDK cannot decode the body
        chat(client)


def test_delay_past_client_timeout_leaves_server_usable(server):
    server.delay_next(1.0)
    with openai.OpenAI(base_url=server.url, api_key="test-key", max_retries=0, timeout=0.2) as sdk:
        with pytest.raises(openai.APITimeoutError):
            chat(sdk)
        assert chat(sdk).choices[0].message.content == DEFAULT_TEXT


def test_unknown_path_and_invalid_body(server):
    status, _, body = _raw_request(server, "GET", "/v1/nothing")
    assert status == 404 and json.loads(body)["error"]["code"] == "unknown_url"
    status, _, body = _raw_request(server, "POST", "/v1/chat/completions", {"model": "m"})
    assert status == 400 and json.loads(body)["error"]["param"] == "messages"


def test_requests_are_recorded(client, server):
    chat(client, temperature=0.5)
    request = server.last_request
    assert isinstance(request, RecordedRequest)
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.headers["Authorization"] == request.headers["authorization"] == "Bearer test-key"
    assert "CONTENT-TYPE" in request.headers
    assert request.body["temperature"] == 0.5
    assert json.loads(request.raw) == request.body
    server.clear()
    assert server.requests == [] and server.last_request is None


def test_reset_drops_scripts_and_failures(client, server):
    server.script("never sent")
    server.fail_next(500)
    server.reset()
    assert chat(client).choices[0].message.content == DEFAULT_TEXT


def test_keep_alive_serves_several_requests_on_one_connection(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    headers = {**AUTH, "Content-Type": "application/json"}
    body = json.dumps({"model": "test-model", "messages": HI})
    sockets = set()
    for _ in range(3):
        connection.request("POST", "/v1/chat/completions", body=body, headers=headers)
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["choices"]
        sockets.add(id(connection.sock))
    connection.close()
    assert len(sockets) == 1


def test_concurrent_requests_are_all_recorded(server):
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda _: _completion_id(server), range(40)))
    assert len(set(ids)) == 40
    assert len(server.requests) == 40


def test_lifecycle():
    server = OpenAICompatServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    assert server.url == f"http://127.0.0.1:{server.port}/v1"
    server.stop()
    server.stop()  # idempotent


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
        {"type": "array", "items": {"type": "integer", "minimum": 5}, "minItems": 2},
        {"allOf": [{"properties": {"a": {"const": 3}}}, {"properties": {"b": {"type": "number"}}}]},
        {"oneOf": [{"type": "null"}, {"type": "string", "minLength": 3}]},
        {"$ref": "#/definitions/node", "definitions": {"node": {"type": "boolean"}}},
    ],
)
def test_schema_instance_is_valid(schema):
    jsonschema.validate(schema_instance(schema), schema)


def test_recursive_schema_instance_terminates():
    schema = {
        "type": "object",
        "properties": {"child": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}},
    }
    assert schema_instance(schema)["child"]["child"] is not None


def test_tool_arguments_without_parameters():
    assert tool_arguments(None) == {}
    assert tool_arguments({"type": "object", "properties": {}}) == {}


@pytest.mark.parametrize("text", ["", "one", " lead and  trail ", "a\nb\tc", "x" * 7])
@pytest.mark.parametrize("chunks", [None, 1, 3, 100])
def test_split_text_joins_back(text, chunks):
    assert "".join(split_text(text, chunks)) == text


def test_public_names():
    expected = {"DriverContract", "OpenAICompatServer", "OpenAICompatibleContract", "OpenAIWire"}
    expected |= {"RecordedRequest", "WireProbe"}
    assert expected <= set(prompture.testing.__all__)  # other wires add their servers
    assert all(getattr(prompture.testing, name) for name in prompture.testing.__all__)
    with pytest.raises(AttributeError):
        _ = prompture.testing.NoSuchName


def test_import_loads_no_http_client():
    code = (
        "import sys, prompture.testing;"
        "print([m for m in ('requests', 'httpx', 'openai', 'pytest') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_contract_wires_every_scenario_in_both_variants():
    assert not OpenAICompatibleContract.__name__.startswith("Test")
    for scenario in scenarios.SCENARIOS:
        for name in (f"test_{scenario.__name__}", f"test_{scenario.__name__}_async"):
            assert callable(getattr(OpenAICompatibleContract, name, None)), name


def test_sync_checks_must_not_suspend():
    async def check():
        await asyncio.sleep(0)

    with pytest.raises(RuntimeError, match="awaited real I/O"):
        run_to_end(check())


def _raw_request(server, method, path, body=None, headers=AUTH):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    result = response.status, response.headers, response.read()
    connection.close()
    return result


def _completion_id(server):
    status, _, body = _raw_request(server, "POST", "/v1/chat/completions", {"messages": HI})
    assert status == 200
    return json.loads(body)["id"]
