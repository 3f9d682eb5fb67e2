"""Extraction through the registry, settings and a real driver against a local server.

The acceptance case of the runtime: with ``MOONSHOT_ENDPOINT`` pointed at a local
OpenAI-compatible server, `extract_and_jsonify` returns the object with token usage and a cost
from the bundled models.dev catalogue, with no network.
"""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from prompture import (
    async_extract_and_jsonify,
    extract_and_jsonify,
    extract_with_model,
    get_available_models,
)
from prompture.exceptions import DriverHTTPError
from prompture.testing import OpenAICompatServer

SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
KEY = "moonshot-test-key-123456"


class Person(BaseModel):
    name: str
    age: int


@pytest.fixture
def moonshot_server(monkeypatch):
    with OpenAICompatServer(api_key=KEY) as server:
        monkeypatch.setenv("MOONSHOT_ENDPOINT", server.url)
        monkeypatch.setenv("MOONSHOT_API_KEY", KEY)
        yield server


def test_extract_and_jsonify_with_usage_and_cost(moonshot_server):
    moonshot_server.script(json.dumps({"name": "Maria", "age": 32}))
    result = extract_and_jsonify("Maria is 32.", SCHEMA, model_name="moonshot/kimi-k2-0905-preview")
    assert result["json_object"] == {"name": "Maria", "age": 32}
    assert json.loads(result["json_string"]) == {"name": "Maria", "age": 32}
    usage = result["usage"]
    assert usage["prompt_tokens"] > 0 and usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert usage["cost"] > 0
    request = moonshot_server.last_request
    assert request.body["model"] == "kimi-k2-0905-preview"
    assert request.body["response_format"]["type"] == "json_schema"
    assert "Maria is 32." in json.dumps(request.body["messages"])


def test_extraction_repairs_a_fenced_answer_without_a_second_call(moonshot_server):
    moonshot_server.script('Sure!\n```json\n{"name": "Maria", "age": 32,}\n```\nDone.')
    result = extract_and_jsonify("Maria is 32.", SCHEMA, model_name="moonshot/kimi-k2.5")
    assert result["json_object"] == {"name": "Maria", "age": 32}
    assert len(moonshot_server.requests) == 1


def test_reasoning_model_gets_the_schema_natively(moonshot_server):
    moonshot_server.script('{"name": "Maria", "age": 32}')
    extract_and_jsonify("Maria is 32.", SCHEMA, model_name="moonshot/kimi-k2-thinking")
    body = moonshot_server.last_request.body
    assert body["response_format"]["type"] == "json_schema"
    prompt = "\n".join(message["content"] for message in body["messages"])
    assert '"age"' not in prompt and "JSON" in prompt


def test_extract_with_model_returns_the_instance(moonshot_server):
    moonshot_server.script('{"name": "Maria", "age": 32}')
    result = extract_with_model(Person, "Maria is 32.", "moonshot/kimi-k2-0905-preview")
    assert result.model == Person(name="Maria", age=32)
    assert result.usage["prompt_tokens"] > 0 and result.usage["cost"] > 0


async def test_async_extraction_matches(moonshot_server):
    moonshot_server.script('{"name": "Maria", "age": 32}')
    result = await async_extract_and_jsonify(
        "Maria is 32.", SCHEMA, model_name="moonshot/kimi-k2-0905-preview"
    )
    assert result["json_object"] == {"name": "Maria", "age": 32}
    assert result["usage"]["cost"] > 0


def test_wrong_key_is_a_401_without_the_key(moonshot_server, monkeypatch):
    monkeypatch.setenv("MOONSHOT_API_KEY", "wrong-secret-key-42")
    with pytest.raises(DriverHTTPError) as caught:
        extract_and_jsonify("Maria is 32.", SCHEMA, model_name="moonshot/kimi-k2-0905-preview")
    assert caught.value.status_code == 401
    assert "wrong-secret-key-42" not in str(caught.value)
    assert "wrong-secret-key-42" not in repr(caught.value)


def test_discovery_uses_the_live_list_of_a_local_server(moonshot_server, monkeypatch):
    monkeypatch.setenv("LMSTUDIO_ENDPOINT", moonshot_server.url)
    monkeypatch.setenv("LMSTUDIO_API_KEY", KEY)
    models = get_available_models()
    assert "lmstudio/test-model" in models
    # Moonshot's key is set too; its endpoint is local, so its live list is used as well.
    assert "moonshot/test-model" in models
    assert not any(m.startswith("grok/") for m in models)


def test_discovery_falls_back_to_the_rate_file_offline(monkeypatch):
    monkeypatch.setenv("GROK_API_KEY", "grok-test-key-123")
    models = get_available_models()
    assert "grok/grok-4.3" in models
