"""The pure Anthropic Messages translation in `prompture.drivers._anthropic_wire`."""

from __future__ import annotations

import copy
import json

import pytest

from prompture.drivers import _anthropic_wire as wire


def call(call_id, city):
    arguments = json.dumps({"city": city})
    return {"id": call_id, "type": "function", "function": {"name": "f", "arguments": arguments}}


def text(value):
    return {"type": "text", "text": value}


def test_tool_turns_become_blocks_and_same_role_turns_merge():
    messages = [
        {"role": "user", "content": "Weather?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [call("a", "Paris"), call("b", "Rome")],
        },
        {"role": "tool", "tool_call_id": "a", "content": "18C"},
        {"role": "tool", "tool_call_id": "b", "content": [text("20C")]},
        {"role": "user", "content": "And tomorrow?"},
        {"role": "assistant", "content": ""},
    ]
    assert wire.to_messages(messages) == [
        {"role": "user", "content": [text("Weather?")]},
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "a", "name": "f", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "b", "name": "f", "input": {"city": "Rome"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "b", "content": [text("20C")]},
                text("And tomorrow?"),
            ],
        },
    ]


def test_system_messages_are_split_off():
    messages = [
        {"role": "system", "content": "One."},
        {"role": "user", "content": "Hi"},
        {"role": "developer", "content": [text("Two.")]},
    ]
    assert wire.split_system(messages) == ("One.\n\nTwo.", [messages[1]])


def test_content_parts():
    parts = [
        text("Look:"),
        text("  "),
        {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,QUJD"}},
        {"type": "image_url", "image_url": "https://example.com/a.png"},
        {"type": "document", "source": {"type": "text", "data": "x", "media_type": "text/plain"}},
        "not a block",
    ]
    assert wire.content_blocks(parts) == [
        text("Look:"),
        {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "QUJD"}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
        parts[4],
    ]
    assert wire.content_blocks(None) == wire.content_blocks("") == []


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ({"a": 1}, {"a": 1}),
        ("", {}),
        (None, {}),
        ("not json", {"_raw": "not json"}),
        ("[1, 2]", {"_raw": "[1, 2]"}),
    ],
)
def test_parse_arguments(arguments, expected):
    assert wire.parse_arguments(arguments) == expected


def test_tools():
    bare = {"type": "function", "function": {"name": "now"}}
    native = {"name": "x", "input_schema": {"type": "object"}}
    assert wire.to_tool(bare) == {
        "name": "now",
        "input_schema": {"type": "object", "properties": {}},
    }
    assert wire.to_tool(native) == native and wire.to_tool(native) is not native


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (None, None),
        ("auto", {"type": "auto"}),
        ("none", {"type": "none"}),
        ("required", {"type": "any"}),
        ({"type": "function", "function": {"name": "f"}}, {"type": "tool", "name": "f"}),
        (
            {"type": "any", "disable_parallel_tool_use": True},
            {"type": "any", "disable_parallel_tool_use": True},
        ),
        (3, None),
    ],
)
def test_tool_choice(choice, expected):
    assert wire.to_tool_choice(choice) == expected


def test_build_payload_leaves_its_inputs_alone():
    messages = [
        {
            "role": "user",
            "content": [text("Hi"), {"type": "image", "source": {"type": "url", "url": "u"}}],
        }
    ]
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    before = copy.deepcopy((messages, tools))
    payload = wire.build_payload(
        messages, model="m", max_tokens=9, tools=tools, json_mode=True, stream=True
    )
    assert payload["system"] == "Respond only with a valid JSON object."
    assert payload["stream"] is True and "tool_choice" not in payload
    payload["messages"][0]["content"][1]["source"]["url"] = "changed"
    payload["tools"][0]["input_schema"]["type"] = "changed"
    assert (messages, tools) == before


def test_tool_choice_needs_tools():
    payload = wire.build_payload(
        [{"role": "user", "content": "Hi"}], model="m", max_tokens=1, tool_choice="auto"
    )
    assert "tool_choice" not in payload and "tools" not in payload


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        (2048, {"type": "enabled", "budget_tokens": 2048}),
        (True, {"type": "adaptive"}),
        ({"type": "disabled"}, {"type": "disabled"}),
        (None, None),
        (False, None),
        (0, None),
    ],
)
def test_thinking_config(option, expected):
    assert wire.thinking_config(option) == expected


def test_default_max_tokens():
    assert wire.default_max_tokens(None, None) == 4096
    assert wire.default_max_tokens(1024, None) == 1024
    assert wire.default_max_tokens(128000, None) == 4096
    assert wire.default_max_tokens(None, {"type": "enabled", "budget_tokens": 2000}) == 6096
    assert wire.default_max_tokens(None, {"type": "adaptive"}) == 4096


@pytest.mark.parametrize(
    ("stop_reason", "expected"),
    [
        (None, "end_turn"),
        ("end_turn", "end_turn"),
        ("stop_sequence", "end_turn"),
        ("tool_use", "tool_use"),
        ("max_tokens", "max_tokens"),
        ("model_context_window_exceeded", "max_tokens"),
        ("refusal", "content_filter"),
        ("something_new", "error"),
    ],
)
def test_stop_reasons(stop_reason, expected):
    assert wire.normalize_stop_reason(stop_reason) == expected


def test_usage_counts_cache_tokens_as_prompt():
    usage = {
        "input_tokens": 10,
        "cache_creation_input_tokens": 5,
        "cache_read_input_tokens": None,
        "output_tokens": 7,
    }
    assert wire.usage_counts(usage) == (15, 7, 22)
    assert wire.usage_counts(None) == (0, 0, 0)


def test_parse_message():
    raw = {
        "content": [
            {"type": "thinking", "thinking": "Hmm.", "signature": "s"},
            text("Hello "),
            {"type": "tool_use", "id": "t1", "name": "f", "input": {"a": 1}},
            text("world"),
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    assert wire.parse_message(raw) == {
        "text": "Hello world",
        "reasoning": "Hmm.",
        "thinking_blocks": [{"type": "thinking", "thinking": "Hmm.", "signature": "s"}],
        "tool_calls": [{"id": "t1", "name": "f", "arguments": {"a": 1}}],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    with pytest.raises(KeyError):
        wire.parse_message({"choices": []})
    with pytest.raises(TypeError):
        wire.parse_message({"content": "text"})


def test_stream_state():
    state = wire.StreamState()
    events = [
        {
            "type": "message_start",
            "message": {"id": "msg_1", "usage": {"input_tokens": 9, "output_tokens": 1}},
        },
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": ""},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "Hm"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": "s"},
        },
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hi "}},
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "text_delta", "text": "there"},
        },
        {
            "type": "content_block_delta",
            "index": 2,
            "delta": {"type": "input_json_delta", "partial_json": "{"},
        },
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"input_tokens": None, "output_tokens": 5},
        },
        {"type": "message_stop"},
    ]
    deltas = [state.feed(event) for event in events]
    assert [d for d in deltas if d] == ["Hi ", "there"]
    assert state.finished and "".join(state.reasoning_parts) == "Hm"
    assert state.raw() == {
        "id": "msg_1",
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 9, "output_tokens": 5},
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            "Overloaded",
        ),
        ({"type": "error", "error": {"type": "api_error"}}, "An error occurred during streaming"),
        ("upstream went away", "upstream went away"),
        (None, "An error occurred during streaming"),
    ],
)
def test_stream_error_message(data, expected):
    assert wire.stream_error_message(data) == expected


def test_stream_state_counts_events():
    state = wire.StreamState()
    assert state.events == 0
    state.feed({"type": "ping"})
    assert state.events == 1
