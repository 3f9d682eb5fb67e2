"""Names a package exports but imports only when first used (PEP 562 module `__getattr__`).

A package declares ``_LAZY_IMPORTS = {".submodule": ["Name", ...], ...}``, the data form of
its ``from .submodule import Name`` lines, and binds the two functions `attach` returns:

    __getattr__, __dir__ = attach(__name__, globals(), _LAZY_IMPORTS)

``from package import Name`` then imports ``.submodule`` at that moment, once; nothing named
in the table is loaded by importing the package itself.
"""

from __future__ import annotations

__all__ = ["attach"]


def attach(package: str, namespace: dict, table: dict[str, list[str]]):
    """The module-level ``__getattr__`` and ``__dir__`` serving `table`'s names."""
    where = {name: module for module, names in table.items() for name in names}

    def __getattr__(name: str):
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        from importlib import import_module

        value = getattr(import_module(module, package), name)
        namespace[name] = value  # later reads are plain global lookups
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
