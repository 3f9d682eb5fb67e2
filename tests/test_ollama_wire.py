"""The pure Ollama wire functions: message translation, options, answers, NDJSON lines."""

from __future__ import annotations

import copy
import json

import pytest

from prompture.drivers import _ollama_wire as wire
from prompture.exceptions import DriverError


def test_build_payload_leaves_its_inputs_untouched():
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]
    options = {"max_tokens": 5, "stop": ["a"], "json_schema": {"type": "object"}}
    tools = [{"type": "function", "function": {"name": "f", "parameters": {}}}]
    before = copy.deepcopy((messages, options, tools))
    payload = wire.build_payload("m", messages, options, tools=tools)
    payload["options"]["stop"].append("b")
    payload["format"]["x"] = 1
    payload["tools"][0]["function"]["name"] = "g"
    assert (messages, options, tools) == before


def test_temperature_is_left_out_where_the_model_takes_none():
    assert wire.sampling_options({"temperature": 0.5}, send_temperature=False) == {}
    assert wire.sampling_options({"temperature": 0, "top_k": None}) == {"temperature": 0}


def test_messages_translation():
    calls = [
        {"id": "a", "type": "function", "function": {"name": "one", "arguments": '{"x": 1}'}},
        {"id": "b", "type": "function", "function": {"name": "two", "arguments": {"y": 2}}},
    ]
    messages = [
        {"role": "developer", "content": "Be brief."},
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "tool_call_id": "b", "content": "two done"},
        {"role": "tool", "tool_call_id": "a", "content": "one done"},
        {"role": "tool", "name": "explicit", "content": "named"},
        {"role": "tool", "tool_call_id": "unknown", "content": "orphan"},
    ]
    out = wire.to_ollama_messages(messages)
    assert out[0] == {"role": "system", "content": "Be brief."}
    assert [c["function"]["arguments"] for c in out[1]["tool_calls"]] == [{"x": 1}, {"y": 2}]
    assert [m.get("tool_name") for m in out[2:]] == ["two", "one", "explicit", None]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("", {}),
        (None, {}),
        ("not json", {"_raw": "not json"}),
        ("[1, 2]", {"_raw": "[1, 2]"}),
    ],
)
def test_arguments_dict(arguments, expected):
    assert wire.arguments_dict(arguments) == expected


def test_image_urls():
    assert wire.image_base64("data:image/png;base64,QUJD") == "QUJD"
    assert wire.image_base64("data:text/plain,AB%43") == "QUJD"
    assert wire.image_base64("QUJD") == "QUJD"
    with pytest.raises(DriverError):
        wire.image_base64("http://example.com/a.png")
    text, images = wire.split_content([{"type": "image_url", "image_url": "data:x;base64,QQ=="}])
    assert (text, images) == ("", ["QQ=="])


@pytest.mark.parametrize(
    ("done_reason", "calls", "expected"),
    [
        ("stop", False, "end_turn"),
        ("length", False, "max_tokens"),
        ("load", False, "end_turn"),
        (None, False, "end_turn"),
        ("content_filter", False, "content_filter"),
        ("stop", True, "tool_use"),
    ],
)
def test_stop_reason(done_reason, calls, expected):
    assert wire.stop_reason(done_reason, has_tool_calls=calls) == expected


def test_tool_calls_keep_ids_or_get_unique_ones():
    raw = [
        {"function": {"name": "f", "arguments": {"a": 1}}},
        {"id": "given", "function": {"name": "g", "arguments": "{}"}},
        {"function": {"name": "f"}},
    ]
    first, second, third = wire.parse_tool_calls(raw)
    assert first["id"].startswith("call_") and first["id"] != third["id"]
    assert second == {"id": "given", "name": "g", "arguments": {}}


def test_usage_counts():
    assert wire.usage_counts({"prompt_eval_count": 4, "eval_count": 3}) == (4, 3, 7)
    assert wire.usage_counts({}) == (0, 0, 0)  # a cached prompt may omit prompt_eval_count


def test_stream_accumulator():
    state = wire.StreamAccumulator()
    lines = [
        {"message": {"role": "assistant", "content": "", "thinking": "Hm"}, "done": False},
        {"message": {"role": "assistant", "content": "Hi"}, "done": False},
        {"message": {"content": "", "tool_calls": [{"function": {"name": "f"}}]}, "done": False},
        {"done": True, "done_reason": "stop", "eval_count": 1},
    ]
    deltas = [state.feed(json.dumps(line).encode()) for line in lines]
    assert deltas == [None, "Hi", None, None]
    assert state.feed("") is None
    assert state.finished and state.final["eval_count"] == 1
    assert (state.text_parts, state.thinking_parts) == (["Hi"], ["Hm"])
    assert state.raw_tool_calls == [{"function": {"name": "f"}}]
    with pytest.raises(wire.StreamError, match="boom"):
        state.feed('{"error": "boom"}')
    with pytest.raises(ValueError):
        state.feed("[1]")
