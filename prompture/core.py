"""Structured extraction: ask a driver for JSON that matches a schema.

The names, signatures and result shapes follow upstream Prompture's core API. Each function
is written once, as a flow (see `prompture._flow`): a generator that yields the driver calls it
needs and receives their answers. The sync functions here run a flow with `_flow.run`; their
async twins in `prompture.async_core` (also reachable here as ``async_ask_for_json``...) run
the same flow with `_flow.arun`, so the two cannot drift apart.

``jsonschema``, ``json_repair`` and ``pydantic`` are imported when first needed, which keeps
``import prompture`` fast.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from ._flow import Call, Flow, Resolve, run
from ._json_cleaning import clean_json_text, parse_answer
from ._result import ExtractResult
from .exceptions import ConfigurationError, ExtractionError, PromptureError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .async_core import ask_for_json as async_ask_for_json
    from .async_core import extract_and_jsonify as async_extract_and_jsonify
    from .async_core import extract_with_model as async_extract_with_model
    from .async_core import extract_with_models as async_extract_with_models
    from .async_core import manual_extract_and_jsonify as async_manual_extract_and_jsonify
    from .async_core import render_output as async_render_output
    from .async_core import stepwise_extract_with_model as async_stepwise_extract_with_model
    from .driver import Driver
    from .images import ImageInput

__all__ = [
    "DEFAULT_INSTRUCTION",
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
    "manual_extract_and_jsonify",
    "render_output",
    "stepwise_extract_with_model",
]

DEFAULT_INSTRUCTION = "Extract information from the following text:"
STEPWISE_INSTRUCTION = "Extract the {field_name} from the following text:"
JSON_MODES = ("auto", "on", "off")
OUTPUT_FORMATS = ("text", "html", "markdown")


def _blocking(flow_factory: Callable[..., Flow]) -> Callable[..., Any]:
    """The sync API function of a flow factory: same name, signature and docstring."""

    @functools.wraps(flow_factory)
    def function(*args: Any, **kwargs: Any) -> Any:
        return run(flow_factory(*args, **kwargs))

    function.__name__ = function.__qualname__ = flow_factory.__name__.strip("_")
    function.__module__ = __name__
    return function


# --- the API, each function a flow -------------------------------------------------------------


def _ask_for_json(
    driver: Driver,
    content_prompt: str,
    json_schema: dict[str, Any],
    ai_cleanup: bool = True,
    model_name: str = "",
    options: dict[str, Any] | None = None,
    output_format: str = "json",
    cache: bool | MutableMapping[str, Any] | None = None,
    json_mode: str = "auto",
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
) -> Flow:
    """Ask `driver` for JSON matching `json_schema`.

    Returns ``{"json_string", "json_object", "usage"}``; ``usage`` sums tokens and cost over
    every call made (a repair call included). `json_mode` is ``"auto"`` (JSON mode where the
    driver supports it), ``"on"`` or ``"off"``; the schema is sent natively where the driver
    supports it, else written into the prompt. With `ai_cleanup`, an answer that cannot be
    parsed or does not match the schema gets one repair call to the same driver.
    `output_format` ``"toon"`` adds ``toon_string`` (needs `python-toon`). `cache`:
    True for the process-wide cache, or any dict-like object; results are stored under a hash
    of the request. `system_prompt` and `images` (bytes, paths, URLs, base64) go into the
    messages. The caller's `options` and `json_schema` are never mutated.

    Raises `ExtractionError` (carrying ``raw_text``, the last answer) when no valid JSON came
    back, and ``jsonschema.SchemaError`` before any call when `json_schema` is not a schema.
    """
    return (
        yield from _json_answer(
            driver, content_prompt, json_schema, ai_cleanup, model_name, options,
            output_format, cache, json_mode, system_prompt, images,
        )
    )  # fmt: skip


def _manual_extract_and_jsonify(
    driver: Driver,
    text: str,
    json_schema: dict[str, Any],
    model_name: str = "",
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
    output_format: str = "json",
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
) -> Flow:
    """Extract JSON matching `json_schema` from `text` with a driver instance.

    `model_name`, when given, is the provider's model name and is sent as ``options["model"]``.
    """
    prompt = _extraction_prompt(text, instruction_template)
    call_options = _with_model(options, model_name)
    return (
        yield from _ask_for_json(
            driver, prompt, json_schema, ai_cleanup, model_name, call_options,
            output_format, None, json_mode, system_prompt, images,
        )
    )  # fmt: skip


def _extract_and_jsonify(
    text: str,
    json_schema: dict[str, Any],
    *,
    model_name: str = "",
    driver: Driver | None = None,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    output_format: str = "json",
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
    cache: bool | MutableMapping[str, Any] | None = None,
) -> Flow:
    """Extract JSON matching `json_schema` from `text`.

    The driver is `driver` when given, else the one registered for `model_name`
    (``"provider/model"``). Returns ``{"json_string", "json_object", "usage"}`` (see
    `ask_for_json`).
    """
    prompt = _extraction_prompt(text, instruction_template)
    if driver is None:
        driver = yield Resolve(_required_model_name(model_name))
        model = _provider_model(model_name)
    else:
        model = _model_for_driver(model_name)
    call_options = _with_model(options, model)
    return (
        yield from _ask_for_json(
            driver, prompt, json_schema, ai_cleanup, model_name, call_options,
            output_format, cache, json_mode, system_prompt, images,
        )
    )  # fmt: skip


def _extract_with_model(
    model_cls: type[BaseModel],
    text: str,
    model_name: str | None = None,
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    output_format: str = "json",
    options: dict[str, Any] | None = None,
    cache: bool | MutableMapping[str, Any] | None = None,
    json_mode: str = "auto",
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
    max_retries: int = 1,
    fallback: BaseModel | None = None,
    *,
    driver: Driver | None = None,
) -> Flow:
    """Extract an instance of the pydantic model `model_cls` from `text`.

    Returns an `ExtractResult`: ``json_string``, ``json_object``, ``usage`` and ``model`` (the
    validated instance; ``result.model`` works too). `max_retries` is the number of attempts;
    when all fail, `fallback` (an instance) is returned with ``usage["fallback_used"]``, or
    the last error is raised (`ExtractionError` when the answer does not validate).
    """
    schema = model_cls.model_json_schema()
    error: PromptureError | None = None
    for _ in range(max(1, max_retries)):
        try:
            result = yield from _extract_and_jsonify(
                text, schema, model_name=model_name or "", driver=driver,
                instruction_template=instruction_template, ai_cleanup=ai_cleanup,
                output_format=output_format, options=options, json_mode=json_mode,
                system_prompt=system_prompt, images=images, cache=cache,
            )  # fmt: skip
            instance = _model_instance(model_cls, result)
        except PromptureError as failed:
            error = failed
            continue
        return ExtractResult(result, model=instance)
    if fallback is not None:
        return _fallback_result(fallback, model_name or "")
    assert error is not None
    raise error


def _stepwise_extract_with_model(
    model_cls: type[BaseModel],
    text: str,
    *,
    model_name: str = "",
    instruction_template: str = STEPWISE_INSTRUCTION,
    ai_cleanup: bool = True,
    fields: list[str] | None = None,
    field_definitions: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
    json_mode: str = "auto",
    system_prompt: str | None = None,
    share_context: bool = False,
    driver: Driver | None = None,
) -> Flow:
    """Extract `model_cls` one field at a time: one call per field, then one validation.

    `instruction_template` takes ``{field_name}``. With `share_context`, each call sees the
    earlier fields' questions and answers as a conversation. A field whose extraction fails
    gets its default (from `field_definitions`, else the field registry, else the model, else
    an empty value of its type), and ``field_results[name]`` says so. Returns an
    `ExtractResult` with
    ``model``, ``json_string``, ``json_object``, ``field_results`` and ``usage`` (totals plus
    ``field_usages``); when the collected values do not validate, ``model`` is absent and
    ``error`` says why.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text to extract from must not be empty")
    names = list(model_cls.model_fields)
    if fields is not None:
        unknown = [name for name in fields if name not in model_cls.model_fields]
        if unknown:
            raise KeyError(f"fields not in {model_cls.__name__}: {', '.join(unknown)}")
        names = list(fields)
    if field_definitions is None:
        from .fields import get_registry_snapshot

        field_definitions = get_registry_snapshot()
    if driver is None:
        driver = yield Resolve(_required_model_name(model_name))
        call_options = _with_model(options, _provider_model(model_name))
    else:
        call_options = _with_model(options, _model_for_driver(model_name))
    schema = model_cls.model_json_schema()
    usage = _empty_usage(model_name or getattr(driver, "model", ""))
    usage["field_usages"] = {}
    data: dict[str, Any] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    history: list[dict[str, Any]] = []
    for name in names:
        prompt = _extraction_prompt(text, instruction_template.format(field_name=name))
        try:
            result = yield from _json_answer(
                driver, prompt, _field_schema(schema, name), ai_cleanup, model_name,
                call_options, "json", None, json_mode, system_prompt, None, list(history),
            )  # fmt: skip
        except PromptureError as error:
            data[name] = _field_default(model_cls, name, field_definitions)
            outcomes[name] = {"status": "extraction_failed", "error": str(error)}
            outcomes[name]["used_default"] = True
            usage["field_usages"][name] = {"error": str(error), "status": "failed"}
            continue
        _sum_usage(usage, result["usage"])
        usage["field_usages"][name] = result["usage"]
        data[name] = result["json_object"]["value"]
        outcomes[name] = {"status": "success", "used_default": False}
        if share_context:
            history.append({"role": "user", "content": prompt})
            history.append({"role": "assistant", "content": result["json_string"]})
    return _stepwise_result(model_cls, data, usage, outcomes)


