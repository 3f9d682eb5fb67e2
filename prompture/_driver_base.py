"""What sync and async drivers share: capability flags, configuration and key handling.

Constructors do no I/O: they only record configuration. A missing API key is reported
(as a `ConfigurationError` naming the variable to set) when the driver is first used.
"""

from __future__ import annotations

import math
import os
from typing import Any, ClassVar

from ._endpoints import ENDPOINT_VARIABLES, base_url, fill_template
from .exceptions import ConfigurationError

#: What an async twin takes over from its sync driver (see `AsyncDriver.sync_driver`).
PROFILE_ATTRS = (
    "provider",
    "display_name",
    "api_key_env",
    "requires_api_key",
    "default_endpoint",
    "endpoint_variables",
    "default_model",
    "supports_json_mode",
    "supports_json_schema",
    "supports_tool_use",
    "supports_streaming",
    "supports_vision",
    "supports_messages",
    "supports_reasoning",
    "MODEL_PRICING",
    "extra_headers",
)


#: Endpoints `check_endpoint` found usable (a URL's verdict does not depend on the driver).
_USABLE_ENDPOINTS: set[str] = set()
_ENDPOINTS_KEPT = 256


def check_retry_policy(max_retries: Any, retry_backoff: Any) -> None:
    """Refuse a retry policy the transport cannot follow, naming the bad value (no I/O)."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(
            "max_retries must be a whole number >= 0 (PROMPTURE_MAX_RETRIES or "
            f"max_retries=...), not {max_retries!r}"
        )
    number = isinstance(retry_backoff, int | float) and not isinstance(retry_backoff, bool)
    if not number or not math.isfinite(retry_backoff) or retry_backoff < 0:
        raise ConfigurationError(
            "retry_backoff must be a number of seconds >= 0 (PROMPTURE_RETRY_BACKOFF or "
            f"retry_backoff=...), not {retry_backoff!r}"
        )


def without_tool_fields(result: dict[str, Any]) -> dict[str, Any]:
    """A tool-call result reduced to the plain ``{"text", "meta"}`` shape."""
    result.pop("tool_calls", None)
    result.pop("stop_reason", None)
    result.pop("thinking_blocks", None)
    return result


class DriverBase:
    """Configuration and flags common to `Driver` and `AsyncDriver`."""

    #: Registry key and `provider/model` prefix, e.g. ``"moonshot"``.
    provider: ClassVar[str] = ""
    #: Human-readable provider name used in messages.
    display_name: ClassVar[str] = ""
    #: Environment variables that may hold the API key, first match wins.
    api_key_env: ClassVar[tuple[str, ...]] = ()
    #: Whether calls fail without a key (local servers such as LM Studio do not need one).
    requires_api_key: ClassVar[bool] = True
    #: Base URL used when neither the constructor nor ``{PROVIDER}_ENDPOINT`` gives one. It may
    #: be a template: each ``${VAR}`` is filled in when the driver is used (`endpoint`).
    default_endpoint: ClassVar[str] = ""
    #: For each ``${VAR}`` of a base-URL template, the variables (settings fields of the same
    #: name in lower case, else the environment) that may hold its value, first match wins;
    #: a placeholder not listed is read from ``VAR`` itself.
    endpoint_variables: ClassVar[dict[str, tuple[str, ...]]] = {}
    #: Model used when neither the constructor nor the options name one.
    default_model: ClassVar[str] = ""

    #: The provider accepts a JSON-object response format.
    supports_json_mode: ClassVar[bool] = False
    #: The provider accepts a JSON schema to constrain the answer.
    supports_json_schema: ClassVar[bool] = False
    #: The provider can call tools (OpenAI function format on our side).
    supports_tool_use: ClassVar[bool] = False
    #: `generate_messages_stream` yields deltas as they arrive.
    supports_streaming: ClassVar[bool] = False
    #: Image blocks in messages are understood.
    supports_vision: ClassVar[bool] = False
    #: `generate_messages` takes a multi-turn conversation.
    supports_messages: ClassVar[bool] = False
    #: Models may return thinking (`reasoning_content`).
    supports_reasoning: ClassVar[bool] = False

    #: Extra HTTP headers every request carries (e.g. attribution headers).
    extra_headers: ClassVar[dict[str, str]] = {}

    #: Hard-coded prices (USD per million tokens, keys ``prompt``/``completion``) for models the
    #: catalogue does not know. Normally empty: prices come from models.dev and rate files.
    MODEL_PRICING: ClassVar[dict[str, dict[str, Any]]] = {}

    #: Seconds before a request times out, unless ``options["timeout"]`` says otherwise.
    timeout: float = 120.0
    #: Retries after a retryable failure (408, 409, 429, 5xx, connection errors).
    max_retries: int = 2
    #: First backoff delay in seconds; doubles on every retry.
    retry_backoff: float = 0.5

    def __init__(
        self,
        api_key: str | None = None,
        model: str | None = None,
        endpoint: str | None = None,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        retry_backoff: float | None = None,
    ) -> None:
        self._api_key = api_key or self._key_from_env()
        self.model = model or self.default_model
        self.endpoint = base_url(endpoint or self._endpoint_from_env() or self.default_endpoint)
        if timeout is not None:
            self.timeout = timeout
        if max_retries is not None:
            self.max_retries = max_retries
        if retry_backoff is not None:
            self.retry_backoff = retry_backoff
        check_retry_policy(self.max_retries, self.retry_backoff)

    @property
    def api_key(self) -> str | None:
        return self._api_key

    @property
    def endpoint(self) -> str:
        """The base URL, a template's ``${VAR}`` placeholders filled in (`endpoint_variables`);
        a `ConfigurationError` naming the variables still unset."""
        raw = self._endpoint
        if "${" not in raw:
            return raw
        return fill_template(raw, self.endpoint_variables, self.display_name or self.provider)

    @endpoint.setter
    def endpoint(self, value: str) -> None:
        self._endpoint = value

    @property
    def base_url(self) -> str:
        return self.endpoint

    def __repr__(self) -> str:
        key = "set" if self._api_key else "unset"
        return (
            f"{type(self).__name__}(model={self.model!r}, endpoint={self._endpoint!r}, "
            f"api_key={key})"
        )

    @classmethod
    def _env_prefix(cls) -> str:
        return cls.provider.upper()

    @classmethod
    def _key_from_env(cls) -> str | None:
        names = cls.api_key_env or (f"{cls._env_prefix()}_API_KEY",)
        return next((os.environ[n] for n in names if os.environ.get(n)), None)

    @classmethod
    def _endpoint_from_env(cls) -> str | None:
        names = ENDPOINT_VARIABLES.get(cls.provider, (f"{cls._env_prefix()}_ENDPOINT",))
        return next((os.environ[n] for n in names if os.environ.get(n)), None)

    def _require_key(self) -> str | None:
        """The API key, or a `ConfigurationError` naming the variable when one is needed."""
        if self._api_key or not self.requires_api_key:
            return self._api_key
        names = self.api_key_env or (f"{self._env_prefix()}_API_KEY",)
        name = self.display_name or self.provider
        raise ConfigurationError(
            f"{name} API key not found: set {' or '.join(names)} (or pass api_key=...)."
        )

    def _headers(self) -> dict[str, str]:
        """JSON headers with the key as a Bearer token (when there is one)."""
        key = self._require_key()
        headers = {"Content-Type": "application/json", **self.extra_headers}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return headers

    def _timeout(self, options: dict[str, Any]) -> float:
        return float(options.get("timeout") or self.timeout)

    def _secrets(self) -> tuple[str | None, ...]:
        """What error messages must never show (`redact` scrubs these)."""
        return (self._api_key,)

    def _checked_endpoint(self) -> str:
        """The endpoint, or a `ConfigurationError` when it is no http(s) URL (``ftp://x``,
        ``http://``, spaces...): said at first use, never retried as a connection error."""
        endpoint = self.endpoint
        if endpoint in _USABLE_ENDPOINTS:  # checked once per URL, not on every call
            return endpoint
        from ._transport import check_endpoint

        check_endpoint(self.display_name or self.provider, endpoint, self._secrets())
        if len(_USABLE_ENDPOINTS) >= _ENDPOINTS_KEPT:
            _USABLE_ENDPOINTS.clear()
        _USABLE_ENDPOINTS.add(endpoint)
        return endpoint

    def _send_kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        """Headers, timeout, secrets and retry policy for `_transport.post`/`apost`."""
        self._checked_endpoint()
        return {
            "headers": self._headers(),
            "timeout": self._timeout(options),
            "secrets": self._secrets(),
            "max_retries": self.max_retries,
            "backoff": self.retry_backoff,
        }

    def _model_for(self, options: dict[str, Any] | None) -> str:
        return (options or {}).get("model") or self.model

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """The provider's live model list, or None when it cannot be had."""
        return None
