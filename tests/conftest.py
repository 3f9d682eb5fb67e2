"""Test-wide isolation: offline, a private cache dir, and no provider variables leaking in."""

from __future__ import annotations

import os
import re
import tempfile

import pytest

# Set before any test imports prompture: tests never reach the internet, and the catalogue
# cache lives in a throw-away directory instead of the user's.
os.environ["PROMPTURE_OFFLINE"] = "1"
os.environ["PROMPTURE_CACHE_DIR"] = tempfile.mkdtemp(prefix="prompture-test-cache-")

PROVIDER_VARIABLE = re.compile(r"^[A-Z][A-Z0-9_]*_(API_KEY|ENDPOINT|MODEL)$")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch, tmp_path):
    """Drop every ``*_API_KEY``/``*_ENDPOINT``/``*_MODEL`` variable and run in an empty dir.

    The empty working directory keeps a developer's own `.env` out of the settings.
    """
    for name in list(os.environ):
        if PROVIDER_VARIABLE.match(name) or name == "AI_PROVIDER":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    yield