def _extract_with_models(
    model_cls: type[BaseModel],
    text: str,
    *,
    models: list[str],
    instruction_template: str = DEFAULT_INSTRUCTION,
    ai_cleanup: bool = True,
    output_format: str = "json",
    options: dict[str, Any] | None = None,
    cache: bool | MutableMapping[str, Any] | None = None,
    json_mode: str = "auto",
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
    max_retries: int = 1,
    fallback: BaseModel | None = None,
) -> Flow:
    """Try `models` (``"provider/model"`` strings) in order; the first success wins.

    A model whose driver supports neither JSON mode nor a schema is asked field by field
    (`stepwise_extract_with_model`). Returns an `ExtractResult` with ``model``,
    ``selected_model``, ``strategy_used``, ``attempts`` (one dict per model: status
    success/failed/skipped, reason, strategy, cost, tokens, duration, capabilities),
    ``total_cost``,
    ``total_tokens``, ``total_attempts`` and the winner's ``usage``. When every model fails,
    `fallback` is returned, or an `ExtractionError` carrying ``attempts`` is raised.
    """
    if not models:
        raise ValueError("models must name at least one 'provider/model'")
    _extraction_prompt(text, instruction_template)  # refuses empty text before any call
    attempts: list[dict[str, Any]] = []
    for model_name in models:
        try:
            driver = yield Resolve(model_name)
        except PromptureError as error:
            attempts.append(_attempt(model_name, "skipped", f"no driver: {error}", None, {}, 0.0))
            continue
        abilities = {
            "json_mode": bool(getattr(driver, "supports_json_mode", False)),
            "json_schema": bool(getattr(driver, "supports_json_schema", False)),
        }
        stepwise = not any(abilities.values())
        strategy = "stepwise" if stepwise else "single"
        started = time.perf_counter()
        try:
            if stepwise:
                flow = _stepwise_extract_with_model(
                    model_cls, text, model_name=model_name, ai_cleanup=ai_cleanup,
                    options=options, json_mode=json_mode, system_prompt=system_prompt,
                    driver=driver,
                )  # fmt: skip
            else:
                flow = _extract_with_model(
                    model_cls, text, model_name, instruction_template, ai_cleanup,
                    output_format, options, cache, json_mode, system_prompt, images,
                    max_retries, driver=driver,
                )  # fmt: skip
            result = yield from flow
            if "model" not in result:
                raise ExtractionError(result.get("error", "the answer did not validate"))
        except PromptureError as error:
            elapsed = time.perf_counter() - started
            failed = _attempt(model_name, "failed", str(error), strategy, {}, elapsed)
            attempts.append({**failed, "capabilities": abilities})
            continue
        elapsed = time.perf_counter() - started
        won = _attempt(model_name, "success", None, strategy, result["usage"], elapsed)
        attempts.append({**won, "capabilities": abilities})
        extra = {"selected_model": model_name, "strategy_used": strategy}
        return ExtractResult(result, **extra, **_attempt_totals(attempts))
    if fallback is not None:
        result = _fallback_result(fallback, "")
        return ExtractResult(
            result, selected_model=None, strategy_used=None, **_attempt_totals(attempts)
        )
    error = ExtractionError(f"every model failed: {', '.join(models)}")
    error.attempts = attempts  # type: ignore[attr-defined]
    raise error


