"""The pure Gemini wire functions: messages -> contents, tools, schemas, answers."""

from __future__ import annotations

import copy

import pytest

from prompture.drivers import _gemini_wire as wire
from prompture.drivers._gemini_schema import to_gemini_schema
from prompture.exceptions import DriverError

PNG_URL = "data:image/png;base64,iVBORw0KGgo="


def call(call_id: str, name: str, arguments: str = "{}") -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


# --- messages


def test_system_goes_apart_and_roles_become_user_and_model():
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": [{"type": "text", "text": "No emoji."}]},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello"},
    ]
    system, contents = wire.to_contents(messages, {})
    assert system == {"parts": [{"text": "Be brief."}, {"text": "No emoji."}]}
    assert contents == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello"}]},
    ]


def test_images_become_inline_data_or_file_data():
    content = [
        {"type": "text", "text": "Compare"},
        {"type": "image_url", "image_url": {"url": PNG_URL}},
        {"type": "image_url", "image_url": "https://example.com/cat.webp"},
    ]
    _, [user] = wire.to_contents([{"role": "user", "content": content}], {})
    assert user["parts"][1] == {
        "inline_data": {"mime_type": "image/png", "data": b"\x89PNG\r\n\x1a\n"}
    }
    assert user["parts"][2] == {
        "file_data": {"file_uri": "https://example.com/cat.webp", "mime_type": "image/webp"}
    }


def test_tool_turns_are_named_grouped_and_signed():
    messages = [
        {"role": "user", "content": "Weather and time in Paris?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [call("a", "get_weather", '{"city": "Paris"}'), call("b", "get_time")],
        },
        {"role": "tool", "tool_call_id": "a", "content": "18C"},
        {"role": "tool", "tool_call_id": "b", "content": '{"time": "noon"}'},
        {"role": "user", "content": "Thanks"},
    ]
    before = copy.deepcopy(messages)
    _, contents = wire.to_contents(messages, {"a": b"sig"}, skip_signature=b"skip")
    assert [c["role"] for c in contents] == ["user", "model", "user", "user"]
    assert contents[1]["parts"] == [
        {
            "function_call": {"name": "get_weather", "args": {"city": "Paris"}},
            "thought_signature": b"sig",
        },
        {"function_call": {"name": "get_time", "args": {}}},
    ]
    assert contents[2]["parts"] == [
        {"function_response": {"name": "get_weather", "response": {"output": "18C"}}},
        {"function_response": {"name": "get_time", "response": {"time": "noon"}}},
    ]
    assert messages == before


def test_first_call_without_a_known_signature_gets_the_skip_value():
    messages = [{"role": "assistant", "tool_calls": [call("x", "f"), call("y", "g")]}]
    _, [model] = wire.to_contents(messages, {}, skip_signature=b"skip")
    assert [p.get("thought_signature") for p in model["parts"]] == [b"skip", None]


def test_a_tool_message_without_its_call_is_an_error():
    with pytest.raises(DriverError, match="no earlier assistant tool call"):
        wire.to_contents([{"role": "tool", "tool_call_id": "nope", "content": "x"}], {})


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gemini-3.5-flash", True),
        ("models/gemini-3-pro-preview", True),
        ("gemini-2.5-flash", False),
        ("gemini-flash-latest", True),
        ("gemma-4-31b-it", False),
    ],
)
def test_which_models_validate_thought_signatures(model, expected):
    assert wire.needs_thought_signatures(model) is expected


# --- config


def test_build_request_maps_options():
    options = {
        "temperature": 0.3,
        "max_tokens": 50,
        "stop": ["END"],
        "json_mode": True,
        "timeout": 2.5,
        "unknown": "ignored",
    }
    request = wire.build_request("m", [{"role": "user", "content": "Hi"}], options)
    assert request["model"] == "m"
    assert request["config"] == {
        "automatic_function_calling": {"disable": True},
        "temperature": 0.3,
        "max_output_tokens": 50,
        "stop_sequences": ["END"],
        "response_mime_type": "application/json",
        "http_options": {"timeout": 2500},
    }


def test_temperature_is_left_out_where_unsupported():
    request = wire.build_request("m", [], {"temperature": 0.3}, send_temperature=False)
    assert "temperature" not in request["config"]


