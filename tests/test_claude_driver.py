"""The Claude driver against the local Anthropic server: the driver contract, plus the Claude
specifics (tool round trips as blocks, images, thinking, the system prompt apart, the SDK)."""

from __future__ import annotations

import json
import logging
import sys

import jsonschema
import pytest

from prompture import manual_extract_and_jsonify
from prompture.drivers.async_claude_driver import AsyncClaudeDriver
from prompture.drivers.claude_driver import ClaudeDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.testing import AnthropicContract, AnthropicServer
from prompture.testing._contract_scenarios import PERSON_SCHEMA, TINY_PNG, WEATHER_TOOL

HI = [{"role": "user", "content": "Weather in Paris and Rome?"}]


class TestClaudeDriver(AnthropicContract):
    driver_class = ClaudeDriver
    async_driver_class = AsyncClaudeDriver
    priced_model = "claude-sonnet-4-6"


@pytest.fixture(scope="module")
def running_server():
    with AnthropicServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def make(server, cls=ClaudeDriver, **kwargs):
    return cls(**{"api_key": "test-key", "model": "test-model", "endpoint": server.url, **kwargs})


def follow_up(first):
    """The conversation after `first` (a tool-call result): the calls and their results."""
    calls = [
        {
            "id": call["id"],
            "type": "function",
            "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
        }
        for call in first["tool_calls"]
    ]
    results = [
        {"role": "tool", "tool_call_id": call["id"], "content": f"{call['arguments']['city']}: 18C"}
        for call in first["tool_calls"]
    ]
    return [*HI, {"role": "assistant", "content": "Checking.", "tool_calls": calls}, *results]


def check_round_trip(server, first, final):
    assert [c["id"] for c in first["tool_calls"]] == ["toolu_01", "toolu_02"]
    assert first["stop_reason"] == "tool_use"
    assert final["text"] == "The tool said: Paris: 18C; Rome: 18C"
    assert (final["stop_reason"], final["tool_calls"]) == ("end_turn", [])
    user, assistant, results = server.last_request.body["messages"]
    assert assistant["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "toolu_02", "name": "get_weather", "input": {"city": "Rome"}},
    ]
    assert results == {  # both results in one user turn, as the API requires
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01", "content": "Paris: 18C"},
            {"type": "tool_result", "tool_use_id": "toolu_02", "content": "Rome: 18C"},
        ],
    }


def script_two_calls(server):
    calls = [{"name": "get_weather", "arguments": {"city": c}} for c in ("Paris", "Rome")]
    server.script("Checking.", tool_calls=calls)


def test_tool_round_trip(server):
    script_two_calls(server)
    driver = make(server)
    first = driver.generate_messages_with_tools(HI, [WEATHER_TOOL], {})
    final = driver.generate_messages_with_tools(follow_up(first), [WEATHER_TOOL], {})
    check_round_trip(server, first, final)


async def test_tool_round_trip_async(server):
    script_two_calls(server)
    driver = make(server, AsyncClaudeDriver)
    first = await driver.generate_messages_with_tools(HI, [WEATHER_TOOL], {})
    final = await driver.generate_messages_with_tools(follow_up(first), [WEATHER_TOOL], {})
    check_round_trip(server, first, final)


def test_tools_and_tool_choice_are_translated(server):
    options = {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}}
    make(server).generate_messages_with_tools(HI, [WEATHER_TOOL], options)
    body = server.last_request.body
    function = WEATHER_TOOL["function"]
    assert body["tools"] == [
        {
            "name": "get_weather",
            "description": function["description"],
            "input_schema": function["parameters"],
        }
    ]
    assert body["tool_choice"] == {"type": "tool", "name": "get_weather"}


def test_images_become_image_blocks(server):
    url = "https://example.com/cat.png"
    content = [
        {"type": "text", "text": "Compare these."},
        {"type": "image_url", "image_url": {"url": TINY_PNG}},
        {"type": "image_url", "image_url": {"url": url}},
    ]
    make(server).generate_messages([{"role": "user", "content": content}], {})
    media, data = TINY_PNG.removeprefix("data:").split(";base64,")
    assert server.last_request.body["messages"][0]["content"] == [
        {"type": "text", "text": "Compare these."},
        {"type": "image", "source": {"type": "base64", "media_type": media, "data": data}},
        {"type": "image", "source": {"type": "url", "url": url}},
    ]


def test_system_prompt_goes_apart_with_the_json_instruction(server):
    messages = [
        {"role": "system", "content": "Be terse."},
        {"role": "developer", "content": "Use metric units."},
        {"role": "user", "content": "Describe a person."},
    ]
    result = make(server).generate_messages(messages, {"json_schema": PERSON_SCHEMA})
    body = server.last_request.body
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Describe a person."}]}
    ]
    assert body["system"] == "Be terse.\n\nUse metric units."
    schema = body["output_config"]["format"]["schema"]
    assert schema["additionalProperties"] is False and "response_format" not in body
    assert set(json.loads(result["text"])) == set(PERSON_SCHEMA["properties"])


