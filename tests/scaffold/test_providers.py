"""`prompture providers` and `--refresh-catalogue`: the search rows, the command in-process, and
the live catalogue fetched from a local `http.server` on 127.0.0.1 (never models.dev)."""

from __future__ import annotations

import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _scratch import make_scratch
from rich.console import Console
from typer.testing import CliRunner

from prompture import _catalogue
from prompture_scaffold.catalogue.models_dev import refresh
from prompture_scaffold.catalogue.search import drivers_by_catalogue_id, search
from prompture_scaffold.cli import app


def _provider(name: str, npm: str = "@ai-sdk/openai-compatible", **extra: object) -> dict:
    models = {"m-1": {"id": "m-1", "name": "m-1"}, "m-2": {"id": "m-2", "name": "m-2"}}
    return {"name": name, "npm": npm, "env": [f"{name.upper()}_API_KEY"], "models": models} | extra


#: What the local models.dev serves: `acmecloud` is in no bundled snapshot.
LIVE = {
    "acmecloud": _provider("AcmeCloud"),
    "xai": _provider("xAI", npm="@ai-sdk/xai"),
}


#: Paths where the local models.dev misbehaves: path -> (status, body).
ANSWERS = {"/broken.json": (500, b"oops"), "/html.json": (200, b"<html></html>")}


@pytest.fixture(scope="module")
def live_url():
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            status, body = ANSWERS.get(self.path, (200, json.dumps(LIVE).encode()))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api.json"
    server.shutdown()
    server.server_close()


