"""A checkout's files as one command reads them: each read once, each parsed once.

`check-drivers` looks at every wiring place for every driver; reading and parsing the same
``drivers/__init__.py`` or ``settings.py`` per driver made it quadratic in the number of
drivers. A `Snapshot` is made per command run and handed down: texts, trees, TOML data and any
value derived from them (`memo`) are computed on first use and kept. Reads go through
`checkout.read`, so a file that is not UTF-8, has bare-CR line endings or does not parse is an
`UnsafeTarget` (exit 3) naming it. `overlay` stands planned texts in for files of the
checkout, so the same checks can look at a change before it is written.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import UnsafeTarget

T = TypeVar("T")


class Snapshot:
    """The files of the checkout at `root`, as read during one command."""

    def __init__(self, root: Path, overlay: Mapping[str, str | None] | None = None) -> None:
        self.root = Path(root)
        #: Relative posix path -> text standing in for the file (None: the file is gone).
        self.overlay = dict(overlay or {})
        self._texts: dict[Path, str | None] = {}
        self._memo: dict[Any, Any] = {}

    def _key(self, path: Path | str) -> Path:
        path = Path(path)
        return path if path.is_absolute() else self.root / path

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def text(self, path: Path | str) -> str | None:
        """The file's exact text, None when absent; damaged is `UnsafeTarget` naming it."""
        from .read import read_text

        key = self._key(path)
        if key not in self._texts:
            rel = self._rel(key)
            if rel in self.overlay:
                self._texts[key] = self.overlay[rel]
            else:
                self._texts[key] = read_text(key, self.root)
        return self._texts[key]

    def exists(self, path: Path | str) -> bool:
        key = self._key(path)
        rel = self._rel(key)
        return self.overlay[rel] is not None if rel in self.overlay else key.exists()

    def tree(self, path: Path | str) -> ast.Module | None:
        """The parsed module (None when the file is absent); not Python is `UnsafeTarget`."""

        def parse_it() -> ast.Module | None:
            from .parsed import parse

            text = self.text(path)
            if text is None:
                return None
            try:
                return parse(text)
            except (SyntaxError, ValueError) as exc:
                where = f" (line {exc.lineno})" if getattr(exc, "lineno", None) else ""
                reason = f"does not parse: {exc.args[0] if exc.args else exc}{where}"
                raise UnsafeTarget(self._rel(self._key(path)), "-", reason) from None

        return self.memo(("tree", self._key(path)), parse_it)

    def toml(self, path: Path | str) -> dict[str, Any]:
        """The TOML file's data ({} when absent); not TOML is `UnsafeTarget` naming it."""

        def load() -> dict[str, Any]:
            from .._compat import tomllib

            text = self.text(path)
            if text is None:
                return {}
            try:
                return tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                rel = self._rel(self._key(path))
                raise UnsafeTarget(rel, "-", f"is not valid TOML ({exc})") from None

        return self.memo(("toml", self._key(path)), load)

    def memo(self, key: Any, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for, the kept value after that."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]
