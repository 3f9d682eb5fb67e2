"""Checking answers against the field declarations: the values given, then a whole spec."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .checks import check_combination, check_no_expansion
from .driver_spec import FIELD, FIELDS, DriverSpec

#: A typed endpoint: no ``${`` either (python-dotenv would expand it in `.env`); only the
#: catalogue's own URL may be a base-URL template.
TYPED_ENDPOINT = dataclasses.replace(
    FIELD["endpoint"], check=lambda value, answers: check_no_expansion(value)
)


def check_given(answers: Mapping[str, Any], *, catalogue_endpoint: str | None = None) -> None:
    """Check the values the flags and spec file give before anything is derived or found
    missing, so a wrong value (``compat = "grpc"``) is the error reported, not what it hides.

    `catalogue_endpoint`: the base URL the catalogue gives this provider. A given endpoint
    equal to it came from there (the wizard's accepted default, a saved spec replayed), so
    its ``${VAR}`` placeholders are the catalogue's template, not typed text."""
    for field in FIELDS:
        if field.name in answers:
            field.checked(answers[field.name], answers)
    url = answers.get("endpoint")
    if isinstance(url, str) and url != catalogue_endpoint:
        TYPED_ENDPOINT.checked(url)


def validate(spec: DriverSpec) -> DriverSpec:
    """Check every field; return the spec unchanged or raise `InvalidInput` naming the flag."""
    values = spec.to_dict()
    for field in FIELDS:
        field.checked(getattr(spec, field.name), values)
    check_combination(values)
    return spec
