"""Structured extraction: ask a driver for JSON that matches a schema.

The flow is written once, as a generator (`_extraction_flow`) that yields the
``(prompt, options)`` of each ``generate`` call it needs and receives the driver's response;
it builds the request, parses and validates the answer, makes at most one repair call and sums
the usage. `_drive` here and `prompture.async_core._drive` only perform the calls, so the sync
API and its async twins (``async_ask_for_json`` ... exposed here too) cannot drift apart.

``jsonschema``, ``json_repair`` and ``pydantic`` are imported when first needed, which keeps
``import prompture`` fast.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Generator, MutableMapping
from typing import TYPE_CHECKING, Any

from ._json_cleaning import parse_json_answer
from .exceptions import ExtractionError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .async_core import ask_for_json as async_ask_for_json
    from .async_core import extract_and_jsonify as async_extract_and_jsonify
    from .async_core import extract_with_model as async_extract_with_model
    from .async_core import manual_extract_and_jsonify as async_manual_extract_and_jsonify
    from .driver import Driver

__all__ = [
    "DEFAULT_INSTRUCTION",
    "ask_for_json",
    "async_ask_for_json",
    "async_extract_and_jsonify",
    "async_extract_with_model",
    "async_manual_extract_and_jsonify",
    "extract_and_jsonify",
    "extract_with_model",
    "manual_extract_and_jsonify",
]

DEFAULT_INSTRUCTION = "Extract information from the following text:"
JSON_MODES = ("auto", "on", "off")

#: One ``generate`` call the flow asks for: ``(prompt, options)``.
Call = tuple[str, dict[str, Any]]
#: The extraction flow: yields calls, is sent each call's response, returns the result.
Flow = Generator[Call, dict[str, Any], dict[str, Any]]


def ask_for_json(
    driver: Driver,
    content_prompt: str,
    json_schema: dict[str, Any],
    ai_cleanup: bool = True,
    model_name: str = "",
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
    cache: MutableMapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Ask `driver` for JSON matching `json_schema`.

    Returns ``{"json_string", "json_object", "usage"}``; ``usage`` sums tokens and cost over
    every call made (a repair call included). `json_mode` is ``"auto"`` (JSON mode where the
    driver supports it), ``"on"`` or ``"off"``. With `ai_cleanup`, an answer that cannot be
    parsed or does not match the schema gets one repair call to the same driver. `cache` is
    any dict-like object; results are stored under a hash of the request. The caller's
    `options` and `json_schema` are never mutated.

    Raises `ExtractionError` (carrying ``raw_text``, the last answer) when no valid JSON came
    back, and ``jsonschema.SchemaError`` before any call when `json_schema` is not a schema.
    """
    flow = _extraction_flow(
        driver, content_prompt, json_schema, ai_cleanup, model_name, options, json_mode, cache
    )
    return _drive(driver, flow)


