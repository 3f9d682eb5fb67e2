"""The shared Anthropic Messages driver: one protocol, a sync and an async SDK transport.

`AnthropicMessagesProtocol` turns calls into request payloads and answers into Prompture results
(the rules live in `_anthropic_wire`), imports the `anthropic` SDK lazily and maps its
exceptions to `DriverHTTPError`. `AnthropicMessagesDriver` sends through `anthropic.Anthropic`,
`AsyncAnthropicMessagesDriver` through `anthropic.AsyncAnthropic`; each builds its SDK client
once (the async one once per event loop) with the SDK's own retries off, so the shared retry
policy of `_transport` applies. Every SDK client sits on one pooled HTTP client (one per event
loop for async): connections are reused across drivers, and a new driver costs no TLS setup
(the SDK loads the CA bundle for each client it builds itself, ~80 ms). A provider speaking
this API is a small subclass.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from .. import _transport
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from ..exceptions import ConfigurationError
from . import _anthropic_wire as wire

__all__ = [
    "AnthropicMessagesDriver",
    "AnthropicMessagesProtocol",
    "AsyncAnthropicMessagesDriver",
]


_sync_http_client: Any = None


def _body(content: bytes) -> Any:
    """The JSON of a non-streamed answer, read raw: the SDK's typed `Message` would cost a
    pydantic model per block, built only to be turned back into this dict (about a sixth of a
    local call). Not JSON: a ValueError, which `_sdk_errors` reports as a malformed answer."""
    import json

    return json.loads(content)


def shared_http_client(anthropic: Any) -> Any:
    """The process's pooled HTTP client for sync SDK clients (thread-safe, built once); its
    connections honour `_transport.deadline_scope`."""
    global _sync_http_client
    if _sync_http_client is None or _sync_http_client.is_closed:
        _sync_http_client = _transport.bound_sdk_client(anthropic.DefaultHttpxClient())
    return _sync_http_client


def shared_async_http_client(anthropic: Any) -> Any:
    """The running event loop's pooled HTTP client for async SDK clients (closed with it)."""
    return _transport.per_loop(
        "sdk:anthropic",
        lambda: _transport.bound_sdk_client(anthropic.DefaultAsyncHttpxClient()),
    )


def auth_kwargs(anthropic: Any, key: str | None) -> dict[str, Any]:
    """SDK client arguments that authenticate with ``x-api-key`` as the Messages API documents
    it; anthropic SDK 2.x would otherwise send the key as ``Authorization: Bearer``."""
    if not key:
        return {"api_key": key}
    headers = {"x-api-key": key, "Authorization": anthropic.Omit()}
    return {"api_key": key, "default_headers": headers}


def load_sdk(display_name: str, extra: str) -> Any:
    """The `anthropic` module, or a `ConfigurationError` saying how to install it."""
    try:
        import anthropic
    except ImportError:
        raise ConfigurationError(
            f"The {display_name} driver needs the anthropic SDK: pip install prompture[{extra}]"
        ) from None
    return anthropic


