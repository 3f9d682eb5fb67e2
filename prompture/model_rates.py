"""Prices and capabilities of models: the models.dev catalogue overlaid by our rate files.

Lookups are provider-scoped: ``get_model_rates("moonshot", "kimi-k2.5")`` maps ``moonshot`` to
its models.dev id with `PROVIDER_MAP` and reads that provider's entry in the catalogue (see
`prompture._catalogue` for where the catalogue comes from). A rate file
``infra/rates/{provider}.json`` (or ``{models_dev_id}.json``) then overrides what it states:
``tokens_param``, ``supports_temperature``, ``api_type``, an optional ``cost``... A proxy
(`PROXY_PROVIDERS`) takes the catalogue's word on the models it routes to.

Importing this module reads nothing; the catalogue and the rate files load on first use.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import _catalogue
from ._catalogue import refresh_rates_cache
from ._log import LazyLogger

__all__ = [
    "PROVIDER_MAP",
    "PROXY_PROVIDERS",
    "RATES_DIR",
    "ModelCapabilities",
    "find_rate_file",
    "get_all_provider_models",
    "get_kb_models_for_provider",
    "get_model_capabilities",
    "get_model_rates",
    "refresh_rates_cache",
    "reset_caches",
]

logger = LazyLogger(__name__)  # imports logging when it first logs

#: Where the rate files live (tests point it elsewhere, then call `reset_caches`).
RATES_DIR = Path(__file__).parent / "infra" / "rates"

# Our provider key -> models.dev provider id. One entry per line: the scaffolder edits it.
PROVIDER_MAP: dict[str, str] = {
    "openai": "openai",
    "claude": "anthropic",
    "google": "google",
    "groq": "groq",
    "grok": "xai",
    "moonshot": "moonshotai",
    "zai": "zai",
    "modelscope": "modelscope",
    "openrouter": "openrouter",
    "lmstudio": "lmstudio",
    "azure": "azure",
}

#: Providers that proxy other providers' models under ``"upstream/model"`` ids (CachiBot's
#: ``openai/gpt-4o-mini``). A model the proxy's catalogue entry does not know is priced and
#: described as the upstream's model, the proxy's own rate file overriding what it states.
PROXY_PROVIDERS: frozenset[str] = frozenset({"cachibot"})


@dataclass(frozen=True)
class ModelCapabilities:
    """What a model accepts. None means "not known", which callers treat as "try it"."""

    supports_temperature: bool | None = None
    supports_tool_use: bool | None = None
    supports_structured_output: bool | None = None
    supports_vision: bool | None = None
    is_reasoning: bool | None = None
    context_window: int | None = None
    max_output_tokens: int | None = None
    modalities_input: tuple[str, ...] = ()
    modalities_output: tuple[str, ...] = ()
    api_type: str | None = None
    tokens_param: str = "max_tokens"


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(ModelCapabilities))


def _models_dev_id(provider: str) -> str:
    # A key missing from PROVIDER_MAP may already be a models.dev id ("xai", "mistral"...).
    return PROVIDER_MAP.get(provider, provider)


def _provider_keys_for(models_dev_id: str) -> list[str]:
    return [key for key, value in PROVIDER_MAP.items() if value == models_dev_id]


# --- rate files


_rate_file_paths: dict[tuple[Path, str], Path | None] = {}


def find_rate_file(provider: str) -> Path | None:
    """The rate file of ``provider``, named after the provider key or its models.dev id.

    Remembered per directory: this runs on every driver call, and the stats add up.
    """
    key = (RATES_DIR, provider)
    if key not in _rate_file_paths:
        _rate_file_paths[key] = _find_rate_file(provider)
    return _rate_file_paths[key]


def _find_rate_file(provider: str) -> Path | None:
    md_id = _models_dev_id(provider)
    for name in dict.fromkeys([provider, md_id, *_provider_keys_for(provider)]):
        path = RATES_DIR / f"{name}.json"
        if path.is_file():
            return path
    return None


@cache
def _read_rate_file(path: Path) -> dict[str, Any]:
    """A parsed rate file; a broken one is logged and ignored rather than breaking calls."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable rate file %s: %s", path, exc)
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
        logger.warning("ignoring rate file %s: unexpected content", path)
        return {}
    return data


def _rate_file(provider: str) -> dict[str, Any]:
    path = find_rate_file(provider)
    return _read_rate_file(path) if path is not None else {}


def _rate_entry(provider: str, model: str) -> dict[str, Any] | None:
    entry = (_rate_file(provider).get("models") or {}).get(model)
    return entry if isinstance(entry, dict) else None


# --- catalogue


def _catalogue_provider(models_dev_id: str) -> dict[str, Any]:
    return _catalogue.get_provider(models_dev_id)


def _catalogue_entry(provider: str, model: str) -> dict[str, Any] | None:
    entry = (_catalogue_provider(_models_dev_id(provider)).get("models") or {}).get(model)
    return entry if isinstance(entry, dict) else None


