"""`GroqServer`: the local OpenAI-compatible server laid out the way Groq serves it.

The ``groq`` SDK takes the host as its ``base_url`` and appends ``/openai/v1/...`` itself, so
`url` has no path and the routes of `OpenAICompatServer` live under ``/openai/v1``::

    with GroqServer() as server:
        client = groq.Groq(base_url=server.url, api_key="test-key")
"""

from __future__ import annotations

from dataclasses import replace

from ._server import RecordedRequest, Reply
from .openai_server import OpenAICompatServer

__all__ = ["GroqServer"]


class GroqServer(OpenAICompatServer):
    """`OpenAICompatServer` under Groq's ``/openai`` prefix; same scripting API."""

    base_path = ""
    #: Prefix in front of the OpenAI routes (``/v1/chat/completions``...).
    route_prefix = "/openai"

    def _route(self, request: RecordedRequest) -> Reply:
        if request.path.startswith(self.route_prefix + "/"):
            inner = request.path.removeprefix(self.route_prefix)
            return super()._route(replace(request, path=inner))
        message = f"Unknown request URL: {request.method} {request.path}"
        return Reply.of_json(404, self._error_body(404, message, code="unknown_url"))