class AnthropicMessagesProtocol(CostMixin):
    """Request building, answer parsing and SDK error mapping for ``POST /v1/messages``."""

    #: The pip extra that installs the SDK (named in the install hint).
    pip_extra: ClassVar[str] = "claude"

    def _sdk(self) -> Any:
        return load_sdk(self.display_name or self.provider, self.pip_extra)

    def _client_kwargs(self) -> dict[str, Any]:
        """SDK client arguments; the key check comes first so no client exists without one."""
        key = self._require_key()
        return {
            **auth_kwargs(self._sdk(), key),
            "base_url": self._checked_endpoint(),
            "max_retries": 0,  # `_transport.call_with_retries` owns the retry policy
            "timeout": self.timeout,
        }

    def _payload(
        self,
        messages: list[dict[str, Any]],
        options: dict[str, Any],
        *,
        tools: list[dict[str, Any]] | None = None,
        stream: bool = False,
    ) -> dict[str, Any]:
        """The request for one call; `options` is read, never changed."""
        from ..model_rates import get_model_capabilities

        model = self._model_for(options)
        thinking = wire.thinking_config(options.get("thinking"))
        max_tokens = options.get("max_tokens")
        if max_tokens is None:
            limit = self._get_model_config(self.provider, model)["max_output_tokens"]
            max_tokens = wire.default_max_tokens(limit, thinking)
        schema = options.get("json_schema")
        caps = get_model_capabilities(self.provider, model)
        json_via = "prompt"  # a driver without supports_json_schema keeps schemas in the prompt
        if self.supports_json_schema:
            json_via = wire.json_strategy(
                schema,
                output_format=wire.supports_output_format(model, caps),
                thinking=bool(thinking),
                tools=bool(tools),
                stream=stream,
            )
        payload = wire.build_payload(
            messages,
            model=model,
            max_tokens=int(max_tokens),
            tools=tools,
            tool_choice=options.get("tool_choice"),
            json_mode=bool(options.get("json_mode")),
            schema=schema,
            json_via=json_via,
            thinking=thinking,
            options=options,
            stream=stream,
        )
        self._validate_model_capabilities(
            self.provider,
            model,
            using_tool_use=bool(tools),
            using_vision=any(
                b.get("type") == "image" for m in payload["messages"] for b in m["content"]
            ),
        )
        return payload

    @contextlib.contextmanager
    def _sdk_errors(self, deadline: _transport.Deadline | None = None) -> Iterator[None]:
        """Map the SDK's exceptions (raised inside the block) to `DriverHTTPError`."""
        anthropic = self._sdk()
        try:
            yield
        except (TimeoutError, anthropic.APIError, ValueError, OSError) as exc:
            raise self._mapped(anthropic, exc, deadline) from None

    def _mapped(
        self, anthropic: Any, exc: BaseException, deadline: _transport.Deadline | None
    ) -> Exception:
        """The `DriverHTTPError` for an SDK exception; past `deadline`, the deadline's."""
        secrets = (self.api_key,)
        limit = _transport.sdk_limit_error(self.provider, deadline)
        if limit is not None:
            return limit
        if deadline is not None and isinstance(exc, TimeoutError):
            return _transport.deadline_error(self.provider, deadline)
        if isinstance(exc, anthropic.APIStatusError):
            if exc.response.status_code < 400:  # an `error` event in a stream accepted with 200
                message = wire.stream_error_message(exc.body)
                return _transport.stream_error(self.provider, message, secrets)
            retry_after = exc.response.headers.get("retry-after")
            return _transport.status_error(
                self.provider, exc.status_code, exc.response.text, secrets, retry_after
            )
        if isinstance(exc, anthropic.APIConnectionError | TimeoutError):
            return _transport.transport_error(self.provider, exc, secrets)
        if isinstance(exc, anthropic.APIError):  # any other SDK failure: a body it could not read
            return _transport.malformed_error(self.provider, type(exc).__name__)
        return _transport.malformed_error(self.provider, type(exc).__name__)  # undecodable body

    def _meta(self, model: str, usage: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
        try:
            prompt, completion, total = wire.usage_counts(usage)
            read, write = wire.cache_counts(usage)
        except TypeError as exc:
            raise _transport.malformed_error(self.provider, str(exc)) from None
        cost = self._calculate_cost(
            self.provider,
            model,
            prompt,
            completion,
            cache_read_tokens=read,
            cache_write_tokens=write,
        )
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(cost, 6),
            "raw_response": raw,
            "model_name": model,
        }

    def _with_reasoning(self, text: str, reasoning: str, meta: dict[str, Any]) -> dict[str, Any]:
        if reasoning:
            meta["reasoning_content"] = reasoning
        return {"text": text or reasoning, "meta": meta}

    def _result(self, raw: Any, payload: dict[str, Any]) -> dict[str, Any]:
        """A Prompture result (with `tool_calls` and `stop_reason`) from a ``message`` body.

        A tool-calling answer that came with thinking also carries ``thinking_blocks``: put
        them on the assistant message of the follow-up (beside its ``tool_calls``) and they go
        back to the API, as it requires when thinking is on.
        """
        json_tool = (payload.get("tool_choice") or {}).get("name") == wire.JSON_TOOL
        try:
            parsed = wire.parse_message(raw, json_tool=json_tool)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        meta = self._meta(payload["model"], parsed["usage"], raw)
        result = self._with_reasoning(parsed["text"], parsed["reasoning"], meta)
        result["tool_calls"] = parsed["tool_calls"]
        result["stop_reason"] = parsed["stop_reason"]
        if parsed["tool_calls"] and parsed["thinking_blocks"]:
            result["thinking_blocks"] = parsed["thinking_blocks"]
        return result

    def _stream_done(self, state: wire.StreamState, model: str) -> dict[str, Any]:
        """The final chunk; a stream that carried no event at all was no answer."""
        if not state.events:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        if not state.finished:  # no message_stop: the stream was cut
            raise _transport.truncated_error(self.provider)
        meta = self._meta(model, state.usage, state.raw())
        text, reasoning = "".join(state.text_parts), "".join(state.reasoning_parts)
        return {"type": "done", **self._with_reasoning(text, reasoning, meta)}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from the SDK's models list, or None when they cannot be had."""
        key = config.get("api_key") or cls._key_from_env()
        endpoint = config.get("endpoint") or cls._endpoint_from_env() or cls.default_endpoint
        if not key:
            return None
        try:
            anthropic = load_sdk(cls.display_name or cls.provider, cls.pip_extra)
            timeout = config.get("timeout", 5.0)
            with anthropic.Anthropic(
                **auth_kwargs(anthropic, key), base_url=endpoint, max_retries=0, timeout=timeout
            ) as client:
                return sorted(model.id for model in client.models.list())
        except Exception:  # no SDK, no network, an odd endpoint: "no live list"
            return None


