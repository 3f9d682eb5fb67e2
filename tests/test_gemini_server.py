"""`GeminiServer` checked with the official google-genai SDK pointed at it (and raw HTTP where
the SDK cannot send what is being checked)."""

from __future__ import annotations

import base64
import json

import httpx
import pydantic
import pytest
from google import genai
from google.genai import errors, types

from prompture.testing.gemini_server import GeminiServer

WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="Current weather in a city.",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
)
NO_AFC = types.AutomaticFunctionCallingConfig(disable=True)


class Person(pydantic.BaseModel):
    name: str
    age: int


@pytest.fixture(scope="module")
def running():
    with GeminiServer() as server:
        yield server


@pytest.fixture
def server(running):
    running.reset()
    return running


def client_for(server: GeminiServer, key: str = "test-key", **options) -> genai.Client:
    http_options = types.HttpOptions(
        base_url=server.url,
        api_version="v1beta",
        retry_options=types.HttpRetryOptions(attempts=1),
        **options,
    )
    return genai.Client(api_key=key, http_options=http_options)


@pytest.fixture(scope="module")
def client(running):
    """One client for the module: building one loads the CA bundle (~70 ms)."""
    return client_for(running)


def test_generate_content_plain(server, client):
    server.script("Hi there", usage={"prompt_tokens": 3, "completion_tokens": 2})
    response = client.models.generate_content(
        model="test-model",
        contents="Hello",
        config=types.GenerateContentConfig(
            system_instruction="Be brief.", temperature=0.2, max_output_tokens=64
        ),
    )
    assert response.text == "Hi there"
    assert response.candidates[0].finish_reason == types.FinishReason.STOP
    usage = response.usage_metadata
    assert (usage.prompt_token_count, usage.candidates_token_count) == (3, 2)
    assert usage.total_token_count == 5
    request = server.last_request
    assert request.path == "/v1beta/models/test-model:generateContent"
    assert request.headers["x-goog-api-key"] == "test-key"
    assert request.body["systemInstruction"]["parts"] == [{"text": "Be brief."}]
    assert request.body["generationConfig"] == {"temperature": 0.2, "maxOutputTokens": 64}


def test_sdk_default_api_version_is_served(server):
    client = genai.Client(api_key="test-key", http_options={"base_url": server.url})
    assert client.models.generate_content(model="test-model", contents="Hi").text
    assert server.last_request.path.endswith("/models/test-model:generateContent")


def test_stream_uses_sse_and_ends_with_usage(server, client):
    server.script("The quick brown fox", usage={"prompt_tokens": 4, "completion_tokens": 4})
    chunks = list(client.models.generate_content_stream(model="test-model", contents="Fox?"))
    assert len(chunks) == 4
    assert "".join(chunk.text for chunk in chunks) == "The quick brown fox"
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count == 8
    assert server.last_request.path.endswith(":streamGenerateContent")
    assert server.last_request.query == "alt=sse"


def test_stream_without_sse_is_one_json_array(server):
    server.script("a b", chunks=2)
    body = {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}
    url = f"{server.url}/v1beta/models/test-model:streamGenerateContent?key=test-key"
    response = httpx.post(url, json=body)
    texts = [c["candidates"][0]["content"]["parts"][0]["text"] for c in response.json()]
    assert texts == ["a ", "b"]


def test_reasoning_is_a_thought_part(server, client):
    server.script("4", reasoning="2 + 2 is 4")
    response = client.models.generate_content(model="test-model", contents="2 + 2?")
    [thought, answer] = response.candidates[0].content.parts
    assert (thought.thought, thought.text) == (True, "2 + 2 is 4")
    assert response.text == "4"
    assert response.usage_metadata.thoughts_token_count == 5  # one per word


def test_finish_reasons_are_translated(server, client):
    server.script("Cut", finish_reason="max_tokens").script("", finish_reason="content_filter")
    first = client.models.generate_content(model="test-model", contents="Hi")
    second = client.models.generate_content(model="test-model", contents="Hi")
    assert first.candidates[0].finish_reason == types.FinishReason.MAX_TOKENS
    assert second.candidates[0].finish_reason == types.FinishReason.SAFETY


def test_function_call_round_trip(server, client):
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[WEATHER])], automatic_function_calling=NO_AFC
    )
    question = types.UserContent(parts=[types.Part(text="Weather in Paris?")])
    response = client.models.generate_content(
        model="test-model", contents=[question], config=config
    )
    [call] = response.function_calls
    assert (call.name, call.args) == ("get_weather", {"city": "Paris"})
    call_turn = response.candidates[0].content
    assert call_turn.parts[0].thought_signature  # Gemini 3 style: to be sent back
    result = types.Part.from_function_response(name="get_weather", response={"output": "18C"})
    final = client.models.generate_content(
        model="test-model",
        contents=[question, call_turn, types.UserContent(parts=[result])],
        config=config,
    )
    assert final.text == "The tool said: 18C"
    sent = server.last_request.body["contents"]
    echoed = base64.b64decode(sent[1]["parts"][0]["thoughtSignature"])
    assert echoed == call_turn.parts[0].thought_signature == b"signature-1"
    declaration = server.requests[0].body["tools"][0]["functionDeclarations"][0]
    assert declaration["parameters"]["type"] == "OBJECT"  # the SDK sends Gemini type names


