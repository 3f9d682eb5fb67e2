"""Turning a model's answer into JSON: pure functions, no I/O, no model calls.

`clean_json_text` cuts the JSON out of an answer (thinking blocks, code fences, prose around
it); `parse_json_answer` parses what is left and, when that fails, repairs it with the
`json_repair` library (imported lazily: it costs more at import time than Prompture itself).

Any answer gives a value or an `ExtractionError`, in time linear in its length: every scan
jumps between the characters that matter with compiled regular expressions (no pattern can
backtrack over the whole answer), an answer nested deeper than the interpreter can walk is
refused, and the repairer only sees answers of up to `REPAIR_LIMIT` characters nested at most
`REPAIR_DEPTH_LIMIT` deep (its time grows faster than the text on some inputs).
"""

from __future__ import annotations

import functools
import gc
import json
import re
from typing import Any, NamedTuple

from .exceptions import ExtractionError

__all__ = ["REPAIR_LIMIT", "clean_json_text", "parse_answer", "parse_json_answer"]

#: Longest answer (characters) handed to `json_repair`; longer broken answers are refused.
REPAIR_LIMIT = 100_000
#: Deepest bracket nesting handed to `json_repair` (it slows down sharply on deep input:
#: 95,000 unclosed "[{" took 30 s).
REPAIR_DEPTH_LIMIT = 100

# Tag attributes are bounded so that a stray "<think" with no ">" cannot make a scan quadratic.
_THINK_TAG = re.compile(r"<(/?)(think|thinking)\b([^<>]{0,256})>", re.IGNORECASE)
_THINK_OPEN = re.compile(r"\A\s*<(?:think|thinking)\b[^<>]{0,256}>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</(?:think|thinking)\s*>", re.IGNORECASE)
# The characters `_matching_end` stops at, outside and inside JSON strings.
_STRUCTURAL = re.compile(r'["\[\]{}]')
_IN_STRING = re.compile(r'["\\]')
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
    try:
        return _clean(text, expected_type)[0]
    except RecursionError:
        raise ExtractionError(_TOO_DEEP, raw_text=text) from None


def parse_json_answer(text: str, expected_type: str | None = None) -> Any:
    """Parse the JSON in a model's answer, repairing it when it is almost JSON.

    `expected_type` (``"object"`` or ``"array"``) is the type the answer should have, when
    known; it decides between several JSON values in one answer. Raises `ExtractionError`
    (carrying `raw_text`) when neither ``json.loads`` nor ``json_repair`` gives an object or
    an array.
    """
    return parse_answer(text, expected_type)[1]


def parse_answer(text: str, expected_type: str | None = None) -> tuple[str, Any]:
    """``(json_text, value)``: `parse_json_answer` plus the JSON text the value came from.

    `json_text` is the cleaned answer when it parsed as it was (no second serialisation of a
    large answer), else the repaired value serialised.
    """
    try:
        cleaned, value = _clean(text, expected_type)
        if value is not _NOT_JSON:
            return cleaned, value
        repaired = _repair(cleaned)
        if isinstance(repaired, dict | list):
            return json.dumps(repaired, ensure_ascii=False), repaired
    except RecursionError:
        raise ExtractionError(_TOO_DEEP, raw_text=text) from None
    raise ExtractionError(f"the answer is not valid JSON ({_why_not_json(cleaned)})", raw_text=text)


_TOO_DEEP = "the answer is nested too deeply to be parsed"


def _clean(text: str, expected_type: str | None) -> tuple[str, Any]:
    """The JSON part of `text` and its value (`_NOT_JSON` when it still needs repair)."""
    text = _strip_thinking(text)
    whole = text.strip()
    value = _loads(whole)
    if value is not _NOT_JSON:
        return whole, value
    spans, guess = _scan(text)
    fence = _FENCE.search(text)
    if fence and not any(span.start <= fence.start() < span.end for span in spans):
        fenced = fence.group(1).strip()
        value = _loads(fenced)
        if value is not _NOT_JSON:  # any JSON value, a bare string included
            return fenced, value
        spans, guess = _scan(fenced)
    best = _most_plausible(spans, _JSON_TYPES.get(expected_type or ""))
    if best is not None:
        return best.text, best.value
    return guess, _NOT_JSON


def _why_not_json(text: str) -> str:
    try:
        json.loads(text)
    except ValueError as exc:
        return str(exc)
    except RecursionError:
        return "nested too deeply"
    return "not an object or an array"


