"""The google-genai SDK as `GoogleDriver` and `AsyncGoogleDriver` use it: imported on first use,
one configured client, and its exceptions mapped to `DriverHTTPError` in one place.

The client is pinned to the Gemini Developer API (``vertexai=False``, so environment variables
cannot switch it to Vertex AI), API version ``v1beta``, and ``HttpRetryOptions(attempts=1)``:
the SDK never retries on its own (without retry options it would retry aiohttp connection
errors implicitly); `prompture._transport` owns the retry policy.
"""

from __future__ import annotations

import atexit
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import _transport
from ..exceptions import ConfigurationError, DriverHTTPError, redact

#: The Gemini API version the SDK is pinned to (its own default moved between releases).
API_VERSION = "v1beta"
INSTALL_HINT = "The Google driver needs the google-genai SDK: pip install prompture[google]"
#: A 400 with this ``ErrorInfo`` reason is Google's answer to a bad key; it surfaces as 401.
KEY_INVALID_REASON = "API_KEY_INVALID"
#: Packages the SDK sends with, and their base classes of transport failures (connection
#: refused, timeouts, broken streams).
_TRANSPORT_PACKAGES = ("httpx", "httpx2", "aiohttp")
_TRANSPORT_BASES = ("TransportError", "TimeoutException", "ClientError")
#: Clients kept for sync use; the least recently used goes first.
_MAX_CLIENTS = 16
_clients: dict[tuple[Any, ...], Any] = {}
_clients_lock = threading.Lock()
#: Fields of the SDK's response objects that are not part of the API's answer.
_SDK_ONLY_FIELDS = {"sdk_http_response", "automatic_function_calling_history", "parsed"}


def import_genai() -> tuple[Any, Any]:
    """``(google.genai, google.genai.types)``, or a `ConfigurationError` with the install hint."""
    try:
        from google import genai
        from google.genai import types
    except ImportError:
        raise ConfigurationError(INSTALL_HINT) from None
    return genai, types


def shared_client(api_key: str | None, endpoint: str, timeout: float, *, loop: Any = None) -> Any:
    """The process's ``genai.Client`` for this key, endpoint and timeout (built on first use).

    A client costs ~70 ms to build (it loads the CA bundle twice), so drivers configured
    alike share one, as `_transport.shared_session` shares a session. Async drivers pass
    their event `loop` and get a client of that loop, kept with the loop's other clients
    (`_transport.per_loop`): its pooled connections are closed when the loop ends.
    """
    config = (api_key, endpoint, timeout)
    if loop is not None:
        clients = _transport.per_loop("google-genai", _LoopClients)
        if config not in clients:
            async_http = _transport.bound_sdk_client(http_package().AsyncClient())
            clients[config] = (make_client(api_key, endpoint, timeout, async_http), async_http)
        return clients[config][0]
    with _clients_lock:
        client = _clients.pop(config, None) or make_client(api_key, endpoint, timeout)
        _clients[config] = client  # most recently used last
        while len(_clients) > _MAX_CLIENTS:
            del _clients[next(iter(_clients))]
    return client


class _LoopClients(dict):
    """One event loop's ``genai.Client``s, each with the httpx client it was given; at the
    loop's end both are closed (a client given to the SDK is not the SDK's to close)."""

    is_closed = False

    async def aclose(self) -> None:
        clients = list(self.values())
        self.clear()
        for client, async_http in clients:
            await client.aio.aclose()
            await async_http.aclose()


