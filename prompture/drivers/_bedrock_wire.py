"""Amazon Bedrock's Converse API as pure functions: no I/O, no SDK.

Requests (``POST /model/{modelId}/converse``, ``/converse-stream``): system messages go to
``system`` as text blocks; turns alternate ``user``/``assistant`` with content blocks
(``text``, ``image`` with base64 ``bytes``, ``toolUse``, and ``toolResult`` blocks in a user
turn for ``role: "tool"`` messages; consecutive turns of one role are merged). Sampling goes
under ``inferenceConfig`` (``maxTokens``, ``temperature``, ``topP``, ``stopSequences``); tools
become ``toolConfig.tools[].toolSpec`` with ``inputSchema.json``; ``toolChoice`` is ``auto``,
``any`` or ``tool``. A JSON schema goes to ``outputConfig.textFormat`` (structured output,
the schema as JSON text) where the model takes it, else into the system prompt with JSON
requests. Thinking (``options["thinking"]``) goes to ``additionalModelRequestFields``.

Answers: ``output.message.content`` blocks (``text``, ``toolUse``, ``reasoningContent``),
``stopReason`` normalized, ``usage`` in ``inputTokens``/``outputTokens``. Streams are AWS
event-stream frames (`_eventstream`) whose ``:event-type`` header names the event
(``contentBlockStart``, ``contentBlockDelta``, ``messageStop``, ``metadata``...) and whose
``:message-type: exception`` frames carry errors.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import DriverError
from ._anthropic_wire import thinking_config
from ._openai_wire import schema_instruction

#: Bedrock ``stopReason`` -> normalized stop reason.
STOP_REASONS = {
    "end_turn": "end_turn",
    "stop_sequence": "end_turn",
    "tool_use": "tool_use",
    "max_tokens": "max_tokens",
    "model_context_window_exceeded": "max_tokens",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
    "malformed_model_output": "error",
    "malformed_tool_use": "error",
}
_TOOL_CHOICES = {"auto": {"auto": {}}, "required": {"any": {}}, "any": {"any": {}}}
_DATA_URL = re.compile(r"^data:image/([\w.+-]+);base64,(.*)$", re.DOTALL)
_IMAGE_FORMATS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "gif": "gif", "webp": "webp"}


class StreamError(Exception):
    """An exception frame inside a stream accepted with 200 (the provider's message)."""


def build_request(
    messages: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    tools: list[dict[str, Any]] | None = None,
    native_schema: bool = False,
    send_temperature: bool = True,
) -> dict[str, Any]:
    """The Converse body for one call (the model is in the URL); nothing passed in changes."""
    system = [_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer")]
    schema = options.get("json_schema")
    if schema is not None and native_schema:
        body: dict[str, Any] = {"outputConfig": output_config(schema)}
    else:
        body = {}
        if options.get("json_mode") or schema is not None:
            system.append(schema_instruction(schema))
    if any(system):
        body["system"] = [{"text": text} for text in system if text]
    body["messages"] = to_messages(messages)
    inference = inference_config(options, send_temperature=send_temperature)
    if inference:
        body["inferenceConfig"] = inference
    if tools:
        body["toolConfig"] = tool_config(tools, options.get("tool_choice"))
    thinking = thinking_config(options.get("thinking"))
    if thinking:
        body["additionalModelRequestFields"] = {"thinking": thinking}
    return body


def output_config(schema: dict[str, Any]) -> dict[str, Any]:
    from ..cost_mixin import prepare_strict_schema

    definition = {"name": "extraction", "schema": json.dumps(prepare_strict_schema(schema))}
    return {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": definition}}}


def inference_config(options: dict[str, Any], *, send_temperature: bool) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if options.get("max_tokens") is not None:
        config["maxTokens"] = int(options["max_tokens"])
    if send_temperature and options.get("temperature") is not None:
        config["temperature"] = options["temperature"]
    if options.get("top_p") is not None:
        config["topP"] = options["top_p"]
    stop = options.get("stop")
    if stop:
        config["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    return config


def tool_config(tools: list[dict[str, Any]], choice: Any) -> dict[str, Any]:
    specs = []
    for tool in tools:
        function = tool.get("function") or tool
        spec = {"name": function.get("name", ""), "inputSchema": {"json": {"type": "object"}}}
        if function.get("description"):
            spec["description"] = function["description"]
        if function.get("parameters"):
            spec["inputSchema"] = {"json": copy.deepcopy(function["parameters"])}
        specs.append({"toolSpec": spec})
    config: dict[str, Any] = {"tools": specs}
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name:
            config["toolChoice"] = {"tool": {"name": name}}
    elif choice in _TOOL_CHOICES:
        config["toolChoice"] = copy.deepcopy(_TOOL_CHOICES[choice])
    return config


def to_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Alternating user/assistant turns of content blocks (system messages left out)."""
    turns: list[dict[str, Any]] = []
    for message in messages:
        role = message.get("role", "user")
        if role in ("system", "developer"):
            continue
        if role == "tool":
            blocks = [_tool_result(message)]
            role = "user"
        elif role == "assistant":
            blocks = _assistant_blocks(message)
        else:
            blocks = _user_blocks(message.get("content"))
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    return turns


def _user_blocks(content: Any) -> list[dict[str, Any]]:
    if not isinstance(content, list):
        return [{"text": _text(content)}] if _text(content) else []
    blocks = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and block.get("text"):
            blocks.append({"text": block["text"]})
        elif block.get("type") == "image_url":
            url = block.get("image_url")
            blocks.append(image_block(url.get("url") if isinstance(url, dict) else url))
    return blocks


def image_block(url: Any) -> dict[str, Any]:
    """An ``image`` block from a base64 data URL (Converse takes no web URLs)."""
    match = _DATA_URL.match(url or "") if isinstance(url, str) else None
    image_format = _IMAGE_FORMATS.get(match.group(1).lower()) if match else None
    if not match or image_format is None:
        raise DriverError(
            "Bedrock Converse takes images as base64 data URLs of PNG, JPEG, GIF or WebP"
        )
    return {"image": {"format": image_format, "source": {"bytes": match.group(2).strip()}}}


def _assistant_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    text = _text(message.get("content"))
    if text:
        blocks.append({"text": text})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        use = {"toolUseId": call.get("id", ""), "name": function.get("name", "")}
        use["input"] = _arguments(function.get("arguments"))
        blocks.append({"toolUse": use})
    return blocks


def _tool_result(message: dict[str, Any]) -> dict[str, Any]:
    result = {
        "toolUseId": message.get("tool_call_id", ""),
        "content": [{"text": _text(message.get("content"))}],
    }
    return {"toolResult": result}


def _arguments(arguments: Any) -> dict[str, Any]:
    if isinstance(arguments, dict):
        return copy.deepcopy(arguments)
    try:
        value = json.loads(arguments) if isinstance(arguments, str) and arguments.strip() else {}
    except ValueError:
        value = {"_raw": arguments}
    return value if isinstance(value, dict) else {"value": value}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = (b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text")
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def normalize_stop_reason(reason: str | None) -> str:
    if reason is None:
        return "end_turn"
    return STOP_REASONS.get(reason, "error")


def usage_counts(usage: dict[str, Any] | None) -> tuple[int, int, int]:
    """``(prompt, completion, total)``; cached prompt tokens count as prompt tokens."""
    usage = usage or {}
    prompt = int(usage.get("inputTokens") or 0)
    prompt += int(usage.get("cacheReadInputTokens") or 0)
    prompt += int(usage.get("cacheWriteInputTokens") or 0)
    completion = int(usage.get("outputTokens") or 0)
    return prompt, completion, int(usage.get("totalTokens") or prompt + completion)


@dataclass
class Answer:
    text: str = ""
    reasoning: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    stop_reason_raw: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)

    @property
    def stop_reason(self) -> str:
        return normalize_stop_reason(self.stop_reason_raw)


def parse_response(raw: dict[str, Any]) -> Answer:
    """The `Answer` of a Converse response; KeyError/TypeError when it is not one."""
    answer = Answer(stop_reason_raw=raw.get("stopReason"), usage=raw.get("usage") or {})
    for block in raw["output"]["message"]["content"]:
        if "text" in block:
            answer.text += block["text"]
        elif "toolUse" in block:
            use = block["toolUse"]
            call = {"id": use.get("toolUseId", ""), "name": use.get("name", "")}
            call["arguments"] = _arguments(use.get("input"))
            answer.tool_calls.append(call)
        elif "reasoningContent" in block:
            answer.reasoning += (block["reasoningContent"].get("reasoningText") or {}).get(
                "text", ""
            )
    return answer


class StreamState:
    """Folds ``converse-stream`` events into deltas and the final `Answer`."""

    def __init__(self) -> None:
        self.answer = Answer()
        self.events = 0
        self._calls: dict[int, dict[str, Any]] = {}

    def feed(self, headers: dict[str, object], payload: bytes) -> str | None:
        """Take one decoded frame; return the text delta it carries, if any."""
        if headers.get(":message-type") == "exception":
            kind = headers.get(":exception-type", "exception")
            message = _message_of(payload)
            raise StreamError(f"{kind}: {message}" if message else str(kind))
        event = json.loads(payload or b"{}")
        if not isinstance(event, dict):
            raise ValueError("an event payload is not a JSON object")
        self.events += 1
        kind = headers.get(":event-type")
        index = int(event.get("contentBlockIndex") or 0)
        if kind == "contentBlockStart":
            use = (event.get("start") or {}).get("toolUse")
            if use:
                self._calls[index] = {
                    "id": use.get("toolUseId", ""),
                    "name": use.get("name", ""),
                    "input": "",
                }
        elif kind == "contentBlockDelta":
            return self._delta(index, event.get("delta") or {})
        elif kind == "messageStop":
            self.answer.stop_reason_raw = event.get("stopReason")
            self.answer.tool_calls = [
                {"id": c["id"], "name": c["name"], "arguments": _arguments(c["input"])}
                for _, c in sorted(self._calls.items())
            ]
        elif kind == "metadata":
            self.answer.usage = event.get("usage") or {}
        return None

    def _delta(self, index: int, delta: dict[str, Any]) -> str | None:
        if "toolUse" in delta and index in self._calls:
            self._calls[index]["input"] += delta["toolUse"].get("input") or ""
        if "reasoningContent" in delta:
            self.answer.reasoning += delta["reasoningContent"].get("text") or ""
        text = delta.get("text") or ""
        self.answer.text += text
        return text or None


def _message_of(payload: bytes) -> str:
    try:
        data = json.loads(payload)
    except ValueError:
        return payload.decode("utf-8", "replace")[:300]
    return str(data.get("message") or data.get("Message") or "") if isinstance(data, dict) else ""
