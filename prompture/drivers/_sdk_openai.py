"""OpenAI-wire drivers that send through an official SDK (``openai``, ``groq``).

Requests are built and answers read by the shared `OpenAICompatibleProtocol`, so an SDK driver
sends exactly the payload the plain-HTTP drivers send; only the I/O differs: the payload goes
through ``client.chat.completions.create(**payload)``. A whole answer is read raw
(``with_raw_response``) by the same parser as the plain-HTTP drivers' (the SDK's typed
completion would be built only to be dumped back into that dict: a tenth of a local call);
streamed chunks are read back as dicts (``model_dump``) by the same stream accumulator.

The SDK's own retries are off (``max_retries=0``): the shared policy of `_transport` retries,
and SDK exceptions become `DriverHTTPError` in `_map_error` (never showing the key). The SDK is
imported on first use, and its client is built once per driver (async: once per driver and
event loop), never per call. Every SDK client runs on a pooled HTTP client built with the
SDK's own defaults (``DefaultHttpxClient``), one per SDK and thread (async: per SDK and event
loop): an SDK client with a pool of its own costs ~50 ms to build (TLS setup) plus a new
connection, and the registry builds a driver per call.
"""

from __future__ import annotations

import importlib
import sys
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import Any, ClassVar

from .. import _transport
from ..async_driver import AsyncDriver
from ..driver import Driver
from ..exceptions import ConfigurationError, DriverHTTPError
from . import _openai_wire as wire
from .openai_compatible import OpenAICompatibleProtocol

__all__ = ["AsyncOpenAISDKDriver", "OpenAISDKDriver", "OpenAISDKProtocol"]

_local = threading.local()


def pooled_http_client(sdk: ModuleType) -> Any:
    """This thread's HTTP client for `sdk` (its ``DefaultHttpxClient``), shared by drivers;
    its connections honour `_transport.deadline_scope`."""
    if not hasattr(_local, "pools"):
        _local.pools = {}
    client = _local.pools.get(sdk.__name__)
    if client is None or client.is_closed:
        factory = getattr(sdk, "DefaultHttpxClient", None)
        if factory is None:  # an SDK too old to export it: its clients keep their own pools
            return None
        client = _local.pools[sdk.__name__] = _transport.bound_sdk_client(factory())
    return client


def pooled_async_http_client(sdk: ModuleType) -> Any:
    """The running event loop's async HTTP client for `sdk`, shared by drivers and closed
    when the loop shuts down."""
    factory = getattr(sdk, "DefaultAsyncHttpxClient", None)
    if factory is None:
        return None
    return _transport.per_loop(
        f"sdk:{sdk.__name__}", lambda: _transport.bound_sdk_client(factory())
    )


def _http_errors() -> tuple[type[BaseException], ...]:
    """Transport errors of the httpx flavours loaded (openai 3 uses httpx2, groq httpx)."""
    modules = (sys.modules.get(name) for name in ("httpx", "httpx2"))
    return tuple(module.HTTPError for module in modules if module is not None)


_PARAMETERS: dict[tuple[str, str], frozenset[str]] = {}


def _create_parameters(sdk: ModuleType, client_name: str) -> frozenset[str]:
    """Body fields ``chat.completions.create()`` of this SDK has a parameter for (read once)."""
    key = (sdk.__name__, client_name)
    if key not in _PARAMETERS:
        import inspect

        # The sync resource names the same parameters as the async one.
        resource = sdk.resources.chat.completions.Completions
        names = set(inspect.signature(resource.create).parameters)
        _PARAMETERS[key] = frozenset(names - {"self", "extra_body", "extra_headers", "timeout"})
    return _PARAMETERS[key]


def _as_dict(obj: Any) -> Any:
    """An SDK model as the JSON-shaped dict it was parsed from (extra fields kept)."""
    if hasattr(obj, "model_dump"):
        # warnings off: a malformed answer is reported by our parser, not as a pydantic warning
        return obj.model_dump(by_alias=True, exclude_unset=True, warnings=False)
    return obj


