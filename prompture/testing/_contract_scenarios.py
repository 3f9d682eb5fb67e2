"""The checks of the driver contract suite, each written once as a coroutine.

A scenario gets a `Case`: the running server (reset for this test), the wire probe that reads
what the server received, and a factory for the driver under test. Scenarios use only the
servers' common scripting API (`script`, `fail_next`...), the driver API and the probe, so one
scenario checks drivers of every wire format. Async drivers are awaited directly; sync drivers
are wrapped so that their methods can be awaited too (see `contract.SyncAsAsync`), so the sync
and async variants of a check cannot drift apart.

A capability a driver lacks is not a reason to skip: the check asserts the fallback instead
(no native JSON schema: the schema is in the prompt; no key needed: it works without one).
Only what cannot apply at all (tools, streaming, images for a driver without them) is skipped.
"""

from __future__ import annotations

import copy
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from ..exceptions import ConfigurationError, DriverError, DriverHTTPError
from ._server import LocalServer, RecordedRequest
from ._wire_probe import WireProbe, schema_in_text

META_KEYS = (
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "cost",
    "raw_response",
    "model_name",
)
USAGE = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
#: Stop reasons scripted (servers translate them to their wire) and expected back.
STOP_REASONS = ("end_turn", "max_tokens", "content_filter")
WRONG_KEY = "wrong-key-123456"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"],
        },
    },
}
PERSON_SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "age": {"type": "integer"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name"],
}
#: A 1x1 PNG as a data URL.
TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEh"
    "QGAhKmMIQAAAABJRU5ErkJggg=="
)


@dataclass
class Case:
    """What one contract check works with."""

    server: LocalServer
    #: Reads what `server` received.
    wire: WireProbe
    #: The driver class under test (sync or async).
    driver_class: type
    #: Builds a driver against `server`; keyword arguments override the constructor defaults.
    make: Callable[..., Any]
    #: The endpoint drivers are built with.
    endpoint: str
    api_key: str | None
    model: str
    priced_model: str | None
    monkeypatch: pytest.MonkeyPatch
    #: The driver has a live model list (else `list_models` must say None, asking nothing).
    lists_models: bool = True

    def require(self, flag: str) -> None:
        """Skip the check unless the driver class sets capability `flag`."""
        if not getattr(self.driver_class, flag, False):
            pytest.skip(f"{self.driver_class.__name__}.{flag} is False")

    def has(self, flag: str) -> bool:
        return bool(getattr(self.driver_class, flag, False))

    @property
    def sent(self) -> RecordedRequest:
        """The last request the server received."""
        request = self.server.last_request
        assert request is not None, "the driver sent no request"
        return request

    def posts(self) -> int:
        """How many generation requests (POSTs) the server received."""
        return sum(r.method == "POST" for r in self.server.requests)


def check_meta(meta: dict[str, Any], model: str, usage: dict[str, int] | None = None) -> None:
    """The meta keys every result carries, with the server's usage when given."""
    missing = [key for key in META_KEYS if key not in meta]
    assert not missing, f"meta lacks {missing}"
    assert meta["model_name"] == model
    assert isinstance(meta["cost"], float), f"cost is {type(meta['cost']).__name__}, not float"
    assert meta["cost"] == round(meta["cost"], 6)
    json.dumps(meta["raw_response"])  # raw_response must be JSON-able
    if usage is not None:
        assert {k: meta[k] for k in usage} == usage


async def generate_text(case: Case) -> None:
    """`generate` returns the text and meta with the server's usage; constructors do no I/O."""
    case.server.script("Hello from the contract suite.", usage=USAGE)
    driver = case.make()
    assert case.server.requests == [], "the constructor must not do I/O"
    result = await driver.generate("Say hello", {})
    assert result["text"] == "Hello from the contract suite."
    check_meta(result["meta"], case.model, USAGE)
    request = case.sent
    assert request.method == "POST"
    assert case.wire.api_key(request) == case.api_key
    assert case.wire.model(request) == case.model
    assert case.wire.texts(request).strip() == "Say hello"
    assert case.wire.system(request) == ""


async def generate_messages(case: Case) -> None:
    """`generate_messages` sends the system prompt and turns, and leaves them untouched."""
    case.require("supports_messages")
    messages = [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": "Capital of Italy?"},
        {"role": "assistant", "content": "Rome"},
        {"role": "user", "content": "Capital of France?"},
    ]
    before = copy.deepcopy(messages)
    case.server.script("Paris")
    result = await case.make().generate_messages(messages, {})
    assert result["text"] == "Paris"
    check_meta(result["meta"], case.model)
    assert case.wire.system(case.sent).strip() == "You answer in one word."
    texts = case.wire.texts(case.sent)
    positions = [texts.find(m["content"]) for m in messages]
    assert -1 not in positions and positions[1:] == sorted(positions[1:]), texts
    assert messages == before, "the caller's messages were mutated"


