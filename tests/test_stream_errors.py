"""A broken stream is an error, never an answer: every streaming driver, sync and async.

Each local server answers 200 and then something that is not a good stream (a body that is
not a stream at all, no event, a payload that is not JSON, the provider's error event
mid-stream); the driver must raise `DriverHTTPError` (status 200, not retryable, the
provider's own message, never the key) instead of yielding an empty or cut ``done`` chunk.
"""

from __future__ import annotations

import asyncio
import inspect
import json

import pytest

from prompture.drivers.async_claude_driver import AsyncClaudeDriver
from prompture.drivers.async_google_driver import AsyncGoogleDriver
from prompture.drivers.async_grok_driver import AsyncGrokDriver
from prompture.drivers.async_groq_driver import AsyncGroqDriver
from prompture.drivers.async_lmstudio_driver import AsyncLMStudioDriver
from prompture.drivers.async_modelscope_driver import AsyncModelScopeDriver
from prompture.drivers.async_moonshot_driver import AsyncMoonshotDriver
from prompture.drivers.async_openai_driver import AsyncOpenAIDriver
from prompture.drivers.async_openrouter_driver import AsyncOpenRouterDriver
from prompture.drivers.async_zai_driver import AsyncZaiDriver
from prompture.drivers.claude_driver import ClaudeDriver
from prompture.drivers.google_driver import GoogleDriver
from prompture.drivers.grok_driver import GrokDriver
from prompture.drivers.groq_driver import GroqDriver
from prompture.drivers.lmstudio_driver import LMStudioDriver
from prompture.drivers.modelscope_driver import ModelScopeDriver
from prompture.drivers.moonshot_driver import MoonshotDriver
from prompture.drivers.openai_driver import OpenAIDriver
from prompture.drivers.openrouter_driver import OpenRouterDriver
from prompture.drivers.zai_driver import ZaiDriver
from prompture.exceptions import DriverHTTPError
from prompture.testing import AnthropicServer, GeminiServer, OpenAICompatServer
from prompture.testing.groq_server import GroqServer

KEY = "sk-stream-errors-0123456789"
HI = [{"role": "user", "content": "Hi"}]

PLAIN_HTTP = [
    GrokDriver,
    AsyncGrokDriver,
    MoonshotDriver,
    AsyncMoonshotDriver,
    ZaiDriver,
    AsyncZaiDriver,
    ModelScopeDriver,
    AsyncModelScopeDriver,
    OpenRouterDriver,
    AsyncOpenRouterDriver,
    LMStudioDriver,
    AsyncLMStudioDriver,
]
OPENAI_WIRE = [*PLAIN_HTTP, OpenAIDriver, AsyncOpenAIDriver, GroqDriver, AsyncGroqDriver]
CLAUDE = [ClaudeDriver, AsyncClaudeDriver]
GOOGLE = [GoogleDriver, AsyncGoogleDriver]
EVERY_DRIVER = [*OPENAI_WIRE, *CLAUDE, *GOOGLE]


def sse(*payloads: object, event: str | None = None) -> bytes:
    """SSE frames: one ``data:`` line per payload (dicts as JSON), optionally named."""
    head = f"event: {event}\n" if event else ""
    return b"".join(
        (head + "data: " + (p if isinstance(p, str) else json.dumps(p)) + "\n\n").encode()
        for p in payloads
    )


def openai_error(message: str) -> bytes:
    """A started answer, then an error event as OpenRouter sends it, then ``[DONE]``."""
    hel = {"choices": [{"index": 0, "delta": {"content": "Hel"}}]}
    return sse(hel, {"error": {"message": message, "code": 502}}, "[DONE]")


def anthropic_error(message: str) -> bytes:
    """A started message, a text delta, then Anthropic's ``error`` event."""
    start = {
        "type": "message_start",
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "content": [],
            "model": "test-model",
            "stop_reason": None,
            "usage": {"input_tokens": 3, "output_tokens": 0},
        },
    }
    text_block = {"type": "text", "text": ""}
    block = {"type": "content_block_start", "index": 0, "content_block": text_block}
    delta = {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": "Hel"},
    }
    error = {"type": "error", "error": {"type": "overloaded_error", "message": message}}
    return b"".join(
        [
            sse(start, event="message_start"),
            sse(block, event="content_block_start"),
            sse(delta, event="content_block_delta"),
            sse(error, event="error"),
        ]
    )


@pytest.fixture(scope="module")
def servers():
    started = {
        "openai": OpenAICompatServer(api_key=KEY).start(),
        "groq": GroqServer(api_key=KEY).start(),
        "claude": AnthropicServer(api_key=KEY).start(),
        "google": GeminiServer(api_key=KEY).start(),
    }
    yield started
    for server in started.values():
        server.stop()


