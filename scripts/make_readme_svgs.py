"""Regenerate the README's pictures of the tool at work: `python scripts/make_readme_svgs.py`.

Each picture is a real run of the `prompture` CLI, in-process, on a scratch copy of this
repository (so nothing here is touched), recorded by a rich `Console` 100 columns wide and saved
with `Console.save_svg` into `docs/img/` (or the directory given as the only argument). The
SVGs name a generic monospace font stack and load no web font (`svg_format`), so they look
the same wherever they are shown, table borders aligned.

The commands see a terminal: stdout and stderr are `TerminalStream`s that claim to be a TTY and
pass the text, colours included, on to the recording console, and for the wizard stdin is a
`TerminalInput` that types each answer (`Shot.answers`) and echoes it. `COLUMNS` and
`COLORTERM` pin the width and the colours and only the bundled catalogue is read, so the output
is the same on every machine and the SVGs change only when the tool's output does.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shlex
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from rich.ansi import AnsiDecoder
from rich.console import CONSOLE_SVG_FORMAT, Console
from rich.text import Text

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "docs" / "img"
WIDTH = 100
#: Fonts every system has one of. A web font loads late or never (offline, or blocked where
#: the picture is shown), and the fallback then draws table borders that miss each other.
FONTS = (
    'ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", '
    "monospace"
)
SKIPPED = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache", ".hypothesis", "docs"
)


@dataclass(frozen=True)
class Shot:
    """One picture: a command run on the scratch checkout, recorded as `{name}.svg`."""

    name: str
    command: str  # what follows `prompture ` (`--repo` is added)
    title: str  # the window title of the SVG
    #: What is typed at a prompt containing the first text, else Enter; None: stdin is no
    #: terminal (so nothing is asked).
    answers: tuple[tuple[str, str], ...] | None = None
    max_lines: int | None = None  # show this many lines of output, then "… N more lines"
    diff_lines: int | None = None  # the same for the diff a wizard shows before confirming
    #: Files whose diff is shown whole; every other file's diff is one line saying so.
    files: tuple[str, ...] | None = None
    #: Done to the scratch checkout before the command runs (drift made by hand, say).
    setup: Callable[[Path], None] | None = None
    code: int = 0  # the exit code the command must end with
    #: Commands run after it on the same checkout and picture: `(command, exit code)`.
    then: tuple[tuple[str, int], ...] = ()


#: The README's first command, after the install.
DRY_RUN = (
    "add-driver acme --dry-run --yes --compat openai --endpoint https://api.acme.example/v1 "
    "--default-model acme-1 --api-key-env ACME_API_KEY --no-models-dev"
)
#: What the dry-run picture shows whole: the new driver and the lines that wire it in.
WIRING = (
    ".env.copy",
    "prompture/drivers/acme_driver.py",
    "prompture/drivers/__init__.py",
    "prompture/__init__.py",
    "prompture/settings.py",
    "prompture/discovery.py",
)


def drift_by_hand(repo: Path) -> None:
    """What the README's check-drivers picture repairs: groq's sync registration and its
    endpoint line in `.env.copy`, deleted by hand."""
    for name, line in (
        ("prompture/drivers/__init__.py", 'register_driver("groq", '),
        (".env.copy", "GROQ_ENDPOINT="),
    ):
        path = repo / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [text for text in lines if not text.startswith(line)]
        if len(kept) != len(lines) - 1:
            raise SystemExit(f"{name}: expected one line starting {line!r}")
        path.write_text("".join(kept), encoding="utf-8")


SHOTS = {
    "dry-run": Shot("dry-run", DRY_RUN, "prompture add-driver --dry-run", files=WIRING),
    "providers": Shot("providers", "providers deep", "prompture providers"),
    "check-drivers": Shot(
        "check-drivers",
        "check-drivers",
        "prompture check-drivers --fix",
        setup=drift_by_hand,
        code=1,
        then=(("check-drivers --fix --yes", 0), ("check-drivers", 0)),
    ),
    # The acceptance run: `deepseek`, Enter at every question, `y` at the end.
    "wizard": Shot(
        "wizard",
        "add-driver",
        "prompture add-driver",
        answers=(("Provider", "deepseek"), ("Write these changes?", "y")),
        diff_lines=12,
    ),
}
#: A session asking more than this many questions is stuck (a refused default, say).
MAX_ANSWERS = 40


class Screen:
    """What the reader sees: the lines shown on the recording console, limited as the `Shot`
    says, each cut marked with how many lines it left out."""

    def __init__(self, console: Console, shot: Shot) -> None:
        self.console, self.shot = console, shot
        self.shown, self.hidden = 0, 0
        self.diff: int | None = None  # lines of the current wizard diff so far
        self.section: str | None = None  # the file whose diff is being left out

    def show(self, line: Text) -> None:
        if self.shot.files is not None and self._left_out(line.plain):
            return
        if self.shot.diff_lines is not None and self._in_diff(line.plain):
            self.diff += 1
            if self.diff > self.shot.diff_lines:
                self.hidden += 1
                return
        if self.shot.max_lines is not None and self.shown >= self.shot.max_lines:
            self.hidden += 1
            return
        self.console.print(line)
        self.shown += 1

    def _in_diff(self, plain: str) -> bool:
        """A diff starts at `diff --git` and lasts until the next question (`? ...`)."""
        if self.diff is None and plain.startswith("diff --git"):
            self.diff = 0
        elif self.diff is not None and plain.startswith("? "):
            self.diff = None
            self.close()
        return self.diff is not None

    def _left_out(self, plain: str) -> bool:
        """Whether `plain` belongs to the diff of a file not in `Shot.files` (each such file
        gets one line instead, once its diff ends)."""
        if plain.startswith("diff --git ") or plain.startswith("note: "):
            self._end_section()
            path = plain.rpartition(" b/")[2] if plain.startswith("diff") else None
            if path is not None and path not in self.shot.files:
                self.section = path
                return True
        return self.section is not None

    def _end_section(self) -> None:
        path = self.section
        if path is not None:
            self.console.print(Text(f"… the diff of {path} (not shown)", style="dim italic"))
            self.section = None

    def close(self) -> None:
        """Mark the cut, if there was one."""
        if self.shot.files is not None:
            self._end_section()
        if self.hidden:
            self.console.print(Text(f"… {self.hidden} more lines", style="dim italic"))
            self.hidden = 0


class TerminalStream(io.TextIOBase):
    """A stdout/stderr that says it is a terminal and shows what it gets, ANSI colours
    decoded, on a `Screen`, one complete line at a time."""

    encoding = "utf-8"

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.screen, self.decoder, self.pending = screen, AnsiDecoder(), ""

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for a binary stream with b""
            raise TypeError("a text stream")
        lines, newline, self.pending = (self.pending + text).rpartition("\n")
        if newline:
            for line in lines.split("\n"):
                self.screen.show(self.decoder.decode_line(line))
        return len(text)

    def end_line(self) -> None:
        """Show a last line that has no newline (a prompt left unanswered)."""
        if self.pending:
            self.write("\n")


class TerminalInput(io.TextIOBase):
    """A stdin that says it is a terminal and types the answer to the prompt waiting on
    `echo` (see `Shot.answers`), echoing it there as a terminal would."""

    encoding = "utf-8"

    def __init__(self, answers: tuple[tuple[str, str], ...], echo: TerminalStream) -> None:
        super().__init__()
        self.answers, self.echo, self.count = answers, echo, 0

    def isatty(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def readline(self, size: int = -1) -> str:
        self.count += 1
        if self.count > MAX_ANSWERS:
            return ""  # end of input: the command stops as on Ctrl-D
        prompt = self.echo.decoder.decode_line(self.echo.pending).plain
        line = next((answer for text, answer in self.answers if text in prompt), "") + "\n"
        self.echo.write(line)
        return line


def recording_console() -> Console:
    """The console every picture is recorded on: fixed width, true colour, no real output."""
    return Console(
        record=True, width=WIDTH, file=io.StringIO(), force_terminal=True, color_system="truecolor"
    )


@contextmanager
def as_terminal(screen: Screen, answers: tuple[tuple[str, str], ...] | None) -> Iterator[None]:
    """Run the body as if stdout and stderr were a 100-column colour terminal showing `screen`
    and, when `answers` are given, stdin that terminal's keyboard answering its prompts (no
    pager: the diff goes to the screen)."""
    env = {"COLUMNS": str(WIDTH), "LINES": "50", "COLORTERM": "truecolor", "TERM": "xterm-256color"}
    out, err = TerminalStream(screen), TerminalStream(screen)
    stdin = io.StringIO() if answers is None else TerminalInput(answers, out)
    with (
        mock.patch.dict(os.environ, env | {"PROMPTURE_NO_PAGER": "1"}),
        mock.patch.object(sys, "stdin", stdin),
        redirect_stdout(out),
        redirect_stderr(err),
    ):
        os.environ.pop("NO_COLOR", None)
        yield
    out.end_line()
    err.end_line()
    screen.close()


def show_prompt(console: Console, command: str) -> None:
    """The shell prompt line a reader would type."""
    console.print(Text("$ ", style="bold green") + Text(f"prompture {command}", style="bold"))


def run_cli(console: Console, shot: Shot, repo: Path) -> int:
    """Run `prompture {shot.command} --repo {repo}` in-process as if on a terminal showing
    its output on `console`; its exit code."""
    from typer.main import get_command

    from prompture_scaffold.cli import app

    show_prompt(console, shot.command)
    argv = [*shlex.split(shot.command), "--repo", str(repo)]
    here = Path.cwd()
    os.chdir(repo)  # as the reader would run it: paths in the output are relative to the repo
    try:
        with as_terminal(Screen(console, shot), shot.answers):
            code = get_command(app).main(argv, prog_name="prompture", standalone_mode=False)
    finally:
        os.chdir(here)
    return code or 0


def scratch_copy(dest: Path) -> Path:
    """A copy of this repository at `dest/repo` (no git data, caches or pictures)."""
    return Path(shutil.copytree(REPO, dest / "repo", ignore=SKIPPED))


def svg_format() -> str:
    """Rich's SVG template with a generic monospace font stack and no web font."""
    text = re.sub(r"\s*@font-face \{\{.*?\}\}", "", CONSOLE_SVG_FORMAT, flags=re.S)
    text = text.replace("font-family: Fira Code, monospace;", f"font-family: {FONTS};")
    text = text.replace("font-family: arial;", "font-family: system-ui, sans-serif;")
    if "Fira" in text or "https://" in text.replace("https://www.textualize.io", ""):
        raise SystemExit("rich's SVG template changed: update svg_format()")
    return text