def _render_output(
    driver: Driver,
    content_prompt: str,
    output_format: str = "text",
    model_name: str = "",
    options: dict[str, Any] | None = None,
    system_prompt: str | None = None,
    images: list[ImageInput] | None = None,
) -> Flow:
    """Ask for plain text, HTML or markdown, with no chatter around it.

    Returns ``{"text", "usage", "output_format"}``; a code fence wrapped around text or HTML
    is taken off.
    """
    if output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}")
    ask = {
        "text": "Answer with the plain text only: no markdown, no code fences, no preamble.",
        "html": "Answer with the HTML only: no code fences and no words around it.",
        "markdown": "Answer in markdown.",
    }[output_format]
    messages = _messages(f"{content_prompt}\n\n{ask}", system_prompt, images)
    usage = _empty_usage(model_name or getattr(driver, "model", ""))
    text = _add_response(usage, (yield Call(driver, messages, dict(options or {}))))
    if output_format != "markdown":
        text = _unfence(text)
    return {"text": text, "usage": usage, "output_format": output_format}


def _json_answer(
    driver: Any,
    content_prompt: str,
    json_schema: dict[str, Any],
    ai_cleanup: bool,
    model_name: str,
    options: dict[str, Any] | None,
    output_format: str,
    cache: Any,
    json_mode: str,
    system_prompt: str | None,
    images: list[ImageInput] | None,
    history: list[dict[str, Any]] | tuple[()] = (),
) -> Flow:
    """`ask_for_json`, after the earlier turns of a conversation (`history`) when given."""
    toon_encode = _toon_encoder(output_format)
    check = _schema_check(json_schema)
    call_options, native = _build_options(driver, options, check, json_mode)
    prompt = _build_prompt(content_prompt, json_schema, native)
    store = _cache_store(cache)
    key = ""
    if store is not None:
        request = (
            prompt,
            call_options,
            json_schema,
            ai_cleanup,
            model_name,
            system_prompt,
            history,
        )
        key = _cache_key(driver, *request, [repr(image) for image in images or ()])
        if key in store:
            return copy.deepcopy(store[key])

    usage = _empty_usage(model_name or call_options.get("model") or getattr(driver, "model", ""))
    messages = _messages(prompt, system_prompt, images, history)
    answer = _add_response(usage, (yield Call(driver, messages, dict(call_options))))
    try:
        json_string, value = _parse_and_validate(answer, check)
    except ExtractionError as error:
        if not ai_cleanup:
            raise
        repair = _messages(_repair_prompt(json_schema, answer, str(error)), system_prompt, None)
        answer = _add_response(usage, (yield Call(driver, repair, dict(call_options))))
        json_string, value = _parse_and_validate(answer, check)

    result = {"json_string": json_string, "json_object": value, "usage": usage}
    if toon_encode is not None:
        result.update(toon_string=toon_encode(value), output_format="toon")
    if store is not None:
        store[key] = copy.deepcopy(result)
    return result


