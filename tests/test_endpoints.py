"""A malformed endpoint is a ConfigurationError at the driver's first use (issue 13 item 6):
not a connection error, not retried, whatever the wire (plain HTTP or an SDK)."""

from __future__ import annotations

import asyncio

import pytest

from prompture._transport import check_endpoint
from prompture.drivers import (
    AsyncClaudeDriver,
    AsyncGrokDriver,
    ClaudeDriver,
    GoogleDriver,
    GrokDriver,
    GroqDriver,
    OllamaDriver,
    OpenAIDriver,
)
from prompture.exceptions import ConfigurationError

BAD = ["ftp://x", "http://", "http://exa mple.com/v1", "example.com/v1", "http://h:99999", ""]
SYNC = [GrokDriver, OpenAIDriver, GroqDriver, ClaudeDriver, GoogleDriver, OllamaDriver]


@pytest.mark.parametrize("url", BAD)
def test_check_endpoint_refuses(url):
    with pytest.raises(ConfigurationError, match="ENDPOINT"):
        check_endpoint("acme", url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/v1", "https://api.x.ai/v1", "http://[::1]:1"]
)
def test_check_endpoint_accepts(url):
    assert check_endpoint("acme", url) == url


def test_the_message_never_shows_a_key_in_the_url():
    with pytest.raises(ConfigurationError) as info:
        check_endpoint("acme", "ftp://user:sk-secret-123@host", ("sk-secret-123",))
    assert "sk-secret-123" not in str(info.value)


@pytest.mark.parametrize("cls", SYNC, ids=lambda c: c.__name__)
@pytest.mark.parametrize("url", ["ftp://x", "http://", "http://a b"])
def test_first_use_of_a_driver_with_a_bad_endpoint(cls, url):
    driver = cls(api_key="k-123456", endpoint=url)  # no I/O, no error yet
    with pytest.raises(ConfigurationError, match="endpoint"):
        driver.generate("Hi")


@pytest.mark.parametrize("cls", [AsyncGrokDriver, AsyncClaudeDriver], ids=lambda c: c.__name__)
def test_async_first_use_with_a_bad_endpoint(cls):
    driver = cls(api_key="k-123456", endpoint="ftp://x")
    with pytest.raises(ConfigurationError, match="endpoint"):
        asyncio.run(driver.generate("Hi"))