def server_for(servers, driver_class):
    if issubclass(driver_class, GroqDriver | AsyncGroqDriver):
        return servers["groq"]
    if driver_class in CLAUDE:
        return servers["claude"]
    if driver_class in GOOGLE:
        return servers["google"]
    return servers["openai"]


@pytest.fixture
def setup(servers):
    """`setup(driver_class)`: a fresh driver and its (reset) server."""

    def make(driver_class):
        server = server_for(servers, driver_class)
        server.reset()
        driver = driver_class(api_key=KEY, model="test-model", endpoint=server.url, max_retries=0)
        return driver, server

    return make


def drain(driver) -> tuple[list[dict], DriverHTTPError | None]:
    """The chunks the stream yielded and the `DriverHTTPError` that ended it (if any)."""
    chunks: list[dict] = []
    stream = driver.generate_messages_stream(HI, {})
    try:
        if inspect.isasyncgen(stream):

            async def collect() -> None:
                async for chunk in stream:
                    chunks.append(chunk)

            asyncio.run(collect())
        else:
            chunks.extend(stream)
    except DriverHTTPError as exc:
        return chunks, exc
    return chunks, None


def check_error(error: DriverHTTPError | None, driver, chunks: list[dict]) -> None:
    assert error is not None, f"a broken stream was taken as an answer: {chunks}"
    assert [c for c in chunks if c["type"] == "done"] == []
    assert (error.provider, error.status_code, error.retryable) == (driver.provider, 200, False)
    assert KEY not in str(error) and KEY not in repr(error)


def name(driver_class) -> str:
    return driver_class.__name__


@pytest.mark.parametrize("driver_class", EVERY_DRIVER, ids=name)
def test_a_body_that_is_not_a_stream_is_an_error(setup, driver_class):
    driver, server = setup(driver_class)
    server.fail_next_malformed()
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert "malformed body" in str(error)
    assert "this is not JSON" not in str(error)  # the body is not quoted back


@pytest.mark.parametrize("driver_class", EVERY_DRIVER, ids=name)
def test_a_stream_without_any_event_is_an_error(setup, driver_class):
    driver, server = setup(driver_class)
    server.fail_next(200, body=b"")
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert str(error) == f"{driver.provider} API returned a malformed body: no events in the stream"


@pytest.mark.parametrize("driver_class", OPENAI_WIRE, ids=name)
def test_done_alone_is_no_answer(setup, driver_class):
    driver, server = setup(driver_class)
    server.fail_next(200, body=sse("[DONE]"))
    check_error(drain(driver)[1], driver, [])


@pytest.mark.parametrize("driver_class", OPENAI_WIRE, ids=name)
def test_a_payload_that_is_not_json_is_an_error(setup, driver_class):
    driver, server = setup(driver_class)
    hel = {"choices": [{"index": 0, "delta": {"content": "Hel"}}]}
    server.fail_next(200, body=sse(hel, "{not json", "[DONE]"))
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert "malformed body" in str(error)


@pytest.mark.parametrize("driver_class", OPENAI_WIRE, ids=name)
def test_an_error_event_mid_stream_is_raised_with_the_providers_message(setup, driver_class):
    driver, server = setup(driver_class)
    server.fail_next(200, body=openai_error("Provider returned error"))
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert str(error) == f"{driver.provider} API reported an error: Provider returned error"
    assert chunks == [{"type": "delta", "text": "Hel"}]  # what came before the error


@pytest.mark.parametrize("driver_class", CLAUDE, ids=name)
def test_an_anthropic_error_event_is_raised_with_its_message(setup, driver_class):
    driver, server = setup(driver_class)
    server.fail_next(200, body=anthropic_error("Overloaded"))
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert str(error) == "claude API reported an error: Overloaded"
    assert chunks == [{"type": "delta", "text": "Hel"}]


@pytest.mark.parametrize("driver_class", [*OPENAI_WIRE, *CLAUDE], ids=name)
def test_an_error_event_echoing_the_key_is_redacted(setup, driver_class):
    driver, server = setup(driver_class)
    message = f"upstream rejected key {KEY}"
    body = anthropic_error(message) if driver_class in CLAUDE else openai_error(message)
    server.fail_next(200, body=body)
    chunks, error = drain(driver)
    check_error(error, driver, chunks)
    assert str(error).endswith("upstream rejected key ***")


@pytest.mark.parametrize("driver_class", EVERY_DRIVER, ids=name)
def test_a_good_stream_still_ends_with_done(setup, driver_class):
    driver, server = setup(driver_class)
    server.script("All good here.")
    chunks, error = drain(driver)
    assert error is None
    assert chunks[-1]["type"] == "done" and chunks[-1]["text"] == "All good here."
    assert chunks[-1]["meta"]["total_tokens"] > 0
