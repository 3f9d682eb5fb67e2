"""HTTP plumbing shared by every driver: pooled clients, error mapping, retries.

Sync drivers share one `requests.Session` per thread and async drivers one `httpx.AsyncClient`
per event loop, so connections are reused across calls and across driver instances (a new
client per call is what makes many LLM libraries several times slower than the raw client).
Transport exceptions and error statuses are turned into `DriverHTTPError` in exactly one place.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .exceptions import DriverHTTPError, redact

if TYPE_CHECKING:  # asyncio costs ~30 ms to import; sync-only users never need it
    import asyncio

T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 409, 429})
MAX_RETRY_AFTER = 30.0

_local = threading.local()
_async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
    weakref.WeakKeyDictionary()
)


def shared_session() -> Any:
    """This thread's pooled `requests.Session` (requests is imported on first use)."""
    session = getattr(_local, "session", None)
    if session is None:
        import requests

        session = _local.session = requests.Session()
    return session


def shared_async_client() -> Any:
    """The running event loop's pooled `httpx.AsyncClient` (httpx is imported on first use)."""
    import asyncio

    import httpx

    loop = asyncio.get_running_loop()
    client = _async_clients.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(timeout=None)
        _async_clients[loop] = client
    return client


def is_retryable(status: int | None) -> bool:
    return status is None or status in RETRYABLE_STATUS or status >= 500


def _error_detail(body: str) -> str:
    """The provider's own error message when the body is JSON, else the body's start."""
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return body.strip()[:300]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            return str(error.get("message") or error)[:300]
        return str(error)[:300]
    return str(data)[:300]


def status_error(
    provider: str,
    status: int,
    body: str,
    secrets: tuple[str | None, ...],
    retry_after: str | None = None,
) -> DriverHTTPError:
    message = f"{provider} API returned HTTP {status}: {_error_detail(body)}"
    error = DriverHTTPError(
        redact(message, *secrets),
        provider=provider,
        status_code=status,
        retryable=is_retryable(status),
    )
    error.retry_after = retry_after
    return error


def transport_error(
    provider: str, exc: BaseException, secrets: tuple[str | None, ...]
) -> DriverHTTPError:
    kind = "timed out" if "timeout" in type(exc).__name__.lower() else "could not connect"
    message = f"{provider} API request {kind}: {type(exc).__name__}: {exc}"
    return DriverHTTPError(redact(message, *secrets), provider=provider, retryable=True)


def malformed_error(provider: str, detail: str) -> DriverHTTPError:
    return DriverHTTPError(
        f"{provider} API returned a malformed body: {detail[:200]}",
        provider=provider,
        status_code=200,
        retryable=False,
    )


#: `malformed_error` detail of a stream that carried no event at all (every wire).
NO_EVENTS = "no events in the stream"


def stream_error(provider: str, message: str, secrets: tuple[str | None, ...]) -> DriverHTTPError:
    """The error for an error event inside a stream accepted with 200 (any wire, any driver).

    Not retryable: deltas may already have reached the caller.
    """
    text = f"{provider} API reported an error: {message}"
    return DriverHTTPError(redact(text, *secrets), provider=provider, status_code=200)


def retry_delay(attempt: int, backoff: float, retry_after: str | None) -> float:
    """Seconds to wait before retry number `attempt` (0-based): Retry-After wins when sane."""
    if retry_after:
        try:
            return min(max(float(retry_after), 0.0), MAX_RETRY_AFTER)
        except ValueError:
            pass
    return backoff * (2**attempt)


def call_with_retries(attempt: Callable[[], T], max_retries: int, backoff: float) -> T:
    """Run `attempt`, retrying retryable `DriverHTTPError`s with exponential backoff.

    `attempt` always runs at least once (a negative `max_retries` counts as 0; drivers refuse
    one at construction). The error raised in the end holds no hidden original exception.
    """
    n = 0
    while True:
        try:
            return attempt()
        except DriverHTTPError as exc:
            if not exc.retryable or n >= max_retries:
                _drop_hidden_context(exc)
                raise
            time.sleep(retry_delay(n, backoff, getattr(exc, "retry_after", None)))
        n += 1


async def acall_with_retries(
    attempt: Callable[[], Awaitable[T]], max_retries: int, backoff: float
) -> T:
    """Async twin of `call_with_retries`."""
    import asyncio

    n = 0
    while True:
        try:
            return await attempt()
        except DriverHTTPError as exc:
            if not exc.retryable or n >= max_retries:
                _drop_hidden_context(exc)
                raise
            await asyncio.sleep(retry_delay(n, backoff, getattr(exc, "retry_after", None)))
        n += 1


def _drop_hidden_context(error: DriverHTTPError) -> None:
    """Forget the exception a mapping hid with ``raise ... from None``.

    ``from None`` only hides the original from tracebacks: it stays in ``__context__``, and an
    SDK or HTTP-client error may echo the request, API key included.
    """
    if error.__suppress_context__:
        error.__context__ = None


def post(
    provider: str,
    url: str,
    payload: Any,
    *,
    headers: dict[str, str],
    timeout: float,
    secrets: tuple[str | None, ...],
    max_retries: int,
    backoff: float,
    stream: bool = False,
) -> Any:
    """POST `payload` as JSON (bytes as they are) on this thread's pooled session; the
    `requests.Response`.

    Error statuses and transport failures become `DriverHTTPError`, retried per the shared
    policy. With `stream` the body is left unread: the caller iterates it and closes it.
    """
    import requests

    session = shared_session()

    def attempt() -> Any:
        try:
            body = {"data": payload} if isinstance(payload, bytes) else {"json": payload}
            response = session.post(url, **body, headers=headers, timeout=timeout, stream=stream)
        except requests.RequestException as exc:
            raise transport_error(provider, exc, secrets) from None
        if response.status_code >= 400:
            retry_after = response.headers.get("Retry-After")
            raise status_error(provider, response.status_code, response.text, secrets, retry_after)
        return response

    return call_with_retries(attempt, max_retries, backoff)


async def apost(
    provider: str,
    url: str,
    payload: Any,
    *,
    headers: dict[str, str],
    timeout: float,
    secrets: tuple[str | None, ...],
    max_retries: int,
    backoff: float,
    stream: bool = False,
) -> Any:
    """Async twin of `post` on the event loop's pooled `httpx.AsyncClient`.

    With `stream` the caller reads the body (`aiter_lines`) and must `aclose()` the response.
    """
    import httpx

    client = shared_async_client()

    async def attempt() -> Any:
        try:
            body = {"content": payload} if isinstance(payload, bytes) else {"json": payload}
            request = client.build_request("POST", url, **body, headers=headers, timeout=timeout)
            response = await client.send(request, stream=stream)
        except httpx.HTTPError as exc:
            raise transport_error(provider, exc, secrets) from None
        if response.status_code >= 400:
            body = (await response.aread()).decode("utf-8", "replace")
            await response.aclose()
            retry_after = response.headers.get("Retry-After")
            raise status_error(provider, response.status_code, body, secrets, retry_after)
        return response

    return await acall_with_retries(attempt, max_retries, backoff)
