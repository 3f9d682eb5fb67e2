"""The catalogue (cache, TTL, bundle fallback, background refresh) and the rate lookups.

Every fetch goes to a local `http.server` on 127.0.0.1, never to models.dev.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from prompture import _catalogue, model_rates
from prompture.cost_mixin import CostMixin
from prompture.model_rates import (
    PROVIDER_MAP,
    ModelCapabilities,
    find_rate_file,
    get_all_provider_models,
    get_kb_models_for_provider,
    get_model_capabilities,
    get_model_rates,
    refresh_rates_cache,
    reset_caches,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RATES = REPO_ROOT / "prompture" / "infra" / "rates"


def _model(model_id: str, **extra: object) -> dict:
    entry = {
        "id": model_id,
        "name": model_id,
        "reasoning": False,
        "tool_call": True,
        "temperature": True,
        "attachment": False,
        "modalities": {"input": ["text"], "output": ["text"]},
        "limit": {"context": 8000, "output": 1000},
        "cost": {"input": 1.0, "output": 2.0},
    }
    entry.update(extra)
    return entry


#: A catalogue small enough to reason about; its prices differ from the bundled snapshot so a
#: test can tell which source answered.
TINY = {
    "moonshotai": {
        "id": "moonshotai",
        "name": "Moonshot AI",
        "env": ["MOONSHOT_API_KEY"],
        "models": {
            "kimi-k2-0905-preview": _model("kimi-k2-0905-preview"),
            "kimi-vision": _model(
                "kimi-vision",
                structured_output=True,
                modalities={"input": ["text", "image"], "output": ["text"]},
            ),
        },
    },
    "xai": {
        "id": "xai",
        "name": "xAI",
        "env": ["XAI_API_KEY"],
        "models": {
            "grok-b": _model("grok-b", reasoning=True, temperature=False),
            "grok-a": _model("grok-a", tool_call=False),
            "grok-imagine": _model(
                "grok-imagine", modalities={"input": ["text"], "output": ["image"]}
            ),
        },
    },
}


# --- fixtures


class FakeModelsDev:
    """What the local server answers, and how many requests it got."""

    def __init__(self) -> None:
        self.status = 200
        self.body = json.dumps(TINY).encode()
        self.delay = 0.0
        self.hits = 0


@pytest.fixture(scope="module")
def models_dev_server():
    fake = FakeModelsDev()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            fake.hits += 1
            time.sleep(fake.delay)
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(fake.body)))
            self.end_headers()
            self.wfile.write(fake.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_port}/api.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(models_dev_server):
    """The local models.dev, reset for this test."""
    fake, url = models_dev_server
    fake.status, fake.body, fake.delay, fake.hits = 200, json.dumps(TINY).encode(), 0.0, 0
    return fake


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """Offline, an empty private cache dir, the shipped rate files, nothing loaded yet."""
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PROMPTURE_RATES_TTL", raising=False)
    monkeypatch.delenv("PROMPTURE_MODELS_DEV_URL", raising=False)
    reset_caches()
    yield
    _join_refresh()
    reset_caches()


@pytest.fixture
def online(monkeypatch, models_dev_server, server):
    """Fetches allowed, but only to the local server."""
    monkeypatch.setenv("PROMPTURE_OFFLINE", "0")
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", models_dev_server[1])
    return server


@pytest.fixture
def rates_dir(monkeypatch, tmp_path):
    """An empty rate-file directory in place of the shipped one."""
    path = tmp_path / "rates"
    path.mkdir()
    monkeypatch.setattr(model_rates, "RATES_DIR", path)
    return path


def _join_refresh() -> None:
    thread = _catalogue.background_refresh_thread()
    if thread is not None:
        thread.join(timeout=10)


def write_cache(data: object, *, age: float = 0.0) -> Path:
    """Put `data` in the cache file, `age` seconds old."""
    path = _catalogue.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def write_rate_file(directory: Path, name: str, models: dict, **top: object) -> Path:
    path = directory / f"{name}.json"
    path.write_text(json.dumps({"provider": name, **top, "models": models}), encoding="utf-8")
    return path


class Meter(CostMixin):
    """The smallest driver-like object using the mixin."""


# --- import cost


def test_importing_does_not_load_the_catalogue_or_http_libraries():
    # The package __init__ is bypassed so only these two modules' own imports are measured.
    code = textwrap.dedent(
        f"""
        import sys, types
        pkg = types.ModuleType("prompture")
        pkg.__path__ = [{str(REPO_ROOT / "prompture")!r}]
        sys.modules["prompture"] = pkg
        import prompture.model_rates, prompture.cost_mixin
        from prompture import _catalogue
        heavy = {{"requests", "httpx", "pydantic", "platformdirs", "models_dev"}} & set(sys.modules)
        print(sorted(heavy), _catalogue.load_count(), _catalogue.loaded_source())
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] 0 None"


