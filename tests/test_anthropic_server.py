"""`AnthropicServer` checked with the official `anthropic` SDK pointed at it, plus the checks
it makes on requests and the `AnthropicWire` probe."""

from __future__ import annotations

import http.client
import json

import anthropic
import jsonschema
import pytest

from prompture.testing import AnthropicServer, AnthropicWire
from prompture.testing._contract_scenarios import TINY_PNG

WEATHER = {
    "name": "get_weather",
    "description": "Current weather in a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city", "days"],
    },
}
HI = [{"role": "user", "content": "Hello there"}]
DEFAULT_TEXT = "Hello from the local Anthropic server."
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
PNG = TINY_PNG.partition(",")[2]


@pytest.fixture(scope="module")
def running_server():
    with AnthropicServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


@pytest.fixture
def client(server):
    with anthropic.Anthropic(base_url=server.url, api_key="test-key", max_retries=0) as sdk:
        yield sdk


def create(client, **kwargs):
    return client.messages.create(
        **{"model": "test-model", "max_tokens": 256, "messages": HI, **kwargs}
    )


def tool_turns(result_id="toolu_01"):
    use = {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}}
    result = {"type": "tool_result", "tool_use_id": result_id, "content": "18C and sunny"}
    return [*HI, {"role": "assistant", "content": [use]}, {"role": "user", "content": [result]}]


def test_plain_message(client):
    message = create(client)
    assert [(b.type, b.text) for b in message.content] == [("text", DEFAULT_TEXT)]
    assert (message.role, message.model, message.stop_reason) == (
        "assistant",
        "test-model",
        "end_turn",
    )
    assert message.id.startswith("msg_")
    assert (message.usage.input_tokens, message.usage.output_tokens) == (2, 6)


def test_scripted_replies_translate_usage_and_stop_reasons(client, server):
    server.script("first", usage={"prompt_tokens": 5, "completion_tokens": 3})
    server.script("second", finish_reason="content_filter")
    server.script("third", finish_reason="max_tokens")
    first, second, third = create(client), create(client), create(client)
    assert first.content[0].text == "first"
    assert (first.usage.input_tokens, first.usage.output_tokens) == (5, 3)
    assert second.stop_reason == "refusal"
    assert third.stop_reason == "max_tokens"


def test_answer_is_cut_at_max_tokens(client):
    message = create(client, max_tokens=3)
    assert message.content[0].text == "Hello from the"
    assert message.stop_reason == "max_tokens"


def test_stream_helper_accumulates_the_message(client, server):
    server.script("The quick brown fox", usage={"prompt_tokens": 4, "completion_tokens": 9})
    with client.messages.stream(model="test-model", max_tokens=64, messages=HI) as stream:
        pieces = list(stream.text_stream)
        message = stream.get_final_message()
    assert pieces == ["The ", "quick ", "brown ", "fox"]
    assert message.content[0].text == "The quick brown fox"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (4, 9)
    assert message.stop_reason == "end_turn"


def test_raw_stream_events_with_thinking_and_a_tool(client, server):
    server.script(
        "Calling.", reasoning="Need the weather.", tool_calls=[{"name": "f", "arguments": {"a": 1}}]
    )
    events = list(create(client, stream=True, tools=[WEATHER]))
    kinds = [e.type for e in events]
    assert kinds[0] == "message_start"  # the SDK drops the ``ping`` that follows
    assert kinds[-2:] == ["message_delta", "message_stop"]
    starts = [e.content_block.type for e in events if e.type == "content_block_start"]
    assert starts == ["thinking", "text", "tool_use"]
    deltas = [e.delta for e in events if e.type == "content_block_delta"]
    assert "".join(d.thinking for d in deltas if d.type == "thinking_delta") == "Need the weather."
    assert [d.type for d in deltas].count("signature_delta") == 1
    assert json.loads("".join(d.partial_json for d in deltas if d.type == "input_json_delta")) == {
        "a": 1
    }
    assert events[-2].delta.stop_reason == "tool_use"
    assert events[-2].usage.output_tokens > 1


def test_default_tool_use_fills_required_arguments(client):
    message = create(client, tools=[WEATHER])
    [block] = message.content
    assert (block.type, block.id, block.name) == ("tool_use", "toolu_01", "get_weather")
    assert block.input == {"city": "Paris", "days": 1}
    assert message.stop_reason == "tool_use"