def _capabilities_from_catalogue(entry: dict[str, Any]) -> dict[str, Any]:
    modalities = entry.get("modalities") or {}
    limit = entry.get("limit") or {}
    inputs = tuple(modalities.get("input") or ())
    return {
        "supports_temperature": entry.get("temperature"),
        "supports_tool_use": entry.get("tool_call"),
        "supports_structured_output": entry.get("structured_output"),
        "supports_vision": "image" in inputs,
        "is_reasoning": entry.get("reasoning"),
        "context_window": limit.get("context"),
        "max_output_tokens": limit.get("output"),
        "modalities_input": inputs,
        "modalities_output": tuple(modalities.get("output") or ()),
    }


def _overlay(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with every known field that `overrides` states (a null there means "no opinion")."""
    merged = dict(base)
    for name in _FIELD_NAMES:
        value = overrides.get(name)
        if value is not None:
            merged[name] = tuple(value) if name.startswith("modalities_") else value
    return merged


def _upstream_of(provider: str, model: str) -> tuple[str, str] | None:
    """``(upstream provider, its model id)`` for a proxy's ``"upstream/model"`` id that the
    proxy's own catalogue entry does not know; None otherwise."""
    if provider not in PROXY_PROVIDERS or _catalogue_entry(provider, model) is not None:
        return None
    upstream, _, name = model.partition("/")
    return (upstream, name) if upstream and name else None


# --- public lookups


#: Answers of `get_model_capabilities` and `get_model_rates` (each driver call asks three or four
#: times) by (what, provider, models.dev id, model), with the catalogue state they were worked
#: out in. Rate files are read once per `RATES_DIR` (`reset_caches` forgets them, and these);
#: the catalogue's state is replaced by `_catalogue.reset` and its data object by a whole load
#: or a refresh (a provider read on its own is read once per state); so an answer holds while
#: all three are the same objects.
_answers: dict[tuple[str, str, str, str], tuple[Any, Any, Path, Any]] = {}
_ANSWERS_KEPT = 1024


def _remembered(what: str, provider: str, model: str, compute: Any) -> Any:
    key = (what, provider, _models_dev_id(provider), model)
    seen = _answers.get(key)
    state = _catalogue._state
    if seen is not None and seen[0] is state and seen[1] is state.data and seen[2] is RATES_DIR:
        return seen[3]
    answer = compute(provider, model)
    if len(_answers) >= _ANSWERS_KEPT:
        _answers.clear()
    state = _catalogue._state
    _answers[key] = (state, state.data, RATES_DIR, answer)
    return answer


def get_model_capabilities(provider: str, model: str) -> ModelCapabilities | None:
    """Capabilities of ``provider``'s ``model``, or None when neither source knows the model."""
    return _remembered("capabilities", provider, model, _model_capabilities)


def _model_capabilities(provider: str, model: str) -> ModelCapabilities | None:
    entry = _catalogue_entry(provider, model)
    override = _rate_entry(provider, model)
    upstream = _upstream_of(provider, model)
    inherited = get_model_capabilities(*upstream) if upstream else None
    if entry is None and override is None and inherited is None:
        return None
    if entry is not None:
        fields = _capabilities_from_catalogue(entry)
    else:
        fields = dataclasses.asdict(inherited) if inherited is not None else {}
    api_type = _rate_file(provider).get("api_type")
    if api_type is not None:
        fields["api_type"] = api_type
    return ModelCapabilities(**_overlay(fields, override or {}))


def _usd_per_million(cost: Any) -> dict[str, float] | None:
    if not isinstance(cost, dict):
        return None
    try:
        rates = {"input": float(cost["input"]), "output": float(cost["output"])}
        for key in ("cache_read", "cache_write"):  # prices of cached prompt tokens, if any
            if cost.get(key) is not None:
                rates[key] = float(cost[key])
    except (KeyError, TypeError, ValueError):
        return None
    return rates


def get_model_rates(provider: str, model: str) -> dict[str, float] | None:
    """``{"input": usd, "output": usd}`` per million tokens, plus ``cache_read`` and
    ``cache_write`` where the source prices cached prompt tokens; a rate-file ``cost`` wins."""
    rates = _remembered("rates", provider, model, _model_rates)
    return dict(rates) if rates is not None else None  # the caller's own copy


def _model_rates(provider: str, model: str) -> dict[str, float] | None:
    override = _usd_per_million((_rate_entry(provider, model) or {}).get("cost"))
    if override is not None:
        return override
    upstream = _upstream_of(provider, model)
    if upstream is not None:
        return get_model_rates(*upstream)
    return _usd_per_million((_catalogue_entry(provider, model) or {}).get("cost"))


def get_all_provider_models(models_dev_id: str) -> list[str]:
    """Sorted ids of every model the catalogue lists under a models.dev provider id."""
    return sorted(_catalogue_provider(models_dev_id).get("models") or {})


def get_kb_models_for_provider(provider: str) -> list[str]:
    """Sorted ids of the models in ``provider``'s rate file (empty without one)."""
    return sorted(_rate_file(provider).get("models") or {})


def reset_caches() -> None:
    """Forget the loaded catalogue and rate files (tests change the env or `RATES_DIR`)."""
    _catalogue.reset()
    _read_rate_file.cache_clear()
    _rate_file_paths.clear()
    _answers.clear()