ask_for_json = _blocking(_ask_for_json)
manual_extract_and_jsonify = _blocking(_manual_extract_and_jsonify)
extract_and_jsonify = _blocking(_extract_and_jsonify)
extract_with_model = _blocking(_extract_with_model)
stepwise_extract_with_model = _blocking(_stepwise_extract_with_model)
extract_with_models = _blocking(_extract_with_models)
render_output = _blocking(_render_output)


# --- request building --------------------------------------------------------------------------


def _extraction_prompt(text: str, instruction_template: str) -> str:
    """The content prompt for extracting from `text`; empty text is refused."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text to extract from must not be empty")
    return f"{instruction_template}\n\n{text}"


def _required_model_name(model_name: Any) -> str:
    if not isinstance(model_name, str) or not model_name.strip():
        raise ValueError("model_name ('provider/model') is required when no driver= is given")
    return model_name


def _provider_model(model_name: str) -> str:
    """The provider's model name in ``"provider/model"`` (split on the first ``/`` only)."""
    return model_name.partition("/")[2]


def _model_for_driver(model_name: str | None) -> str:
    """The model to send to an explicit driver: `model_name` less a known provider prefix."""
    if not model_name:
        return ""
    from .drivers.registry import canonical_provider

    prefix, slash, rest = model_name.partition("/")
    return rest if slash and canonical_provider(prefix) is not None else model_name


