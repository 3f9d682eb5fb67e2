"""A light stand-in for `prompture.settings.settings` that imports pydantic only when read."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

__all__ = ["settings"]


class _SettingsProxy:
    """`settings.x` reads a `Settings` built from the current environment.

    The instance is rebuilt when the environment changes, so a variable set after import
    (a test's `monkeypatch.setenv`, a CLI's `--endpoint`) is seen by the next factory call.
    """

    def __init__(self) -> None:
        self._cache: tuple[dict[Any, Any], Settings] | None = None

    def _current(self) -> Settings:
        from .settings import Settings

        # The raw (undecoded) environment compares in C: a few microseconds a read, where
        # decoding every variable cost a millisecond on each extraction.
        raw = getattr(os.environ, "_data", os.environ)
        if self._cache is None or self._cache[0] != raw:
            self._cache = (dict(raw), Settings())
        return self._cache[1]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._current(), name)

    def __repr__(self) -> str:
        return "<prompture settings (values hidden)>"


settings = _SettingsProxy()