async def json_mode(case: Case) -> None:
    """``json_mode`` asks for JSON natively (the answer parses), else in the prompt."""
    result = await case.make().generate("Give me a JSON object.", {"json_mode": True})
    if case.has("supports_json_mode"):
        assert case.wire.json_mode(case.sent)
        assert isinstance(json.loads(result["text"]), dict)
    else:
        assert not case.wire.json_mode(case.sent)
        assert "JSON" in case.wire.texts(case.sent), "no JSON instruction in the prompt"


async def json_schema(case: Case) -> None:
    """``json_schema`` is sent natively (strict where the wire wants it), else in the prompt."""
    import jsonschema

    result = await case.make().generate("Describe a person.", {"json_schema": PERSON_SCHEMA})
    properties = sorted(PERSON_SCHEMA["properties"])
    if not case.has("supports_json_schema"):
        assert case.wire.schema(case.sent) is None
        in_prompt = schema_in_text(case.wire.texts(case.sent)) or {}
        assert sorted(in_prompt.get("properties") or {}) == properties, "schema not in prompt"
        return
    schema = case.wire.schema(case.sent)
    assert schema is not None, "the schema was not sent natively"
    assert sorted(schema.get("properties") or {}) == properties
    if case.wire.strict_schema:
        assert schema.get("additionalProperties") is False
        assert sorted(schema.get("required", [])) == properties
    jsonschema.validate(json.loads(result["text"]), PERSON_SCHEMA)


async def tool_call(case: Case) -> None:
    """A tool call comes back as ``{"id", "name", "arguments": dict}`` with ``tool_use``."""
    case.require("supports_tool_use")
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    tools = [copy.deepcopy(WEATHER_TOOL)]
    result = await case.make().generate_messages_with_tools(messages, tools, {})
    [call] = result["tool_calls"]
    assert isinstance(call.get("id"), str) and call["id"], "a tool call needs an id"
    assert (call["name"], call["arguments"]) == ("get_weather", {"city": "Paris"})
    assert result["stop_reason"] == "tool_use"
    check_meta(result["meta"], case.model)
    assert case.wire.tools(case.sent) == [WEATHER_TOOL["function"]]
    assert tools == [WEATHER_TOOL], "the caller's tools were mutated"


async def tool_follow_up(case: Case) -> None:
    """After an assistant ``tool_calls`` turn and a ``tool`` message comes the final text."""
    case.require("supports_tool_use")
    call = {
        "id": "call_abc123",
        "type": "function",
        "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})},
    }
    messages = [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_abc123", "content": "18C and sunny"},
    ]
    before = copy.deepcopy(messages)
    result = await case.make().generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    assert result["text"] == "The tool said: 18C and sunny"
    assert result["stop_reason"] == "end_turn"
    assert result["tool_calls"] == []
    assert case.wire.tool_calls_sent(case.sent) == ["get_weather"]
    assert case.wire.tool_results(case.sent) == ["18C and sunny"]
    assert messages == before, "the caller's messages were mutated"


async def tool_follow_up_from_result(case: Case) -> None:
    """Tool calls passed back exactly as a result returned them (``{"id", "name", "arguments":
    dict}``) go out in the wire's own shape, names and arguments intact."""
    case.require("supports_tool_use")
    driver = case.make()
    question = [{"role": "user", "content": "Weather in Paris?"}]
    first = await driver.generate_messages_with_tools(question, [WEATHER_TOOL], {})
    [call] = first["tool_calls"]
    messages = [
        *question,
        {"role": "assistant", "content": "Checking.", "tool_calls": first["tool_calls"]},
        {"role": "tool", "tool_call_id": call["id"], "content": "18C and sunny"},
    ]
    before = copy.deepcopy(messages)
    result = await driver.generate_messages_with_tools(messages, [WEATHER_TOOL], {})
    assert case.wire.tool_calls_sent(case.sent) == ["get_weather"], "the call went out unconverted"
    assert case.wire.tool_call_arguments(case.sent) == [{"city": "Paris"}]
    assert case.wire.tool_results(case.sent) == ["18C and sunny"]
    assert (result["stop_reason"], result["tool_calls"]) == ("end_turn", [])
    assert messages == before, "the caller's messages were mutated"


