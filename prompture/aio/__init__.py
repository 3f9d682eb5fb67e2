"""The async API under the names of the sync one: ``from prompture.aio import extract_with_model``.

Every function here is the async twin of the function of the same name in `prompture`
(same arguments, awaited), plus `AsyncConversation`, `AsyncDriver` and the async registry.
"""

from ..async_core import (
    ask_for_json,
    clean_json_text,
    extract_and_jsonify,
    extract_with_model,
    extract_with_models,
    manual_extract_and_jsonify,
    render_output,
    stepwise_extract_with_model,
)
from ..async_driver import AsyncDriver
from ..conversation import AsyncConversation
from ..drivers import get_async_driver_for_model, register_async_driver

__all__ = [
    "AsyncConversation",
    "AsyncDriver",
    "ask_for_json",
    "clean_json_text",
    "extract_and_jsonify",
    "extract_with_model",
    "extract_with_models",
    "get_async_driver_for_model",
    "manual_extract_and_jsonify",
    "register_async_driver",
    "render_output",
    "stepwise_extract_with_model",
]
