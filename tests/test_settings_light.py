"""The settings a driver factory reads come without pydantic, and equal what `Settings` gives.

The record of what `Settings` declares is written by the first real read; after it, values
are read from the environment and `.env` alone. Each case compares that reading, field by
field, with `Settings()` itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from prompture import _lazy_settings
from prompture.settings import Settings

PLAIN = [
    ({}, ""),
    ({"GROK_API_KEY": "first", "XAI_API_KEY": "second"}, ""),
    ({"XAI_API_KEY": "from-env"}, "GROK_API_KEY=from-dotenv\n"),
    ({}, "# comment\nexport ZHIPU_API_KEY='quoted'\nCLAUDE_MODEL_NAME=\"claude-x\"\n\n"),
    ({"OLLAMA_ENDPOINT": "http://h:11434/api/generate"}, "OPENAI_BASE_URL=http://o/v1\n"),
    ({"PROMPTURE_MAX_RETRIES": "5", "PROMPTURE_RETRY_BACKOFF": "0.25"}, ""),
    ({"grok_api_key": "lower-case name"}, "moonshot_model = spaced\n"),
    ({"MOONSHOT_API_KEY": ""}, "ZAI_ENDPOINT=http://z/api/paas/v4/chat/completions\n"),
]
BEYOND = [
    ({}, "GROK_API_KEY=${HOME}\n"),
    ({}, 'GROK_API_KEY="a\\"b"\n'),
    ({}, "GROK_API_KEY=abc # trailing comment\n"),
    ({}, "NOT A LINE\n"),
    ({"PROMPTURE_RETRY_BACKOFF": " 1"}, ""),
]


@pytest.fixture(autouse=True)
def recorded(monkeypatch, tmp_path):
    """A fresh cache holding the record of `Settings` (as the first real read leaves it)."""
    monkeypatch.setenv("PROMPTURE_CACHE_DIR", str(tmp_path / "cache"))
    _lazy_settings._write_record(Settings)


def apply(monkeypatch, environ: dict[str, str], dotenv: str) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    if dotenv:
        Path(".env").write_text(dotenv, encoding="utf-8")


@pytest.mark.parametrize("environ, dotenv", PLAIN)
def test_plain_configurations_are_read_without_pydantic_and_agree(monkeypatch, environ, dotenv):
    apply(monkeypatch, environ, dotenv)
    light = _lazy_settings._read_values()
    assert light is not None
    assert light == Settings().model_dump()


@pytest.mark.parametrize("environ, dotenv", BEYOND)
def test_anything_else_is_left_to_pydantic(monkeypatch, environ, dotenv):
    apply(monkeypatch, environ, dotenv)
    assert _lazy_settings._read_values() is None
    proxy = _lazy_settings._SettingsProxy()
    expected = Settings()
    assert proxy.grok_api_key == expected.grok_api_key
    assert proxy.retry_backoff == expected.retry_backoff


def test_a_number_that_does_not_parse_still_raises_pydantics_error(monkeypatch):
    from pydantic import ValidationError

    monkeypatch.setenv("PROMPTURE_MAX_RETRIES", "many")
    with pytest.raises(ValidationError):
        _lazy_settings._SettingsProxy().max_retries  # noqa: B018


def test_a_changed_settings_module_needs_a_new_record(monkeypatch, tmp_path):
    copy = tmp_path / "settings.py"
    copy.write_text("# another version\n")
    monkeypatch.setattr(_lazy_settings, "_settings_file", lambda: str(copy))
    assert _lazy_settings._read_values() is None


def test_a_driver_from_the_registry_loads_no_pydantic_once_recorded(tmp_path):
    code = (
        "import sys, prompture\n"
        "driver = prompture.get_driver_for_model('moonshot/kimi-k2-0905-preview')\n"
        "assert driver.api_key == 'sk-test', 'the key comes from the environment'\n"
        "print(sorted(m for m in ('pydantic', 'pydantic_settings') if m in sys.modules))"
    )
    env = {**os.environ, "MOONSHOT_API_KEY": "sk-test"}
    runs = [
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [run.stdout.strip() for run in runs] == ["[]", "[]"], runs[0].stderr
