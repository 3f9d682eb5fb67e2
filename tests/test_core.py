"""The extraction API (`prompture.core`) and its async twins (`prompture.async_core`).

Every behaviour test runs twice, once through the sync functions with a `Driver` and once
through the async twins with an `AsyncDriver`, so the twins are held to the same behaviour.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
from types import ModuleType
from typing import Any

import pytest
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, field_validator

from prompture import async_core, core
from prompture.async_driver import AsyncDriver
from prompture.driver import Driver
from prompture.drivers.registry import (
    register_async_driver,
    register_driver,
    unregister_async_driver,
    unregister_driver,
)
from prompture.exceptions import DriverHTTPError, ExtractionError

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
ADA = '{"name": "Ada", "age": 36}'


class _Script:
    """Stands in for a provider: answers with queued texts and records every call it gets.

    These tests exercise the extraction logic (prompts, options, parsing, repair, usage)
    without any transport; the end-to-end tests against the local HTTP servers live elsewhere.
    An answer that is an exception instance is raised instead.
    """

    provider = "scripted"
    requires_api_key = False
    supports_json_mode = True
    supports_json_schema = True

    def __init__(self, *answers: str | Exception, model: str = "scripted-1") -> None:
        super().__init__(model=model)
        self.answers = list(answers)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _answer(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> dict:
        self.calls.append((messages[-1]["content"], options))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        meta = {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "cost": 0.000125,
            "raw_response": {"call": len(self.calls)},
            "model_name": self._model_for(options),
        }
        return {"text": answer, "meta": meta}

    @property
    def prompts(self) -> list[str]:
        return [prompt for prompt, _ in self.calls]

    @property
    def options(self) -> list[dict[str, Any]]:
        return [options for _, options in self.calls]


class ScriptedDriver(_Script, Driver):
    def generate_messages(self, messages, options=None):
        return self._answer(messages, options)


class ScriptedAsyncDriver(_Script, AsyncDriver):
    async def generate_messages(self, messages, options=None):
        return self._answer(messages, options)


CAPABILITIES = {
    "schema": {},
    "json_object": {"supports_json_schema": False},
    "plain": {"supports_json_mode": False, "supports_json_schema": False},
}


class Flavour:
    """One side of the API: its module, its driver base, and a way to call it from a test."""

    def __init__(self, module: ModuleType, driver_cls: type) -> None:
        self.module = module
        self.driver_cls = driver_cls

    def driver(self, *answers: str | Exception, caps: str = "schema") -> Any:
        cls = type(f"{caps}-{self.driver_cls.__name__}", (self.driver_cls,), CAPABILITIES[caps])
        return cls(*answers)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.module, name)(*args, **kwargs)
        return asyncio.run(result) if inspect.iscoroutine(result) else result


@pytest.fixture(params=["sync", "async"])
def api(request) -> Flavour:
    if request.param == "sync":
        return Flavour(core, ScriptedDriver)
    return Flavour(async_core, ScriptedAsyncDriver)


@pytest.fixture
def registered(api):
    """Register `api`'s scripted driver as provider ``scripted``; yields the models asked for."""
    asked: list[str | None] = []
    drivers: list[Any] = []

    def factory(model=None):
        asked.append(model)
        return drivers.pop(0)

    register, unregister = (
        (register_driver, unregister_driver)
        if api.module is core
        else (register_async_driver, unregister_async_driver)
    )
    register("scripted", factory, overwrite=True)
    yield asked, drivers
    unregister("scripted")


# --- JSON mode and where the schema goes ------------------------------------------------------


def test_auto_mode_sends_the_schema_natively_where_supported(api):
    driver = api.driver(ADA)
    result = api.call("ask_for_json", driver, "Who?", PERSON)
    assert result["json_object"] == {"name": "Ada", "age": 36}
    assert driver.options[0]["json_mode"] is True
    assert driver.options[0]["json_schema"] == PERSON
    assert '"required"' not in driver.prompts[0]


def test_auto_mode_puts_the_schema_in_the_prompt_for_json_object_drivers(api):
    driver = api.driver(ADA, caps="json_object")
    api.call("ask_for_json", driver, "Who?", PERSON)
    assert driver.options[0]["json_mode"] is True
    assert "json_schema" not in driver.options[0]
    assert "Return only JSON matching this JSON schema" in driver.prompts[0]
    assert json.dumps(PERSON, indent=2) in driver.prompts[0]


def test_auto_mode_without_json_support_uses_the_prompt_only(api):
    driver = api.driver(ADA, caps="plain")
    api.call("ask_for_json", driver, "Who?", PERSON)
    assert driver.options[0]["json_mode"] is False
    assert "json_schema" not in driver.options[0]
    assert json.dumps(PERSON, indent=2) in driver.prompts[0]


