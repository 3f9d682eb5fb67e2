"""Prompture: structured JSON from LLMs, through one driver per provider.

Importing this package is cheap: no HTTP client, SDK, settings library or catalogue is loaded
until a driver or an extraction needs it.
"""

from .async_driver import AsyncDriver
from .core import (
    ask_for_json,
    async_ask_for_json,
    async_extract_and_jsonify,
    async_extract_with_model,
    async_manual_extract_and_jsonify,
    extract_and_jsonify,
    extract_with_model,
    manual_extract_and_jsonify,
)
from .cost_mixin import CostMixin, prepare_strict_schema
from .discovery import get_available_models
from .driver import Driver
from .drivers import (
    AirLLMDriver,
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
    get_async_driver_for_model,
    get_driver_for_model,
    register_async_driver,
    register_driver,
)
from .exceptions import (
    ConfigurationError,
    DriverError,
    DriverHTTPError,
    ExtractionError,
    PromptureError,
)

__version__ = "0.1.0"

__all__ = [
    # Core
    "ask_for_json",
    "async_ask_for_json",
    "async_extract_and_jsonify",
    "async_extract_with_model",
    "async_manual_extract_and_jsonify",
    "extract_and_jsonify",
    "extract_with_model",
    "get_available_models",
    "manual_extract_and_jsonify",
    # Base classes
    "AsyncDriver",
    "CostMixin",
    "Driver",
    "prepare_strict_schema",
    # Registry
    "get_async_driver_for_model",
    "get_driver_for_model",
    "register_async_driver",
    "register_driver",
    # Errors
    "ConfigurationError",
    "DriverError",
    "DriverHTTPError",
    "ExtractionError",
    "PromptureError",
    # Drivers
    "AirLLMDriver",
    "ClaudeDriver",
    "GoogleDriver",
    "GrokDriver",
    "GroqDriver",
    "LMStudioDriver",
    "ModelScopeDriver",
    "MoonshotDriver",
    "OllamaDriver",
    "OpenAIDriver",
    "OpenRouterDriver",
    "ZaiDriver",
]
