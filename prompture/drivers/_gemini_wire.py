"""Gemini ``generateContent`` as pure functions: what to hand the google-genai SDK, and how to
read what it returns. No I/O, no SDK import (requests are plain dicts the SDK validates).

Requests: OpenAI-style messages become ``contents`` (roles ``user``/``model``) and a separate
``system_instruction``; image blocks (data URLs) become ``inline_data`` parts (other URLs
``file_data``); assistant ``tool_calls`` become ``function_call`` parts and ``role: "tool"``
messages ``function_response`` parts, grouped into one turn and named after the call they
answer (Gemini matches responses by function name, not id). Gemini 3 wants the thought
signature it sent with a function call back with that call: known signatures are passed in,
and for calls without one Google's documented validator-skip value is sent. Tools become
``function_declarations`` with parameters in the schema subset Gemini accepts (see
`_gemini_schema`); JSON mode is ``response_mime_type: application/json``, plus a
``response_schema``. The SDK's automatic function calling is always off: Prompture returns
tool calls to the caller.

Answers (the SDK's response as a JSON dict, snake_case keys): non-thought text parts are the
text, ``thought: true`` parts the reasoning, ``function_call`` parts the tool calls (ids made
up when Gemini sends none); ``finish_reason`` is normalized; ``usage_metadata`` gives counts
(thinking tokens are billed as output, so they count as completion tokens).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from ..exceptions import DriverError
from ._gemini_schema import to_gemini_schema

#: Gemini ``finishReason`` -> normalized stop reason (unknown reasons end the turn normally).
FINISH_REASONS = {
    "STOP": "end_turn",
    "MAX_TOKENS": "max_tokens",
    **dict.fromkeys(
        "SAFETY RECITATION LANGUAGE BLOCKLIST PROHIBITED_CONTENT SPII IMAGE_SAFETY "
        "IMAGE_PROHIBITED_CONTENT IMAGE_RECITATION MODEL_ARMOR".split(),
        "content_filter",
    ),
    **dict.fromkeys(
        "MALFORMED_FUNCTION_CALL UNEXPECTED_TOOL_CALL TOO_MANY_TOOL_CALLS "
        "MISSING_THOUGHT_SIGNATURE MALFORMED_RESPONSE".split(),
        "error",
    ),
}
#: Prompture option -> ``GenerateContentConfig`` field (temperature is handled on its own).
SAMPLING_OPTIONS = {
    "max_tokens": "max_output_tokens",
    "top_p": "top_p",
    "top_k": "top_k",
    "stop": "stop_sequences",
    "seed": "seed",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
}
#: Google's documented thought signature that skips validation, for function calls Gemini did
#: not make in this process (a history built elsewhere). Sent as bytes: the SDK encodes them.
SKIP_SIGNATURE = base64.urlsafe_b64decode("skip_thought_signature_validator")
_TOOL_CHOICE_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY", "any": "ANY"}
_GEMINI_MAJOR = re.compile(r"gemini-(\d+)")


def build_request(
    model: str,
    messages: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    tools: list[dict[str, Any]] | None = None,
    signatures: Mapping[str, bytes] | None = None,
    send_temperature: bool = True,
    include_thoughts: bool = False,
) -> dict[str, Any]:
    """``{"model", "contents", "config"}`` for ``models.generate_content(**request)``.

    `signatures` maps tool-call ids to the thought signatures Gemini sent with them.
    Nothing passed in is mutated (the SDK edits schemas in place, so they are fresh copies).
    """
    skip = SKIP_SIGNATURE if needs_thought_signatures(model) else None
    system, contents = to_contents(messages, signatures or {}, skip_signature=skip)
    config: dict[str, Any] = {"automatic_function_calling": {"disable": True}}
    if system is not None:
        config["system_instruction"] = system
    if send_temperature and options.get("temperature") is not None:
        config["temperature"] = options["temperature"]
    for key, name in SAMPLING_OPTIONS.items():
        if options.get(key) is not None:
            config[name] = copy.deepcopy(options[key])
    config.update(output_config(options))
    if tools:
        config["tools"] = [{"function_declarations": function_declarations(tools)}]
        choice = tool_config(options.get("tool_choice"))
        if choice is not None:
            config["tool_config"] = choice
    if include_thoughts:
        config["thinking_config"] = {"include_thoughts": True}
    if options.get("timeout"):
        config["http_options"] = {"timeout": int(float(options["timeout"]) * 1000)}
    return {"model": model, "contents": contents, "config": config}


def needs_thought_signatures(model: str) -> bool:
    """Gemini 3 and later (and the ``-latest`` aliases) validate function-call signatures."""
    name = model.rsplit("/", 1)[-1]
    match = _GEMINI_MAJOR.match(name)
    return int(match.group(1)) >= 3 if match else name.endswith("-latest")


def output_config(options: dict[str, Any]) -> dict[str, Any]:
    """``response_mime_type`` (and ``response_schema``) for JSON mode or a JSON schema."""
    schema = options.get("json_schema")
    if schema:
        return {
            "response_mime_type": "application/json",
            "response_schema": to_gemini_schema(schema),
        }
    if options.get("json_mode"):
        return {"response_mime_type": "application/json"}
    return {}


def to_contents(
    messages: list[dict[str, Any]],
    signatures: Mapping[str, bytes],
    *,
    skip_signature: bytes | None = None,
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """``(system_instruction, contents)`` for OpenAI-style `messages`."""
    system_parts: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    names: dict[str, str] = {}  # tool_call_id -> function name, from the assistant turns
    results: list[dict[str, Any]] | None = None  # the parts of the open tool-results turn
    for message in messages:
        role = message.get("role")
        if role in ("system", "developer"):
            system_parts += [{"text": t} for t in _texts(message.get("content")) if t]
            continue
        if role == "tool":
            if results is None:
                results = []
                contents.append({"role": "user", "parts": results})
            results.append(_function_response(message, names))
            continue
        results = None
        if role == "assistant":
            parts = _assistant_parts(message, names, signatures, skip_signature)
            if parts:
                contents.append({"role": "model", "parts": parts})
        else:
            contents.append({"role": "user", "parts": _user_parts(message.get("content"))})
    return ({"parts": system_parts} if system_parts else None), contents


def _texts(content: Any) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        texts = (b.get("text") for b in content if isinstance(b, dict))
        return [t for t in texts if isinstance(t, str)]
    return [] if content is None else [str(content)]


def _user_parts(content: Any) -> list[dict[str, Any]]:
    if not isinstance(content, list):
        return [{"text": t} for t in _texts(content)] or [{"text": ""}]
    parts = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "image_url":
            image = block.get("image_url")
            parts.append(image_part(image.get("url") if isinstance(image, dict) else image))
        elif isinstance(block.get("text"), str):
            parts.append({"text": block["text"]})
    return parts or [{"text": ""}]


def image_part(url: Any) -> dict[str, Any]:
    """A data URL as ``inline_data`` (bytes), any other URL as ``file_data``."""
    url = str(url or "")
    if url.startswith("data:"):
        header, _, payload = url[5:].partition(",")
        mime_type = header.split(";")[0] or "image/png"
        try:
            if header.endswith(";base64"):
                data = base64.b64decode(payload, validate=False)
            else:
                data = unquote_to_bytes(payload)
        except (binascii.Error, ValueError) as exc:
            raise DriverError(f"image data URL is not valid base64: {exc}") from None
        return {"inline_data": {"mime_type": mime_type, "data": data}}
    return {"file_data": {"file_uri": url, "mime_type": _guess_mime_type(url)}}


def _guess_mime_type(url: str) -> str:
    import mimetypes

    guessed, _ = mimetypes.guess_type(url.split("?")[0])
    return guessed or "image/jpeg"


def _assistant_parts(
    message: dict[str, Any],
    names: dict[str, str],
    signatures: Mapping[str, bytes],
    skip_signature: bytes | None,
) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = [{"text": t} for t in _texts(message.get("content")) if t]
    for index, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") or {}
        name = function.get("name") or call.get("name") or ""
        names[call.get("id") or name] = name
        part: dict[str, Any] = {
            "function_call": {"name": name, "args": _arguments(function.get("arguments"))}
        }
        signature = signatures.get(call.get("id") or "")
        if signature is None and index == 0:
            signature = skip_signature
        if signature is not None:
            part["thought_signature"] = signature
        parts.append(part)
    return parts


def _arguments(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return copy.deepcopy(arguments)
    if not arguments:
        return {}
    try:
        value = json.loads(arguments)
    except (TypeError, ValueError):
        raise DriverError(f"tool call arguments are not JSON: {str(arguments)[:100]}") from None
    return value if isinstance(value, dict) else {"value": value}


def _function_response(message: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A ``function_response`` part: a JSON-object result as is, anything else as ``output``."""
    call_id = message.get("tool_call_id") or ""
    name = names.get(call_id) or message.get("name")
    if not name:
        raise DriverError(f"tool message {call_id!r} answers no earlier assistant tool call")
    text = "\n".join(_texts(message.get("content")))
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    response = value if isinstance(value, dict) else {"output": text}
    return {"function_response": {"name": name, "response": response}}


