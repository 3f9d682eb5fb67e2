"""Turning a model's answer into JSON: pure functions, no I/O, no model calls.

`clean_json_text` cuts the JSON out of an answer (thinking blocks, code fences, prose around
it); `parse_json_answer` parses what is left and, when that fails, repairs it with the
`json_repair` library (imported lazily: it costs more at import time than Prompture itself).
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from .exceptions import ExtractionError

__all__ = ["clean_json_text", "parse_json_answer"]

_THINK_BLOCK = re.compile(r"<(think|thinking)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_THINK_OPEN = re.compile(r"\A\s*<(?:think|thinking)\b[^>]*>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(?:think|thinking)\s*>", re.IGNORECASE)
# An opening fence (its language tag only counts when a line break follows it, so that
# ```42``` keeps its 42), the body, then the closing fence or the end of a cut-off answer.
_FENCE = re.compile(r"```(?:[ \t]*[\w+.-]+[ \t]*(?=\r?\n))?[ \t]*\r?\n?(.*?)(?:```|\Z)", re.DOTALL)
_OPENER = re.compile(r"[\[{]")
_CLOSERS = {"{": "}", "[": "]"}
#: JSON schema top-level types an answer may be expected to have.
_JSON_TYPES: dict[str, type] = {"object": dict, "array": list}
#: How many candidate spans `_scan` tries.
_MAX_CANDIDATES = 64
_NOT_JSON = object()


class _Span(NamedTuple):
    """A bracketed part of an answer that parses as JSON."""

    start: int
    end: int
    text: str
    value: Any


def clean_json_text(text: str, expected_type: str | None = None) -> str:
    """The JSON part of a model's answer, as text (not necessarily valid JSON yet).

    Removes ``<think>``/``<thinking>`` blocks (and an unclosed leading tag or an orphan closing
    tag, whose reasoning came before it). An answer that is JSON as a whole is kept whole (a
    code fence may sit inside one of its strings); otherwise the search narrows to the first
    fenced code block when there is one outside every JSON value, and the most plausible of
    the bracketed spans that parse (see `_most_plausible`) is cut out of the prose around it.
    `expected_type`, when known (``"object"`` or ``"array"``, the schema's top-level type), is
    preferred. Top-level arrays are kept whole; brackets inside JSON strings do not count.
    """
    text = _strip_thinking(text)
    if _is_json(text.strip()):
        return text.strip()
    spans, guess = _scan(text)
    fence = _FENCE.search(text)
    if fence and not any(span.start <= fence.start() < span.end for span in spans):
        fenced = fence.group(1)
        if _is_json(fenced.strip()):  # any JSON value, a bare string included
            return fenced.strip()
        spans, guess = _scan(fenced)
    return _most_plausible(spans, _JSON_TYPES.get(expected_type or "")) or guess


def parse_json_answer(text: str, expected_type: str | None = None) -> Any:
    """Parse the JSON in a model's answer, repairing it when it is almost JSON.

    `expected_type` (``"object"`` or ``"array"``) is the type the answer should have, when
    known; it decides between several JSON values in one answer. Raises `ExtractionError`
    (carrying `raw_text`) when neither ``json.loads`` nor ``json_repair`` gives an object or
    an array.
    """
    cleaned = clean_json_text(text, expected_type)
    try:
        return json.loads(cleaned)
    except ValueError as exc:
        error = exc
    repaired = _repair(cleaned)
    if isinstance(repaired, dict | list):
        return repaired
    raise ExtractionError(f"the answer is not valid JSON ({error})", raw_text=text)


def _repair(text: str) -> Any:
    """What `json_repair` makes of `text`; None when `text` has no bracket to start from."""
    if not text.startswith(("{", "[")):
        return None
    import json_repair  # lazy: ~50 ms at import time

    try:
        return json_repair.loads(text)
    except Exception:  # the repairer is best effort; any failure means "not JSON"
        return None


def _strip_thinking(text: str) -> str:
    text = _THINK_BLOCK.sub("", text)
    opened = _THINK_OPEN.match(text)
    if opened:
        # Unclosed leading tag: the answer may still be inside, so drop only the tag.
        return text[opened.end() :]
    closed = _THINK_CLOSE.search(text)
    if closed:
        # Orphan closing tag: the opening one was in the prompt template; reasoning precedes it.
        return text[closed.end() :]
    return text


def _scan(text: str) -> tuple[list[_Span], str]:
    """The bracketed spans of `text` that parse, and a best guess for the repairer.

    Spans nested in another span are not tried (an inner object of a broken answer is not
    the answer). The guess, for the repairer when nothing parses, is the first balanced span,
    or everything from an unclosed bracket on (an answer cut off by the token limit).
    """
    spans: list[_Span] = []
    guess = None
    position = 0
    for _ in range(_MAX_CANDIDATES):
        opener = _OPENER.search(text, position)
        if opener is None:
            break
        end = _matching_end(text, opener.start())
        if end is None:
            guess = guess or text[opener.start() :].strip()
            break
        span = text[opener.start() : end]
        value = _loads(span)
        if value is _NOT_JSON:
            guess = guess or span
        else:
            spans.append(_Span(opener.start(), end, span, value))
        position = end
    return spans, guess or text.strip()


def _most_plausible(spans: list[_Span], expected: type | None) -> str | None:
    """The span most likely to be the answer: of the expected type, structured, longest.

    "Structured" is a non-empty object or an array holding objects or arrays: a bare scalar
    array is more often prose (a citation such as ``[1]``) than an answer. Ties go to the first
    span.
    """

    def plausibility(span: _Span) -> tuple[bool, bool, int]:
        value = span.value
        structured = bool(value) and (
            isinstance(value, dict) or any(isinstance(item, dict | list) for item in value)
        )
        return (expected is None or isinstance(value, expected), structured, len(span.text))

    return max(spans, key=plausibility).text if spans else None


def _matching_end(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one at `start`; None if unclosed or mismatched."""
    expected: list[str] = []
    in_string = escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in _CLOSERS:
            expected.append(_CLOSERS[char])
        elif char in "]}":
            if char != expected.pop():
                return None
            if not expected:
                return index + 1
    return None


def _loads(text: str) -> Any:
    """The JSON value of `text`, or `_NOT_JSON`."""
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _is_json(text: str) -> bool:
    return _loads(text) is not _NOT_JSON
