"""The wizard's first question: the provider name, checked at once against the catalogue.

A catalogue id (or a name the catalogue knows under a slightly different id) settles the
models.dev mapping, and with it every catalogue-derived default. On a terminal the ids are
offered as fuzzy completions while typing (Tab takes one). A valid name close to an id
("deepsek") or the start of just one ("deeps") is asked again with that id as the default:
Enter takes it, typing the same name again keeps it as a custom provider.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from typing import Any

from ..catalogue.models_dev import provider_name_from_id, suggest
from ..errors import InvalidInput
from ..spec.driver_spec import FIELD
from .prompt import BACK, Asker, reason

HELP = "The registry key and module name, e.g. acme (lower case, digits, underscores)."
#: How similar a typed name must be to a catalogue id for it to become the default answer.
CLOSE_ENOUGH = 0.8


def closest_id(catalogue: Mapping[str, Any], name: str) -> str | None:
    """The catalogue id `name` most likely misspells or starts (`deeps`: `deepseek`), if one
    is close enough."""
    starting = [cid for cid in catalogue if len(name) >= 3 and cid.startswith(name)]
    if len(starting) == 1:
        return starting[0]
    for cid in suggest(catalogue, name, n=1):
        label = str(catalogue[cid].get("name", "")).lower()
        ratio = max(
            difflib.SequenceMatcher(None, name, cid.lower()).ratio(),
            difflib.SequenceMatcher(None, name, label).ratio(),
        )
        if ratio >= CLOSE_ENOUGH:
            return cid
    return None


def catalogue_id(catalogue: Mapping[str, Any], answer: str) -> str | None:
    """The id `answer` names: the id itself, or the id whose provider name it is."""
    if isinstance(catalogue.get(answer), Mapping):
        return answer
    ids = [cid for cid in catalogue if provider_name_from_id(cid) == answer]
    return ids[0] if ids else None


def _check(name: str, existing: Collection[str], force: bool) -> str:
    FIELD["provider"].checked(name)
    if name in existing and not force:
        raise InvalidInput(
            f"PROVIDER: {name!r} already has a driver (use --force to regenerate it, "
            f"or `prompture remove-driver {name}` first)"
        )
    return name


def ask_provider(
    asker: Asker,
    catalogue: Mapping[str, Any],
    *,
    default: str | None = None,
    existing: Collection[str] = (),
    force: bool = False,
) -> tuple[str, str | None] | str:
    """`(provider, models.dev id or None)`, or `BACK`."""
    offered: tuple[str, str] | None = None  # (the name typed, the id offered for it)
    words = [(cid, str(e.get("name", ""))) for cid, e in sorted(catalogue.items())]
    while True:
        answer = asker.line("Provider", default, HELP, words=words)
        if answer == BACK:
            return BACK
        found = catalogue_id(catalogue, answer)
        name = provider_name_from_id(found) if found else answer
        try:
            _check(name, existing, force)
        except InvalidInput as exc:
            asker.error(reason(exc))
            continue
        if found:
            entry = catalogue[found]
            asker.note(f"{entry.get('name', found)} is in the models.dev catalogue ({found}): "
                       "its values are the defaults below.")  # fmt: skip
            return name, found
        close = closest_id(catalogue, name)
        if close and offered != (name, close):
            asker.error(f"{name!r} is not in the models.dev catalogue; did you mean {close!r}? "
                        f"Enter takes {close}, typing {name} again keeps your name.")  # fmt: skip
            offered, default = (name, close), close
            continue
        asker.note(f"{name} is not in the models.dev catalogue: a few questions follow.")
        return name, None
