"""Made-up but valid values for JSON schemas: answers to structured-output requests and
placeholder arguments for tool calls. Pure functions, shared by every wire-format server."""

from __future__ import annotations

from typing import Any

#: Placeholder tool arguments by JSON type (recognisable in assertions).
TOOL_PLACEHOLDERS: dict[str, Any] = {"string": "Paris", "number": 1, "integer": 1, "boolean": True}
#: Minimal instance values by JSON type.
INSTANCE_VALUES: dict[str, Any] = {"string": "x", "number": 1.5, "integer": 1, "boolean": True}
#: Recursive schemas (a tree of nodes) stop producing children below this depth.
MAX_DEPTH = 8


def schema_instance(schema: Any, root: Any = None, depth: int = 0) -> Any:
    """A minimal instance valid against `schema`.

    Objects get every property, arrays one item, enums their first value, strings ``"x"``,
    integers 1, numbers 1.5, booleans true; ``$ref`` (local), ``anyOf``/``oneOf`` (first
    branch) and ``allOf`` (merged) are followed.
    """
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return None
    if "$ref" in schema:
        return schema_instance(_resolve(root, schema["$ref"]), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return schema_instance(_first_non_null(schema[key]), root, depth + 1)
    if schema.get("allOf"):
        return schema_instance(_merge(schema, root), root, depth + 1)
    return _typed_instance(schema, _json_type(schema), root, depth)


def tool_arguments(parameters: Any) -> dict[str, Any]:
    """Placeholder arguments for a tool: its required properties, filled by type."""
    if not isinstance(parameters, dict):
        return {}
    properties = parameters.get("properties") or {}
    return {
        name: _placeholder(properties.get(name) or {}, parameters)
        for name in parameters.get("required") or []
    }


def _placeholder(schema: dict[str, Any], root: dict[str, Any]) -> Any:
    if schema.get("enum"):
        return schema["enum"][0]
    kind = _json_type(schema)
    if kind in TOOL_PLACEHOLDERS:
        return TOOL_PLACEHOLDERS[kind]
    return schema_instance(schema, root)


def _typed_instance(schema: dict[str, Any], kind: str | None, root: Any, depth: int) -> Any:
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: schema_instance(sub, root, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        count = max(1, int(schema.get("minItems") or 0))
        return [schema_instance(schema.get("items") or {}, root, depth + 1)] * count
    if kind == "string":
        return "x" * max(1, int(schema.get("minLength") or 0))
    if kind in ("integer", "number"):
        minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = INSTANCE_VALUES[kind]
        return value if minimum is None or minimum < value else minimum + 1
    return INSTANCE_VALUES.get(kind or "")


def _json_type(schema: dict[str, Any]) -> str | None:
    """The schema's type (the first non-null one of a list), guessed from its keywords if absent."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None and "properties" in schema:
        return "object"
    if kind is None and "items" in schema:
        return "array"
    return kind


def _first_non_null(options: list[Any]) -> Any:
    return next((o for o in options if isinstance(o, dict) and o.get("type") != "null"), options[0])


def _merge(schema: dict[str, Any], root: Any) -> dict[str, Any]:
    """`allOf` folded into one schema (properties combined, other keywords first wins)."""
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        if isinstance(part, dict) and "$ref" in part:
            part = _resolve(root, part["$ref"])
        for key, value in (part or {}).items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            else:
                merged.setdefault(key, value)
    return merged


def _resolve(root: Any, ref: str) -> Any:
    """The schema a local ``#/...`` reference points to, or None."""
    if not ref.startswith("#"):
        return None
    node = root
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node
