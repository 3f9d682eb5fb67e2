"""HTTP plumbing shared by every driver: pooled clients, deadlines, caps, errors, retries.

Sync drivers share this thread's pooled connections of `_http` (a small HTTP/1.1 client: it
imports in no time where requests costs 45-75 ms on a process's first call) and async drivers
one `httpx.AsyncClient` per event loop, so connections are reused across calls and across
driver instances (a new client per call is what makes many LLM libraries several times slower
than the raw client).
A per-loop client is closed when its loop shuts down (`per_loop`), so `asyncio.run()` leaves
no descriptor behind.

What no server can do to a call made through `post`/`apost`:

- hold it past its total deadline (`timeout` covers connecting, every read, and the retries
  with their waits): each blocking step of a sync call waits at most what the deadline
  leaves (`_http`), async reads run under ``timeout_at`` (asyncio's, through ``_compat``);
- make it buffer more than `MAX_RESPONSE_BYTES` (an answer or a whole stream) or an endless
  line (`_sse.SSEDecoder` and `iter_lines` cap lines at `MAX_LINE_BYTES`);
- hide a failure: transport exceptions and error statuses become `DriverHTTPError` here, in
  one place, without the original exception (an HTTP-client error may echo the key) in the
  chain.

Retries (408, 409, 429, 5xx, connection errors) wait `backoff * 2**n` seconds or what a sane
``Retry-After`` asks (seconds or an HTTP date, at most `MAX_RETRY_AFTER`), never past the
deadline, and each is logged at INFO with its wait.

`Body` is a read answer (``.content``, ``.text``, ``.json()``); `SyncStream`/`AsyncStream` give
a streamed body as bytes, SSE events or lines, within the same deadline and caps. A new wire
uses these as they are: ``post(..., stream=True)`` then ``stream.iter_events()``.
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ._compat import timeout_at
from ._log import LazyLogger
from ._sse import DEFAULT_MAX_LINE, ServerSentEvent, SSEDecoder, SSEError
from .exceptions import ConfigurationError, DriverHTTPError, redact

if TYPE_CHECKING:  # asyncio costs ~30 ms to import; sync-only users never need it
    pass

T = TypeVar("T")

logger = LazyLogger("prompture.transport")  # imports logging when it first logs

RETRYABLE_STATUS = frozenset({408, 409, 429})
#: The longest ``Retry-After`` honoured (seconds); a longer one is cut to this.
MAX_RETRY_AFTER = 30.0
#: The largest answer (or whole stream) read, in bytes, after decompression.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: The longest line of a stream (SSE or NDJSON), in bytes.
MAX_LINE_BYTES = DEFAULT_MAX_LINE

_local = threading.local()


# --- deadlines


class Deadline:
    """The moment a call must be over by (`time.monotonic` seconds), and the bytes it read
    through SDK clients (`received`; `overflow` once past `MAX_RESPONSE_BYTES`)."""

    __slots__ = ("at", "overflow", "received", "seconds")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.received = 0
        self.overflow = False

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    def expired(self) -> bool:
        return time.monotonic() >= self.at


def deadline_error(provider: str, deadline: Deadline) -> DriverHTTPError:
    """The error of a call that ran out of time (retryable: a later call may be quicker)."""
    return DriverHTTPError(
        f"{provider} API request timed out: no complete answer within {deadline.seconds:g} s",
        provider=provider,
        retryable=True,
    )


# --- deadlines inside SDK calls (their HTTP clients read `_local.deadline`)


#: The deadline of the SDK call running in this thread or task (see `deadline_scope`).
_current_deadline: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "prompture_deadline", default=None
)


class deadline_scope:  # noqa: N801 - used like a function: ``with deadline_scope(d): ...``
    """Within the block, every network operation of an SDK client built on a pooled HTTP
    client (`bound_sdk_client`) waits no longer than `deadline` leaves, and the bytes it
    reads count against `MAX_RESPONSE_BYTES` (this thread, or this task)."""

    __slots__ = ("deadline", "token")

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline

    def __enter__(self) -> Deadline:
        self.token = _current_deadline.set(self.deadline)
        return self.deadline

    def __exit__(self, *exc_info: object) -> None:
        _current_deadline.reset(self.token)


def _bounded(timeout: float | None) -> float | None:
    """`timeout` cut to what the current deadline leaves (a hair above 0 once it passed, so
    the operation times out at once)."""
    deadline = _current_deadline.get()
    if deadline is None:
        return timeout
    left = max(deadline.remaining(), 0.001)
    return left if timeout is None else min(timeout, left)


def _count_read(data: bytes) -> bytes:
    """`data`, counted against the current deadline's byte budget."""
    deadline = _current_deadline.get()
    if deadline is not None:
        deadline.received += len(data)
        if deadline.received > MAX_RESPONSE_BYTES:
            deadline.overflow = True  # the SDK wraps this error; the driver reports it
            raise OSError("the answer is over the size cap")
    return data