def _with_model(options: dict[str, Any] | None, model: str) -> dict[str, Any]:
    """A copy of `options` with ``"model"`` set to `model` when one is given."""
    copied = dict(options or {})
    if model:
        copied["model"] = model
    return copied


def _messages(
    prompt: str,
    system_prompt: str | None,
    images: list[ImageInput] | None,
    history: list[dict[str, Any]] | tuple[()] = (),
) -> list[dict[str, Any]]:
    """[system] + earlier turns + the user message (a text, or text and image blocks)."""
    if images:
        from .images import user_content

        user = {"role": "user", "content": user_content(prompt, images)}
    else:
        user = {"role": "user", "content": prompt}
    system = [{"role": "system", "content": system_prompt}] if system_prompt else []
    return [*system, *history, user]


def _build_options(
    driver: Any, options: dict[str, Any] | None, check: _SchemaCheck, json_mode: str
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
        built["json_schema"] = check.fresh_copy()
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


def _toon_encoder(output_format: str) -> Callable[[Any], str] | None:
    """None for ``"json"``; for ``"toon"``, the encoder of the optional `python-toon` package.

    The model still answers JSON (validated as always); the result adds ``toon_string``, the
    value in TOON, a compact notation for feeding it to a model again.
    """
    if output_format == "json":
        return None
    if output_format != "toon":
        raise ValueError(f"output_format must be 'json' or 'toon', not {output_format!r}")
    try:
        from toon import encode
    except ImportError:
        raise ConfigurationError(
            "output_format='toon' needs the python-toon package: pip install 'prompture[toon]'"
        ) from None
    return encode


def _use_json_mode(driver: Any, json_mode: str) -> bool:
    if json_mode not in JSON_MODES:
        raise ValueError(f"json_mode must be one of {', '.join(JSON_MODES)}, not {json_mode!r}")
    if json_mode == "auto":
        return bool(getattr(driver, "supports_json_mode", False))
    return json_mode == "on"


def _unfence(text: str) -> str:
    stripped = text.strip()
    lines = stripped.splitlines()
    if len(lines) >= 2 and lines[0].startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1])
    return stripped


# --- validation --------------------------------------------------------------------------------


