"""Turn flags, a `--spec` file and the catalogue into one validated `DriverSpec`.

Precedence, highest first: flags > spec file > catalogue (section 5 of the scaffold spec) >
each field's declared default (`driver_spec`). A value nothing supplies is handed to an
`AskMissing` callable: the wizard plugs in there; without a terminal (or with `--yes`/
`--no-input`) `refuse_missing` answers with exit 2 and the flags to add.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from ..catalogue import models_dev as cat
from ..errors import InvalidInput, ProviderExists
from .checks import check_sdk
from .driver_spec import FIELD_NAMES, FIELDS, FLAGS, DriverSpec
from .toml_file import read_spec_file
from .validate import check_given
from .validate import validate as validate_spec
from .wires import ANTHROPIC_WIRES, KEYLESS_AUTHS, NOT_NATIVE

AskMissing = Callable[[tuple[str, ...], dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Request:
    """The raw inputs of one `add-driver` run (`answers`: only the flags actually given)."""

    provider: str | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)
    from_models_dev: str | None = None
    no_models_dev: bool = False
    spec_file: Path | None = None
    force: bool = False


def refuse_missing(missing: tuple[str, ...], answers: dict[str, Any]) -> NoReturn:
    """The non-interactive answer to missing values: exit 2 listing the flags to add."""
    flags = ", ".join(FLAGS[name] for name in missing)
    raise InvalidInput(
        f"missing required values: add {flags} (or --from-models-dev ID, or --spec FILE)"
    )


def build_spec(
    request: Request,
    *,
    existing: Collection[str] = (),
    taken_classes: Collection[str] = (),
    own_classes: Mapping[str, str] | None = None,
    load_catalogue: Callable[[], cat.Catalogue] = cat.load,
    ask_missing: AskMissing = refuse_missing,
    notes: list[str] | None = None,
) -> DriverSpec:
    """The validated spec; `existing` are the checkout's providers, `taken_classes` the class
    names its drivers package already defines (a new provider must not reuse them: a derived
    class name that does is derived anew from the provider key, with a note in `notes`),
    `own_classes` each existing provider's sync class (never a clash for that provider).
    Raises `InvalidInput`; whether an existing provider may be regenerated is `check_new`'s
    call."""
    if request.from_models_dev:  # an id, not a name: say so before it is turned into one
        cat.require_entry(load_catalogue(), request.from_models_dev, "--from-models-dev")
    answers = _given_answers(request)
    for attempt in range(2):
        check_given(
            answers, catalogue_endpoint=_catalogue_endpoint(request, answers, load_catalogue)
        )
        filled, missing = resolve(_with_catalogue(request, answers, load_catalogue))
        if not missing:
            break
        if attempt:
            refuse_missing(missing, answers)
        answers = ask_missing(missing, dict(answers))
    spec = validate_spec(DriverSpec(**_normalized(filled)))
    own_classes = own_classes or {}
    if spec.provider in existing:  # its own classes (as written, given, derived) are no clash
        stems = {cat.class_name_from_provider(spec.provider)}
        if own_classes.get(spec.provider):
            stems.add(own_classes[spec.provider].removesuffix("Driver"))
        if "class_name" in answers:
            stems.add(spec.class_name)
        taken_classes = set(taken_classes) - {f"{p}{s}Driver" for s in stems for p in ("", "Async")}
    return _free_class_name(spec, taken_classes, "class_name" in answers, notes)


def _given_answers(request: Request) -> dict[str, Any]:
    """The spec file under the flags, with the provider name settled when one is given."""
    if request.no_models_dev and request.answers.get("models_dev_name"):
        raise InvalidInput("--models-dev-name: cannot be combined with --no-models-dev")
    answers = read_spec_file(request.spec_file) if request.spec_file else {}
    answers.update(request.answers)
    if request.provider is not None:
        answers["provider"] = request.provider
    elif "provider" not in answers and request.from_models_dev:
        answers["provider"] = cat.provider_name_from_id(request.from_models_dev)
    return answers


def given_answers(request: Request) -> dict[str, Any]:
    """What the flags and the spec file say (validated later): the wizard never re-asks these
    unless `--ask` names them."""
    return _given_answers(request)


def derive(
    request: Request, answers: Mapping[str, Any], load_catalogue=cat.load
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`answers` with what `build_spec` would fill in (catalogue, then rules) and what is still
    missing, unvalidated and asking nothing: the wizard's defaults."""
    return resolve(_with_catalogue(request, dict(answers), load_catalogue))


def check_new(spec: DriverSpec, plan, existing: Collection[str], force: bool) -> None:
    """An existing provider is exit 3 unless `--force`, or the plan changes nothing (the same
    command run again is "nothing to change", not an error)."""
    if spec.provider in existing and not force and not plan.empty:
        raise ProviderExists(
            f"{spec.provider!r} already has a driver; use --force to regenerate it, "
            f"or `prompture remove-driver {spec.provider}` first"
        )


