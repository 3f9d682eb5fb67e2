"""The wizard's question loop: the questions that apply, in order, each validated at once.

A refused answer is re-asked with the reason; `<` goes back to the previous question asked
(its answer becomes the default). Defaults are recomputed before every question, so they
always follow the answers given so far.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from ..errors import InvalidInput
from .answers import Answers
from .fields import QUESTIONS
from .prompt import BACK, Asker, reason
from .provider import ask_provider
from .question import Question, capabilities_question

#: `pick(key)`: the fields question `key` should ask about now (empty: skip it).
Pick = Callable[[str], tuple[str, ...]]


def _question(key: str, covered: tuple[str, ...], filled: Mapping[str, Any]) -> Question | None:
    """Question `key` about the `covered` fields, None when it does not apply."""
    if not covered:
        return None
    if key == "capabilities":
        return capabilities_question(covered)
    question = QUESTIONS[key]
    return question if question.when(filled) else None


def _prompt(question: Question, asker: Asker, filled, catalogue) -> str:
    """The text typed, or chosen by keys (the parser reads both the same way)."""
    options, default = question.options(filled, catalogue), question.show(filled)
    if question.kind == "choice":
        return asker.choose(question.label, options, default, question.help)
    if question.kind == "checks":
        ticked = [value for value, _ in options if filled.get(value)]
        return asker.checks(question.label, options, ticked, question.help)
    return asker.line(question.label, default, question.help, words=options)


def _ask(question: Question, asker: Asker, filled, catalogue) -> dict[str, Any] | str:
    while True:
        text = _prompt(question, asker, filled, catalogue)
        if text == BACK:
            return BACK
        try:
            return question.parse(text, filled, catalogue)
        except InvalidInput as exc:
            asker.error(reason(exc))


def walk(
    answers: Answers,
    asker: Asker,
    keys: tuple[str, ...],
    pick: Pick,
    *,
    existing: Collection[str] = (),
    force: bool = False,
) -> bool:
    """Ask the questions of `keys` that `pick` wants and that apply; True if any was asked."""
    catalogue = answers.load()
    index, history, asked = 0, [], False
    while index < len(keys):
        key, (filled, _) = keys[index], answers.derive()
        covered = pick(key)
        if key == "provider" and covered:
            got = ask_provider(asker, catalogue, default=filled.get("provider"),
                               existing=existing, force=force)  # fmt: skip
        elif question := _question(key, covered, filled):
            got = _ask(question, asker, filled, catalogue)
        else:
            index += 1
            continue
        asked = True
        if got == BACK:
            if history:
                index = history.pop()
            else:
                asker.error("this is the first question")
            continue
        if key == "provider":
            _record_provider(answers, got, filled)
        else:
            answers.record(key, got, filled)
        history.append(index)
        index += 1
    return asked


def _record_provider(answers: Answers, got: tuple[str, str | None], filled) -> None:
    """The provider name, and the catalogue id it was found under (an accepted value)."""
    name, found = got
    answers.record("provider", {"provider": name}, filled)
    if found and answers.derive()[0].get("models_dev_name") != found:
        answers.record("models_dev_name", {"models_dev_name": found}, filled, accepted=True)
