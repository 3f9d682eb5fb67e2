"""One file replaced atomically: a temp file in the same directory, then `os.replace`.

The writer applies a plan with it, the journal settles a crashed change with it and
`--save-spec` saves with it; it imports none of them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | None) -> None:
    """Replace `path` with `data` atomically (keeping its mode), or delete it for None."""
    if data is None:
        path.unlink(missing_ok=True)
        return
    if path.is_symlink():  # write through a link to a file inside the checkout, keep the link
        path = Path(os.path.realpath(path))
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write a file outside the plan (`--save-spec`) the same safe way."""
    write_atomic(Path(path), text.encode("utf-8"))
