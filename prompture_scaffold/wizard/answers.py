"""The wizard's answers: what the flags gave, what the user typed, what Enter accepted.

An answer typed differently from its default sticks. A default accepted with Enter is
dropped when an earlier answer (in `FLOW` order) changes, so that it follows that answer: a
new provider brings its own catalogue values, a new wire format its own SDK.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..catalogue import models_dev as cat
from ..spec.build import Request, derive, given_answers
from ..spec.driver_spec import CAPABILITIES, FIELDS


def _keys(asked: str) -> tuple[str, ...]:
    """The question keys of the fields `asked` so, in field order: the SDK's version right
    after the SDK, the capabilities' one line where the first capability is."""
    keys: list[str] = []
    for field in FIELDS:
        if field.asked == asked:
            keys += [field.name, "sdk_version"] if field.name == "sdk" else [field.name]
        elif field.asked == "capability" and asked == "flow" and "capabilities" not in keys:
            keys.append("capabilities")
    return tuple(keys)


#: The questions of every run, in order.
FLOW = _keys("flow")
#: Asked only when `--ask` names them or the user picks them at the confirmation.
EXTRA = _keys("extra")


def fields_of(key: str) -> tuple[str, ...]:
    """The `DriverSpec` fields question `key` sets."""
    return {"capabilities": CAPABILITIES, "sdk_version": ("sdk",)}.get(key, (key,))


class Answers:
    """The answers of one wizard run over `request`."""

    def __init__(self, request: Request, load_catalogue=cat.load) -> None:
        self.request, self.load = request, load_catalogue
        self.values = given_answers(request)
        flagged = request.from_models_dev or request.no_models_dev
        self.given = set(self.values) | ({"models_dev_name"} if flagged else set())
        self.answered: set[str] = set()  # set by the wizard (typed or accepted)
        self.typed: set[str] = set()

    def request_now(self) -> Request:
        """The request as the answers stand (the wizard's models.dev answer beats the flags)."""
        mine = "models_dev_name" in self.answered
        return dataclasses.replace(
            self.request, provider=None, answers=dict(self.values), spec_file=None,
            from_models_dev=None if mine else self.request.from_models_dev,
            no_models_dev=self.request.no_models_dev and not mine,
        )  # fmt: skip

    def derive(self) -> tuple[dict[str, Any], tuple[str, ...]]:
        """What `build_spec` would make of the answers so far, and what is still missing."""
        return derive(self.request_now(), self.values, self.load)

    def record(
        self, key: str, updates: dict[str, Any], filled: dict[str, Any], accepted: bool = False
    ) -> None:
        """Store question `key`'s answer; `filled` holds the defaults it was asked with
        (`accepted`: a value the wizard chose, to be dropped like an accepted default)."""
        changed = any(self.values.get(f, filled.get(f)) != new for f, new in updates.items())
        if changed and key in FLOW:
            later = {f for k in FLOW[FLOW.index(key) + 1 :] for f in fields_of(k)}
            droppable = self.answered - self.typed - self.given - set(updates)
            for name in later & droppable:
                self.values.pop(name, None)
                self.answered.discard(name)
        for name, value in updates.items():
            self.values[name] = value
            self.answered.add(name)
            if not accepted and value != filled.get(name):
                self.typed.add(name)

    def source(self, fields: tuple[str, ...], spec) -> str:
        """Where the values of `fields` came from, for the summary table."""
        if self.typed & set(fields):
            return "you"
        if any(f in self.given and f not in self.answered for f in fields):
            return "flag/spec"
        entry = self.load().get(spec.models_dev_name or "")
        known = cat.defaults(entry, spec.provider) if isinstance(entry, Mapping) else {}
        known = {**known, "models_dev_name": spec.models_dev_name} if known else known
        from_catalogue = [f for f in fields if f in known]
        if from_catalogue and all(known[f] == getattr(spec, f) for f in from_catalogue):
            return "models.dev"
        return "default"
