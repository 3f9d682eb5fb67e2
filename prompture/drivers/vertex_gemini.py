"""Gemini models on Google Vertex AI: the Gemini ``generateContent`` wire at Vertex's URLs.

Vertex serves Gemini at
``POST {endpoint}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}
:generateContent`` (``:streamGenerateContent?alt=sse`` for streams) with a Google OAuth bearer
token. The google-genai SDK's Vertex mode (``vertexai=True``) builds exactly that, so requests
and answers are the Google driver's (`GoogleProtocol`, `_gemini_wire`); only the client
differs. Credentials come from `_vertex` (an access token, or a credentials file through
google-auth), refreshed before a call when expired.
"""

from __future__ import annotations

import weakref
from typing import Any

from ..exceptions import ConfigurationError
from . import _google_sdk as sdk
from ._vertex import VertexConfig, fresh_token, refresh_errors
from .async_google_driver import AsyncGoogleDriver
from .google_driver import GoogleDriver

__all__ = ["AsyncVertexGeminiDriver", "VertexGeminiDriver", "make_vertex_client"]

INSTALL_HINT = "Gemini on Vertex AI needs google-genai: pip install prompture[vertex]"
#: The Vertex API version the SDK is pinned to (its own Vertex default is ``v1beta1``).
VERTEX_API_VERSION = "v1"


def make_vertex_client(
    credentials: Any, project: str, location: str, endpoint: str, timeout: float
) -> Any:
    """A ``genai.Client`` in Vertex mode for `endpoint` (the API host), SDK retries off."""
    try:
        genai, types = sdk.import_genai()
    except ConfigurationError:
        raise ConfigurationError(INSTALL_HINT) from None
    options: dict[str, Any] = {
        "base_url": endpoint.rstrip("/") + "/",
        "api_version": VERTEX_API_VERSION,
        "timeout": int(timeout * 1000),  # milliseconds
    }
    if hasattr(types, "HttpRetryOptions"):  # older SDK releases lack the option
        options["retry_options"] = types.HttpRetryOptions(attempts=1)
    return genai.Client(
        vertexai=True,
        project=project,
        location=location,
        credentials=credentials,
        http_options=types.HttpOptions(**options),
    )


class _VertexGeminiClient(VertexConfig):
    """The Vertex-mode SDK client of a driver, with its credentials kept fresh."""

    publisher = "google"

    def _fresh_credentials(self) -> Any:
        credentials = self._credentials()
        with refresh_errors(self.provider, self._secrets()):
            fresh_token(credentials)  # I/O only when a credentials file's token expired
        return credentials

    def _new_client(self) -> Any:
        credentials = self._fresh_credentials()
        return make_vertex_client(
            credentials, self._project(), self.location, self.endpoint, self.timeout
        )


class VertexGeminiDriver(_VertexGeminiClient, GoogleDriver):
    """Synchronous Gemini-on-Vertex driver over the google-genai SDK. A provider subclass sets:

    - ``provider``, ``display_name``; ``api_key_env``: variables holding an access token
      (e.g. ``("GOOGLE_VERTEX_ACCESS_TOKEN",)``), ``GOOGLE_APPLICATION_CREDENTIALS`` being the
      fallback; ``project_env``, ``location_env`` and ``default_location`` when not the
      defaults (``GOOGLE_VERTEX_PROJECT``, ``GOOGLE_VERTEX_LOCATION``, ``"global"``).
    - ``default_model`` (e.g. ``"gemini-2.5-flash"``).
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.

    Constructors also take ``project=`` and ``location=``.
    """

    _vertex_client: Any = None

    def _models(self) -> Any:
        if self._vertex_client is None:
            self._vertex_client = self._new_client()
        else:
            self._fresh_credentials()
        return self._vertex_client.models


class AsyncVertexGeminiDriver(_VertexGeminiClient, AsyncGoogleDriver):
    """Asynchronous twin (one SDK client per event loop); a provider subclass sets
    ``sync_driver`` to its sync class."""

    def _models(self) -> Any:
        import asyncio

        clients = self.__dict__.setdefault("_vertex_clients", weakref.WeakKeyDictionary())
        loop = asyncio.get_running_loop()
        client = clients.get(loop)
        if client is None:
            client = clients[loop] = self._new_client()
        else:
            self._fresh_credentials()
        self._sdk_client = client  # the client must outlive its `aio` view: it owns the pool
        return client.aio.models