def test_first_lookup_loads_the_catalogue_once():
    assert _catalogue.load_count() == 0
    get_model_rates("moonshot", "kimi-k2-0905-preview")
    get_model_capabilities("moonshot", "kimi-k2-0905-preview")
    assert _catalogue.load_count() == 1


# --- the bundled snapshot (offline)


def test_offline_cost_comes_from_the_bundled_snapshot():
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {
        "input": 0.6,
        "output": 2.5,
        "cache_read": 0.15,
    }
    assert Meter()._calculate_cost("moonshot", "kimi-k2-0905-preview", 1000, 1000) == 0.0031
    assert _catalogue.loaded_source() == "bundle"


def test_bundled_capabilities_are_overlaid_by_the_shipped_rate_file():
    caps = get_model_capabilities("moonshot", "kimi-k2-0905-preview")
    assert caps == ModelCapabilities(
        supports_temperature=True,
        supports_tool_use=True,
        supports_structured_output=None,
        supports_vision=False,
        is_reasoning=False,
        context_window=262144,
        max_output_tokens=262144,
        modalities_input=("text",),
        modalities_output=("text",),
        api_type="openai",
        tokens_param="max_tokens",
    )


def test_provider_map_points_at_catalogue_providers():
    bundled = _catalogue.load_bundled()
    assert {k: v for k, v in PROVIDER_MAP.items() if v not in bundled} == {}
    # models.dev has no local "ollama" provider, so neither ollama nor airllm is mapped.
    assert "ollama" not in bundled
    assert "ollama" not in PROVIDER_MAP and "airllm" not in PROVIDER_MAP


# --- cache, TTL and fallback


def test_fresh_cache_is_used_and_not_refreshed(online):
    write_cache(TINY, age=60)
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    assert _catalogue.loaded_source() == "cache"
    assert _catalogue.background_refresh_thread() is None
    assert online.hits == 0


def test_ttl_comes_from_the_environment(online, monkeypatch):
    write_cache(TINY, age=7200)
    monkeypatch.setenv("PROMPTURE_RATES_TTL", "10800")
    _catalogue.get_catalogue()
    assert _catalogue.background_refresh_thread() is None

    reset_caches()
    monkeypatch.setenv("PROMPTURE_RATES_TTL", "3600")
    _catalogue.get_catalogue()
    _join_refresh()
    assert online.hits == 1


def test_default_ttl_is_a_day(online):
    write_cache(TINY, age=23 * 3600)
    _catalogue.get_catalogue()
    assert _catalogue.background_refresh_thread() is None
    reset_caches()
    write_cache(TINY, age=25 * 3600)
    _catalogue.get_catalogue()
    _join_refresh()
    assert online.hits == 1


def test_stale_cache_is_served_while_it_is_refreshed(online, monkeypatch):
    # Stale, yet fetched after models-dev was installed: still the newest data at hand.
    monkeypatch.setenv("PROMPTURE_RATES_TTL", "1")
    stale = {"moonshotai": {**TINY["moonshotai"], "models": {"old-model": _model("old-model")}}}
    path = write_cache(stale, age=2)
    assert get_all_provider_models("moonshotai") == ["old-model"]
    _join_refresh()
    assert json.loads(path.read_text()) == TINY
    # The refreshed data also replaces what this process had in memory.
    assert "kimi-k2-0905-preview" in get_all_provider_models("moonshotai")


