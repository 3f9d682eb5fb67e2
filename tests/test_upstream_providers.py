"""Azure and CachiBot reached the way upstream Prompture reaches them, on local strict servers.

Azure: upstream's ``AZURE_API_KEY``, ``AZURE_API_ENDPOINT``, ``AZURE_DEPLOYMENT_ID`` (one
deployment for every model name) and ``AZURE_API_VERSION`` (the dated API; without it the v1
API), from the environment or `.env`, against a server that checks the ``api-key`` header and
the ``api-version``. CachiBot: ``cachibot/{upstream}/{model}`` sent as is, priced as the
upstream's model. The generated contract tests (`test_azure_driver.py`,
`test_cachibot_driver.py`) run the drivers through the whole contract.
"""

from __future__ import annotations

import pytest

from prompture.drivers import AzureDriver, get_async_driver_for_model, get_driver_for_model
from prompture.model_rates import get_model_capabilities, get_model_rates
from prompture.testing import AzureOpenAIServer, OpenAICompatServer

KEY = "upstream-style-key-123"
USAGE = {"prompt_tokens": 1000, "completion_tokens": 100}


def cost_of(provider: str, model: str) -> float:
    rates = get_model_rates(provider, model)
    return round((1000 * rates["input"] + 100 * rates["output"]) / 1_000_000, 6)


@pytest.fixture(scope="module")
def running_azure():
    with AzureOpenAIServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def azure(running_azure, monkeypatch):
    for name in ("AZURE_DEPLOYMENT_ID", "AZURE_API_VERSION", "AZURE_RESOURCE_NAME"):
        monkeypatch.delenv(name, raising=False)
    running_azure.reset()
    for _ in range(2):  # one answer per request: a sync and an async call
        running_azure.script("Hi from Azure", usage=USAGE)
    return running_azure


@pytest.fixture(scope="module")
def running_compat():
    with OpenAICompatServer(api_key=KEY) as server:
        yield server


@pytest.fixture
def cachibot(running_compat, monkeypatch):
    monkeypatch.setenv("CACHIBOT_API_KEY", KEY)
    monkeypatch.setenv("CACHIBOT_ENDPOINT", running_compat.url)
    running_compat.reset()
    for _ in range(2):
        running_compat.script("Hi from CachiBot", usage=USAGE)
    return running_compat


def upstream_azure_env(monkeypatch, server, **more: str) -> None:
    monkeypatch.setenv("AZURE_API_KEY", KEY)
    monkeypatch.setenv("AZURE_API_ENDPOINT", f"{server.url}/")  # as Azure's portal writes it
    for name, value in more.items():
        monkeypatch.setenv(name, value)


def test_azure_takes_upstreams_variables_and_one_deployment(azure, monkeypatch):
    upstream_azure_env(
        monkeypatch,
        azure,
        AZURE_DEPLOYMENT_ID="prod-deployment",
        AZURE_API_VERSION="2024-02-15-preview",
    )
    result = get_driver_for_model("azure/gpt-4").generate("Hi", {})
    sent = azure.last_request
    assert sent.path == "/openai/deployments/prod-deployment/chat/completions"
    assert sent.query == "api-version=2024-02-15-preview"
    assert sent.headers["api-key"] == KEY and "authorization" not in sent.headers
    assert result["text"] == "Hi from Azure"
    # Priced as the model named, not as the deployment serving it.
    assert result["meta"]["model_name"] == "gpt-4"
    assert result["meta"]["cost"] == cost_of("azure", "gpt-4") > 0


async def test_async_azure_without_a_version_speaks_the_v1_api(azure, monkeypatch):
    upstream_azure_env(monkeypatch, azure)
    result = await get_async_driver_for_model("azure/gpt-4o-mini").generate("Hi", {})
    sent = azure.last_request
    assert sent.path == "/openai/v1/chat/completions" and sent.body["model"] == "gpt-4o-mini"
    assert sent.headers["api-key"] == KEY
    assert result["meta"]["cost"] == cost_of("azure", "gpt-4o-mini") > 0