def test_on_forces_json_mode(api):
    driver = api.driver(ADA, caps="plain")
    api.call("ask_for_json", driver, "Who?", PERSON, json_mode="on")
    assert driver.options[0]["json_mode"] is True
    assert "json_schema" not in driver.options[0]
    assert json.dumps(PERSON, indent=2) in driver.prompts[0]


def test_off_disables_json_mode_and_the_native_schema(api):
    driver = api.driver(ADA)
    options = {"json_mode": True, "json_schema": {"type": "array"}}
    api.call("ask_for_json", driver, "Who?", PERSON, options=options, json_mode="off")
    assert driver.options[0]["json_mode"] is False
    assert "json_schema" not in driver.options[0]
    assert json.dumps(PERSON, indent=2) in driver.prompts[0]


def test_unknown_json_mode_is_refused_before_any_call(api):
    driver = api.driver(ADA)
    with pytest.raises(ValueError, match="json_mode"):
        api.call("ask_for_json", driver, "Who?", PERSON, json_mode="yes")
    assert driver.calls == []


def test_callers_options_and_schema_are_not_mutated(api):
    options = {"temperature": 0.2, "max_tokens": 50}
    schema = copy.deepcopy(PERSON)
    driver = api.driver("not json", ADA)
    api.call("ask_for_json", driver, "Who?", schema, options=options)
    assert options == {"temperature": 0.2, "max_tokens": 50}
    assert schema == PERSON
    assert all(sent is not options for sent in driver.options)
    assert driver.options[0]["json_schema"] is not schema
    assert driver.options[0]["temperature"] == 0.2


def test_broken_schema_fails_before_any_call(api):
    driver = api.driver(ADA)
    with pytest.raises(SchemaError):
        api.call("ask_for_json", driver, "Who?", {"type": "no-such-type"})
    assert driver.calls == []


# --- parsing, repair and usage ----------------------------------------------------------------


def test_answer_is_cleaned_without_a_repair_call(api):
    driver = api.driver(f"<think>hmm</think>Here:\n```json\n{ADA}\n```\nBye!")
    result = api.call("ask_for_json", driver, "Who?", PERSON)
    assert result["json_object"] == {"name": "Ada", "age": 36}
    assert json.loads(result["json_string"]) == result["json_object"]
    assert len(driver.calls) == 1


def test_top_level_array_schema(api):
    schema = {"type": "array", "items": {"type": "integer"}}
    result = api.call("ask_for_json", api.driver("Numbers: [1, 2, 3]."), "Count", schema)
    assert result["json_object"] == [1, 2, 3]


def test_the_schemas_top_level_type_picks_the_answer_out_of_the_prose(api):
    numbers = {"type": "array", "items": {"type": "integer"}}
    answer = 'Counted with {"method": "tally"}: [1, 2, 3] (see [4]).'
    driver = api.driver(answer)
    assert api.call("ask_for_json", driver, "Count", numbers)["json_object"] == [1, 2, 3]
    driver = api.driver(f"Per [1] and [2, 3]: {ADA}")
    assert api.call("ask_for_json", driver, "Who?", PERSON)["json_object"]["name"] == "Ada"
    assert len(driver.calls) == 1


def test_one_repair_call_fixes_an_invalid_answer_and_usage_is_summed(api):
    driver = api.driver('{"name": "Ada"}', ADA)
    result = api.call("ask_for_json", driver, "Who?", PERSON, model_name="scripted/x")
    assert result["json_object"] == {"name": "Ada", "age": 36}
    assert len(driver.calls) == 2
    repair = driver.prompts[1]
    assert '{"name": "Ada"}' in repair
    assert "'age' is a required property" in repair
    assert json.dumps(PERSON, indent=2) in repair
    assert driver.options[1] == driver.options[0]
    assert result["usage"] == {
        "prompt_tokens": 20,
        "completion_tokens": 10,
        "total_tokens": 30,
        "cost": 0.00025,
        "model_name": "scripted/x",
        "raw_response": {"call": 2},
    }


def test_unparseable_answer_is_repaired_by_the_model(api):
    driver = api.driver("I cannot do that.", ADA)
    result = api.call("ask_for_json", driver, "Who?", PERSON)
    assert result["json_object"]["name"] == "Ada"
    assert "not valid JSON" in driver.prompts[1]


def test_still_invalid_after_repair_raises_with_the_last_answer(api):
    driver = api.driver('{"name": "Ada"}', '{"name": "Ada", "age": "old"}')
    with pytest.raises(ExtractionError, match="at age: 'old' is not of type 'integer'") as caught:
        api.call("ask_for_json", driver, "Who?", PERSON)
    assert caught.value.raw_text == '{"name": "Ada", "age": "old"}'
    assert len(driver.calls) == 2


def test_without_ai_cleanup_there_is_no_repair_call(api):
    driver = api.driver('{"name": "Ada"}')
    with pytest.raises(ExtractionError, match="'age' is a required property") as caught:
        api.call("ask_for_json", driver, "Who?", PERSON, ai_cleanup=False)
    assert caught.value.raw_text == '{"name": "Ada"}'
    assert len(driver.calls) == 1


