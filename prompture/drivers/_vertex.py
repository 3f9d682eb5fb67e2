"""What the Vertex AI drivers share: project, location, endpoint and Google credentials.

Credentials, in order: an OAuth access token given as the key (constructor or `api_key_env`,
so tests and short scripts need no google-auth), else the service-account or user credentials
file named by ``GOOGLE_APPLICATION_CREDENTIALS``, loaded with google-auth (the optional
``vertex`` extra, imported on first use) and refreshed by it. The metadata server is never
probed: without a token or a file the driver raises a `ConfigurationError` naming both.

The endpoint is the API host (``https://{location}-aiplatform.googleapis.com``, or
``https://aiplatform.googleapis.com`` for the ``global`` location); the drivers add ``/v1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from .. import _transport
from ..exceptions import ConfigurationError, DriverHTTPError, redact

#: The OAuth scope Vertex AI calls need.
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"
INSTALL_HINT = "Vertex AI credentials files need google-auth: pip install prompture[vertex]"


def first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n].strip() for n in names if os.environ.get(n, "").strip()), None)


def location_host(location: str) -> str:
    """The API host serving `location` (``global`` has no regional prefix)."""
    if location == "global":
        return "https://aiplatform.googleapis.com"
    return f"https://{location}-aiplatform.googleapis.com"


def load_credentials_file(path: str) -> tuple[Any, str | None]:
    """``(credentials, project id)`` from a service-account or authorized-user file, via
    google-auth's loader for that type (other types are refused, as google-auth advises for
    files from elsewhere)."""
    import json

    try:
        from google.oauth2 import credentials as user
        from google.oauth2 import service_account
    except ImportError:
        raise ConfigurationError(INSTALL_HINT) from None
    try:
        with open(path, encoding="utf-8") as handle:
            info = json.load(handle)
        kind = info.get("type")
        if kind == "service_account":
            loaded = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        elif kind == "authorized_user":
            loaded = user.Credentials.from_authorized_user_info(info, scopes=SCOPES)
        else:
            raise ValueError(f"credentials of type {kind!r} are not supported")
    except (OSError, ValueError, AttributeError) as exc:
        # The message names the file or the problem, never the key material.
        detail = f"{type(exc).__name__}" if isinstance(exc, KeyError) else str(exc)[:200]
        raise ConfigurationError(f"{CREDENTIALS_ENV} is not usable: {detail}") from None
    return loaded, info.get("project_id") or info.get("quota_project_id")


def token_credentials(token: str) -> Any:
    """google-auth credentials holding a given access token (no refresh)."""
    try:
        from google.oauth2.credentials import Credentials
    except ImportError:
        raise ConfigurationError(INSTALL_HINT) from None
    return Credentials(token=token)


def fresh_token(credentials: Any) -> str:
    """The credentials' access token, refreshed first when missing or expired (I/O)."""
    if credentials.token and not credentials.expired:
        return credentials.token
    from google.auth.transport.requests import Request

    credentials.refresh(Request(session=_transport.shared_session()))
    return credentials.token


@contextmanager
def refresh_errors(provider: str, secrets: tuple[str | None, ...]) -> Iterator[None]:
    """google-auth's refresh failures as `DriverHTTPError`: a refused grant is a 401, an
    unreachable token endpoint a transport failure."""
    try:
        yield
    except Exception as exc:
        module, name = type(exc).__module__, type(exc).__name__
        if not module.startswith("google.auth"):
            raise
        if name == "TransportError":
            raise _transport.transport_error(provider, exc, secrets) from None
        if name != "RefreshError":
            raise
        detail = str(exc.args[0]) if exc.args else name
        message = f"{provider} could not refresh its Google credentials: {detail[:200]}"
        retryable = bool(getattr(exc, "retryable", False))
        raise DriverHTTPError(
            redact(message, *secrets), provider=provider, status_code=401, retryable=retryable
        ) from None


class VertexConfig:
    """Project, location, endpoint and credentials of a Vertex AI driver (mixed into the
    driver class before its wire base). A subclass may set:

    - ``api_key_env``: variables holding an OAuth access token, e.g.
      ``("GOOGLE_VERTEX_ACCESS_TOKEN",)``; ``GOOGLE_APPLICATION_CREDENTIALS`` is the fallback.
    - ``project_env``, ``location_env``: variables naming the project and the location.
    - ``default_location``: used when no location is given (``"global"``...).
    """

    project_env: ClassVar[tuple[str, ...]] = ("GOOGLE_VERTEX_PROJECT", "GOOGLE_CLOUD_PROJECT")
    location_env: ClassVar[tuple[str, ...]] = ("GOOGLE_VERTEX_LOCATION", "GOOGLE_CLOUD_LOCATION")
    default_location: ClassVar[str] = "global"
    #: The Model Garden publisher whose models the driver calls (``google``, ``anthropic``).
    publisher: ClassVar[str] = "google"

    def __init__(
        self,
        *args: Any,
        project: str | None = None,
        location: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project = project or first_env(self.project_env)
        self.location = location or first_env(self.location_env) or self.default_location
        if not self._endpoint:
            self.endpoint = location_host(self.location)
        self._google_credentials: Any = None

    def _require_key(self) -> str | None:
        """The access token; None when a credentials file will be used instead."""
        if self._api_key or os.environ.get(CREDENTIALS_ENV):
            return self._api_key
        names = [*(self.api_key_env or (f"{self._env_prefix()}_API_KEY",)), CREDENTIALS_ENV]
        raise ConfigurationError(
            f"{self.display_name or self.provider} credentials not found: set "
            f"{' or '.join(names)} (or pass api_key=<access token>)."
        )

    def _credentials(self) -> Any:
        """google-auth credentials for this driver (built once); fills in the project."""
        if self._google_credentials is None:
            token = self._require_key()
            if token:
                self._google_credentials = token_credentials(token)
            else:
                credentials, project = load_credentials_file(os.environ[CREDENTIALS_ENV])
                self.project = self.project or project
                self._google_credentials = credentials
        return self._google_credentials

    def _project(self) -> str:
        self._credentials()
        if not self.project:
            raise ConfigurationError(
                f"{self.display_name or self.provider} project not set: set "
                f"{' or '.join(self.project_env)} (or pass project=...)."
            )
        return self.project

    def _secrets(self) -> tuple[str | None, ...]:
        refreshed = getattr(self._google_credentials, "token", None)
        return (self._api_key, refreshed)

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids of `publisher` in Model Garden (``publishers.models.list``), or None."""
        try:
            driver = cls(**{k: config[k] for k in ("api_key", "endpoint") if k in config})
            token = fresh_token(driver._credentials())
            url = f"{driver.endpoint}/v1beta1/publishers/{cls.publisher}/models"
            response = _transport.shared_session().get(
                url,
                headers={"Authorization": f"Bearer {token}"},
                timeout=config.get("timeout", 5.0),
            )
            response.raise_for_status()
            names = [m["name"] for m in response.json().get("publisherModels") or []]
        except Exception:  # no credentials, no answer, an odd answer: no live list
            return None
        return sorted(name.rsplit("/", 1)[-1] for name in names)