def test_stale_cache_older_than_the_installed_snapshot_is_ignored():
    path = write_cache(TINY)
    os.utime(path, (1, 1))  # fetched in 1970, long before models-dev was installed
    assert _catalogue.get_catalogue() is not None
    assert _catalogue.loaded_source() == "bundle"


@pytest.mark.parametrize("content", ["{not json", "[]", '{"openai": {"name": "no models"}}'])
def test_corrupt_cache_falls_back_to_the_bundle(content):
    write_cache(content)
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {
        "input": 0.6,
        "output": 2.5,
        "cache_read": 0.15,
    }
    assert _catalogue.loaded_source() == "bundle"


def test_missing_cache_is_filled_in_the_background(online):
    assert _catalogue.get_catalogue() is not None
    assert _catalogue.loaded_source() == "bundle"
    _join_refresh()
    assert json.loads(_catalogue.cache_path().read_text()) == TINY
    assert _catalogue.loaded_source() == "cache"


def test_a_slow_refresh_never_blocks_a_lookup(online):
    online.delay = 1.5
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") is not None
    # The lookup has its answer while the fetch is still waiting on the server.
    assert _catalogue.background_refresh_thread().is_alive()
    assert _catalogue.loaded_source() == "bundle"
    _join_refresh()


def test_offline_never_fetches(server, monkeypatch, models_dev_server):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", models_dev_server[1])
    _catalogue.get_catalogue()
    assert _catalogue.background_refresh_thread() is None
    assert refresh_rates_cache(force=True) is False
    assert server.hits == 0


def test_a_failed_refresh_waits_for_the_cooldown(online):
    online.status = 500
    _catalogue.get_catalogue()
    _join_refresh()
    assert online.hits == 1
    assert not _catalogue.cache_path().exists()

    reset_caches()  # as if a new process started within the cool-down
    _catalogue.get_catalogue()
    assert _catalogue.background_refresh_thread() is None
    assert online.hits == 1

    # An explicit refresh ignores the cool-down, and success clears it.
    online.status = 200
    assert refresh_rates_cache(force=True) is True
    assert not (_catalogue.cache_dir() / _catalogue.FAILURE_MARKER_NAME).exists()


# --- one provider at a time (the per-provider copy)


def _copies() -> list[str]:
    root = _catalogue.cache_dir() / _catalogue.PROVIDERS_DIR_NAME
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def test_a_later_process_reads_only_the_provider_it_needs():
    write_cache(TINY)
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    [copy] = _copies()
    assert copy.startswith("cache-")
    reset_caches()  # a new process
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    assert get_model_capabilities("moonshot", "kimi-vision").supports_vision is True
    assert get_all_provider_models("xai") == ["grok-a", "grok-b", "grok-imagine"]
    assert _catalogue._state.data is None  # the whole catalogue was never parsed
    assert _catalogue.loaded_source() == "cache" and _catalogue.load_count() == 2


def test_a_provider_the_catalogue_lacks_is_known_from_the_copy():
    write_cache(TINY)
    get_model_rates("moonshot", "kimi-k2-0905-preview")
    reset_caches()
    assert get_all_provider_models("nosuchcloud") == []
    assert get_model_rates("nosuchcloud", "m") is None
    assert _catalogue._state.data is None


def test_a_new_cache_is_never_answered_from_the_old_copy():
    write_cache(TINY)
    get_model_rates("moonshot", "kimi-k2-0905-preview")
    cheaper = json.loads(json.dumps(TINY))
    cheaper["moonshotai"]["models"]["kimi-k2-0905-preview"]["cost"] = {"input": 0.5, "output": 1}
    write_cache(cheaper)
    reset_caches()
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 0.5, "output": 1.0}
    assert len(_copies()) == 2
    reset_caches()
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 0.5, "output": 1.0}
    assert _catalogue._state.data is None