@pytest.mark.parametrize(
    ("version", "path"),
    [
        ("", "/openai/v1/chat/completions"),
        ("2025-01-01-preview", "/openai/deployments/from-dotenv/chat/completions"),
    ],
)
async def test_azure_reads_upstreams_dotenv(azure, version, path, tmp_path):
    """Upstream's `.env` lines, as its `.env.copy` has them (the working directory is
    `tmp_path`); the deployment serves the model in the body of a v1 call as well."""
    (tmp_path / ".env").write_text(
        f"AZURE_API_KEY={KEY}\nAZURE_API_ENDPOINT={azure.url}/\n"
        f"AZURE_DEPLOYMENT_ID=from-dotenv\nAZURE_API_VERSION={version}\n",
        encoding="utf-8",
    )
    sync = get_driver_for_model("azure/gpt-4o-mini").generate("Hi", {})
    assert azure.last_request.path == path
    assert azure.last_request.body["model"] == "from-dotenv"
    done = await get_async_driver_for_model("azure/gpt-4o-mini").generate("Hi", {})
    assert azure.last_request.path == path
    assert sync["meta"]["cost"] == done["meta"]["cost"] == cost_of("azure", "gpt-4o-mini")


def test_azure_deployment_argument_beats_the_variable(azure, monkeypatch):
    upstream_azure_env(monkeypatch, azure, AZURE_DEPLOYMENT_ID="from-env")
    driver = AzureDriver(api_key=KEY, endpoint=azure.url, deployment_id="from-code")
    driver.generate("Hi", {"model": "gpt-4"})
    assert azure.last_request.body["model"] == "from-code"


def test_azure_key_is_checked_by_the_server(azure, monkeypatch):
    upstream_azure_env(monkeypatch, azure)
    monkeypatch.setenv("AZURE_API_KEY", "not-the-key-456")
    from prompture.exceptions import DriverHTTPError

    with pytest.raises(DriverHTTPError) as caught:
        get_driver_for_model("azure/gpt-4").generate("Hi", {})
    assert caught.value.status_code == 401 and "not-the-key-456" not in str(caught.value)


@pytest.mark.parametrize("upstream", ["openai/gpt-4o-mini", "groq/llama-3.3-70b-versatile"])
async def test_cachibot_sends_upstream_model_ids_and_prices_them_upstream(cachibot, upstream):
    provider, model = upstream.split("/", 1)
    sync = get_driver_for_model(f"cachibot/{upstream}").generate("Hi", {})
    assert cachibot.last_request.body["model"] == upstream
    assert cachibot.last_request.headers["authorization"] == f"Bearer {KEY}"
    done = await get_async_driver_for_model(f"cachibot/{upstream}").generate("Hi", {})
    assert cachibot.last_request.body["model"] == upstream
    assert sync["meta"]["cost"] == done["meta"]["cost"] == cost_of(provider, model) > 0


def test_only_proxies_route_model_ids_to_their_upstream():
    assert get_model_rates("cachibot", "openai/gpt-4o-mini") == get_model_rates(
        "openai", "gpt-4o-mini"
    )
    gpt5 = get_model_capabilities("cachibot", "openai/gpt-5")
    assert gpt5.tokens_param == get_model_capabilities("openai", "gpt-5").tokens_param
    assert gpt5.api_type == "openai"
    # CachiBot's own rate file still has the last word (no json_schema on its wire).
    assert (
        get_model_capabilities("cachibot", "openai/gpt-4o-mini").supports_structured_output is False
    )
    assert get_model_rates("cachibot", "openai/no-such-model") is None
    assert get_model_rates("cachibot", "gpt-4o-mini") is None  # no upstream named
    assert get_model_rates("moonshot", "openai/gpt-4o-mini") is None  # not a proxy