class AnthropicMessagesDriver(AnthropicMessagesProtocol, Driver):
    """Synchronous Messages driver over one `anthropic.Anthropic` client per driver."""

    supports_messages = True
    _sdk_client: Any = None

    def _client(self) -> Any:
        if self._sdk_client is None:
            kwargs, anthropic = self._client_kwargs(), self._sdk()
            http_client = shared_http_client(anthropic)
            self._sdk_client = anthropic.Anthropic(**kwargs, http_client=http_client)
        return self._sdk_client

    def _create(self, payload: dict[str, Any], deadline: _transport.Deadline) -> Any:
        """``messages.create`` with the shared retries, within `deadline`: the answer's body
        (a dict, see `_raw_create`) or, for a streamed payload, the SDK's `Stream`."""
        client = self._client()

        def attempt() -> Any:
            with self._sdk_errors(deadline), _transport.deadline_scope(deadline):
                timeout = deadline.remaining()
                if payload.get("stream"):
                    return client.messages.create(**payload, timeout=timeout)
                raw = client.messages.with_raw_response.create(**payload, timeout=timeout)
                return _body(raw.http_response.content)  # read whole: nothing was streamed

        return _transport.call_with_retries(attempt, self.max_retries, self.retry_backoff, deadline)

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._payload(messages, options, tools=tools)
        self._client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        return self._result(self._create(payload, deadline), payload)

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = wire.StreamState()
        self._client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        with self._create(payload, deadline) as stream, self._sdk_errors(deadline):
            for event in _transport.iter_within(stream, deadline):
                delta = state.feed(event.to_dict(mode="json"))
                if delta:
                    yield {"type": "delta", "text": delta}
        yield self._stream_done(state, payload["model"])


class AsyncAnthropicMessagesDriver(AnthropicMessagesProtocol, AsyncDriver):
    """Asynchronous Messages driver over one `anthropic.AsyncAnthropic` per event loop."""

    supports_messages = True

    def _client(self) -> Any:
        import asyncio

        clients = self.__dict__.setdefault("_sdk_clients", weakref.WeakKeyDictionary())
        loop = asyncio.get_running_loop()
        client = clients.get(loop)
        if client is None:
            kwargs, anthropic = self._client_kwargs(), self._sdk()
            http_client = shared_async_http_client(anthropic)
            client = clients[loop] = anthropic.AsyncAnthropic(**kwargs, http_client=http_client)
        return client

    async def _create(self, payload: dict[str, Any], deadline: _transport.Deadline) -> Any:
        client = self._client()

        async def attempt() -> Any:
            with self._sdk_errors(deadline):
                timeout = deadline.remaining()
                if payload.get("stream"):
                    call = client.messages.create(**payload, timeout=timeout)
                    return await _transport.within(call, deadline)
                call = client.messages.with_raw_response.create(**payload, timeout=timeout)
                raw = await _transport.within(call, deadline)
                return _body(raw.http_response.content)  # read whole: nothing was streamed

        return await _transport.acall_with_retries(
            attempt, self.max_retries, self.retry_backoff, deadline
        )

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        payload = self._payload(messages, options, tools=tools)
        self._client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        return self._result(await self._create(payload, deadline), payload)

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        options = options or {}
        payload = self._payload(messages, options, stream=True)
        state = wire.StreamState()
        self._client()  # built first: importing the SDK is no part of the call's time
        deadline = _transport.Deadline(self._timeout(options))
        async with await self._create(payload, deadline) as stream:
            with self._sdk_errors(deadline):
                async for event in _transport.aiter_within(stream, deadline):
                    delta = state.feed(event.to_dict(mode="json"))
                    if delta:
                        yield {"type": "delta", "text": delta}
        yield self._stream_done(state, payload["model"])
