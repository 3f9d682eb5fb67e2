"""Error mapping, redaction and retry policy of the shared transport."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import socket

import pytest

from prompture import _transport
from prompture.exceptions import DriverHTTPError, redact


def test_status_errors_carry_provider_status_and_retryability():
    err = _transport.status_error("acme", 429, '{"error": {"message": "slow down"}}', ())
    assert (err.provider, err.status_code, err.retryable) == ("acme", 429, True)
    assert "slow down" in str(err)
    assert not _transport.status_error("acme", 400, "bad", ()).retryable
    assert _transport.status_error("acme", 503, "", ()).retryable
    assert _transport.status_error("acme", 408, "", ()).retryable


def test_a_key_echoed_by_the_server_is_redacted():
    key = "sk-live-0123456789"
    err = _transport.status_error("acme", 401, f'{{"error": "bad key {key}"}}', (key,))
    assert key not in str(err) and key not in repr(err)
    assert "***" in str(err)


def test_transport_errors_have_no_status_and_are_retryable():
    class ReadTimeout(Exception):
        pass

    err = _transport.transport_error("acme", ReadTimeout("slow"), ())
    assert err.status_code is None and err.retryable
    assert "timed out" in str(err)


def test_retry_delay_prefers_a_sane_retry_after():
    assert _transport.retry_delay(0, 0.5, "2") == 2.0
    assert _transport.retry_delay(0, 0.5, "9999") == _transport.MAX_RETRY_AFTER
    assert _transport.retry_delay(2, 0.5, None) == 2.0
    assert _transport.retry_delay(1, 0.5, "soon") == 1.0


def test_call_with_retries_retries_only_retryable_errors():
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise DriverHTTPError("busy", provider="p", status_code=503, retryable=True)
        return "ok"

    assert _transport.call_with_retries(flaky, max_retries=2, backoff=0) == "ok"
    assert len(attempts) == 3

    def fatal():
        attempts.append(1)
        raise DriverHTTPError("no", provider="p", status_code=400, retryable=False)

    attempts.clear()
    with pytest.raises(DriverHTTPError):
        _transport.call_with_retries(fatal, max_retries=5, backoff=0)
    assert len(attempts) == 1


async def test_async_retries_give_up_after_the_bound():
    attempts = []

    async def always_busy():
        attempts.append(1)
        raise DriverHTTPError("busy", provider="p", status_code=500, retryable=True)

    with pytest.raises(DriverHTTPError):
        await _transport.acall_with_retries(always_busy, max_retries=2, backoff=0)
    assert len(attempts) == 3


def test_redact_ignores_empty_and_tiny_secrets():
    assert redact("abc", None, "", "ab") == "abc"
    assert redact("key=secret-value", "secret-value") == "key=***"


async def test_one_async_client_per_event_loop():
    first = _transport.shared_async_client()
    assert _transport.shared_async_client() is first


def test_one_session_per_thread():
    assert _transport.shared_session() is _transport.shared_session()


def test_a_negative_max_retries_still_makes_one_attempt():
    attempts = []

    def busy():
        attempts.append(1)
        raise DriverHTTPError("busy", provider="p", status_code=503, retryable=True)

    with pytest.raises(DriverHTTPError, match="busy"):
        _transport.call_with_retries(busy, max_retries=-1, backoff=0)
    assert len(attempts) == 1


async def test_a_negative_max_retries_still_makes_one_async_attempt():
    attempts = []

    async def busy():
        attempts.append(1)
        raise DriverHTTPError("busy", provider="p", status_code=503, retryable=True)

    with pytest.raises(DriverHTTPError, match="busy"):
        await _transport.acall_with_retries(busy, max_retries=-1, backoff=0)
    assert len(attempts) == 1


SECRET = "sk-live-0123456789"


class SDKError(Exception):
    """An SDK exception whose text echoes the request, key included."""


def _mapped_failure():
    try:
        raise SDKError(f"401 for https://api.example/v1?key={SECRET}")
    except SDKError as exc:
        raise _transport.transport_error("acme", exc, (SECRET,)) from None


def _assert_no_secret_kept(error: BaseException) -> None:
    assert SECRET not in str(error)
    assert error.__context__ is None and error.__cause__ is None


def test_a_mapped_error_does_not_keep_the_exception_it_hides():
    with pytest.raises(DriverHTTPError) as caught:
        _transport.call_with_retries(_mapped_failure, max_retries=0, backoff=0)
    _assert_no_secret_kept(caught.value)


async def test_an_async_mapped_error_does_not_keep_the_exception_it_hides():
    async def attempt():
        _mapped_failure()

    with pytest.raises(DriverHTTPError) as caught:
        await _transport.acall_with_retries(attempt, max_retries=1, backoff=0)
    _assert_no_secret_kept(caught.value)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/chat/completions?key={SECRET}"


def _send_kwargs():
    return {"headers": {}, "timeout": 5, "secrets": (SECRET,), "max_retries": 0, "backoff": 0}


def test_a_connection_failure_does_not_keep_the_url_with_the_key():
    with pytest.raises(DriverHTTPError) as caught:
        _transport.post("acme", _closed_port_url(), {}, **_send_kwargs())
    _assert_no_secret_kept(caught.value)


async def test_an_async_connection_failure_does_not_keep_the_url_with_the_key():
    with pytest.raises(DriverHTTPError) as caught:
        await _transport.apost("acme", _closed_port_url(), {}, **_send_kwargs())
    _assert_no_secret_kept(caught.value)


def test_an_sdk_error_echoing_the_key_is_not_kept():
    """The `openai` SDK's own exception (the mapped error's context) repeats the body."""
    from prompture.drivers.openai_driver import OpenAIDriver
    from prompture.testing import OpenAICompatServer

    with OpenAICompatServer(api_key=SECRET) as server:
        server.fail_next(401, body={"error": {"message": f"Incorrect API key: {SECRET}"}})
        driver = OpenAIDriver(api_key=SECRET, endpoint=server.url, max_retries=0)
        with pytest.raises(DriverHTTPError) as caught:
            driver.generate("Hi", {"model": "test-model"})
    assert caught.value.status_code == 401
    _assert_no_secret_kept(caught.value)


# --- Retry-After, retry logs, deadlines, loops ------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (" 3 ", 3.0),
        ("nan", None),
        ("inf", None),
        ("-1", None),
        ("soon", None),
        ("", None),
        (None, None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: no wait
    ],
)
def test_retry_after_is_parsed_robustly(value, seconds):
    assert _transport.parse_retry_after(value) == seconds


def test_retry_after_as_an_http_date_in_the_future():
    from email.utils import formatdate

    now = 1_800_000_000.0
    assert _transport.parse_retry_after(formatdate(now + 7, usegmt=True), now=now) == 7.0


def test_each_retry_is_logged_at_info_with_its_wait(caplog):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise DriverHTTPError("busy", provider="acme", status_code=503, retryable=True)
        return "ok"

    with caplog.at_level(logging.INFO, logger="prompture.transport"):
        assert _transport.call_with_retries(flaky, max_retries=3, backoff=0.01) == "ok"
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert messages == [
        "acme: retry 1 of 3 in 0.01 s after: busy",
        "acme: retry 2 of 3 in 0.02 s after: busy",
    ]


def test_no_retry_starts_past_the_deadline():
    calls = []

    def busy():
        calls.append(1)
        error = DriverHTTPError("busy", provider="acme", status_code=429, retryable=True)
        error.retry_after = "5"
        raise error

    with pytest.raises(DriverHTTPError):
        _transport.call_with_retries(busy, 3, 0.0, _transport.Deadline(1.0))
    assert len(calls) == 1  # a 5 s wait does not fit in a 1 s deadline


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_no_descriptor_outlives_its_event_loop():
    from prompture.drivers import AsyncGrokDriver, AsyncOpenAIDriver
    from prompture.testing import OpenAICompatServer

    with OpenAICompatServer(api_key="fd-test-key") as server:

        async def one_call():
            for cls in (AsyncGrokDriver, AsyncOpenAIDriver):
                driver = cls(api_key="fd-test-key", endpoint=server.url, model="test-model")
                assert (await driver.generate("Hi"))["text"]

        asyncio.run(one_call())  # first use: imports, lazily built objects
        gc.collect()
        before = _open_descriptors()
        for _ in range(200):
            asyncio.run(one_call())
        gc.collect()
        assert _open_descriptors() <= before + 2
