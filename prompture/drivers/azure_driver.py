"""Azure driver: Azure OpenAI chat completions (Azure's v1 API) at the resource's URL.

API key: AZURE_API_KEY, sent in the ``api-key`` header.
Base URL: AZURE_ENDPOINT, else the default below, filled in when the driver is used
(${AZURE_RESOURCE_NAME} from AZURE_RESOURCE_NAME).
Prices and capabilities: models.dev ("azure") and infra/rates/azure.json.
"""

from __future__ import annotations

from .azure_openai import AzureOpenAIDriver


class AzureDriver(AzureOpenAIDriver):
    """Azure over Azure OpenAI."""

    provider = "azure"
    display_name = "Azure"
    api_key_env = ("AZURE_API_KEY",)
    default_endpoint = "https://${AZURE_RESOURCE_NAME}.openai.azure.com"
    default_model = "gpt-5.5"
    api_version = None

    supports_json_mode = True
    supports_json_schema = True
    supports_tool_use = True
    supports_streaming = True
    supports_vision = True
    supports_reasoning = True
