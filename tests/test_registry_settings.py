"""Registry, settings naming pattern, entry points and the lazy settings proxy."""

from __future__ import annotations

import pytest

import prompture
from prompture.drivers import (
    AsyncMoonshotDriver,
    AsyncOpenRouterDriver,
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
from prompture.exceptions import ConfigurationError

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
    assert set(prompture.__all__) == public - modules
