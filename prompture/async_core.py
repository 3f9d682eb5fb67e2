"""Async twins of the extraction API in `prompture.core`, with the same names and arguments.

Everything but the ``await driver.generate(...)`` call is the shared flow in `prompture.core`;
these functions only build its arguments and run it against an `AsyncDriver`.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from .core import (
    DEFAULT_INSTRUCTION,
    Flow,
    _extraction_flow,
    _extraction_prompt,
    _model_instance,
    _provider_model,
    _with_model,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .async_driver import AsyncDriver

__all__ = [
    "ask_for_json",
    "extract_and_jsonify",
    "extract_with_model",
    "manual_extract_and_jsonify",
]


async def ask_for_json(
    driver: AsyncDriver,
    content_prompt: str,
    json_schema: dict[str, Any],
    ai_cleanup: bool = True,
    model_name: str = "",
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
    cache: MutableMapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Async twin of `prompture.core.ask_for_json`."""
    flow = _extraction_flow(
        driver, content_prompt, json_schema, ai_cleanup, model_name, options, json_mode, cache
    )
    return await _drive(driver, flow)


async def manual_extract_and_jsonify(
    driver: AsyncDriver,
    text: str,
    json_schema: dict[str, Any],
    model_name: str = "",
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> dict[str, Any]:
    """Async twin of `prompture.core.manual_extract_and_jsonify`."""
    prompt = _extraction_prompt(text, instruction_template)
    call_options = _with_model(options, model_name)
    return await ask_for_json(
        driver, prompt, json_schema, ai_cleanup, model_name, call_options, json_mode
    )


async def extract_and_jsonify(
    text: str,
    json_schema: dict[str, Any],
    *,
    model_name: str,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> dict[str, Any]:
    """Async twin of `prompture.core.extract_and_jsonify`."""
    from .drivers import get_async_driver_for_model

    prompt = _extraction_prompt(text, instruction_template)
    driver = get_async_driver_for_model(model_name)
    call_options = _with_model(options, _provider_model(model_name))
    return await ask_for_json(
        driver, prompt, json_schema, ai_cleanup, model_name, call_options, json_mode
    )


async def extract_with_model(
    model_cls: type[BaseModel],
    text: str,
    model_name: str,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> BaseModel:
    """Async twin of `prompture.core.extract_with_model`."""
    result = await extract_and_jsonify(
        text,
        model_cls.model_json_schema(),
        model_name=model_name,
        instruction_template=instruction_template,
        ai_cleanup=ai_cleanup,
        options=options,
        json_mode=json_mode,
    )
    return _model_instance(model_cls, result)


async def _drive(driver: AsyncDriver, flow: Flow) -> dict[str, Any]:
    """Run `flow`, answering each call it yields with ``await driver.generate``."""
    try:
        prompt, options = next(flow)
        while True:
            prompt, options = flow.send(await driver.generate(prompt, options))
    except StopIteration as finished:
        return finished.value
