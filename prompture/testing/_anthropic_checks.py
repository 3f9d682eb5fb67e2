"""The checks Anthropic's Messages API makes on a request body, as pure functions.

Only the ones drivers get wrong: required fields, roles (no ``system`` in ``messages``), block
shapes, ``tool_use``/``tool_result`` pairing between neighbouring turns, thinking budgets, and
sampling parameters, which API version 2026-10-21 rejects outright.
"""

from __future__ import annotations

from typing import Any

from ._anthropic_format import message_blocks

__all__ = ["request_error"]

BLOCK_TYPES = frozenset(
    {"text", "image", "document", "tool_use", "tool_result", "thinking", "redacted_thinking"}
)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
#: The API version that removed sampling parameters (SDK 2.x sends it by default).
SAMPLING_REMOVED_IN = "2026-10-21"
SAMPLING_PARAMETERS = ("temperature", "top_p", "top_k")


def request_error(body: Any, version: str = SAMPLING_REMOVED_IN) -> str | None:
    """Why the Messages API (at ``anthropic-version`` `version`) would reject this body, or None.

    From version 2026-10-21 on, ``temperature``, ``top_p`` and ``top_k`` are rejected even at
    their default values; before it, ``temperature`` must lie in [0, 1].
    """
    if not isinstance(body, dict):
        return "The request body is not valid JSON."
    for name, kind in (("model", str), ("max_tokens", int), ("messages", list)):
        if not isinstance(body.get(name), kind) or isinstance(body.get(name), bool):
            return f"{name}: Field required"
    if body["max_tokens"] < 1:
        return "max_tokens: must be greater than or equal to 1"
    if not body["messages"]:
        return "messages: at least one message is required"
    return (
        _sampling_error(body, version)
        or _system_error(body.get("system"))
        or _thinking_error(body)
        or _tools_error(body.get("tools"))
        or _output_config_error(body.get("output_config"))
        or _messages_error(body["messages"])
    )


def _sampling_error(body: dict[str, Any], version: str) -> str | None:
    if version >= SAMPLING_REMOVED_IN:
        sent = [name for name in SAMPLING_PARAMETERS if name in body]
        return f"{sent[0]}: Extra inputs are not permitted" if sent else None
    temperature = body.get("temperature")
    if temperature is not None and not 0 <= temperature <= 1:
        return "temperature: Input should be less than or equal to 1"
    return None


def _system_error(system: Any) -> str | None:
    if system is None or isinstance(system, str):
        return None
    if isinstance(system, list) and all(_is_text_block(b) for b in system):
        return None
    return "system: Input should be a string or a list of text blocks"


def _thinking_error(body: dict[str, Any]) -> str | None:
    thinking = body.get("thinking")
    if not isinstance(thinking, dict) or thinking.get("type") != "enabled":
        return None
    budget = thinking.get("budget_tokens")
    if not isinstance(budget, int) or budget < 1024:
        return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"
    if budget >= body["max_tokens"]:
        return "`max_tokens` must be greater than `thinking.budget_tokens`"
    if body.get("temperature") not in (None, 1):
        return "`temperature` may only be set to 1 when thinking is enabled"
    return None


EFFORTS = ("low", "medium", "high", "xhigh", "max")


def _output_config_error(config: Any) -> str | None:
    """``output_config``: an ``effort`` level and/or a ``json_schema`` format whose objects are
    all closed (structured output refuses ``additionalProperties`` other than false)."""
    if config is None:
        return None
    if not isinstance(config, dict):
        return "output_config: Input should be an object"
    extra = set(config) - {"effort", "format"}
    if extra:
        return f"output_config.{sorted(extra)[0]}: Extra inputs are not permitted"
    if config.get("effort") is not None and config["effort"] not in EFFORTS:
        return f"output_config.effort: Input should be one of {', '.join(EFFORTS)}"
    fmt = config.get("format")
    if fmt is None:
        return None
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return "output_config.format.type: Input should be 'json_schema'"
    if not isinstance(fmt.get("schema"), dict):
        return "output_config.format.schema: Field required"
    return _open_object(fmt["schema"], "output_config.format.schema")


def _open_object(node: Any, where: str) -> str | None:
    """The first object schema under `node` that is not closed, as an API error message."""
    if isinstance(node, list):
        return next((e for e in (_open_object(n, where) for n in node) if e), None)
    if not isinstance(node, dict):
        return None
    if (node.get("type") == "object" or "properties" in node) and node.get(
        "additionalProperties"
    ) is not False:
        return f"{where}: For 'object' type, 'additionalProperties' must be explicitly set to false"
    return next((e for e in (_open_object(v, where) for v in node.values()) if e), None)


def _tools_error(tools: Any) -> str | None:
    if tools is None:
        return None
    for i, tool in enumerate(tools if isinstance(tools, list) else [None]):
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            return f"tools.{i}.name: Field required"
        if "type" not in tool and not isinstance(tool.get("input_schema"), dict):
            return f"tools.{i}.custom.input_schema: Field required"
    return None


def _messages_error(messages: list[Any]) -> str | None:
    """Roles, block shapes, and tool_use/tool_result pairing between neighbouring turns."""
    previous_uses: set[str] = set()
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            role = message.get("role") if isinstance(message, dict) else None
            return f'messages.{i}.role: Unexpected role "{role}". Use "user" or "assistant".'
        blocks = message_blocks(message.get("content"))
        if blocks is None:
            return f"messages.{i}.content: Input should be a string or a list of blocks"
        error = _blocks_error(i, blocks)
        if error:
            return error
        results = {b.get("tool_use_id") for b in blocks if b["type"] == "tool_result"}
        if previous_uses - results:
            return (
                f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {', '.join(sorted(previous_uses - results))}"
            )
        if results - previous_uses:
            return (
                f"messages.{i}: unexpected `tool_use_id` found in `tool_result` blocks: "
                f"{', '.join(sorted(map(str, results - previous_uses)))}"
            )
        previous_uses = {b.get("id") for b in blocks if b["type"] == "tool_use"}
    return None


def _blocks_error(index: int, blocks: list[dict[str, Any]]) -> str | None:
    for j, block in enumerate(blocks):
        where = f"messages.{index}.content.{j}"
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            return f"{where}.type: Input tag '{kind}' is not a known content block type"
        if kind == "text" and not block.get("text"):
            return f"{where}: text content blocks must be non-empty"
        if kind == "image" and not _valid_image_source(block.get("source")):
            return f"{where}.image.source: Invalid image source"
        if kind == "tool_use" and not isinstance(block.get("input"), dict):
            return f"{where}.tool_use.input: Input should be a valid dictionary"
    return None


def _valid_image_source(source: Any) -> bool:
    if not isinstance(source, dict):
        return False
    if source.get("type") == "base64":
        return source.get("media_type") in IMAGE_TYPES and bool(source.get("data"))
    return source.get("type") == "url" and str(source.get("url", "")).startswith("http")


def _is_text_block(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "text" and bool(block.get("text"))
