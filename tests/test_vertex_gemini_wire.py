"""The Vertex Gemini base: a generated-style subclass through the contract suite on the local
Vertex server, the server checked by google-genai in Vertex mode, and credentials from a
service-account file refreshed by google-auth against the local server."""

from __future__ import annotations

import json
import sys

import pytest
from google import genai
from google.genai import errors as genai_errors
from google.oauth2.credentials import Credentials

from prompture.drivers.vertex_gemini import AsyncVertexGeminiDriver, VertexGeminiDriver
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.model_rates import PROVIDER_MAP
from prompture.testing.vertex_contract import VertexGeminiContract
from prompture.testing.vertex_server import VertexGeminiServer


# What the scaffolder generates for Vertex (one file each, sync and async).
class VertexDriver(VertexGeminiDriver):
    provider = "vertex"
    display_name = "Vertex"
    api_key_env = ("GOOGLE_VERTEX_ACCESS_TOKEN",)
    default_location = "global"
    default_model = "gemini-2.5-flash"
    supports_json_mode = supports_json_schema = supports_tool_use = True
    supports_streaming = supports_vision = supports_reasoning = True


class AsyncVertexDriver(AsyncVertexGeminiDriver):
    sync_driver = VertexDriver


GOOGLE_VARIABLES = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_VERTEX_PROJECT",
    "GOOGLE_CLOUD_PROJECT",
    "GOOGLE_VERTEX_LOCATION",
    "GOOGLE_CLOUD_LOCATION",
    "GOOGLE_VERTEX_ACCESS_TOKEN",
    "GOOGLE_GENAI_USE_VERTEXAI",
)


@pytest.fixture(autouse=True)
def catalogue_entry(monkeypatch):
    """The PROVIDER_MAP line the scaffolder adds; no Google variables from the machine."""
    monkeypatch.setitem(PROVIDER_MAP, "vertex", "google-vertex")
    for name in GOOGLE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class TestVertexDriver(VertexGeminiContract):
    driver_class = VertexDriver
    async_driver_class = AsyncVertexDriver
    priced_model = "gemini-2.5-flash"


@pytest.fixture(scope="module")
def running_server():
    with VertexGeminiServer() as server:
        yield server


@pytest.fixture
def server(running_server):
    running_server.reset()
    return running_server


def sdk_client(server, token="test-key", project="test-project"):
    return genai.Client(
        vertexai=True,
        project=project,
        location="us-central1",
        credentials=Credentials(token=token),
        http_options={"base_url": server.url + "/", "api_version": "v1"},
    )


def test_server_speaks_vertex_to_google_genai(server):
    server.script("Hi from Vertex", usage={"prompt_tokens": 5, "completion_tokens": 3})
    client = sdk_client(server)  # kept: a collected client closes its connections
    response = client.models.generate_content(model="gemini-2.5-flash", contents="Hi")
    assert response.text == "Hi from Vertex"
    assert response.usage_metadata.total_token_count == 8
    sent = server.last_request
    assert sent.path == (
        "/v1/projects/test-project/locations/us-central1/publishers/google/models/"
        "gemini-2.5-flash:generateContent"
    )
    assert sent.headers["authorization"] == "Bearer test-key"

    server.script("Streamed from Vertex")
    chunks = client.models.generate_content_stream(model="gemini-2.5-flash", contents="Hi")
    assert "".join(chunk.text or "" for chunk in chunks) == "Streamed from Vertex"
    assert server.last_request.path.endswith(":streamGenerateContent")


def test_server_rejects_what_vertex_rejects(server):
    for client, status in (
        (sdk_client(server, token="wrong"), 401),
        (sdk_client(server, project="other"), 403),
    ):
        with pytest.raises(genai_errors.ClientError) as info:
            client.models.generate_content(model="m", contents="Hi")
        assert info.value.code == status


def test_service_account_file_is_refreshed_through_google_auth(server, tmp_path, monkeypatch):
    key_file = tmp_path / "sa.json"
    key_file.write_text(json.dumps(server.service_account()))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    driver = VertexDriver(endpoint=server.url, location="europe-west4")
    assert driver.generate("Hi")["text"]
    assert driver.generate("Again")["text"]
    token_request, *calls = server.requests
    assert token_request.path == "/token" and len(calls) == 2  # one refresh for both calls
    assert all(c.headers["authorization"] == "Bearer test-key" for c in calls)
    assert "/projects/test-project/locations/europe-west4/" in calls[0].path


def test_refused_refresh_is_a_401_without_a_request(server, tmp_path, monkeypatch):
    from prompture.testing._google_oauth import service_account_info

    key_file = tmp_path / "sa.json"
    server.service_account()  # the server trusts some key, not this one
    key_file.write_text(json.dumps(service_account_info(server.token_uri)))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    with pytest.raises(DriverHTTPError) as info:
        VertexDriver(endpoint=server.url).generate("Hi")
    assert (info.value.status_code, info.value.retryable) == (401, False)
    assert [r.path for r in server.requests] == ["/token"]


def test_unsupported_credentials_file_is_a_configuration_error(tmp_path, monkeypatch):
    key_file = tmp_path / "odd.json"
    key_file.write_text(json.dumps({"type": "external_account", "secret": "s3cr3t-value"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    with pytest.raises(ConfigurationError) as info:
        VertexDriver(project="p").generate("Hi")
    assert "external_account" in str(info.value) and "s3cr3t" not in str(info.value)


def test_list_models_reads_model_garden(server):
    assert VertexDriver.list_models(endpoint=server.url, api_key="test-key") == [
        "test-model",
        "test-model-2",
    ]
    assert server.last_request.path == "/v1beta1/publishers/google/models"
    assert VertexDriver.list_models(endpoint=server.url, api_key="wrong") is None


def test_missing_sdk_names_the_vertex_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.genai", None)  # as if it were not installed
    with pytest.raises(ConfigurationError, match=r"prompture\[vertex\]"):
        VertexDriver(api_key="t", project="p").generate("Hi")
