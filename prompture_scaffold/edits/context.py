"""`EditContext`: the one frozen object every edit receives (like libcst's `CodemodContext`).

It joins the validated spec, the checkout layout and the file being edited, and derives the
few names the edits share (relative module paths, the error to raise). Edits read nothing
else: no globals, environment or filesystem. What an edit wants the user to know (a line it
could not fit) it says with `note`; the plan shows those notes with the diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..checkout import Layout
from ..errors import UnsafeTarget
from ..spec.driver_spec import DriverSpec


@dataclass(frozen=True)
class EditContext:
    spec: DriverSpec
    layout: Layout
    path: Path
    notes: list[str] = field(default_factory=list, compare=False)

    def note(self, text: str) -> None:
        """Tell the user something about this edit (shown with the plan)."""
        self.notes.append(f"{self.display_path}: {text}")

    @property
    def display_path(self) -> str:
        """The edited file relative to the checkout root, for messages."""
        return self.layout.relative(self.path)

    @cached_property
    def module(self) -> str:
        """Dotted name of the edited module (cached: imports resolve against it often)."""
        return self.layout.module_of(self.path)

    @cached_property
    def drivers_package(self) -> str:
        """Dotted name of the drivers package (``prompture.drivers``)."""
        return self.layout.module_of(self.layout.drivers_dir)

    def driver_module(self, *, is_async: bool = False) -> str:
        """Dotted name of the new sync (or async) driver module."""
        prefix = "async_" if is_async else ""
        return f"{self.drivers_package}.{prefix}{self.spec.provider}_driver"

    def relative(self, module: str) -> str:
        """`module` as a relative import from the edited file (``..drivers``)."""
        return self.layout.relative_module(self.path, module)

    @cached_property
    def _package_parts(self) -> tuple[list[str], int]:
        """This module's dotted parts and 1 for a package ``__init__`` (asked per import)."""
        return self.module.split("."), 1 if Path(self.path).name == "__init__.py" else 0

    def absolute(self, level: int, module: str | None) -> str:
        """The absolute name of ``from {'.' * level}{module} import`` written in this file."""
        if not level:
            return module or ""
        parts, package = self._package_parts
        return ".".join([*parts[: len(parts) - level + package], *([module] if module else [])])

    def unsafe(self, symbol: str, reason: str) -> UnsafeTarget:
        """The error for an anchor this file lacks (exit 3), naming file and symbol."""
        return UnsafeTarget(self.display_path, symbol, reason)