def test_extraction_with_the_schema_sent_natively(server):
    server.script(json.dumps({"name": "Maria", "age": 32}))
    driver = make(server)
    result = manual_extract_and_jsonify(driver, "Maria is 32.", PERSON_SCHEMA, "claude-sonnet-4-6")
    assert result["json_object"] == {"name": "Maria", "age": 32}
    assert result["usage"]["cost"] > 0
    body = server.last_request.body
    assert "Maria is 32." in body["messages"][0]["content"][0]["text"]
    assert '"age"' not in body["messages"][0]["content"][0]["text"]
    assert body["output_config"]["format"]["type"] == "json_schema"


def test_thinking_budget(server):
    result = make(server).generate("Think first.", {"thinking": 2048})
    body = server.last_request.body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] == 2048 + 4096
    assert result["meta"]["reasoning_content"] == "Let me think about this step by step."
    assert result["text"] == "Hello from the local Anthropic server."


async def test_streamed_thinking_async(server):
    server.script("Four.", reasoning="Two plus two.")
    driver = make(server, AsyncClaudeDriver)
    messages = [{"role": "user", "content": "2 + 2?"}]
    chunks = [c async for c in driver.generate_messages_stream(messages, {"thinking": True})]
    assert server.last_request.body["thinking"] == {"type": "adaptive"}
    assert chunks[-1]["text"] == "Four."
    assert chunks[-1]["meta"]["reasoning_content"] == "Two plus two."


def test_defaults_and_temperature(server):
    make(server, model="claude-3-haiku-20240307").generate("Hi", {"temperature": 0.3})
    body = server.last_request.body
    assert body["max_tokens"] == 4096
    assert "temperature" not in body  # API version 2026-10-21 rejects it


def test_key_and_endpoint_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("CLAUDE_ENDPOINT", server.url)
    driver = ClaudeDriver()
    assert (driver.endpoint, driver.model) == (server.url, ClaudeDriver.default_model)
    assert driver.generate("Hi", {"model": "test-model"})["text"]
    assert ClaudeDriver(endpoint="https://x.test").endpoint == "https://x.test"
    monkeypatch.delenv("CLAUDE_ENDPOINT")
    assert ClaudeDriver().endpoint == "https://api.anthropic.com"


def test_one_sdk_client_per_driver(server):
    driver = make(server)
    driver.generate("Hi", {})
    client = driver._client()
    driver.generate("Hi again", {})
    assert driver._client() is client
    assert make(server)._client()._client is client._client  # one pooled HTTP client


async def test_one_async_sdk_client_per_loop(server):
    driver = make(server, AsyncClaudeDriver)
    await driver.generate("Hi", {})
    client = driver._client()
    await driver.generate("Hi again", {})
    assert driver._client() is client


def test_missing_sdk_gives_the_install_hint(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "anthropic", None)
    driver = make(server)  # the constructor imports nothing
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[claude\]"):
        driver.generate("Hi", {})
    assert ClaudeDriver.list_models(endpoint=server.url, api_key="test-key") is None
    assert server.requests == []


async def test_missing_sdk_gives_the_install_hint_async(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "anthropic", None)
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[claude\]"):
        await make(server, AsyncClaudeDriver).generate("Hi", {})


def test_list_models_without_key_or_server():
    assert ClaudeDriver.list_models() is None
    assert ClaudeDriver.list_models(api_key="k", endpoint="http://127.0.0.1:9") is None


def test_async_twin_takes_the_profile():
    for name in ("provider", "api_key_env", "default_endpoint", "default_model"):
        assert getattr(AsyncClaudeDriver, name) == getattr(ClaudeDriver, name)
    assert ClaudeDriver.provider == "claude"
    assert ClaudeDriver.api_key_env == ("CLAUDE_API_KEY", "ANTHROPIC_API_KEY")


SECRET = "sk-ant-test-0123456789abcdef"


@pytest.fixture
def keyed_server():
    with AnthropicServer(api_key=SECRET) as server:
        yield server


def check_key_use(server, error, driver, log):
    """Every request carried the key as ``x-api-key`` only; no error, repr or log shows it."""
    assert server.requests
    for request in server.requests:
        assert request.headers["x-api-key"] == SECRET
        assert "authorization" not in request.headers
        assert request.headers["anthropic-version"]
    assert error.status_code == 500 and "upstream saw ***" in str(error)
    assert SECRET not in str(error) + repr(error) + repr(driver) + log


def test_the_key_goes_in_x_api_key_and_nowhere_else(keyed_server, caplog):
    caplog.set_level(logging.DEBUG)
    driver = make(keyed_server, api_key=SECRET, max_retries=0)
    driver.generate("Hi", {})
    list(driver.generate_messages_stream(HI, {}))
    assert ClaudeDriver.list_models(endpoint=keyed_server.url, api_key=SECRET) == [
        "test-model",
        "test-model-2",
    ]
    keyed_server.fail_next(500, body=keyed_server.error_body(500, f"upstream saw {SECRET}"))
    with pytest.raises(DriverHTTPError) as info:
        driver.generate("Hi", {})
    check_key_use(keyed_server, info.value, driver, caplog.text)