def _repair(text: str) -> Any:
    """What `json_repair` makes of `text`; None when there is no bracket to start from or
    `text` is longer than `REPAIR_LIMIT`."""
    if not text.startswith(("{", "[")) or len(text) > REPAIR_LIMIT:
        return None
    if _deeper_than(text, REPAIR_DEPTH_LIMIT):
        return None
    import json_repair  # lazy: ~50 ms at import time

    try:
        return json_repair.loads(text)
    except RecursionError:
        raise
    except Exception:  # the repairer is best effort; any failure means "not JSON"
        return None


def _strip_thinking(text: str) -> str:
    """`text` without its thinking (see `clean_json_text`), in one pass over the tags."""
    if "<" not in text:
        return text
    kept: list[str] = []
    position = 0
    opened: re.Match[str] | None = None
    for tag in _THINK_TAG.finditer(text):
        closing, name = bool(tag.group(1)), tag.group(2).lower()
        if opened is None and not closing:
            kept.append(text[position : tag.start()])
            opened = tag
        elif opened is not None and closing and name == opened.group(2).lower():
            if not tag.group(3).strip():
                position, opened = tag.end(), None
    # An unclosed block stays, so that the checks below can see its tag.
    text = "".join(kept) + text[(opened.start() if opened else position) :]
    opened_at_start = _THINK_OPEN.match(text)
    if opened_at_start:
        # Unclosed leading tag: the answer may still be inside, so drop only the tag.
        return text[opened_at_start.end() :]
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


def _most_plausible(spans: list[_Span], expected: type | None) -> _Span | None:
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

    return max(spans, key=plausibility) if spans else None


def _matching_end(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one at `start`; None if unclosed or mismatched.

    Jumps from one structural character to the next (and, inside strings, from one quote or
    backslash to the next), so the cost is in the number of brackets and strings, not of
    characters.
    """
    expected: list[str] = []
    index = start
    while True:
        found = _STRUCTURAL.search(text, index)
        if found is None:
            return None
        char, index = found.group(), found.end()
        if char == '"':
            index = _string_end(text, index)
            if index < 0:
                return None
        elif char in _CLOSERS:
            expected.append(_CLOSERS[char])
        else:
            if char != expected.pop():
                return None
            if not expected:
                return index


def _deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest more than `limit` deep anywhere in `text`."""
    depth = index = 0
    while True:
        found = _STRUCTURAL.search(text, index)
        if found is None:
            return False
        char, index = found.group(), found.end()
        if char == '"':
            index = _string_end(text, index)
            if index < 0:
                return False
        elif char in _CLOSERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth = max(depth - 1, 0)


def _string_end(text: str, index: int) -> int:
    """Index just past the quote closing a JSON string whose body starts at `index`; -1 if none."""
    while True:
        found = _IN_STRING.search(text, index)
        if found is None:
            return -1
        if found.group() == '"':
            return found.end()
        index = found.end() + 1  # a backslash escapes the next character


#: Answers longer than this are parsed with the cyclic garbage collector paused.
_GC_PAUSE_ABOVE = 65_536


def _loads(text: str) -> Any:
    """The JSON value of `text`, or `_NOT_JSON` (RecursionError passes: too deep is no guess).

    For a large answer `orjson` parses first (1.5x faster than ``json`` on a 1 MB answer: 12
    ms against 20 in the extraction benchmark; imported then, not with Prompture); what it
    refuses (NaN, integers past 64 bits, too deep for it)
    goes to ``json``, so the accepted JSON is the standard library's. A large answer creates
    tens of thousands of containers, each allocation counting towards a collection that finds
    nothing (parsed JSON has no cycles): the collector is paused for the parse.

    Measured on the benchmark's 1 MB answer (10,000 objects; CPU time, collector paused):
    orjson parses in 3.5 ms, msgspec in 3.5 (no reason for another dependency), json in 4.4;
    whatever the parser, freeing the value costs 0.8 ms and the young-generation collection
    after the parse ~1 ms, the value's own price. ``gc.freeze(); gc.unfreeze()`` after the
    parse would move it past that collection, but it resets every generation's count (CPython
    3.11+), so a process extracting back to back would starve its older collections of their
    turn, and it unfreezes what a caller froze before forking: not done.
    """
    paused = len(text) > _GC_PAUSE_ABOVE and gc.isenabled()
    if paused:
        gc.disable()
    try:
        fast = _fast_loads() if paused else None
        if fast is not None:
            try:
                return fast(text)
            except ValueError:  # orjson.JSONDecodeError is a ValueError
                pass
        return json.loads(text)
    except ValueError:
        return _NOT_JSON
    finally:
        if paused:
            gc.enable()


@functools.cache
def _fast_loads() -> Any:
    try:
        from orjson import loads
    except ImportError:  # an optional speed-up
        return None
    return loads