class OpenAISDKProtocol(OpenAICompatibleProtocol):
    """What the sync and async SDK drivers share: the client's settings and the error mapping."""

    #: Module of the official SDK.
    sdk_module: ClassVar[str] = "openai"
    #: The ``pip install prompture[...]`` extra that brings the SDK.
    sdk_extra: ClassVar[str] = "openai"
    #: Names of the SDK's sync and async client classes.
    sdk_client: ClassVar[str] = "OpenAI"
    sdk_async_client: ClassVar[str] = "AsyncOpenAI"
    #: Payload keys the SDK's ``create()`` has no parameter for; they go in ``extra_body``.
    sdk_extra_body_keys: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _sdk(cls) -> ModuleType:
        """The SDK module, or a `ConfigurationError` telling how to install it."""
        try:
            return importlib.import_module(cls.sdk_module)
        except ImportError:
            name = cls.display_name or cls.provider
            raise ConfigurationError(
                f"The {name} driver needs the {cls.sdk_module!r} package: "
                f"pip install prompture[{cls.sdk_extra}]"
            ) from None

    @classmethod
    def _sdk_base_url(cls, endpoint: str) -> str:
        """The SDK's ``base_url`` for our endpoint (the base URL); a hook for SDKs that add a
        path of their own."""
        return endpoint.rstrip("/")

    def _new_client(self, client_name: str, pool: Callable[[ModuleType], Any]) -> Any:
        """An SDK client on the HTTP client `pool` gives (the key is checked first)."""
        key = self._require_key()
        endpoint = self._checked_endpoint()
        sdk = self._sdk()
        return getattr(sdk, client_name)(
            api_key=key,
            base_url=self._sdk_base_url(endpoint),
            timeout=self.timeout,
            max_retries=0,  # `_transport` retries, with the same policy as every driver
            default_headers=dict(self.extra_headers) or None,
            http_client=pool(sdk),
        )

    def _create_kwargs(self, payload: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
        """Keyword arguments of ``create()``: the payload, its extras and the timeout.

        Payload fields ``create()`` has no parameter for (`sdk_extra_body_keys`, and whatever
        ``options["extra_body"]`` added) go in ``extra_body``, which the SDK merges in as sent.
        """
        known = _create_parameters(self._sdk(), self.sdk_client)
        kept = known - set(self.sdk_extra_body_keys)
        kwargs = {k: v for k, v in payload.items() if k in kept}
        extra = {k: v for k, v in payload.items() if k not in kept}
        if extra:
            kwargs["extra_body"] = extra
        kwargs["timeout"] = self._timeout(options)
        return kwargs

    def _sdk_errors(self) -> tuple[type[BaseException], ...]:
        """What an SDK call may raise that `_map_error` turns into `DriverHTTPError`."""
        # OSError: what a deadline-bound connection raises past the size cap.
        return (self._sdk().APIError, wire.StreamError, ValueError, OSError, *_http_errors())

    def _map_error(
        self, exc: BaseException, deadline: _transport.Deadline | None = None
    ) -> DriverHTTPError:
        """The one `DriverHTTPError` for an SDK or transport exception (no key in it)."""
        if isinstance(exc, DriverHTTPError):
            return exc
        limit = _transport.sdk_limit_error(self.provider, deadline)
        if limit is not None:
            return limit
        if deadline is not None and isinstance(exc, TimeoutError):
            return _transport.deadline_error(self.provider, deadline)
        sdk, secrets = self._sdk(), self._secrets()
        if isinstance(exc, sdk.APIStatusError):
            response = exc.response
            retry_after = response.headers.get("Retry-After")
            return _transport.status_error(
                self.provider, exc.status_code, response.text, secrets, retry_after
            )
        if isinstance(exc, sdk.APIResponseValidationError | ValueError):  # a body not JSON
            return _transport.malformed_error(self.provider, type(exc).__name__)
        if isinstance(exc, wire.StreamError) or (
            isinstance(exc, sdk.APIError) and not isinstance(exc, sdk.APIConnectionError)
        ):  # an error event inside a stream that was accepted with 200
            return _transport.stream_error(self.provider, str(exc), secrets)
        return _transport.transport_error(self.provider, exc, secrets)  # connection, timeout

    def _chunk_dict(self, chunk: Any) -> dict[str, Any]:
        """One streamed SDK chunk as the accumulator reads it (a hook for provider quirks)."""
        return _as_dict(chunk)

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from ``client.models.list()``, or None when they cannot be had."""
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        try:
            client_class = getattr(cls._sdk(), cls.sdk_client)
            client = client_class(
                api_key=config.get("api_key") or cls._key_from_env(),
                base_url=cls._sdk_base_url(endpoint),
                timeout=config.get("timeout", 5.0),
                max_retries=0,
                http_client=pooled_http_client(cls._sdk()),
            )
            return sorted(model.id for model in client.models.list().data)
        except Exception:  # no SDK, no key or no answer all mean "no live list"
            return None


class OpenAISDKDriver(OpenAISDKProtocol, Driver):
    """Synchronous OpenAI-wire driver over the SDK's sync client."""

    supports_messages = True
    _client: Any = None

    def _sdk_client(self) -> Any:
        if self._client is None:
            self._client = self._new_client(self.sdk_client, pooled_http_client)
        return self._client

    def _create(self, payload: dict[str, Any], deadline: _transport.Deadline, options) -> Any:
        """``create(**payload)`` with the shared retries, within `deadline`; a completion or a
        stream."""
        client, errors = self._sdk_client(), self._sdk_errors()
        kwargs = self._create_kwargs(payload, options)

        def attempt() -> Any:
            try:
                with _transport.deadline_scope(deadline):
                    if kwargs.get("stream"):
                        return client.chat.completions.create(**kwargs)
                    raw = client.chat.completions.with_raw_response.create(**kwargs)
                    return raw.http_response.content  # read whole: the SDK streamed nothing
            except errors as exc:
                raise self._map_error(exc, deadline) from None

        return _transport.call_with_retries(attempt, self.max_retries, self.retry_backoff, deadline)

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._build_payload(messages, options, tools=tools)
        self._sdk_client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        body = self._create(payload, deadline, options)
        return self._parse_completion(body, payload["model"])

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        self._sdk_client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        stream = self._create(payload, deadline, options)
        try:
            for chunk in _transport.iter_within(stream, deadline):
                delta = self._feed_chunk(state, self._chunk_dict(chunk))
                if delta:
                    yield {"type": "delta", "text": delta}
        except self._sdk_errors() as exc:
            raise self._map_error(exc, deadline) from None
        finally:
            stream.close()  # also when the caller stops early
        yield self._stream_done(state, payload["model"])


class AsyncOpenAISDKDriver(OpenAISDKProtocol, AsyncDriver):
    """Asynchronous OpenAI-wire driver over the SDK's async client (one per event loop)."""

    supports_messages = True
    _clients: weakref.WeakKeyDictionary | None = None

    def _sdk_client(self) -> Any:
        import asyncio

        if self._clients is None:
            self._clients = weakref.WeakKeyDictionary()
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._new_client(self.sdk_async_client, pooled_async_http_client)
            self._clients[loop] = client
        return client

    async def _create(self, payload: dict[str, Any], deadline: _transport.Deadline, options) -> Any:
        client, errors = self._sdk_client(), self._sdk_errors()
        kwargs = self._create_kwargs(payload, options)

        async def attempt() -> Any:
            try:
                if kwargs.get("stream"):
                    call = client.chat.completions.create(**kwargs)
                    return await _transport.within(call, deadline)
                call = client.chat.completions.with_raw_response.create(**kwargs)
                raw = await _transport.within(call, deadline)
                return raw.http_response.content  # read whole: the SDK streamed nothing
            except (*errors, TimeoutError) as exc:
                raise self._map_error(exc, deadline) from None

        return await _transport.acall_with_retries(
            attempt, self.max_retries, self.retry_backoff, deadline
        )

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._build_payload(messages, options, tools=tools)
        self._sdk_client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        body = await self._create(payload, deadline, options)
        return self._parse_completion(body, payload["model"])

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        options = options or {}
        payload = self._build_payload(messages, options, stream=True)
        state = wire.StreamAccumulator()
        self._sdk_client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        stream = await self._create(payload, deadline, options)
        try:
            async for chunk in _transport.aiter_within(stream, deadline):
                delta = self._feed_chunk(state, self._chunk_dict(chunk))
                if delta:
                    yield {"type": "delta", "text": delta}
        except (*self._sdk_errors(), TimeoutError) as exc:
            raise self._map_error(exc, deadline) from None
        finally:
            await stream.close()
        yield self._stream_done(state, payload["model"])
