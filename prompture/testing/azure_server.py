"""`AzureOpenAIServer`: the local OpenAI chat server laid out the way Azure OpenAI serves it.

    with AzureOpenAIServer() as server:
        client = openai.AzureOpenAI(
            azure_endpoint=server.url, api_key="test-key", api_version="2024-10-21"
        )
        client.chat.completions.create(model="my-deployment", messages=[...])

`url` is the resource URL (no path). Routes, each needing the key in the ``api-key`` header:

- ``POST /openai/deployments/{deployment}/chat/completions?api-version=...`` (the dated API;
  the answer names the deployment as its model), ``GET /openai/models?api-version=...``;
- ``POST /openai/v1/chat/completions``, ``GET /openai/v1/models`` (the v1 API, where
  ``Authorization: Bearer {key}`` is taken as well).

A dated route without ``api-version`` is refused with 404, as Azure does. Scripting, recording
and failure injection are those of `OpenAICompatServer`.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, unquote

from ._server import RecordedRequest, Reply
from ._wire_probe import OpenAIWire
from .openai_server import OpenAICompatServer

__all__ = ["AzureOpenAIServer", "AzureOpenAIWire"]

_DEPLOYMENT_CHAT = re.compile(r"^/openai/deployments/([^/]+)/chat/completions$")


class AzureOpenAIServer(OpenAICompatServer):
    """`OpenAICompatServer` behind Azure's paths, ``api-version`` and ``api-key``."""

    base_path = ""

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if self.api_key is None:
            return None
        expected = self.api_key.encode()
        if hmac.compare_digest(request.headers.get("api-key", "").encode(), expected):
            return None
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").encode()
        if request.path.startswith("/openai/v1/") and hmac.compare_digest(bearer, expected):
            return None
        message = (
            "Access denied due to invalid subscription key or wrong API endpoint. Make sure "
            "to provide a valid key for an active subscription and use a correct regional "
            "API endpoint for your resource."
        )
        return Reply.of_json(401, {"error": {"code": "401", "message": message}})

    def _route(self, request: RecordedRequest) -> Reply:
        path = request.path.rstrip("/")
        if path.startswith("/openai/v1/"):
            return super()._route(replace(request, path=path.removeprefix("/openai")))
        if not parse_qs(request.query).get("api-version"):
            return self._not_found()
        match = _DEPLOYMENT_CHAT.match(path)
        if request.method == "POST" and match:
            return self._deployment_chat(unquote(match.group(1)), request.body)
        if request.method == "GET" and path == "/openai/models":
            return super()._route(replace(request, path="/v1/models"))
        return self._not_found()

    def _deployment_chat(self, deployment: str, body: Any) -> Reply:
        if isinstance(body, dict):
            body = {**body, "model": deployment}  # Azure answers with the deployment's model
        return self._chat(body)

    def _not_found(self) -> Reply:
        return Reply.of_json(404, {"error": {"code": "404", "message": "Resource not found"}})

    def _error_body(self, status: int, message: str, **fields: Any) -> Any:
        return {"error": {"code": str(status), "message": message, **fields}}


class AzureOpenAIWire(OpenAIWire):
    """Probe for Azure OpenAI: the key from ``api-key``, the model from the deployment path."""

    def api_key(self, req: RecordedRequest) -> str | None:
        return req.headers.get("api-key")

    def model(self, req: RecordedRequest) -> str:
        match = _DEPLOYMENT_CHAT.match(req.path.rstrip("/"))
        return unquote(match.group(1)) if match else super().model(req)
