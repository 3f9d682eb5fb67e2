"""The wizard's one way to ask a question: a rich `Prompt` on an injected console.

Every question reads one line: Enter takes the default shown in (parentheses), `<` means
"back". Input comes from the terminal, or from `stream` (tests). Ctrl-C and end of input both
raise `errors.Aborted`, which the command turns into exit 130 with nothing written.
"""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.prompt import Prompt
from rich.text import Text

from .errors import Aborted, InvalidInput
from .validation import FLAGS

BACK = "<"


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


def reason(exc: InvalidInput) -> str:
    """The validator's message without its leading `--flag: ` (the question names the field)."""
    text = str(exc)
    for flag in FLAGS.values():
        if text.startswith(f"{flag}: "):
            return text[len(flag) + 2 :]
    return text


class Asker:
    """Asks questions on `console`, reading from `stream` (None: the terminal)."""

    def __init__(self, console: Console, stream: TextIO | None = None) -> None:
        self.console = console
        self.stream = stream

    def line(self, label: str, default: str | None = None, help: str = "") -> str:
        """The stripped answer, `default` on Enter (None: no default, Enter gives "")."""
        if help:
            self.console.print(f"  [dim]{escape(help)}[/]", highlight=False)
        prompt = _LinePrompt(Text.assemble(("? ", "bold cyan"), label), console=self.console)
        try:
            answer = prompt(default=... if default is None else default, stream=self.stream)
        except (KeyboardInterrupt, EOFError):
            self.console.print()
            raise Aborted("aborted") from None
        return str(answer).strip()

    def error(self, text: str) -> None:
        """Why an answer was refused (the question comes again)."""
        self.console.print(f"  [red]✗[/] {escape(text)}", highlight=False)

    def note(self, text: str) -> None:
        self.console.print(f"  [green]✓[/] {escape(text)}", highlight=False)
