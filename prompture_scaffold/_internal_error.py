"""Exit 4: a bug in the scaffolder, told in one line instead of a traceback.

A traceback on screen reads like a problem with the user's input (and an uncaught exception
would exit 1, the drift code, so a CI job could not tell a crash from drift). The message names
the exception and the file the full traceback went to, so it can be attached to a bug report.
With ``PROMPTURE_SCAFFOLD_TRACEBACK=1`` the traceback is printed on stderr instead: a CI
runner's temporary files are gone when the job ends.
"""

from __future__ import annotations

import os
import tempfile
import traceback

EXIT_CODE = 4
TRACEBACK_ENV = "PROMPTURE_SCAFFOLD_TRACEBACK"


def report(exc: BaseException) -> str:
    """The message for `exc` (no traceback in it unless TRACEBACK_ENV asks for one); writes
    the traceback to a new file in the temporary directory and names it."""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    detail = (str(exc).strip().splitlines() or [""])[0][:200]
    headline = f"internal error: {type(exc).__name__}{': ' + detail if detail else ''}"
    bug = "this is a bug in prompture-scaffold, not a problem with your input or checkout"
    if os.environ.get(TRACEBACK_ENV):
        return f"{trace.rstrip()}\n{headline}\n{bug}"
    try:
        fd, path = tempfile.mkstemp(prefix="prompture-scaffold-traceback-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(trace)
    except OSError:
        return f"{trace.rstrip()}\n{headline}\n{bug} (the traceback file could not be written)"
    return (
        f"{headline}\n{bug}; the full traceback is in {path} "
        f"(set {TRACEBACK_ENV}=1 to print it here)"
    )
