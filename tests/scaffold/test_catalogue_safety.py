"""The catalogue is data that may be wrong: an entry of the wrong shape is skipped with a note
(never a traceback), and `--refresh-catalogue` gives up at its deadline even when the server
keeps sending a byte now and then."""

from __future__ import annotations

import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from _scratch import make_scratch, run
from rich.console import Console

from prompture import _catalogue
from prompture_scaffold.catalogue import models_dev as catalogue
from prompture_scaffold.catalogue.models_dev import checked, entry_problem, refresh


def _entry(name: str, **model: object) -> dict:
    base = {"id": "m-1", "name": "m-1", "modalities": {"input": ["text"], "output": ["text"]}}
    return {
        "name": name,
        "npm": "@ai-sdk/openai-compatible",
        "api": "https://api.example.test/v1",
        "env": [f"{name.upper()}_API_KEY"],
        "models": {"m-1": {**base, **model}},
    }


CACHED = {
    "acmecloud": _entry("AcmeCloud"),
    "oddcloud": _entry("OddCloud", modalities=["text"]),
}


@pytest.fixture(autouse=True)
def own_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    _catalogue.reset()
    yield
    _catalogue.reset()


@pytest.fixture
def odd_cache():
    path = _catalogue.cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(CACHED), encoding="utf-8")
    assert set(_catalogue.get_catalogue()) == {"acmecloud", "oddcloud"}  # the cache is used


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    return make_scratch(tmp_path_factory.mktemp("pristine") / "repo")


def test_an_entry_of_the_wrong_shape_is_skipped_with_a_note(odd_cache, pristine):
    result = run(pristine, "add-driver", "oddcloud", "--from-models-dev", "oddcloud", "--yes")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "note: models.dev entry 'oddcloud' skipped: model 'm-1': modalities is list" in (
        result.stderr
    )
    assert "'oddcloud' is not a models.dev provider id" in result.stderr


def test_the_other_entries_still_work(odd_cache, pristine):
    args = ("add-driver", "acmecloud", "--from-models-dev", "acmecloud", "--yes", "--dry-run")
    result = run(pristine, *args)
    assert result.exit_code == 0, result.output
    assert "acmecloud_driver.py" in result.stdout


def test_the_note_is_given_once_per_process(odd_cache, capsys):
    catalogue._noted.clear()
    catalogue.load()
    catalogue.load()
    assert capsys.readouterr().err.count("'oddcloud' skipped") == 1


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ([], "it is list, not a table"),
        ({"name": 1, "models": {}}, "name is int, not a string"),
        ({"env": "ACME_API_KEY", "models": {}}, "env is not a list of strings"),
        ({"models": []}, "models is list, not a table"),
        ({"models": {"m": None}}, "model 'm': it is NoneType, not a table"),
        ({"models": {"m": {"status": 3}}}, "model 'm': status is int, not a string"),
        ({"models": {"m": {"modalities": {"input": "text"}}}}, "modalities.input is str"),
        ({"models": {"m": {"limit": {"context": "big"}}}}, "limit.context is str"),
        ({"models": {"m": {"cost": {"input": True}}}}, "cost.input is bool"),
        ({"models": {"m": {"cost": [1, 2]}}}, "cost is list, not a table"),
    ],
)
def test_entry_problem_names_the_field(entry, problem):
    assert problem in entry_problem(entry)


def test_a_well_formed_entry_has_no_problem():
    assert entry_problem(_entry("Fine", cost={"input": 1, "output": 2.5})) is None
    usable, notes = checked(CACHED)
    assert list(usable) == ["acmecloud"] and len(notes) == 1
    assert checked([1, 2]) == ({}, ["the models.dev catalogue is list, not a table: not used"])


@pytest.fixture
def dripping_url():
    """A models.dev that announces 10 kB and sends one byte every 50 ms (500 s in all)."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "10000")
            self.end_headers()
            self.wfile.flush()
            while not stop.wait(0.05):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api.json"
    stop.set()
    server.shutdown()
    server.server_close()


def test_refresh_gives_up_at_its_deadline(monkeypatch, dripping_url):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", dripping_url)
    err = io.StringIO()
    started = time.monotonic()
    ok = refresh(Console(file=io.StringIO()), timeout=1.0, err_console=Console(file=err, width=300))
    elapsed = time.monotonic() - started
    assert ok is False and "(no answer within 1s)" in err.getvalue()
    assert elapsed < 10, elapsed  # the whole answer would take 500 s
    assert not _catalogue.cache_path().exists()
