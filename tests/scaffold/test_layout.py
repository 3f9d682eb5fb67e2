"""`discover`, `find_repo`, import paths and what the checkout says about its drivers."""

from __future__ import annotations

import dataclasses

import pytest
from checkouts import REPO, acmelib, build_file_tree, repo_layout

from prompture_scaffold._compat import tomllib
from prompture_scaffold.checkout import discover, existing_providers, find_repo
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.driver_spec import DriverSpec
from prompture_scaffold.spec.readback import spec_from_checkout

BUILT_INS = {
    "grok": "GrokDriver",
    "moonshot": "MoonshotDriver",
    "zai": "ZaiDriver",
    "modelscope": "ModelScopeDriver",
    "openrouter": "OpenRouterDriver",
    "lmstudio": "LMStudioDriver",
}


def _relative_symbols(layout) -> dict[str, str]:
    return {name: path.relative_to(layout.root).as_posix() for name, path in layout.symbols.items()}


def test_find_repo_walks_up_from_a_subdirectory():
    assert find_repo(REPO / "prompture" / "drivers" / "specs") == REPO


def test_find_repo_without_a_drivers_package_is_unsafe(tmp_path):
    with pytest.raises(UnsafeTarget) as caught:
        find_repo(tmp_path)
    assert caught.value.symbol == "drivers/__init__.py"


def test_discover_our_checkout():
    layout = repo_layout()
    assert (layout.package, layout.line_length) == ("prompture", 100)
    assert _relative_symbols(layout) == {
        "Settings": "prompture/settings.py",
        "get_available_models": "prompture/discovery.py",
        "PROVIDER_MAP": "prompture/model_rates.py",
        "Driver": "prompture/driver.py",
        "AsyncDriver": "prompture/async_driver.py",
        "CostMixin": "prompture/cost_mixin.py",
        "OpenAICompatibleDriver": "prompture/drivers/openai_compatible.py",
        "AsyncOpenAICompatibleDriver": "prompture/drivers/openai_compatible.py",
        "AnthropicMessagesDriver": "prompture/drivers/anthropic_messages.py",
        "AsyncAnthropicMessagesDriver": "prompture/drivers/anthropic_messages.py",
        # The bases of the provider-family wires and the URL-template filler (issue 12):
        "AzureOpenAIDriver": "prompture/drivers/azure_openai.py",
        "AsyncAzureOpenAIDriver": "prompture/drivers/azure_openai.py",
        "CohereChatDriver": "prompture/drivers/cohere_chat.py",
        "AsyncCohereChatDriver": "prompture/drivers/cohere_chat.py",
        "VertexGeminiDriver": "prompture/drivers/vertex_gemini.py",
        "AsyncVertexGeminiDriver": "prompture/drivers/vertex_gemini.py",
        "VertexAnthropicDriver": "prompture/drivers/vertex_anthropic.py",
        "AsyncVertexAnthropicDriver": "prompture/drivers/vertex_anthropic.py",
        "BedrockConverseDriver": "prompture/drivers/bedrock_converse.py",
        "AsyncBedrockConverseDriver": "prompture/drivers/bedrock_converse.py",
        "OpenAIResponsesDriver": "prompture/drivers/openai_responses.py",
        "AsyncOpenAIResponsesDriver": "prompture/drivers/openai_responses.py",
        "fill_template": "prompture/_endpoints.py",
        "CustomWireDriver": "prompture/drivers/custom_wire.py",
        "AsyncCustomWireDriver": "prompture/drivers/custom_wire.py",
        "register_driver_calls": "prompture/drivers/__init__.py",
        "register_async_driver_calls": "prompture/drivers/__init__.py",
        # Optional ones the templates use when the checkout has them:
        "ConfigurationError": "prompture/exceptions.py",
        "DriverHTTPError": "prompture/exceptions.py",
        "prepare_strict_schema": "prompture/cost_mixin.py",
        "get_model_capabilities": "prompture/model_rates.py",
        "get_driver_for_model": "prompture/drivers/registry.py",
        "get_async_driver_for_model": "prompture/drivers/registry.py",
    }
    assert layout.rates_dir == REPO / "prompture" / "infra" / "rates"
    assert (layout.env_template, layout.docs_file) == (REPO / ".env.copy", REPO / "CLAUDE.md")