def test_the_bundled_snapshot_has_a_copy_too():
    expected = get_model_rates("moonshot", "kimi-k2-0905-preview")
    assert _catalogue.loaded_source() == "bundle" and expected["input"] == 0.6
    [copy] = _copies()
    assert copy.startswith("bundle-")
    reset_caches()
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == expected
    assert _catalogue.loaded_source() == "bundle" and _catalogue._state.data is None


def test_a_damaged_copy_falls_back_to_the_whole_catalogue():
    write_cache(TINY)
    get_model_rates("moonshot", "kimi-k2-0905-preview")
    [copy] = _copies()
    root = _catalogue.cache_dir() / _catalogue.PROVIDERS_DIR_NAME / copy
    (root / "moonshotai.json").write_text("{not json", encoding="utf-8")
    (root / "xai.json").unlink()
    reset_caches()
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    assert get_all_provider_models("xai") == ["grok-a", "grok-b", "grok-imagine"]
    assert _catalogue._state.data is not None


def test_a_provider_id_is_never_a_path():
    write_cache(TINY)
    get_model_rates("moonshot", "kimi-k2-0905-preview")
    reset_caches()
    assert get_all_provider_models("../models_dev_providers") == []
    assert get_all_provider_models("") == []


def test_a_stale_cache_read_from_its_copy_is_still_refreshed(online, monkeypatch):
    monkeypatch.setenv("PROMPTURE_RATES_TTL", "1")
    write_cache(TINY, age=2)
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    get_model_rates("moonshot", "kimi-k2-0905-preview")  # writes the copy, offline
    reset_caches()
    monkeypatch.setenv("PROMPTURE_OFFLINE", "0")
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    assert _catalogue._state.data is None
    _join_refresh()
    assert online.hits == 1


def test_an_unwritable_cache_dir_still_answers(monkeypatch, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache dir should be", encoding="utf-8")
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(blocked))
    reset_caches()
    assert get_model_rates("moonshot", "kimi-k2-0905-preview")["input"] == 0.6


def test_only_the_newest_copies_are_kept():
    for price in range(5):
        data = json.loads(json.dumps(TINY))
        data["moonshotai"]["models"]["kimi-k2-0905-preview"]["cost"]["input"] = price
        path = write_cache(data)
        os.utime(path, ns=(path.stat().st_mtime_ns + price, path.stat().st_mtime_ns + price))
        reset_caches()
        assert get_model_rates("moonshot", "kimi-k2-0905-preview")["input"] == price
    assert len(_copies()) == _catalogue._KEPT_COPIES


def test_a_process_that_ends_before_its_refresh_still_starts_the_cooldown(online):
    online.delay = 1.5
    _catalogue.get_catalogue()
    unfinished = _catalogue.background_refresh_thread()
    assert unfinished.is_alive()
    reset_caches()  # as if the process ended with its fetch still waiting on the server
    _catalogue.get_catalogue()
    assert _catalogue.background_refresh_thread() is None
    unfinished.join(timeout=10)
    assert online.hits == 1


@pytest.mark.parametrize("home", ["/root", "/home/someone/", "/"])
@pytest.mark.parametrize("xdg", [None, "", "/var/tmp/xdg-cache"])
def test_the_user_cache_dir_is_platformdirs_own(monkeypatch, home, xdg):
    from platformdirs import user_cache_dir

    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert _catalogue._user_cache_dir() == user_cache_dir("prompture")


# --- refresh_rates_cache


def test_refresh_writes_the_cache_atomically(online):
    assert refresh_rates_cache() is True
    assert json.loads(_catalogue.cache_path().read_text()) == TINY
    assert [p.name for p in _catalogue.cache_dir().iterdir()] == [_catalogue.CACHE_FILE_NAME]


def test_refresh_leaves_a_fresh_cache_alone_unless_forced(online):
    write_cache(TINY)
    assert refresh_rates_cache() is True
    assert online.hits == 0
    assert refresh_rates_cache(force=True) is True
    assert online.hits == 1


