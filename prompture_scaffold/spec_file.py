"""`--spec FILE` and `--save-spec FILE`: a `DriverSpec` as TOML, keys = field names.

`models_dev_name = false` (or `""`) stands for `--no-models-dev`, since TOML has no null.
Reading checks every key and type, so a wrong file is exit 2 naming the key, not a traceback.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from ._compat import tomllib
from .errors import InvalidInput
from .spec import FIELD_NAMES, DriverSpec

_BOOLS = {f.name for f in fields(DriverSpec) if f.type == "bool"}


#: Keys whose value may be a key pasted in by mistake: never echoed in an error.
_SECRET_PRONE = frozenset({"api_key_env", "extra_api_key_envs"})


def _check_value(name: str, value: Any, where: str) -> Any:
    def bad(kind: str) -> InvalidInput:
        if name in _SECRET_PRONE:
            return InvalidInput(f"{where}: {name} must be {kind} (the value is not shown)")
        return InvalidInput(f"{where}: {name} must be {kind}, not {value!r}")

    if name in _BOOLS:
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if name == "extra_api_key_envs":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return tuple(value)
    if name == "models_dev_name" and value in (False, ""):
        return None
    if not isinstance(value, str):
        raise bad("a string")
    return value


def parse_spec_text(text: str, where: str = "--spec") -> dict[str, Any]:
    """The answers a spec file's TOML text holds, checked key by key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{where}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        raise InvalidInput(f"{where}: unknown keys {', '.join(unknown)}")
    return {name: _check_value(name, value, where) for name, value in data.items()}


def read_spec_file(path: Path) -> dict[str, Any]:
    """The answers of the spec file at `path` (exit 2 when unreadable or wrong)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"--spec: cannot read {path}: {exc}") from None
    return parse_spec_text(text, f"--spec {path}")


def spec_to_toml(spec: DriverSpec) -> str:
    """The spec as TOML (tomlkit), in field order, replayable with `--spec`."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"The answers `prompture add-driver` used for {spec.provider}."))
    doc.add(tomlkit.comment("Replay: prompture add-driver --spec FILE --yes"))
    for name, value in spec.to_dict().items():
        doc.add(name, False if value is None else value)
    return tomlkit.dumps(doc)