def record(shot: Shot, out_dir: Path, repo: Path) -> Path:
    """Run `shot` on `repo` and save it as `out_dir/{shot.name}.svg`; exit if a command ends
    with another code than the shot says (a picture of an error is not what the README
    means)."""
    console = recording_console()
    if shot.setup is not None:
        shot.setup(repo)
    steps = [(shot, shot.code)]
    steps += [(dataclasses.replace(shot, command=c, code=k), k) for c, k in shot.then]
    for number, (step, expected) in enumerate(steps):
        if number:
            console.print()
        code = run_cli(console, step, repo)
        if code != expected:
            raise SystemExit(
                f"`prompture {step.command}` exited {code}, not {expected}:\n"
                f"{console.export_text()}"
            )
    path = out_dir / f"{shot.name}.svg"
    console.save_svg(str(path), title=shot.title, code_format=svg_format())
    return path


def dry_run_svg(out_dir: Path, repo: Path) -> Path:
    """The README's first command: the change as one coloured diff."""
    return record(SHOTS["dry-run"], out_dir, repo)


def providers_svg(out_dir: Path, repo: Path) -> Path:
    """A catalogue search."""
    return record(SHOTS["providers"], out_dir, repo)


def check_drivers_svg(out_dir: Path, repo: Path) -> Path:
    """Every driver wired in every place."""
    return record(SHOTS["check-drivers"], out_dir, repo)