class _SchemaCheck:
    """A schema compiled once: a fast validity test, and jsonschema for the error message.

    The fast test is `jsonschema_rs` (Rust; Draft 2020-12, the draft of pydantic's schemas):
    about 1 ms on a 1 MB answer where ``jsonschema`` takes close to a second. ``jsonschema``
    still checks the schema itself (a broken one fails before any call) and explains a
    failure, which is the rare path; without `jsonschema_rs` it does both.
    """

    def __init__(self, json_schema: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator  # lazy: ~100 ms at import time

        Draft202012Validator.check_schema(json_schema)
        self.schema = json_schema
        self._text = json.dumps(json_schema)
        self._full = Draft202012Validator(json_schema)
        self._fast = _fast_validator(json_schema)

    def fresh_copy(self) -> dict[str, Any]:
        """A new copy of the schema (parsing its JSON: a tenth of the time of a deepcopy)."""
        return json.loads(self._text)

    def first_error(self, value: Any) -> Any:
        """None when `value` is valid, else the most relevant `jsonschema` error."""
        if self._fast is not None:
            try:
                if self._fast.is_valid(value):
                    return None
            except Exception:  # a value the Rust side cannot take: ask jsonschema
                pass
        from jsonschema.exceptions import best_match

        return best_match(self._full.iter_errors(value))


def _fast_validator(json_schema: dict[str, Any]) -> Any:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.Draft202012Validator(json_schema)
    except Exception:  # a schema it cannot compile: jsonschema alone then
        return None


_CHECKS: OrderedDict[str, _SchemaCheck] = OrderedDict()
_CHECKS_LOCK = threading.Lock()
_CHECKS_KEPT = 256


def _schema_check(json_schema: dict[str, Any]) -> _SchemaCheck:
    """The compiled check of `json_schema`, built once per distinct schema (LRU of 256)."""
    key = json.dumps(json_schema, sort_keys=True, default=repr)
    with _CHECKS_LOCK:
        check = _CHECKS.get(key)
        if check is not None:
            _CHECKS.move_to_end(key)
            return check
    check = _SchemaCheck(copy.deepcopy(json_schema))
    with _CHECKS_LOCK:
        _CHECKS[key] = check
        while len(_CHECKS) > _CHECKS_KEPT:
            _CHECKS.popitem(last=False)
    return check


def _parse_and_validate(answer: str, check: _SchemaCheck) -> tuple[str, Any]:
    """``(json_string, value)`` of `answer`, checked against the schema; else `ExtractionError`."""
    json_string, value = parse_answer(answer, _top_level_type(check.schema))
    try:
        error = check.first_error(value)
    except RecursionError:
        message = "the answer is nested too deeply to validate"
        raise ExtractionError(message, raw_text=answer) from None
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        message = f"the answer does not match the schema at {where}: {error.message}"
        raise ExtractionError(message, raw_text=answer)
    return json_string, value


def _top_level_type(json_schema: dict[str, Any]) -> str | None:
    """``"object"`` or ``"array"`` when the schema wants one of them at the top level."""
    kind = json_schema.get("type") if isinstance(json_schema, dict) else None
    kinds = {kind} if isinstance(kind, str) else set(kind or ())
    containers = kinds & {"object", "array"}
    return containers.pop() if len(containers) == 1 else None


def _model_instance(model_cls: type[BaseModel], result: dict[str, Any]) -> BaseModel:
    """Validate an extraction result as `model_cls`; a mismatch is an `ExtractionError`.

    A null the model gave for a field that has a default, but does not take null, means
    "not found": the default is used.
    """
    from pydantic import ValidationError

    value = result["json_object"]
    try:
        try:
            return model_cls.model_validate(value)
        except ValidationError:
            if not isinstance(value, dict):
                raise
            return model_cls.model_validate(_nulls_to_defaults(model_cls, value))
    except ValidationError as exc:
        message = f"the answer does not validate as {model_cls.__name__}: {exc}"
        raise ExtractionError(message, raw_text=result["json_string"]) from exc
    except RecursionError:
        message = f"the answer is nested too deeply to validate as {model_cls.__name__}"
        raise ExtractionError(message, raw_text=result["json_string"]) from None


def _nulls_to_defaults(model_cls: type[BaseModel], value: dict[str, Any]) -> dict[str, Any]:
    fields = model_cls.model_fields
    return {
        key: item
        for key, item in value.items()
        if not (item is None and key in fields and not fields[key].is_required())
    }


# --- stepwise and multi-model helpers ----------------------------------------------------------


def _field_schema(model_schema: dict[str, Any], name: str) -> dict[str, Any]:
    """An object schema holding one ``value``: the schema of field `name` of the model."""
    field = dict(model_schema.get("properties", {}).get(name) or {})
    field.pop("default", None)
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"value": field},
        "required": ["value"],
    }
    if "$defs" in model_schema:
        schema["$defs"] = model_schema["$defs"]
    return schema