def test_tools_and_tool_choice():
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look up.",
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}},
                "additionalProperties": False,
            },
        },
    }
    empty = {"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}
    request = wire.build_request("m", [], {"tool_choice": "required"}, tools=[tool, empty])
    assert request["config"]["tools"] == [
        {
            "function_declarations": [
                {
                    "name": "lookup",
                    "description": "Look up.",
                    "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
                },
                {"name": "ping"},
            ]
        }
    ]
    assert request["config"]["tool_config"] == {"function_calling_config": {"mode": "ANY"}}
    named = wire.tool_config({"type": "function", "function": {"name": "lookup"}})
    assert named == {
        "function_calling_config": {"mode": "ANY", "allowed_function_names": ["lookup"]}
    }
    assert wire.tool_config("none") == {"function_calling_config": {"mode": "NONE"}}
    assert wire.tool_config(None) is None


# --- schemas


def test_schema_keeps_the_subset_and_drops_the_rest():
    schema = {
        "$schema": "x",
        "title": "T",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "format": "email", "minLength": 3},
            "n": {"type": "integer", "exclusiveMinimum": 0, "maximum": 9},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
        "required": ["when", "gone"],
    }
    assert to_gemini_schema(schema) == {
        "title": "T",
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "minLength": 3},
            "n": {"type": "integer", "maximum": 9},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["when"],
    }
    assert schema["additionalProperties"] is False  # the input is untouched


def test_schema_nullables_unions_const_and_enums():
    schema = {
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "B"},
            "c": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "d": {"const": "fixed"},
            "e": {"enum": [1, 2]},
            "f": {"type": ["string", "integer"]},
        }
    }
    assert to_gemini_schema(schema)["properties"] == {
        "a": {"type": "string", "nullable": True},
        "b": {"type": "integer", "description": "B", "nullable": True},
        "c": {"anyOf": [{"type": "string"}, {"type": "number"}]},
        "d": {"type": "string", "enum": ["fixed"]},
        "e": {"type": "integer"},
        "f": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    }


def test_schema_refs_are_inlined_and_recursion_is_cut():
    schema = {
        "$defs": {
            "Node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                "required": ["value", "children"],
            }
        },
        "type": "object",
        "properties": {"root": {"$ref": "#/$defs/Node"}},
    }
    assert to_gemini_schema(schema)["properties"]["root"] == {
        "type": "object",
        "properties": {"value": {"type": "integer"}},
        "required": ["value"],
    }


def test_schema_all_of_is_merged():
    schema = {
        "definitions": {
            "Named": {"properties": {"name": {"type": "string"}}, "required": ["name"]}
        },
        "allOf": [{"$ref": "#/definitions/Named"}, {"properties": {"age": {"type": "integer"}}}],
    }
    assert to_gemini_schema(schema) == {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name"],
    }


# --- answers


def test_answer_splits_thoughts_text_and_calls():
    raw = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"text": "Let me think.", "thought": True},
                        {"text": "Checking."},
                        {
                            "function_call": {"name": "f", "args": {"x": 1}},
                            "thought_signature": "c2ln",
                        },
                        {"function_call": {"id": "given", "name": "g"}},
                    ],
                },
                "finish_reason": "STOP",
            }
        ],
        "usage_metadata": {
            "prompt_token_count": 10,
            "candidates_token_count": 5,
            "thoughts_token_count": 3,
            "total_token_count": 18,
        },
    }
    answer = wire.parse_response(raw)
    assert (answer.text, answer.reasoning) == ("Checking.", "Let me think.")
    first, second = answer.tool_calls
    assert first["id"].startswith("call_") and first["arguments"] == {"x": 1}
    assert second == {"id": "given", "name": "g", "arguments": {}}
    assert answer.signatures == {first["id"]: "c2ln"}
    assert wire.decode_signature("c2ln") == b"sig"
    assert answer.stop_reason == "tool_use"
    assert wire.usage_counts(answer.usage) == (10, 8, 18)


@pytest.mark.parametrize(
    ("finish_reason", "expected"),
    [
        ("STOP", "end_turn"),
        (None, "end_turn"),
        ("MAX_TOKENS", "max_tokens"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "error"),
        ("SOMETHING_NEW", "end_turn"),
    ],
)
def test_finish_reasons_are_normalized(finish_reason, expected):
    raw = {"candidates": [{"content": {"parts": [{"text": "x"}]}, "finish_reason": finish_reason}]}
    assert wire.parse_response(raw).stop_reason == expected


def test_a_blocked_prompt_is_a_content_filter_stop():
    answer = wire.parse_response({"prompt_feedback": {"block_reason": "SAFETY"}})
    assert (answer.text, answer.stop_reason) == ("", "content_filter")


def test_stream_chunks_fold_into_one_answer():
    answer = wire.Answer()
    chunks = [
        {"candidates": [{"content": {"parts": [{"text": "Hm", "thought": True}]}}]},
        {"candidates": [{"content": {"parts": [{"text": "Hel"}]}}]},
        {
            "candidates": [{"content": {"parts": [{"text": "lo"}]}, "finish_reason": "STOP"}],
            "usage_metadata": {"prompt_token_count": 2, "candidates_token_count": 1},
        },
    ]
    assert [answer.add(c) for c in chunks] == ["", "Hel", "lo"]
    assert (answer.text, answer.reasoning, answer.stop_reason) == ("Hello", "Hm", "end_turn")
    assert wire.usage_counts(answer.usage) == (2, 1, 3)
