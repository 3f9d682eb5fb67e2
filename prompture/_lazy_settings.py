"""A light stand-in for `prompture.settings.settings`: a driver's settings without pydantic.

Importing pydantic-settings costs ~100 ms, more than the rest of a first call. So the first
process to read settings records what `Settings` declares (each field's environment
variable names in lookup order, default and type, as pydantic-settings itself resolves
them) in a small JSON file in the cache directory, keyed by `settings.py`'s size and mtime.
Later processes read a field from the environment and `.env` with that record alone. Where
the record cannot answer exactly (no record yet, a field type beyond str/int/float, a `.env`
line or value outside the plain ``KEY=value`` subset, a number that does not parse), the
real `Settings` answers, as before. No value, and so no key, is ever written to disk.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .settings import Settings

__all__ = ["settings"]

_RECORD_VERSION = 1
_KINDS = {str: "str", int: "int", float: "float"}
_MISSING = object()


class _SettingsProxy:
    """`settings.x` reads the current environment (and `.env`).

    Values are re-read when the environment changes, so a variable set after import (a
    test's `monkeypatch.setenv`, a CLI's `--endpoint`) is seen by the next factory call.
    """

    def __init__(self) -> None:
        self._cache: tuple[dict[Any, Any], Settings] | None = None
        self._light: tuple[dict[Any, Any], dict[str, Any] | None] | None = None

    def _current(self) -> Settings:
        from .settings import Settings

        # The raw (undecoded) environment compares in C: a few microseconds a read, where
        # decoding every variable cost a millisecond on each extraction.
        raw = getattr(os.environ, "_data", os.environ)
        if self._cache is None or self._cache[0] != raw:
            self._cache = (dict(raw), Settings())
            _write_record(Settings)
        return self._cache[1]

    def _light_values(self) -> dict[str, Any] | None:
        raw = getattr(os.environ, "_data", os.environ)
        if self._light is None or self._light[0] != raw:
            self._light = (dict(raw), _read_values())
        return self._light[1]

    def __getattr__(self, name: str) -> Any:
        values = self._light_values()
        if values is not None and name in values:
            return values[name]
        return getattr(self._current(), name)

    def __repr__(self) -> str:
        return "<prompture settings (values hidden)>"


def _settings_file() -> str:
    return os.path.join(os.path.dirname(__file__), "settings.py")


def _record_path() -> str | None:
    """Where the record of `settings.py` as it is now lives; None when it cannot be stat'ed."""
    from ._catalogue import cache_dir

    try:
        stat = os.stat(_settings_file())
    except OSError:
        return None
    key = f"v{_RECORD_VERSION}-{stat.st_size}-{stat.st_mtime_ns}"
    return os.path.join(cache_dir(), f"settings-{key}.json")


def _describe(settings_class: type) -> dict[str, Any] | None:
    """What `settings_class` declares, or None when a plain reading could differ from it."""
    from pydantic_settings import EnvSettingsSource

    config = settings_class.model_config
    decorators = settings_class.__pydantic_decorators__
    plain_config = (
        not config.get("case_sensitive")
        and not config.get("env_prefix")
        and not config.get("env_nested_delimiter")
        and isinstance(config.get("env_file"), str)
    )
    only_known_validator = set(decorators.field_validators) <= {"_base_endpoints"}
    if not plain_config or not only_known_validator or decorators.model_validators:
        return None
    source = EnvSettingsSource(settings_class)
    fields = {}
    for name, field in settings_class.model_fields.items():
        kind = _kind(field.annotation)
        default = field.default
        if kind is None or field.default_factory is not None:
            return None
        if default is not None and not isinstance(default, (str, int, float)):
            return None
        names = [env for _, env, _ in source._extract_field_info(field, name)]
        fields[name] = {"env": [env.lower() for env in names], "default": default, "kind": kind}
    encoding = config.get("env_file_encoding") or "utf-8"
    return {"env_file": config["env_file"], "encoding": encoding, "fields": fields}


def _kind(annotation: Any) -> list[str] | None:
    """``["str"]``, ``["int", "none"]``...: the plain types a field accepts; None otherwise."""
    import types
    import typing

    args = typing.get_args(annotation)
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    members = args if union else (annotation,)
    kinds = ["none" if member is type(None) else _KINDS.get(member) for member in members]
    return None if None in kinds or kinds.count("none") == len(kinds) else kinds


def _write_record(settings_class: type) -> None:
    """Record what `settings_class` declares, once per version of `settings.py`."""
    import json

    path = _record_path()
    if path is None or os.path.exists(path):
        return
    try:
        described = _describe(settings_class)
    except Exception:  # an unforeseen declaration: pydantic keeps answering
        described = None
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(described, file)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only cache only costs the fast path


def _read_record() -> dict[str, Any] | None:
    import json

    path = _record_path()
    try:
        with open(path, encoding="utf-8") as file:  # type: ignore[arg-type]
            return json.load(file)
    except (OSError, TypeError, ValueError):
        return None


def _read_values() -> dict[str, Any] | None:
    """Every field's value from the record, the environment and `.env`; None if unsure."""
    record = _read_record()
    if not record:
        return None
    dotenv = _read_dotenv(record["env_file"], record["encoding"])
    if dotenv is None:
        return None
    environ = {key.lower(): value for key, value in os.environ.items()}
    values = {}
    for name, field in record["fields"].items():
        found = next((environ[env] for env in field["env"] if env in environ), _MISSING)
        if found is _MISSING:
            found = next((dotenv[env] for env in field["env"] if env in dotenv), _MISSING)
        if found is _MISSING:
            values[name] = field["default"]
            continue
        value = _convert(found, field["kind"])
        if value is _MISSING:
            return None
        if name.endswith("_endpoint") and isinstance(value, str):
            from ._endpoints import base_url

            value = base_url(value)
        values[name] = value
    return values


def _convert(text: str, kinds: list[str]) -> Any:
    """`text` as the field's type, or _MISSING where pydantic should decide."""
    if "str" in kinds:
        return text
    if text != text.strip() or not text:
        return _MISSING
    for kind in ("int", "float"):
        if kind in kinds:
            try:
                return int(text) if kind == "int" else float(text)
            except ValueError:
                continue
    return _MISSING


def _read_dotenv(name: str, encoding: str) -> dict[str, str] | None:
    """``KEY=value`` lines of the `.env` file ({} without one); None beyond the plain subset
    (quotes holding escapes, ``$`` interpolation, ``#`` in a bare value, multi-line values)."""
    try:
        with open(name, encoding=encoding) as file:
            text = file.read()
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return None
    found: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key.isidentifier() or "$" in value or "\\" in value:
            return None
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
            if "'" in value or '"' in value:
                return None
        elif "#" in value or value[:1] in "'\"":
            return None
        found[key.lower()] = value
    return found


settings = _SettingsProxy()