def _close_sync_clients() -> None:
    """Close the pooled connections at exit instead of leaving them to the collector."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for client in clients:
        try:
            client.close()
        except Exception:  # closing at exit is best effort
            pass


atexit.register(_close_sync_clients)


def sdk_base_url(endpoint: str) -> str | None:
    """The SDK's ``base_url`` for `endpoint`: the host, as the SDK adds ``/v1beta`` itself
    (so the base URL ``https://generativelanguage.googleapis.com/v1beta`` is taken too)."""
    return endpoint.rstrip("/").removesuffix("/" + API_VERSION) or None


def make_client(api_key: str | None, endpoint: str, timeout: float, async_http: Any = None) -> Any:
    """A new ``genai.Client`` for `endpoint` (the API host or the ``/v1beta`` base URL),
    sending async calls through `async_http` when given."""
    genai, types = import_genai()
    http = http_package()
    # httpx clients whose connections honour `_transport.deadline_scope` (the call's total
    # deadline and the response size cap); given both, the SDK uses them, not aiohttp. Only
    # the one the client is for is ever used (and opens connections).
    sync_http = _transport.bound_sdk_client(http.Client())
    async_http = async_http or _transport.bound_sdk_client(http.AsyncClient())
    options: dict[str, Any] = {
        "base_url": sdk_base_url(endpoint),
        "api_version": API_VERSION,
        "timeout": int(timeout * 1000),  # milliseconds
        "httpx_client": sync_http,
        "httpx_async_client": async_http,
    }
    if hasattr(types, "HttpRetryOptions"):  # older SDK releases lack the option
        options["retry_options"] = types.HttpRetryOptions(attempts=1)
    return genai.Client(api_key=api_key, vertexai=False, http_options=types.HttpOptions(**options))


def http_package() -> Any:
    """The httpx flavour the SDK sends with when given no client: ``httpx2`` where the SDK
    knows it (google-genai 3 prefers it when installed), else ``httpx``. Its own clients send a
    call about 8% faster than an ``httpx`` client handed to it."""
    import_genai()  # the install hint when the SDK is missing
    try:
        from google.genai import _api_client

        preferred = getattr(_api_client, "httpx2", None)
    except ImportError:  # a release laid out otherwise: the plain httpx it always took
        preferred = None
    if preferred is not None:
        return preferred
    import httpx

    return httpx


def response_dict(response: Any) -> dict[str, Any]:
    """An SDK response as the JSON-able dict of the API's answer (snake_case keys)."""
    return response.model_dump(mode="json", exclude_none=True, exclude=_SDK_ONLY_FIELDS)


@contextmanager
def mapped_errors(
    provider: str, secrets: tuple[str | None, ...], deadline: _transport.Deadline | None = None
) -> Iterator[None]:
    """Turn the SDK's and the HTTP client's exceptions into `DriverHTTPError` (the deadline's
    own error when `deadline` passed or its size cap was hit, whatever the SDK made of it)."""
    try:
        yield
    except DriverHTTPError:
        raise
    except Exception as exc:
        error = _transport.sdk_limit_error(provider, deadline) or driver_error(
            provider, exc, secrets
        )
        if error is None:
            raise
        raise error from None


def driver_error(
    provider: str, exc: BaseException, secrets: tuple[str | None, ...]
) -> DriverHTTPError | None:
    """The `DriverHTTPError` for `exc`, or None when it is not an API or transport failure."""
    code = getattr(exc, "code", None)
    if isinstance(code, int) and hasattr(exc, "details") and _is_genai(exc, "APIError"):
        body = json.dumps(exc.details) if not isinstance(exc.details, str) else exc.details
        status = 401 if code == 400 and KEY_INVALID_REASON in body else code
        response = getattr(exc, "response", None)
        retry_after = getattr(response, "headers", {}).get("retry-after") if response else None
        return _transport.status_error(provider, status, body, secrets, retry_after)
    if _is_transport_error(exc):
        return _transport.transport_error(provider, exc, secrets)
    if _is_genai(exc, "UnknownApiResponseError"):
        # Its message quotes the raw body; the class name says enough.
        return _transport.malformed_error(provider, type(exc).__name__)
    if isinstance(exc, json.JSONDecodeError) or type(exc).__name__ == "ValidationError":
        detail = redact(f"{type(exc).__name__}: {exc}", *secrets)
        return _transport.malformed_error(provider, detail)
    return None


def _is_genai(exc: BaseException, class_name: str) -> bool:
    """Whether `exc` is (a subclass of) the google-genai exception named `class_name`."""
    return any(
        cls.__name__ == class_name and cls.__module__.startswith("google.genai")
        for cls in type(exc).__mro__
    )


def _is_transport_error(exc: BaseException) -> bool:
    if isinstance(exc, TimeoutError | ConnectionError):
        return True
    return any(
        cls.__name__ in _TRANSPORT_BASES and cls.__module__.split(".")[0] in _TRANSPORT_PACKAGES
        for cls in type(exc).__mro__
    )


class SignatureMemory:
    """Thought signatures Gemini sent with tool calls, by tool-call id, for the next turn.

    Shared by every Google driver in the process (a conversation often outlives the driver
    instance that started it) and bounded: the oldest entries go first.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, signatures: dict[str, bytes]) -> None:
        with self._lock:
            self._items.update(signatures)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def snapshot(self, ids: set[str]) -> dict[str, bytes]:
        """The known signatures of `ids`."""
        with self._lock:
            return {i: self._items[i] for i in ids if i in self._items}


#: The process-wide memory the Google drivers use.
signatures = SignatureMemory()
