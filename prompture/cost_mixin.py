"""Per-model configuration, cost and capability checks shared by every driver.

`CostMixin` asks `prompture.model_rates` (catalogue + rate files) first and falls back to the
driver's own ``MODEL_PRICING`` table. `prepare_strict_schema` makes a JSON schema acceptable to
OpenAI's strict structured outputs.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from . import model_rates
from ._log import LazyLogger

__all__ = ["CostMixin", "prepare_strict_schema"]

logger = LazyLogger(__name__)  # imports logging when it first logs

_PER_MILLION = 1_000_000


class CostMixin:
    """Model configuration, cost and capability warnings for a driver."""

    #: Fallback prices in USD per million tokens, ``{model: {"prompt": x, "completion": y}}``,
    #: for models neither the catalogue nor a rate file prices. Usually empty.
    MODEL_PRICING: ClassVar[dict[str, dict[str, Any]]] = {}

    def _pricing_entry(self, model: str) -> dict[str, Any]:
        entry = (getattr(self, "MODEL_PRICING", None) or {}).get(model)
        return entry if isinstance(entry, dict) else {}

    def _get_model_config(self, provider: str, model: str) -> dict[str, Any]:
        """``tokens_param``, ``supports_temperature``, ``context_window``, ``max_output_tokens``.

        Unknown values default to what most OpenAI-style endpoints accept: ``max_tokens`` and
        sending the temperature.
        """
        caps = model_rates.get_model_capabilities(provider, model)
        fallback = self._pricing_entry(model)
        if caps is None:
            return {
                "tokens_param": fallback.get("tokens_param", "max_tokens"),
                "supports_temperature": fallback.get("supports_temperature", True),
                "context_window": None,
                "max_output_tokens": None,
            }
        supports_temperature = caps.supports_temperature
        if supports_temperature is None:
            supports_temperature = fallback.get("supports_temperature", True)
        return {
            "tokens_param": caps.tokens_param,
            "supports_temperature": supports_temperature,
            "context_window": caps.context_window,
            "max_output_tokens": caps.max_output_tokens,
        }

    def _calculate_cost(
        self,
        provider: str,
        model: str,
        prompt_tokens: int,
        completion_tokens: int,
        *,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
    ) -> float:
        """Cost of one call in USD, rounded to 6 decimals; 0.0 when no price is known.

        `prompt_tokens` counts every prompt token; `cache_read_tokens` and
        `cache_write_tokens` say how many of them were read from or written to the provider's
        prompt cache, priced at the catalogue's ``cache_read``/``cache_write`` rates (the input
        rate where it has none). Negative counts count as 0.
        """
        rates = model_rates.get_model_rates(provider, model)
        if rates is None:
            pricing = self._pricing_entry(model)
            if "prompt" not in pricing and "completion" not in pricing:
                return 0.0
            rates = {
                "input": float(pricing.get("prompt", 0.0)),
                "output": float(pricing.get("completion", 0.0)),
            }
        prompt, completion = max(prompt_tokens, 0), max(completion_tokens, 0)
        read = min(max(cache_read_tokens, 0), prompt)
        write = min(max(cache_write_tokens, 0), prompt - read)
        input_rate = rates["input"]
        cost = (
            (prompt - read - write) * input_rate
            + read * rates.get("cache_read", input_rate)
            + write * rates.get("cache_write", input_rate)
            + completion * rates["output"]
        ) / _PER_MILLION
        return round(cost, 6)

    def _checked_model(self, options: dict[str, Any], tools=None, *, vision: bool = False) -> str:
        """The model of this call (the options' or the driver's), once each feature the call
        uses that the catalogue says it lacks has been warned about."""
        model = self._model_for(options)
        self._validate_model_capabilities(
            self.provider,
            model,
            using_tool_use=bool(tools),
            using_json_schema=bool(options.get("json_schema")),
            using_vision=vision,
        )
        return model

    def _validate_model_capabilities(
        self,
        provider: str,
        model: str,
        *,
        using_tool_use: bool = False,
        using_json_schema: bool = False,
        using_vision: bool = False,
    ) -> None:
        """Log a warning for each feature in use that the catalogue says the model lacks.

        Only an explicit False warns: an unknown capability (None) is not a reason to complain,
        and the call goes ahead either way since the catalogue may be behind the provider.
        """
        caps = model_rates.get_model_capabilities(provider, model)
        if caps is None:
            return
        checks = (
            (using_tool_use, caps.supports_tool_use, "tool use"),
            (using_json_schema, caps.supports_structured_output, "structured output"),
            (using_vision, caps.supports_vision, "image input"),
        )
        for used, supported, feature in checks:
            if used and supported is False:
                logger.warning(
                    "%s/%s does not support %s according to the model catalogue",
                    provider,
                    model,
                    feature,
                )


# --- strict schemas

# Keywords whose value is one subschema, a list of subschemas, or a name -> subschema map.
_SINGLE_SCHEMA_KEYS = ("items", "additionalProperties")
_SCHEMA_LIST_KEYS = ("items", "prefixItems", "anyOf", "oneOf", "allOf")
_SCHEMA_MAP_KEYS = ("properties", "$defs", "definitions")


def _is_object_schema(node: dict[str, Any]) -> bool:
    kind = node.get("type")
    is_object_type = kind == "object" or (isinstance(kind, list) and "object" in kind)
    return is_object_type or "properties" in node


def _make_strict(node: Any) -> None:
    """Make `node` (a schema owned by us, i.e. already copied) strict, in place, recursively."""
    if not isinstance(node, dict):
        return
    if _is_object_schema(node):
        properties = node.get("properties")
        node["required"] = list(properties) if isinstance(properties, dict) else []
        # A schema-valued additionalProperties describes a map type; replacing it would change
        # what the schema accepts, so it is kept (and made strict below) instead.
        if not isinstance(node.get("additionalProperties"), dict):
            node["additionalProperties"] = False
    for key in _SINGLE_SCHEMA_KEYS:
        if isinstance(node.get(key), dict):
            _make_strict(node[key])
    for key in _SCHEMA_LIST_KEYS:
        if isinstance(node.get(key), list):
            for child in node[key]:
                _make_strict(child)
    for key in _SCHEMA_MAP_KEYS:
        if isinstance(node.get(key), dict):
            for child in node[key].values():
                _make_strict(child)


def prepare_strict_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` fit for OpenAI strict mode; ``schema`` itself is left untouched.

    Every object schema (``"type": "object"`` or having ``properties``) gets
    ``additionalProperties: false`` and all its properties in ``required``. The walk goes
    through ``properties``, ``items`` (one schema or a list), ``prefixItems``,
    ``anyOf``/``oneOf``/``allOf``, ``$defs``/``definitions`` and schema-valued
    ``additionalProperties``.
    """
    strict = copy.deepcopy(schema)
    _make_strict(strict)
    return strict
