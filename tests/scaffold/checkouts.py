"""Fake checkouts for the edit tests, built from dicts of path -> dedented content.

`ACMELIB` is a Prompture-style library laid out in subpackages (settings and discovery in
``infra/``, base classes in ``drivers/base.py``, async registrations in their own module,
lambda-style registrations as the add-driver skill writes them). `REPO` is our own checkout,
whose real files the tests also edit (in memory).
"""

from __future__ import annotations

import dataclasses
import difflib
import textwrap
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from prompture_scaffold.checkout import Layout, discover
from prompture_scaffold.edits.context import EditContext
from prompture_scaffold.spec.driver_spec import DriverSpec

REPO = Path(__file__).resolve().parents[2]

ACME = DriverSpec(
    provider="acme",
    class_name="Acme",
    display_name="Acme",
    compat="openai",
    sdk="requests",
    lazy=False,
    default_model="acme-1",
    auth="api-key",
    api_key_env="ACME_API_KEY",
    extra_api_key_envs=(),
    endpoint="https://api.acme.test/v1",
    models_dev_name="acme-dev",
    json_mode=True,
    json_schema=True,
    tool_use=True,
    streaming=True,
    vision=False,
    reasoning=False,
)

#: Values a user or the catalogue could type that must never become code.
HOSTILE = {
    "display_name": "Ac\"me's \\ {{ evil }}\nimport os  # é",
    "default_model": "m\"1\\n'{{x}}\u2028ü",
    "endpoint": 'https://x.test/"); import os; ("\\{{ }}\n',
}


def spec(**changes: object) -> DriverSpec:
    """The acme spec with some fields changed."""
    return dataclasses.replace(ACME, **changes)


def build_file_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write each dedented text under `root` (copier's `build_file_tree`); returns `root`."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(content), encoding="utf-8")
    return root


@cache
def repo_layout() -> Layout:
    return discover(REPO)


def repo_text(relative: str) -> str:
    return (REPO / relative).read_text(encoding="utf-8")


def context(layout: Layout, relative: str, driver: DriverSpec = ACME) -> EditContext:
    return EditContext(driver, layout, layout.root / relative)


def hunks(before: str, after: str) -> list[str]:
    """The change as unified-diff lines with one line of context (no headers, no ``@@``)."""
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), n=1, lineterm="")
    return [line for line in list(lines)[2:] if not line.startswith("@@")]


def changed(before: str, after: str) -> list[str]:
    """Only the ``+``/``-`` lines of the change, in file order."""
    return [line for line in hunks(before, after) if line[:1] in "+-"]


def last_line(text: str, prefix: str) -> str:
    """The last line of `text` starting with `prefix` (anchors stay right as the repo grows)."""
    return [line for line in text.splitlines() if line.startswith(prefix)][-1]


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def acmelib(tmp_path: Path, **overrides: str) -> Layout:
    """The `ACMELIB` checkout (with some files replaced) under `tmp_path`, discovered."""
    return discover(build_file_tree(tmp_path / "acmelib-repo", {**ACMELIB, **overrides}))


