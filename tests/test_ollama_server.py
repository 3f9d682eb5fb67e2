"""`OllamaServer` checked with the official `ollama` SDK pointed at it."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys

import httpx
import jsonschema
import ollama
import pytest

from prompture.testing._ollama_format import DEFAULT_TEXT
from prompture.testing._ollama_probe import OllamaWire
from prompture.testing.ollama_server import OllamaServer

HI = [{"role": "user", "content": "Hello there"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city", "days"],
        },
    },
}
PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "age", "tags"],
}
#: A 1x1 PNG, base64.
PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEh"
    "QGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def module_server():
    with OllamaServer() as server:
        yield server


@pytest.fixture
def server(module_server):
    module_server.reset()
    return module_server


@pytest.fixture
def client(server):
    with ollama.Client(host=server.url, timeout=5) as sdk:
        yield sdk


def chat(client, **kwargs):
    kwargs.setdefault("model", "test-model")
    kwargs.setdefault("messages", HI)
    return client.chat(**kwargs)


def test_plain_chat(client, server):
    server.script("Hi there, friend", usage={"prompt_tokens": 12, "completion_tokens": 3})
    response = chat(client, options={"temperature": 0.2, "num_predict": 16})
    assert response.message.role == "assistant"
    assert response.message.content == "Hi there, friend"
    assert (response.prompt_eval_count, response.eval_count) == (12, 3)
    assert (response.done, response.done_reason, response.model) == (True, "stop", "test-model")
    sent = server.last_request.body
    assert sent["stream"] is False
    assert sent["options"] == {"temperature": 0.2, "num_predict": 16}


def test_counts_default_to_word_counts(client):
    response = chat(client)
    assert response.prompt_eval_count == 2
    assert response.eval_count == len(DEFAULT_TEXT.split())


def test_stream(client, server):
    server.script("The quick brown fox", reasoning="Thinking hard")
    parts = list(chat(client, stream=True))
    *pieces, final = parts
    assert "".join(p.message.content or "" for p in parts) == "The quick brown fox"
    assert "".join(p.message.thinking or "" for p in parts) == "Thinking hard"
    assert sum(bool(p.message.content) for p in pieces) == 4
    assert not any(p.done for p in pieces)
    assert (final.done, final.done_reason, final.eval_count) == (True, "stop", 4)
    assert server.last_request.body["stream"] is True


def test_stream_in_a_given_number_of_chunks(client, server):
    server.script("abcdefghij", chunks=3)
    contents = [p.message.content for p in chat(client, stream=True) if p.message.content]
    assert contents == ["abcd", "efg", "hij"]


def test_stream_is_the_default_and_is_chunked_ndjson(server):
    status, headers, raw = _raw_request(server, "POST", "/api/chat", {"model": "m", "messages": HI})
    lines = raw.decode().splitlines()
    assert status == 200
    assert headers["Content-Type"] == "application/x-ndjson"
    assert headers["Transfer-Encoding"] == "chunked"
    objects = [json.loads(line) for line in lines]
    assert [o["done"] for o in objects] == [False] * (len(objects) - 1) + [True]
    assert "".join(o["message"]["content"] for o in objects) == DEFAULT_TEXT


def test_thinking_in_a_response(client, server):
    server.script("4", reasoning="2 + 2 is 4.")
    message = chat(client, think=True).message
    assert (message.content, message.thinking) == ("4", "2 + 2 is 4.")
    assert server.last_request.body["think"] is True


def test_default_tool_call_is_parsed_by_the_sdk(client, server):
    response = chat(client, tools=[WEATHER_TOOL])
    call = response.message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert call.function.arguments == {"city": "Paris", "days": 1}
    assert response.done_reason == "stop"
    assert server.last_request.body["tools"] == [WEATHER_TOOL]


def test_scripted_tool_calls_in_a_stream(client, server):
    server.script(
        tool_calls=[{"name": "a", "arguments": {"x": 1}}, {"name": "b", "arguments": "{}"}]
    )
    calls = [
        c
        for p in chat(client, tools=[WEATHER_TOOL], stream=True)
        for c in p.message.tool_calls or []
    ]
    assert [(c.function.name, c.function.arguments) for c in calls] == [("a", {"x": 1}), ("b", {})]


def test_tool_result_is_echoed(client, server):
    messages = [
        *HI,
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}],
        },
        {"role": "tool", "content": "18C and sunny", "tool_name": "get_weather"},
    ]
    response = chat(client, messages=messages, tools=[WEATHER_TOOL])
    assert response.message.content == "The tool said: 18C and sunny"
    assert server.last_request.body["messages"][-1]["tool_name"] == "get_weather"


def test_json_format(client, server):
    content = chat(client, format="json").message.content
    assert isinstance(json.loads(content), dict)
    assert server.last_request.body["format"] == "json"


def test_schema_format(client, server):
    content = chat(client, format=PERSON).message.content
    jsonschema.validate(json.loads(content), PERSON)
    assert server.last_request.body["format"] == PERSON


def test_stop_reasons_take_normalized_or_native_names(client, server):
    for scripted, expected in [
        ("max_tokens", "length"),
        ("end_turn", "stop"),
        ("length", "length"),
    ]:
        server.script("Cut", finish_reason=scripted)
        assert chat(client).done_reason == expected


def test_images_are_recorded_as_base64(client, server):
    chat(client, messages=[{"role": "user", "content": "What is this?", "images": [PNG_B64]}])
    assert server.last_request.body["messages"][0]["images"] == [PNG_B64]


def test_list_show_and_version(client, server):
    listing = client.list()
    assert [m.model for m in listing.models] == ["test-model", "test-model-2"]
    assert listing.models[0].details.family == "llama"
    assert len(listing.models[0].digest) == 64
    assert client.show("test-model-2").details.format == "gguf"
    with pytest.raises(ollama.ResponseError) as info:
        client.show("no-such-model")
    assert info.value.status_code == 404
    assert json.loads(_raw_request(server, "GET", "/api/version")[2]) == {"version": "0.12.0"}
    assert _raw_request(server, "GET", "/")[2] == b"Ollama is running"


def test_error_status_is_a_response_error(client, server):
    server.fail_next(503)
    with pytest.raises(ollama.ResponseError) as info:
        chat(client)
    assert info.value.status_code == 503
    assert info.value.error == "Injected failure: Service Unavailable"
    server.fail_next(500)
    with pytest.raises(ollama.ResponseError):
        list(chat(client, stream=True))


def test_content_lists_and_string_arguments_are_rejected_as_ollama_does(server):
    body = {
        "model": "m",
        "stream": False,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
    }
    status, _, raw = _raw_request(server, "POST", "/api/chat", body)
    assert status == 400 and "of type string" in json.loads(raw)["error"]
    call = {"function": {"name": "f", "arguments": '{"city": "Paris"}'}}
    body["messages"] = [{"role": "assistant", "content": "", "tool_calls": [call]}]
    status, _, raw = _raw_request(server, "POST", "/api/chat", body)
    assert status == 400 and "ToolCallFunctionArguments" in json.loads(raw)["error"]


def test_missing_model_and_bad_format(server):
    status, _, raw = _raw_request(server, "POST", "/api/chat", {"messages": HI})
    assert (status, json.loads(raw)) == (400, {"error": "model is required"})
    status, _, _ = _raw_request(
        server, "POST", "/api/chat", {"model": "m", "messages": HI, "format": "xml"}
    )
    assert status == 400


def test_no_messages_loads_the_model(client):
    response = client.chat(model="test-model", messages=[])
    assert (response.done, response.done_reason, response.message.content) == (True, "load", "")


def test_stray_top_level_sampling_fields_are_recorded_and_ignored(server):
    body = {"model": "m", "messages": HI, "stream": False, "temperature": 0.1, "max_tokens": 5}
    status, _, raw = _raw_request(server, "POST", "/api/chat", body)
    assert status == 200 and json.loads(raw)["message"]["content"] == DEFAULT_TEXT
    assert server.last_request.body["temperature"] == 0.1


def test_api_key_is_checked_only_when_set(monkeypatch):
    with OllamaServer(api_key="secret-key") as keyed:
        with ollama.Client(host=keyed.url) as sdk:
            with pytest.raises(ollama.ResponseError) as info:
                chat(sdk)
        assert (info.value.status_code, info.value.error) == (401, "unauthorized")
        monkeypatch.setenv("OLLAMA_API_KEY", "secret-key")  # the SDK sends it as Bearer
        with ollama.Client(host=keyed.url) as sdk:
            assert chat(sdk).message.content == DEFAULT_TEXT
        assert keyed.last_request.headers["authorization"] == "Bearer secret-key"


def test_malformed_body(client, server):
    server.fail_next_malformed()
    with pytest.raises(ValueError):
        chat(client)


def test_delay_past_client_timeout_leaves_server_usable(server):
    server.delay_next(1.0)
    with ollama.Client(host=server.url, timeout=0.2) as sdk:
        with pytest.raises(httpx.TimeoutException):
            chat(sdk)
        assert chat(sdk).message.content == DEFAULT_TEXT


def test_unknown_path(server):
    assert _raw_request(server, "GET", "/api/nothing")[0] == 404


def test_url_has_no_path():
    server = OllamaServer()
    with server:
        assert server.url == f"http://127.0.0.1:{server.port}"


async def test_async_client(server):
    server.script("async hello")
    sdk = ollama.AsyncClient(host=server.url, timeout=5)
    response = await sdk.chat(model="test-model", messages=HI)
    stream = await sdk.chat(model="test-model", messages=HI, stream=True)
    text = "".join([part.message.content async for part in stream])
    assert response.message.content == "async hello"
    assert text == DEFAULT_TEXT
    assert [m.model for m in (await sdk.list()).models] == ["test-model", "test-model-2"]


def test_probe_reads_what_ollama_reads(server):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Look", "images": [PNG_B64]},
        {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": {}}}]},
        {"role": "tool", "content": "done", "tool_name": "f"},
    ]
    body = {"model": "m", "messages": messages, "tools": [WEATHER_TOOL], "format": PERSON}
    _raw_request(server, "POST", "/api/chat", {**body, "temperature": 0.9, "max_tokens": 5})
    wire, request = OllamaWire(), server.last_request
    assert (wire.temperature(request), wire.max_tokens(request)) == (None, None)
    assert wire.is_stream(request)  # absent means streaming
    assert (wire.system(request), wire.texts(request)) == ("Be brief.", "Be brief.\nLook\n\ndone")
    assert (wire.schema(request), wire.json_mode(request)) == (PERSON, True)
    assert wire.tool_names(request) == ["get_weather"]
    assert (wire.tool_calls_sent(request), wire.tool_results(request)) == (["f"], ["done"])
    assert wire.has_image(request) and wire.api_key(request) is None
    options = {"temperature": 0.1, "num_predict": 7}
    _raw_request(server, "POST", "/api/chat", {**body, "stream": False, "options": options})
    request = server.last_request
    assert (wire.temperature(request), wire.max_tokens(request)) == (0.1, 7)
    assert not wire.is_stream(request)


def test_import_loads_no_http_client_nor_pytest():
    code = (
        "import sys, prompture.testing.ollama_server, prompture.testing._ollama_probe;"
        "print([m for m in ('requests', 'httpx', 'ollama', 'pytest') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def _raw_request(server, method, path, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    data = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    result = response.status, response.headers, response.read()
    connection.close()
    return result