def test_tool_choice_none_and_named_tool(client):
    other = {"name": "other", "input_schema": {"type": "object", "properties": {}}}
    assert (
        create(client, tools=[WEATHER], tool_choice={"type": "none"}).content[0].text
        == DEFAULT_TEXT
    )
    named = create(client, tools=[WEATHER, other], tool_choice={"type": "tool", "name": "other"})
    assert named.content[0].name == "other"


def test_tool_result_is_echoed(client):
    message = create(client, messages=tool_turns(), tools=[WEATHER])
    assert message.content[0].text == "The tool said: 18C and sunny"
    assert message.stop_reason == "end_turn"


@pytest.mark.parametrize(
    ("messages", "fragment"),
    [
        (
            [*HI, {"role": "assistant", "content": "Ok"}, tool_turns()[2]],
            "unexpected `tool_use_id`",
        ),
        (tool_turns()[:2] + [{"role": "user", "content": "Well?"}], "without `tool_result`"),
        ([{"role": "system", "content": "Be brief."}, *HI], 'Unexpected role "system"'),
        ([{"role": "user", "content": ""}], "must be non-empty"),
        (
            [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
            "image_url",
        ),
    ],
)
def test_invalid_conversations_are_rejected(client, messages, fragment):
    with pytest.raises(anthropic.BadRequestError) as info:
        create(client, messages=messages)
    assert info.value.body["error"]["type"] == "invalid_request_error"
    assert fragment in info.value.body["error"]["message"]


def test_sampling_parameters_only_before_api_version_2026_10_21(client):
    with pytest.raises(anthropic.BadRequestError, match="temperature: Extra inputs"):
        create(client, extra_body={"temperature": 1.0})
    old = {"anthropic-version": "2023-06-01"}
    assert create(client, extra_body={"temperature": 0.5}, extra_headers=old).content
    with pytest.raises(anthropic.BadRequestError, match="temperature"):
        create(client, extra_body={"temperature": 1.5}, extra_headers=old)


def test_thinking_budget_must_fit_max_tokens(client):
    with pytest.raises(anthropic.BadRequestError, match="budget_tokens"):
        create(client, max_tokens=1024, thinking={"type": "enabled", "budget_tokens": 1024})
    message = create(client, max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 1024})
    assert [b.type for b in message.content] == ["thinking", "text"]


def test_json_through_a_forced_tool(client):
    tool = {"name": "person", "input_schema": PERSON}
    message = create(client, tools=[tool], tool_choice={"type": "tool", "name": "person"})
    jsonschema.validate(message.content[0].input, PERSON)


def test_json_through_the_system_prompt(client):
    system = f"Respond only with JSON matching this JSON schema:\n{json.dumps(PERSON)}"
    answer = json.loads(create(client, system=system).content[0].text)
    jsonschema.validate(answer, PERSON)
    plain = json.loads(create(client, system="Answer in JSON.").content[0].text)
    assert plain == {"message": DEFAULT_TEXT}


def test_images_are_accepted(client, server):
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
    url = {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}
    content = [{"type": "text", "text": "What is this?"}, image, url]
    assert create(client, messages=[{"role": "user", "content": content}]).content[0].text
    assert AnthropicWire().has_image(server.last_request)
    bad = {"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": PNG}}
    with pytest.raises(anthropic.BadRequestError):
        create(client, messages=[{"role": "user", "content": [bad]}])


def test_wrong_key_is_an_authentication_error(server):
    with anthropic.Anthropic(base_url=server.url, api_key="sk-wrong-123", max_retries=0) as sdk:
        with pytest.raises(anthropic.AuthenticationError) as info:
            create(sdk)
    assert info.value.status_code == 401
    assert info.value.body["type"] == "error"
    assert info.value.body["error"]["type"] == "authentication_error"
    assert "sk-wrong-123" not in info.value.response.text