@pytest.mark.parametrize(("status", "body"), [(500, b"oops"), (200, b"<html>"), (200, b'{"a": 1}')])
def test_refresh_failure_returns_false_and_keeps_the_cache(online, status, body):
    path = write_cache(TINY, age=2 * 86400)
    online.status, online.body = status, body
    assert refresh_rates_cache() is False
    assert json.loads(path.read_text()) == TINY


def test_refresh_of_an_unreachable_server_returns_false(online, monkeypatch):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", "http://127.0.0.1:9/api.json")
    assert refresh_rates_cache(force=True, timeout=1.0) is False


def test_an_explicit_refresh_may_ignore_offline(server, monkeypatch, models_dev_server):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", models_dev_server[1])
    assert refresh_rates_cache(force=True, ignore_offline=True) is True
    assert server.hits == 1 and json.loads(_catalogue.cache_path().read_text()) == TINY


def test_a_failed_refresh_tells_on_error_why(online):
    online.status = 500
    errors: list[Exception] = []
    assert refresh_rates_cache(force=True, on_error=errors.append) is False
    assert len(errors) == 1 and "500" in str(errors[0])


# --- rate files


def test_rate_file_is_found_under_the_models_dev_id(rates_dir):
    path = write_rate_file(rates_dir, "xai", {})
    assert find_rate_file("grok") == path


def test_rate_file_is_found_under_the_provider_key(rates_dir):
    path = write_rate_file(rates_dir, "grok", {})
    assert find_rate_file("grok") == path
    assert find_rate_file("xai") == path


def test_provider_key_file_wins_over_models_dev_id_file(rates_dir):
    path = write_rate_file(rates_dir, "grok", {})
    write_rate_file(rates_dir, "xai", {})
    assert find_rate_file("grok") == path


def test_no_rate_file(rates_dir):
    assert find_rate_file("grok") is None
    assert get_kb_models_for_provider("grok") == []


def test_rate_file_overlay_beats_the_catalogue(rates_dir):
    write_cache(TINY)
    override = {
        "tokens_param": "max_completion_tokens",
        "supports_temperature": False,
        "context_window": 1,
        "max_output_tokens": None,  # null: no opinion, the catalogue's value stays
        "cost": {"input": 10, "output": 20},
    }
    write_rate_file(rates_dir, "moonshot", {"kimi-k2-0905-preview": override}, api_type="openai")
    caps = get_model_capabilities("moonshot", "kimi-k2-0905-preview")
    assert caps.tokens_param == "max_completion_tokens"
    assert caps.supports_temperature is False
    assert caps.context_window == 1
    assert caps.max_output_tokens == 1000
    assert caps.api_type == "openai"
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 10.0, "output": 20.0}


def test_model_known_only_to_the_rate_file(rates_dir):
    write_cache(TINY)
    entry = {"supports_tool_use": False, "cost": {"input": 3, "output": 4}}
    write_rate_file(rates_dir, "xai", {"grok-private": entry})
    caps = get_model_capabilities("grok", "grok-private")
    assert caps == ModelCapabilities(supports_tool_use=False)
    assert get_model_rates("grok", "grok-private") == {"input": 3.0, "output": 4.0}
    assert get_kb_models_for_provider("grok") == ["grok-private"]


def test_broken_rate_file_is_ignored(rates_dir, caplog):
    write_cache(TINY)
    (rates_dir / "moonshot.json").write_text("{broken", encoding="utf-8")
    assert get_model_rates("moonshot", "kimi-k2-0905-preview") == {"input": 1.0, "output": 2.0}
    assert "unreadable rate file" in caplog.text


