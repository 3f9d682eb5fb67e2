"""The result of a call, built from a wire module's parsed answer: shared by the wires whose
pure module offers ``parse_response``, ``usage_counts`` and an ``Answer`` with ``text``,
``reasoning``, ``usage``, ``tool_calls`` and ``stop_reason`` (Cohere v2, Bedrock Converse, the
Responses API)."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any, ClassVar

from .. import _transport


class WireResults:
    """Mixed into a wire's profile class beside `CostMixin`; `wire` names the pure module."""

    wire: ClassVar[ModuleType]

    def _result(self, model: str, answer: Any, raw: dict[str, Any]) -> dict[str, Any]:
        prompt, completion, total = self.wire.usage_counts(answer.usage)
        meta: dict[str, Any] = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": total,
            "cost": round(self._calculate_cost(self.provider, model, prompt, completion), 6),
            "raw_response": raw,
            "model_name": model,
        }
        if answer.reasoning:
            meta["reasoning_content"] = answer.reasoning
        return {"text": answer.text or answer.reasoning, "meta": meta}

    def _parse(self, body: str, model: str) -> dict[str, Any]:
        """A result with `tool_calls` and `stop_reason` from a response body."""
        try:
            raw = json.loads(body)
            answer = self.wire.parse_response(raw)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _transport.malformed_error(self.provider, type(exc).__name__) from None
        result = self._result(model, answer, raw)
        result["tool_calls"] = answer.tool_calls
        result["stop_reason"] = answer.stop_reason
        return result
