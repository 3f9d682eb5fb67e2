# ruff: noqa: E501  (the trees imitate a code base with a 120-column limit)
"""Checkouts shaped like upstream Prompture's eras, written by us from what its files show.

`FLAT` is the flat-module era (7bb69ca): module-level ``register_driver`` calls with lambda
factories (an alias key and a speech driver among them), async registrations in their own
module, ``get_available_models`` declared by ``@overload`` stubs before the real function
with a ``provider_classes`` table and an ``elif`` chain ending in a combined branch, a literal
``PROVIDER_MAP``, no rate files, an ``.env.copy`` without a final newline, ruff's RUF rules.

`DESCRIPTORS` is the plugin era (v1.3.0 to 1.15.1): providers as ``ProviderDescriptor``s built
in a plugin's ``descriptors()`` under ruled comments (aliases last), a ``PROVIDER_MAP``
derived from them, ``from .drivers import *`` in the package, flat rate files with
``api_type`` (one with a ``cost``), an OpenAI-compatible base that routes by ``profile``, a
ruled ``.env.copy`` with a final newline and an AGENTS.md guide.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

RUFF = """
[project]
name = "{package}"
version = "1.0"

[tool.ruff]
line-length = 120

[tool.ruff.lint]
select = ["E", "W", "F", "I", "UP", "B", "SIM", "RUF"]
ignore = ["E501", "RUF012"]

