"""What Python 3.11 added that the runtime uses, for Python 3.10 too."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

if sys.version_info >= (3, 11):
    from typing import Self
else:  # pragma: no cover - exercised by the Python 3.10 run in .ci/run
    from typing_extensions import Self


def timeout_at(when: float | None) -> Any:
    """`asyncio.timeout_at(when)` (3.11), as an async context manager on 3.10 too; asyncio
    is imported on first use, so `import prompture` stays without it."""
    import asyncio

    if sys.version_info >= (3, 11):
        return asyncio.timeout_at(when)
    return _timeout_at_310(when)  # pragma: no cover - the Python 3.10 run in .ci/run


@asynccontextmanager
async def _timeout_at_310(when: float | None) -> AsyncIterator[None]:
    """Cancel the block at loop time `when` and raise the builtin TimeoutError instead of the
    CancelledError, as 3.11's `asyncio.timeout_at` does (`None`: no limit)."""
    import asyncio

    if when is None:
        yield
        return
    task = asyncio.current_task()
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    handle = asyncio.get_running_loop().call_at(when, expire)
    try:
        yield
    except asyncio.CancelledError:
        if expired:
            raise TimeoutError from None
        raise
    finally:
        handle.cancel()


def __getattr__(name: str) -> Any:
    """`UTC` (`datetime.UTC`, 3.11), made on first use: importing `datetime` costs ~1 ms, and
    only the test servers need it."""
    if name == "UTC":
        from datetime import timezone

        return timezone.utc
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["UTC", "Self", "timeout_at"]  # noqa: F822 - UTC comes from __getattr__