def manual_extract_and_jsonify(
    driver: Driver,
    text: str,
    json_schema: dict[str, Any],
    model_name: str = "",
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> dict[str, Any]:
    """Extract JSON matching `json_schema` from `text` with a driver instance.

    `model_name`, when given, is the provider's model name and is sent as ``options["model"]``.
    """
    prompt = _extraction_prompt(text, instruction_template)
    call_options = _with_model(options, model_name)
    return ask_for_json(
        driver, prompt, json_schema, ai_cleanup, model_name, call_options, json_mode
    )


def extract_and_jsonify(
    text: str,
    json_schema: dict[str, Any],
    *,
    model_name: str,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> dict[str, Any]:
    """Extract JSON matching `json_schema` from `text` with the model ``"provider/model"``.

    Returns ``{"json_string", "json_object", "usage"}`` (see `ask_for_json`).
    """
    from .drivers import get_driver_for_model

    prompt = _extraction_prompt(text, instruction_template)
    driver = get_driver_for_model(model_name)
    call_options = _with_model(options, _provider_model(model_name))
    return ask_for_json(
        driver, prompt, json_schema, ai_cleanup, model_name, call_options, json_mode
    )


def extract_with_model(
    model_cls: type[BaseModel],
    text: str,
    model_name: str,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
) -> BaseModel:
    """Extract an instance of the pydantic model `model_cls` from `text`.

    Raises `ExtractionError` when the answer does not validate as `model_cls`.
    """
    result = extract_and_jsonify(
        text,
        model_cls.model_json_schema(),
        model_name=model_name,
        instruction_template=instruction_template,
        ai_cleanup=ai_cleanup,
        options=options,
        json_mode=json_mode,
    )
    return _model_instance(model_cls, result)


# --- shared by the sync functions above and their twins in `async_core` -----------------------


def _extraction_prompt(text: str, instruction_template: str) -> str:
    """The content prompt for extracting from `text`; empty text is refused."""
    if not text or not text.strip():
        raise ValueError("text to extract from must not be empty")
    return f"{instruction_template}\n\n{text}"


def _provider_model(model_name: str) -> str:
    """The provider's model name in ``"provider/model"`` (split on the first ``/`` only)."""
    return model_name.partition("/")[2]


def _with_model(options: dict[str, Any] | None, model: str) -> dict[str, Any]:
    """A copy of `options` with ``"model"`` set to `model` when one is given."""
    copied = dict(options or {})
    if model:
        copied["model"] = model
    return copied


def _model_instance(model_cls: type[BaseModel], result: dict[str, Any]) -> BaseModel:
    """Validate an extraction result as `model_cls`; a mismatch is an `ExtractionError`."""
    from pydantic import ValidationError

    try:
        return model_cls.model_validate(result["json_object"])
    except ValidationError as exc:
        message = f"the answer does not validate as {model_cls.__name__}: {exc}"
        raise ExtractionError(message, raw_text=result["json_string"]) from exc


def _drive(driver: Driver, flow: Flow) -> dict[str, Any]:
    """Run `flow`, answering each call it yields with ``driver.generate``."""
    try:
        prompt, options = next(flow)
        while True:
            prompt, options = flow.send(driver.generate(prompt, options))
    except StopIteration as finished:
        return finished.value


def _extraction_flow(
    driver: Any,
    content_prompt: str,
    json_schema: dict[str, Any],
    ai_cleanup: bool,
    model_name: str,
    options: dict[str, Any] | None,
    json_mode: str,
    cache: MutableMapping[str, Any] | None,
) -> Flow:
    """The whole extraction as a generator of ``generate`` calls (see the module docstring)."""
    validator = _validator(json_schema)
    call_options, native = _build_options(driver, options, json_schema, json_mode)
    prompt = _build_prompt(content_prompt, json_schema, native)
    key = ""
    if cache is not None:
        key = _cache_key(driver, prompt, call_options, json_schema, ai_cleanup, model_name)
        if key in cache:
            return copy.deepcopy(cache[key])

    usage = _empty_usage(model_name or call_options.get("model") or getattr(driver, "model", ""))
    answer = _add_response(usage, (yield prompt, dict(call_options)))
    try:
        value = _parse_and_validate(answer, validator)
    except ExtractionError as error:
        if not ai_cleanup:
            raise
        repair = _repair_prompt(json_schema, answer, str(error))
        answer = _add_response(usage, (yield repair, dict(call_options)))
        value = _parse_and_validate(answer, validator)

    result = {"json_string": _dumps(value), "json_object": value, "usage": usage}
    if cache is not None:
        cache[key] = copy.deepcopy(result)
    return result


def _build_options(
    driver: Any, options: dict[str, Any] | None, json_schema: dict[str, Any], json_mode: str
) -> tuple[dict[str, Any], bool]:
    """The options for the call (a copy) and whether the schema is sent natively."""
    use_json = _use_json_mode(driver, json_mode)
    # A schema goes out natively wherever the driver can send one, JSON mode or not (Claude
    # has structured output but no JSON mode); only json_mode="off" keeps it in the prompt.
    native = json_mode != "off" and bool(getattr(driver, "supports_json_schema", False))
    built = dict(options or {})
    built["json_mode"] = use_json
    built.pop("json_schema", None)
    if native:
        # A copy: a driver preparing a strict schema must not touch the caller's.
        built["json_schema"] = copy.deepcopy(json_schema)
    return built, native


def _build_prompt(content_prompt: str, json_schema: dict[str, Any], native: bool) -> str:
    """The prompt: the schema goes into it unless it is sent natively."""
    if native:
        return f"{content_prompt}\n\nReturn only JSON, with no other text."
    return (
        f"{content_prompt}\n\nReturn only JSON matching this JSON schema, with no other text:\n"
        f"{_dumps(json_schema, indent=2)}"
    )


def _repair_prompt(json_schema: dict[str, Any], answer: str, error: str) -> str:
    """The prompt of the one repair call: schema, the rejected answer and why it was rejected."""
    return (
        "Your previous answer was supposed to be JSON matching this JSON schema:\n"
        f"{_dumps(json_schema, indent=2)}\n\n"
        f"Previous answer:\n{answer}\n\n"
        f"Problem: {error}\n\n"
        "Return only the corrected JSON, with no other text."
    )


def _use_json_mode(driver: Any, json_mode: str) -> bool:
    if json_mode not in JSON_MODES:
        raise ValueError(f"json_mode must be one of {', '.join(JSON_MODES)}, not {json_mode!r}")
    if json_mode == "auto":
        return bool(getattr(driver, "supports_json_mode", False))
    return json_mode == "on"


def _validator(json_schema: dict[str, Any]) -> Any:
    """A Draft 2020-12 validator; a broken schema fails here, before any tokens are spent."""
    from jsonschema import Draft202012Validator  # lazy: ~100 ms at import time

    Draft202012Validator.check_schema(json_schema)
    return Draft202012Validator(json_schema)


def _parse_and_validate(answer: str, validator: Any) -> Any:
    """The JSON value in `answer`, checked against the schema; `ExtractionError` otherwise."""
    from jsonschema.exceptions import best_match

    value = parse_json_answer(answer, _top_level_type(validator.schema))
    error = best_match(validator.iter_errors(value))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        message = f"the answer does not match the schema at {where}: {error.message}"
        raise ExtractionError(message, raw_text=answer)
    return value


def _top_level_type(json_schema: dict[str, Any]) -> str | None:
    """``"object"`` or ``"array"`` when the schema wants one of them at the top level."""
    kind = json_schema.get("type") if isinstance(json_schema, dict) else None
    kinds = {kind} if isinstance(kind, str) else set(kind or ())
    containers = kinds & {"object", "array"}
    return containers.pop() if len(containers) == 1 else None


def _empty_usage(model_name: str) -> dict[str, Any]:
    return {
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "total_tokens": 0,
        "cost": 0.0,
        "model_name": model_name,
        "raw_response": {},
    }


def _add_response(usage: dict[str, Any], response: dict[str, Any]) -> str:
    """Add one response's usage to `usage` (in place); return its answer text."""
    meta = response.get("meta") or {}
    for field in ("prompt_tokens", "completion_tokens", "total_tokens"):
        usage[field] += int(meta.get(field) or 0)
    usage["cost"] = round(usage["cost"] + float(meta.get("cost") or 0.0), 6)
    usage["raw_response"] = meta.get("raw_response") or {}
    usage["model_name"] = usage["model_name"] or meta.get("model_name") or ""
    return response.get("text") or ""


def _cache_key(driver: Any, *request: Any) -> str:
    """A stable hash of the driver's identity and the request."""
    identity = [type(driver).__module__, type(driver).__qualname__, getattr(driver, "model", "")]
    blob = json.dumps([identity, *request], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()


def _dumps(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


_ASYNC_TWINS = {
    "async_ask_for_json": "ask_for_json",
    "async_extract_and_jsonify": "extract_and_jsonify",
    "async_manual_extract_and_jsonify": "manual_extract_and_jsonify",
    "async_extract_with_model": "extract_with_model",
}


def __getattr__(name: str) -> Any:
    """The async twins, loaded from `async_core` on first use (it imports this module)."""
    if name in _ASYNC_TWINS:
        from . import async_core

        return getattr(async_core, _ASYNC_TWINS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
