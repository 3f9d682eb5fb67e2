"""Error mapping, redaction and retry policy of the shared transport."""

from __future__ import annotations

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