[tool.ruff.lint.per-file-ignores]
"__init__.py" = ["F401", "F403"]
"""

_BASES = {
    "driver.py": """
        class Driver:
            supports_messages = False

            def generate(self, prompt, options):
                raise NotImplementedError
        """,
    "async_driver.py": """
        class AsyncDriver:
            supports_messages = False

            async def generate(self, prompt, options):
                raise NotImplementedError
        """,
    "cost_mixin.py": """
        class CostMixin:
            MODEL_PRICING: dict = {}

            def _get_model_config(self, provider, model):
                return {"tokens_param": "max_tokens", "supports_temperature": True}

            def _calculate_cost(self, provider, model, prompt_tokens, completion_tokens):
                rates = self.MODEL_PRICING.get(model, {"prompt": 0, "completion": 0})
                return (prompt_tokens * rates["prompt"] + completion_tokens * rates["completion"]) / 1e6

            def _validate_model_capabilities(self, provider, model, **using):
                return None


        def prepare_strict_schema(schema):
            return schema
        """,
}

FLAT = {
    "pyproject.toml": RUFF.format(package="upflat"),
    "upflat/__init__.py": """
        from .discovery import get_available_models
        from .drivers import (
            AlphaDriver,
            BetaDriver,
            get_driver_for_model,
        )

        __all__ = [
            "VERSION",
            "AlphaDriver",
            "BetaDriver",
            "get_available_models",
            "get_driver_for_model",
        ]

        VERSION = "1.0"
        """,
    **{f"upflat/{name}": text for name, text in _BASES.items()},
    "upflat/settings.py": """
        from typing import Optional


        class Settings:
            # Alpha
            alpha_api_key: Optional[str] = None
            alpha_model: str = "alpha-1"

            # Beta
            beta_api_key: Optional[str] = None
            beta_model: str = "beta-1"


        settings = Settings()
        """,
    "upflat/model_rates.py": """
        PROVIDER_MAP: dict[str, str] = {
            "alpha": "alpha-ai",
        }
        """,
    "upflat/discovery.py": """
        import os
        from typing import Any, overload

        from .drivers import AlphaDriver, BetaDriver
        from .settings import settings


        @overload
        def get_available_models(*, include_capabilities: bool = False) -> list[str]: ...


        @overload
        def get_available_models(*, include_capabilities: bool = True) -> list[dict[str, Any]]: ...


        def get_available_models(*, include_capabilities: bool = False) -> list[Any]:
            models: set[str] = set()
            provider_classes = {
                "alpha": AlphaDriver,
                "beta": BetaDriver,
            }
            for provider, driver_cls in provider_classes.items():
                is_configured = False
                if provider == "alpha":
                    if settings.alpha_api_key or os.getenv("ALPHA_API_KEY"):
                        is_configured = True
                elif (provider == "beta" and os.getenv("BETA_API_KEY")) or provider == "local":
                    is_configured = True
                if is_configured:
                    models.update(f"{provider}/{m}" for m in driver_cls.MODEL_PRICING)
            return sorted(models)
        """,
    "upflat/drivers/registry.py": """
        _SYNC: dict = {}
        _ASYNC: dict = {}


        def register_driver(name, factory, overwrite=False):
            _SYNC[name] = factory


        def register_async_driver(name, factory, overwrite=False):
            _ASYNC[name] = factory
        """,
    "upflat/drivers/__init__.py": """
        from ..settings import settings
        from .alpha_driver import AlphaDriver
        from .alpha_tts_driver import AlphaTTSDriver
        from .async_registry import get_async_driver_for_model
        from .beta_driver import BetaDriver
        from .registry import _SYNC, register_async_driver, register_driver

        register_driver(
            "alpha",
            lambda model=None: AlphaDriver(api_key=settings.alpha_api_key, model=model or settings.alpha_model),
            overwrite=True,
        )
        register_driver(
            "al",
            lambda model=None: AlphaDriver(api_key=settings.alpha_api_key, model=model or settings.alpha_model),
            overwrite=True,
        )
        register_driver(
            "beta",
            lambda model=None: BetaDriver(api_key=settings.beta_api_key, model=model or settings.beta_model),
            overwrite=True,
        )
        register_driver(
            "alpha_tts",
            lambda model=None: AlphaTTSDriver(api_key=settings.alpha_api_key),
            overwrite=True,
        )


        def get_driver_for_model(model_str):
            provider, _, model = model_str.partition("/")
            return _SYNC[provider](model)


        __all__ = [
            "AlphaDriver",
            "AlphaTTSDriver",
            "BetaDriver",
            "get_async_driver_for_model",
            "get_driver_for_model",
            "register_async_driver",
            "register_driver",
        ]
        """,
    "upflat/drivers/async_registry.py": """
        from ..settings import settings
        from .async_alpha_driver import AsyncAlphaDriver
        from .async_beta_driver import AsyncBetaDriver
        from .registry import _ASYNC, register_async_driver

        register_async_driver(
            "alpha",
            lambda model=None: AsyncAlphaDriver(api_key=settings.alpha_api_key, model=model or settings.alpha_model),
            overwrite=True,
        )
        register_async_driver(
            "beta",
            lambda model=None: AsyncBetaDriver(api_key=settings.beta_api_key, model=model or settings.beta_model),
            overwrite=True,
        )


        def get_async_driver_for_model(model_str):
            provider, _, model = model_str.partition("/")
            return _ASYNC[provider](model)
        """,
    **{
        f"upflat/drivers/{prefix}{name}_driver.py": f"""
        from ..{base_module} import {base}
        from ..cost_mixin import CostMixin


        class {cls_prefix}{cls}Driver(CostMixin, {base}):
            MODEL_PRICING = {{"{name}-1": {{"prompt": 1.0, "completion": 2.0}}}}

            def __init__(self, api_key=None, model="{name}-1"):
                self.api_key = api_key
                self.model = model
        """
        for name, cls in (("alpha", "Alpha"), ("beta", "Beta"))
        for prefix, cls_prefix, base, base_module in (
            ("", "", "Driver", "driver"),
            ("async_", "Async", "AsyncDriver", "async_driver"),
        )
    },
    "upflat/drivers/alpha_tts_driver.py": """
        class AlphaTTSDriver:
            def __init__(self, api_key=None):
                self.api_key = api_key
        """,
    ".env.copy": "# Alpha Configuration\nALPHA_API_KEY=\nALPHA_MODEL=alpha-1\n\n# Beta Configuration\nBETA_API_KEY=\nBETA_MODEL=beta-1",
    "CLAUDE.md": """
        # Upflat

        - **`upflat/drivers/`**: One module per LLM provider (alpha, beta) with an async sibling.
        """,
    "tests/test_core.py": """
        def test_nothing():
            assert True
        """,
}

_DESCRIPTOR_TYPES = """
    from dataclasses import dataclass, field


    @dataclass(frozen=True)
    class DriverSpec:
        cls_path: str
        kwarg_map: dict
        default_model: str


    @dataclass
    class ProviderDescriptor:
        name: str
        alias_for: str | None = None
        llm_sync: DriverSpec | None = None
        llm_async: DriverSpec | None = None
        tts_sync: DriverSpec | None = None
        display_name: str | None = None
        is_configured_check: str | None = None
        list_models_kwargs: list = field(default_factory=list)
        models_dev_name: str | None = None


    def build(model_str, modality):
        import importlib

        from ..infra.settings import settings
        from ..plugins.builtins import BUILTIN_PLUGINS

        provider, _, model = model_str.partition("/")
        found = {d.name: d for plugin in BUILTIN_PLUGINS for d in plugin.descriptors()}
        spec = getattr(found[provider], modality)
        module, _, name = spec.cls_path.rpartition(".")
        cls = getattr(importlib.import_module(f"updesc.drivers.{module}"), name)
        kwargs = {k: getattr(settings, v, None) for k, v in spec.kwarg_map.items()}
        return cls(model=model or getattr(settings, spec.default_model), **kwargs)
    """

DESCRIPTORS = {
    "pyproject.toml": RUFF.format(package="updesc"),
    "updesc/__init__.py": """
        from .drivers import *
        from .infra import *
        """,
    "updesc/infra/__init__.py": """
        from .discovery import get_available_models

        __all__ = ["get_available_models"]
        """,
    "updesc/drivers/base.py": _BASES["driver.py"],
    "updesc/drivers/async_base.py": _BASES["async_driver.py"],
    "updesc/infra/cost_mixin.py": _BASES["cost_mixin.py"],
    "updesc/drivers/provider_descriptors.py": _DESCRIPTOR_TYPES,
    "updesc/infra/settings.py": """
        class Settings:
            alpha_api_key: str | None = None
            alpha_model: str = "alpha-1"
            alpha_endpoint: str = "https://api.alpha.test/v1"
            voice_api_key: str | None = None


        settings = Settings()
        """,
    "updesc/infra/model_rates.py": """
        def _build_provider_map() -> dict[str, str]:
            from ..drivers.provider_descriptors import PROVIDER_DESCRIPTOR_MAP

            return {n: d.models_dev_name for n, d in PROVIDER_DESCRIPTOR_MAP.items() if d.models_dev_name}


        PROVIDER_MAP: dict[str, str] = _build_provider_map()
        """,
    "updesc/infra/discovery.py": """
        from typing import Any, overload


        @overload
        def get_available_models(*, grouped: bool = False) -> list[str]: ...


        @overload
        def get_available_models(*, grouped: bool = True) -> dict[str, Any]: ...


        def get_available_models(*, grouped: bool = False) -> Any:
            from ..drivers.provider_descriptors import PROVIDER_DESCRIPTOR_MAP

            return sorted(PROVIDER_DESCRIPTOR_MAP)
        """,
    "updesc/infra/rates/alpha.json": """
        {
          "alpha-1": {
            "supports_temperature": true,
            "supports_tool_use": true,
            "supports_structured_output": true,
            "supports_vision": false,
            "is_reasoning": false,
            "context_window": 128000,
            "max_output_tokens": 8192,
            "modalities_input": ["text"],
            "modalities_output": ["text"],
            "api_type": "openai-compatible",
            "tokens_param": "max_tokens",
            "cost": {"input": 1.0, "output": 2.0}
          },
          "alpha-2": {
            "supports_temperature": true,
            "supports_tool_use": false,
            "supports_structured_output": false,
            "supports_vision": false,
            "is_reasoning": false,
            "context_window": 32000,
            "max_output_tokens": 4096,
            "modalities_input": ["text"],
            "modalities_output": ["text"],
            "api_type": "openai-compatible",
            "tokens_param": "max_tokens"
          }
        }
        """,
    "updesc/drivers/openai_compatible_driver.py": """
        from ..infra.cost_mixin import CostMixin
        from .base import Driver


        class OpenAICompatibleDriver(CostMixin, Driver):
            def __init__(self, api_key=None, model="", endpoint=None, profile=None):
                if endpoint is None and profile is None:
                    raise ValueError("OpenAICompatibleDriver requires a profile or an endpoint")
                self.endpoint = endpoint
        """,
    "updesc/drivers/async_openai_compatible_driver.py": """
        from ..infra.cost_mixin import CostMixin
        from .async_base import AsyncDriver


        class AsyncOpenAICompatibleDriver(CostMixin, AsyncDriver):
            def __init__(self, api_key=None, model="", endpoint=None, profile=None):
                self.endpoint = endpoint
        """,
    "updesc/drivers/__init__.py": """
        from .alpha_driver import AlphaDriver
        from .async_alpha_driver import AsyncAlphaDriver
        from .async_registry import get_async_driver_for_model
        from .provider_descriptors import DriverSpec, ProviderDescriptor, build


        def get_driver_for_model(model_str):
            return build(model_str, "llm_sync")


        __all__ = [
            "AlphaDriver",
            "AsyncAlphaDriver",
            "DriverSpec",
            "ProviderDescriptor",
            "get_async_driver_for_model",
            "get_driver_for_model",
        ]
        """,
    "updesc/drivers/async_registry.py": """
        from .provider_descriptors import build


        def get_async_driver_for_model(model_str):
            return build(model_str, "llm_async")
        """,
    "updesc/drivers/alpha_driver.py": """
        from ..infra.cost_mixin import CostMixin
        from .base import Driver


        class AlphaDriver(CostMixin, Driver):
            def __init__(self, api_key=None, model="alpha-1", endpoint=None):
                self.api_key = api_key
        """,
    "updesc/drivers/async_alpha_driver.py": """
        from ..infra.cost_mixin import CostMixin
        from .async_base import AsyncDriver


        class AsyncAlphaDriver(CostMixin, AsyncDriver):
            def __init__(self, api_key=None, model="alpha-1", endpoint=None):
                self.api_key = api_key
        """,
    "updesc/drivers/voice_tts_driver.py": """
        class VoiceTTSDriver:
            pass
        """,
    "updesc/plugins/__init__.py": "",
    "updesc/plugins/builtins/__init__.py": """
        from .openai_compatible_plugin import OpenAICompatiblePlugin
        from .speech_plugin import SpeechPlugin

        BUILTIN_PLUGINS = [OpenAICompatiblePlugin(), SpeechPlugin()]
        """,
    "updesc/plugins/builtins/_aliases.py": """
        def _llm(sync_mod, sync_cls, async_mod, async_cls, kwarg_map, default_model):
            from ...drivers.provider_descriptors import DriverSpec

            return {
                "llm_sync": DriverSpec(f"{sync_mod}.{sync_cls}", kwarg_map, default_model),
                "llm_async": DriverSpec(f"{async_mod}.{async_cls}", kwarg_map, default_model),
            }


        def build_alias(alias, canonical):
            from ...drivers.provider_descriptors import ProviderDescriptor

            return ProviderDescriptor(name=alias, alias_for=canonical.name, llm_sync=canonical.llm_sync)
        """,
    "updesc/plugins/builtins/openai_compatible_plugin.py": """
        from ...drivers.provider_descriptors import ProviderDescriptor
        from ._aliases import _llm, build_alias


        class OpenAICompatiblePlugin:
            name = "openai_compatible_builtin"

            def descriptors(self) -> list[ProviderDescriptor]:
                descs: list[ProviderDescriptor] = []

                # ── Alpha ──────────────────────────────────────────────
                alpha_kw = {"api_key": "alpha_api_key", "endpoint": "alpha_endpoint"}
                alpha_desc = ProviderDescriptor(
                    name="alpha",
                    **_llm(
                        "alpha_driver",
                        "AlphaDriver",
                        "async_alpha_driver",
                        "AsyncAlphaDriver",
                        alpha_kw,
                        "alpha_model",
                    ),
                    display_name="Alpha",
                    is_configured_check="alpha_api_key",
                    models_dev_name="alpha-ai",
                )
                descs.append(alpha_desc)

                # ── Aliases ────────────────────────────────────────────
                descs.append(build_alias("al", alpha_desc))

                return descs
        """,
    "updesc/plugins/builtins/speech_plugin.py": """
        from ...drivers.provider_descriptors import DriverSpec, ProviderDescriptor


        class SpeechPlugin:
            name = "speech_builtin"

            def descriptors(self) -> list[ProviderDescriptor]:
                return [
                    ProviderDescriptor(
                        name="voice",
                        tts_sync=DriverSpec("voice_tts_driver.VoiceTTSDriver", {}, "v1"),
                        is_configured_check="voice_api_key",
                    )
                ]
        """,
    ".env.copy": """
        # ─── Alpha ──────────────────────────────────────────────────────────────────
        ALPHA_API_KEY=your-alpha-key
        ALPHA_MODEL=alpha-1

        # ─── Voice ──────────────────────────────────────────────────────────────────
        VOICE_API_KEY=
        """,
    "AGENTS.md": """
        # Updesc

        - **`updesc/drivers/`**: LLM drivers (alpha, omega) and speech drivers (voice).
        """,
    "tests/test_core.py": """
        def test_nothing():
            assert True
        """,
}


def build(root: Path, files: dict[str, str]) -> Path:
    """Write the tree under `root`; a text starting with a newline is dedented (a file given
    without one, like FLAT's env template, is written exactly, final newline or not)."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        text = textwrap.dedent(content).lstrip("\n") if content.startswith("\n") else content
        path.write_text(text, encoding="utf-8")
    return root
