"""`DriverSpec`: the validated answers describing one provider driver, each field declared once.

The wizard, the flags, `--spec` files and the catalogue all produce this one frozen object;
templates and edits read only from it. Each field is declared here, on the class, with
`spec_field`: its flag and the flag's help, its wizard question, its check and its default
rule. Everything else is derived from that one declaration: `add-driver`'s options
(`commands.add_driver`), the error messages' flag names (`FLAGS`), the checks of given values
and of a whole spec (`validate`), the defaults and what is still missing (`build`), the
wizard's questions and their order (`wizard.fields`) and the review table (`wizard.review`).
Spec files are TOML whose keys are the field names (see `prompture/drivers/specs/*.toml`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import InvalidInput
from . import checks
from .wires import (
    AUTH_CHOICES,
    DEFAULT_SDKS,
    HTTP_SDKS,
    KEY_AUTHS,
    TEMPLATE_CHOICES,
    WIRE_CHOICES,
    json_mode_native,
    needs_endpoint,
    third_party,
)

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    """What one `DriverSpec` field says about itself (see `spec_field`)."""

    name: str
    #: The flag's help, the wizard's question and the line of help shown under it.
    help: str
    label: str
    explain: str
    #: ``check(value, answers)``: the value, normalised, or `checks.Refused` saying why.
    check: Callable[[Any, Answers], Any]
    #: ``default(answers)``: the value when nothing gives one; None: none yet.
    default: Callable[[Answers], Any] | None = None
    #: Missing values that `build_spec` asks for (or names the flags of) rather than derive.
    required: bool = False
    #: The allowed values, each with what it means (a choice question; the flag's choices).
    choices: Mapping[str, str] | None = None
    #: When the wizard asks: "flow" in every run, "extra" only when `--ask` names it or the
    #: user picks it at the confirmation, "capability" on the capabilities' one line.
    asked: str = "flow"
    #: Whether the question applies, given the answers so far.
    when: Callable[[Answers], bool] = lambda answers: True
    #: The flag as the user types it (derived from the name when not declared); "" for a
    #: field only a spec file sets.
    flag: str = ""
    is_bool: bool = False
    #: A value that may be a key pasted in by mistake: never echoed in an error.
    secret_prone: bool = False
    #: The annotation on `DriverSpec` (``"str | None"``, ``"tuple[str, ...]"``).
    type: str = "str"

    @property
    def shown_flag(self) -> str:
        """How messages name the field: its flag, else where it is set."""
        return self.flag or f"{self.name} (spec file)"

    def checked(self, value: Any, answers: Answers = {}) -> Any:  # noqa: B006 (read only)
        """`value` after the field's checks, or `InvalidInput` naming the flag and why."""
        try:
            return self.check(checks.check_no_control(value), answers)
        except checks.Refused as exc:
            raise InvalidInput(f"{self.shown_flag}: {exc}") from None


def spec_field(*, value: Any = dataclasses.MISSING, **declared: Any) -> Any:
    """Declare a `DriverSpec` field (keyword arguments of `Field`, without `name`); `value`:
    what a `DriverSpec` built in code gets when it leaves the field out."""
    return dataclasses.field(default=value, metadata={"field": declared})


def _bool(help: str, label: str, explain: str, default: Callable[[Answers], Any],
          asked: str = "flow", flag: str | None = None, value: Any = dataclasses.MISSING,
          when: Callable[[Answers], bool] = lambda answers: True) -> Any:  # fmt: skip
    return spec_field(help=help, label=label, explain=explain, check=_as_bool, default=default,
                      asked=asked, flag=flag, is_bool=True, value=value, when=when)  # fmt: skip


def _as_bool(value: Any, answers: Answers) -> bool:
    return checks.check_bool(value)


def _choice(choices: Mapping[str, str]) -> Callable[[Any, Answers], str]:
    check = checks.one_of(tuple(choices))
    return lambda value, answers: check(value)


def _capability(help: str, explain: str, default: Callable[[Answers], Any]) -> Any:
    return _bool(help, "", explain, default, asked="capability")


