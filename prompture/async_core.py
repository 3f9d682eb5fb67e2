"""Async twins of the extraction API in `prompture.core`, with the same names and arguments.

Each twin runs the very flow its sync function runs (see `prompture._flow`), awaiting an
`AsyncDriver` where the sync one calls a `Driver`; only that runner differs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import core
from ._flow import Flow, arun
from ._json_cleaning import clean_json_text

__all__ = [
    "ask_for_json",
    "clean_json_text",
    "extract_and_jsonify",
    "extract_with_model",
    "extract_with_models",
    "manual_extract_and_jsonify",
    "render_output",
    "stepwise_extract_with_model",
]


def _awaitable(flow_factory: Callable[..., Flow]) -> Callable[..., Any]:
    """The async API function of a flow factory: same name, signature and docstring."""

    @functools.wraps(flow_factory)
    async def function(*args: Any, **kwargs: Any) -> Any:
        return await arun(flow_factory(*args, **kwargs))

    function.__name__ = flow_factory.__name__.strip("_")
    function.__qualname__ = function.__name__
    function.__module__ = __name__
    return function


ask_for_json = _awaitable(core._ask_for_json)
manual_extract_and_jsonify = _awaitable(core._manual_extract_and_jsonify)
extract_and_jsonify = _awaitable(core._extract_and_jsonify)
extract_with_model = _awaitable(core._extract_with_model)
stepwise_extract_with_model = _awaitable(core._stepwise_extract_with_model)
extract_with_models = _awaitable(core._extract_with_models)
render_output = _awaitable(core._render_output)
