"""What each driver call does again and again, done once: catalogue answers and endpoint checks
remembered, payload copies without `copy.deepcopy`, and none of it ever stale or shared."""

from __future__ import annotations

import json
import os
import time

import pytest

from prompture import _catalogue, _driver_base, model_rates
from prompture.drivers import MoonshotDriver
from prompture.drivers import _openai_wire as wire
from prompture.exceptions import ConfigurationError
from prompture.model_rates import get_model_capabilities, get_model_rates, reset_caches

MODEL = "kimi-k2-0905-preview"


def catalogue(price: float, tools: bool) -> dict:
    entry = {
        "id": MODEL,
        "tool_call": tools,
        "modalities": {"input": ["text"], "output": ["text"]},
        "limit": {"context": 8000, "output": 1000},
        "cost": {"input": price, "output": 2 * price},
    }
    return {"moonshotai": {"id": "moonshotai", "models": {MODEL: entry}}}


def write_cache(data: dict) -> None:
    path = _catalogue.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    now = time.time()
    os.utime(path, (now, now))


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Offline, a private cache dir and an empty rate-file directory, nothing loaded yet."""
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    rates = tmp_path / "rates"
    rates.mkdir()
    monkeypatch.setattr(model_rates, "RATES_DIR", rates)
    reset_caches()
    yield rates
    reset_caches()


def test_a_new_catalogue_is_seen_at_once():
    write_cache(catalogue(1.0, tools=True))
    assert get_model_rates("moonshot", MODEL) == {"input": 1.0, "output": 2.0}
    assert get_model_capabilities("moonshot", MODEL).supports_tool_use is True
    # A refresh replaces the catalogue object (here: a new process's load).
    write_cache(catalogue(5.0, tools=False))
    _catalogue.reset()
    assert get_model_rates("moonshot", MODEL) == {"input": 5.0, "output": 10.0}
    assert get_model_capabilities("moonshot", MODEL).supports_tool_use is False


def test_another_rates_dir_is_seen_at_once(isolated, monkeypatch, tmp_path):
    write_cache(catalogue(1.0, tools=True))
    assert get_model_rates("moonshot", MODEL) == {"input": 1.0, "output": 2.0}
    other = tmp_path / "other-rates"
    other.mkdir()
    entry = {"cost": {"input": 7, "output": 8}, "supports_tool_use": False}
    (other / "moonshot.json").write_text(json.dumps({"models": {MODEL: entry}}))
    monkeypatch.setattr(model_rates, "RATES_DIR", other)
    assert get_model_rates("moonshot", MODEL) == {"input": 7.0, "output": 8.0}
    assert get_model_capabilities("moonshot", MODEL).supports_tool_use is False


def test_rates_handed_out_are_the_callers_own():
    write_cache(catalogue(1.0, tools=True))
    rates = get_model_rates("moonshot", MODEL)
    rates["input"] = 999.0
    assert get_model_rates("moonshot", MODEL) == {"input": 1.0, "output": 2.0}


def test_a_provider_mapped_later_is_looked_up_again(monkeypatch):
    write_cache(catalogue(1.0, tools=True))
    assert get_model_rates("kimi", MODEL) is None  # no such models.dev provider
    monkeypatch.setitem(model_rates.PROVIDER_MAP, "kimi", "moonshotai")
    assert get_model_rates("kimi", MODEL) == {"input": 1.0, "output": 2.0}


def test_an_unusable_endpoint_is_refused_on_every_call():
    driver = MoonshotDriver(api_key="k", endpoint="ftp://example.com/v1")
    for _ in range(2):
        with pytest.raises(ConfigurationError, match="http:// or https://"):
            driver.generate("hi", {})
    assert "ftp://example.com/v1" not in _driver_base._USABLE_ENDPOINTS


def test_a_usable_endpoint_is_remembered(monkeypatch):
    monkeypatch.setattr(_driver_base, "_USABLE_ENDPOINTS", set())
    driver = MoonshotDriver(api_key="k", endpoint="http://127.0.0.1:9/v1")
    assert driver._checked_endpoint() == "http://127.0.0.1:9/v1"
    assert _driver_base._USABLE_ENDPOINTS == {"http://127.0.0.1:9/v1"}
    assert driver._checked_endpoint() == "http://127.0.0.1:9/v1"


def test_payload_copies_share_no_container_with_the_callers_messages():
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"}, image]}]
    copied = wire.copied(messages)
    assert copied == messages
    copied[0]["content"][1]["image_url"]["url"] = "changed"
    copied[0]["content"].append("more")
    assert messages[0]["content"] == [{"type": "text", "text": "Hi"}, image]
    assert image["image_url"]["url"] == "data:image/png;base64,AAAA"


# --- SDK drivers read a whole answer as sent

OPENAI_BODY = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "m",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hi.", "vendor_note": "kept"},
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    "x_vendor": {"region": "eu"},
}
CLAUDE_BODY = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-opus-4-7",
    "content": [{"type": "text", "text": "Hi.", "vendor_note": "kept"}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 2},
    "x_vendor": {"region": "eu"},
}


def sdk_cases():
    from prompture.drivers import AsyncClaudeDriver, ClaudeDriver
    from prompture.drivers.async_groq_driver import AsyncGroqDriver
    from prompture.drivers.async_openai_driver import AsyncOpenAIDriver
    from prompture.drivers.groq_driver import GroqDriver
    from prompture.drivers.openai_driver import OpenAIDriver
    from prompture.testing import AnthropicServer, OpenAICompatServer
    from prompture.testing.groq_server import GroqServer

    return [
        (OpenAICompatServer, OpenAIDriver, AsyncOpenAIDriver, OPENAI_BODY),
        (GroqServer, GroqDriver, AsyncGroqDriver, OPENAI_BODY),
        (AnthropicServer, ClaudeDriver, AsyncClaudeDriver, CLAUDE_BODY),
    ]


@pytest.mark.parametrize("case", range(3), ids=["openai", "groq", "claude"])
def test_sdk_drivers_keep_the_answer_as_sent(case):
    import asyncio

    from prompture.testing._server import Reply

    server_class, sync_class, async_class, body = sdk_cases()[case]
    messages = [{"role": "user", "content": "Hello"}]
    with server_class(api_key="k") as server:
        server.reply_next(Reply.of_json(200, body), times=2)
        sync_result = sync_class(api_key="k", endpoint=server.url).generate_messages(messages)

        async def call():
            return await async_class(api_key="k", endpoint=server.url).generate_messages(messages)

        async_result = asyncio.run(call())
    for result in (sync_result, async_result):
        assert result["text"] == "Hi."
        assert result["meta"]["raw_response"] == body  # unknown fields and nulls kept
        assert result["meta"]["total_tokens"] == 5


@pytest.mark.parametrize("case", range(3), ids=["openai", "groq", "claude"])
def test_sdk_drivers_refuse_a_body_that_is_not_json(case):
    from prompture.exceptions import DriverHTTPError
    from prompture.testing._server import Reply

    server_class, sync_class, _, _ = sdk_cases()[case]
    with server_class(api_key="k") as server:
        server.reply_next(Reply(200, b'{"id": "cut'))
        driver = sync_class(api_key="k", endpoint=server.url, max_retries=0)
        with pytest.raises(DriverHTTPError, match="malformed"):
            driver.generate_messages([{"role": "user", "content": "Hello"}])


def test_gemini_sends_through_the_http_library_the_sdk_prefers():
    from google.genai import _api_client

    from prompture.drivers import _google_sdk as sdk

    preferred = getattr(_api_client, "httpx2", None)
    package = sdk.http_package()
    assert package is (preferred or __import__("httpx"))
    client = sdk.make_client("k", "http://127.0.0.1:9", 5.0)
    try:
        assert isinstance(client._api_client._httpx_client, package.Client)
    finally:
        client.close()
