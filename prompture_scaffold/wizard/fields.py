"""The wizard's questions: one per `DriverSpec` field, derived from its declaration.

A field's declaration (`spec.driver_spec`) gives the question its words, its choices, when it
applies and the check an answer must pass; this module adds only what a typed answer needs
beyond that: the catalogue's entries as options, ``-`` for none, and the SDK's version asked
apart from its name. The provider question, with its did-you-mean, lives in `provider`;
capabilities share one line (`question.capabilities_question`).
"""

from __future__ import annotations

from typing import Any

from ..catalogue.models_dev import require_entry
from ..spec.driver_spec import FIELDS, Field
from ..spec.validate import TYPED_ENDPOINT
from ..spec.wires import third_party
from .question import Filled, Question, field_question, is_none, items


def _split_requirement(sdk: str) -> tuple[str, str]:
    """`(name[extras], specifier)` of a requirement; an invalid one (from a spec file, checked
    later) is all name."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(sdk)
    except InvalidRequirement:
        return sdk, ""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return req.name + extras, str(req.specifier)


def _sdk_version(field: Field):
    def parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        name, _ = _split_requirement(filled["sdk"])
        spec = "" if is_none(text) else (f">={text}" if text[:1].isdigit() else text)
        return {"sdk": field.checked(name + spec, filled)}

    def show(filled: Filled) -> str | None:
        return (
            _split_requirement(filled["sdk"])[1] or "-" if third_party(filled.get("sdk")) else None
        )

    explain = "The version the optional extra asks for, e.g. >=1.2 (- for any)."
    return Question("sdk_version", "SDK version", explain, parse, show,
                    lambda filled: third_party(filled.get("sdk")))  # fmt: skip


def _models_dev(field: Field):
    def parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        if is_none(text):
            return {field.name: None}
        require_entry(catalogue, text, field.flag)
        return {field.name: field.checked(text, filled)}

    return parse


def _endpoint(field: Field):
    def parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        url = "" if is_none(text) else text
        # The offered default may be a catalogue base-URL template (`${VAR}`): accepting it
        # keeps it. A typed template is refused, so one already filled in came from there.
        if url != filled.get(field.name):
            TYPED_ENDPOINT.checked(url)
        return {field.name: field.checked(url, filled)}

    return parse


def _listed(field: Field):
    def parse(text: str, filled: Filled, catalogue) -> dict[str, Any]:
        return {field.name: field.checked(tuple(items(text)), filled)}

    return parse


def _catalogue_ids(filled: Filled, catalogue) -> tuple[tuple[str, str], ...]:
    return tuple((cid, str(e.get("name", ""))) for cid, e in sorted(catalogue.items()))


def _catalogue_models(filled: Filled, catalogue) -> tuple[tuple[str, str], ...]:
    entry = catalogue.get(filled.get("models_dev_name") or "") or {}
    models = entry.get("models") if isinstance(entry, dict) else None
    return tuple((m, str(models[m].get("name", ""))) for m in sorted(models or {})
                 if isinstance(models[m], dict))  # fmt: skip


#: What some answers need beyond their field's declaration: a parser, or options to offer.
_PARSERS = {"models_dev_name": _models_dev, "endpoint": _endpoint,
            "extra_api_key_envs": _listed}  # fmt: skip
_OPTIONS = {"models_dev_name": _catalogue_ids, "default_model": _catalogue_models}


def _questions() -> dict[str, Question]:
    found: dict[str, Question] = {}
    for field in FIELDS:
        if field.asked == "capability" or field.name == "provider":
            continue
        parse = _PARSERS[field.name](field) if field.name in _PARSERS else None
        found[field.name] = field_question(field, parse, _OPTIONS.get(field.name))
        if field.name == "sdk":
            found["sdk_version"] = _sdk_version(field)
    return found


QUESTIONS = _questions()
