"""Registry, settings naming pattern, entry points and the lazy settings proxy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import prompture
from prompture.drivers import (
    AsyncMoonshotDriver,
    AsyncOpenRouterDriver,
    ClaudeDriver,
    GrokDriver,
    MoonshotDriver,
    OpenRouterDriver,
    ZaiDriver,
    get_async_driver_for_model,
    get_driver_for_model,
    list_registered_async_drivers,
    list_registered_drivers,
    register_driver,
    unregister_driver,
)
from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.testing import OpenAICompatServer

BUILT_INS = {"grok", "moonshot", "zai", "modelscope", "openrouter", "lmstudio"}


def test_all_six_registered_sync_and_async():
    assert BUILT_INS <= set(list_registered_drivers())
    assert BUILT_INS <= set(list_registered_async_drivers())


def test_model_names_split_on_the_first_slash_only():
    driver = get_driver_for_model("openrouter/openai/gpt-4o")
    assert isinstance(driver, OpenRouterDriver) and driver.model == "openai/gpt-4o"
    assert isinstance(get_async_driver_for_model("openrouter/x/y"), AsyncOpenRouterDriver)


def test_factories_read_settings_when_called(monkeypatch):
    monkeypatch.setenv("MOONSHOT_ENDPOINT", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("MOONSHOT_MODEL", "kimi-k2.5")
    monkeypatch.setenv("MOONSHOT_API_KEY", "mk-test-123456")
    driver = get_driver_for_model("moonshot")
    assert isinstance(driver, MoonshotDriver)
    assert driver.endpoint == "http://127.0.0.1:9/v1"
    assert driver.model == "kimi-k2.5"
    assert driver.api_key == "mk-test-123456"
    assert isinstance(get_async_driver_for_model("moonshot/x"), AsyncMoonshotDriver)


def test_alternate_key_variables_are_accepted(monkeypatch):
    monkeypatch.setenv("ZHIPU_API_KEY", "zk-alt-123456")
    assert get_driver_for_model("zai/glm-5.1").api_key == "zk-alt-123456"
    monkeypatch.setenv("XAI_API_KEY", "xk-alt-123456")
    assert GrokDriver().api_key == "xk-alt-123456"


def test_keys_never_in_repr(monkeypatch):
    monkeypatch.setenv("ZAI_API_KEY", "zk-secret-987654")
    from prompture.settings import Settings, settings

    assert "zk-secret-987654" not in repr(Settings())
    assert "zk-secret-987654" not in repr(settings)
    assert "zk-secret-987654" not in repr(ZaiDriver())


def test_unknown_provider_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="nope"):
        get_driver_for_model("nope/model")


def test_registering_twice_needs_overwrite():
    register_driver("tmp_test", lambda model=None: model)
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_driver("tmp_test", lambda model=None: model)
        register_driver("tmp_test", lambda model=None: "new", overwrite=True)
        assert get_driver_for_model("tmp_test/x") == "new"
    finally:
        unregister_driver("tmp_test")


def test_missing_key_is_reported_on_use_not_construction():
    driver = MoonshotDriver()
    with pytest.raises(ConfigurationError, match="MOONSHOT_API_KEY"):
        driver.generate("hi", {})


def test_exported_members_match_all():
    public = {name for name in dir(prompture) if not name.startswith("_")}
    modules = {"async_driver", "core", "cost_mixin", "discovery", "driver", "drivers"}
    modules |= {"exceptions", "settings", "model_rates", "async_core", "infra", "testing"}
    modules |= {"aio", "conversation", "fields", "images", "tools"}
    assert set(prompture.__all__) == public - modules


@pytest.fixture
def grok_server(monkeypatch):
    """A local Grok endpoint the factories point at; retries without delay."""
    with OpenAICompatServer(api_key="test-key") as server:
        monkeypatch.setenv("GROK_ENDPOINT", server.url)
        monkeypatch.setenv("GROK_API_KEY", "test-key")
        monkeypatch.setenv("PROMPTURE_RETRY_BACKOFF", "0")
        yield server


def test_factories_pass_the_configured_retry_policy(monkeypatch, grok_server):
    monkeypatch.setenv("PROMPTURE_MAX_RETRIES", "0")
    grok_server.fail_next(500, times=5)
    driver = get_driver_for_model("grok/test-model")
    assert (driver.max_retries, driver.retry_backoff) == (0, 0.0)
    with pytest.raises(DriverHTTPError) as caught:
        driver.generate("Hi")
    assert caught.value.status_code == 500
    assert len(grok_server.requests) == 1


async def test_async_factories_pass_the_configured_retry_policy(monkeypatch, grok_server):
    monkeypatch.setenv("PROMPTURE_MAX_RETRIES", "1")
    grok_server.fail_next(500, times=5)
    driver = get_async_driver_for_model("grok/test-model")
    with pytest.raises(DriverHTTPError):
        await driver.generate("Hi")
    assert len(grok_server.requests) == 2


def test_without_retry_settings_drivers_keep_their_default(grok_server):
    driver = get_driver_for_model("grok/test-model")
    assert (driver.max_retries, driver.retry_backoff) == (2, 0.0)
    assert get_driver_for_model("claude/x").max_retries == 2


def test_constructor_arguments_beat_the_retry_settings(monkeypatch):
    monkeypatch.setenv("PROMPTURE_MAX_RETRIES", "0")
    monkeypatch.setenv("PROMPTURE_RETRY_BACKOFF", "3")
    driver = GrokDriver(max_retries=4, retry_backoff=0.25)
    assert (driver.max_retries, driver.retry_backoff) == (4, 0.25)


@pytest.mark.parametrize(
    ("policy", "shown"),
    [
        ({"max_retries": -1}, "not -1"),
        ({"max_retries": 1.5}, "not 1.5"),
        ({"max_retries": True}, "not True"),
        ({"retry_backoff": -0.5}, "not -0.5"),
        ({"retry_backoff": "soon"}, "not 'soon'"),
        ({"retry_backoff": float("nan")}, "not nan"),
    ],
)
@pytest.mark.parametrize("cls", [GrokDriver, AsyncMoonshotDriver, ClaudeDriver])
def test_a_bad_retry_policy_is_refused_before_any_request(grok_server, cls, policy, shown):
    with pytest.raises(ConfigurationError, match=f"{next(iter(policy))} must be .*{shown}"):
        cls(api_key="test-key", endpoint=grok_server.url, **policy)
    assert grok_server.requests == []


def test_a_negative_max_retries_setting_names_its_variable(monkeypatch, grok_server):
    monkeypatch.setenv("PROMPTURE_MAX_RETRIES", "-1")
    with pytest.raises(ConfigurationError, match="PROMPTURE_MAX_RETRIES.*not -1"):
        get_driver_for_model("grok/test-model")
    with pytest.raises(ConfigurationError, match="PROMPTURE_MAX_RETRIES.*not -1"):
        get_async_driver_for_model("grok/test-model")
    assert grok_server.requests == []


def test_entry_point_drivers_are_found_and_never_replace_a_builtin(tmp_path):
    """A plugin's driver is found by key; a plugin claiming a built-in key is ignored."""
    dist = tmp_path / "acme_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[prompture.drivers]\nacme = acme_plugin:factory\nmoonshot = acme_plugin:factory\n"
    )
    (tmp_path / "acme_plugin.py").write_text(
        "def factory(model=None):\n    return ('acme', model)\n"
    )
    code = (
        "import prompture\n"
        "print(prompture.get_driver_for_model('acme/m1'))\n"
        "print(type(prompture.get_driver_for_model('moonshot/kimi-k2-0905-preview')).__name__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "MOONSHOT_API_KEY": "k"}
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.stdout.splitlines() == ["('acme', 'm1')", "MoonshotDriver"], run.stderr
