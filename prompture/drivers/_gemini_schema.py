"""JSON schema -> the schema subset Gemini accepts (``responseSchema``, function ``parameters``).

Gemini's ``Schema`` is an OpenAPI 3.0 subset, and Google rejects any keyword outside it with a
400 (the SDK refuses some before sending). The rule, applied recursively to a fresh copy:

- Kept: ``type``, ``format``, ``title``, ``description``, ``nullable``, ``enum``, ``items``,
  ``properties``, ``required``, ``minItems``/``maxItems``, ``minLength``/``maxLength``,
  ``pattern``, ``minimum``/``maximum``, ``minProperties``/``maxProperties``, ``anyOf``,
  ``default``, ``example``. Everything else is dropped: ``additionalProperties``,
  ``$schema``, ``$id``, ``$defs``, ``examples``, ``exclusiveMinimum``, ``multipleOf``,
  ``uniqueItems``, ``not``, ``if``/``then``/``else``...
- ``$ref`` to a local definition (``#/$defs/X``, ``#/definitions/X``, any ``#/...`` pointer)
  is inlined. A reference back into a definition being expanded (a recursive schema) cannot
  be written without refs, so the property (or array, or ``anyOf`` branch) holding it is
  dropped, and removed from ``required``: the answer simply cannot nest deeper.
- ``type: [T, "null"]`` and ``anyOf``/``oneOf`` with a ``{"type": "null"}`` branch become
  ``nullable: true``; several non-null types become an ``anyOf``; ``oneOf`` is ``anyOf``;
  ``allOf`` is merged into one schema (properties and ``required`` combined).
- ``const`` becomes a one-value ``enum``; enums are kept only when all values are strings
  (Gemini enums are strings); ``format`` only where Gemini supports it (``date-time``/``enum``
  for strings, ``int32``/``int64``, ``float``/``double``).
- ``required`` names only properties that remain; a missing ``type`` is inferred from
  ``properties`` (object) or ``items`` (array).

Types stay lower-case JSON schema names; the SDK upper-cases them (``OBJECT``) when sending.
"""

from __future__ import annotations

from typing import Any

__all__ = ["to_gemini_schema"]

_KEPT = frozenset(
    "title description nullable default example minItems maxItems minLength maxLength pattern "
    "minimum maximum minProperties maxProperties".split()
)
_FORMATS = {
    "string": {"date-time", "enum"},
    "integer": {"int32", "int64"},
    "number": {"float", "double"},
}
#: JSON type of a Python value (for ``enum``/``const`` without ``type``).
_VALUE_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}
#: Marks "drop the node holding this": a recursive reference.
_DROP = None


def to_gemini_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` rewritten to the subset Gemini accepts (see the module docstring); `schema`
    itself is left untouched."""
    return _convert(schema, schema, ()) or {}


def _convert(node: Any, root: Any, expanding: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(node, dict):
        return {}
    if "$ref" in node:
        ref = node["$ref"]
        if ref in expanding:
            return _DROP
        target = _resolve(root, ref)
        if target is None:
            return {}
        merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return _convert(merged, root, (*expanding, ref))
    if "allOf" in node:
        return _convert(_merge_all_of(node, root), root, expanding)
    if "anyOf" in node or "oneOf" in node:
        return _union(node, root, expanding)
    return _plain(node, root, expanding)


def _plain(node: dict[str, Any], root: Any, expanding: tuple[str, ...]) -> dict[str, Any] | None:
    kinds, nullable = _types(node)
    if len(kinds) > 1:
        branches = [_plain({**node, "type": kind}, root, expanding) for kind in kinds]
        return _with_nullable({"anyOf": [b for b in branches if b]}, nullable, node)
    kind = kinds[0] if kinds else None
    out: dict[str, Any] = {"type": kind} if kind else {}
    out.update({k: v for k, v in node.items() if k in _KEPT})
    if nullable:
        out["nullable"] = True
    _add_enum(out, node)
    if node.get("format") in _FORMATS.get(kind or "", ()):
        out["format"] = node["format"]
    if kind == "object" or "properties" in node:
        _add_properties(out, node, root, expanding)
    if kind == "array" and "items" in node:
        items = _convert(node["items"], root, expanding)
        if items is _DROP:
            return _DROP
        out["items"] = items
    return out


def _types(node: dict[str, Any]) -> tuple[list[str], bool]:
    """The node's non-null types (inferred when absent) and whether null is allowed."""
    kind = node.get("type")
    kinds = list(kind) if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    nullable = "null" in kinds or node.get("nullable") is True
    kinds = [k for k in kinds if k != "null"]
    if not kinds and "properties" in node:
        kinds = ["object"]
    elif not kinds and "items" in node:
        kinds = ["array"]
    elif not kinds:
        values = [node["const"]] if "const" in node else node.get("enum") or []
        inferred = _VALUE_TYPES.get(type(values[0])) if values else None
        kinds = [inferred] if inferred else []
    return kinds, nullable


def _add_enum(out: dict[str, Any], node: dict[str, Any]) -> None:
    values = [node["const"]] if "const" in node else node.get("enum")
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        out["enum"] = list(values)
        out.setdefault("type", "string")


def _add_properties(
    out: dict[str, Any], node: dict[str, Any], root: Any, expanding: tuple[str, ...]
) -> None:
    properties = {}
    for name, sub in (node.get("properties") or {}).items():
        converted = _convert(sub, root, expanding)
        if converted is not _DROP:
            properties[name] = converted
    out["type"] = "object"
    if properties:
        out["properties"] = properties
    required = [n for n in node.get("required") or [] if n in properties]
    if required:
        out["required"] = required


def _union(node: dict[str, Any], root: Any, expanding: tuple[str, ...]) -> dict[str, Any] | None:
    branches = node.get("anyOf") or node.get("oneOf") or []
    rest = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}
    nullable = any(isinstance(b, dict) and b.get("type") == "null" for b in branches)
    kept = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
    if len(kept) == 1:
        single = {**kept[0], **rest}
        if nullable:
            single["nullable"] = True
        return _convert(single, root, expanding)
    converted = [_convert(b, root, expanding) for b in kept]
    converted = [c for c in converted if c is not _DROP]
    if not converted:
        return _DROP
    return _with_nullable({"anyOf": converted}, nullable, rest)


def _with_nullable(out: dict[str, Any], nullable: bool, node: dict[str, Any]) -> dict[str, Any]:
    out.update({k: v for k, v in node.items() if k in ("title", "description")})
    if nullable:
        out["nullable"] = True
    return out


def _merge_all_of(node: dict[str, Any], root: Any) -> dict[str, Any]:
    """`allOf` folded into one schema: properties and required combined, else first wins."""
    merged = {k: v for k, v in node.items() if k != "allOf"}
    for part in node["allOf"]:
        if isinstance(part, dict) and "$ref" in part:
            part = _resolve(root, part["$ref"]) or {}
        for key, value in (part or {}).items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
            else:
                merged.setdefault(key, value)
    return merged


def _resolve(root: Any, ref: str) -> dict[str, Any] | None:
    """The schema a local ``#/...`` JSON pointer names, or None."""
    if not ref.startswith("#"):
        return None
    node = root
    for part in filter(None, ref[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, dict) else None
