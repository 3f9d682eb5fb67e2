"""What Python 3.11 added that the scaffolder uses, for Python 3.10 too."""

from __future__ import annotations

import sys
from enum import Enum

if sys.version_info >= (3, 11):
    from enum import StrEnum

    import tomllib
else:  # pragma: no cover - exercised by the Python 3.10 run in .ci/run
    import tomli as tomllib

    class StrEnum(str, Enum):
        """`enum.StrEnum` (3.11): members are strings, and `str()`/`format()` give the value."""

        def __str__(self) -> str:
            return self.value

        def __format__(self, spec: str) -> str:
            return self.value.__format__(spec)


__all__ = ["StrEnum", "tomllib"]
