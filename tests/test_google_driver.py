"""`GoogleDriver` and `AsyncGoogleDriver`: the driver contract against `GeminiServer`, plus what
is particular to Gemini (function responses by name, thought signatures, schemas, the SDK)."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys

import pytest

from prompture import model_rates
from prompture.drivers import _google_sdk as sdk
from prompture.drivers.async_google_driver import AsyncGoogleDriver
from prompture.drivers.google_driver import GoogleDriver
from prompture.exceptions import ConfigurationError
from prompture.testing._gemini_format import get
from prompture.testing.gemini_contract import GeminiContract
from prompture.testing.gemini_server import GeminiServer

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
QUESTION = [{"role": "user", "content": "Weather in Paris?"}]


class TestGoogleDriver(GeminiContract):
    driver_class = GoogleDriver
    async_driver_class = AsyncGoogleDriver
    priced_model = "gemini-2.5-flash"


@pytest.fixture(scope="module")
def running():
    with GeminiServer() as server:
        yield server


@pytest.fixture
def server(running):
    running.reset()
    return running


def make(driver_class, server, **kwargs):
    options = {"api_key": "test-key", "model": "test-model", "endpoint": server.url}
    return driver_class(**{**options, "max_retries": 0, **kwargs})


def follow_up(first: dict) -> list[dict]:
    """The conversation after `first` (a tool-call result), with the tool's answer."""
    [call] = first["tool_calls"]
    assistant = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call["id"],
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
            }
        ],
    }
    tool = {"role": "tool", "tool_call_id": call["id"], "content": "18C and sunny"}
    return [*QUESTION, assistant, tool]


def check_round_trip(server: GeminiServer, first: dict, final: dict) -> None:
    assert first["stop_reason"] == "tool_use"
    assert first["tool_calls"][0]["id"].startswith("call_")  # Gemini sends no ids
    assert final["text"] == "The tool said: 18C and sunny"
    assert final["stop_reason"] == "end_turn"
    contents = server.last_request.body["contents"]
    assert [c["role"] for c in contents] == ["user", "model", "user"]
    [call_part] = contents[1]["parts"]
    assert call_part["functionCall"] == {"name": "get_weather", "args": {"city": "Paris"}}
    # The signature the server sent with the call comes back with it (Gemini 3 checks it).
    assert base64.b64decode(call_part["thoughtSignature"]) == b"signature-1"
    assert contents[2]["parts"] == [
        {"functionResponse": {"name": "get_weather", "response": {"output": "18C and sunny"}}}
    ]


def test_tool_round_trip(server):
    driver = make(GoogleDriver, server)
    first = driver.generate_messages_with_tools(QUESTION, [WEATHER_TOOL], {})
    final = driver.generate_messages_with_tools(follow_up(first), [WEATHER_TOOL], {})
    check_round_trip(server, first, final)


async def test_tool_round_trip_async(server):
    driver = make(AsyncGoogleDriver, server)
    first = await driver.generate_messages_with_tools(QUESTION, [WEATHER_TOOL], {})
    final = await driver.generate_messages_with_tools(follow_up(first), [WEATHER_TOOL], {})
    check_round_trip(server, first, final)


def test_unknown_call_gets_the_skip_signature_on_gemini_3(server):
    messages = [
        *QUESTION,
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "from-elsewhere", "function": {"name": "get_weather", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "from-elsewhere", "content": '{"temp": 18}'},
    ]
    make(GoogleDriver, server).generate_messages(messages, {"model": "gemini-3.5-flash"})
    contents = server.last_request.body["contents"]
    assert contents[1]["parts"][0]["thoughtSignature"] in (
        "skip_thought_signature_validator",
        "skip/thought/signature/validator",  # the same bytes in standard base64
    )
    assert contents[2]["parts"][0]["functionResponse"]["response"] == {"temp": 18}


def test_tool_declaration_is_cleaned_for_gemini(server):
    make(GoogleDriver, server).generate_messages_with_tools(QUESTION, [WEATHER_TOOL], {})
    [declaration] = server.last_request.body["tools"][0]["functionDeclarations"]
    assert declaration["parameters"] == {
        "type": "OBJECT",
        "properties": {"city": {"type": "STRING"}},
        "required": ["city"],
    }
    assert WEATHER_TOOL["function"]["parameters"]["additionalProperties"] is False


def test_json_schema_request_shape(server):
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "$defs": {"Pet": {"type": "object", "properties": {"kind": {"enum": ["cat", "dog"]}}}},
        "properties": {
            "name": {"type": ["string", "null"]},
            "pet": {"$ref": "#/$defs/Pet"},
        },
        "required": ["name"],
    }
    result = make(GoogleDriver, server).generate("A person", {"json_schema": schema})
    generation = server.last_request.body["generationConfig"]
    assert generation["responseMimeType"] == "application/json"
    sent = generation["responseSchema"]
    assert sent["type"] == "OBJECT" and sent["required"] == ["name"]
    assert sent["properties"]["name"] == {"type": "STRING", "nullable": True}
    assert sent["properties"]["pet"]["properties"]["kind"] == {
        "type": "STRING",
        "enum": ["cat", "dog"],
    }
    assert "additionalProperties" not in json.dumps(sent)
    assert json.loads(result["text"])["pet"] == {"kind": "cat"}


