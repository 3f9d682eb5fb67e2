"""The wizard's keyboard prompts on a real terminal, built on prompt_toolkit.

Imported only when the wizard asks its first question on a terminal (`Asker`), so neither
`prompture --help` nor a `--yes` run loads prompt_toolkit. Three prompts:

- `select`: a list moved with ↑/↓ (or Ctrl-P/Ctrl-N); typing filters it (`o` leaves `openai`
  on top), Backspace widens it again, Enter takes the highlighted entry.
- `checkboxes`: ↑/↓ to move, Space to tick or untick, `a` to tick all or none, Enter when done.
- `text`: a line with fuzzy completion over `words` (the menu opens while typing; Tab takes
  the highlighted entry); Enter on an empty line takes the default.

Each shows its keys in a footer, `<` (on an empty line, for `text`) returns `BACK`, Ctrl-C
raises `KeyboardInterrupt` and Ctrl-D `EOFError`, as the plain prompts do. The prompt is
erased when answered; the caller prints the one line that stays (`? Label: answer`).
"""

from __future__ import annotations

from collections.abc import Sequence

from prompt_toolkit.application import Application, get_app
from prompt_toolkit.completion import FuzzyWordCompleter
from prompt_toolkit.filters import Condition
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import HSplit, Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl
from prompt_toolkit.shortcuts import PromptSession
from prompt_toolkit.styles import Style

BACK = "<"
#: `(value, what the list shows)`.
Choice = tuple[str, str]

STYLE = Style.from_dict(
    {
        "mark": "bold ansicyan",
        "label": "bold",
        "current": "reverse",
        "filter": "ansiyellow",
        "hint": "ansibrightblack",
        "bottom-toolbar": "noreverse ansibrightblack",
    }
)
SELECT_KEYS = "↑/↓ move · type to filter · Enter choose · < back · Ctrl-C quit"
CHECK_KEYS = "↑/↓ move · Space tick · a all/none · Enter done · < back · Ctrl-C quit"
TEXT_KEYS = "Enter accept · < back (on an empty line) · Ctrl-C quit"
COMPLETE_KEYS = "Tab complete · " + TEXT_KEYS


def _common_keys(bindings: KeyBindings) -> None:
    @bindings.add("c-c")
    def _interrupt(event) -> None:
        event.app.exit(exception=KeyboardInterrupt)

    @bindings.add("c-d")
    def _end(event) -> None:
        event.app.exit(exception=EOFError)


def _header(label: str, default_note: str = "", typed: str = "") -> list[tuple[str, str]]:
    end = " " if label.endswith("?") and not default_note else ": "
    parts = [("class:mark", "? "), ("class:label", label), ("", default_note + end)]
    return parts + [("class:filter", typed)] if typed else parts


class _List:
    """The state of a `select` or `checkboxes` list: the entries shown, the cursor, the ticks."""

    def __init__(self, choices: Sequence[Choice], current: str | None, ticked=()) -> None:
        self.choices, self.typed = list(choices), ""
        self.ticked = set(ticked)
        values = [value for value, _ in self.choices]
        starts = [v for v in values if current and v.startswith(current)]  # "y" for "yes"
        current = current if current in values else (starts[0] if starts else None)
        self.index = values.index(current) if current in values else 0

    def visible(self) -> list[Choice]:
        """The entries matching what was typed: those starting with it first."""
        typed = self.typed.lower()
        found = [c for c in self.choices if typed in c[0].lower() or typed in c[1].lower()]
        return sorted(found, key=lambda c: not (c[0].lower().startswith(typed)
                                                or c[1].lower().startswith(typed)))  # fmt: skip

    def move(self, step: int) -> None:
        count = len(self.visible())
        self.index = (self.index + step) % count if count else 0

    def type(self, text: str) -> None:
        self.typed, self.index = text, 0

    def current(self) -> str | None:
        shown = self.visible()
        return shown[min(self.index, len(shown) - 1)][0] if shown else None

    def lines(self, checks: bool) -> list[tuple[str, str]]:
        shown, out = self.visible(), []
        for number, (value, text) in enumerate(shown):
            here = number == min(self.index, len(shown) - 1)
            box = ("[x] " if value in self.ticked else "[ ] ") if checks else ""
            out += [("class:mark" if here else "", "❯ " if here else "  "),
                    ("class:current" if here else "", box + text), ("", "\n")]  # fmt: skip
        return out or [("class:hint", "  (nothing matches: Backspace)\n")]


