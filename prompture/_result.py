"""`ExtractResult`: what the extraction functions return, as upstream Prompture shapes it."""

from __future__ import annotations

from typing import Any

__all__ = ["ExtractResult"]


class ExtractResult(dict[str, Any]):
    """A dict (``json_string``, ``json_object``, ``usage``, ``model``...) with attribute access.

    ``result.model`` is ``result["model"]``; calling the result returns the model instance
    too, so ``result()`` reads like the instance it carries.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __call__(self) -> Any:
        return self.get("model")
