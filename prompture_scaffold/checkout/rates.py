"""The shape of a checkout's rate files, learned from the files already there.

Two shapes exist. Our runtime wraps the models (``{"provider", "models_dev", "api_type",
"models": {...}}``) and finds a file under the provider key. Upstream Prompture keeps a flat
``{model_id: entry}`` object per file, names the file after the models.dev id its loader looks
up, and its tests want the same fields on every entry (``api_type`` included). A new rate file
copies whichever shape its siblings have, with their field order and ``api_type`` names.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The fields a chat model's flat entry can hold, and how each is read from a catalogue model.
_FROM_CATALOGUE = {
    "supports_temperature": lambda m: m.get("temperature"),
    "supports_tool_use": lambda m: m.get("tool_call"),
    "supports_structured_output": lambda m: m.get("structured_output"),
    "supports_vision": lambda m: "image" in _modalities(m, "input"),
    "is_reasoning": lambda m: m.get("reasoning"),
    "context_window": lambda m: _limit(m, "context"),
    "max_output_tokens": lambda m: _limit(m, "output"),
    "modalities_input": lambda m: list(_modalities(m, "input")) or ["text"],
    "modalities_output": lambda m: list(_modalities(m, "output")) or ["text"],
    "tokens_param": lambda m: "max_tokens",
    "cost": lambda m: _cost(m),
}
_DEFAULT_KEYS = tuple(k for k in _FROM_CATALOGUE if k != "cost")


@dataclass(frozen=True)
class RateStyle:
    """How the checkout writes a rate file."""

    #: Our runtime's wrapped object (else upstream's flat ``{model_id: entry}``).
    wrapped: bool = True
    #: Field order of a chat model's entry in a flat file (``api_type`` where siblings put it).
    entry_keys: tuple[str, ...] = (*_DEFAULT_KEYS[:9], "api_type", "tokens_param")
    #: The ``api_type`` values sibling entries use.
    api_types: frozenset[str] = frozenset()
    #: Fields no sibling leaves null (a test may insist), with their most common value: what
    #: a new entry holds when nothing better is known.
    required: tuple[tuple[str, Any], ...] = ()

    def file_stem(self, provider: str, models_dev_name: str | None) -> str:
        """Our runtime finds a file by provider key; upstream's loader by models.dev id."""
        return provider if self.wrapped else (models_dev_name or provider)

    def api_type(self, compat: str, provider: str) -> str:
        """The ``api_type`` name this checkout uses for the wire format."""
        if self.wrapped:
            return compat
        if compat == "openai":
            return "openai-compatible" if "openai-compatible" in self.api_types else "openai"
        return compat if compat == "anthropic" else provider


#: Rate files read to learn their style: enough to see the siblings' habits, and a dry run
#: on a checkout with a thousand drivers does not read a thousand files for it.
SAMPLE = 16


def learn(rates_dir: Path | None) -> RateStyle:
    """The style of the JSON files in `rates_dir` (ours when it has none that parse), learned
    from the first `SAMPLE` of them in name order."""
    shapes: Counter[bool] = Counter()
    orders: Counter[tuple[str, ...]] = Counter()
    api_types: set[str] = set()
    values: dict[str, Counter[str]] = {}
    nullable: set[str] = set()
    names = sorted(n for n in os.listdir(rates_dir) if n.endswith(".json")) if rates_dir else []
    for path in (Path(rates_dir) / name for name in names[:SAMPLE]):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged sibling teaches nothing
        if not isinstance(data, dict):
            continue
        wrapped = isinstance(data.get("models"), dict)
        shapes[wrapped] += 1
        entries = data["models"] if wrapped else data
        for entry in entries.values():
            if isinstance(entry, dict) and "supports_tool_use" in entry:
                orders[tuple(entry)] += 1
                if isinstance(entry.get("api_type"), str):
                    api_types.add(entry["api_type"])
                for key, value in entry.items():
                    if value is None:
                        nullable.add(key)
                    else:
                        values.setdefault(key, Counter())[json.dumps(value)] += 1
    if not shapes or shapes.most_common(1)[0][0]:
        return RateStyle()
    order = orders.most_common(1)[0][0] if orders else RateStyle().entry_keys
    # Prices are never invented, and an unknown capability is not claimed: false.
    required = tuple(
        (key, _fill(json.loads(values[key].most_common(1)[0][0])))
        for key in order
        if key in values and key not in nullable and key != "cost"
    )
    return RateStyle(
        wrapped=False, entry_keys=order, api_types=frozenset(api_types), required=required
    )


def assumptions(style: RateStyle, models: Mapping[str, Any]) -> list[str]:
    """``"field = value for N model(s) (ids)"`` for each field `render_flat` fills because the
    model data lacks it (worth a note: the maintainer should check)."""
    required = dict(style.required)
    filled: dict[str, list[str]] = {}
    for model_id in _chat_models(models):
        for key, value in _known(style, models[model_id]).items():
            if value is None and key in required and key != "api_type":
                filled.setdefault(key, []).append(model_id)
    found = []
    for key, ids in filled.items():
        shown = ", ".join(ids[:3]) + (", ..." if len(ids) > 3 else "")
        found.append(f"{key} = {json.dumps(required[key])} for {len(ids)} model(s) ({shown})")
    return found


def render_flat(style: RateStyle, *, api_type: str, models: Mapping[str, Any]) -> str:
    """A flat rate file: one entry per chat model of `models` (catalogue-shaped model
    objects), fields in the siblings' order, the fields siblings never leave null filled."""
    required = dict(style.required)
    entries = {}
    for model_id in _chat_models(models):
        known = _known(style, models[model_id])
        entry = {k: required.get(k) if v is None else v for k, v in known.items()}
        entry = {k: v for k, v in entry.items() if v is not None or k != "cost"}
        entries[model_id] = {**entry, **({"api_type": api_type} if "api_type" in entry else {})}
    return _dumps(entries)


def _chat_models(models: Mapping[str, Any]) -> list[str]:
    return [
        model_id
        for model_id in sorted(models)
        if isinstance(models[model_id], Mapping)
        and "text" in (_modalities(models[model_id], "output") or ("text",))
    ]


def _known(style: RateStyle, model: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's fields as the catalogue model gives them (None: unknown)."""
    return {
        key: _FROM_CATALOGUE[key](model) if key in _FROM_CATALOGUE else None
        for key in style.entry_keys
    }


def _fill(common: Any) -> Any:
    return False if isinstance(common, bool) else common


def _dumps(data: Any) -> str:
    """JSON with a 2-space indent and lists of plain values kept on one line, as upstream's
    hand-written files are."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    return re.sub(r"\[\s*([^\[\]{}]*?)\s*\]", _one_line, text) + "\n"


def _one_line(match: re.Match[str]) -> str:
    items = [item.strip() for item in match.group(1).split(",\n")]
    return "[" + ", ".join(item for item in items if item) + "]"


def _modalities(model: Mapping[str, Any], side: str) -> tuple[str, ...]:
    modalities = model.get("modalities")
    values = modalities.get(side) if isinstance(modalities, Mapping) else None
    return tuple(v for v in values if isinstance(v, str)) if isinstance(values, list) else ()


def _limit(model: Mapping[str, Any], key: str) -> int | None:
    limit = model.get("limit")
    value = limit.get(key) if isinstance(limit, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cost(model: Mapping[str, Any]) -> dict[str, float] | None:
    cost = model.get("cost")
    if not isinstance(cost, Mapping):
        return None
    prices = {k: cost[k] for k in ("input", "output") if isinstance(cost.get(k), int | float)}
    return prices if len(prices) == 2 else None
