"""`--spec FILE` and `--save-spec FILE`: a `DriverSpec` as TOML, keys = field names.

`models_dev_name = false` (or `""`) stands for `--no-models-dev`, since TOML has no null.
Reading checks every key and type, so a wrong file is exit 2 naming the key, not a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._compat import tomllib
from ..errors import InvalidInput
from .driver_spec import FIELD, FIELD_NAMES, DriverSpec


def _check_value(name: str, value: Any, where: str) -> Any:
    """`value` as the field's type (a TOML list is a tuple; `false` or `""` is None for an
    optional string), else exit 2 naming the key (its value shown unless secret-prone)."""
    field = FIELD[name]

    def bad(kind: str) -> InvalidInput:
        if field.secret_prone:
            return InvalidInput(f"{where}: {name} must be {kind} (the value is not shown)")
        return InvalidInput(f"{where}: {name} must be {kind}, not {value!r}")

    if field.is_bool:
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if field.type.startswith("tuple"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return tuple(value)
    if field.type.endswith("| None") and value in (False, ""):
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


def check_save_path(path: Path, root: Path, touched: list[str]) -> Path:
    """`--save-spec PATH`, refused (exit 2, before anything is written) when it is not a
    regular file (a symlink, a device, a directory) or is a file the plan writes
    (`touched`: posix paths relative to the checkout `root`)."""
    import os
    import stat

    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InvalidInput(f"--save-spec: cannot use {path}: {exc.strerror or exc}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise InvalidInput(f"--save-spec: {path} exists and is not a regular file")
    if not path.absolute().parent.is_dir():
        raise InvalidInput(f"--save-spec: {path.parent} is not a directory")
    target = Path(os.path.realpath(path))
    planned = {Path(os.path.realpath(Path(root) / rel)) for rel in touched}
    if target in planned:
        raise InvalidInput(f"--save-spec: {path} is a file this change writes; choose another")
    return path


def save_spec_file(path: Path, spec: DriverSpec) -> None:
    """Write the spec's TOML to `path` (atomically); exit 2 when it cannot be written."""
    from ..atomic import write_text_atomic

    try:
        write_text_atomic(path, spec_to_toml(spec))
    except OSError as exc:
        raise InvalidInput(f"--save-spec: cannot write {path}: {exc.strerror or exc}") from None


def spec_to_toml(spec: DriverSpec) -> str:
    """The spec as TOML (tomlkit), in field order, replayable with `--spec`."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"The answers `prompture add-driver` used for {spec.provider}."))
    doc.add(tomlkit.comment("Replay: prompture add-driver --spec FILE --yes"))
    for name, value in spec.to_dict().items():
        doc.add(name, False if value is None else value)
    return tomlkit.dumps(doc)