def _free_class_name(
    spec: DriverSpec, taken: Collection[str], given: bool, notes: list[str] | None
) -> DriverSpec:
    """`spec`, its class name derived anew from the provider key when the derived one is
    taken (``stepfun_ai`` beside ``StepFunDriver``: ``StepfunAi``); a given one must be free."""
    clash = next((n for n in (spec.sync_class, spec.async_class) if n in taken), None)
    if clash is None:
        return spec
    if given:
        raise InvalidInput(f"--class-name: {clash} already exists in the package")
    stem = "".join(part.capitalize() for part in spec.provider.split("_") if part)
    candidates = (stem, *(f"{stem}{n}" for n in range(2, len(taken) + 3)))
    free = next(c for c in candidates if not {f"{c}Driver", f"Async{c}Driver"} & set(taken))
    renamed = dataclasses.replace(spec, class_name=free)
    if notes is not None:
        notes.append(
            f"class name {renamed.sync_class}: {clash} already exists in the package "
            f"(set another with --class-name)"
        )
    return renamed


def _with_catalogue(request: Request, answers: dict[str, Any], load) -> dict[str, Any]:
    """`answers` over the catalogue's defaults, with `models_dev_name` settled."""
    name = _mapped_id(request, answers, load)
    source = request.from_models_dev or name
    merged = dict(answers)
    if source:
        flag = "--from-models-dev" if source == request.from_models_dev else "--models-dev-name"
        entry = cat.require_entry(load(), source, flag)
        found = cat.defaults(entry, answers.get("provider", ""), source)
        merged = _fit_catalogue({**found, **answers}, answers)
    merged["models_dev_name"] = name
    return merged


def _catalogue_endpoint(request: Request, answers: dict[str, Any], load) -> str | None:
    """The endpoint the catalogue would give, asked only when a given one holds a template."""
    if "${" not in str(answers.get("endpoint", "")):
        return None
    others = {name: value for name, value in answers.items() if name != "endpoint"}
    try:
        return _with_catalogue(request, others, load).get("endpoint")
    except InvalidInput:
        return None  # the given values are reported by `check_given` and what follows


def _fit_catalogue(merged: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """`merged` without the catalogue values that clash with the wire or with what was given
    (the rules decide those instead): a value nobody typed never fails a combination check."""
    compat = merged.get("compat", "")
    for capability in NOT_NATIVE.get(compat, ()):
        if capability not in given:
            merged.pop(capability, None)
    if compat in ANTHROPIC_WIRES and merged.get("auth") in KEYLESS_AUTHS and "auth" not in given:
        merged.pop("auth")
    if given.get("json_mode") is False and "json_schema" not in given:
        merged.pop("json_schema", None)
    return merged


def _mapped_id(request: Request, answers: dict[str, Any], load) -> str | None:
    """The models.dev id for `PROVIDER_MAP`: none with --no-models-dev, else the name given
    (which must exist), else --from-models-dev, else the provider's own id if catalogued."""
    if request.no_models_dev:
        return None
    if "models_dev_name" in answers:
        name = answers["models_dev_name"]
        if name:
            cat.require_entry(load(), name, "--models-dev-name")
        return name
    if request.from_models_dev:
        return request.from_models_dev
    provider = answers.get("provider")
    return provider if provider and isinstance(load().get(provider), Mapping) else None


def anthropic_base_url(endpoint: str) -> str:
    """`endpoint` as the Anthropic SDK's base URL: a last path segment ``/v1`` dropped.

    The SDK appends ``/v1/messages`` itself, while models.dev (after the AI SDK) writes the
    base URL with ``/v1``: kept, every request would go to ``.../v1/v1/messages``.
    """
    trimmed = endpoint.rstrip("/")
    host_start = trimmed.find("://") + 3
    if host_start > 2 and trimmed.endswith("/v1") and trimmed.rfind("/") > host_start:
        return trimmed.removesuffix("/v1")
    return endpoint


def resolve(answers: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """`answers` with the rule defaults filled in dependency order, and what is still missing
    (`sdk` counts as missing only once the wire format is known)."""
    filled = dict(answers)
    if "provider" not in filled:
        return filled, ("provider",)
    for declared in FIELDS:  # in dependency order: a default reads only earlier fields
        if declared.name not in filled and declared.default is not None:
            value = declared.default(filled)
            if value is not None:
                filled[declared.name] = value
    missing = [f.name for f in FIELDS if f.required and f.name not in filled]
    if "compat" in missing and "sdk" in missing:
        missing.remove("sdk")
    return filled, tuple(missing)


def with_defaults(**given: Any) -> DriverSpec:
    """A spec of `given` and every other field's declared default, without the catalogue and
    unchecked: a stand-in to plan with (`plan.places.preflight`)."""
    filled, missing = resolve({"models_dev_name": None, **given})
    if missing:
        raise ValueError(f"no default for {', '.join(missing)}")
    return DriverSpec(**{name: filled[name] for name in FIELD_NAMES})


def _normalized(answers: dict[str, Any]) -> dict[str, Any]:
    values = {name: answers[name] for name in FIELD_NAMES if name in answers}
    values["sdk"] = check_sdk(values["sdk"])
    if isinstance(values.get("display_name"), str):
        values["display_name"] = values["display_name"].strip()
    if values.get("compat") == "anthropic" and isinstance(values.get("endpoint"), str):
        values["endpoint"] = anthropic_base_url(values["endpoint"])
    extra = tuple(dict.fromkeys(values["extra_api_key_envs"]))
    values["extra_api_key_envs"] = tuple(e for e in extra if e != values["api_key_env"])
    return values