async def stop_reasons(case: Case) -> None:
    """Stop reasons are normalized: the wire's ``length``/``max_tokens`` to ``max_tokens``..."""
    case.require("supports_tool_use")
    driver = case.make()
    messages = [{"role": "user", "content": "Hi"}]
    for stop_reason in STOP_REASONS:
        case.server.script("Cut", finish_reason=stop_reason)
        result = await driver.generate_messages_with_tools(messages, [WEATHER_TOOL], {})
        assert result["stop_reason"] == stop_reason


async def stream(case: Case) -> None:
    """The stream yields deltas, then one ``done`` chunk whose text joins them, with usage."""
    case.require("supports_streaming")
    case.server.script("The quick brown fox jumps.", usage=USAGE)
    messages = [{"role": "user", "content": "Tell me about the fox."}]
    chunks = [chunk async for chunk in case.make().generate_messages_stream(messages, {})]
    *deltas, done = chunks
    assert [c["type"] for c in deltas] == ["delta"] * len(deltas)
    assert len(deltas) >= 2, "the text should arrive in several deltas"
    assert done["type"] == "done"
    assert done["text"] == "".join(c["text"] for c in deltas) == "The quick brown fox jumps."
    check_meta(done["meta"], case.model, USAGE)
    assert case.wire.is_stream(case.sent)


async def stream_http_error(case: Case) -> None:
    """An error status on a stream request is a `DriverHTTPError` too."""
    case.require("supports_streaming")
    messages = [{"role": "user", "content": "Hi"}]
    case.server.fail_next(401)
    with pytest.raises(DriverHTTPError) as info:
        async for _ in case.make().generate_messages_stream(messages, {}):
            pass
    assert info.value.status_code == 401


async def vision(case: Case) -> None:
    """An image block (a data URL ``image_url``) reaches the server as an image."""
    case.require("supports_vision")
    image = {"type": "image_url", "image_url": {"url": TINY_PNG}}
    messages = [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, image]}]
    result = await case.make().generate_messages(messages, {})
    assert result["text"]
    assert case.wire.has_image(case.sent)
    assert "What is this?" in case.wire.texts(case.sent)


async def reasoning(case: Case) -> None:
    """Returned thinking lands in ``meta["reasoning_content"]`` and stands in for empty text."""
    thinking = "The user wants 2 + 2, which is 4."
    case.server.script("", reasoning=thinking)
    result = await case.make().generate("What is 2 + 2?", {})
    assert result["meta"].get("reasoning_content") == thinking
    assert result["text"] == thinking


async def options_not_mutated(case: Case) -> None:
    """The caller's options dict (nested schema included) is never changed; limits are sent."""
    options = {
        "model": "test-model-2",
        "temperature": 0.2,
        "max_tokens": 64,
        "json_schema": copy.deepcopy(PERSON_SCHEMA),
        "timeout": 5.0,
        "an_unknown_option": "is ignored",
    }
    before = copy.deepcopy(options)
    await case.make().generate_messages([{"role": "user", "content": "Hi"}], options)
    assert options == before, "the caller's options were mutated"
    assert case.wire.max_tokens(case.sent) == 64
    expected_temperature = 0.2 if case.wire.sends_temperature else None
    assert case.wire.temperature(case.sent) == expected_temperature


async def model_option(case: Case) -> None:
    """``options["model"]`` overrides the driver's model."""
    result = await case.make().generate("Hi", {"model": "test-model-2"})
    assert case.wire.model(case.sent) == "test-model-2"
    assert result["meta"]["model_name"] == "test-model-2"


async def cost(case: Case) -> None:
    """Cost is a float rounded to 6 decimals, positive for a model the catalogue prices."""
    model = case.priced_model or case.model
    case.server.script("Priced.", usage={"prompt_tokens": 1000, "completion_tokens": 1000})
    result = await case.make().generate("Hi", {"model": model})
    check_meta(result["meta"], model)
    if case.priced_model:
        assert result["meta"]["cost"] > 0, f"no price for {case.priced_model!r}"


async def wrong_key(case: Case) -> None:
    """A rejected key is a non-retryable 401 `DriverHTTPError` that does not show the key."""
    if case.api_key is None:
        case.server.fail_next(401)  # a server without keys cannot reject one: play it
    with pytest.raises(DriverHTTPError) as info:
        await case.make(api_key=WRONG_KEY).generate("Hi", {})
    assert info.value.status_code == 401
    assert info.value.retryable is False
    assert WRONG_KEY not in str(info.value)
    assert WRONG_KEY not in repr(info.value)
    assert case.posts() == 1, "a 401 must not be retried"