def test_discover_a_subpackage_layout(tmp_path):
    layout = acmelib(tmp_path)
    assert (layout.package, layout.line_length) == ("acmelib", 88)
    assert _relative_symbols(layout) == {
        "Settings": "acmelib/infra/settings.py",
        "get_available_models": "acmelib/infra/discovery.py",
        "PROVIDER_MAP": "acmelib/model_rates.py",
        "Driver": "acmelib/drivers/base.py",
        "AsyncDriver": "acmelib/drivers/base.py",
        "CostMixin": "acmelib/drivers/base.py",
        "register_driver_calls": "acmelib/drivers/__init__.py",
        "register_async_driver_calls": "acmelib/drivers/async_registry.py",
        "get_driver_for_model": "acmelib/drivers/registry.py",
    }
    assert layout.rates_dir == layout.package_dir / "infra" / "rates"
    assert layout.docs_file == layout.root / "AGENTS.md"
    assert (layout.examples_dir, layout.tests_dir) == (None, None)


def test_relative_imports_in_our_checkout():
    layout = repo_layout()
    driver = layout.drivers_dir / "acme_driver.py"
    assert layout.relative_import(driver, "CostMixin") == "..cost_mixin"
    assert layout.relative_import(driver, "OpenAICompatibleDriver") == ".openai_compatible"
    assert layout.relative_module(layout.package_dir / "discovery.py", "prompture.drivers") == (
        ".drivers"
    )
    assert layout.module_of(layout.drivers_init) == "prompture.drivers"


def test_relative_imports_in_a_subpackage_layout(tmp_path):
    layout = acmelib(tmp_path)
    driver = layout.drivers_dir / "acme_driver.py"
    assert layout.relative_import(driver, "CostMixin") == ".base"
    assert layout.relative_import(driver, "Settings") == "..infra.settings"
    assert layout.relative_import(layout.package_dir / "__init__.py", "get_available_models") == (
        ".infra.discovery"
    )
    discovery = layout.symbols["get_available_models"]
    assert layout.relative_module(discovery, "acmelib.drivers") == "..drivers"
    assert layout.module_of(discovery) == "acmelib.infra.discovery"


def test_relative_import_of_an_unknown_symbol_is_unsafe(tmp_path):
    layout = acmelib(tmp_path)
    with pytest.raises(UnsafeTarget) as caught:
        layout.relative_import(layout.drivers_init, "OpenAICompatibleDriver")
    assert caught.value.symbol == "OpenAICompatibleDriver"


def test_the_package_named_in_pyproject_wins(tmp_path):
    root = build_file_tree(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "second-lib"\n',
            "first/__init__.py": "",
            "first/drivers/__init__.py": "",
            "second_lib/__init__.py": "",
            "second_lib/drivers/__init__.py": "",
        },
    )
    assert discover(root).package == "second_lib"


def test_existing_providers_include_the_six_built_ins():
    assert existing_providers(repo_layout()).items() >= BUILT_INS.items()


def test_existing_providers_from_lambda_registrations(tmp_path):
    assert existing_providers(acmelib(tmp_path)) == {"alpha": "AlphaDriver", "beta": "BetaDriver"}


def test_existing_providers_from_imports_without_registrations(tmp_path):
    init = "from .async_x_driver import AsyncXDriver\nfrom .x_driver import XDriver\n"
    layout = acmelib(tmp_path, **{"acmelib/drivers/__init__.py": init})
    assert existing_providers(layout) == {"x": "XDriver"}


def _spec_file(provider: str) -> DriverSpec:
    data = tomllib.loads((REPO / f"prompture/drivers/specs/{provider}.toml").read_text())
    data["extra_api_key_envs"] = tuple(data["extra_api_key_envs"])
    return DriverSpec(**data)


@pytest.mark.parametrize("provider", ["moonshot", "zai", "lmstudio", "modelscope"])
def test_spec_from_checkout_rebuilds_the_spec_file(provider):
    """Everything but `example`/`tests`, which say whether those files exist."""
    rebuilt = spec_from_checkout(repo_layout(), provider)
    expected = _spec_file(provider)
    assert rebuilt == dataclasses.replace(expected, example=rebuilt.example, tests=rebuilt.tests)


def test_spec_from_checkout_in_a_subpackage_layout(tmp_path):
    layout = acmelib(tmp_path)
    alpha, beta = spec_from_checkout(layout, "alpha"), spec_from_checkout(layout, "beta")
    assert (alpha.sdk, alpha.lazy, alpha.models_dev_name) == ("alpha-sdk>=2.0", True, "alpha-ai")
    assert (alpha.default_model, alpha.json_mode, alpha.compat) == ("alpha-1", True, "custom")
    assert (beta.auth, beta.endpoint, beta.default_model) == (
        "endpoint",
        "http://localhost:8080/v1",
        "beta-large",
    )


def test_spec_from_checkout_of_an_unknown_provider_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        spec_from_checkout(repo_layout(), "acme")
    assert caught.value.symbol == "acme"
