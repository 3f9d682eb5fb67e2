"""Prompture: structured JSON from LLMs, through one driver per provider.

Importing this package is cheap: no HTTP client, SDK, settings library or catalogue is loaded
until a driver or an extraction needs it.
"""

from ._json_cleaning import clean_json_text
from ._result import ExtractResult
from .async_driver import AsyncDriver
from .conversation import AsyncConversation, Conversation
from .core import (
    ask_for_json,
    async_ask_for_json,
    async_extract_and_jsonify,
    async_extract_with_model,
    async_extract_with_models,
    async_manual_extract_and_jsonify,
    async_render_output,
    async_stepwise_extract_with_model,
    extract_and_jsonify,
    extract_with_model,
    extract_with_models,
    manual_extract_and_jsonify,
    render_output,
    stepwise_extract_with_model,
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
from .drivers.registry import PROVIDER_ALIASES
from .exceptions import (
    ConfigurationError,
    DriverError,
    DriverHTTPError,
    ExtractionError,
    PromptureError,
)
from .fields import (
    add_field_definition,
    add_field_definitions,
    clear_registry,
    field_from_registry,
    get_field_definition,
    get_field_names,
    get_registry_snapshot,
    get_required_fields,
    normalize_enum_value,
    register_field,
    reset_registry,
    validate_enum_value,
)
from .images import ImageContent, make_image
from .tools import ToolRegistry

__version__ = "0.1.0"

__all__ = [
    # Core
    "ExtractResult",
    "ask_for_json",
    "async_ask_for_json",
    "async_extract_and_jsonify",
    "async_extract_with_model",
    "async_extract_with_models",
    "async_manual_extract_and_jsonify",
    "async_render_output",
    "async_stepwise_extract_with_model",
    "clean_json_text",
    "extract_and_jsonify",
    "extract_with_model",
    "extract_with_models",
    "get_available_models",
    "manual_extract_and_jsonify",
    "render_output",
    "stepwise_extract_with_model",
    # Conversations, tools and images
    "AsyncConversation",
    "Conversation",
    "ImageContent",
    "ToolRegistry",
    "make_image",
    # Field registry
    "add_field_definition",
    "add_field_definitions",
    "clear_registry",
    "field_from_registry",
    "get_field_definition",
    "get_field_names",
    "get_registry_snapshot",
    "get_required_fields",
    "normalize_enum_value",
    "register_field",
    "reset_registry",
    "validate_enum_value",
    # Base classes
    "AsyncDriver",
    "CostMixin",
    "Driver",
    "prepare_strict_schema",
    # Registry
    "PROVIDER_ALIASES",
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
