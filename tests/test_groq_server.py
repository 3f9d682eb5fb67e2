"""`GroqServer` checked with the official ``groq`` SDK: plain, streaming, tools, JSON."""

from __future__ import annotations

import json

import groq
import pytest

from prompture.testing.groq_server import GroqServer

KEY = "test-key"
HI = [{"role": "user", "content": "Hi"}]


@pytest.fixture(scope="module")
def module_server():
    with GroqServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def client(module_server):
    module_server.reset()
    with groq.Groq(api_key=KEY, base_url=module_server.url, max_retries=0) as client:
        yield client


def test_plain_completion(client, module_server):
    module_server.script("Hello", usage={"prompt_tokens": 3, "completion_tokens": 1})
    completion = client.chat.completions.create(model="test-model", messages=HI)
    assert completion.choices[0].message.content == "Hello"
    assert completion.usage.prompt_tokens == 3
    assert module_server.last_request.path == "/openai/v1/chat/completions"


def test_streaming(client, module_server):
    module_server.script("one two three")
    stream = client.chat.completions.create(model="test-model", messages=HI, stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "one two three"


def test_tools(client, module_server):
    module_server.script(tool_calls=[{"name": "lookup", "arguments": {"q": "x"}}])
    tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    completion = client.chat.completions.create(model="test-model", messages=HI, tools=[tool])
    call = completion.choices[0].message.tool_calls[0]
    assert (call.function.name, json.loads(call.function.arguments)) == ("lookup", {"q": "x"})
    assert completion.choices[0].finish_reason == "tool_calls"


def test_json_mode_and_models(client, module_server):
    completion = client.chat.completions.create(
        model="test-model", messages=HI, response_format={"type": "json_object"}
    )
    assert isinstance(json.loads(completion.choices[0].message.content), dict)
    assert [m.id for m in client.models.list().data] == list(module_server.models)


def test_paths_outside_the_prefix_are_unknown(module_server):
    import requests

    url, headers = module_server.url + "/v1/chat/completions", {"Authorization": f"Bearer {KEY}"}
    response = requests.post(url, json={"messages": HI}, headers=headers, timeout=5)
    assert response.status_code == 404
