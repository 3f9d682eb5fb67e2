"""The one error tree of Prompture.

    PromptureError
    ├── ConfigurationError      a key, endpoint, or optional SDK is missing
    ├── DriverError             a provider could not answer
    │   └── DriverHTTPError     a transport failure or an error status (provider, status_code,
    │                           retryable)
    └── ExtractionError         the answer could not be turned into valid JSON (carries raw_text)

No message ever contains an API key: drivers build messages from the provider name, the status
and the response body only, and `redact` scrubs any secret that a body might echo back.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "DriverError",
    "DriverHTTPError",
    "ExtractionError",
    "PromptureError",
    "redact",
]


class PromptureError(Exception):
    """Base of every error Prompture raises on purpose."""


class ConfigurationError(PromptureError):
    """Something the user must set or install is missing."""


class DriverError(PromptureError):
    """A driver could not get an answer from its provider."""


class DriverHTTPError(DriverError):
    """A transport failure or an error status from the provider's API.

    `status_code` is None for connection errors and timeouts. `retryable` tells whether trying
    again may help (408, 409, 429, 5xx, connection errors and timeouts).
    """

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message)
        self.provider = provider
        self.status_code = status_code
        self.retryable = retryable

    @property
    def __context__(self) -> BaseException | None:  # type: ignore[override]
        """The exception this one replaced, unless it was raised ``from None``: a hidden
        original (an HTTP-client or SDK error may echo the request, key included) stays
        hidden from every reader, not only from tracebacks."""
        if self.__suppress_context__:
            return None
        return BaseException.__context__.__get__(self)  # type: ignore[attr-defined]

    @__context__.setter
    def __context__(self, value: BaseException | None) -> None:
        BaseException.__context__.__set__(self, value)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return (
            f"DriverHTTPError({str(self)!r}, provider={self.provider!r}, "
            f"status_code={self.status_code!r}, retryable={self.retryable!r})"
        )


class ExtractionError(PromptureError):
    """The model's answer could not be cleaned, parsed or validated."""

    def __init__(self, message: str, *, raw_text: str = "") -> None:
        super().__init__(message)
        self.raw_text = raw_text


def redact(text: str, *secrets: str | None) -> str:
    """Replace every non-trivial secret occurring in `text` with `***`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text