def test_headers_x_api_key_and_version(server):
    body = {"model": "test-model", "max_tokens": 16, "messages": HI}
    version = {"anthropic-version": "2023-06-01"}
    assert (
        _raw(server, "POST", "/v1/messages", body, {"x-api-key": "test-key", **version})[0] == 200
    )
    status, payload = _raw(server, "POST", "/v1/messages", body, {"x-api-key": "test-key"})
    assert status == 400 and "anthropic-version" in payload["error"]["message"]
    assert _raw(server, "POST", "/v1/messages", body, version)[0] == 401


def test_failures_use_the_error_shape(client, server):
    server.fail_next(529)
    with pytest.raises(anthropic.OverloadedError) as info:
        create(client)
    assert info.value.body["error"]["type"] == "overloaded_error"
    server.fail_next(429)
    with anthropic.Anthropic(base_url=server.url, api_key="test-key", max_retries=1) as sdk:
        assert create(sdk).content[0].text == DEFAULT_TEXT


def test_models_list_pages_and_retrieve(client, server):
    assert [m.id for m in client.models.list(limit=1)] == ["test-model", "test-model-2"]
    assert server.last_request.query == "limit=1&after_id=test-model"
    model = client.models.retrieve("test-model-2")
    assert (model.id, model.type) == ("test-model-2", "model")
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("no-such-model")


def test_count_tokens(client):
    assert client.messages.count_tokens(model="test-model", messages=HI).input_tokens == 2


async def test_async_client(server):
    server.script("async hello")
    async with anthropic.AsyncAnthropic(base_url=server.url, api_key="test-key") as sdk:
        message = await sdk.messages.create(model="test-model", max_tokens=64, messages=HI)
        async with sdk.messages.stream(model="test-model", max_tokens=64, messages=HI) as stream:
            text = "".join([piece async for piece in stream.text_stream])
    assert message.content[0].text == "async hello"
    assert text == DEFAULT_TEXT


def test_probe_reads_blocks(client, server):
    messages = [
        *tool_turns(),
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": [{"type": "text", "text": "Thanks"}]},
    ]
    create(
        client,
        messages=messages,
        system=[{"type": "text", "text": "Be brief."}],
        tools=[WEATHER],
        extra_body={"temperature": 0.3},
        extra_headers={"anthropic-version": "2023-06-01"},
    )
    wire, request = AnthropicWire(), server.last_request
    assert wire.api_key(request) == "test-key" and wire.model(request) == "test-model"
    assert wire.system(request) == "Be brief."
    assert wire.texts(request) == "Be brief.\nHello there\n18C and sunny\nNoted.\nThanks"
    assert wire.tools(request) == [
        {**{k: WEATHER[k] for k in ("name", "description")}, "parameters": WEATHER["input_schema"]}
    ]
    assert wire.tool_calls_sent(request) == ["get_weather"]
    assert wire.tool_results(request) == ["18C and sunny"]
    assert (wire.temperature(request), wire.max_tokens(request)) == (0.3, 256)
    assert not wire.is_stream(request) and not wire.has_image(request)
    assert (wire.json_mode(request), wire.schema(request)) == (False, None)


def _raw(server, method, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
    connection.request(
        method, path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers}
    )
    response = connection.getresponse()
    result = response.status, json.loads(response.read())
    connection.close()
    return result


CLOSED = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "tags"],
    "additionalProperties": False,
}


def test_structured_output_answers_an_instance_of_the_schema(client):
    message = create(client, output_config={"format": {"type": "json_schema", "schema": CLOSED}})
    jsonschema.validate(json.loads(message.content[0].text), CLOSED)


def test_structured_output_refuses_an_open_object(client):
    schema = {**CLOSED}
    del schema["additionalProperties"]
    with pytest.raises(anthropic.BadRequestError, match="additionalProperties"):
        create(client, output_config={"format": {"type": "json_schema", "schema": schema}})


def test_output_config_effort_is_checked(client):
    assert create(client, output_config={"effort": "low"}).content
    with pytest.raises(anthropic.BadRequestError, match="effort"):
        create(client, output_config={"effort": "extreme"})


def test_json_from_the_prompt_can_be_ignored():
    with AnthropicServer(json_from_prompt=False) as server:
        sdk = anthropic.Anthropic(base_url=server.url, api_key="test-key", max_retries=0)
        message = create(sdk, system="Respond only with a JSON object.")
        assert not message.content[0].text.startswith("{")
        sdk.close()