def _class_name_of(answers: Answers) -> str:
    from ..catalogue.models_dev import class_name_from_provider

    return class_name_from_provider(answers["provider"])


def _key_needed(answers: Answers) -> bool:
    return answers.get("auth") in KEY_AUTHS


@dataclass(frozen=True)
class DriverSpec:
    """Everything the templates and edits need to know about one provider."""

    provider: str = spec_field(
        help="Registry key, e.g. acme.", label="Provider",
        explain="The registry key: lower-case letters, digits and underscores.",
        check=lambda value, answers: checks.check_provider(value), required=True,
        flag="PROVIDER")  # fmt: skip
    class_name: str = spec_field(
        help="CamelCase class stem.", label="Class name",
        explain="The stem of {Class}Driver and Async{Class}Driver.",
        check=lambda value, answers: checks.check_class_name(value),
        default=_class_name_of, asked="extra")  # fmt: skip
    display_name: str = spec_field(
        help="Human-readable name.", label="Display name",
        explain="The name shown in docs and messages.",
        check=lambda value, answers: checks.check_display_name(value),
        default=lambda answers: answers["class_name"], asked="extra")  # fmt: skip
    compat: str = spec_field(
        help="Wire format.", label="Wire format",
        explain="openai: /chat/completions; anthropic: the Messages API; custom: you fill in "
        "two methods; or one provider family's own wire.",
        check=_choice(WIRE_CHOICES), choices=WIRE_CHOICES, required=True)  # fmt: skip
    sdk: str = spec_field(
        help="requests, httpx or a PEP 508 req.", label="SDK",
        explain="requests or httpx add no dependency; or a third-party SDK such as acme-sdk.",
        check=lambda value, answers: checks.check_sdk(value),
        default=lambda answers: DEFAULT_SDKS.get(answers.get("compat", "")),
        required=True)  # fmt: skip
    lazy: bool = _bool(
        "SDK import style.", "Import the SDK lazily?",
        "Lazy keeps `import prompture` fast and the SDK an optional extra.",
        lambda answers: answers["sdk"] not in HTTP_SDKS if "sdk" in answers else None,
        flag="--lazy/--eager", when=lambda answers: third_party(answers.get("sdk")))  # fmt: skip
    auth: str = spec_field(
        help="What the provider needs.", label="Auth",
        explain="What a request needs: an API key, a base URL, both, or nothing.",
        check=_choice(AUTH_CHOICES), choices=AUTH_CHOICES,
        default=lambda answers: "api-key")  # fmt: skip
    api_key_env: str = spec_field(
        help="API key variable.", label="API key variable",
        explain="The environment variable holding the key.",
        check=lambda value, answers: checks.check_env(value, answers.get("provider")),
        default=lambda answers: f"{answers['provider'].upper()}_API_KEY",
        when=_key_needed, secret_prone=True)  # fmt: skip
    extra_api_key_envs: tuple[str, ...] = spec_field(
        help="", flag="", label="More key variables",
        explain="Other variables holding the key, comma-separated (- for none).",
        check=lambda value, answers: checks.check_envs(value, answers.get("provider")),
        default=lambda answers: (), asked="extra", secret_prone=True)  # fmt: skip
    endpoint: str = spec_field(
        help="Base URL (http/https).", label="Endpoint",
        explain="The base URL (http/https); {PROVIDER}_ENDPOINT overrides it at run time.",
        check=lambda value, answers: checks.check_endpoint(
            value, answers.get("compat"), answers.get("auth")),
        default=lambda answers: (
            None if needs_endpoint(answers.get("compat", "openai"), answers["auth"]) else ""),
        required=True,
        when=lambda answers: needs_endpoint(answers.get("compat"), answers.get("auth")),
    )  # fmt: skip
    default_model: str = spec_field(
        help="Default model id.", label="Default model",
        explain="The model used when the caller names none.",
        check=lambda value, answers: checks.check_model(value), required=True)  # fmt: skip
    models_dev_name: str | None = spec_field(
        help="models.dev provider id.", label="models.dev id",
        explain="The catalogue entry for prices and capabilities (- for none).",
        check=lambda value, answers: checks.check_models_dev_name(value))  # fmt: skip
    json_mode: bool = _capability(
        "JSON mode support.", "JSON mode: the API can be told to answer with a JSON object.",
        # JSON mode follows the wire, or a native schema (Bedrock has schemas, no JSON mode).
        lambda answers: json_mode_native(answers.get("compat"), answers.get("endpoint"))
        or (bool(answers.get("json_schema")) and answers.get("compat") != "bedrock"))  # fmt: skip
    json_schema: bool = _capability(
        "JSON schema support.", "Structured output: the API enforces a JSON schema.",
        lambda answers: False)  # fmt: skip
    tool_use: bool = _capability(
        "Tool calling support.", "Tool calling: the models can call functions.",
        lambda answers: False)  # fmt: skip
    streaming: bool = _capability(
        "Streaming support.", "Streaming: answers arrive token by token.",
        lambda answers: answers.get("compat") != "custom")  # fmt: skip
    vision: bool = _capability(
        "Image input support.", "Vision: the models accept images.", lambda answers: False
    )
    reasoning: bool = _capability(
        "Reasoning handling.", "Reasoning: the answers carry reasoning content to keep apart.",
        lambda answers: False)  # fmt: skip
    example: bool = _bool(
        "Generate an example.", "Generate an example?", "examples/{provider}_example.py.",
        lambda answers: True, asked="extra", value=True)  # fmt: skip
    tests: bool = _bool(
        "Generate the test file.", "Generate the tests?",
        "tests/test_{provider}_driver.py, run against a local server.",
        lambda answers: True, asked="extra", value=True)  # fmt: skip
    template: str = spec_field(
        help="Driver template.", label="Template",
        explain="auto: a short subclass when the checkout has a shared base; full: a "
        "self-contained driver.",
        check=_choice(TEMPLATE_CHOICES), choices=TEMPLATE_CHOICES,
        default=lambda answers: "auto", asked="extra", value="auto")  # fmt: skip

    @property
    def requires_api_key(self) -> bool:
        return self.auth in KEY_AUTHS

    @property
    def api_key_envs(self) -> tuple[str, ...]:
        return (self.api_key_env, *self.extra_api_key_envs)

    @property
    def sdk_requirement(self) -> str | None:
        """The PEP 508 requirement of a third-party SDK, None for requests/httpx."""
        return self.sdk if third_party(self.sdk) else None

    @property
    def endpoint_variables(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """``((VAR, names), ...)`` for each ``${VAR}`` of a base-URL template (`url_template`)."""
        from ..catalogue.url_template import variables

        return variables(self.provider, self.endpoint)

    @property
    def sync_class(self) -> str:
        return f"{self.class_name}Driver"

    @property
    def async_class(self) -> str:
        return f"Async{self.class_name}Driver"

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain JSON/TOML-friendly values (tuples become lists)."""
        data = asdict(self)
        data["extra_api_key_envs"] = list(self.extra_api_key_envs)
        return data


def _declared() -> tuple[Field, ...]:
    found = []
    for declared in dataclasses.fields(DriverSpec):
        values = dict(declared.metadata["field"])
        if values.get("flag") is None:  # derived: --name, or --name/--no-name for a bool
            dashed = declared.name.replace("_", "-")
            bool_flag = f"--{dashed}/--no-{dashed}"
            values["flag"] = bool_flag if values.get("is_bool") else f"--{dashed}"
        found.append(Field(name=declared.name, type=str(declared.type), **values))
    return tuple(found)


#: Every field's declaration, in `DriverSpec` order.
FIELDS = _declared()
FIELD = {field.name: field for field in FIELDS}
FIELD_NAMES = tuple(FIELD)
#: The capability flags (one wizard line, one review row).
CAPABILITIES = tuple(field.name for field in FIELDS if field.asked == "capability")
#: The flag that sets each field, for messages ("--endpoint: ...").
FLAGS = {field.name: field.shown_flag for field in FIELDS}
