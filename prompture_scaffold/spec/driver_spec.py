"""`DriverSpec`: the validated answers describing one provider driver.

The wizard, the flags, `--spec` files and the catalogue all produce this one frozen object;
templates and edits read only from it. Spec files are TOML whose keys are the field names
(see `prompture/drivers/specs/*.toml`); `validation.validate` checks every field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

COMPATS = ("openai", "anthropic", "custom")
#: Wire formats of one provider family each, with a base in our runtime (`render`): Azure
#: OpenAI, Cohere v2 chat, Gemini and Claude on Vertex AI, Amazon Bedrock Converse.
SERVICE_WIRES = ("azure", "cohere", "vertex-gemini", "vertex-anthropic", "bedrock")
#: Every `--compat` value.
WIRES = COMPATS + SERVICE_WIRES
AUTHS = ("api-key", "endpoint", "api-key+endpoint", "none")
HTTP_SDKS = ("requests", "httpx")
CAPABILITIES = ("json_mode", "json_schema", "tool_use", "streaming", "vision", "reasoning")
TEMPLATES = ("auto", "full")


@dataclass(frozen=True)
class DriverSpec:
    """Everything the templates and edits need to know about one provider."""

    provider: str
    class_name: str
    display_name: str
    compat: str
    sdk: str
    lazy: bool
    default_model: str
    auth: str
    api_key_env: str
    extra_api_key_envs: tuple[str, ...]
    endpoint: str
    models_dev_name: str | None
    json_mode: bool
    json_schema: bool
    tool_use: bool
    streaming: bool
    vision: bool
    reasoning: bool
    example: bool = True
    tests: bool = True
    template: str = "auto"

    @property
    def requires_api_key(self) -> bool:
        return self.auth in ("api-key", "api-key+endpoint")

    @property
    def api_key_envs(self) -> tuple[str, ...]:
        return (self.api_key_env, *self.extra_api_key_envs)

    @property
    def sdk_requirement(self) -> str | None:
        """The PEP 508 requirement of a third-party SDK, None for requests/httpx."""
        return None if self.sdk in HTTP_SDKS else self.sdk

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


FIELD_NAMES = tuple(f.name for f in fields(DriverSpec))
