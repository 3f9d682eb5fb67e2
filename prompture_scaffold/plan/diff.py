"""One pure function: a git-style unified diff of one file's planned change."""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str | None) -> list[str]:
    """Lines with their endings; a last line without one is marked the way git marks it."""
    if not text:
        return []
    lines = text.splitlines(keepends=True)
    if not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n" + NO_NEWLINE
    return lines


def unified_diff(path: str, before: str | None, after: str | None, context: int = 3) -> str:
    """`before` → `after` of `path` as a git-style diff; None means the file does not exist
    (new files diff against `/dev/null`). Returns `""` when nothing changes."""
    if before == after:
        return ""
    head = [f"diff --git a/{path} b/{path}\n"]
    if before is None:
        head.append("new file mode 100644\n")
    elif after is None:
        head.append("deleted file mode 100644\n")
    old = "/dev/null" if before is None else f"a/{path}"
    new = "/dev/null" if after is None else f"b/{path}"
    body = difflib.unified_diff(_lines(before), _lines(after), old, new, n=context)
    out: list[str] = []
    for line in body:
        # difflib puts a space after file names only when dates are given; strip any.
        out.append(line.rstrip(" \t\n") + "\n" if line.startswith(("---", "+++")) else line)
    return "".join(head + _split_markers(out))


def _split_markers(lines: list[str]) -> list[str]:
    """difflib keeps our no-newline marker inside its line: give it a line of its own."""
    result: list[str] = []
    for line in lines:
        if line.endswith(NO_NEWLINE) and line != NO_NEWLINE:
            result += [line[: -len(NO_NEWLINE)], NO_NEWLINE]
        else:
            result.append(line)
    return result
