"""Base-URL templates (issue 12): a default endpoint holding ``${VAR}`` is filled in when the
driver is used, from the variables `endpoint_variables` names (first match wins), else from
``VAR`` itself; a missing one is a ConfigurationError naming it; ``{PROVIDER}_ENDPOINT`` still
replaces the whole URL. Checked against the local OpenAI-compatible server."""

from __future__ import annotations

import asyncio

import pytest

from prompture._endpoints import fill_template, template_names
from prompture.drivers.openai_compatible import (
    AsyncOpenAICompatibleDriver,
    OpenAICompatibleDriver,
)
from prompture.exceptions import ConfigurationError
from prompture.testing import OpenAICompatServer


class AcmeCloudDriver(OpenAICompatibleDriver):
    provider = "acme_cloud"
    display_name = "Acme Cloud"
    api_key_env = ("ACME_CLOUD_API_KEY",)
    default_endpoint = "http://${ACME_HOST}/v1"
    endpoint_variables = {"ACME_HOST": ("ACME_CLOUD_HOST", "ACME_HOST")}
    default_model = "acme-1"


class AsyncAcmeCloudDriver(AsyncOpenAICompatibleDriver):
    sync_driver = AcmeCloudDriver


@pytest.fixture(scope="module")
def server():
    with OpenAICompatServer(api_key="test-key") as running:
        yield running


@pytest.fixture(autouse=True)
def no_variables(monkeypatch):
    for name in ("ACME_HOST", "ACME_CLOUD_HOST", "ACME_CLOUD_ENDPOINT", "ACME_CLOUD_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def host(server) -> str:
    return server.url.removeprefix("http://").removesuffix("/v1")


def test_the_constructor_does_not_fill_in_and_the_first_use_names_the_variables():
    driver = AcmeCloudDriver(api_key="test-key")  # no error here: nothing is used yet
    assert "${ACME_HOST}" in repr(driver)
    with pytest.raises(ConfigurationError) as caught:
        driver.generate("hi")
    assert "ACME_CLOUD_HOST or ACME_HOST" in str(caught.value)


def test_the_catalogue_variable_fills_in_the_template(server, monkeypatch):
    monkeypatch.setenv("ACME_HOST", host(server))
    result = AcmeCloudDriver(api_key="test-key").generate("hi")
    assert result["text"]
    assert server.requests[-1].path == "/v1/chat/completions"


def test_the_providers_own_variable_wins(server, monkeypatch):
    monkeypatch.setenv("ACME_HOST", "elsewhere.invalid")
    monkeypatch.setenv("ACME_CLOUD_HOST", host(server))
    assert AcmeCloudDriver(api_key="test-key").endpoint == server.url


def test_the_async_twin_fills_in_the_same_way(server, monkeypatch):
    monkeypatch.setenv("ACME_CLOUD_HOST", host(server))
    result = asyncio.run(AsyncAcmeCloudDriver(api_key="test-key").generate("hi"))
    assert result["text"]


def test_a_scheme_typed_before_a_host_is_dropped(server, monkeypatch):
    monkeypatch.setenv("ACME_HOST", f"http://{host(server)}/")
    assert AcmeCloudDriver(api_key="test-key").endpoint == server.url


def test_a_value_that_is_no_url_part_is_refused_unshown(monkeypatch):
    monkeypatch.setenv("ACME_HOST", "evil.test/path?x=secret-ish")
    with pytest.raises(ConfigurationError) as caught:
        AcmeCloudDriver(api_key="test-key").generate("hi")
    assert "secret-ish" not in str(caught.value)
    assert "ACME_CLOUD_HOST" in str(caught.value)


def test_the_provider_endpoint_replaces_the_whole_template(server, monkeypatch):
    monkeypatch.setenv("ACME_CLOUD_ENDPOINT", server.url)
    assert AcmeCloudDriver(api_key="test-key").generate("hi")["text"]


def test_a_placeholder_not_listed_is_read_from_its_own_name():
    assert template_names("https://${A}.x/${B}/${A}") == ("A", "B")
    values = {"A": "one", "B": "two"}
    assert fill_template("https://${A}.x/${B}", {}, "acme", values.get) == "https://one.x/two"
    with pytest.raises(ConfigurationError, match="needs B"):
        fill_template("https://${A}.x/${B}", {}, "acme", {"A": "one"}.get)
