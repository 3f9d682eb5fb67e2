"""The built-in drivers, their registration (sync and async) and the registry API.

Each provider is one import per class, one registration per registry and one `__all__` entry
per class; `settings_factory` reads the provider's key, model and endpoint from settings when
the driver is asked for, so nothing is configured at import.
"""

from .airllm_driver import AirLLMDriver
from .anthropic_messages import AnthropicMessagesDriver, AsyncAnthropicMessagesDriver
from .async_airllm_driver import AsyncAirLLMDriver
from .async_claude_driver import AsyncClaudeDriver
from .async_google_driver import AsyncGoogleDriver
from .async_grok_driver import AsyncGrokDriver
from .async_groq_driver import AsyncGroqDriver
from .async_lmstudio_driver import AsyncLMStudioDriver
from .async_modelscope_driver import AsyncModelScopeDriver
from .async_moonshot_driver import AsyncMoonshotDriver
from .async_ollama_driver import AsyncOllamaDriver
from .async_openai_driver import AsyncOpenAIDriver
from .async_openrouter_driver import AsyncOpenRouterDriver
from .async_zai_driver import AsyncZaiDriver
from .claude_driver import ClaudeDriver
from .google_driver import GoogleDriver
from .grok_driver import GrokDriver
from .groq_driver import GroqDriver
from .lmstudio_driver import LMStudioDriver
from .modelscope_driver import ModelScopeDriver
from .moonshot_driver import MoonshotDriver
from .ollama_driver import OllamaDriver
from .openai_compatible import AsyncOpenAICompatibleDriver, OpenAICompatibleDriver
from .openai_driver import OpenAIDriver
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
register_driver("openai", settings_factory(OpenAIDriver), overwrite=True)
register_driver("claude", settings_factory(ClaudeDriver), overwrite=True)
register_driver("google", settings_factory(GoogleDriver), overwrite=True)
register_driver("groq", settings_factory(GroqDriver), overwrite=True)
register_driver("ollama", settings_factory(OllamaDriver), overwrite=True)
register_driver("airllm", settings_factory(AirLLMDriver), overwrite=True)

register_async_driver("grok", settings_factory(AsyncGrokDriver), overwrite=True)
register_async_driver("moonshot", settings_factory(AsyncMoonshotDriver), overwrite=True)
register_async_driver("zai", settings_factory(AsyncZaiDriver), overwrite=True)
register_async_driver("modelscope", settings_factory(AsyncModelScopeDriver), overwrite=True)
register_async_driver("openrouter", settings_factory(AsyncOpenRouterDriver), overwrite=True)
register_async_driver("lmstudio", settings_factory(AsyncLMStudioDriver), overwrite=True)
register_async_driver("openai", settings_factory(AsyncOpenAIDriver), overwrite=True)
register_async_driver("claude", settings_factory(AsyncClaudeDriver), overwrite=True)
register_async_driver("google", settings_factory(AsyncGoogleDriver), overwrite=True)
register_async_driver("groq", settings_factory(AsyncGroqDriver), overwrite=True)
register_async_driver("ollama", settings_factory(AsyncOllamaDriver), overwrite=True)
register_async_driver("airllm", settings_factory(AsyncAirLLMDriver), overwrite=True)

__all__ = [
    "AirLLMDriver",
    "AnthropicMessagesDriver",
    "AsyncAirLLMDriver",
    "AsyncAnthropicMessagesDriver",
    "AsyncClaudeDriver",
    "AsyncGoogleDriver",
    "AsyncGrokDriver",
    "AsyncGroqDriver",
    "AsyncLMStudioDriver",
    "AsyncModelScopeDriver",
    "AsyncMoonshotDriver",
    "AsyncOllamaDriver",
    "AsyncOpenAICompatibleDriver",
    "AsyncOpenAIDriver",
    "AsyncOpenRouterDriver",
    "AsyncZaiDriver",
    "ClaudeDriver",
    "GoogleDriver",
    "GrokDriver",
    "GroqDriver",
    "LMStudioDriver",
    "ModelScopeDriver",
    "MoonshotDriver",
    "OllamaDriver",
    "OpenAICompatibleDriver",
    "OpenAIDriver",
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
