"""The built-in drivers, their registration (sync and async) and the registry API.

Each provider is one entry per class in `_LAZY_IMPORTS` (the module defining it), one
registration per registry and one `__all__` entry per class. Nothing here imports a driver
module: a class is imported when first named (``from prompture.drivers import GrokDriver``)
and a registration names its class, which `settings_factory` imports, and reads the
provider's key, model and endpoint from settings, when the driver is asked for.
"""

from .._lazy import attach as _attach
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

#: Where each driver class lives, imported when first used.
_LAZY_IMPORTS = {
    ".airllm_driver": ["AirLLMDriver"],
    ".anthropic_messages": ["AnthropicMessagesDriver", "AsyncAnthropicMessagesDriver"],
    ".async_airllm_driver": ["AsyncAirLLMDriver"],
    ".async_azure_driver": ["AsyncAzureDriver"],
    ".async_cachibot_driver": ["AsyncCachiBotDriver"],
    ".async_claude_driver": ["AsyncClaudeDriver"],
    ".async_google_driver": ["AsyncGoogleDriver"],
    ".async_grok_driver": ["AsyncGrokDriver"],
    ".async_groq_driver": ["AsyncGroqDriver"],
    ".async_lmstudio_driver": ["AsyncLMStudioDriver"],
    ".async_modelscope_driver": ["AsyncModelScopeDriver"],
    ".async_moonshot_driver": ["AsyncMoonshotDriver"],
    ".async_ollama_driver": ["AsyncOllamaDriver"],
    ".async_openai_driver": ["AsyncOpenAIDriver"],
    ".async_openrouter_driver": ["AsyncOpenRouterDriver"],
    ".async_zai_driver": ["AsyncZaiDriver"],
    ".azure_driver": ["AzureDriver"],
    ".cachibot_driver": ["CachiBotDriver"],
    ".claude_driver": ["ClaudeDriver"],
    ".google_driver": ["GoogleDriver"],
    ".grok_driver": ["GrokDriver"],
    ".groq_driver": ["GroqDriver"],
    ".lmstudio_driver": ["LMStudioDriver"],
    ".modelscope_driver": ["ModelScopeDriver"],
    ".moonshot_driver": ["MoonshotDriver"],
    ".ollama_driver": ["OllamaDriver"],
    ".openai_compatible": ["AsyncOpenAICompatibleDriver", "OpenAICompatibleDriver"],
    ".openai_driver": ["OpenAIDriver"],
    ".openrouter_driver": ["OpenRouterDriver"],
    ".zai_driver": ["ZaiDriver"],
}

register_driver("grok", settings_factory("GrokDriver"), overwrite=True)
register_driver("moonshot", settings_factory("MoonshotDriver"), overwrite=True)
register_driver("zai", settings_factory("ZaiDriver"), overwrite=True)
register_driver("modelscope", settings_factory("ModelScopeDriver"), overwrite=True)
register_driver("openrouter", settings_factory("OpenRouterDriver"), overwrite=True)
register_driver("lmstudio", settings_factory("LMStudioDriver"), overwrite=True)
register_driver("openai", settings_factory("OpenAIDriver"), overwrite=True)
register_driver("claude", settings_factory("ClaudeDriver"), overwrite=True)
register_driver("google", settings_factory("GoogleDriver"), overwrite=True)
register_driver("groq", settings_factory("GroqDriver"), overwrite=True)
register_driver("ollama", settings_factory("OllamaDriver"), overwrite=True)
register_driver("airllm", settings_factory("AirLLMDriver"), overwrite=True)
register_driver("azure", settings_factory("AzureDriver"), overwrite=True)
register_driver("cachibot", settings_factory("CachiBotDriver"), overwrite=True)

register_async_driver("grok", settings_factory("AsyncGrokDriver"), overwrite=True)
register_async_driver("moonshot", settings_factory("AsyncMoonshotDriver"), overwrite=True)
register_async_driver("zai", settings_factory("AsyncZaiDriver"), overwrite=True)
register_async_driver("modelscope", settings_factory("AsyncModelScopeDriver"), overwrite=True)
register_async_driver("openrouter", settings_factory("AsyncOpenRouterDriver"), overwrite=True)
register_async_driver("lmstudio", settings_factory("AsyncLMStudioDriver"), overwrite=True)
register_async_driver("openai", settings_factory("AsyncOpenAIDriver"), overwrite=True)
register_async_driver("claude", settings_factory("AsyncClaudeDriver"), overwrite=True)
register_async_driver("google", settings_factory("AsyncGoogleDriver"), overwrite=True)
register_async_driver("groq", settings_factory("AsyncGroqDriver"), overwrite=True)
register_async_driver("ollama", settings_factory("AsyncOllamaDriver"), overwrite=True)
register_async_driver("airllm", settings_factory("AsyncAirLLMDriver"), overwrite=True)
register_async_driver("azure", settings_factory("AsyncAzureDriver"), overwrite=True)
register_async_driver("cachibot", settings_factory("AsyncCachiBotDriver"), overwrite=True)

__all__ = [
    "AirLLMDriver",
    "AnthropicMessagesDriver",
    "AsyncAirLLMDriver",
    "AsyncAnthropicMessagesDriver",
    "AsyncAzureDriver",
    "AsyncCachiBotDriver",
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
    "AzureDriver",
    "CachiBotDriver",
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

__getattr__, __dir__ = _attach(__name__, globals(), _LAZY_IMPORTS)