async def test_the_async_key_goes_in_x_api_key_and_nowhere_else(keyed_server, caplog):
    caplog.set_level(logging.DEBUG)
    driver = make(keyed_server, AsyncClaudeDriver, api_key=SECRET, max_retries=0)
    await driver.generate("Hi", {})
    [chunk async for chunk in driver.generate_messages_stream(HI, {})]
    keyed_server.fail_next(500, body=keyed_server.error_body(500, f"upstream saw {SECRET}"))
    with pytest.raises(DriverHTTPError) as info:
        await driver.generate("Hi", {})
    check_key_use(keyed_server, info.value, driver, caplog.text)


# --- structured output, options, thinking through tool turns, cache prices ------------------


def test_structured_output_for_claude_4_5_and_later(server):
    result = make(server).generate(
        "Describe a person.", {"model": "claude-sonnet-4-5", "json_schema": PERSON_SCHEMA}
    )
    body = server.last_request.body
    schema = body["output_config"]["format"]["schema"]
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == sorted(PERSON_SCHEMA["properties"])
    assert "system" not in body and "tools" not in body
    assert set(json.loads(result["text"])) == set(PERSON_SCHEMA["properties"])


async def test_structured_output_async(server):
    driver = make(server, cls=AsyncClaudeDriver, model="claude-opus-4-7")
    result = await driver.generate("Describe a person.", {"json_schema": PERSON_SCHEMA})
    assert "format" in server.last_request.body["output_config"]
    assert set(json.loads(result["text"])) == set(PERSON_SCHEMA["properties"])


def test_an_older_claude_answers_through_a_forced_tool(server):
    result = make(server, model="claude-3-5-haiku-latest").generate_messages_with_tools(
        [{"role": "user", "content": "Describe a person."}], [], {"json_schema": PERSON_SCHEMA}
    )
    body = server.last_request.body
    assert "output_config" not in body
    assert body["tool_choice"] == {"type": "tool", "name": "json_answer"}
    assert body["tools"][0]["input_schema"] == PERSON_SCHEMA
    jsonschema.validate(json.loads(result["text"]), PERSON_SCHEMA)
    assert result["tool_calls"] == [] and result["stop_reason"] == "end_turn"


def test_an_older_claude_thinking_gets_the_schema_in_the_prompt(server):
    options = {"model": "claude-3-7-sonnet-latest", "json_schema": PERSON_SCHEMA, "thinking": 1024}
    make(server).generate("Describe a person.", options)
    body = server.last_request.body
    assert "tools" not in body and "output_config" not in body
    assert '"age"' in body["system"]


def test_options_claude_takes_pass_through(server):
    options = {
        "stop": ["END"],
        "reasoning_effort": "low",
        "extra_body": {"metadata": {"user_id": "u1"}},
        "top_p": 0.5,  # this API version refuses sampling parameters: not sent
    }
    make(server).generate("Hi", options)
    body = server.last_request.body
    assert body["stop_sequences"] == ["END"]
    assert body["output_config"] == {"effort": "low"}
    assert body["metadata"] == {"user_id": "u1"}
    assert "top_p" not in body


def test_thinking_blocks_go_back_with_the_tool_calls(server):
    server.script(
        tool_calls=[{"name": "get_weather", "arguments": {"city": "Paris"}}],
        reasoning="Need weather.",
    )
    driver = make(server)
    question = [{"role": "user", "content": "Weather in Paris?"}]
    first = driver.generate_messages_with_tools(question, [WEATHER_TOOL], {"thinking": 1024})
    [block] = first["thinking_blocks"]
    assert block["type"] == "thinking" and block["signature"]
    follow_up = [
        *question,
        {
            "role": "assistant",
            "content": "",
            "tool_calls": first["tool_calls"],
            "thinking_blocks": first["thinking_blocks"],
        },
        {"role": "tool", "tool_call_id": first["tool_calls"][0]["id"], "content": "sunny"},
    ]
    driver.generate_messages_with_tools(follow_up, [WEATHER_TOOL], {"thinking": 1024})
    assistant = server.last_request.body["messages"][1]
    assert [b["type"] for b in assistant["content"]] == ["thinking", "tool_use"]
    assert assistant["content"][0] == block


def test_cached_prompt_tokens_are_priced_at_the_cache_rates(server):
    usage = {
        "input_tokens": 100,
        "cache_read_input_tokens": 10_000,
        "cache_creation_input_tokens": 1_000,
        "output_tokens": 50,
    }
    server.script("Hi", usage=usage)
    meta = make(server, model="claude-sonnet-4-5").generate("Hi")["meta"]
    # $3 input, $0.30 cache read, $3.75 cache write, $15 output per million tokens.
    expected = (100 * 3 + 10_000 * 0.3 + 1_000 * 3.75 + 50 * 15) / 1e6
    assert meta["prompt_tokens"] == 11_100
    assert meta["cost"] == round(expected, 6)
