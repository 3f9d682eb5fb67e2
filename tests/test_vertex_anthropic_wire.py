"""The Vertex Anthropic base: a generated-style subclass through the contract suite on the
local Vertex server, the server checked by the anthropic SDK's `AnthropicVertex`, and
credentials from a service-account file refreshed by google-auth against the local server."""

from __future__ import annotations

import json

import anthropic
import pytest

from prompture.drivers.vertex_anthropic import AsyncVertexAnthropicDriver, VertexAnthropicDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.model_rates import PROVIDER_MAP
from prompture.testing.vertex_contract import VertexAnthropicContract
from prompture.testing.vertex_server import VertexAnthropicServer


# What the scaffolder generates for Vertex (Anthropic) (one file each, sync and async).
class VertexClaudeDriver(VertexAnthropicDriver):
    provider = "vertex_anthropic"
    display_name = "Vertex (Anthropic)"
    api_key_env = ("GOOGLE_VERTEX_ACCESS_TOKEN",)
    default_location = "global"
    default_model = "claude-sonnet-4-5@20250929"
    supports_tool_use = supports_streaming = supports_vision = supports_reasoning = True


class AsyncVertexClaudeDriver(AsyncVertexAnthropicDriver):
    sync_driver = VertexClaudeDriver


@pytest.fixture(autouse=True)
def catalogue_entry(monkeypatch):
    """The PROVIDER_MAP line the scaffolder adds; no Google variables from the machine."""
    monkeypatch.setitem(PROVIDER_MAP, "vertex_anthropic", "google-vertex-anthropic")
    for name in (
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_VERTEX_PROJECT",
        "GOOGLE_CLOUD_PROJECT",
        "GOOGLE_VERTEX_LOCATION",
        "GOOGLE_CLOUD_LOCATION",
        "GOOGLE_VERTEX_ACCESS_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


class TestVertexClaudeDriver(VertexAnthropicContract):
    driver_class = VertexClaudeDriver
    async_driver_class = AsyncVertexClaudeDriver
    priced_model = "claude-sonnet-4-5@20250929"


@pytest.fixture(scope="module")
def running_server():
    with VertexAnthropicServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def sdk_client(server, **kwargs):
    return anthropic.AnthropicVertex(
        region="us-east5",
        project_id=kwargs.pop("project_id", "test-project"),
        access_token=kwargs.pop("access_token", "test-key"),
        base_url=server.url + "/v1",
        max_retries=0,
    )


def test_server_speaks_vertex_to_the_official_sdk(server):
    server.script("Hi from Vertex", usage={"prompt_tokens": 5, "completion_tokens": 3})
    message = sdk_client(server).messages.create(
        model="claude-sonnet-4-5@20250929",
        max_tokens=64,
        messages=[{"role": "user", "content": "Hi"}],
    )
    assert message.content[0].text == "Hi from Vertex"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (5, 3)
    sent = server.last_request
    assert sent.path == (
        "/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/"
        "claude-sonnet-4-5@20250929:rawPredict"
    )
    assert sent.body["anthropic_version"] and "model" not in sent.body  # the SDK's version

    server.script("Streamed from Vertex")
    with sdk_client(server).messages.stream(
        model="claude-sonnet-4-5@20250929",
        max_tokens=64,
        messages=[{"role": "user", "content": "Hi"}],
    ) as stream:
        assert "".join(stream.text_stream) == "Streamed from Vertex"
    assert server.last_request.path.endswith(":streamRawPredict")


def test_server_rejects_what_vertex_rejects(server):
    with pytest.raises(anthropic.AuthenticationError):
        sdk_client(server, access_token="wrong").messages.create(
            model="m", max_tokens=8, messages=[{"role": "user", "content": "Hi"}]
        )
    with pytest.raises(anthropic.PermissionDeniedError):
        sdk_client(server, project_id="other").messages.create(
            model="m", max_tokens=8, messages=[{"role": "user", "content": "Hi"}]
        )
    plain = anthropic.Anthropic(
        api_key="unused",
        base_url=server.url,
        max_retries=0,
        default_headers={"Authorization": "Bearer test-key"},
    )
    path = "/v1/projects/test-project/locations/us-east5/publishers/anthropic/models/m:rawPredict"
    with pytest.raises(anthropic.BadRequestError):  # no anthropic_version in the body
        plain.post(path, body={"max_tokens": 8, "messages": []}, cast_to=object)


def test_driver_sends_the_documented_vertex_version(server):
    driver = VertexClaudeDriver(api_key="test-key", endpoint=server.url, project="test-project")
    assert driver.generate("Hi", {"model": "claude-haiku-4-5@20251001"})["text"]
    sent = server.last_request
    assert sent.body["anthropic_version"] == "vertex-2023-10-16" and "model" not in sent.body
    assert sent.path.startswith("/v1/projects/test-project/locations/global/publishers/anthropic/")
    assert sent.path.endswith("/models/claude-haiku-4-5@20251001:rawPredict")


def test_service_account_file_is_refreshed_through_google_auth(server, tmp_path, monkeypatch):
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps(server.service_account(project_id="test-project")))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    driver = VertexClaudeDriver(endpoint=server.url, location="us-east5")
    assert driver.generate("Hi")["text"]
    token_request, call = server.requests
    assert token_request.path == "/token"
    assert call.headers["authorization"] == "Bearer test-key"
    assert "/projects/test-project/locations/us-east5/" in call.path  # project from the file


def test_service_account_with_a_foreign_key_is_refused(server, tmp_path, monkeypatch):
    from prompture.testing._google_oauth import service_account_info

    key_file = tmp_path / "sa.json"
    server.service_account()  # the server trusts some key, not this one
    key_file.write_text(json.dumps(service_account_info(server.token_uri)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    with pytest.raises(DriverHTTPError) as info:
        VertexClaudeDriver(endpoint=server.url, max_retries=0).generate("Hi")
    assert "Invalid JWT Signature" in str(info.value)
    assert (info.value.status_code, info.value.retryable) == (401, False)
    assert [r.path for r in server.requests] == ["/token"]


def test_no_credentials_names_token_and_file_variables():
    driver = VertexClaudeDriver(project="p")
    with pytest.raises(ConfigurationError) as info:
        driver.generate("Hi")
    assert "GOOGLE_VERTEX_ACCESS_TOKEN" in str(info.value)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(info.value)


def test_no_project_is_a_configuration_error(server):
    driver = VertexClaudeDriver(api_key="test-key", endpoint=server.url)
    with pytest.raises(ConfigurationError, match="GOOGLE_VERTEX_PROJECT"):
        driver.generate("Hi")
    assert server.requests == []


def test_endpoint_follows_the_location(monkeypatch):
    monkeypatch.setenv("GOOGLE_VERTEX_LOCATION", "europe-west1")
    assert (
        VertexClaudeDriver(api_key="t").endpoint == "https://europe-west1-aiplatform.googleapis.com"
    )
    assert VertexClaudeDriver(api_key="t", location="global").endpoint == (
        "https://aiplatform.googleapis.com"
    )