def test_tool_config_none_gets_text(server, client):
    config = types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=[WEATHER])],
        tool_config={"function_calling_config": {"mode": "NONE"}},
        automatic_function_calling=NO_AFC,
    )
    response = client.models.generate_content(model="test-model", contents="Hi", config=config)
    assert response.function_calls is None
    assert response.text


def test_json_with_response_schema(server, client):
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_schema=Person
    )
    response = client.models.generate_content(model="test-model", contents="Bob", config=config)
    assert isinstance(response.parsed, Person)
    generation = server.last_request.body["generationConfig"]
    assert generation["responseMimeType"] == "application/json"
    assert set(generation["responseSchema"]["properties"]) == {"name", "age"}


def test_json_with_response_json_schema(server, client):
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_json_schema=schema
    )
    response = client.models.generate_content(model="test-model", contents="n?", config=config)
    assert json.loads(response.text) == {"n": 1}


def test_image_part_is_received(server, client):
    image = types.Part.from_bytes(data=b"\x89PNG fake", mime_type="image/png")
    client.models.generate_content(model="test-model", contents=["What is this?", image])
    [content] = server.last_request.body["contents"]
    assert content["parts"][1]["inlineData"]["mime_type"] == "image/png"


def test_wrong_key_is_400_api_key_invalid(server):
    client = client_for(server, key="wrong-key")  # keep it: a collected client closes its pool
    with pytest.raises(errors.ClientError) as info:
        client.models.generate_content(model="m", contents="Hi")
    assert (info.value.code, info.value.status) == (400, "INVALID_ARGUMENT")
    assert info.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"


def test_missing_key_is_403_and_query_key_works(server):
    body = {"contents": [{"parts": [{"text": "Hi"}]}]}
    url = f"{server.url}/v1beta/models/m:generateContent"
    missing = httpx.post(url, json=body)
    assert missing.status_code == 403
    assert missing.json()["error"]["status"] == "PERMISSION_DENIED"
    assert httpx.post(url, params={"key": "test-key"}, json=body).status_code == 200


@pytest.mark.parametrize(
    ("status", "error", "name"),
    [(429, errors.ClientError, "RESOURCE_EXHAUSTED"), (500, errors.ServerError, "INTERNAL")],
)
def test_injected_failures_have_googles_shape(server, client, status, error, name):
    server.fail_next(status)
    with pytest.raises(error) as info:
        client.models.generate_content(model="test-model", contents="Hi")
    assert (info.value.code, info.value.status) == (status, name)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"contents": [{"parts": [{"text": "x"}]}], "top_k": 1}, 'Unknown name "top_k"'),
        ({"contents": []}, "contents is not specified"),
        ({"contents": [{"role": "user", "parts": []}]}, "must not be empty"),
        ({"contents": [{"role": "bot", "parts": [{"text": "x"}]}]}, "valid role"),
        (
            {"contents": [{"parts": [{"functionResponse": {"name": "f", "response": {}}}]}]},
            "immediately after a function call turn",
        ),
        (
            {
                "contents": [{"parts": [{"text": "x"}]}],
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseSchema": {"type": "object", "additionalProperties": False},
                },
            },
            'Unknown name "additionalProperties"',
        ),
        (
            {
                "contents": [{"parts": [{"text": "x"}]}],
                "generationConfig": {"responseSchema": {"type": "object"}},
            },
            "response_mime_type",
        ),
    ],
)
def test_invalid_requests_are_400(server, body, message):
    url = f"{server.url}/v1beta/models/m:generateContent?key=test-key"
    response = httpx.post(url, json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_models_list_pages_and_get(server, client):
    listed = list(client.models.list(config={"page_size": 1}))
    assert [model.name for model in listed] == ["models/test-model", "models/test-model-2"]
    assert "generateContent" in listed[0].supported_actions
    assert client.models.get(model="test-model-2").name == "models/test-model-2"
    with pytest.raises(errors.ClientError) as info:
        client.models.get(model="missing")
    assert (info.value.code, info.value.status) == (404, "NOT_FOUND")


def test_count_tokens(server, client):
    assert client.models.count_tokens(model="m", contents="one two three").total_tokens == 3


async def test_async_client_generates_and_streams(server):
    server.script("Async hello").script("one two")
    owner = client_for(server)  # keep it: a collected client closes its pools
    client = owner.aio
    response = await client.models.generate_content(model="test-model", contents="Hi")
    assert response.text == "Async hello"
    stream = await client.models.generate_content_stream(model="test-model", contents="Hi")
    assert [chunk.text async for chunk in stream] == ["one ", "two"]
    await client.aclose()  # its connections belong to this test's event loop
