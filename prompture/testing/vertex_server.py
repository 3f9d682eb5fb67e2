"""Local Vertex AI servers: Google's front end (bearer tokens, project paths, Model Garden
listing, an OAuth token endpoint) in front of the Anthropic (and Gemini) wire servers.

    with VertexAnthropicServer() as server:
        client = anthropic.AnthropicVertex(
            region="us-east5", project_id="test-project", access_token="test-key",
            base_url=server.url + "/v1",
        )

`url` is the API host (no version). Every Vertex route needs ``Authorization: Bearer {key}``
(`api_key`, None accepting any request); a missing or wrong token is Google's
``401 UNAUTHENTICATED``, another `project` than the server's ``403 PERMISSION_DENIED``.
``GET /v1beta1/publishers/{publisher}/models`` lists `models`; ``POST /token`` is a service
account's token endpoint (see `_google_oauth`) answering with `api_key` as the access token,
so google-auth's refresh runs against the same server (``token_uri``).
"""

from __future__ import annotations

import hmac
import re
from dataclasses import replace
from typing import Any

from . import _google_oauth as oauth
from ._anthropic_probe import AnthropicWire
from ._gemini_probe import GeminiWire
from ._server import Headers, RecordedRequest, Reply
from .anthropic_server import AnthropicServer
from .gemini_server import GeminiServer

__all__ = ["VertexAnthropicServer", "VertexAnthropicWire", "VertexGeminiServer", "VertexGeminiWire"]

#: The Anthropic body version Vertex documents (instead of the model, which is in the URL);
#: the anthropic SDK 2.x sends its dated API version (``2026-10-21``) there, taken as well.
VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16"
_DATED_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PREDICT = re.compile(
    r"^/v1/projects/([^/]+)/locations/([^/]+)/publishers/anthropic/models/([^/:]+)"
    r":(rawPredict|streamRawPredict)$"
)
_GEMINI = re.compile(
    r"^/v1/projects/([^/]+)/locations/([^/]+)/publishers/google/models/([^/:]+)"
    r":(generateContent|streamGenerateContent|countTokens)$"
)
_PUBLISHER_MODELS = re.compile(r"^/v1beta1/publishers/([^/]+)/models$")
_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED"}


class VertexFrontEnd:
    """Google's front end, mixed into a wire server: bearer auth, projects, token endpoint."""

    api_key: str | None
    models: tuple[str, ...]
    url: str
    #: The project requests must name.
    project = "test-project"
    #: The Model Garden publisher listed under ``/v1beta1/publishers/{publisher}/models``.
    publisher = "google"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Public keys of the service accounts whose JWTs the token endpoint accepts.
        self.service_account_keys: list[Any] = []

    @property
    def token_uri(self) -> str:
        return self.url + oauth.TOKEN_PATH

    def service_account(self, project_id: str | None = None) -> dict[str, Any]:
        """A service-account key file's content this server accepts at `token_uri`."""
        info = oauth.service_account_info(self.token_uri, project_id or self.project)
        self.service_account_keys.append(oauth.public_key_of(info))
        return info

    def _authorize(self, request: RecordedRequest) -> Reply | None:
        if request.path == oauth.TOKEN_PATH or self.api_key is None:
            return None
        sent = request.headers.get("authorization", "").encode()
        if hmac.compare_digest(sent, f"Bearer {self.api_key}".encode()):
            return None
        message = (
            "Request had invalid authentication credentials. Expected OAuth 2 access token, "
            "login cookie or other valid authentication credential."
        )
        return google_error(401, message)

    def _front_route(self, request: RecordedRequest) -> Reply | None:
        """Answers for the token endpoint and Model Garden; None for the wire's routes."""
        if request.method == "POST" and request.path == oauth.TOKEN_PATH:
            access_token = self.api_key or "test-key"
            return oauth.token_reply(
                request, self.token_uri, access_token, self.service_account_keys
            )
        match = _PUBLISHER_MODELS.match(request.path)
        if request.method == "GET" and match:
            publisher = match.group(1)
            names = self.models if publisher == self.publisher else ()
            listing = [{"name": f"publishers/{publisher}/models/{m}"} for m in names]
            return Reply.of_json(200, {"publisherModels": listing})
        return None

    def _project_error(self, project: str) -> Reply | None:
        if project == self.project:
            return None
        return google_error(403, f"Permission denied on resource project {project}.")