def wizard_svg(out_dir: Path, repo: Path) -> Path:
    """`prompture add-driver` on a terminal: the wizard, a catalogue provider taken with every
    default (the diff it shows is cut short)."""
    return record(SHOTS["wizard"], out_dir, repo)


PICTURES: Sequence[Callable[[Path, Path], Path]] = (
    dry_run_svg,
    providers_svg,
    check_drivers_svg,
    wizard_svg,
)


@contextmanager
def bundled_catalogue(cache_dir: Path) -> Iterator[None]:
    """Only the catalogue snapshot bundled with `models-dev`: no fetch, no user cache, so the
    pictures do not depend on when or where they were made."""
    from prompture import _catalogue

    env = {"PROMPTURE_OFFLINE": "1", "PROMPTURE_CACHE_DIR": str(cache_dir)}
    with mock.patch.dict(os.environ, env):
        _catalogue.reset()
        try:
            yield
        finally:
            _catalogue.reset()


def make_all(out_dir: Path) -> list[Path]:
    """Every picture, each on a fresh scratch copy, into `out_dir`; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for picture in PICTURES:
        with tempfile.TemporaryDirectory(prefix="prompture-svg-") as tmp:
            with bundled_catalogue(Path(tmp) / "cache"):
                written.append(picture(out_dir, scratch_copy(Path(tmp))))
    return written


def main(argv: Sequence[str] = ()) -> None:
    """`python scripts/make_readme_svgs.py [OUT_DIR]`."""
    for path in make_all(Path(argv[0]) if argv else OUT_DIR):
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
