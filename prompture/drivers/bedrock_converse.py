"""Amazon Bedrock's Converse API: one protocol, a sync (`_http`) and an async (httpx) transport.

``POST {endpoint}/model/{modelId}/converse`` (``/converse-stream``: AWS event-stream frames),
the endpoint being ``https://bedrock-runtime.{region}.amazonaws.com``. Authentication, first
match wins:

- a Bedrock API key (``AWS_BEARER_TOKEN_BEDROCK``, or ``api_key=``) as a Bearer token;
- AWS access keys (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``) or
  a named profile (``AWS_PROFILE``), each request signed with SigV4 by botocore (the optional
  ``bedrock`` extra, imported on first use). Instance metadata is never probed.

The body is serialized once and sent byte for byte as signed. Model lists come from the
control plane, ``GET https://bedrock.{region}.amazonaws.com/foundation-models``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar
from urllib.parse import quote

from .. import _transport
from ..async_driver import AsyncDriver
from ..cost_mixin import CostMixin
from ..driver import Driver
from ..exceptions import ConfigurationError, DriverHTTPError
from . import _bedrock_wire as wire
from ._eventstream import EventStreamDecoder, EventStreamError
from ._wire_results import WireResults

__all__ = ["AsyncBedrockConverseDriver", "BedrockConverseDriver", "BedrockConverseProtocol"]

INSTALL_HINT = (
    "Signing Bedrock requests with AWS keys needs botocore: pip install prompture[bedrock]"
)
_ACCESS_KEY_ENV = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
#: How Bedrock words its 403 answers to bad credentials (API key, access key, signature).
AUTH_FAILURES = (
    "Authentication failed",
    "security token included in the request is invalid",
    "signature we calculated does not match",
)


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n].strip() for n in names if os.environ.get(n, "").strip()), None)


def runtime_to_control(endpoint: str) -> str:
    """The control-plane host of a runtime endpoint (the same URL when it is not AWS's)."""
    return endpoint.replace("://bedrock-runtime.", "://bedrock.", 1)


class BedrockConverseProtocol(WireResults, CostMixin):
    """Request building, signing and answer reading for the Converse API (no I/O)."""

    wire = wire

    #: Variables naming the region, first match wins.
    region_env: ClassVar[tuple[str, ...]] = ("AWS_REGION", "AWS_DEFAULT_REGION")
    default_region: ClassVar[str] = "us-east-1"
    runtime_url_template: ClassVar[str] = "https://bedrock-runtime.{region}.amazonaws.com"
    #: The SigV4 service name of Bedrock's runtime and control plane.
    signing_service: ClassVar[str] = "bedrock"
    supports_messages = True

    def __init__(self, *args: Any, region: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.region = region or _first_env(self.region_env) or self.default_region
        if not self._endpoint:
            self.endpoint = self.runtime_url_template.format(region=self.region)
        self._aws_credentials: Any = None

    def _require_key(self) -> str | None:
        """The Bedrock API key; None when AWS keys or a profile will sign instead."""
        if (
            self._api_key
            or _first_env(("AWS_PROFILE",))
            or all(map(os.environ.get, _ACCESS_KEY_ENV))
        ):
            return self._api_key
        names = [
            *(self.api_key_env or ("AWS_BEARER_TOKEN_BEDROCK",)),
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
            "AWS_PROFILE",
        ]
        raise ConfigurationError(
            f"{self.display_name or self.provider} credentials not found: set "
            f"{' or '.join(names)} (or pass api_key=<Bedrock API key>)."
        )

    def _credentials(self) -> Any:
        """botocore credentials from the access-key variables or the named profile."""
        if self._aws_credentials is None:
            try:
                import botocore.credentials
                import botocore.exceptions
                import botocore.session
            except ImportError:
                raise ConfigurationError(INSTALL_HINT) from None
            keys = [os.environ.get(name) for name in (*_ACCESS_KEY_ENV, "AWS_SESSION_TOKEN")]
            if keys[0] and keys[1]:
                self._aws_credentials = botocore.credentials.Credentials(*keys)
            else:
                profile = os.environ["AWS_PROFILE"].strip()
                try:
                    session = botocore.session.Session(profile=profile)
                    self._aws_credentials = session.get_credentials()
                except botocore.exceptions.BotoCoreError as exc:
                    message = f"AWS_PROFILE {profile!r} is not usable: {type(exc).__name__}"
                    raise ConfigurationError(message) from None
            if self._aws_credentials is None:
                raise ConfigurationError("AWS_PROFILE names a profile without credentials.")
        return self._aws_credentials

    def _auth_headers(self, method: str, url: str, body: bytes | None) -> dict[str, str]:
        """Headers carrying the Bearer key, or the SigV4 signature of this exact request."""
        key = self._require_key()
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            **self.extra_headers,
        }
        if key:
            return {**headers, "Authorization": f"Bearer {key}"}
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        request = AWSRequest(method=method, url=url, data=body, headers=headers)
        SigV4Auth(self._credentials(), self.signing_service, self.region).add_auth(request)
        return dict(request.headers.items())

    def _secrets(self) -> tuple[str | None, ...]:
        creds = self._aws_credentials
        return (self._api_key, getattr(creds, "secret_key", None), getattr(creds, "token", None))

    def _request(self, messages, options, *, tools=None, stream=False) -> tuple[str, str, bytes]:
        """``(model, url, body bytes)`` of one call; `options` is read, never changed."""
        model = self._checked_model(options, tools)
        config = self._get_model_config(self.provider, model)
        body = wire.build_request(
            messages,
            options,
            tools=tools,
            native_schema=self.supports_json_schema,
            send_temperature=config["supports_temperature"],
        )
        action = "converse-stream" if stream else "converse"
        url = f"{self.endpoint}/model/{quote(model, safe='')}/{action}"
        return model, url, json.dumps(body).encode()

    def _send_kwargs_for(self, url: str, body: bytes, options: dict[str, Any]) -> dict[str, Any]:
        """`_transport.post` arguments with this request's own (possibly signed) headers."""
        headers = self._auth_headers("POST", url, body)
        return {**self._send_kwargs(options), "headers": headers, "secrets": self._secrets()}

    @contextlib.contextmanager
    def _auth_errors(self) -> Iterator[None]:
        """Bedrock refuses bad keys and signatures with 403; they surface as 401, as on other
        wires, so callers can tell bad credentials from missing permissions."""
        try:
            yield
        except DriverHTTPError as exc:
            text = str(exc)
            if exc.status_code != 403 or not any(s in text for s in AUTH_FAILURES):
                raise
            raise DriverHTTPError(
                text, provider=self.provider, status_code=401, retryable=False
            ) from None

    def _feed(self, decoder: EventStreamDecoder, state: wire.StreamState, data: bytes):
        """Text deltas of the frames `data` completes; broken frames are errors."""
        try:
            return [d for m in decoder.feed(data) if (d := state.feed(m.headers, m.payload))]
        except wire.StreamError as exc:
            raise _transport.stream_error(self.provider, str(exc), self._secrets()) from None
        except (EventStreamError, ValueError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None

    def _stream_done(self, decoder, state: wire.StreamState, model: str) -> dict[str, Any]:
        if not state.events:
            raise _transport.malformed_error(self.provider, _transport.NO_EVENTS)
        if decoder.pending:
            raise _transport.malformed_error(self.provider, "the stream ended inside a frame")
        answer = state.answer
        raw = {"stopReason": answer.stop_reason_raw, "usage": answer.usage}
        return {"type": "done", **self._result(model, answer, raw)}

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids from ``GET {control plane}/foundation-models``, or None."""
        try:
            driver = cls(**{k: config[k] for k in ("api_key", "endpoint") if k in config})
            url = runtime_to_control(driver.endpoint) + "/foundation-models"
            headers = driver._auth_headers("GET", url, None)
            response = _transport.shared_session().get(
                url, headers=headers, timeout=config.get("timeout", 5.0)
            )
            response.raise_for_status()
            return sorted(m["modelId"] for m in response.json()["modelSummaries"])
        except Exception:  # no credentials, no answer, an odd answer: no live list
            return None


class BedrockConverseDriver(BedrockConverseProtocol, Driver):
    """Synchronous Bedrock Converse driver. A provider subclass sets:

    - ``provider``, ``display_name``; ``api_key_env``: variables holding a Bedrock API key
      (``("AWS_BEARER_TOKEN_BEDROCK",)``); AWS keys or ``AWS_PROFILE`` are the fallback.
    - ``region_env``/``default_region`` when not ``AWS_REGION``/``"us-east-1"``.
    - ``default_model`` (a model or inference-profile id, e.g. ``"amazon.nova-lite-v1:0"``).
    - ``supports_json_schema`` (structured output through ``outputConfig``; there is no JSON
      mode, so ``supports_json_mode`` stays False), ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.

    Constructors also take ``region=``.
    """

    def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        model, url, body = self._request(messages, options, tools=tools)
        with self._auth_errors():
            kwargs = self._send_kwargs_for(url, body, options)
            response = _transport.post(self.provider, url, body, **kwargs)
        try:
            text = response.text
        except Exception as exc:  # body read failures are transport failures too
            raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        return self._parse(text, model)

    def generate_messages_stream(self, messages, options=None) -> Iterator[dict[str, Any]]:
        options = options or {}
        model, url, body = self._request(messages, options, stream=True)
        kwargs = self._send_kwargs_for(url, body, options)
        decoder, state = EventStreamDecoder(), wire.StreamState()
        with self._auth_errors():
            response = _transport.post(self.provider, url, body, stream=True, **kwargs)
        with response:  # its reads raise `DriverHTTPError` themselves
            for data in response.iter_content(chunk_size=None):
                for delta in self._feed(decoder, state, data):
                    yield {"type": "delta", "text": delta}
        yield self._stream_done(decoder, state, model)


class AsyncBedrockConverseDriver(BedrockConverseProtocol, AsyncDriver):
    """Asynchronous twin over httpx; a provider subclass sets ``sync_driver``."""

    async def _complete(self, messages, options, tools=None) -> dict[str, Any]:
        options = options or {}
        model, url, body = self._request(messages, options, tools=tools)
        kwargs = self._send_kwargs_for(url, body, options)
        with self._auth_errors():
            response = await _transport.apost(self.provider, url, body, **kwargs)
        return self._parse(response.text, model)

    async def generate_messages_stream(
        self, messages, options=None
    ) -> AsyncIterator[dict[str, Any]]:
        import httpx

        options = options or {}
        model, url, body = self._request(messages, options, stream=True)
        kwargs = self._send_kwargs_for(url, body, options)
        decoder, state = EventStreamDecoder(), wire.StreamState()
        with self._auth_errors():
            response = await _transport.apost(self.provider, url, body, stream=True, **kwargs)
        try:
            async for data in response.aiter_bytes():
                for delta in self._feed(decoder, state, data):
                    yield {"type": "delta", "text": delta}
        except httpx.HTTPError as exc:
            raise _transport.transport_error(self.provider, exc, self._secrets()) from None
        finally:
            await response.aclose()
        yield self._stream_done(decoder, state, model)
