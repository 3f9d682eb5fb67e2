"""`prompture providers TERM`: the catalogue providers matching a term, as rows of data.

Pure over the catalogue mapping (models.dev's `api.json` shape) and the checkout's drivers; the
command only renders the rows. A provider matches when the term, case-insensitively, is part of
its id, its display name or the checkout's key for it ("grok" finds `xai`), also with
punctuation and spaces ignored ("zai" finds "Z.AI", "lmstudio" finds "LM Studio"), or is a
near spelling of one of them ("deepsek" finds "deepseek").
Exact ids come first, then prefixes, then other parts, then near spellings; ties by id.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .models_dev import NPM_COMPAT, Catalogue

#: How close a near spelling must be (difflib ratio); below it only did-you-mean suggests it.
FUZZY_CUTOFF = 0.8


@dataclass(frozen=True)
class ProviderRow:
    """One catalogue provider as `providers` shows it.

    `drivers` holds the checkout's provider keys whose driver serves this catalogue id (`grok`
    for `xai`); None when there is no checkout to compare with.
    """

    id: str
    name: str
    wire_format: str  # openai, anthropic or other (the catalogue's `npm` package)
    models: int
    key_env: str | None  # the catalogue's first key variable (`env[0]`)
    drivers: tuple[str, ...] | None

    @property
    def has_driver(self) -> bool | None:
        return None if self.drivers is None else bool(self.drivers)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["drivers"] = list(self.drivers or ())
        return data | {"has_driver": self.has_driver}


def wire_format(entry: Mapping[str, Any]) -> str:
    """`openai` or `anthropic` when the catalogue's `npm` package says so, else `other`."""
    return NPM_COMPAT.get(str(entry.get("npm", "")), "other")


def drivers_by_catalogue_id(
    providers: Iterable[str], provider_map: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """Catalogue id -> the checkout's provider keys serving it: through `PROVIDER_MAP`, else
    the key itself (the runtime tries an unmapped key as a models.dev id too)."""
    found: dict[str, tuple[str, ...]] = {}
    for key in providers:
        cid = provider_map.get(key, key)
        found[cid] = (*found.get(cid, ()), key)
    return found


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _rank(term: str, texts: Iterable[str]) -> int | None:
    """0 exact, 1 prefix, 2 part of a text, 3 near spelling; None: no match."""
    if not term:
        return 2
    needle, squashed, texts = term.lower(), _squash(term), [t.lower() for t in texts]
    for rank, test in ((0, str.__eq__), (1, str.startswith), (2, str.__contains__)):
        for text in texts:
            if test(text, needle) or (squashed and test(_squash(text), squashed)):
                return rank
    ratio = max(difflib.SequenceMatcher(None, needle, text).ratio() for text in texts)
    return 3 if ratio >= FUZZY_CUTOFF else None


def search(
    catalogue: Catalogue,
    term: str | None,
    drivers: Mapping[str, tuple[str, ...]] | None = None,
) -> list[ProviderRow]:
    """The providers matching `term` (all of them for None or ""), best matches first.

    `drivers` is `drivers_by_catalogue_id(...)` of the checkout, or None without one.
    """
    ranked = []
    for cid, entry in catalogue.items():
        name = str(entry.get("name") or cid)
        keys = None if drivers is None else drivers.get(cid, ())
        rank = _rank((term or "").strip(), (cid, name, *(keys or ())))
        if rank is None:
            continue
        env = entry.get("env") or ()
        row = ProviderRow(
            id=cid,
            name=name,
            wire_format=wire_format(entry),
            models=len(entry.get("models") or {}),
            key_env=str(env[0]) if env else None,
            drivers=keys,
        )
        ranked.append((rank, cid, row))
    return [row for _, _, row in sorted(ranked, key=lambda item: item[:2])]
