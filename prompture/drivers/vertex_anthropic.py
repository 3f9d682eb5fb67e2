"""Claude models on Google Vertex AI: the Anthropic Messages wire through ``rawPredict``.

Vertex serves the Messages API at
``POST {endpoint}/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}
:rawPredict`` (``:streamRawPredict`` for SSE streams), with the model in the URL instead of the
body, ``"anthropic_version": "vertex-2023-10-16"`` in the body and a Google OAuth bearer token.
The anthropic SDK's `AnthropicVertex` client builds exactly that; requests and answers are
the shared Anthropic ones (`AnthropicMessagesProtocol`), credentials come from `_vertex`.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator
from typing import Any

from ._vertex import VertexConfig, refresh_errors
from .anthropic_messages import (
    AnthropicMessagesDriver,
    AsyncAnthropicMessagesDriver,
    shared_async_http_client,
    shared_http_client,
)

__all__ = ["VERTEX_ANTHROPIC_VERSION", "AsyncVertexAnthropicDriver", "VertexAnthropicDriver"]

#: The body's ``anthropic_version`` Vertex documents for ``rawPredict`` (the SDK would
#: otherwise send its own dated API version).
VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16"


class _VertexAnthropicClient(VertexConfig):
    """The `AnthropicVertex` client arguments (no I/O until a call)."""

    publisher = "anthropic"
    pip_extra = "vertex"

    def _payload(self, messages, options, *, tools=None, stream=False) -> dict[str, Any]:
        payload = super()._payload(messages, options, tools=tools, stream=stream)
        payload["extra_body"] = {"anthropic_version": VERTEX_ANTHROPIC_VERSION}
        return payload

    @contextlib.contextmanager
    def _sdk_errors(self, deadline: Any = None) -> Iterator[None]:
        """The SDK's errors mapped, and google-auth's (the SDK refreshes credentials)."""
        with refresh_errors(self.provider, self._secrets()), super()._sdk_errors(deadline):
            yield

    def _vertex_kwargs(self) -> dict[str, Any]:
        return {
            "region": self.location,
            "project_id": self._project(),
            "credentials": self._credentials(),
            "base_url": self.endpoint + "/v1",
            "max_retries": 0,  # `_transport.call_with_retries` owns the retry policy
            "timeout": self.timeout,
        }


class VertexAnthropicDriver(_VertexAnthropicClient, AnthropicMessagesDriver):
    """Synchronous Claude-on-Vertex driver over `anthropic.AnthropicVertex`. A provider
    subclass sets:

    - ``provider``, ``display_name``; ``api_key_env``: variables holding an access token
      (e.g. ``("GOOGLE_VERTEX_ACCESS_TOKEN",)``), ``GOOGLE_APPLICATION_CREDENTIALS`` being the
      fallback; ``project_env``, ``location_env`` and ``default_location`` when not the
      defaults (``GOOGLE_VERTEX_PROJECT``, ``GOOGLE_VERTEX_LOCATION``, ``"global"``).
    - ``default_model`` (a Vertex model id such as ``"claude-sonnet-4-5@20250929"``).
    - ``supports_tool_use``, ``supports_streaming``, ``supports_vision``,
      ``supports_reasoning`` (JSON mode and schemas go into the prompt, as for Claude).

    Constructors also take ``project=`` and ``location=``.
    """

    def _client(self) -> Any:
        if self._sdk_client is None:
            anthropic = self._sdk()
            kwargs = self._vertex_kwargs()
            http_client = shared_http_client(anthropic)
            self._sdk_client = anthropic.AnthropicVertex(**kwargs, http_client=http_client)
        return self._sdk_client


class AsyncVertexAnthropicDriver(_VertexAnthropicClient, AsyncAnthropicMessagesDriver):
    """Asynchronous twin over `anthropic.AsyncAnthropicVertex` (one client per event loop);
    a provider subclass sets ``sync_driver`` to its sync class."""

    def _client(self) -> Any:
        import asyncio

        clients = self.__dict__.setdefault("_sdk_clients", weakref.WeakKeyDictionary())
        loop = asyncio.get_running_loop()
        client = clients.get(loop)
        if client is None:
            anthropic = self._sdk()
            kwargs = self._vertex_kwargs()
            http_client = shared_async_http_client(anthropic)
            client = anthropic.AsyncAnthropicVertex(**kwargs, http_client=http_client)
            clients[loop] = client
        return client
