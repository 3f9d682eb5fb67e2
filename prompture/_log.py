"""Loggers that import `logging` only when they are first used.

Importing `logging` (with the `traceback`, `tokenize` and `string` modules it pulls in) costs
about 5 ms, a tenth of a process's first driver call, and a call that goes well logs nothing.
The runtime's modules therefore hold a `LazyLogger`: the same named logger (``caplog``, handlers
and levels see no difference), fetched from `logging` at the first log call.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LazyLogger"]


class LazyLogger:
    """Stands for ``logging.getLogger(name)``; every attribute is the real logger's."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> Any:
        import logging

        return getattr(logging.getLogger(self.name), attribute)

    def __repr__(self) -> str:
        return f"<LazyLogger {self.name}>"
