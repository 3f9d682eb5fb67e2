"""The field registry: reusable field definitions for extraction models.

A definition is a dict: ``type`` (a Python type), ``description``, ``instructions``,
``default``, ``nullable`` and, for a closed set of values, ``enum``. `field_from_registry`
turns one into a pydantic ``Field`` (pydantic is imported only then). Text values may hold
``{{current_year}}``, ``{{current_date}}``... which are filled in when a definition is read.

The built-in definitions carry the names, types, defaults and enumerations of upstream
Prompture's, so models written against its registry extract the same shapes.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = [
    "BASE_FIELD_DEFINITIONS",
    "FieldDefinition",
    "add_field_definition",
    "add_field_definitions",
    "clear_registry",
    "field_from_registry",
    "get_field_definition",
    "get_field_names",
    "get_registry_snapshot",
    "get_required_fields",
    "normalize_enum_value",
    "register_field",
    "reset_registry",
    "validate_enum_value",
    "validate_field_definition",
]

FieldDefinition = dict[str, Any]


def _field(
    kind: type, description: str, instructions: str, default: Any, nullable: bool = True, **extra
) -> FieldDefinition:
    definition = {
        "type": kind,
        "description": description,
        "instructions": instructions,
        "default": default,
        "nullable": nullable,
    }
    definition.update(extra)
    return definition


BASE_FIELD_DEFINITIONS: dict[str, FieldDefinition] = {
    # People
    "name": _field(str, "The person's full name.", "Copy it as written.", "", False),
    "age": _field(
        int,
        "The person's age in whole years.",
        "If only a birth year is given, compute {{current_year}} minus it.",
        0,
        False,
    ),
    "birth_year": _field(int, "Year of birth (four digits).", "A four-digit year.", None),
    # Contact
    "email": _field(str, "Main email address.", "Lower case; must look like an address.", ""),
    "phone": _field(str, "Main phone number.", "Digits, in E.164 form when possible.", ""),
    "address": _field(str, "Full postal address.", "All parts of it in one string.", ""),
    # Work
    "occupation": _field(str, "Current job title or profession.", "The main one.", ""),
    "company": _field(str, "Current employer.", "The organisation's name, no legal suffix.", ""),
    "experience_years": _field(int, "Years of work experience.", "Total relevant years.", 0),
    # Provenance
    "source": _field(
        str, "Where the information comes from.", "e.g. 'resume', 'linkedin'.", "unknown", False
    ),
    "last_updated": _field(
        str,
        "When the information was last updated (ISO 8601).",
        "ISO 8601 date-time; {{current_datetime}} when unknown.",
        "{{current_datetime}}",
        False,
    ),
    "confidence_score": _field(
        float, "How sure the extraction is, from 0.0 to 1.0.", "A number in [0, 1].", 0.0, False
    ),
    # Places
    "city": _field(str, "City.", "Usual capitalisation.", ""),
    "state": _field(str, "State or province.", "Full name or its abbreviation.", ""),
    "postal_code": _field(str, "Postal or ZIP code.", "As written.", ""),
    "country": _field(str, "Country.", "Its English name.", ""),
    "coordinates": _field(str, "Latitude and longitude.", "As 'latitude,longitude'.", ""),
    # Demographics
    "gender": _field(str, "Gender.", "Only when stated.", ""),
    "nationality": _field(str, "Nationality.", "As a demonym.", ""),
    "marital_status": _field(str, "Marital status.", "single, married, divorced...", ""),
    "language": _field(str, "Main language spoken.", "The first or native language.", ""),
    # Education
    "education_level": _field(str, "Highest degree.", "High School, Bachelor's, PhD...", ""),
    "graduation_year": _field(int, "Year of graduation.", "A four-digit year.", None),
    "gpa": _field(float, "Grade point average.", "On a 4.0 scale.", None),
    # Money
    "salary": _field(float, "Yearly salary.", "A number, without currency signs.", None),
    "currency": _field(str, "Currency code.", "ISO 4217: USD, EUR, GBP...", "USD"),
    "bonus": _field(float, "Bonus amount.", "A number.", None),
    # Social media
    "sentiment": _field(
        str,
        "Overall sentiment.",
        "Classify the sentiment.",
        "neutral",
        enum=["positive", "negative", "neutral"],
    ),
    "hashtags": _field(str, "Hashtags in the content.", "Comma-separated.", ""),
    "mentions": _field(str, "@mentions in the content.", "Comma-separated.", ""),
    "topic": _field(str, "Main topic.", "The main subject or theme.", ""),
    # Tasks and assessments
    "priority": _field(
        str, "Priority.", "Pick the level.", "medium", enum=["low", "medium", "high", "urgent"]
    ),
    "status": _field(
        str,
        "Status.",
        "Pick the current state.",
        "pending",
        enum=["pending", "in_progress", "completed", "cancelled"],
    ),
    "risk_level": _field(
        str,
        "Risk level.",
        "Assess the risk.",
        "low",
        enum=["minimal", "low", "moderate", "high", "critical"],
    ),
    "tone": _field(
        str,
        "Tone of the text.",
        "Classify the tone.",
        "formal",
        enum=["formal", "informal", "optimistic", "pessimistic"],
    ),
}

_lock = threading.Lock()
_registry: dict[str, FieldDefinition] = dict(BASE_FIELD_DEFINITIONS)


def _template_values() -> dict[str, Any]:
    from datetime import date, datetime  # lazy: keeps `import prompture` light

    now = datetime.now()
    return {
        "current_year": now.year,
        "current_date": date.today().isoformat(),
        "current_datetime": now.isoformat(),
        "current_timestamp": int(now.timestamp()),
        "current_month": now.month,
        "current_day": now.day,
        "current_weekday": now.strftime("%A"),
        "current_iso_week": now.isocalendar().week,
    }


def _fill(text: str, values: dict[str, Any]) -> str:
    if "{{" not in text:
        return text
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    return text


def get_field_definition(
    field_name: str,
    apply_templates: bool = True,
    custom_template_vars: dict[str, Any] | None = None,
) -> FieldDefinition | None:
    """A copy of the definition of `field_name` (templates filled in), or None."""
    with _lock:
        definition = _registry.get(field_name)
    if definition is None:
        return None
    copied = dict(definition)
    if apply_templates:
        values = {**_template_values(), **(custom_template_vars or {})}
        for key, value in copied.items():
            if isinstance(value, str):
                copied[key] = _fill(value, values)
    return copied


def get_field_names() -> list[str]:
    """Every registered field name."""
    with _lock:
        return list(_registry)


def get_required_fields() -> list[str]:
    """The names of the fields that may not be null."""
    with _lock:
        return [name for name, d in _registry.items() if not d.get("nullable", True)]


def validate_field_definition(definition: Any) -> bool:
    """Whether `definition` is a usable field definition (a dict with a type and a description).

    ``type`` may be a Python type or a type name; ``nullable`` must be a bool when given and
    ``enum`` a list or tuple.
    """
    if not isinstance(definition, dict):
        return False
    if not isinstance(definition.get("type"), type | str):
        return False
    if not isinstance(definition.get("description"), str):
        return False
    if "nullable" in definition and not isinstance(definition["nullable"], bool):
        return False
    return "enum" not in definition or isinstance(definition["enum"], list | tuple)


def register_field(field_name: str, field_definition: FieldDefinition) -> None:
    """Add or replace `field_name` in the registry; ValueError if the definition is unusable."""
    if not validate_field_definition(field_definition):
        raise ValueError(
            f"invalid field definition for {field_name!r}: it needs at least a 'type' and a "
            "'description'"
        )
    with _lock:
        _registry[field_name] = dict(field_definition)


def add_field_definition(field_name: str, field_definition: FieldDefinition) -> None:
    """Same as `register_field`."""
    register_field(field_name, field_definition)


def add_field_definitions(field_definitions: dict[str, FieldDefinition]) -> None:
    """Register several definitions at once."""
    for name, definition in field_definitions.items():
        register_field(name, definition)


def get_registry_snapshot() -> dict[str, FieldDefinition]:
    """A copy of the whole registry."""
    with _lock:
        return dict(_registry)


def clear_registry() -> None:
    """Remove every definition, the built-in ones included."""
    with _lock:
        _registry.clear()


def reset_registry() -> None:
    """Back to the built-in definitions only."""
    with _lock:
        _registry.clear()
        _registry.update(BASE_FIELD_DEFINITIONS)


def field_from_registry(
    field_name: str,
    apply_templates: bool = True,
    custom_template_vars: dict[str, Any] | None = None,
) -> Any:
    """A pydantic ``Field`` built from the registered definition of `field_name`.

    Nullable fields get their default (None when there is none); the others are required.
    An ``enum`` goes into the JSON schema and the description. KeyError for an unknown name.
    """
    from pydantic import Field

    definition = get_field_definition(field_name, apply_templates, custom_template_vars)
    if definition is None:
        raise KeyError(
            f"field {field_name!r} is not registered (known: {', '.join(get_field_names())})"
        )
    description = str(definition.get("description") or f"The {field_name}.")
    extra: dict[str, Any] = {}
    instructions = str(definition.get("instructions") or "")
    choices = definition.get("enum")
    if isinstance(choices, list | tuple) and choices:
        listed = ", ".join(str(choice) for choice in choices)
        description = f"{description} One of: {listed}."
        extra["enum"] = list(choices)
    if instructions:
        extra["instructions"] = instructions
    kwargs: dict[str, Any] = {"description": description}
    if extra:
        kwargs["json_schema_extra"] = extra
    if definition.get("nullable", True):
        return Field(default=definition.get("default"), **kwargs)
    return Field(**kwargs)


def validate_enum_value(field_name: str, value: Any) -> bool:
    """Whether `value` is allowed for `field_name` (any value is, for a field without enum)."""
    definition = get_field_definition(field_name, apply_templates=False)
    if definition is None:
        return False
    choices = definition.get("enum")
    return not isinstance(choices, list | tuple) or not choices or value in choices


def normalize_enum_value(field_name: str, value: Any, case_sensitive: bool = True) -> Any:
    """`value` as spelt in the enum of `field_name`; ValueError when it is not one of them.

    None passes for a nullable field; KeyError for an unknown field.
    """
    definition = get_field_definition(field_name, apply_templates=False)
    if definition is None:
        raise KeyError(f"field {field_name!r} is not registered")
    choices = definition.get("enum")
    if not isinstance(choices, list | tuple) or not choices:
        return value
    if value is None:
        if definition.get("nullable", True):
            return None
        raise ValueError(f"field {field_name!r} may not be null")
    for choice in choices:
        same = str(choice) == str(value)
        if same or (not case_sensitive and str(choice).lower() == str(value).lower()):
            return choice
    allowed = ", ".join(repr(choice) for choice in choices)
    raise ValueError(f"{value!r} is not allowed for {field_name!r}: use one of {allowed}")
