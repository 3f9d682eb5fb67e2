"""Reading a checkout's files as data that may be wrong: exit 3 naming the file, never a traceback.

`read_text` gives a file's exact text (or None when absent) and refuses one that is not UTF-8
or whose lines end in bare CRs (the edits count lines as Python's parser does only for LF and
CRLF). `read_toml` parses a TOML file the same way, and `toml_value` takes one value out of it
checked for its type (``project.name`` must be a string, ``line-length`` a positive integer).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .._compat import tomllib
from ..errors import UnsafeTarget

_BARE_CR = re.compile(r"\r(?!\n)")


def _shown(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            pass
    return str(path)


def read_text(path: Path, root: Path | None = None) -> str | None:
    """The file's text exactly (no newline translation), None when it does not exist.
    `root`: the checkout, so messages name the file relative to it."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        where = f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}"
        raise UnsafeTarget(_shown(path, root), "-", f"is not UTF-8 text ({where})") from None
    except IsADirectoryError:
        raise UnsafeTarget(_shown(path, root), "-", "is a directory, not a file") from None
    if _BARE_CR.search(text):
        line = text.count("\n", 0, _BARE_CR.search(text).start()) + 1
        why = f"has a bare CR line ending (line {line}); convert it to LF or CRLF"
        raise UnsafeTarget(_shown(path, root), "-", why)
    return text


def read_toml(path: Path, root: Path | None = None) -> dict[str, Any]:
    """The TOML file's data ({} when it does not exist); undecodable or invalid is exit 3."""
    text = read_text(path, root)
    if text is None:
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UnsafeTarget(_shown(path, root), "-", f"is not valid TOML ({exc})") from None


_KINDS = {str: "a string", int: "an integer", list: "an array", dict: "a table"}


def toml_value(data: dict[str, Any], keys: tuple[str, ...], kind: type, default: Any, where: str):
    """``data[k1][k2]...`` when present, checked to be of `kind` (a positive integer for
    int); `default` when any key is absent; `UnsafeTarget` naming `where` and the key else."""
    value: Any = data
    for depth, key in enumerate(keys):
        if not isinstance(value, dict):
            dotted = ".".join(keys[:depth])
            raise UnsafeTarget(where, dotted, f"{dotted} must be a table, not {_kind(value)}")
        if key not in value:
            return default
        value = value[key]
    wrong = not isinstance(value, kind) or (kind is int and (isinstance(value, bool) or value < 1))
    if wrong:
        dotted = ".".join(keys)
        want = "a positive integer" if kind is int else _KINDS.get(kind, kind.__name__)
        raise UnsafeTarget(where, dotted, f"{dotted} must be {want}, not {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:60]
