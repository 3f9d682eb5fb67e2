"""The `add-driver` wizard: ask what the flags did not say, show the change, then confirm.

It is `build_spec`'s `ask_missing`, so flags, spec files and the wizard all end in the same
validated `DriverSpec`::

    run(make) ── only --ask fields to ask? walk(those)
      ├─ make(request, ask_missing) ── build_spec ── values missing? ── walk(every question)
      └─ review ── summary, diff ── "Write these changes? [y/n/e/q]"
                     y: done · n/e: re-ask one answer, make, review again · q: `Quit`

Questions come in `FLOW` order (`answers`); one given by a flag or the spec file is
skipped unless `--ask` names it. Ctrl-C or end of input raises `errors.Aborted` anywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from typing import Any, TextIO

from rich.console import Console

from ..catalogue import models_dev as cat
from ..errors import InvalidInput
from ..spec.build import Request, refuse_missing
from .answers import EXTRA, FLOW, Answers, fields_of
from .prompt import BACK, Asker, reason
from .review import ROWS, changed_since, show_diff, summary
from .walk import walk

#: `make(request, ask_missing)`: build the spec and plan it (the command's side of the run).
Make = Callable[[Request, Callable], tuple[Any, Any]]
_EDIT_KEYS = {"sdk": ("sdk", "sdk_version", "lazy")}
_CONFIRM_HELP = "y writes them; n or e changes an answer; d shows the diff again; q quits."
_BACK_HELP = "< goes back to the confirmation."
_CONFIRM_CHOICES = (
    ("y", "yes: write these changes"),
    ("e", "no: change an answer first"),
    ("d", "show the whole diff again"),
    ("q", "quit: write nothing"),
)


class Quit(Exception):
    """The user answered q at the confirmation: nothing is written."""


class Wizard:
    """One interactive `add-driver` run (see the module docstring). `review=False` (a dry run)
    asks the questions but leaves showing the change to the caller."""

    def __init__(self, request: Request, *, console: Console, stream: TextIO | None = None,
                 existing: Collection[str] = (), ask_fields: Collection[str] = (),
                 load_catalogue=cat.load, review: bool = True) -> None:  # fmt: skip
        self.answers = Answers(request, load_catalogue)
        self.asker = Asker(console, stream)
        self.existing, self.ask_fields = set(existing), set(ask_fields)
        self.force, self.review = request.force, review
        self.asked = False

    def ask_missing(self, missing: tuple[str, ...], answers: dict[str, Any]) -> dict[str, Any]:
        """`build_spec`'s hook: every question the first time, then only what is missing."""
        self.answers.values.update(answers)
        if not self.asked:
            self._walk(FLOW + EXTRA, self._pick_all)
        while missing := self.answers.derive()[1]:
            if not self._walk(FLOW, lambda key: tuple(f for f in fields_of(key) if f in missing)):
                refuse_missing(missing, answers)
        return dict(self.answers.values)

    def run(self, make: Make):
        """`(spec, plan, confirmed)`; `confirmed` is False when nothing was asked (the caller
        confirms the plain way then). Raises `Quit` or `Aborted`."""
        if self.ask_fields and not self.answers.derive()[1]:
            self._walk(FLOW + EXTRA, self._pick_forced)
        spec, plan = self._make(make)
        if not self.asked or not self.review:
            return spec, plan, False
        shown: dict[str, str] = {}  # path -> the diff the user last saw for it
        while not plan.empty:
            table = summary(spec, functools.partial(self.answers.source, spec=spec))
            diff, note = changed_since(shown, plan.changes) if shown else (plan.diff, "")
            show_diff(self.asker, diff, table, note)
            shown = {change.path: change.diff for change in plan.changes}
            if self._confirmed(plan.diff):
                break
            self.edit()
            spec, plan = self._make(make)
        return spec, plan, True

    def _walk(self, keys: tuple[str, ...], pick) -> bool:
        asked = walk(self.answers, self.asker, keys, pick, existing=self.existing, force=self.force)
        self.asked = self.asked or asked
        return asked

    def _pick_forced(self, key: str) -> tuple[str, ...]:
        return tuple(f for f in fields_of(key) if f in self.ask_fields)

    def _pick_all(self, key: str) -> tuple[str, ...]:
        if key in EXTRA:
            return self._pick_forced(key)
        given = self.answers.given - self.ask_fields
        return tuple(f for f in fields_of(key) if f not in given)

    def _pick_provider_again(self, key: str) -> tuple[str, ...]:
        return ("provider",) if key == "provider" else self._pick_all(key)

    def _make(self, make: Make):
        """The spec and plan; a value the checks refuse (a class name taken...) is re-asked."""
        while True:
            try:
                return make(self.answers.request_now(), self.ask_missing)
            except InvalidInput as exc:
                if not self.asked:
                    raise
                self.asker.error(reason(exc))
                self.edit()

    def _confirmed(self, diff: str) -> bool:
        while True:
            answer = self.asker.choose(
                "Write these changes? [y/n/e/q]", _CONFIRM_CHOICES, None, _CONFIRM_HELP
            )
            if answer.lower() in ("y", "yes"):
                return True
            if answer.lower() in ("q", "quit"):
                raise Quit("nothing written")
            if answer.lower() in ("n", "no", "e", "edit", BACK):
                return False
            if answer.lower() == "d":
                show_diff(self.asker, diff)
            else:
                self.asker.error("answer y, n, e or q (d shows the diff again)")

    def edit(self) -> None:
        """Pick an answer (a row number of the summary, or its name) and ask it again."""
        labels = [label for label, _ in ROWS]
        choices = [(label, f"{n:>2}  {label}") for n, label in enumerate(labels, 1)]
        while True:
            text = self.asker.choose("Change which answer? (# or name)", choices, None, _BACK_HELP)
            if text == BACK:
                return
            key = labels[int(text) - 1] if text.isdigit() and 0 < int(text) <= len(ROWS) else text
            if key not in labels:
                self.asker.error(f"pick 1-{len(ROWS)} or one of: {', '.join(labels)}")
            elif key == "provider" and self._walk(FLOW, self._pick_provider_again):
                return  # a new provider brings new defaults: every question again
            elif self._walk(_EDIT_KEYS.get(key, (key,)), fields_of):
                return
            else:
                self.asker.error(f"{key} does not apply to these answers")
