"""`GeminiWire`: what a driver sent to `GeminiServer`, read the wire-neutral way.

Schemas are read back as JSON schema (Gemini's ``OBJECT``/``STRING`` type names lower-cased,
the Gemini-only ``propertyOrdering`` hint dropped), so a tool offered in OpenAI format compares
equal to what the server received. Standard library only.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from . import _gemini_format as fmt
from ._server import RecordedRequest
from ._wire_probe import WireProbe

__all__ = ["GeminiWire"]

_MODEL_IN_PATH = re.compile(r"^/v1\w*/(?:models/)?(.+?):\w+$")


class GeminiWire(WireProbe):
    """Probe for ``POST /v1beta/models/{model}:generateContent`` (and the streaming twin)."""

    strict_schema = False

    def api_key(self, req: RecordedRequest) -> str | None:
        header = req.headers.get("x-goog-api-key")
        if header is not None:
            return header
        values = parse_qs(req.query).get("key")
        return values[-1] if values else None

    def model(self, req: RecordedRequest) -> str:
        match = _MODEL_IN_PATH.match(req.path)
        return match.group(1) if match else ""

    def texts(self, req: RecordedRequest) -> str:
        pieces = fmt.part_texts(fmt.get(_body(req), "systemInstruction"))
        for content in fmt.contents(_body(req)):
            pieces += fmt.part_texts(content)
        return "\n".join(pieces)

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(fmt.part_texts(fmt.get(_body(req), "systemInstruction")))

    def json_mode(self, req: RecordedRequest) -> bool:
        return fmt.wants_json(_body(req))

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        return fmt.response_schema(_body(req))

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        tools = []
        for declaration in fmt.declarations(_body(req)):
            tool = {"name": fmt.get(declaration, "name", "")}
            if fmt.get(declaration, "description") is not None:
                tool["description"] = fmt.get(declaration, "description")
            parameters = fmt.declared_parameters(declaration)
            if parameters is not None:
                tool["parameters"] = parameters
            tools.append(tool)
        return tools

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return [
            fmt.get(call, "name", "")
            for content in fmt.contents(_body(req))
            if fmt.get(content, "role") == "model"
            for call in fmt.function_calls(content)
        ]

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return [
            fmt.get(call, "args", {})
            for content in fmt.contents(_body(req))
            if fmt.get(content, "role") == "model"
            for call in fmt.function_calls(content)
        ]

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return [
            fmt.function_response_text(fmt.get(response, "response"))
            for content in fmt.contents(_body(req))
            for response in fmt.function_responses(content)
        ]

    def has_image(self, req: RecordedRequest) -> bool:
        for content in fmt.contents(_body(req)):
            for part in fmt.parts(content):
                blob = fmt.get(part, "inlineData") or fmt.get(part, "fileData") or {}
                if str(fmt.get(blob, "mimeType") or "").startswith("image/"):
                    return True
        return False

    def is_stream(self, req: RecordedRequest) -> bool:
        """Gemini streams on its own method; usage comes with the last event, no flag needed."""
        return req.path.endswith(":streamGenerateContent")

    def temperature(self, req: RecordedRequest) -> float | None:
        return fmt.get(fmt.get(_body(req), "generationConfig"), "temperature")

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return fmt.get(fmt.get(_body(req), "generationConfig"), "maxOutputTokens")

    def thought_signatures(self, req: RecordedRequest) -> list[str | None]:
        """The ``thoughtSignature`` sent with each ``functionCall`` part (None where absent)."""
        return [
            fmt.get(part, "thoughtSignature")
            for content in fmt.contents(_body(req))
            for part in fmt.parts(content)
            if fmt.get(part, "functionCall") is not None
        ]


def _body(req: RecordedRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}
