"""The Azure OpenAI base: a generated-style subclass through the contract suite on the local
Azure server (dated deployment URLs and the v1 API), the server checked by the openai SDK's
`AzureOpenAI` client, and Azure's resource and key handling."""

from __future__ import annotations

import openai
import pytest

from prompture.drivers.azure_openai import AsyncAzureOpenAIDriver, AzureOpenAIDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.testing.azure_contract import AzureOpenAIContract
from prompture.testing.azure_server import AzureOpenAIServer


# What the scaffolder generates for Azure (one file each for the sync and the async driver).
class AzureDriver(AzureOpenAIDriver):
    provider = "azure"
    display_name = "Azure"
    api_key_env = ("AZURE_API_KEY",)
    resource_env = ("AZURE_RESOURCE_NAME",)
    resource_url_template = "https://{resource}.openai.azure.com"
    api_version = "2024-10-21"
    default_model = "gpt-4o"
    supports_json_mode = supports_json_schema = supports_tool_use = True
    supports_streaming = supports_vision = supports_reasoning = True


class AsyncAzureDriver(AsyncAzureOpenAIDriver):
    sync_driver = AzureDriver


class AzureV1Driver(AzureDriver):
    """The same resource through Azure's v1 API (no api-version, model in the body)."""

    api_version = None


class AsyncAzureV1Driver(AsyncAzureOpenAIDriver):
    sync_driver = AzureV1Driver
    api_version = None


class TestAzureDriver(AzureOpenAIContract):
    driver_class = AzureDriver
    async_driver_class = AsyncAzureDriver
    priced_model = "gpt-4o"


class TestAzureV1Driver(AzureOpenAIContract):
    driver_class = AzureV1Driver
    async_driver_class = AsyncAzureV1Driver
    priced_model = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def running_server():
    with AzureOpenAIServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def test_server_speaks_azure_to_the_official_sdk(server):
    server.script("Hi from Azure", usage={"prompt_tokens": 4, "completion_tokens": 3})
    client = openai.AzureOpenAI(
        azure_endpoint=server.url, api_key="test-key", api_version="2024-10-21", max_retries=0
    )
    completion = client.chat.completions.create(
        model="my-gpt4o", messages=[{"role": "user", "content": "Hi"}]
    )
    assert completion.choices[0].message.content == "Hi from Azure"
    assert completion.model == "my-gpt4o"
    assert completion.usage.total_tokens == 7
    sent = server.last_request
    assert sent.path == "/openai/deployments/my-gpt4o/chat/completions"
    assert sent.query == "api-version=2024-10-21"
    assert sent.headers["api-key"] == "test-key"

    server.script("Hello there!")
    stream = client.chat.completions.create(
        model="my-gpt4o", messages=[{"role": "user", "content": "Hi"}], stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == "Hello there!"


def test_server_v1_api_takes_the_openai_client(server):
    client = openai.OpenAI(base_url=server.url + "/openai/v1/", api_key="test-key", max_retries=0)
    completion = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Hi"}]
    )
    assert completion.choices[0].message.content
    assert sorted(m.id for m in client.models.list()) == ["test-model", "test-model-2"]


def test_server_is_strict_about_key_and_api_version(server):
    client = openai.AzureOpenAI(
        azure_endpoint=server.url, api_key="wrong", api_version="2024-10-21", max_retries=0
    )
    with pytest.raises(openai.AuthenticationError):
        client.chat.completions.create(model="d", messages=[{"role": "user", "content": "Hi"}])
    plain = openai.OpenAI(
        base_url=server.url + "/openai",
        api_key="unused",
        default_headers={"api-key": "test-key"},
        max_retries=0,
    )
    with pytest.raises(openai.NotFoundError):  # the dated route without api-version
        plain.post("/deployments/d/chat/completions", body={"messages": []}, cast_to=object)


def test_driver_sends_the_deployment_url_and_api_key(server):
    driver = AzureDriver(api_key="test-key", endpoint=server.url, model="prod-4o")
    assert driver.generate("Hi")["text"]
    sent = server.last_request
    assert sent.path == "/openai/deployments/prod-4o/chat/completions"
    assert sent.query == "api-version=2024-10-21"
    assert "authorization" not in sent.headers


def test_endpoint_from_the_resource_name_and_version_from_env(monkeypatch):
    monkeypatch.setenv("AZURE_RESOURCE_NAME", "contoso")
    monkeypatch.setenv("AZURE_API_VERSION", "2025-04-01-preview")
    monkeypatch.delenv("AZURE_ENDPOINT", raising=False)
    driver = AzureDriver(api_key="k" * 8)
    assert driver.endpoint == "https://contoso.openai.azure.com"
    assert driver._chat_url("gpt 4o") == (
        "https://contoso.openai.azure.com/openai/deployments/gpt%204o/chat/completions"
        "?api-version=2025-04-01-preview"
    )


def test_no_resource_is_a_configuration_error_naming_the_variables(monkeypatch):
    for name in ("AZURE_RESOURCE_NAME", "AZURE_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    driver = AzureDriver(api_key="secret-key-123")
    with pytest.raises(ConfigurationError) as info:
        driver.generate("Hi")
    assert "AZURE_RESOURCE_NAME" in str(info.value) and "AZURE_ENDPOINT" in str(info.value)
    assert "secret-key-123" not in str(info.value)


def test_key_never_in_errors(server):
    key = "azure-secret-key-42"
    server.api_key = key
    try:
        body = server.error_body(500, f"upstream saw {key}")
        server.fail_next(500, times=2, body=body)
        driver = AzureDriver(api_key=key, endpoint=server.url, max_retries=1, retry_backoff=0)
        with pytest.raises(DriverHTTPError) as info:
            driver.generate("Hi")
        assert key not in str(info.value) and key not in repr(driver)
    finally:
        server.api_key = "test-key"


class AzureCognitiveDriver(AzureOpenAIDriver):
    """Azure AI services (models.dev ``azure-cognitive-services``): same wire, its own host."""

    provider = "azure_cognitive_services"
    api_key_env = ("AZURE_COGNITIVE_SERVICES_API_KEY",)
    resource_env = ("AZURE_COGNITIVE_SERVICES_RESOURCE_NAME",)
    resource_url_template = "https://{resource}.cognitiveservices.azure.com"
    default_model = "gpt-4o"
    supports_tool_use = supports_streaming = True


def test_azure_ai_services_resource_and_call(server, monkeypatch):
    monkeypatch.setenv("AZURE_COGNITIVE_SERVICES_RESOURCE_NAME", "fabrikam")
    assert AzureCognitiveDriver(api_key="k" * 8).endpoint == (
        "https://fabrikam.cognitiveservices.azure.com"
    )
    monkeypatch.setenv("AZURE_COGNITIVE_SERVICES_API_KEY", "test-key")
    driver = AzureCognitiveDriver(endpoint=server.url)
    chunks = list(driver.generate_messages_stream([{"role": "user", "content": "Hi"}]))
    assert chunks[-1]["type"] == "done" and chunks[-1]["text"]
    assert server.last_request.headers["api-key"] == "test-key"