def test_shipped_rate_files_follow_the_provider_map():
    """Every shipped rate file names its provider, its models.dev id and its wire format."""
    wire_of = {"airllm": "custom", "claude": "anthropic", "google": "gemini", "ollama": "ollama"}
    names = sorted(p.stem for p in SHIPPED_RATES.glob("*.json"))
    assert {"grok", "lmstudio", "modelscope", "moonshot", "openrouter", "zai"} <= set(names)
    for name in names:
        data = json.loads((SHIPPED_RATES / f"{name}.json").read_text())
        assert data["provider"] == name
        assert data["models_dev"] == PROVIDER_MAP.get(name)
        assert data["api_type"] == wire_of.get(name, "openai")
        assert list(data["models"]) == sorted(data["models"])
        assert all("cost" not in entry for entry in data["models"].values())


# --- catalogue lookups


def test_capabilities_from_the_catalogue(rates_dir):
    write_cache(TINY)
    vision = get_model_capabilities("moonshot", "kimi-vision")
    assert vision.supports_vision is True
    assert vision.supports_structured_output is True
    assert vision.modalities_input == ("text", "image")
    assert vision.api_type is None  # only a rate file states the wire protocol
    plain = get_model_capabilities("moonshot", "kimi-k2-0905-preview")
    assert plain.supports_vision is False
    assert plain.supports_structured_output is None  # absent in the catalogue: unknown


def test_unmapped_provider_key_is_tried_as_a_models_dev_id(rates_dir):
    write_cache(TINY)
    assert get_model_capabilities("xai", "grok-b").is_reasoning is True
    assert get_model_rates("xai", "grok-b") == {"input": 1.0, "output": 2.0}


def test_unknown_model_has_no_rates_and_costs_nothing(rates_dir):
    write_cache(TINY)
    assert get_model_capabilities("moonshot", "no-such-model") is None
    assert get_model_rates("moonshot", "no-such-model") is None
    assert get_model_rates("no-such-provider", "x") is None
    assert Meter()._calculate_cost("moonshot", "no-such-model", 1000, 1000) == 0.0


def test_model_without_cost_has_no_rates(rates_dir):
    unpriced = _model("m")
    del unpriced["cost"]
    write_cache({"xai": {**TINY["xai"], "models": {"m": unpriced}}})
    assert get_model_capabilities("grok", "m") is not None
    assert get_model_rates("grok", "m") is None


def test_all_provider_models_are_sorted():
    write_cache(TINY)
    assert get_all_provider_models("xai") == ["grok-a", "grok-b", "grok-imagine"]
    assert get_all_provider_models("nobody") == []


def test_kb_models_come_from_the_shipped_rate_file():
    assert "kimi-k2-0905-preview" in get_kb_models_for_provider("moonshot")
    assert get_kb_models_for_provider("moonshotai") == get_kb_models_for_provider("moonshot")


# --- render_rate_file


def test_render_rate_file_is_sorted_priceless_and_skips_non_chat_models():
    text = _catalogue.render_rate_file("grok", "xai", catalogue=TINY)
    expected = {
        "provider": "grok",
        "models_dev": "xai",
        "api_type": "openai",
        "models": {
            "grok-a": {
                "tokens_param": "max_tokens",
                "supports_temperature": True,
                "supports_tool_use": False,
                "supports_structured_output": None,
                "supports_vision": False,
                "is_reasoning": False,
                "context_window": 8000,
                "max_output_tokens": 1000,
            },
            "grok-b": {
                "tokens_param": "max_tokens",
                "supports_temperature": False,
                "supports_tool_use": True,
                "supports_structured_output": None,
                "supports_vision": False,
                "is_reasoning": True,
                "context_window": 8000,
                "max_output_tokens": 1000,
            },
        },
    }
    assert text == json.dumps(expected, indent=2) + "\n"


def test_render_rate_file_is_byte_stable():
    bundled = _catalogue.load_bundled()
    first = _catalogue.render_rate_file("moonshot", "moonshotai", catalogue=bundled)
    assert first == _catalogue.render_rate_file("moonshot", "moonshotai", catalogue=bundled)
    assert json.loads(first)["models"]["kimi-k2-0905-preview"]["context_window"] == 262144


def test_render_rate_file_for_an_unknown_provider_has_no_models():
    text = _catalogue.render_rate_file("newco", "newco", catalogue=TINY)
    assert json.loads(text)["models"] == {}