class _DeadlineStream:
    """An httpcore network stream whose reads and writes respect the current deadline."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _count_read(self.inner.read(max_bytes, _bounded(timeout)))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None) -> Any:
        inner = self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _AsyncDeadlineStream:
    """Async twin of `_DeadlineStream` (time is bounded by ``timeout_at`` (asyncio's, 3.11); this
    counts the bytes)."""

    __slots__ = ("inner",)

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return _count_read(await self.inner.read(max_bytes, timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None
    ) -> Any:
        return _AsyncDeadlineStream(
            await self.inner.start_tls(ssl_context, server_hostname, timeout)
        )

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class _DeadlineBackend:
    """An httpcore network backend handing out deadline-bound streams (sync or async)."""

    def __init__(self, inner: Any, is_async: bool) -> None:
        self.inner = inner
        self.is_async = is_async

    def connect_tcp(self, host: str, port: int, timeout: Any = None, *args: Any, **kw: Any):
        if self.is_async:
            return self._aconnect("connect_tcp", host, port, timeout, *args, **kw)
        return _DeadlineStream(self.inner.connect_tcp(host, port, _bounded(timeout), *args, **kw))

    def connect_unix_socket(self, path: str, timeout: Any = None, *args: Any, **kw: Any):
        if self.is_async:
            return self._aconnect("connect_unix_socket", path, timeout, *args, **kw)
        return _DeadlineStream(self.inner.connect_unix_socket(path, _bounded(timeout), *args, **kw))

    async def _aconnect(self, method: str, *args: Any, **kw: Any) -> Any:
        return _AsyncDeadlineStream(await getattr(self.inner, method)(*args, **kw))

    def sleep(self, seconds: float) -> Any:
        return self.inner.sleep(seconds)


def bound_sdk_client(http_client: Any) -> Any:
    """`http_client` (an ``httpx``/``httpx2`` client, sync or async) with its connections made
    to honour `deadline_scope`; returned as is when its insides are not the ones expected."""
    pool = getattr(getattr(http_client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is not None and not isinstance(backend, _DeadlineBackend):
        is_async = hasattr(http_client, "aclose")
        pool._network_backend = _DeadlineBackend(backend, is_async)
    return http_client


def iter_within(iterator: Any, deadline: Deadline) -> Iterator[Any]:
    """The items of a sync SDK stream, each read within `deadline`."""
    iterator = iter(iterator)
    while True:
        with deadline_scope(deadline):
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item


async def within(awaitable: Awaitable[T], deadline: Deadline) -> T:
    """`awaitable`'s result, or TimeoutError once `deadline` passes."""

    with deadline_scope(deadline):
        async with timeout_at(_loop_time(deadline)):
            return await awaitable


async def aiter_within(iterator: Any, deadline: Deadline) -> AsyncIterator[Any]:
    """The items of an async SDK stream, each read within `deadline` (TimeoutError after)."""

    iterator = iterator.__aiter__()
    while True:
        try:
            with deadline_scope(deadline):
                async with timeout_at(_loop_time(deadline)):
                    item = await iterator.__anext__()
        except StopAsyncIteration:
            return
        yield item


# --- pooled clients


def shared_session() -> Any:
    """This thread's pooled `requests.Session`, for the odd GET (model lists) and the SDKs that
    want one (google-auth's token refresh); calls go through `post` (requests is imported on
    first use)."""
    session = getattr(_local, "session", None)
    if session is None:
        import requests

        session = _local.session = requests.Session()
    return session


_loop_resources: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


async def _close_at_loop_end(resources: dict[str, Any]) -> AsyncIterator[None]:
    """Parked at its `yield` for the loop's life: the loop's ``shutdown_asyncgens`` (which
    ``asyncio.run`` calls) closes it, and the clients with it."""
    try:
        yield
    finally:
        clients = [c for k, c in resources.items() if not k.startswith("_")]
        resources.clear()
        for client in clients:
            try:
                await client.aclose()
            except Exception:  # closing is best effort; a broken client is gone anyway
                pass


def per_loop(key: str, factory: Callable[[], Any]) -> Any:
    """The running event loop's client under `key`, built by `factory` on first use.

    The client must have ``aclose()`` and ``is_closed``; it is closed when the loop shuts down
    (``asyncio.run`` does that), so no connection outlives its loop. SDK drivers keep their
    pooled HTTP clients here too.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    resources = _loop_resources.get(loop)
    if resources is None:
        resources = _loop_resources[loop] = {}
        closer = _close_at_loop_end(resources)
        step = closer.__anext__()  # registers it with the loop's async-generator hooks
        try:
            step.send(None)  # runs it to its `yield` (no await before it)
        except StopIteration:
            pass
        resources["_closer"] = closer
    client = resources.get(key)
    if client is None or client.is_closed:
        client = resources[key] = factory()
    return client


def shared_async_client() -> Any:
    """The running event loop's pooled `httpx.AsyncClient` (httpx is imported on first use)."""

    def build() -> Any:
        import httpx

        # httpx keeps only 20 idle connections by default: past 20 requests in flight, every
        # call would open (and then drop) a connection of its own.
        limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
        return httpx.AsyncClient(timeout=None, limits=limits)

    return per_loop("httpx", build)


# --- endpoints


def check_endpoint(provider: str, url: str, secrets: tuple[str | None, ...] = ()) -> str:
    """`url` when it is a usable http(s) base URL, else a `ConfigurationError` saying why."""
    from urllib.parse import urlsplit

    problem = None
    if not url:
        problem = "it is empty"
    elif any(ch.isspace() or ord(ch) < 32 for ch in url):
        problem = "it contains spaces or control characters"
    else:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError:
            problem = "it is not a valid URL"
        else:
            if parts.scheme not in ("http", "https"):
                problem = "it must start with http:// or https://"
            elif not parts.hostname:
                problem = "it names no host"
    if problem:
        message = (
            f"The {provider} endpoint {url!r} is not usable: {problem}. Set "
            f"{provider.upper()}_ENDPOINT (or pass endpoint=...) to the API's base URL."
        )
        raise ConfigurationError(redact(message, *secrets))
    return url


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


def truncated_error(provider: str) -> DriverHTTPError:
    """The error for a stream that ended before its terminator: a cut answer is no answer.

    Not retryable: deltas may already have reached the caller.
    """
    return DriverHTTPError(
        f"{provider} API stream ended before the answer was complete",
        provider=provider,
        status_code=200,
        retryable=False,
    )


def stream_error(provider: str, message: str, secrets: tuple[str | None, ...]) -> DriverHTTPError:
    """The error for an error event inside a stream accepted with 200 (any wire, any driver).

    Not retryable: deltas may already have reached the caller.
    """
    text = f"{provider} API reported an error: {message}"
    return DriverHTTPError(redact(text, *secrets), provider=provider, status_code=200)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks to wait (delta-seconds or an HTTP date), or None
    for a missing or senseless value (``nan``, ``-3``, ``soon``...)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
        return max(seconds, 0.0)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def retry_delay(attempt: int, backoff: float, retry_after: str | None) -> float:
    """Seconds to wait before retry number `attempt` (0-based): Retry-After wins when sane."""
    asked = parse_retry_after(retry_after)
    if asked is not None:
        return min(asked, MAX_RETRY_AFTER)
    return backoff * (2**attempt)


def _next_wait(
    exc: DriverHTTPError, n: int, max_retries: int, backoff: float, deadline: Deadline | None
) -> float | None:
    """The wait before the next attempt, or None when `exc` is final."""
    if not exc.retryable or n >= max_retries:
        return None
    wait = retry_delay(n, backoff, getattr(exc, "retry_after", None))
    if deadline is not None and wait >= deadline.remaining():
        return None  # no time left to wait and try again
    logger.info(
        "%s: retry %d of %d in %.2f s after: %s", exc.provider, n + 1, max_retries, wait, exc
    )
    return wait


def call_with_retries(
    attempt: Callable[[], T], max_retries: int, backoff: float, deadline: Deadline | None = None
) -> T:
    """Run `attempt`, retrying retryable `DriverHTTPError`s with exponential backoff.

    `attempt` always runs at least once (a negative `max_retries` counts as 0; drivers refuse
    one at construction); no retry starts when its wait would end past `deadline`. The error
    raised in the end holds no hidden original exception.
    """
    n = 0
    while True:
        try:
            return attempt()
        except DriverHTTPError as exc:
            wait = _next_wait(exc, n, max_retries, backoff, deadline)
            if wait is None:
                _drop_hidden_context(exc)
                raise
            time.sleep(wait)
        n += 1


async def acall_with_retries(
    attempt: Callable[[], Awaitable[T]],
    max_retries: int,
    backoff: float,
    deadline: Deadline | None = None,
) -> T:
    """Async twin of `call_with_retries`."""
    import asyncio

    n = 0
    while True:
        try:
            return await attempt()
        except DriverHTTPError as exc:
            wait = _next_wait(exc, n, max_retries, backoff, deadline)
            if wait is None:
                _drop_hidden_context(exc)
                raise
            await asyncio.sleep(wait)
        n += 1


def _drop_hidden_context(error: BaseException) -> None:
    """Forget the exceptions a mapping hid with ``raise ... from None``.

    ``from None`` only hides the original from tracebacks: it stays in ``__context__``, and an
    SDK or HTTP-client error may echo the request, API key included.
    """
    if error.__suppress_context__:
        error.__context__ = None


def sdk_limit_error(provider: str, deadline: Deadline | None) -> DriverHTTPError | None:
    """The error an SDK call failed with because of `deadline` (out of time or over the size
    cap), whatever the SDK made of it; None when the deadline is not the cause."""
    if deadline is None:
        return None
    if deadline.overflow:
        return too_large_error(provider, "an answer", MAX_RESPONSE_BYTES)
    if deadline.expired():
        return deadline_error(provider, deadline)
    return None


def too_large_error(provider: str, what: str, limit: int) -> DriverHTTPError:
    return DriverHTTPError(
        f"{provider} API returned {what} over the {limit} byte limit",
        provider=provider,
        status_code=200,
        retryable=False,
    )


# --- answers


class Body:
    """A fully read answer: status, headers and the body bytes."""

    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: Any, content: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body decoded as JSON (ValueError when it is not JSON or not UTF-8)."""
        import json

        return json.loads(self.content)


def _lines(chunks: Iterator[bytes], limit: int) -> Iterator[bytes]:
    """Newline-delimited lines of a byte stream (NDJSON), each at most `limit` bytes."""
    pending = b""
    for chunk in chunks:
        if b"\n" not in chunk:
            pending += chunk
            if len(pending) > limit:
                raise SSEError(f"a stream line is longer than {limit} bytes")
            continue
        *lines, rest = (pending + chunk).split(b"\n")
        pending = rest
        for line in lines:
            yield line.rstrip(b"\r")
        if len(pending) > limit:
            raise SSEError(f"a stream line is longer than {limit} bytes")
    if pending.strip():
        yield pending


class _StreamBase:
    """What both stream flavours share: the provider, caps and the error for a broken read."""

    def __init__(
        self, provider: str, response: Any, deadline: Deadline, secrets: tuple[str | None, ...]
    ) -> None:
        self.provider = provider
        self.response = response
        self.deadline = deadline
        self.secrets = secrets
        self.received = 0

    @property
    def headers(self) -> Any:
        return self.response.headers

    def _count(self, chunk: bytes) -> bytes:
        self.received += len(chunk)
        if self.received > MAX_RESPONSE_BYTES:
            raise too_large_error(self.provider, "a stream", MAX_RESPONSE_BYTES)
        return chunk

    def _line_error(self, exc: SSEError) -> DriverHTTPError:
        return malformed_error(self.provider, str(exc))


class SyncStream(_StreamBase):
    """A streamed answer being read; use it as a context manager (or call `close`).

    Reads end with a `DriverHTTPError` at the call's deadline, past `MAX_RESPONSE_BYTES`, on a
    line over `MAX_LINE_BYTES`, or when the connection breaks.
    """

    def iter_bytes(self) -> Iterator[bytes]:
        while True:
            failure = None
            try:
                chunk = self.response.read1(self.deadline)
            except TimeoutError:
                failure = deadline_error(self.provider, self.deadline)
            except (OSError, _http_errors()) as exc:
                failure = transport_error(self.provider, exc, self.secrets)
            if failure is not None:  # raised here: no hidden context to carry
                self.response.close()
                raise failure
            if not chunk:
                return
            yield self._count(chunk)

    def iter_content(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """`iter_bytes` under the name `requests` gives it (the size is the reader's)."""
        return self.iter_bytes()

    def iter_events(self) -> Iterator[ServerSentEvent]:
        """The body as server-sent events (see `_sse`)."""
        decoder = SSEDecoder(MAX_LINE_BYTES)
        try:
            for chunk in self.iter_bytes():
                yield from decoder.feed(chunk)
            decoder.close()
        except SSEError as exc:
            raise self._line_error(exc) from None

    def iter_lines(self) -> Iterator[bytes]:
        """The body as newline-delimited lines (NDJSON), ``\r`` stripped."""
        try:
            yield from _lines(self.iter_bytes(), MAX_LINE_BYTES)
        except SSEError as exc:
            raise self._line_error(exc) from None

    def close(self) -> None:
        """Give the connection back to the pool when the rest of the body is short (a reader
        that stopped at its terminator leaves only the closing bytes), else close it."""
        self.response.release(self.deadline, drain=64 * 1024)

    def __enter__(self) -> SyncStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncStream(_StreamBase):
    """Async twin of `SyncStream`; use ``async with`` (or call `aclose`)."""

    async def aiter_bytes(self) -> AsyncIterator[bytes]:

        import httpx

        chunks = self.response.aiter_bytes().__aiter__()
        when = _loop_time(self.deadline)
        while True:
            try:
                async with timeout_at(when):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise deadline_error(self.provider, self.deadline) from None
            except httpx.HTTPError as exc:
                raise transport_error(self.provider, exc, self.secrets) from None
            yield self._count(chunk)

    async def aiter_events(self) -> AsyncIterator[ServerSentEvent]:
        decoder = SSEDecoder(MAX_LINE_BYTES)
        try:
            async for chunk in self.aiter_bytes():
                for event in decoder.feed(chunk):
                    yield event
            decoder.close()
        except SSEError as exc:
            raise self._line_error(exc) from None

    async def aiter_lines(self) -> AsyncIterator[bytes]:
        """The body as newline-delimited lines (NDJSON), ``\\r`` stripped."""
        try:
            async for chunk in self.aiter_bytes():
                for line in _lines_step(self, chunk):
                    yield line
            rest = _lines_rest(self)
            if rest:
                yield rest
        except SSEError as exc:
            raise self._line_error(exc) from None

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def _lines_step(stream: Any, chunk: bytes) -> list[bytes]:
    """`_lines` for push-style readers: the lines `chunk` completes (state on `stream`)."""
    pending = getattr(stream, "_line_rest", b"") + chunk
    if b"\n" not in chunk:
        stream._line_rest = pending
        if len(pending) > MAX_LINE_BYTES:
            raise SSEError(f"a stream line is longer than {MAX_LINE_BYTES} bytes")
        return []
    *lines, stream._line_rest = pending.split(b"\n")
    if len(stream._line_rest) > MAX_LINE_BYTES:
        raise SSEError(f"a stream line is longer than {MAX_LINE_BYTES} bytes")
    return [line.rstrip(b"\r") for line in lines]


def _lines_rest(stream: Any) -> bytes:
    rest = getattr(stream, "_line_rest", b"")
    stream._line_rest = b""
    return rest if rest.strip() else b""


def _loop_time(deadline: Deadline) -> float:
    """`deadline` on the running loop's clock (for ``timeout_at``)."""
    import asyncio

    return asyncio.get_running_loop().time() + deadline.remaining()


# --- requests


def _content_length_over(headers: Any) -> bool:
    try:
        return int(headers.get("Content-Length") or 0) > MAX_RESPONSE_BYTES
    except ValueError:
        return False


def _http_errors() -> type[Exception]:
    from ._http import ProtocolError

    return ProtocolError


def _read_all(provider: str, response: Any, deadline: Deadline, secrets) -> bytes:
    """The whole body of a sync answer, within the cap and the deadline; the connection goes
    back to the pool when the body ended cleanly."""
    if _content_length_over(response.headers):
        response.close()
        raise too_large_error(provider, "an answer", MAX_RESPONSE_BYTES)
    stream = SyncStream(provider, response, deadline, secrets)
    parts: list[bytes] = []
    try:
        for chunk in stream.iter_bytes():
            parts.append(chunk)
    except DriverHTTPError:
        response.close()
        raise
    response.release(deadline)
    return b"".join(parts)


def _json_body(provider: str, payload: Any, headers: dict[str, str]) -> bytes:
    """`payload` as the bytes to send (JSON unless already bytes), with its Content-Type."""
    if isinstance(payload, bytes):
        return payload
    import json

    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    try:
        return json.dumps(payload, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        message = f"{provider} request body cannot be sent as JSON: {exc}"
    raise DriverHTTPError(message, provider=provider, retryable=False)


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
    """POST `payload` as JSON (bytes as they are) on this thread's pooled connections.

    Returns a `Body`, or with `stream` a `SyncStream` (the caller reads and closes it).
    `timeout` is the call's total deadline, retries included. Error statuses, transport
    failures, the deadline and the size cap become `DriverHTTPError`, retried per the shared
    policy where that may help. (The client is `_http`, not requests: see why there.)
    """
    from . import _http

    deadline = Deadline(timeout)
    headers = dict(headers)
    body = _json_body(provider, payload, headers)

    def attempt() -> Any:
        if deadline.expired():
            raise deadline_error(provider, deadline)
        failure = None
        try:
            response = _http.request("POST", url, body, headers, deadline)
        except TimeoutError:
            failure = deadline_error(provider, deadline)
        except (OSError, _http.ProtocolError) as exc:
            failure = transport_error(provider, exc, secrets)
        if failure is not None:  # raised here: no hidden context to carry
            raise failure
        if response.status >= 400:
            content = _read_all(provider, response, deadline, secrets)
            retry_after = response.headers.get("Retry-After")
            text = content.decode("utf-8", "replace")
            raise status_error(provider, response.status, text, secrets, retry_after)
        if stream:
            return SyncStream(provider, response, deadline, secrets)
        content = _read_all(provider, response, deadline, secrets)
        return Body(response.status, response.headers, content)

    return call_with_retries(attempt, max_retries, backoff, deadline)


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
    """Async twin of `post` on the event loop's pooled `httpx.AsyncClient`: a `Body`, or with
    `stream` an `AsyncStream` the caller reads and must `aclose()`."""

    import httpx

    client = shared_async_client()
    deadline = Deadline(timeout)
    send = {"content": payload} if isinstance(payload, bytes) else {"json": payload}
    # The attempts run inline rather than through `acall_with_retries` (same policy: see
    # `_next_wait`): every coroutine layer is crossed again at each of a call's suspensions.
    n = 0
    while True:
        try:
            if deadline.expired():
                raise deadline_error(provider, deadline)
            try:
                async with timeout_at(_loop_time(deadline)):
                    request = client.build_request("POST", url, **send, headers=headers)
                    response = await client.send(request, stream=True)
                    if response.status_code < 400 and stream:
                        return AsyncStream(provider, response, deadline, secrets)
                    body = await _aread_all(provider, response)
            except TimeoutError:
                raise deadline_error(provider, deadline) from None
            except httpx.HTTPError as exc:
                raise transport_error(provider, exc, secrets) from None
            if response.status_code >= 400:
                retry_after = response.headers.get("Retry-After")
                text = body.decode("utf-8", "replace")
                raise status_error(provider, response.status_code, text, secrets, retry_after)
            return Body(response.status_code, response.headers, body)
        except DriverHTTPError as exc:
            wait = _next_wait(exc, n, max_retries, backoff, deadline)
            if wait is None:
                _drop_hidden_context(exc)
                raise
            import asyncio

            await asyncio.sleep(wait)
        n += 1


async def _aread_all(provider: str, response: Any) -> bytes:
    """The whole body of an httpx response (closed afterwards), within the size cap."""
    try:
        if _content_length_over(response.headers):
            raise too_large_error(provider, "an answer", MAX_RESPONSE_BYTES)
        parts, size = [], 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise too_large_error(provider, "an answer", MAX_RESPONSE_BYTES)
            parts.append(chunk)
        return b"".join(parts)
    finally:
        await response.aclose()
