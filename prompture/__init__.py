"""Prompture: structured JSON from LLMs, through one driver per provider.

Importing this package is cheap: no HTTP client, SDK, settings library or catalogue is loaded
until a driver or an extraction needs it.
"""

from ._lazy import attach as _attach

__version__ = "0.1.0"

#: Where each public name lives: imported on first use, so `import prompture` loads none.
_LAZY_IMPORTS = {
    "._json_cleaning": ["clean_json_text"],
    "._result": ["ExtractResult"],
    ".async_driver": ["AsyncDriver"],
    ".conversation": ["AsyncConversation", "Conversation"],
    ".core": [
        "ask_for_json",
        "async_ask_for_json",
        "async_extract_and_jsonify",
        "async_extract_with_model",
        "async_extract_with_models",
        "async_manual_extract_and_jsonify",
        "async_render_output",
        "async_stepwise_extract_with_model",
        "extract_and_jsonify",
        "extract_with_model",
        "extract_with_models",
        "manual_extract_and_jsonify",
        "render_output",
        "stepwise_extract_with_model",
    ],
    ".cost_mixin": ["CostMixin", "prepare_strict_schema"],
    ".discovery": ["get_available_models"],
    ".driver": ["Driver"],
    ".drivers": [
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
        "get_async_driver_for_model",
        "get_driver_for_model",
        "register_async_driver",
        "register_driver",
    ],
    ".drivers.registry": ["PROVIDER_ALIASES"],
    ".exceptions": [
        "ConfigurationError",
        "DriverError",
        "DriverHTTPError",
        "ExtractionError",
        "PromptureError",
    ],
    ".fields": [
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
    ],
    ".images": ["ImageContent", "make_image"],
    ".tools": ["ToolRegistry"],
}


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

__getattr__, __dir__ = _attach(__name__, globals(), _LAZY_IMPORTS)