def bearer_token(req: RecordedRequest) -> str | None:
    """The Bearer token a request carried, None without one."""
    value = req.headers.get("authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else None


def google_error(status: int, message: str) -> Reply:
    """An error in Google's shape ``{"error": {"code", "message", "status"}}``."""
    kind = _STATUS.get(status, "INTERNAL" if status >= 500 else "FAILED_PRECONDITION")
    return Reply.of_json(status, {"error": {"code": status, "message": message, "status": kind}})


class VertexAnthropicServer(VertexFrontEnd, AnthropicServer):
    """`AnthropicServer` behind Vertex: ``rawPredict``/``streamRawPredict`` on the model path.

    The body must carry ``anthropic_version: "vertex-2023-10-16"`` and no ``model``; a stream
    is asked for on ``:streamRawPredict`` with ``"stream": true``. The answer and its checks
    are the Messages API's, the scripting API is `AnthropicServer`'s.
    """

    publisher = "anthropic"

    def _route(self, request: RecordedRequest) -> Reply:
        front = self._front_route(request)
        if front is not None:
            return front
        match = _PREDICT.match(request.path)
        if request.method != "POST" or not match:
            return google_error(404, f"Unknown request URL: {request.method} {request.path}")
        project, _location, model, method = match.groups()
        body = request.body
        problem = self._project_error(project) or _vertex_body_error(body, method)
        if problem is not None:
            return problem
        inner = {k: v for k, v in body.items() if k != "anthropic_version"}
        version = body["anthropic_version"]
        version = "2023-06-01" if version == VERTEX_ANTHROPIC_VERSION else version
        headers = Headers({**request.headers, "anthropic-version": version})
        return self._message(replace(request, body={**inner, "model": model}, headers=headers))


def _vertex_body_error(body: Any, method: str) -> Reply | None:
    if not isinstance(body, dict):
        return google_error(400, "The request body must be a JSON object.")
    version = body.get("anthropic_version")
    if version != VERTEX_ANTHROPIC_VERSION and not _DATED_VERSION.match(str(version)):
        return google_error(400, f"anthropic_version: must be {VERTEX_ANTHROPIC_VERSION!r}")
    if "model" in body:
        return google_error(400, "model: Extra inputs are not permitted (it is in the URL)")
    if (method == "streamRawPredict") != (body.get("stream") is True):
        return google_error(400, "stream: true goes with :streamRawPredict, and only there")
    return None


class VertexAnthropicWire(AnthropicWire):
    """Probe for Claude on Vertex: the token as key, the model from the URL."""

    def api_key(self, req: RecordedRequest) -> str | None:
        return bearer_token(req)

    def model(self, req: RecordedRequest) -> str:
        match = _PREDICT.match(req.path)
        return match.group(3) if match else ""


class VertexGeminiServer(VertexFrontEnd, GeminiServer):
    """`GeminiServer` behind Vertex: ``generateContent``, ``streamGenerateContent`` and
    ``countTokens`` under ``/v1/projects/{project}/locations/{location}/publishers/google/``.

    Bodies are checked and answered as by `GeminiServer` (same scripting API); the key is the
    bearer token, not ``x-goog-api-key``.
    """

    publisher = "google"

    def _route(self, request: RecordedRequest) -> Reply:
        front = self._front_route(request)
        if front is not None:
            return front
        match = _GEMINI.match(request.path)
        if request.method != "POST" or not match:
            return google_error(404, f"Unknown request URL: {request.method} {request.path}")
        project, _location, model, method = match.groups()
        problem = self._project_error(project)
        if problem is not None:
            return problem
        return super()._route(replace(request, path=f"/v1/models/{model}:{method}"))


class VertexGeminiWire(GeminiWire):
    """Probe for Gemini on Vertex: the token as key, the model from the URL."""

    def api_key(self, req: RecordedRequest) -> str | None:
        return bearer_token(req)

    def model(self, req: RecordedRequest) -> str:
        match = _GEMINI.match(req.path)
        return match.group(3) if match else ""