def test_reasoning_models_ask_for_thoughts(server):
    assert model_rates.get_model_capabilities("google", "gemini-2.5-flash").is_reasoning
    make(GoogleDriver, server).generate("Hi", {"model": "gemini-2.5-flash"})
    thinking = server.last_request.body["generationConfig"]["thinkingConfig"]
    assert get(thinking, "includeThoughts") is True  # the SDK sends it in snake_case
    make(GoogleDriver, server).generate("Hi", {})
    assert "thinkingConfig" not in server.last_request.body["generationConfig"]  # unknown model


def test_options_model_is_honoured(server):
    driver = make(GoogleDriver, server)
    result = driver.generate("Hi", {"model": "gemini-2.5-flash"})
    assert server.last_request.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert result["meta"]["model_name"] == "gemini-2.5-flash"
    assert driver.model == "test-model"


def test_constructor_does_no_io(server):
    GoogleDriver(api_key="test-key", endpoint=server.url)
    AsyncGoogleDriver(api_key="test-key", endpoint=server.url)
    assert server.requests == []


def test_constructor_does_not_import_the_sdk():
    code = (
        "import sys\n"
        "from prompture.drivers.google_driver import GoogleDriver\n"
        "from prompture.drivers.async_google_driver import AsyncGoogleDriver\n"
        "GoogleDriver(api_key='k'); AsyncGoogleDriver(api_key='k')\n"
        "loaded = [m for m in sys.modules if m.startswith('google')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_missing_sdk_gives_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.genai", None)
    driver = GoogleDriver(api_key="k", endpoint="http://127.0.0.1:9/never-built-before")
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[google\]"):
        driver.generate("Hi", {})


def test_key_and_endpoint_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")
    monkeypatch.setenv("GOOGLE_ENDPOINT", server.url)
    driver = GoogleDriver(model="test-model")
    assert driver.generate("Hi", {})["text"]
    assert server.last_request.headers["x-goog-api-key"] == "test-key"


def test_default_model_is_a_tool_calling_gemini_in_the_catalogue():
    caps = model_rates.get_model_capabilities("google", GoogleDriver.default_model)
    assert caps is not None and caps.supports_tool_use
    assert AsyncGoogleDriver.default_model == GoogleDriver.default_model


def test_list_models_needs_a_key_and_a_server(server):
    assert GoogleDriver.list_models(endpoint=server.url) is None
    assert GoogleDriver.list_models(endpoint=server.url, api_key="wrong") is None


def test_sdk_clients_are_built_once_and_shared(server, monkeypatch):
    built = []
    real = sdk.make_client
    monkeypatch.setattr(sdk, "make_client", lambda *args: built.append(args) or real(*args))
    for _ in range(2):  # two drivers configured alike, two calls each
        driver = make(GoogleDriver, server, timeout=7.25)
        driver.generate("Hi", {})
        list(driver.generate_messages_stream([{"role": "user", "content": "Hi"}], {}))
    assert len(built) == 1

    async def twice() -> None:
        driver = make(AsyncGoogleDriver, server, timeout=7.25)
        await driver.generate("Hi", {})
        await driver.generate("Hi", {})

    asyncio.run(twice())
    assert len(built) == 2  # one more for the event loop


def test_a_stream_left_early_releases_its_response(server):
    server.script("one two three four").script("again")
    stream = make(GoogleDriver, server).generate_messages_stream(QUESTION, {})
    assert next(stream) == {"type": "delta", "text": "one "}
    stream.close()
    assert make(GoogleDriver, server).generate("Hi", {})["text"] == "again"


async def test_an_async_stream_left_early_releases_its_response(server):
    server.script("one two three four").script("again")
    stream = make(AsyncGoogleDriver, server).generate_messages_stream(QUESTION, {})
    assert await anext(stream) == {"type": "delta", "text": "one "}
    await stream.aclose()
    assert (await make(AsyncGoogleDriver, server).generate("Hi", {}))["text"] == "again"


@pytest.mark.parametrize("suffix", ["/v1beta", "/v1beta/", "", "/"])
def test_the_endpoint_may_be_the_host_or_the_v1beta_base_url(server, suffix):
    driver = make(GoogleDriver, server, endpoint=server.url + suffix)
    assert driver.generate("Hi", {})["text"]
    assert list(driver.generate_messages_stream(QUESTION, {}))[-1]["text"]
    assert server.last_request.path == "/v1beta/models/test-model:streamGenerateContent"
    listed = GoogleDriver.list_models(endpoint=server.url + suffix, api_key="test-key")
    assert listed == ["test-model", "test-model-2"]


async def test_the_async_driver_takes_the_v1beta_base_url(server):
    driver = make(AsyncGoogleDriver, server, endpoint=server.url + "/v1beta")
    assert (await driver.generate("Hi", {}))["text"]
    assert server.last_request.path == "/v1beta/models/test-model:generateContent"


def test_sdk_base_url():
    host = "https://generativelanguage.googleapis.com"
    assert sdk.sdk_base_url(host + "/v1beta/") == host
    assert sdk.sdk_base_url(host) == host
    assert sdk.sdk_base_url("") is None