ACMELIB: dict[str, str] = {
    "pyproject.toml": """
        [project]
        name = "acmelib"
        version = "1.0"
        dependencies = ["requests"]

        [project.optional-dependencies]
        alpha = ["alpha-sdk>=2.0"]
        all = ["alpha-sdk>=2.0"]
        """,
    ".env.copy": """
        # Valid AI_PROVIDER values: alpha, beta
        AI_PROVIDER=alpha

        # Alpha Configuration
        ALPHA_API_KEY=your-api-key-here
        ALPHA_MODEL=alpha-1

        # Beta Configuration
        BETA_ENDPOINT=http://localhost:8080/v1
        """,
    "AGENTS.md": """
        # acmelib

        ## Module Layout

        - `acmelib/infra/`: settings, discovery, rates.
        - **Drivers**: `alpha`, `beta` (in `acmelib/drivers/`).
        """,
    "acmelib/__init__.py": '''
        """acmelib: a Prompture-style library laid out in subpackages."""

        from .drivers import AlphaDriver, BetaDriver, get_driver_for_model
        from .infra.discovery import get_available_models

        __all__ = ["AlphaDriver", "BetaDriver", "get_available_models", "get_driver_for_model"]
        ''',
    "acmelib/model_rates.py": """
        PROVIDER_MAP = {"alpha": "alpha-ai", "beta": "beta"}
        """,
    "acmelib/infra/__init__.py": "",
    "acmelib/infra/rates/alpha.json": "{}\n",
    "acmelib/infra/settings.py": """
        from typing import Optional

        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", extra="ignore")

            # Alpha
            alpha_api_key: Optional[str] = None
            alpha_model: str = "alpha-1"

            # Beta
            beta_api_key: Optional[str] = None
            beta_model: str = "beta-large"
            beta_endpoint: str = "http://localhost:8080/v1"


        settings = Settings()
        """,
    "acmelib/infra/discovery.py": """
        import os

        from ..drivers import AlphaDriver, BetaDriver
        from .settings import settings


        def get_available_models() -> list[str]:
            provider_classes = {
                "alpha": AlphaDriver,
                "beta": BetaDriver,
            }
            models = []
            for provider, driver_class in provider_classes.items():
                is_configured = False
                if provider == "alpha":
                    if settings.alpha_api_key or os.getenv("ALPHA_API_KEY"):
                        is_configured = True
                elif provider == "beta":
                    if settings.beta_endpoint or os.getenv("BETA_ENDPOINT"):
                        is_configured = True
                if is_configured:
                    models.append(f"{provider}/{driver_class.default_model}")
            return models
        """,
    "acmelib/drivers/base.py": """
        class CostMixin:
            pass


        class Driver:
            pass


        class AsyncDriver:
            pass
        """,
    "acmelib/drivers/registry.py": """
        def register_driver(name, factory, overwrite=False): ...


        def register_async_driver(name, factory, overwrite=False): ...


        def get_driver_for_model(name): ...
        """,
    "acmelib/drivers/alpha_driver.py": """
        from .base import CostMixin, Driver


        class AlphaDriver(CostMixin, Driver):
            provider = "alpha"
            api_key_env = ("ALPHA_API_KEY",)
            default_model = "alpha-1"
            supports_json_mode = True
        """,
    "acmelib/drivers/beta_driver.py": """
        from .base import CostMixin, Driver


        class BetaDriver(CostMixin, Driver):
            requires_api_key = False
        """,
    "acmelib/drivers/async_alpha_driver.py": """
        from .base import AsyncDriver, CostMixin


        class AsyncAlphaDriver(CostMixin, AsyncDriver):
            pass
        """,
    "acmelib/drivers/async_beta_driver.py": """
        from .base import AsyncDriver, CostMixin


        class AsyncBetaDriver(CostMixin, AsyncDriver):
            pass
        """,
    "acmelib/drivers/__init__.py": '''
        """The built-in drivers and their sync registrations (async ones: async_registry)."""

        from ..infra.settings import settings
        from .alpha_driver import AlphaDriver
        from .beta_driver import BetaDriver
        from .registry import get_driver_for_model, register_driver

        register_driver(
            "alpha",
            lambda model=None: AlphaDriver(
                api_key=settings.alpha_api_key,
                model=model or settings.alpha_model,
            ),
            overwrite=True,
        )
        register_driver(
            "beta",
            lambda model=None: BetaDriver(
                api_key=settings.beta_api_key,
                model=model or settings.beta_model,
            ),
            overwrite=True,
        )

        __all__ = ["AlphaDriver", "BetaDriver", "get_driver_for_model", "register_driver"]

        from . import async_registry  # noqa: E402, F401  (registers the async twins)
        ''',
    "acmelib/drivers/async_registry.py": '''
        """Registrations of the async drivers."""

        from ..infra.settings import settings
        from .async_alpha_driver import AsyncAlphaDriver
        from .async_beta_driver import AsyncBetaDriver
        from .registry import register_async_driver

        register_async_driver(
            "alpha",
            lambda model=None: AsyncAlphaDriver(
                api_key=settings.alpha_api_key,
                model=model or settings.alpha_model,
            ),
            overwrite=True,
        )
        register_async_driver(
            "beta",
            lambda model=None: AsyncBetaDriver(
                api_key=settings.beta_api_key,
                model=model or settings.beta_model,
            ),
            overwrite=True,
        )
        ''',
}


def many_drivers(tmp_path: Path, count: int = 150) -> Path:
    """A checkout shaped like ours with `count` providers, for the speed test."""
    keys = [f"p{i:03d}" for i in range(count)]
    names = [f"P{i:03d}Driver" for i in range(count)]
    asyncs = [f"Async{name}" for name in names]
    files = {
        "pyproject.toml": '[project]\nname = "big"\n\n[tool.ruff]\nline-length = 100\n',
        ".env.copy": f"# Valid AI_PROVIDER values: {', '.join(keys)}\n"
        + "".join(f"\n# {k} Configuration\n{k.upper()}_MODEL=m\n" for k in keys),
        "CLAUDE.md": f"## Module Layout\n\n- Drivers: {', '.join(keys)}\n",
        "big/__init__.py": "from .drivers import (\n"
        + "".join(f"    {n},\n" for n in names)
        + ")\n\n__all__ = [\n    # Drivers\n"
        + "".join(f'    "{n}",\n' for n in names)
        + "]\n",
        "big/drivers/__init__.py": "".join(
            f"from .async_{k}_driver import {a}\nfrom .{k}_driver import {n}\n"
            for k, n, a in zip(keys, names, asyncs, strict=True)
        )
        + "from .registry import register_async_driver, register_driver, settings_factory\n\n"
        + "".join(
            f'register_driver("{k}", settings_factory({n}))\n'
            for k, n in zip(keys, names, strict=True)
        )
        + "".join(
            f'register_async_driver("{k}", settings_factory({a}))\n'
            for k, a in zip(keys, asyncs, strict=True)
        )
        + "\n__all__ = [\n"
        + "".join(f'    "{n}",\n' for n in sorted(names + asyncs))
        + "]\n",
        "big/settings.py": "class Settings:\n    x: int = 1\n"
        + "".join(
            f'\n    # {k}\n    {k}_api_key: str | None = None\n    {k}_model: str = "m"\n'
            for k in keys
        ),
        "big/discovery.py": "from .drivers import (\n"
        + "".join(f"    {n},\n" for n in names)
        + ")\n\n\ndef get_available_models():\n    provider_classes = {\n"
        + "".join(f'        "{k}": {n},\n' for k, n in zip(keys, names, strict=True))
        + "    }\n    return provider_classes\n",
        "big/model_rates.py": "PROVIDER_MAP = {\n"
        + "".join(f'    "{k}": "{k}",\n' for k in keys)
        + "}\n",
    }
    for k, n, a in zip(keys, names, asyncs, strict=True):
        files[f"big/drivers/{k}_driver.py"] = f'class {n}:\n    provider = "{k}"\n'
        files[f"big/drivers/async_{k}_driver.py"] = f"class {a}:\n    sync_driver = None\n"
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return tmp_path
