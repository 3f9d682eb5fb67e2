"""What a wizard question is, and the answer parsers many questions share.

A `Question` turns the text typed into `DriverSpec` field values with the checks the flags go
through (each field's declared check, `spec.driver_spec`), raising `InvalidInput` with the
reason, and says when it applies and what its default looks like, both from the values
`build_spec` would derive so far (`filled`). `field_question` makes one from a field's
declaration; capabilities share one question (`capabilities_question`). `kind` says how it
is asked:
"text" (with `options` as completions), "choice" (one of `options`) or "checks" (any of them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput
from ..spec.checks import check_combination
from ..spec.driver_spec import FIELD, FLAGS, Field

Filled = Mapping[str, Any]
Parse = Callable[[str, Filled, Mapping[str, Any]], dict[str, Any]]
#: `(value, what a list shows)` pairs, from the values so far and the catalogue.
Options = Callable[[Filled, Mapping[str, Any]], tuple[tuple[str, str], ...]]
YES_NO = (("yes", "yes"), ("no", "no"))


def no_options(filled: Filled, catalogue: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    return ()


@dataclass(frozen=True)
class Question:
    """`parse(answer, filled, catalogue)` gives the new field values or raises `InvalidInput`."""

    key: str
    label: str
    help: str
    parse: Parse
    show: Callable[[Filled], str | None]
    when: Callable[[Filled], bool] = lambda filled: True
    kind: str = "text"
    options: Options = no_options


def yes_no(text: str, name: str) -> bool:
    """y/yes/true or n/no/false (any case), else `InvalidInput` for field `name`."""
    if text.lower() in ("y", "yes", "true"):
        return True
    if text.lower() in ("n", "no", "false"):
        return False
    raise InvalidInput(f"{FLAGS[name]}: answer y or n, not {text!r}")


def is_none(text: str) -> bool:
    """Whether `text` means "none": `-` or `none`."""
    return text.lower() in ("-", "none")


def items(text: str) -> list[str]:
    """The comma- or space-separated items of `text` (none for `-`)."""
    return [] if is_none(text) else [t for t in text.replace(",", " ").split() if t]


def expanded(text: str, choices: tuple[str, ...]) -> str:
    """`text`, or the one choice it starts (`o`: openai), as typing filters the keyboard list."""
    starting = [c for c in choices if text and c.startswith(text.lower())]
    return starting[0] if text not in choices and len(starting) == 1 else text


def listed(choices: Mapping[str, str]) -> Options:
    """Fixed choices, each shown with what it means."""
    width = max(map(len, choices))
    shown = tuple((value, f"{value:<{width}}  {text}") for value, text in choices.items())
    return lambda filled, catalogue: shown


def field_question(field: Field, parse: Parse | None = None, options: Options | None = None
                   ) -> Question:  # fmt: skip
    """The question of `field`, all from its declaration: its words, its choices (or yes/no),
    when it applies, its default; an answer passes the field's check, then the rules between
    fields on the answers so far. `parse` and `options` replace the derived ones."""
    label = field.label
    if field.is_bool:
        label += " [y/n]"
        parse = parse or boolean(field.name)
    elif field.choices:
        label += f" [{'/'.join(field.choices)}]"
        choices = tuple(field.choices)
        parse = parse or (lambda text, filled, catalogue: {
            field.name: field.checked(expanded(text, choices), filled)})  # fmt: skip
    else:
        parse = parse or (lambda text, filled, catalogue: {field.name: field.checked(text, filled)})
    kind = "choice" if field.is_bool or field.choices else "text"
    if options is None:
        options = (lambda f, c: YES_NO) if field.is_bool else listed(field.choices or {"": ""})
        options = no_options if kind == "text" else options

    def checked_parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        updates = parse(text, filled, catalogue)
        check_combination({**filled, **updates})
        return updates

    return Question(field.name, label, field.explain, checked_parse, default_of(field.name),
                    field.when, kind, options)  # fmt: skip


def boolean(name: str) -> Parse:
    """A parser setting the boolean field `name` from a y/n answer."""
    return lambda text, filled, catalogue: {name: yes_no(text, name)}


def default_of(name: str) -> Callable[[Filled], str | None]:
    """The default answer for field `name` (None: no default, the answer is required)."""

    def show_value(filled: Filled) -> str | None:
        value = filled.get(name)
        if value is None:
            return "-" if name == "models_dev_name" else None
        if isinstance(value, bool):
            return "y" if value else "n"
        if isinstance(value, tuple | list):
            return ", ".join(value) or "-"
        return value or "-"

    return show_value


def capabilities_question(covered: tuple[str, ...]) -> Question:
    """One line for several capabilities (the ones on, comma-separated), y/n for just one."""
    if len(covered) == 1:
        name = covered[0]
        label = f"Supports {name.replace('_', ' ')}? [y/n]"
        return Question("capabilities", label, FIELD[name].explain, boolean(name),
                        default_of(name), kind="choice", options=lambda f, c: YES_NO)  # fmt: skip

    def parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        chosen = items(text)
        unknown = [c for c in chosen if c not in covered]
        if unknown:
            raise InvalidInput(f"unknown {unknown[0]!r}; choose from {', '.join(covered)}")
        return {name: name in chosen for name in covered}

    def default(filled: Filled) -> str:
        return ", ".join(c for c in covered if filled.get(c)) or "-"

    def options(filled: Filled, catalogue) -> tuple[tuple[str, str], ...]:
        width = max(map(len, covered))
        return tuple((c, f"{c:<{width}}  {FIELD[c].explain}") for c in covered)

    help = f"Comma-separated, - for none; from: {', '.join(covered)}."
    return Question("capabilities", "Capabilities", help, parse, default, kind="checks",
                    options=options)  # fmt: skip
