"""The wizard's questions, one per `DriverSpec` field, in the words the user sees.

The provider question, with its did-you-mean, lives in `provider`; capabilities share
one line (`question.capabilities_question`).
"""

from __future__ import annotations

from typing import Any

from ..catalogue.models_dev import require_entry
from ..spec import checks as v
from ..spec.driver_spec import AUTHS, HTTP_SDKS, TEMPLATES, WIRES
from .question import (
    YES_NO,
    Filled,
    Options,
    Parse,
    Question,
    boolean,
    default_of,
    field,
    is_none,
    items,
    no_options,
)


def third_party(filled: Filled) -> bool:
    """Whether the SDK is a third-party requirement (then lazy/eager and a version apply)."""
    return bool(filled.get("sdk")) and filled["sdk"] not in HTTP_SDKS


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


def _sdk_version(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    name, _ = _split_requirement(filled["sdk"])
    spec = "" if is_none(text) else (f">={text}" if text[:1].isdigit() else text)
    return {"sdk": v.check_sdk(name + spec)}


def _show_version(filled: Filled) -> str | None:
    return _split_requirement(filled["sdk"])[1] or "-" if third_party(filled) else None


def _models_dev(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    if is_none(text):
        return {"models_dev_name": None}
    require_entry(catalogue, text, "--models-dev-name")
    return {"models_dev_name": text}


def _endpoint(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    url = "" if is_none(text) else text
    # The offered default may be a catalogue base-URL template (`${VAR}`): accepting it keeps
    # it. A typed template is refused, so one already filled in came from the catalogue.
    offered = url == filled.get("endpoint")
    compat, auth = filled.get("compat"), filled.get("auth")
    return {"endpoint": v.check_endpoint(url, compat, auth, template=offered)}


def _extra_envs(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    provider = filled.get("provider")
    envs = tuple(v.check_env(e, "extra_api_key_envs", provider) for e in items(text))
    return {"extra_api_key_envs": envs}


def _auth(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    auth = v.check_choice("auth", expanded(text, AUTHS), AUTHS)
    v.check_auth_for_wire(filled.get("compat"), auth)
    return {"auth": auth}


def _api_key_env(text: str, filled: Filled, catalogue) -> dict[str, Any]:
    return {"api_key_env": v.check_env(text, provider=filled.get("provider"))}


def expanded(text: str, choices: tuple[str, ...]) -> str:
    """`text`, or the one choice it starts (`o`: openai), as typing filters the keyboard list."""
    starting = [c for c in choices if text and c.startswith(text.lower())]
    return starting[0] if text not in choices and len(starting) == 1 else text


def _choice(name: str, choices: tuple[str, ...]) -> Parse:
    return field(name, lambda text: v.check_choice(name, expanded(text, choices), choices))


def _q(key, label, help, parse, when=lambda filled: True, options: Options = no_options,
       kind: str = "text") -> Question:  # fmt: skip
    default = _show_version if key == "sdk_version" else default_of(key)
    return Question(key, label, help, parse, default, when, kind, options)


#: A yes/no question: a choice of the two.
_YN = {"kind": "choice", "options": lambda filled, catalogue: YES_NO}


def _listed(*pairs: tuple[str, str]) -> Options:
    """Fixed choices, each shown with what it means."""
    width = max(len(value) for value, _ in pairs)
    shown = tuple((value, f"{value:<{width}}  {text}") for value, text in pairs)
    return lambda filled, catalogue: shown


def _catalogue_ids(filled: Filled, catalogue) -> tuple[tuple[str, str], ...]:
    return tuple((cid, str(e.get("name", ""))) for cid, e in sorted(catalogue.items()))


def _catalogue_models(filled: Filled, catalogue) -> tuple[tuple[str, str], ...]:
    entry = catalogue.get(filled.get("models_dev_name") or "") or {}
    models = entry.get("models") if isinstance(entry, dict) else None
    return tuple((m, str(models[m].get("name", ""))) for m in sorted(models or {})
                 if isinstance(models[m], dict))  # fmt: skip


QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        _q("compat", f"Wire format [{'/'.join(WIRES)}]",
           "openai: /chat/completions; anthropic: the Messages API; custom: you fill in two "
           "methods; or one provider family's own wire.", _choice("compat", WIRES),
           kind="choice",
           options=_listed(("openai", "OpenAI chat completions (/chat/completions)"),
                           ("anthropic", "Anthropic Messages API (/v1/messages)"),
                           ("custom", "another wire format: you fill in two methods"),
                           ("azure", "Azure OpenAI / Azure AI services (api-key header)"),
                           ("cohere", "Cohere v2 chat (/v2/chat)"),
                           ("vertex-gemini", "Gemini on Google Vertex AI (Google credentials)"),
                           ("vertex-anthropic", "Claude on Google Vertex AI (Google credentials)"),
                           ("bedrock", "Amazon Bedrock Converse (SigV4 or a bearer key)"))),
        _q("sdk", "SDK", "requests or httpx add no dependency; or a third-party SDK such as "
           "acme-sdk.", field("sdk", v.check_sdk)),
        _q("sdk_version", "SDK version", "The version the optional extra asks for, e.g. >=1.2 "
           "(- for any).", _sdk_version, third_party),
        _q("lazy", "Import the SDK lazily? [y/n]", "Lazy keeps `import prompture` fast and the "
           "SDK an optional extra.", boolean("lazy"), third_party, **_YN),
        _q("auth", f"Auth [{'/'.join(AUTHS)}]", "What a request needs: an API key, a base URL, "
           "both, or nothing.", _auth, kind="choice",
           options=_listed(("api-key", "an API key"), ("endpoint", "a base URL"),
                           ("api-key+endpoint", "an API key and a base URL"),
                           ("none", "nothing (a local server)"))),
        _q("api_key_env", "API key variable", "The environment variable holding the key.",
           _api_key_env,
           lambda f: f.get("auth") in ("api-key", "api-key+endpoint")),
        _q("endpoint", "Endpoint", "The base URL (http/https); {PROVIDER}_ENDPOINT overrides it "
           "at run time.", _endpoint, lambda f: v.needs_endpoint(f.get("compat"), f.get("auth"))),
        _q("default_model", "Default model", "The model used when the caller names none.",
           field("default_model", v.check_model), options=_catalogue_models),
        _q("models_dev_name", "models.dev id", "The catalogue entry for prices and capabilities "
           "(- for none).", _models_dev, options=_catalogue_ids),
        _q("display_name", "Display name", "The name shown in docs and messages.",
           field("display_name", v.check_display_name)),
        _q("class_name", "Class name", "The stem of {Class}Driver and Async{Class}Driver.",
           field("class_name", v.check_class_name)),
        _q("extra_api_key_envs", "More key variables", "Other variables holding the key, "
           "comma-separated (- for none).", _extra_envs),
        _q("example", "Generate an example? [y/n]", "examples/{provider}_example.py.",
           boolean("example"), **_YN),
        _q("tests", "Generate the tests? [y/n]", "tests/test_{provider}_driver.py, run against "
           "a local server.", boolean("tests"), **_YN),
        _q("template", f"Template [{'/'.join(TEMPLATES)}]", "auto: a short subclass when the "
           "checkout has a shared base; full: a self-contained driver.",
           _choice("template", TEMPLATES), kind="choice",
           options=_listed(("auto", "a short subclass of the checkout's shared base"),
                           ("full", "a self-contained driver"))),
    )
}  # fmt: skip