@pytest.fixture
def refused_url() -> str:
    """A 127.0.0.1 port nobody listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api.json"


@pytest.fixture(autouse=True)
def own_cache(monkeypatch, tmp_path):
    """A private cache dir and no catalogue in memory, before and after (offline stays on: an
    explicit refresh must work anyway)."""
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PROMPTURE_OFFLINE", "1")
    _catalogue.reset()
    yield
    _catalogue.reset()


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def run(*args: str):
    return CliRunner().invoke(app, list(args))


# --- the rows


CATALOGUE = {
    "deepseek": _provider("DeepSeek"),
    "deepinfra": _provider("Deep Infra", npm="@ai-sdk/deepinfra"),
    "zai": _provider("Z.AI"),
    "anthropic": _provider("Anthropic", npm="@ai-sdk/anthropic", env=[]),
    "xai": _provider("xAI", npm="@ai-sdk/xai"),
}


def ids(term, drivers=None) -> list[str]:
    return [row.id for row in search(CATALOGUE, term, drivers)]


def test_no_term_lists_every_provider_by_id():
    assert ids(None) == ids("") == sorted(CATALOGUE)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("DEEP", ["deepinfra", "deepseek"]),  # case-insensitive part of the id
        ("infra", ["deepinfra"]),  # part of the display name
        ("z.ai", ["zai"]),  # punctuation ignored
        ("deepsek", ["deepseek"]),  # near spelling
        ("qwertyuiop", []),
    ],
)
def test_search_terms(term, expected):
    assert ids(term) == expected


def test_exact_ids_then_prefixes_then_parts():
    catalogue = {cid: _provider(cid) for cid in ("xai", "ai-b", "ai", "aim", "bai")}
    assert [row.id for row in search(catalogue, "AI")] == ["ai", "ai-b", "aim", "bai", "xai"]


def test_the_checkout_key_finds_its_catalogue_provider():
    drivers = drivers_by_catalogue_id(["grok"], {"grok": "xai"})
    assert ids("grok", drivers) == ["xai"]
    assert ids("grok") == []


def test_row_fields():
    drivers = drivers_by_catalogue_id(["grok", "deepseek"], {"grok": "xai"})
    rows = {row.id: row.to_dict() for row in search(CATALOGUE, None, drivers)}
    assert rows["xai"] == {
        "id": "xai", "name": "xAI", "wire_format": "other", "models": 2,
        "key_env": "XAI_API_KEY", "drivers": ["grok"], "has_driver": True,
    }  # fmt: skip
    assert rows["deepseek"]["drivers"] == ["deepseek"]  # an unmapped key is tried as the id
    assert rows["anthropic"]["wire_format"] == "anthropic" and rows["anthropic"]["key_env"] is None
    assert rows["zai"]["wire_format"] == "openai" and rows["zai"]["has_driver"] is False
    assert search(CATALOGUE, "zai")[0].has_driver is None  # no checkout: unknown


# --- the command


def test_json_against_a_checkout(repo):
    result = run("providers", "deeps", "--json", "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["checkout"] == str(repo.resolve()) and data["suggestions"] == []
    assert [r["id"] for r in data["providers"]] == ["deepseek"]
    assert data["providers"][0]["has_driver"] is False
    rows = json.loads(run("providers", "moonshot", "--json", "--repo", str(repo)).stdout)
    assert {r["id"]: r["drivers"] for r in rows["providers"]}["moonshotai"] == ["moonshot"]


def test_table_marks_drivers_of_the_checkout(repo):
    result = run("providers", "x", "--repo", str(repo))
    assert result.exit_code == 0
    header = result.stdout.splitlines()[1]
    for column in ("id", "name", "wire format", "models", "key variable", "driver"):
        assert f" {column} " in header
    xai = next(line for line in result.stdout.splitlines() if "│ xai " in line)
    assert "XAI_API_KEY" in xai and "✓ grok" in xai and "other" in xai
    assert "\x1b[" not in result.stdout


def test_without_a_checkout_the_driver_column_says_unknown():
    # The working directory (an empty tmp dir, see conftest) has no checkout above it.
    result = run("providers", "deepseek")
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "│ deepseek " in line)
    assert line.rstrip("│ ").endswith("–") and "no checkout" in result.stdout
    data = json.loads(run("providers", "deepseek", "--json").stdout)
    assert data["checkout"] is None and data["providers"][0]["has_driver"] is None


def test_an_explicit_repo_that_is_no_checkout_is_exit_3(tmp_path):
    result = run("providers", "--repo", str(tmp_path))
    assert result.exit_code == 3 and "no package with drivers" in result.stderr


def test_no_match_is_exit_0_with_suggestions(repo):
    result = run("providers", "deepseeek-chat", "--repo", str(repo))
    assert result.exit_code == 0
    assert result.stdout == "no provider matches 'deepseeek-chat'; did you mean deepseek?\n"
    data = json.loads(run("providers", "deepseeek-chat", "--json").stdout)
    assert data["providers"] == [] and data["suggestions"] == ["deepseek"]


# --- --refresh-catalogue


def test_refresh_writes_the_cache_the_runtime_reads(monkeypatch, live_url, repo):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", live_url)
    result = run("providers", "acme", "--refresh-catalogue", "--repo", str(repo))
    assert result.exit_code == 0, result.stderr
    assert f"catalogue: fetched 2 providers from {live_url} into " in result.stdout
    assert "│ acmecloud │ AcmeCloud │ openai " in result.stdout
    assert json.loads(_catalogue.cache_path().read_text()) == LIVE

    _catalogue.reset()  # a new process: the runtime and a plain search read the same cache
    assert "acmecloud" in _catalogue.get_catalogue() and _catalogue.loaded_source() == "cache"
    rows = json.loads(run("providers", "acme", "--json").stdout)["providers"]
    assert [r["id"] for r in rows] == ["acmecloud"]


def test_refresh_with_json_keeps_stdout_machine_readable(monkeypatch, live_url):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", live_url)
    result = run("providers", "acme", "--refresh-catalogue", "--json")
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)["providers"]] == ["acmecloud"]
    assert "catalogue: fetched 2 providers" in result.stderr


def test_refused_connection_warns_and_uses_the_bundle(monkeypatch, refused_url, repo):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", refused_url)
    result = run("providers", "deepseek", "--refresh-catalogue", "--repo", str(repo))
    assert result.exit_code == 0
    assert result.stderr.startswith(f"warning: could not fetch the catalogue from {refused_url} (")
    assert "using the bundled snapshot (" in result.stderr and "Traceback" not in result.output
    assert "│ deepseek " in result.stdout and not _catalogue.cache_path().exists()


def test_refresh_function_reports_to_the_consoles_given(monkeypatch, live_url, refused_url):
    out, err = io.StringIO(), io.StringIO()
    consoles = {"console": Console(file=out, width=200), "err_console": Console(file=err)}
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", refused_url)
    assert refresh(**consoles, timeout=1.0) is False
    assert out.getvalue() == "" and "(connection refused)" in err.getvalue()
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", live_url)
    assert refresh(**consoles) is True and "fetched 2 providers" in out.getvalue()
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", refused_url)
    _catalogue.reset()
    assert refresh(**consoles, timeout=1.0) is False
    assert err.getvalue().endswith("; using the cached copy (2 providers)\n")


@pytest.mark.parametrize(
    ("path", "why"),
    [("/broken.json", "(HTTP 500)"), ("/html.json", "(the answer is not a models.dev api.json)")],
)
def test_a_bad_answer_is_named_in_the_warning(monkeypatch, live_url, path, why):
    monkeypatch.setenv("PROMPTURE_MODELS_DEV_URL", live_url.replace("/api.json", path))
    err = io.StringIO()
    assert refresh(Console(file=io.StringIO()), err_console=Console(file=err, width=300)) is False
    assert why in err.getvalue() and "using the bundled snapshot" in err.getvalue()
