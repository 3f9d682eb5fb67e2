"""What Python 3.11 added that the runtime uses, for Python 3.10 too."""

from __future__ import annotations

import sys
from datetime import timezone

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - exercised by the Python 3.10 run in .ci/run
    from typing_extensions import Self

#: `datetime.UTC` (3.11) is this object.
UTC = timezone.utc

__all__ = ["UTC", "Self"]
