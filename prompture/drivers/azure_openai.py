"""Azure OpenAI (and Azure AI services): the OpenAI chat wire at Azure's URLs, with `api-key`.

Requests and answers are exactly the OpenAI chat-completions ones (`OpenAICompatibleProtocol`);
only the address and the authentication differ:

- With an ``api_version`` (the dated API):
  ``POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`` and
  ``GET {endpoint}/openai/models?api-version=...``.
- With ``api_version = None`` (Azure's v1 API): ``POST {endpoint}/openai/v1/chat/completions``
  with the deployment as ``model`` in the body, and ``GET {endpoint}/openai/v1/models``.
- The key goes in the ``api-key`` header, never as a Bearer token.
- The endpoint is the resource URL: the constructor's, else ``{PROVIDER}_ENDPOINT``, else
  `resource_url_template` filled with the resource name from `resource_env`.
- The deployment is the constructor's ``deployment_id``, else ``{PROVIDER}_DEPLOYMENT_ID`` (one
  deployment serving every model name, as upstream Prompture's ``AZURE_DEPLOYMENT_ID``), else
  the model name. Prices and capabilities always follow the model name.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar
from urllib.parse import quote

from .. import _transport
from .._endpoints import setting_value
from ..exceptions import ConfigurationError
from .openai_compatible import (
    AsyncOpenAICompatibleDriver,
    OpenAICompatibleDriver,
    OpenAICompatibleProtocol,
)

__all__ = ["AsyncAzureOpenAIDriver", "AzureOpenAIDriver", "AzureOpenAIProtocol"]


class AzureOpenAIProtocol(OpenAICompatibleProtocol):
    """Azure's URL shapes and ``api-key`` header on top of the OpenAI chat wire (no I/O)."""

    #: Variables naming the Azure resource, first match wins (e.g. ``AZURE_RESOURCE_NAME``).
    resource_env: ClassVar[tuple[str, ...]] = ()
    #: The endpoint built from a resource name when no endpoint is given.
    resource_url_template: ClassVar[str] = "https://{resource}.openai.azure.com"
    #: The dated API version sent as ``api-version``; None speaks Azure's v1 API instead.
    #: ``{PROVIDER}_API_VERSION`` (environment or `.env`) overrides it.
    api_version: ClassVar[str | None] = "2024-10-21"

    def __init__(self, *args: Any, deployment_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deployment_id = deployment_id
        if not self._endpoint:
            resource = next((os.environ[n] for n in self.resource_env if os.environ.get(n)), "")
            if resource:
                self.endpoint = self.resource_url_template.format(resource=resource.strip())

    def _base(self) -> str:
        """The resource URL, or a `ConfigurationError` naming what to set."""
        if self.endpoint:
            return self.endpoint
        names = [*self.resource_env, f"{self._env_prefix()}_ENDPOINT"]
        raise ConfigurationError(
            f"{self.display_name or self.provider} resource not configured: set "
            f"{' or '.join(names)} (or pass endpoint=...)."
        )

    def _version(self) -> str | None:
        """The API version of a call (read at use, as settings may come from `.env`)."""
        return setting_value(f"{self._env_prefix()}_API_VERSION") or self.api_version

    def _deployment(self, model: str) -> str:
        """The deployment serving `model` (read at use, as settings may come from `.env`)."""
        variable = f"{self._env_prefix()}_DEPLOYMENT_ID"
        return self.deployment_id or setting_value(variable) or model

    def _chat_url(self, deployment: str) -> str:
        base, version = self._base(), self._version()
        if version is None:
            return f"{base}/openai/v1/chat/completions"
        deployment = quote(deployment, safe="")
        query = f"api-version={quote(version, safe='')}"
        return f"{base}/openai/deployments/{deployment}/chat/completions?{query}"

    def _routed(self, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The URL and body of a call, both naming the deployment (the v1 API reads it from
        the body); the caller's payload keeps the model name, which prices the answer."""
        deployment = self._deployment(payload["model"])
        if deployment != payload["model"]:
            payload = {**payload, "model": deployment}
        return self._chat_url(deployment), payload

    def _headers(self) -> dict[str, str]:
        key = self._require_key()
        headers = {"Content-Type": "application/json", **self.extra_headers}
        if key:
            headers["api-key"] = key
        return headers

    @classmethod
    def models_url(cls, endpoint: str, api_version: str | None) -> str:
        if api_version is None:
            return f"{endpoint.rstrip('/')}/openai/v1/models"
        return f"{endpoint.rstrip('/')}/openai/models?api-version={quote(api_version, safe='')}"

    @classmethod
    def list_models(cls, **config: Any) -> list[str] | None:
        """Model ids the resource lists, or None when it does not answer."""
        try:
            driver = cls(**{k: config[k] for k in ("api_key", "endpoint") if k in config})
            url = cls.models_url(driver._base(), driver._version())
            response = _transport.shared_session().get(
                url, headers=driver._headers(), timeout=config.get("timeout", 5.0)
            )
            response.raise_for_status()
            return sorted(item["id"] for item in response.json()["data"])
        except Exception:  # no configuration, no answer, an odd answer: no live list
            return None


class AzureOpenAIDriver(AzureOpenAIProtocol, OpenAICompatibleDriver):
    """Synchronous Azure OpenAI driver (`_http`). A provider subclass sets:

    - ``provider``, ``display_name``: registry key and name (``provider`` also prefixes the
      ``{PROVIDER}_ENDPOINT`` and ``{PROVIDER}_API_VERSION`` variables).
    - ``api_key_env``: variables holding the key, e.g. ``("AZURE_API_KEY",)``.
    - ``resource_env``: variables holding the resource name, e.g. ``("AZURE_RESOURCE_NAME",)``.
    - ``resource_url_template``: ``"https://{resource}.openai.azure.com"`` (Azure OpenAI) or
      ``"https://{resource}.cognitiveservices.azure.com"`` (Azure AI services).
    - ``api_version``: a dated version (deployment URLs) or None (the v1 API).
    - ``default_endpoint`` (optional, usually ``""``), ``default_model`` (a deployment name).
    - ``supports_json_mode``, ``supports_json_schema``, ``supports_tool_use``,
      ``supports_streaming``, ``supports_vision``, ``supports_reasoning``.
    """

    def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ) -> Any:
        url, payload = self._routed(payload)
        return _transport.post(
            self.provider, url, payload, stream=stream, **self._send_kwargs(options)
        )


class AsyncAzureOpenAIDriver(AzureOpenAIProtocol, AsyncOpenAICompatibleDriver):
    """Asynchronous Azure OpenAI driver (httpx): set ``sync_driver`` to the sync subclass."""

    async def _post(
        self, payload: dict[str, Any], options: dict[str, Any], *, stream: bool = False
    ) -> Any:
        url, payload = self._routed(payload)
        return await _transport.apost(
            self.provider, url, payload, stream=stream, **self._send_kwargs(options)
        )
