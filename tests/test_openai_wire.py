"""The pure OpenAI wire functions: payload pieces, answer parsing, SSE folding."""

from __future__ import annotations

import json

import pytest

from prompture.drivers import _openai_wire as wire
from prompture.model_rates import ModelCapabilities


def caps(**fields) -> ModelCapabilities:
    base = dict(
        supports_temperature=True,
        supports_tool_use=True,
        supports_structured_output=None,
        supports_vision=False,
        is_reasoning=False,
        context_window=None,
        max_output_tokens=None,
        modalities_input=("text",),
        modalities_output=("text",),
        api_type=None,
        tokens_param="max_tokens",
    )
    return ModelCapabilities(**{**base, **fields})


@pytest.mark.parametrize(
    ("finish_reason", "expected"),
    [
        ("stop", "end_turn"),
        (None, "end_turn"),  # omitted on a complete answer
        ("tool_calls", "tool_use"),
        ("function_call", "tool_use"),
        ("length", "max_tokens"),
        ("model_context_window_exceeded", "max_tokens"),  # Z.ai
        ("content_filter", "content_filter"),
        ("sensitive", "content_filter"),  # Z.ai
        ("error", "error"),  # OpenRouter
        ("network_error", "error"),  # Z.ai
        ("eos", "end_turn"),  # passed through by a gateway
        ("STOP", "end_turn"),  # Gemini's spelling, through a gateway
        ("MAX_TOKENS", "max_tokens"),
        ("refusal", "content_filter"),
        ("something_new", "error"),  # unknown: not passed off as complete
        ("", "error"),
    ],
)
def test_stop_reasons_are_normalized(finish_reason, expected):
    assert wire.normalize_stop_reason(finish_reason) == expected


def test_stop_reasons_agree_with_the_anthropic_wire():
    from prompture.drivers import _anthropic_wire

    pairs = [("stop", "end_turn"), ("tool_calls", "tool_use"), ("length", "max_tokens")]
    pairs += [("content_filter", "refusal"), ("something_new", "something_new"), (None, None)]
    for openai_reason, anthropic_reason in pairs:
        assert wire.normalize_stop_reason(openai_reason) == _anthropic_wire.normalize_stop_reason(
            anthropic_reason
        )
    normalized = {"end_turn", "tool_use", "max_tokens", "content_filter", "error"}
    assert set(wire.STOP_REASONS.values()) <= normalized
    assert set(_anthropic_wire.STOP_REASONS.values()) <= normalized


SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}}


def test_a_schema_goes_out_natively_to_reasoning_models_too():
    for model_caps in (None, caps(), caps(is_reasoning=True)):
        kind = wire.json_request(model_caps, SCHEMA, json_mode=True, json_schema=True)
        assert kind == "json_schema"


def test_json_mode_where_the_catalogue_says_no_structured_output():
    no = caps(supports_structured_output=False, is_reasoning=True)
    assert wire.json_request(no, SCHEMA, json_mode=True, json_schema=True) == "json_object"
    assert wire.json_request(None, SCHEMA, json_mode=True, json_schema=False) == "json_object"
    assert wire.json_request(None, None, json_mode=True, json_schema=True) == "json_object"
    assert wire.json_request(no, SCHEMA, json_mode=False, json_schema=True) is None


def test_options_pass_through_and_extra_body_is_copied():
    options = {"top_p": 0.5, "stop": ["x"], "seed": 7, "reasoning_effort": "low", "foo": 1}
    fields = wire.sampling_and_passthrough(options, supports_temperature=True)
    assert fields == {"top_p": 0.5, "stop": ["x"], "seed": 7, "reasoning_effort": "low"}
    no_sampling = wire.sampling_and_passthrough(options, supports_temperature=False)
    assert "top_p" not in no_sampling and no_sampling["seed"] == 7
    aliased = wire.sampling_and_passthrough({"stop_sequences": ["END"]}, supports_temperature=True)
    assert aliased == {"stop": ["END"]}
    extra = {"provider": {"order": ["a"]}}
    copied = wire.extra_body({"extra_body": extra})
    assert copied == extra and copied["provider"] is not extra["provider"]


