"""Cleaning and parsing model answers into JSON (`prompture._json_cleaning`)."""

from __future__ import annotations

import json

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from prompture._json_cleaning import clean_json_text, parse_json_answer
from prompture.exceptions import ExtractionError


def test_plain_json_is_left_alone():
    assert clean_json_text('{"a": 1}') == '{"a": 1}'


@pytest.mark.parametrize(
    "answer",
    [
        '<think>The user wants {name}.</think>{"a": 1}',
        '<thinking>\nsteps [1] and {2}\n</thinking>\n\n{"a": 1}',
        '<THINK>shouting</THINK> {"a": 1}',
        '<think>one</think><think>two</think>{"a": 1}',
    ],
)
def test_thinking_blocks_are_removed(answer):
    assert parse_json_answer(answer) == {"a": 1}


def test_unclosed_leading_think_tag_is_dropped():
    assert parse_json_answer('<think>\n{"a": 1}') == {"a": 1}


def test_orphan_closing_think_tag_drops_the_reasoning_before_it():
    # Templates that open <think> in the prompt leave only the closing tag in the answer.
    assert parse_json_answer("use [x] and {y}\n</think>\n[1, 2]") == [1, 2]


@pytest.mark.parametrize(
    "answer",
    [
        '```json\n{"a": 1}\n```',
        '```JSON\r\n{"a": 1}\r\n```',
        '```\n{"a": 1}\n```',
        'Here you go:\n```json\n{"a": 1}\n```\nAnything else? {"b": 2}',
        '```{"a": 1}```',
        '```json\n{"a": 1}',  # cut off before the closing fence
    ],
)
def test_code_fences_are_removed(answer):
    assert parse_json_answer(answer) == {"a": 1}


def test_first_fenced_block_wins():
    answer = '```json\n{"first": true}\n```\nor\n```json\n{"second": true}\n```'
    assert parse_json_answer(answer) == {"first": True}


def test_fenced_scalar_keeps_its_value():
    assert parse_json_answer("```42```") == 42


def test_prose_before_and_after_is_cut():
    answer = 'Sure! The result is {"a": {"b": [1, 2]}} -- hope that helps }]'
    assert clean_json_text(answer) == '{"a": {"b": [1, 2]}}'


def test_top_level_array_is_kept_whole():
    answer = 'People:\n[{"name": "Ada"}, {"name": "Alan"}]\nThat is all.'
    assert parse_json_answer(answer) == [{"name": "Ada"}, {"name": "Alan"}]


def test_brackets_and_escaped_quotes_inside_strings_do_not_count():
    value = {"s": 'a } ] \\" { [', "t": ["]", "}"]}
    answer = f"Result: {json.dumps(value)} (done) }}"
    assert parse_json_answer(answer) == value


def test_bracketed_prose_before_the_answer_is_skipped():
    assert parse_json_answer('Use the {name} field: {"name": "Ada"}') == {"name": "Ada"}


def test_inner_object_of_a_broken_answer_is_not_taken_for_the_answer():
    assert parse_json_answer('{"a": {"b": 1},}') == {"a": {"b": 1}}


@pytest.mark.parametrize(
    "answer",
    [
        '{"text": "```json nested fence```"}',
        '{"text": "```json\\n{\\"b\\": 2}\\n```"}',
        '  [{"text": "```"}, {"text": "```python\\nx = [1]\\n```"}]\n',
    ],
)
def test_valid_json_holding_a_code_fence_is_taken_whole(answer):
    assert parse_json_answer(answer) == json.loads(answer)


def test_a_fence_inside_a_json_string_in_prose_is_not_unfenced():
    answer = 'Here it is: {"text": "```json\\n{}\\n```"} -- done.'
    assert parse_json_answer(answer) == {"text": "```json\n{}\n```"}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('Result (see [1]): {"a": 1}', {"a": 1}),
        ('Note [1]: data follows [{"n":1}]', [{"n": 1}]),
        ('Sources [1][2]. Tags: ["x", "y"]', ["x", "y"]),  # the longest bare array
        ("Returns {} when empty. Answer: [1, 2, 3]", [1, 2, 3]),
        ('{"a": 1} or, in full, {"a": 1, "b": 2}', {"a": 1, "b": 2}),
    ],
)
def test_bracketed_prose_loses_to_the_more_plausible_answer(answer, expected):
    assert parse_json_answer(answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected_type", "expected"),
    [
        ('See {"unit": "cm"} for [1, 2]', "array", [1, 2]),
        ('Use [{"n": 1}, {"n": 2}] as {"a": 1}', "object", {"a": 1}),
        ('Note [1]: data follows [{"n":1}]', "object", [{"n": 1}]),  # nothing better
        ("Only [1] here", "object", [1]),
    ],
)
def test_the_expected_type_wins_when_given(answer, expected_type, expected):
    assert parse_json_answer(answer, expected_type) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('```json\n{"a": 1}\n```\nSee [2]', {"a": 1}),
        ('```json\n[1]\n```\nor {"b": 2}', [1]),  # the fence wins over prose after it
    ],
)
def test_a_fenced_answer_still_wins(answer, expected):
    assert parse_json_answer(answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('{"a": 1, "b": [1, 2,],}', {"a": 1, "b": [1, 2]}),
        ("{'a': 'single quotes'}", {"a": "single quotes"}),
        ('{"a": [1, 2', {"a": [1, 2]}),  # cut off by the token limit
        ('Answer: {name: "Ada", age: 36}', {"name": "Ada", "age": 36}),
    ],
)
def test_almost_json_is_repaired(answer, expected):
    assert parse_json_answer(answer) == expected


