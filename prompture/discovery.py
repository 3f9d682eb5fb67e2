"""`get_available_models`: the ``provider/model`` names usable with the current configuration.

For each configured provider the list comes from the provider's live model list when it
answers, else its rate file, else the models.dev catalogue. With ``PROMPTURE_OFFLINE`` set,
live lists are asked only of endpoints on this machine (LM Studio, a test server).
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from .drivers import (
    AirLLMDriver,
    AzureDriver,
    CachiBotDriver,
    ClaudeDriver,
    GoogleDriver,
    GrokDriver,
    GroqDriver,
    LMStudioDriver,
    ModelScopeDriver,
    MoonshotDriver,
    OllamaDriver,
    OpenAIDriver,
    OpenRouterDriver,
    ZaiDriver,
)

__all__ = ["get_available_models"]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _is_configured(provider: str, driver_class: type) -> bool:
    """A key is set, or (for keyless local drivers) an endpoint or model was set explicitly."""
    from ._lazy_settings import settings

    if getattr(settings, f"{provider}_api_key", None) or driver_class._key_from_env():
        return True
    if driver_class.requires_api_key:
        return False
    return bool({f"{provider}_endpoint", f"{provider}_model"} & settings.model_fields_set)


def _live_models(provider: str, driver_class: type) -> list[str] | None:
    from ._lazy_settings import settings

    endpoint = getattr(settings, f"{provider}_endpoint", None) or driver_class.default_endpoint
    if os.environ.get("PROMPTURE_OFFLINE") and urlparse(endpoint).hostname not in LOCAL_HOSTS:
        return None
    api_key = getattr(settings, f"{provider}_api_key", None)
    return driver_class.list_models(api_key=api_key, endpoint=endpoint, timeout=3.0)


def _known_models(provider: str) -> list[str]:
    from .model_rates import PROVIDER_MAP, get_all_provider_models, get_kb_models_for_provider

    models = get_kb_models_for_provider(provider)
    if not models and provider in PROVIDER_MAP:
        models = get_all_provider_models(PROVIDER_MAP[provider])
    return list(models)


def get_available_models(*, live: bool = True) -> list[str]:
    """Sorted ``provider/model`` names of every configured provider."""
    provider_classes = {
        "grok": GrokDriver,
        "moonshot": MoonshotDriver,
        "zai": ZaiDriver,
        "modelscope": ModelScopeDriver,
        "openrouter": OpenRouterDriver,
        "lmstudio": LMStudioDriver,
        "openai": OpenAIDriver,
        "claude": ClaudeDriver,
        "google": GoogleDriver,
        "groq": GroqDriver,
        "ollama": OllamaDriver,
        "airllm": AirLLMDriver,
        "azure": AzureDriver,
        "cachibot": CachiBotDriver,
    }
    found: set[str] = set()
    for provider, driver_class in provider_classes.items():
        if not _is_configured(provider, driver_class):
            continue
        models = (_live_models(provider, driver_class) if live else None) or _known_models(provider)
        found.update(f"{provider}/{model}" for model in models)
    return sorted(found)
