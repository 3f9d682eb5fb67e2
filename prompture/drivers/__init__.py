"""The built-in drivers, their registration (sync and async) and the registry API.

Each provider is one import per class, one registration per registry and one `__all__` entry
per class; `settings_factory` reads the provider's key, model and endpoint from settings when
the driver is asked for, so nothing is configured at import.
"""

from .async_grok_driver import AsyncGrokDriver
from .async_lmstudio_driver import AsyncLMStudioDriver
from .async_modelscope_driver import AsyncModelScopeDriver
from .async_moonshot_driver import AsyncMoonshotDriver
from .async_openrouter_driver import AsyncOpenRouterDriver
from .async_zai_driver import AsyncZaiDriver
from .grok_driver import GrokDriver
from .lmstudio_driver import LMStudioDriver
from .modelscope_driver import ModelScopeDriver
from .moonshot_driver import MoonshotDriver
from .openai_compatible import AsyncOpenAICompatibleDriver, OpenAICompatibleDriver
from .openrouter_driver import OpenRouterDriver
from .registry import (
    get_async_driver_for_model,
    get_driver_for_model,
    list_registered_async_drivers,
    list_registered_drivers,
    register_async_driver,
    register_driver,
    settings_factory,
    unregister_async_driver,
    unregister_driver,
)
from .zai_driver import ZaiDriver

register_driver("grok", settings_factory(GrokDriver), overwrite=True)
register_driver("moonshot", settings_factory(MoonshotDriver), overwrite=True)
register_driver("zai", settings_factory(ZaiDriver), overwrite=True)
register_driver("modelscope", settings_factory(ModelScopeDriver), overwrite=True)
register_driver("openrouter", settings_factory(OpenRouterDriver), overwrite=True)
register_driver("lmstudio", settings_factory(LMStudioDriver), overwrite=True)

register_async_driver("grok", settings_factory(AsyncGrokDriver), overwrite=True)
register_async_driver("moonshot", settings_factory(AsyncMoonshotDriver), overwrite=True)
register_async_driver("zai", settings_factory(AsyncZaiDriver), overwrite=True)
register_async_driver("modelscope", settings_factory(AsyncModelScopeDriver), overwrite=True)
register_async_driver("openrouter", settings_factory(AsyncOpenRouterDriver), overwrite=True)
register_async_driver("lmstudio", settings_factory(AsyncLMStudioDriver), overwrite=True)

__all__ = [
    "AsyncGrokDriver",
    "AsyncLMStudioDriver",
    "AsyncModelScopeDriver",
    "AsyncMoonshotDriver",
    "AsyncOpenAICompatibleDriver",
    "AsyncOpenRouterDriver",
    "AsyncZaiDriver",
    "GrokDriver",
    "LMStudioDriver",
    "ModelScopeDriver",
    "MoonshotDriver",
    "OpenAICompatibleDriver",
    "OpenRouterDriver",
    "ZaiDriver",
    "get_async_driver_for_model",
    "get_driver_for_model",
    "list_registered_async_drivers",
    "list_registered_drivers",
    "register_async_driver",
    "register_driver",
    "settings_factory",
    "unregister_async_driver",
    "unregister_driver",
]