#: An empty value per annotation, for a required field that could not be extracted.
_EMPTY = {str: "", int: 0, float: 0.0, bool: False, list: [], dict: {}}


def _field_default(
    model_cls: type[BaseModel], name: str, field_definitions: dict[str, Any] | None
) -> Any:
    definition = (field_definitions or {}).get(name)
    if isinstance(definition, dict) and "default" in definition:
        return copy.deepcopy(definition["default"])
    info = model_cls.model_fields[name]
    if not info.is_required():
        return info.get_default(call_default_factory=True)
    return copy.deepcopy(_EMPTY.get(info.annotation))


def _stepwise_result(
    model_cls: type[BaseModel],
    data: dict[str, Any],
    usage: dict[str, Any],
    outcomes: dict[str, dict[str, Any]],
) -> ExtractResult:
    from pydantic import ValidationError

    try:
        instance = model_cls.model_validate(data)
    except ValidationError as exc:
        usage.setdefault("validation_errors", []).append(str(exc))
        return ExtractResult(
            json_string="{}",
            json_object={},
            usage=usage,
            field_results=outcomes,
            error=f"the values do not validate as {model_cls.__name__}: {exc}",
        )
    json_string = instance.model_dump_json()
    return ExtractResult(
        json_string=json_string,
        json_object=json.loads(json_string),
        usage=usage,
        field_results=outcomes,
        model=instance,
    )


def _fallback_result(fallback: BaseModel, model_name: str) -> ExtractResult:
    json_string = fallback.model_dump_json()
    usage = _empty_usage(model_name)
    usage["fallback_used"] = True
    return ExtractResult(
        json_string=json_string, json_object=json.loads(json_string), usage=usage, model=fallback
    )


def _attempt(
    model: str,
    status: str,
    reason: str | None,
    strategy: str | None,
    usage: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    return {
        "model": model,
        "status": status,
        "reason": reason,
        "strategy": strategy,
        "cost": usage.get("cost", 0.0),
        "prompt_tokens": usage.get("prompt_tokens", 0),
        "completion_tokens": usage.get("completion_tokens", 0),
        "total_tokens": usage.get("total_tokens", 0),
        "duration_ms": round(seconds * 1000, 1),
        "capabilities": {},
    }


def _attempt_totals(attempts: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "attempts": attempts,
        "total_cost": round(sum(a["cost"] for a in attempts), 6),
        "total_tokens": sum(a["total_tokens"] for a in attempts),
        "total_attempts": sum(1 for a in attempts if a["status"] != "skipped"),
    }


# --- usage and caching -------------------------------------------------------------------------


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
    _sum_usage(usage, meta)
    usage["raw_response"] = meta.get("raw_response") or {}
    usage["model_name"] = usage["model_name"] or meta.get("model_name") or ""
    return response.get("text") or ""


def _sum_usage(total: dict[str, Any], part: dict[str, Any]) -> None:
    for field in ("prompt_tokens", "completion_tokens", "total_tokens"):
        total[field] += int(part.get(field) or 0)
    total["cost"] = round(total["cost"] + float(part.get("cost") or 0.0), 6)


class _LRU(OrderedDict):
    """The process-wide result cache behind ``cache=True``: the last 256 results."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        if len(self) > 256:
            self.popitem(last=False)


_SHARED_CACHE = _LRU()


def _cache_store(cache: Any) -> MutableMapping[str, Any] | None:
    if cache is True:
        return _SHARED_CACHE
    if cache is None or cache is False:
        return None
    return cache


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
    "async_stepwise_extract_with_model": "stepwise_extract_with_model",
    "async_extract_with_models": "extract_with_models",
    "async_render_output": "render_output",
}


def __getattr__(name: str) -> Any:
    """The async twins, loaded from `async_core` on first use (it imports this module)."""
    if name in _ASYNC_TWINS:
        from . import async_core

        return getattr(async_core, _ASYNC_TWINS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
