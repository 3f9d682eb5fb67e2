"""`CostMixin` (model config, cost, capability warnings) and `prepare_strict_schema`."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prompture import _catalogue, model_rates
from prompture.cost_mixin import CostMixin, prepare_strict_schema


def _model(model_id: str, **extra: object) -> dict:
    entry = {
        "id": model_id,
        "name": model_id,
        "reasoning": False,
        "tool_call": True,
        "temperature": True,
        "attachment": False,
        "modalities": {"input": ["text"], "output": ["text"]},
        "limit": {"context": 8000, "output": 1000},
        "cost": {"input": 1.25, "output": 10.0},
    }
    entry.update(extra)
    return entry


CATALOGUE = {
    "acme": {
        "id": "acme",
        "name": "Acme",
        "models": {
            "chat": _model("chat"),
            "thinker": _model("thinker", temperature=False, tool_call=False, reasoning=True),
            "picky": _model("picky", structured_output=False),
            "unsure": {"id": "unsure", "name": "unsure", "modalities": {}, "limit": {}},
        },
    }
}


@pytest.fixture(autouse=True)
def catalogue(monkeypatch, tmp_path):
    """Offline, with `CATALOGUE` as a fresh cache and no rate files."""
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PROMPTURE_RATES_TTL", raising=False)
    monkeypatch.setattr(model_rates, "RATES_DIR", tmp_path / "rates")
    path = _catalogue.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(CATALOGUE), encoding="utf-8")
    model_rates.reset_caches()
    yield
    model_rates.reset_caches()


class Driver(CostMixin):
    MODEL_PRICING = {
        "legacy": {"prompt": 3.0, "completion": 15.0, "tokens_param": "max_completion_tokens"},
    }


# --- _get_model_config


def test_config_from_the_catalogue():
    assert Driver()._get_model_config("acme", "thinker") == {
        "tokens_param": "max_tokens",
        "supports_temperature": False,
        "context_window": 8000,
        "max_output_tokens": 1000,
    }


def test_config_defaults_for_an_unknown_model():
    assert Driver()._get_model_config("acme", "nope") == {
        "tokens_param": "max_tokens",
        "supports_temperature": True,
        "context_window": None,
        "max_output_tokens": None,
    }


def test_config_falls_back_to_model_pricing_entries():
    config = Driver()._get_model_config("acme", "legacy")
    assert config["tokens_param"] == "max_completion_tokens"


def test_unknown_temperature_support_means_send_it():
    assert Driver()._get_model_config("acme", "unsure")["supports_temperature"] is True


# --- _calculate_cost


def test_cost_from_catalogue_rates():
    # (2000 * 1.25 + 300 * 10) / 1e6
    assert Driver()._calculate_cost("acme", "chat", 2000, 300) == 0.0055


def test_cost_is_rounded_to_six_decimals():
    assert Driver()._calculate_cost("acme", "chat", 1, 0) == 0.000001


def test_cost_falls_back_to_model_pricing():
    assert Driver()._calculate_cost("acme", "legacy", 1_000_000, 1_000_000) == 18.0


def test_cost_of_an_unpriced_model_is_zero():
    assert Driver()._calculate_cost("acme", "unsure", 1000, 1000) == 0.0
    assert CostMixin()._calculate_cost("acme", "nope", 1000, 1000) == 0.0


# --- _validate_model_capabilities


def test_warns_when_the_catalogue_says_no(caplog):
    with caplog.at_level(logging.WARNING, logger="prompture.cost_mixin"):
        Driver()._validate_model_capabilities("acme", "thinker", using_tool_use=True)
        Driver()._validate_model_capabilities("acme", "picky", using_json_schema=True)
        Driver()._validate_model_capabilities("acme", "chat", using_vision=True)
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "acme/thinker does not support tool use according to the model catalogue",
        "acme/picky does not support structured output according to the model catalogue",
        "acme/chat does not support image input according to the model catalogue",
    ]


def test_silent_when_unknown_or_unused(caplog):
    with caplog.at_level(logging.WARNING):
        Driver()._validate_model_capabilities("acme", "nope", using_tool_use=True)
        Driver()._validate_model_capabilities("acme", "unsure", using_json_schema=True)
        Driver()._validate_model_capabilities("acme", "thinker")
    assert caplog.records == []


# --- prepare_strict_schema


def test_non_object_schema_is_returned_unchanged():
    schema = {"type": "string", "enum": ["a", "b"]}
    assert prepare_strict_schema(schema) == schema


def test_object_gets_all_properties_required_and_no_extras():
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"],
    }
    assert prepare_strict_schema(schema) == {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
        "additionalProperties": False,
    }


def test_object_without_properties_and_properties_without_type():
    assert prepare_strict_schema({"type": "object"}) == {
        "type": "object",
        "required": [],
        "additionalProperties": False,
    }
    assert prepare_strict_schema({"properties": {"x": {}}}) == {
        "properties": {"x": {}},
        "required": ["x"],
        "additionalProperties": False,
    }


def test_nullable_object_type_list():
    strict = prepare_strict_schema({"type": ["object", "null"], "properties": {"a": {}}})
    assert strict["additionalProperties"] is False and strict["required"] == ["a"]


def test_additional_properties_true_becomes_false():
    strict = prepare_strict_schema({"type": "object", "additionalProperties": True})
    assert strict["additionalProperties"] is False


def test_defs_and_definitions_are_walked():
    schema = {
        "type": "object",
        "properties": {"owner": {"$ref": "#/$defs/Person"}},
        "$defs": {"Person": {"type": "object", "properties": {"name": {"type": "string"}}}},
        "definitions": {"Pet": {"properties": {"kind": {"type": "string"}}}},
    }
    strict = prepare_strict_schema(schema)
    assert strict["properties"]["owner"] == {"$ref": "#/$defs/Person"}
    assert strict["$defs"]["Person"]["required"] == ["name"]
    assert strict["$defs"]["Person"]["additionalProperties"] is False
    assert strict["definitions"]["Pet"]["required"] == ["kind"]
    assert strict["definitions"]["Pet"]["additionalProperties"] is False


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf", "allOf"])
def test_combinators_are_walked(keyword):
    inner = {"type": "object", "properties": {"x": {"type": "number"}}}
    strict = prepare_strict_schema({keyword: [inner, {"type": "null"}]})
    assert strict == {
        keyword: [
            {**inner, "required": ["x"], "additionalProperties": False},
            {"type": "null"},
        ]
    }


def test_nested_arrays_and_tuple_forms():
    point = {"type": "object", "properties": {"x": {"type": "number"}}}
    strict_point = {**point, "required": ["x"], "additionalProperties": False}
    schema = {
        "type": "array",
        "items": {"type": "array", "items": {"type": "array", "items": point}},
    }
    assert prepare_strict_schema(schema)["items"]["items"]["items"] == strict_point
    assert prepare_strict_schema({"type": "array", "prefixItems": [point]})["prefixItems"] == [
        strict_point
    ]
    assert prepare_strict_schema({"type": "array", "items": [point, point]})["items"] == [
        strict_point,
        strict_point,
    ]


def test_schema_valued_additional_properties_is_kept_and_walked():
    schema = {
        "type": "object",
        "additionalProperties": {"type": "object", "properties": {"v": {"type": "string"}}},
    }
    strict = prepare_strict_schema(schema)
    assert strict["additionalProperties"] == {
        "type": "object",
        "properties": {"v": {"type": "string"}},
        "required": ["v"],
        "additionalProperties": False,
    }


def test_property_names_that_look_like_keywords_are_just_names():
    schema = {
        "type": "object",
        "properties": {"properties": {"type": "string"}, "type": {"type": "string"}},
    }
    strict = prepare_strict_schema(schema)
    assert strict["properties"] == schema["properties"]
    assert strict["required"] == ["properties", "type"]


def test_input_is_never_mutated():
    schema = {
        "type": "object",
        "properties": {"tags": {"type": "array", "items": {"properties": {"a": {}}}}},
        "$defs": {"D": {"anyOf": [{"type": "object"}]}},
    }
    before = copy.deepcopy(schema)
    strict = prepare_strict_schema(schema)
    assert schema == before
    strict["$defs"]["D"]["anyOf"][0]["extra"] = 1
    assert schema == before  # the result shares no nested objects with the input


# --- properties that hold for any schema

_leaf = st.sampled_from(
    [{"type": "string"}, {"type": "integer"}, {"type": "null"}, {"$ref": "#/$defs/X"}, {}]
)
_names = st.text(alphabet="abcxyz_", min_size=1, max_size=4)


def _compound(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.dictionaries(_names, children, max_size=3).map(
            lambda props: {"type": "object", "properties": props}
        ),
        children.map(lambda item: {"type": "array", "items": item}),
        st.lists(children, min_size=1, max_size=3).map(lambda items: {"prefixItems": items}),
        st.tuples(st.sampled_from(["anyOf", "oneOf", "allOf"]), st.lists(children, max_size=3)).map(
            lambda pair: {pair[0]: pair[1]}
        ),
        st.dictionaries(_names, children, min_size=1, max_size=2).map(
            lambda defs: {"type": "object", "$defs": defs}
        ),
        children.map(lambda value: {"type": "object", "additionalProperties": value}),
    )


schemas = st.recursive(_leaf, _compound, max_leaves=12)


def _object_nodes(node: object) -> Iterator[dict]:
    """Every object schema reachable through the keywords the contract names (a test oracle)."""
    if not isinstance(node, dict):
        return
    if node.get("type") == "object" or "properties" in node:
        yield node
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from _object_nodes(node[key])
    for key in ("items", "prefixItems", "anyOf", "oneOf", "allOf"):
        for child in node.get(key) if isinstance(node.get(key), list) else ():
            yield from _object_nodes(child)
    for key in ("properties", "$defs", "definitions"):
        for child in (node.get(key) or {}).values():
            yield from _object_nodes(child)


@given(schemas)
def test_every_object_becomes_strict_and_the_input_stays_unchanged(schema):
    before = copy.deepcopy(schema)
    strict = prepare_strict_schema(schema)
    assert schema == before
    for node in _object_nodes(strict):
        assert node["required"] == list(node.get("properties", {}))
        if not isinstance(node.get("additionalProperties"), dict):
            assert node["additionalProperties"] is False


@given(schemas)
def test_preparing_twice_changes_nothing_more(schema):
    once = prepare_strict_schema(schema)
    assert prepare_strict_schema(once) == once