async def echoed_key_redacted(case: Case) -> None:
    """A key the provider echoes back in its error body is scrubbed from the error."""
    key = case.api_key or WRONG_KEY
    body = case.server.error_body(401, f"Incorrect API key provided: {key}")
    case.server.fail_next(401, body=body)
    with pytest.raises(DriverHTTPError) as info:
        await case.make(api_key=key).generate("Hi", {})
    assert key not in str(info.value)
    assert key not in repr(info.value)


async def rate_limit_then_success(case: Case) -> None:
    """A 429 is retried and the second attempt succeeds."""
    case.server.fail_next(429)
    result = await case.make().generate("Hi", {})
    assert result["text"]
    assert case.posts() == 2


async def server_error(case: Case) -> None:
    """5xx answers are retried; when retries run out the error is a retryable 500."""
    case.server.fail_next(500, times=2)
    with pytest.raises(DriverHTTPError) as info:
        await case.make(max_retries=1).generate("Hi", {})
    assert info.value.status_code == 500
    assert info.value.retryable is True
    assert case.posts() == 2


async def malformed_body(case: Case) -> None:
    """A 200 whose body is not JSON is a `DriverError`, not a crash."""
    case.server.fail_next_malformed(times=2)
    with pytest.raises(DriverError):
        await case.make().generate("Hi", {})


async def timeout(case: Case) -> None:
    """An answer slower than the timeout is a `DriverHTTPError` without status, raised in time."""
    case.server.delay_next(1.0)
    driver = case.make(timeout=0.2, max_retries=0)
    started = time.monotonic()
    with pytest.raises(DriverHTTPError) as info:
        await driver.generate("Hi", {})
    assert info.value.status_code is None
    assert time.monotonic() - started < 0.9, "the timeout was not honoured"


async def connection_refused(case: Case) -> None:
    """A closed port is a retryable `DriverHTTPError` without status."""
    with socket.socket() as probe:  # a port that was free a moment ago is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = case.endpoint.replace(f":{case.server.port}", f":{port}", 1)
    assert endpoint != case.endpoint, "the endpoint does not name the server's port"
    driver = case.make(endpoint=endpoint, max_retries=0)
    with pytest.raises(DriverHTTPError) as info:
        await driver.generate("Hi", {})
    assert info.value.status_code is None
    assert info.value.retryable is True


async def missing_key(case: Case) -> None:
    """Without a key: `ConfigurationError` naming the variable, or working where none is needed."""
    names = key_variables(case.driver_class)
    for name in names:
        case.monkeypatch.delenv(name, raising=False)
    driver = case.make(api_key=None)  # constructing must still work
    if case.has("requires_api_key"):
        with pytest.raises(ConfigurationError) as info:
            await driver.generate("Hi", {})
        assert any(name in str(info.value) for name in names), str(info.value)
        assert case.server.requests == []
        return
    case.monkeypatch.setattr(case.server, "api_key", None)  # the server accepts anyone now
    result = await driver.generate("Hi", {})
    assert result["text"]
    assert case.wire.api_key(case.sent) is None, "no key was configured, yet one was sent"


async def list_models(case: Case) -> None:
    """``list_models`` returns the ids the server lists, sending the key; a driver without a
    live list (``lists_models = False`` on the test class) returns None and asks nothing."""
    models = case.driver_class.list_models(endpoint=case.endpoint, api_key=case.api_key)
    if not case.lists_models:
        assert models is None and case.server.requests == []
        return
    assert sorted(models or []) == sorted(case.server.models)
    assert case.wire.api_key(case.sent) == case.api_key


def key_variables(driver_class: type) -> list[str]:
    """Environment variables a driver may read its key from."""
    names = list(getattr(driver_class, "api_key_env", ()) or ())
    provider = getattr(driver_class, "provider", "")
    if provider:
        names.append(f"{provider.upper()}_API_KEY")
    return list(dict.fromkeys(names))


#: Every check, in the order the suite runs them.
SCENARIOS = (
    generate_text,
    generate_messages,
    json_mode,
    json_schema,
    tool_call,
    tool_follow_up,
    tool_follow_up_from_result,
    stop_reasons,
    stream,
    stream_http_error,
    vision,
    reasoning,
    options_not_mutated,
    model_option,
    cost,
    wrong_key,
    echoed_key_redacted,
    rate_limit_then_success,
    server_error,
    malformed_body,
    timeout,
    connection_refused,
    missing_key,
    list_models,
)