@pytest.mark.parametrize("answer", ["total garbage", "", "   ", "<think>only thinking</think>"])
def test_garbage_raises_extraction_error_with_the_raw_text(answer):
    with pytest.raises(ExtractionError, match="not valid JSON") as caught:
        parse_json_answer(answer)
    assert caught.value.raw_text == answer


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
containers = st.one_of(
    st.lists(json_values, max_size=4), st.dictionaries(st.text(max_size=6), json_values)
)
# Prose that holds no JSON of its own: no brackets, quotes, fences or tags.
prose = st.text(st.characters(exclude_characters='{}[]"`<', exclude_categories=("Cs",)))


def _dump(value):
    dumped = json.dumps(value, ensure_ascii=False)
    assume("```" not in dumped and "think" not in dumped.lower())
    return dumped


@settings(max_examples=60, deadline=None)
@given(value=json_values, before=prose, after=prose, language=st.sampled_from(["json", ""]))
def test_any_fenced_json_value_round_trips(value, before, after, language):
    answer = f"{before}\n```{language}\n{_dump(value)}\n```\n{after}"
    assert parse_json_answer(answer) == value


@settings(max_examples=60, deadline=None)
@given(value=containers, before=prose, after=prose)
def test_any_object_or_array_in_prose_round_trips(value, before, after):
    assert parse_json_answer(f"{before}{_dump(value)}{after}") == value


objects = st.dictionaries(st.text(max_size=6), json_values, min_size=1)
citations = st.lists(st.integers(0, 999), max_size=3).map(lambda ns: "".join(f"[{n}]" for n in ns))


@settings(max_examples=60, deadline=None)
@given(value=json_values, language=st.sampled_from(["json", "", "python"]))
def test_a_json_answer_holding_a_fenced_value_round_trips(value, language):
    answer = {"text": f"```{language}\n{json.dumps(value)}\n```", "more": [value]}
    assert parse_json_answer(json.dumps(answer)) == answer


@settings(max_examples=60, deadline=None)
@given(value=objects, cited=citations, before=prose, after=prose)
def test_an_object_after_cited_prose_round_trips(value, cited, before, after):
    assert parse_json_answer(f"{before}{cited}: {_dump(value)}{cited}{after}") == value


@settings(max_examples=60, deadline=None)
@given(value=st.lists(objects, min_size=1, max_size=3), cited=citations, before=prose)
def test_an_expected_array_after_cited_prose_round_trips(value, cited, before):
    answer = f"{before}{cited} {_dump(value)} {_dump({'note': cited})}"
    assert parse_json_answer(answer, "array") == value


def test_a_fenced_string_holding_a_bracket_is_the_answer():
    # Found by test_any_fenced_json_value_round_trips: the fence's whole content is JSON.
    assert parse_json_answer('Here:\n```json\n"{"\n```\nDone.') == "{"
    assert parse_json_answer('```\n["a", "[1]"]\n```') == ["a", "[1]"]


# --- any answer gives a value or a typed error -----------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        '{"a": ' * 1000 + "1" + "}" * 1000,  # valid JSON, nested 1,000 deep
        "[" * 100_000 + "]" * 100_000,
        "[" * 100_000,  # unclosed, deep
        "Result: " + '{"a": ' * 1000 + "1" + "}" * 1000 + " done",
    ],
)
def test_deep_nesting_is_an_extraction_error(answer):
    with pytest.raises(ExtractionError, match="nested too deeply"):
        parse_json_answer(answer)
    with pytest.raises(ExtractionError):
        clean_json_text(answer)


@pytest.mark.parametrize(
    "answer",
    [
        "<think" * 80_000,  # ~450 KB of unclosed tag openings (quadratic in a backtracking regex)
        "<think>" * 40_000 + "x" + "</thinking>" * 20_000,
        "```" * 100_000,
        '{"a": "' + '\\"' * 200_000,
        "{ " * 200_000,
        "[{" * 45_000,  # deep and unclosed, under the size limit: the repairer took 30 s
    ],
)
def test_pathological_answers_fail_cleanly(answer):
    with pytest.raises(ExtractionError):
        parse_json_answer(answer)


def test_thinking_with_a_json_value_after_many_tags_still_parses():
    answer = "<think>" + "<think>" * 10_000 + "plan</think>" + '{"a": 1}'
    assert parse_json_answer(answer) == {"a": 1}


def test_repair_is_bounded_by_size():
    from prompture._json_cleaning import REPAIR_LIMIT

    small = '{"a": [1, 2,]}'
    assert parse_json_answer(small) == {"a": [1, 2]}
    huge = '{"a": [' + "1," * REPAIR_LIMIT + "]}"  # almost JSON, but too long to repair
    with pytest.raises(ExtractionError, match="not valid JSON"):
        parse_json_answer(huge)


def test_repair_is_bounded_by_depth():
    from prompture._json_cleaning import REPAIR_DEPTH_LIMIT

    assert parse_json_answer("[" * REPAIR_DEPTH_LIMIT + "1,") == _nested(REPAIR_DEPTH_LIMIT)
    with pytest.raises(ExtractionError):
        parse_json_answer("[" * (REPAIR_DEPTH_LIMIT + 1) + "1,")


def _nested(depth: int) -> list:
    value: list = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


def test_parse_answer_keeps_the_text_of_a_valid_answer():
    from prompture._json_cleaning import parse_answer

    text = '{"b": 1,   "a": [1, 2]}'
    assert parse_answer(f"```json\n{text}\n```") == (text, {"b": 1, "a": [1, 2]})
