"""Turning a model's answer into JSON: pure functions, no I/O, no model calls.

`clean_json_text` cuts the JSON out of an answer (thinking blocks, code fences, prose around
it); `parse_json_answer` parses what is left and, when that fails, repairs it with the
`json_repair` library (imported lazily: it costs more at import time than Prompture itself).
"""

from __future__ import annotations

import json
import re
from typing import Any

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
#: How many candidate spans `_json_span` tries before settling for a guess.
_MAX_CANDIDATES = 64


def clean_json_text(text: str) -> str:
    """The JSON part of a model's answer, as text (not necessarily valid JSON yet).

    Removes ``<think>``/``<thinking>`` blocks (and an unclosed leading tag or an orphan closing
    tag, whose reasoning came before it), keeps the first fenced code block when there is one,
    and cuts prose before the first ``{`` or ``[`` and after its matching closing bracket.
    Top-level arrays are kept whole; brackets inside JSON strings do not count.
    """
    text = _strip_thinking(text)
    text = _unfence(text)
    return _json_span(text)


def parse_json_answer(text: str) -> Any:
    """Parse the JSON in a model's answer, repairing it when it is almost JSON.

    Raises `ExtractionError` (carrying `raw_text`) when neither ``json.loads`` nor
    ``json_repair`` gives an object or an array.
    """
    cleaned = clean_json_text(text)
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


def _unfence(text: str) -> str:
    fence = _FENCE.search(text)
    return fence.group(1) if fence else text


def _json_span(text: str) -> str:
    """The JSON-looking part of `text`: the first bracketed span that parses, else a best guess.

    Spans nested in a rejected span are not tried (an inner object of a broken answer is not
    the answer); when nothing parses, the repairer gets the first balanced span, or everything
    from an unclosed bracket on (an answer cut off by the token limit).
    """
    stripped = text.strip()
    if _is_json(stripped):
        return stripped
    first_span = None
    position = 0
    for _ in range(_MAX_CANDIDATES):
        opener = _OPENER.search(text, position)
        if opener is None:
            break
        end = _matching_end(text, opener.start())
        if end is None:
            return first_span or text[opener.start() :].strip()
        span = text[opener.start() : end]
        if _is_json(span):
            return span
        first_span = first_span or span
        position = end
    return first_span or stripped


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


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