def _run_list(label: str, state: _List, keys: str, bindings: KeyBindings, checks: bool):
    def header():
        return FormattedText(_header(label, typed=state.typed))

    body = HSplit(
        [
            Window(FormattedTextControl(header, show_cursor=True), height=1),
            Window(FormattedTextControl(lambda: FormattedText(state.lines(checks)))),
            Window(FormattedTextControl(FormattedText([("class:hint", f"  {keys}")])), height=1),
        ]
    )
    _common_keys(bindings)

    @bindings.add("up")
    @bindings.add("c-p")
    def _up(event) -> None:
        state.move(-1)

    @bindings.add("down")
    @bindings.add("c-n")
    def _down(event) -> None:
        state.move(1)

    @bindings.add("<")
    def _back(event) -> None:
        event.app.exit(result=BACK)

    app = Application(layout=Layout(body), key_bindings=bindings, style=STYLE,
                      full_screen=False, erase_when_done=True, mouse_support=False)  # fmt: skip
    return app.run()


def select(label: str, choices: Sequence[Choice], default: str | None, keys: str = SELECT_KEYS):
    """The value chosen, or `BACK`."""
    state, bindings = _List(choices, default), KeyBindings()

    @bindings.add("enter")
    def _choose(event) -> None:
        if state.current() is not None:
            event.app.exit(result=state.current())

    @bindings.add("backspace")
    def _widen(event) -> None:
        state.type(state.typed[:-1])

    @bindings.add(Keys.Any)
    def _filter(event) -> None:
        if event.data.isprintable():
            state.type(state.typed + event.data)

    return _run_list(label, state, keys, bindings, checks=False)


def checkboxes(label: str, choices: Sequence[Choice], ticked: Sequence[str]):
    """The values ticked, in `choices` order, or `BACK`."""
    state, bindings = _List(choices, None, ticked), KeyBindings()

    @bindings.add(" ")
    def _tick(event) -> None:
        value = state.current()
        state.ticked ^= {value} if value is not None else set()

    @bindings.add("a")
    def _all(event) -> None:
        every = {value for value, _ in state.choices}
        state.ticked = set() if state.ticked == every else every

    @bindings.add("enter")
    def _done(event) -> None:
        event.app.exit(result=[value for value, _ in state.choices if value in state.ticked])

    return _run_list(label, state, CHECK_KEYS, bindings, checks=True)


def text(label: str, default: str | None, words: Sequence[str] = (), meta=None) -> str:
    """The line typed (`default` on an empty line; "" when there is none), or `BACK`."""
    bindings = KeyBindings()
    _common_keys(bindings)

    @bindings.add("<", filter=Condition(lambda: not get_app().current_buffer.text))
    def _back(event) -> None:
        event.app.exit(result=BACK)

    completer = FuzzyWordCompleter(list(words), meta_dict=meta) if words else None
    keys = [("class:hint", f"  {COMPLETE_KEYS if words else TEXT_KEYS}\n")]
    session: PromptSession[str] = PromptSession(
        # The keys go above the question: a bottom toolbar shows only once the terminal has
        # answered a cursor position request, which not every terminal does.
        FormattedText(keys + _header(label, f" ({default})" if default else "")),
        completer=completer,
        complete_while_typing=bool(words),
        key_bindings=bindings,
        style=STYLE,
        erase_when_done=True,
        reserve_space_for_menu=6 if words else 0,
    )
    answer = session.prompt()
    if answer == BACK:
        return BACK
    return answer.strip() or (default or "")
