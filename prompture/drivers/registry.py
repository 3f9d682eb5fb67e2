"""Driver registries: provider key -> factory, sync and async, plus entry-point plugins.

A factory takes an optional model name and returns a driver; the built-in factories read
settings when called, so configuration changes made after import are honoured.
Third-party packages add drivers through the entry-point groups ``prompture.drivers`` and
``prompture.async_drivers`` (name = provider key, object = factory or driver class).
`PROVIDER_ALIASES` lets the provider names of upstream Prompture and of the providers
themselves (``anthropic/``, ``gemini/``, ``xai/``...) reach our drivers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._log import LazyLogger
from ..exceptions import ConfigurationError

__all__ = [
    "PROVIDER_ALIASES",
    "canonical_provider",
    "get_async_driver_for_model",
    "get_driver_for_model",
    "list_registered_async_drivers",
    "list_registered_drivers",
    "load_entry_point_drivers",
    "register_async_driver",
    "register_driver",
    "settings_factory",
    "unregister_async_driver",
    "unregister_driver",
]

logger = LazyLogger(__name__)  # imports logging when it first logs

DriverFactory = Callable[..., Any]

_SYNC: dict[str, DriverFactory] = {}
_ASYNC: dict[str, DriverFactory] = {}
_entry_points_loaded = False

#: Other names of registered providers: upstream Prompture's and the providers' own.
PROVIDER_ALIASES: dict[str, str] = {
    "anthropic": "claude",
    "gemini": "google",
    "xai": "grok",
    "lm_studio": "lmstudio",
    "lm-studio": "lmstudio",
    "zhipu": "zai",
}
#: Model name prefixes that give away their provider, for the "no provider" error.
_MODEL_FAMILIES = {
    "gpt": "openai",
    "o1": "openai",
    "o3": "openai",
    "o4": "openai",
    "claude": "claude",
    "gemini": "google",
    "grok": "grok",
    "kimi": "moonshot",
    "glm": "zai",
    "llama": "ollama",
}


def _register(table: dict[str, DriverFactory], name: str, factory: DriverFactory, overwrite: bool):
    key = name.strip().lower()
    if not key:
        raise ValueError("a driver name must not be empty")
    if key in table and not overwrite:
        raise ValueError(f"driver {key!r} is already registered (pass overwrite=True to replace)")
    table[key] = factory


def register_driver(name: str, factory: DriverFactory, *, overwrite: bool = False) -> None:
    """Register a synchronous driver factory under provider key `name`."""
    _register(_SYNC, name, factory, overwrite)


def register_async_driver(name: str, factory: DriverFactory, *, overwrite: bool = False) -> None:
    """Register an asynchronous driver factory under provider key `name`."""
    _register(_ASYNC, name, factory, overwrite)


def unregister_driver(name: str) -> None:
    _SYNC.pop(name.lower(), None)


def unregister_async_driver(name: str) -> None:
    _ASYNC.pop(name.lower(), None)


def list_registered_drivers() -> list[str]:
    load_entry_point_drivers()
    return sorted(_SYNC)


def list_registered_async_drivers() -> list[str]:
    load_entry_point_drivers()
    return sorted(_ASYNC)


def load_entry_point_drivers() -> None:
    """Register the drivers other packages declare; done once, when first needed (listing the
    drivers, or a lookup of a key no built-in holds)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for group, table in (("prompture.drivers", _SYNC), ("prompture.async_drivers", _ASYNC)):
        for ep in entry_points(group=group):
            if ep.name in table:
                continue
            try:
                table[ep.name.lower()] = ep.load()
            except Exception as exc:  # a broken plugin must not break the built-ins
                logger.warning("could not load driver entry point %s: %s", ep.name, exc)


def _split(model_name: str) -> tuple[str, str | None]:
    provider, sep, model = model_name.partition("/")
    return provider.strip().lower(), (model if sep and model else None)


def canonical_provider(name: str) -> str | None:
    """The registered provider key `name` stands for (itself or an alias), or None."""
    load_entry_point_drivers()
    key = name.strip().lower()
    if key in _SYNC or key in _ASYNC:
        return key
    return PROVIDER_ALIASES.get(key)


def _lookup(table: dict[str, DriverFactory], model_name: str) -> Any:
    provider, model = _split(model_name)
    if provider not in table:  # a plugin never replaces a registered key: skip the scan
        load_entry_point_drivers()
    key = provider if provider in table else PROVIDER_ALIASES.get(provider, provider)
    factory = table.get(key)
    if factory is None:
        has_provider = "/" in model_name
        raise ConfigurationError(_unknown_provider(table, model_name, provider, has_provider))
    return factory(model)


def _unknown_provider(
    table: dict[str, DriverFactory], model_name: str, provider: str, has_provider: bool
) -> str:
    """Why `model_name` finds no driver, with the closest registered providers."""
    import difflib  # lazy: only an error needs it

    names = sorted({*table, *(alias for alias, key in PROVIDER_ALIASES.items() if key in table)})
    close = difflib.get_close_matches(provider, names, n=3, cutoff=0.5)
    family = next((p for pre, p in _MODEL_FAMILIES.items() if provider.startswith(pre)), None)
    if family in table and family not in close:
        close.insert(0, family)
    if has_provider:
        message = f"no driver registered for provider {provider!r} in {model_name!r}"
    else:
        example = f"{close[0]}/{model_name}" if close else f"openai/{model_name}"
        message = (
            f"model name {model_name!r} names no provider: use the 'provider/model' form, "
            f"e.g. {example!r}"
        )
    if close:
        message += f"; closest registered providers: {', '.join(close)}"
    return f"{message} (registered: {', '.join(sorted(table)) or 'none'})"


def get_driver_for_model(model_name: str) -> Any:
    """A sync driver for ``"provider/model"`` (split on the first ``/`` only)."""
    return _lookup(_SYNC, model_name)


def get_async_driver_for_model(model_name: str) -> Any:
    """An async driver for ``"provider/model"`` (split on the first ``/`` only)."""
    return _lookup(_ASYNC, model_name)


def settings_factory(driver_class: type | str) -> DriverFactory:
    """A factory building `driver_class` from settings read at call time.

    It follows the settings naming pattern: ``{provider}_api_key``, ``{provider}_model`` and
    ``{provider}_endpoint``, and passes the retry policy (``max_retries``, ``retry_backoff``,
    i.e. PROMPTURE_MAX_RETRIES and PROMPTURE_RETRY_BACKOFF); a setting the checkout does not
    define is left to the driver. A class given by name is one the drivers package exports,
    imported when the factory is first called (so registering a built-in imports nothing).
    """
    name = driver_class if isinstance(driver_class, str) else driver_class.__name__

    def factory(model: str | None = None) -> Any:
        from .._lazy_settings import settings

        cls = _driver_class(driver_class)
        provider = cls.provider
        return cls(
            api_key=getattr(settings, f"{provider}_api_key", None),
            model=model or getattr(settings, f"{provider}_model", None),
            endpoint=getattr(settings, f"{provider}_endpoint", None),
            max_retries=getattr(settings, "max_retries", None),
            retry_backoff=getattr(settings, "retry_backoff", None),
        )

    factory.__qualname__ = f"settings_factory({name})"
    return factory


def _driver_class(driver_class: type | str) -> type:
    """`driver_class` itself, or the class of that name the drivers package exports."""
    if not isinstance(driver_class, str):
        return driver_class
    from importlib import import_module

    return getattr(import_module(__package__), driver_class)
