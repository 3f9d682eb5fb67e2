"""How the wizard asks: keyboard prompts on a terminal, one typed line everywhere else.

On a terminal that can take keys (stdin and stdout a TTY, `TERM` not `dumb`), `Asker` uses
`keys` (prompt_toolkit): choices by arrow keys or by typing, checkboxes, completion.
Otherwise (a dumb terminal, `stream` given by tests) every question reads one line with a rich
`Prompt`: Enter takes the default shown in (parentheses), a choice is typed, capabilities are
comma-separated. Either way `<` means "back" (the prompt's footer or help says so), and
Ctrl-C and end of input raise `errors.Aborted`, which the command turns into exit 130 with
nothing written.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TextIO, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt
from rich.text import Text

from ..errors import Aborted, InvalidInput
from ..spec.driver_spec import FLAGS

BACK = "<"
#: `(value, what a list shows for it)`.
Choice = tuple[str, str]
_T = TypeVar("_T")


def keyboard_terminal() -> bool:
    """Whether stdin and stdout are a terminal that takes keys (not `TERM=dumb`)."""
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return False
    try:
        return os.isatty(sys.stdin.fileno()) and os.isatty(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # a stand-in stream with no descriptor
        return False


class _LinePrompt(Prompt):
    """`Prompt` reading a line from `stream` when one is given: the newline dropped, the answer
    echoed as a terminal would, and end of input raising `EOFError` like `input()`."""

    @classmethod
    def get_input(
        cls, console: Console, prompt: Text | str, password: bool, stream: TextIO | None = None
    ) -> str:
        if stream is None:
            return console.input(prompt, password=password)
        console.print(prompt, end="")
        line = stream.readline()
        if not line:
            raise EOFError
        answer = line.rstrip("\r\n")
        console.print(answer, markup=False, highlight=False)
        return answer


_BRACKETS = re.compile(r" \[[^\]]*\]$")


def reason(exc: InvalidInput) -> str:
    """The validator's message without its leading `--flag: ` (the question names the field)."""
    text = str(exc)
    for flag in FLAGS.values():
        if text.startswith(f"{flag}: "):
            return text[len(flag) + 2 :]
    return text


class Asker:
    """Asks questions on `console`, reading from `stream` (None: the terminal); `keys`: use
    the keyboard prompts (default: when there is no `stream` and the terminal takes keys)."""

    def __init__(
        self, console: Console, stream: TextIO | None = None, keys: bool | None = None
    ) -> None:
        self.console = console
        self.stream = stream
        self.keys = stream is None and keyboard_terminal() if keys is None else keys

    def line(
        self, label: str, default: str | None = None, help: str = "", words: Sequence[Choice] = ()
    ) -> str:
        """The stripped answer, `default` on Enter (None: no default, Enter gives "");
        `words` (each with what it names) are offered as completions on a terminal."""
        if self.keys:
            from . import keys as keyboard

            self._help(help)
            names, meta = [word for word, _ in words], dict(words)
            answer = self._keyed(lambda: keyboard.text(label, default, names, meta))
            return self._echo(label, answer)
        self._help(f"{help} (< goes back)" if help and BACK not in help else help)
        prompt = _LinePrompt(Text.assemble(("? ", "bold cyan"), label), console=self.console)
        answer = self._keyed(
            lambda: prompt(default=... if default is None else default, stream=self.stream)
        )
        return str(answer).strip()

    def choose(
        self, label: str, choices: Sequence[Choice], default: str | None = None, help: str = ""
    ) -> str:
        """One of the `choices` values (or `BACK`): by arrow keys or typing on a terminal,
        typed on one line otherwise (then checked by the question's parser)."""
        if not self.keys:
            return self.line(label, default, help)
        from . import keys as keyboard

        self._help(help)
        bare = _BRACKETS.sub("", label)
        return self._echo(bare, self._keyed(lambda: keyboard.select(bare, choices, default)))

    def checks(
        self, label: str, choices: Sequence[Choice], ticked: Sequence[str], help: str = ""
    ) -> str:
        """The values ticked, comma-separated (`-` for none), or `BACK`: checkboxes on a
        terminal, typed on one line otherwise."""
        if not self.keys:
            return self.line(label, ", ".join(ticked) or "-", help)
        from . import keys as keyboard

        self._help("Tick what the provider's API supports.")
        got = self._keyed(lambda: keyboard.checkboxes(label, choices, ticked))
        return self._echo(label, got if got == BACK else ", ".join(got) or "-")

    def _help(self, help: str) -> None:
        if help:
            self.console.print(f"  [dim]{escape(help)}[/]", highlight=False)

    def _keyed(self, ask: Callable[[], _T]) -> _T:
        try:
            return ask()
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            raise Aborted("aborted") from None

    def _echo(self, label: str, answer: str) -> str:
        """The line a keyboard prompt leaves behind once answered (it erases itself)."""
        if answer != BACK:
            end = " " if label.endswith("?") else ": "
            shown = Text.assemble(("? ", "bold cyan"), label, end, (answer, "cyan"))
            self.console.print(shown, highlight=False)
        return answer.strip()

    def error(self, text: str) -> None:
        """Why an answer was refused (the question comes again)."""
        self.console.print(f"  [red]✗[/] {escape(text)}", highlight=False)

    def note(self, text: str) -> None:
        self.console.print(f"  [green]✓[/] {escape(text)}", highlight=False)
