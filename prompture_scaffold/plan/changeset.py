"""The change set: what a command would write, as data (`FileChange`s in a `Plan`).

The planner (`planner`) builds it, the wiring places (`places`) produce its changes and the
writer (`writer`) applies it; this module imports none of them, so they all depend on it and
never on each other in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import UnsafeTarget


@dataclass(frozen=True)
class FileChange:
    """One file's change: `path` is posix and relative to the checkout; None = absent."""

    path: str
    before: str | None
    after: str | None

    @property
    def action(self) -> str:
        """`create`, `modify` or `delete`."""
        if self.before is None:
            return "create"
        return "delete" if self.after is None else "modify"

    @property
    def diff(self) -> str:
        """The git-style unified diff of this change."""
        from .diff import unified_diff

        return unified_diff(self.path, self.before, self.after)


@dataclass(frozen=True)
class Plan:
    """The whole change set (sorted by path) and the notes worth telling the user."""

    changes: tuple[FileChange, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def diff(self) -> str:
        return "".join(change.diff for change in self.changes)


def read_text(path: Path, root: Path | None = None) -> str | None:
    """The file's text exactly (no newline translation), None when it does not exist; not
    UTF-8 or bare-CR line endings are `UnsafeTarget` (see `checkout.read`)."""
    from ..checkout.read import read_text as read

    return read(path, root)


def relative(root: Path, path: Path | str) -> str:
    """`path` as a posix path relative to `root`; refuses anything outside the checkout."""
    candidate = Path(path)
    if candidate.is_absolute():
        try:
            candidate = candidate.relative_to(root)
        except ValueError:
            raise UnsafeTarget(str(path), "-", "is outside the checkout") from None
    rel = PurePosixPath(candidate.as_posix())
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise UnsafeTarget(str(path), "-", "is outside the checkout")
    return str(rel)
