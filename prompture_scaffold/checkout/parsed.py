"""One parse per source text: discovery, `spec_from_checkout` and the edits all read the same
few files, and parsing a large `settings.py` or `drivers/__init__.py` is the biggest cost of a
dry run on a checkout with many drivers. The trees are shared, so callers only read them."""

from __future__ import annotations

import ast
from functools import lru_cache


@lru_cache(maxsize=64)
def parse(text: str) -> ast.Module:
    """`ast.parse(text)`, remembered; raises `SyntaxError`/`ValueError` like it."""
    return ast.parse(text)
