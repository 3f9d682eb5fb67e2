"""`GroqDriver` and `AsyncGroqDriver`: the contract suite, plus what the groq SDK path adds.

The official ``groq`` SDK talks to `GroqServer` (the local OpenAI-compatible server under
Groq's ``/openai/v1`` prefix, on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys

import pytest

from prompture.drivers.async_groq_driver import AsyncGroqDriver
from prompture.drivers.groq_driver import GroqDriver
from prompture.exceptions import ConfigurationError
from prompture.model_rates import RATES_DIR
from prompture.testing import OpenAICompatibleContract
from prompture.testing.groq_server import GroqServer

KEY = "test-key"
HI = [{"role": "user", "content": "Hi"}]
PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


class TestGroqDriver(OpenAICompatibleContract):
    server_class = GroqServer
    driver_class = GroqDriver
    async_driver_class = AsyncGroqDriver
    priced_model = "llama-3.3-70b-versatile"


@pytest.fixture(scope="module")
def module_server():
    with GroqServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def server(module_server):
    module_server.reset()
    return module_server


def make(server, cls=GroqDriver, **kwargs):
    kwargs = {"api_key": KEY, "model": "test-model", "endpoint": server.url, **kwargs}
    return cls(**kwargs)


def test_profile_and_default_model():
    driver = GroqDriver(api_key=KEY)
    assert (driver.provider, driver.endpoint) == ("groq", "https://api.groq.com/openai/v1")
    assert driver.model == "llama-3.3-70b-versatile"
    assert AsyncGroqDriver.provider == "groq"


def test_the_sdk_appends_groqs_path_to_the_host(server, monkeypatch):
    monkeypatch.setenv("GROQ_ENDPOINT", server.url)
    monkeypatch.setenv("GROQ_API_KEY", KEY)
    GroqDriver(model="test-model").generate("Hi")
    assert server.last_request.path == "/openai/v1/chat/completions"


@pytest.mark.parametrize("suffix", ["/openai/v1", "/openai/v1/", "", "/"])
def test_the_endpoint_is_the_base_url_and_a_bare_host_still_works(server, suffix):
    driver = make(server, endpoint=server.url + suffix)
    assert driver.generate("Hi")["text"]
    assert list(driver.generate_messages_stream(HI))[-1]["text"]
    assert server.last_request.path == "/openai/v1/chat/completions"
    listed = GroqDriver.list_models(endpoint=server.url + suffix, api_key=KEY)
    assert listed == ["test-model", "test-model-2"]


async def test_the_async_driver_takes_the_base_url(server):
    driver = make(server, AsyncGroqDriver, endpoint=server.url + "/openai/v1")
    assert (await driver.generate("Hi"))["text"]
    assert server.last_request.path == "/openai/v1/chat/completions"


def test_the_base_url_from_the_environment_and_the_settings_default(server, monkeypatch):
    from prompture.settings import Settings

    assert Settings().groq_endpoint == GroqDriver.default_endpoint
    assert GroqDriver._sdk_base_url(GroqDriver.default_endpoint) == "https://api.groq.com"
    monkeypatch.setenv("GROQ_ENDPOINT", server.url + "/openai/v1")
    monkeypatch.setenv("GROQ_API_KEY", KEY)
    GroqDriver(model="test-model").generate("Hi")
    assert server.last_request.path == "/openai/v1/chat/completions"


def test_install_hint_when_the_sdk_is_missing(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "groq", None)
    with pytest.raises(ConfigurationError, match=re.escape("pip install prompture[groq]")):
        make(server).generate("Hi")
    with pytest.raises(ConfigurationError, match=re.escape("pip install prompture[groq]")):
        asyncio.run(make(server, AsyncGroqDriver).generate("Hi"))
    assert server.requests == []


def test_the_client_is_built_once_and_reused(server):
    driver = make(server)
    driver.generate("Hi")
    client = driver._client
    list(driver.generate_messages_stream(HI))
    assert driver._client is client
    assert client.max_retries == 0


def test_stream_options_reach_the_api_through_extra_body(server):
    list(make(server).generate_messages_stream(HI))
    assert server.last_request.body["stream_options"] == {"include_usage": True}


def test_stream_usage_from_x_groq():
    chunk = {"choices": [], "x_groq": {"usage": {"prompt_tokens": 4, "completion_tokens": 2}}}
    assert GroqDriver(api_key=KEY)._chunk_dict(chunk)["usage"]["prompt_tokens"] == 4


def test_schema_native_only_where_groq_supports_structured_output(server):
    driver = make(server)
    driver.generate("Who?", {"model": "llama-3.3-70b-versatile", "json_schema": PERSON})
    # No structured output for this model: JSON mode, with the schema in the prompt.
    assert server.last_request.body["response_format"] == {"type": "json_object"}
    assert '"name"' in server.last_request.body["messages"][-1]["content"]
    driver.generate("Who?", {"model": "openai/gpt-oss-120b", "json_schema": PERSON})
    assert server.last_request.body["response_format"]["type"] == "json_schema"
    driver.generate("Who?", {"model": "moonshotai/kimi-k2-instruct-0905", "json_schema": PERSON})
    assert server.last_request.body["response_format"]["type"] == "json_schema"


def test_rate_file():
    data = json.loads((RATES_DIR / "groq.json").read_text())
    assert (data["provider"], data["models_dev"], data["api_type"]) == ("groq", "groq", "openai")
    assert list(data["models"]) == sorted(data["models"])
    assert "llama-3.3-70b-versatile" in data["models"]
    assert not [m for m in data["models"] if m.startswith("whisper")]