def test_usage_model_name_falls_back_to_the_drivers_model(api):
    result = api.call("ask_for_json", api.driver(ADA), "Who?", PERSON)
    assert result["usage"]["model_name"] == "scripted-1"


def test_driver_errors_propagate(api):
    driver = api.driver(DriverHTTPError("boom", provider="scripted", status_code=500))
    with pytest.raises(DriverHTTPError):
        api.call("ask_for_json", driver, "Who?", PERSON)


def test_cache_serves_a_repeated_request_without_a_call(api):
    cache: dict[str, Any] = {}
    driver = api.driver(ADA)
    first = api.call("ask_for_json", driver, "Who?", PERSON, cache=cache)
    second = api.call("ask_for_json", driver, "Who?", PERSON, cache=cache)
    assert second == first
    assert len(driver.calls) == 1


# --- the extract_* entry points ---------------------------------------------------------------


def test_manual_extract_builds_the_prompt_and_sets_the_model(api):
    driver = api.driver(ADA)
    result = api.call(
        "manual_extract_and_jsonify",
        driver,
        "Ada Lovelace, 36.",
        PERSON,
        model_name="gpt-x",
        instruction_template="Pull out the person:",
    )
    assert result["json_object"]["age"] == 36
    assert driver.prompts[0].startswith("Pull out the person:\n\nAda Lovelace, 36.")
    assert driver.options[0]["model"] == "gpt-x"


def test_empty_text_is_refused(api):
    driver = api.driver(ADA)
    with pytest.raises(ValueError, match="empty"):
        api.call("manual_extract_and_jsonify", driver, "  ", PERSON)
    assert driver.calls == []


def test_extract_and_jsonify_finds_the_driver_from_the_model_name(api, registered):
    asked, drivers = registered
    driver = api.driver(ADA)
    drivers.append(driver)
    options = {"temperature": 0}
    result = api.call(
        "extract_and_jsonify",
        "Ada Lovelace, 36.",
        PERSON,
        model_name="scripted/org/model-x",
        options=options,
    )
    assert asked == ["org/model-x"]
    assert driver.options[0]["model"] == "org/model-x"
    assert driver.prompts[0].startswith(core.DEFAULT_INSTRUCTION)
    assert result["usage"]["model_name"] == "scripted/org/model-x"
    assert options == {"temperature": 0}


class Person(BaseModel):
    name: str
    age: int


class Adult(Person):
    @field_validator("age")
    @classmethod
    def _adult(cls, age: int) -> int:
        if age < 18:
            raise ValueError("must be an adult")
        return age


def test_extract_with_model_returns_upstreams_result_shape(api, registered):
    _, drivers = registered
    drivers.append(api.driver(ADA))
    result = api.call("extract_with_model", Person, "Ada Lovelace, 36.", "scripted/m")
    assert result.model == result["model"] == result() == Person(name="Ada", age=36)
    assert result.json_object == {"name": "Ada", "age": 36}
    assert json.loads(result.json_string) == result.json_object
    assert result.usage["total_tokens"] == 15 and result.usage["cost"] == 0.000125


def test_extract_with_model_validation_failure_is_an_extraction_error(api, registered):
    _, drivers = registered
    drivers.append(api.driver('{"name": "Ada", "age": 3}'))
    with pytest.raises(ExtractionError, match="must be an adult") as caught:
        api.call("extract_with_model", Adult, "Ada, 3.", "scripted/m")
    assert json.loads(caught.value.raw_text) == {"name": "Ada", "age": 3}


def test_core_exposes_the_async_twins():
    assert core.async_ask_for_json is async_core.ask_for_json
    assert core.async_extract_and_jsonify is async_core.extract_and_jsonify
    assert core.async_manual_extract_and_jsonify is async_core.manual_extract_and_jsonify
    assert core.async_extract_with_model is async_core.extract_with_model
    with pytest.raises(AttributeError):
        core.no_such_name  # noqa: B018


def test_a_deeply_nested_answer_is_an_extraction_error(api):
    deep = '{"name": "Ada", "age": 36, "x": ' + "[" * 5000 + "]" * 5000 + "}"
    driver = api.driver(deep)
    with pytest.raises(ExtractionError, match="nested too deeply"):
        api.call("ask_for_json", driver, "Who?", PERSON, ai_cleanup=False)


def test_the_schema_is_compiled_once_per_distinct_schema():
    first = core._schema_check(PERSON)
    assert core._schema_check(copy.deepcopy(PERSON)) is first
    other = {**PERSON, "required": ["name"]}
    assert core._schema_check(other) is not first


def test_validation_uses_the_compiled_fast_path_and_explains_failures():
    check = core._schema_check(PERSON)
    assert check.first_error({"name": "Ada", "age": 36}) is None
    error = check.first_error({"name": "Ada", "age": "old"})
    assert list(error.absolute_path) == ["age"]