def function_declarations(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI function tools as Gemini function declarations (parameters made acceptable)."""
    declarations = []
    for tool in tools:
        function = tool.get("function", tool)
        declaration: dict[str, Any] = {"name": function["name"]}
        if function.get("description"):
            declaration["description"] = function["description"]
        parameters = to_gemini_schema(function.get("parameters") or {})
        if parameters.get("properties"):  # Gemini rejects an object without properties
            declaration["parameters"] = parameters
        declarations.append(declaration)
    return declarations


def tool_config(choice: Any) -> dict[str, Any] | None:
    """OpenAI ``tool_choice`` as a ``function_calling_config`` (None: the default, AUTO)."""
    if isinstance(choice, str) and choice.lower() in _TOOL_CHOICE_MODES:
        return {"function_calling_config": {"mode": _TOOL_CHOICE_MODES[choice.lower()]}}
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name:
            config = {"mode": "ANY", "allowed_function_names": [name]}
            return {"function_calling_config": config}
    return None


@dataclass
class Answer:
    """What one response (or a whole stream) said."""

    text: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    #: Thought signatures by tool-call id (base64 text, as in the JSON dict).
    signatures: dict[str, str] = field(default_factory=dict)
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def stop_reason(self) -> str:
        if self.tool_calls:
            return "tool_use"
        return FINISH_REASONS.get(self.finish_reason or "STOP", "end_turn")

    def add(self, raw: dict[str, Any]) -> str:
        """Fold in one response (a stream chunk or a whole answer); returns its new text."""
        self.raw = raw
        candidates = raw.get("candidates") or []
        candidate = candidates[0] if candidates else {}
        new_text = []
        for part in (candidate.get("content") or {}).get("parts") or []:
            call = part.get("function_call")
            if call:
                self._add_call(call, part.get("thought_signature"))
            elif isinstance(part.get("text"), str):
                if part.get("thought"):
                    self.reasoning += part["text"]
                else:
                    new_text.append(part["text"])
        self.text += "".join(new_text)
        self.finish_reason = candidate.get("finish_reason") or self.finish_reason
        if not candidates and (raw.get("prompt_feedback") or {}).get("block_reason"):
            self.finish_reason = "SAFETY"  # the prompt itself was blocked
        self.usage = raw.get("usage_metadata") or self.usage
        return "".join(new_text)

    def _add_call(self, call: dict[str, Any], signature: str | None) -> None:
        call_id = call.get("id") or f"call_{uuid.uuid4().hex[:24]}"
        arguments = call.get("args") or {}
        self.tool_calls.append(
            {"id": call_id, "name": call.get("name", ""), "arguments": arguments}
        )
        if signature:
            self.signatures[call_id] = signature


def parse_response(raw: dict[str, Any]) -> Answer:
    """The `Answer` of a non-streaming response."""
    answer = Answer()
    answer.add(raw)
    return answer


def usage_counts(usage: dict[str, Any]) -> tuple[int, int, int]:
    """``(prompt, completion, total)`` tokens; thinking and tool-use prompts included."""
    prompt = int(usage.get("prompt_token_count") or 0)
    prompt += int(usage.get("tool_use_prompt_token_count") or 0)
    completion = int(usage.get("candidates_token_count") or 0)
    completion += int(usage.get("thoughts_token_count") or 0)
    total = int(usage.get("total_token_count") or prompt + completion)
    return prompt, completion, total


def decode_signature(text: str) -> bytes:
    """A thought signature from the JSON dict (base64, standard or URL-safe) as bytes."""
    text = text.replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4))
