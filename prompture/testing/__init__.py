"""Local wire-format servers and the driver contract suite.

`OpenAICompatServer` is a real HTTP server on 127.0.0.1 speaking OpenAI chat completions; it
records every request (`RecordedRequest`) and answers from scripted replies or sensible
defaults. `OpenAICompatibleContract` is a pytest mixin that runs any OpenAI-compatible driver,
sync and async, against it. Only the standard library is imported here; the contract suite
(which needs pytest) loads on first access.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._server import RecordedRequest
from .openai_server import OpenAICompatServer

if TYPE_CHECKING:
    from .contract import OpenAICompatibleContract

__all__ = ["OpenAICompatServer", "OpenAICompatibleContract", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    if name == "OpenAICompatibleContract":
        from .contract import OpenAICompatibleContract

        return OpenAICompatibleContract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