def test_tool_calls_with_finish_reason_stop_are_tool_use():
    calls = [{"id": "c1", "name": "f", "arguments": {}}]
    assert wire.stop_reason("stop", calls) == "tool_use"
    assert wire.stop_reason(None, calls) == "tool_use"
    assert wire.stop_reason("length", calls) == "max_tokens"
    assert wire.stop_reason("stop", []) == "end_turn"


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"choices": "x"},
        {"choices": []},
        {"choices": [{"message": "hello"}]},
        {"choices": [{"message": {"content": 42}}]},
        {"choices": [{"message": {"content": "a", "tool_calls": {"id": "x"}}}]},
        {"choices": [{"message": {"content": "a"}, "finish_reason": 3}]},
        {"choices": [{"message": {"content": "a"}}], "usage": [1, 2]},
        {"choices": [{"message": {"content": "a"}}], "usage": {"prompt_tokens": "many"}},
        {"choices": [{"message": {"content": "a"}}], "usage": {"prompt_tokens": -5}},
    ],
)
def test_malformed_completions_are_malformed(body):
    with pytest.raises(wire.Malformed):
        wire.parse_completion(body)


def test_cached_tokens_are_read_where_reported():
    assert wire.cached_tokens({"prompt_tokens_details": {"cached_tokens": 30}}) == 30
    assert wire.cached_tokens({"prompt_cache_hit_tokens": 12}) == 12
    assert wire.cached_tokens({"prompt_tokens_details": None}) == 0
    assert wire.cached_tokens([1]) == 0


def test_native_schema_is_strict_and_input_untouched():
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    before = json.dumps(schema)
    fmt = wire.response_format(schema, native_schema=True)
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert json.dumps(schema) == before
    assert wire.response_format(schema, native_schema=False) == {"type": "json_object"}


def test_schema_instruction_carries_the_schema():
    text = wire.schema_instruction({"type": "object", "title": "Person"})
    assert '"title": "Person"' in text
    assert wire.schema_instruction(None) == wire.JSON_ONLY_IN_PROMPT


def test_tool_calls_parse_arguments_and_keep_bad_json():
    calls = wire.parse_tool_calls(
        [
            {"id": "c1", "function": {"name": "f", "arguments": '{"x": 1}'}},
            {"id": "c2", "function": {"name": "g", "arguments": "{not json"}},
            {"id": "c3", "function": {"name": "h", "arguments": ""}},
        ]
    )
    assert calls[0] == {"id": "c1", "name": "f", "arguments": {"x": 1}}
    assert calls[1]["arguments"] == {"_raw": "{not json"}
    assert calls[2]["arguments"] == {}


def test_reasoning_read_from_either_field():
    assert wire.reasoning_of({"reasoning_content": "a"}) == "a"
    assert wire.reasoning_of({"reasoning": "b"}) == "b"
    assert wire.reasoning_of({"content": "c"}) == ""


def test_usage_total_computed_when_missing():
    assert wire.usage_counts({"prompt_tokens": 3, "completion_tokens": 4}) == (3, 4, 7)
    assert wire.usage_counts(None) == (0, 0, 0)


def test_sse_events_and_stream_accumulation():
    from prompture._sse import SSEDecoder

    state = wire.StreamAccumulator()
    body = (
        b": keep-alive\n\n"
        b'data: {"choices":[{"delta":{"reasoning_content":"hmm"}}]}\n\n'
        b'data: {"choices":[{"delta":\ndata: {"content":"Hel"}}]}\n\n'
        b'data: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}\r\n\r\n'
        b'data: {"choices":[],"usage":{"prompt_tokens":2,"completion_tokens":2}}\n\n'
        b"data: [DONE]\n\n"
    )
    deltas = []
    for event in SSEDecoder().feed(body):
        if delta := state.feed(event.data):
            deltas.append(delta)
    assert deltas == ["Hel", "lo"]
    assert state.finished and state.finish_reason == "stop"
    assert state.usage == {"prompt_tokens": 2, "completion_tokens": 2}
    assert state.reasoning_parts == ["hmm"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"error": {"message": "Provider returned error", "code": 502}}, "Provider returned error"),
        ({"error": "rate limited"}, "rate limited"),
        ({"error": {"code": 500}}, "An error occurred during streaming"),
        ({"error": None, "choices": []}, None),
        ({"choices": []}, None),
        ("text", None),
    ],
)
def test_error_message(data, expected):
    assert wire.error_message(data) == expected


def test_the_accumulator_refuses_error_events_and_non_json():
    state = wire.StreamAccumulator()
    assert state.feed('{"choices":[{"delta":{"content":"Hel"}}]}') == "Hel"
    with pytest.raises(wire.StreamError, match="^Provider returned error$"):
        state.feed('{"error":{"message":"Provider returned error"}}')
    with pytest.raises(ValueError):
        state.feed("{not json")
    with pytest.raises(ValueError):
        state.feed("[1, 2]")
    assert state.chunks == 1


def test_the_accumulator_counts_chunks_not_done():
    state = wire.StreamAccumulator()
    state.feed("[DONE]")
    assert state.finished and state.chunks == 0
    state.feed_chunk({"choices": [], "usage": {"prompt_tokens": 1}})
    assert state.chunks == 1
