"""`ToolRegistry`: plain Python functions offered to a model as tools.

A tool's JSON schema comes from its signature (type hints) and its description from its
docstring; `to_openai_format` gives the list every driver takes (OpenAI function format).
"""

from __future__ import annotations

import inspect
import json
import types
import typing
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["ToolRegistry", "tool_result_text"]

_JSON_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    tuple: "array",
    set: "array",
    dict: "object",
}


class ToolRegistry:
    """Named tools: ``registry.register(fn)`` or ``@registry.tool``."""

    def __init__(self, functions: list[Callable[..., Any]] | None = None) -> None:
        self._tools: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}
        for function in functions or ():
            self.register(function)

    def register(
        self,
        fn: Callable[..., Any] | None = None,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> Any:
        """Add `fn` as a tool (usable as a decorator, with or without arguments)."""
        if fn is None:
            return lambda function: self.register(function, name=name, description=description)
        tool_name = name or fn.__name__
        spec = {
            "type": "function",
            "function": {
                "name": tool_name,
                "description": description or _first_paragraph(fn) or f"The {tool_name} tool.",
                "parameters": _parameters(fn),
            },
        }
        self._tools[tool_name] = (fn, spec)
        return fn

    tool = register

    def get(self, name: str) -> Callable[..., Any] | None:
        entry = self._tools.get(name)
        return entry[0] if entry else None

    def to_openai_format(self) -> list[dict[str, Any]]:
        return [spec for _, spec in self._tools.values()]

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[str]:
        return iter(self._tools)

    def __len__(self) -> int:
        return len(self._tools)


def tool_result_text(result: Any) -> str:
    """What a tool returned, as the text of a tool message."""
    if isinstance(result, str):
        return result
    try:
        return json.dumps(result, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(result)


def _first_paragraph(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def _parameters(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # one unresolvable annotation: resolve the others one by one
        hints = {}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, parameter in inspect.signature(fn).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        hint = hints.get(name, _resolve(fn, parameter.annotation))
        properties[name] = _schema(hint)
        if parameter.default is parameter.empty:
            required.append(name)
    return {"type": "object", "properties": properties, "required": required}


def _resolve(fn: Callable[..., Any], annotation: Any) -> Any:
    """A parameter's annotation as a type (a string one evaluated in `fn`'s module), or Any."""
    if annotation is inspect.Parameter.empty:
        return Any
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, getattr(fn, "__globals__", {}))  # noqa: S307 (the code's own)
    except Exception:  # a name only the function's scope knew: untyped
        return Any


def _schema(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType):
        return _schema(arguments[0]) if len(arguments) == 1 else {}
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(annotation))}
    kind = _JSON_TYPES.get(origin or annotation)
    if kind is None:
        return {}
    schema: dict[str, Any] = {"type": kind}
    if kind == "array" and arguments:
        schema["items"] = _schema(arguments[0])
    return schema
