"""`OllamaDriver` and `AsyncOllamaDriver`: the contract suite, plus what is Ollama's own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from prompture.drivers.async_ollama_driver import AsyncOllamaDriver
from prompture.drivers.ollama_driver import OllamaDriver
from prompture.exceptions import DriverError, DriverHTTPError
from prompture.model_rates import get_model_capabilities
from prompture.testing.ollama_contract import OllamaContract
from prompture.testing.ollama_server import OllamaServer

HI = [{"role": "user", "content": "Hi"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"


class TestOllamaDriver(OllamaContract):
    driver_class = OllamaDriver
    async_driver_class = AsyncOllamaDriver


@pytest.fixture(scope="module")
def module_server():
    with OllamaServer() as server:
        yield server


@pytest.fixture
def server(module_server):
    module_server.reset()
    return module_server


def make(server, cls=OllamaDriver, **kwargs):
    kwargs = {"model": "test-model", "endpoint": server.url, "max_retries": 0, **kwargs}
    return cls(**kwargs)


def test_sampling_goes_under_options_never_at_the_top_level(server):
    options = {"temperature": 0.3, "max_tokens": 50, "top_p": 0.9, "top_k": 40, "seed": 7}
    make(server).generate("Hi", {**options, "stop": "END", "num_ctx": 8192})
    sent = server.last_request.body
    assert sent["options"] == {
        "temperature": 0.3,
        "num_predict": 50,
        "top_p": 0.9,
        "top_k": 40,
        "seed": 7,
        "stop": ["END"],
        "num_ctx": 8192,
    }
    assert not {"temperature", "max_tokens", "num_predict", "top_p", "seed"} & set(sent)
    assert sent["stream"] is False


def test_no_options_object_without_sampling(server):
    make(server).generate("Hi")
    assert "options" not in server.last_request.body
    assert "format" not in server.last_request.body


def test_json_mode_and_schema_use_format(server):
    driver = make(server)
    assert isinstance(json.loads(driver.generate("Hi", {"json_mode": True})["text"]), dict)
    assert server.last_request.body["format"] == "json"
    answer = driver.generate("Hi", {"json_mode": True, "json_schema": PERSON})["text"]
    assert server.last_request.body["format"] == PERSON  # as given: Ollama needs no strict form
    assert json.loads(answer) == {"name": "x"}


def test_tool_round_trip(server):
    driver = make(server)
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = driver.generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    [call] = first["tool_calls"]
    assert (call["name"], call["arguments"], first["stop_reason"]) == (
        "get_weather",
        {"city": "Paris"},
        "tool_use",
    )
    openai_call = {
        "id": call["id"],
        "type": "function",
        "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
    }
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [openai_call]},
        {"role": "tool", "tool_call_id": call["id"], "content": "18C"},
    ]
    second = driver.generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    assert (second["text"], second["stop_reason"]) == ("The tool said: 18C", "end_turn")
    sent = server.last_request.body["messages"]
    assert sent[1] == {
        "role": "assistant",
        "content": "",
        "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}],
    }
    assert sent[2] == {"role": "tool", "content": "18C", "tool_name": "get_weather"}
    assert server.last_request.body["tools"] == [WEATHER_TOOL]


def test_tool_choice_none_offers_no_tools(server):
    result = make(server).generate_messages_with_tools(HI, [WEATHER_TOOL], {"tool_choice": "none"})
    assert "tools" not in server.last_request.body
    assert result["tool_calls"] == [] and result["stop_reason"] == "end_turn"


def test_stream_sync(server):
    server.script("One two three", reasoning="Count.", usage={"prompt_tokens": 5})
    chunks = list(make(server).generate_messages_stream(HI, {"temperature": 0}))
    *deltas, done = chunks
    assert [c["text"] for c in deltas] == ["One ", "two ", "three"]
    assert done["text"] == "One two three"
    assert done["meta"]["reasoning_content"] == "Count."
    assert (done["meta"]["prompt_tokens"], done["meta"]["completion_tokens"]) == (5, 3)
    assert done["meta"]["raw_response"]["done"] is True
    sent = server.last_request.body
    assert sent["stream"] is True and sent["options"] == {"temperature": 0}


async def test_stream_async(server):
    server.script("abcdef", chunks=3)
    driver = make(server, AsyncOllamaDriver)
    chunks = [c async for c in driver.generate_messages_stream(HI, {"max_tokens": 9})]
    assert [c["text"] for c in chunks[:-1]] == ["ab", "cd", "ef"]
    assert chunks[-1]["type"] == "done" and chunks[-1]["text"] == "abcdef"
    assert server.last_request.body["options"] == {"num_predict": 9}


@pytest.mark.parametrize("cls", [OllamaDriver, AsyncOllamaDriver])
async def test_stream_error_line_and_truncation(server, cls):
    line = b'{"model":"m","message":{"role":"assistant","content":"Hi"},"done":false}\n'
    cases = [
        (line + b'{"error":"out of memory"}\n', "out of memory"),
        (line, "ended before its last line"),
        (line + b"not json\n", "malformed"),
    ]
    for body, message in cases:
        server.fail_next(200, body=body)
        with pytest.raises(DriverError, match=message):
            await _drain(make(server, cls).generate_messages_stream(HI, {}))


async def _drain(stream):
    if hasattr(stream, "__aiter__"):
        return [c async for c in stream]
    return list(stream)


def test_thinking(server):
    server.script("4", reasoning="2 + 2 = 4")
    result = make(server).generate("2 + 2?", {"think": True})
    assert (result["text"], result["meta"]["reasoning_content"]) == ("4", "2 + 2 = 4")
    assert server.last_request.body["think"] is True
    make(server).generate("2 + 2?", {"think": "low"})
    assert server.last_request.body["think"] == "low"
    make(server).generate("2 + 2?")
    assert "think" not in server.last_request.body


def test_images_become_base64(server):
    image = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG_B64}"}}
    content = [{"type": "text", "text": "What is this?"}, image]
    make(server).generate_messages([{"role": "user", "content": content}])
    [message] = server.last_request.body["messages"]
    assert message == {"role": "user", "content": "What is this?", "images": [PNG_B64]}


def test_web_image_urls_are_refused_before_sending(server):
    image = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
    with pytest.raises(DriverError, match="data URL"):
        make(server).generate_messages([{"role": "user", "content": [image]}])
    assert server.requests == []


def test_length_is_max_tokens(server):
    server.script("Cut", finish_reason="length")
    assert make(server).generate_messages_with_tools(HI, [], {})["stop_reason"] == "max_tokens"


def test_optional_key_is_sent_as_bearer(monkeypatch):
    with OllamaServer(api_key="hosted-key") as hosted:
        monkeypatch.setenv("OLLAMA_API_KEY", "hosted-key")
        monkeypatch.setenv("OLLAMA_ENDPOINT", hosted.url)
        driver = OllamaDriver(model="test-model")
        assert driver.generate("Hi")["text"]
        assert hosted.last_request.headers["authorization"] == "Bearer hosted-key"
        assert OllamaDriver.list_models() == ["test-model", "test-model-2"]
        with pytest.raises(DriverHTTPError) as info:
            OllamaDriver(api_key="wrong-key-1234", max_retries=0).generate("Hi")
        assert info.value.status_code == 401 and "wrong-key-1234" not in str(info.value)


def test_defaults_and_twin():
    driver = OllamaDriver()
    assert (driver.endpoint, driver.model, driver.api_key) == (
        "http://localhost:11434",
        "llama3.1",
        None,
    )
    assert AsyncOllamaDriver.provider == "ollama" and AsyncOllamaDriver.supports_vision
    assert OllamaDriver.requires_api_key is False
    assert "api_key=unset" in repr(driver)


def test_list_models_without_a_server_is_none():
    assert OllamaDriver.list_models(endpoint="http://127.0.0.1:9", timeout=0.5) is None


def test_rate_file_knows_common_local_models(server):
    caps = get_model_capabilities("ollama", "llama3.1")
    assert (caps.tokens_param, caps.supports_tool_use, caps.api_type) == (
        "max_tokens",
        True,
        "ollama",
    )
    assert get_model_capabilities("ollama", "gemma3").supports_vision is True
    server.script("Free.", usage={"prompt_tokens": 1000, "completion_tokens": 1000})
    assert make(server).generate("Hi", {"model": "llama3.1"})["meta"]["cost"] == 0.0


def test_importing_the_drivers_loads_no_sdk_nor_http_client():
    code = (
        "import sys, prompture.drivers.async_ollama_driver;"
        "print([m for m in ('ollama', 'requests', 'httpx') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
