"""`OpenAIDriver` and `AsyncOpenAIDriver`: the contract suite, plus what the SDK path adds.

The official ``openai`` SDK talks to the local `OpenAICompatServer` (on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys

import pytest

from prompture.drivers.async_openai_driver import AsyncOpenAIDriver
from prompture.drivers.openai_compatible import OpenAICompatibleDriver
from prompture.drivers.openai_driver import OpenAIDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.model_rates import RATES_DIR, get_model_capabilities
from prompture.testing import OpenAICompatibleContract, OpenAICompatServer

KEY = "test-key"
HI = [{"role": "user", "content": "Hi"}]
PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


class TestOpenAIDriver(OpenAICompatibleContract):
    driver_class = OpenAIDriver
    async_driver_class = AsyncOpenAIDriver
    priced_model = "gpt-4o-mini"


@pytest.fixture(scope="module")
def module_server():
    with OpenAICompatServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def server(module_server):
    module_server.reset()
    return module_server


def make(server, cls=OpenAIDriver, **kwargs):
    kwargs = {"api_key": KEY, "model": "test-model", "endpoint": server.url, **kwargs}
    return cls(**kwargs)


def test_profile_and_default_model():
    driver = OpenAIDriver(api_key=KEY)
    assert (driver.provider, driver.endpoint) == ("openai", "https://api.openai.com/v1")
    assert driver.model == "gpt-4o-mini"
    caps = get_model_capabilities("openai", driver.model)
    assert caps.supports_tool_use and caps.supports_structured_output and not caps.is_reasoning
    assert AsyncOpenAIDriver.default_model == OpenAIDriver.default_model


class PlainHTTPOpenAI(OpenAICompatibleDriver):
    """OpenAI's profile on the plain-HTTP base, to compare what goes on the wire."""

    provider = "openai"
    supports_json_mode = supports_json_schema = supports_tool_use = True


@pytest.mark.parametrize(
    "options",
    [
        {"json_schema": PERSON, "temperature": 0.1, "max_tokens": 20},
        {"model": "o3", "max_tokens": 20, "temperature": 0.1},
    ],
)
def test_the_sdk_sends_the_same_body_as_the_plain_http_driver(server, options):
    bodies = []
    for cls in (OpenAIDriver, PlainHTTPOpenAI):
        make(server, cls).generate_messages_with_tools(HI, [WEATHER_TOOL], options)
        bodies.append(server.last_request.body)
        list(make(server, cls).generate_messages_stream(HI, options))
        bodies.append(server.last_request.body)
    assert bodies[0] == bodies[2] and bodies[1] == bodies[3]


def test_endpoint_from_the_environment(server, monkeypatch):
    monkeypatch.setenv("OPENAI_ENDPOINT", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert OpenAIDriver(model="test-model").generate("Hi")["text"]
    assert server.last_request.path == "/v1/chat/completions"


def test_install_hint_when_the_sdk_is_missing(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)
    with pytest.raises(ConfigurationError, match=re.escape("pip install prompture[openai]")):
        make(server).generate("Hi")
    with pytest.raises(ConfigurationError, match=re.escape("pip install prompture[openai]")):
        asyncio.run(make(server, AsyncOpenAIDriver).generate("Hi"))
    assert server.requests == []
    assert OpenAIDriver.list_models(endpoint=server.url, api_key=KEY) is None


def test_importing_and_constructing_load_no_sdk():
    code = (
        "import sys; from prompture.drivers.openai_driver import OpenAIDriver; "
        "from prompture.drivers.async_openai_driver import AsyncOpenAIDriver; "
        "OpenAIDriver(api_key='k'); AsyncOpenAIDriver(api_key='k'); "
        "print('openai' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_client_is_built_once_and_reused(server):
    driver = make(server)
    driver.generate("Hi")
    client = driver._client
    driver.generate("Hi again")
    list(driver.generate_messages_stream(HI))
    assert driver._client is client
    assert client.max_retries == 0, "the shared retry policy retries, not the SDK"


def test_drivers_share_one_connection_pool(server):
    """The registry builds a driver per call: SDK clients must not each open their own pool."""
    first, second = make(server), make(server)
    first.generate("Hi")
    second.generate("Hi")
    assert first._client is not second._client
    assert first._client._client is second._client._client  # the SDK's httpx client


def test_the_async_client_is_one_per_event_loop(server):
    driver = make(server, AsyncOpenAIDriver)

    async def two_calls():
        await driver.generate("Hi")
        first = driver._sdk_client()
        await driver.generate("Hi again")
        assert driver._sdk_client() is first
        return first

    assert asyncio.run(two_calls()) is not asyncio.run(two_calls())


def test_sdk_retries_are_off(server):
    server.fail_next(500)
    with pytest.raises(DriverHTTPError) as info:
        make(server, max_retries=0).generate("Hi")
    assert info.value.status_code == 500
    assert len(server.requests) == 1


@pytest.mark.parametrize("model", ["o3", "o4-mini", "gpt-5", "gpt-5-mini"])
def test_reasoning_models_take_max_completion_tokens_and_no_temperature(server, model):
    options = {"model": model, "max_tokens": 50, "temperature": 0.3, "json_schema": PERSON}
    make(server).generate_messages(HI, options)
    sent = server.last_request.body
    assert sent["max_completion_tokens"] == 50
    assert "max_tokens" not in sent and "temperature" not in sent
    # Reasoning models take strict structured output like the others.
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["schema"]["required"] == ["name"]
    assert sent["messages"] == HI


def test_chat_models_keep_max_tokens_and_temperature(server):
    make(server).generate_messages(HI, {"model": "gpt-4o-mini", "max_tokens": 50, "temperature": 0})
    sent = server.last_request.body
    assert (sent["max_tokens"], sent["temperature"]) == (50, 0)
    assert "max_completion_tokens" not in sent


def test_rate_file_marks_every_o_series_and_gpt5_model():
    data = json.loads((RATES_DIR / "openai.json").read_text())
    assert {data["provider"], data["models_dev"], data["api_type"]} == {"openai"}
    family = [m for m in data["models"] if re.match(r"^(o\d|gpt-5)", m)]
    assert {"o1", "o3", "o4-mini", "gpt-5", "gpt-5-mini"} <= set(family)
    for model in family:
        entry = data["models"][model]
        assert entry["tokens_param"] == "max_completion_tokens", model
        if entry["is_reasoning"]:
            assert entry["supports_temperature"] is False, model
    assert not [m for m in data["models"] if m.startswith("text-embedding")]
