"""What the models.dev catalogue says about a provider, as `DriverSpec` field defaults.

Every function here is pure over the catalogue mapping (the shape of models.dev's `api.json`),
except `load`, the one place that reads it (live cache, else the bundled snapshot), and
`refresh`, the one place that fetches it (`--refresh-catalogue`).

Class names come from the catalogue's display name: split it on non-alphanumerics, join runs of
all-capitals parts into one word, Capitalize the last word when it is all capitals, keep every
other word's case, and upper-case the first letter: "Z.AI" gives `Zai`, "LM Studio" gives
`LMStudio`, "Moonshot AI" gives `MoonshotAi`, "xAI" gives `XAI`.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput
from ..patterns import CLASS_RE, DISPLAY_MAX, ENV_RE, MODEL_BAD_RE, MODEL_MAX, URL_MAX, URL_RE
from .facts import Fact, fact_for
from .url_template import PLACEHOLDER, is_template

if TYPE_CHECKING:
    from rich.console import Console

Catalogue = Mapping[str, Any]

NPM_COMPAT = {"@ai-sdk/openai-compatible": "openai", "@ai-sdk/anthropic": "anthropic"}


def load() -> Catalogue:
    """The catalogue the runtime uses (`prompture._catalogue`: live cache, else bundled),
    without the entries whose data has the wrong shape (`entry_problem`): each is skipped
    with a note on stderr (once per process), so a damaged cache never crashes a command."""
    from prompture._catalogue import get_catalogue

    raw = get_catalogue()
    if _checked.get("raw") is not raw:
        usable, notes = checked(raw)
        _checked.update(raw=raw, usable=usable)
        for note in notes:
            if note not in _noted:
                _noted.add(note)
                sys.stderr.write(f"note: {note}\n")
    return _checked["usable"]


_checked: dict[str, Any] = {}
_noted: set[str] = set()


def checked(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """(the entries of `raw` the scaffolder can use, a note for each one skipped)."""
    if not isinstance(raw, Mapping):
        return {}, [f"the models.dev catalogue is {type(raw).__name__}, not a table: not used"]
    usable, notes = {}, []
    for cid, entry in raw.items():
        problem = entry_problem(entry) if isinstance(cid, str) else "its id is not a string"
        if problem is None:
            usable[cid] = entry
        else:
            notes.append(f"models.dev entry {str(cid)[:60]!r} skipped: {problem}")
    return usable, notes


def _kind(value: Any) -> str:
    return type(value).__name__


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def entry_problem(entry: Any) -> str | None:
    """What is wrong with a catalogue entry's shape (for the fields read here and by the
    runtime's rate files and prices), or None when it is usable."""
    if not isinstance(entry, Mapping):
        return f"it is {_kind(entry)}, not a table"
    for key in ("name", "npm", "api", "doc"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            return f"{key} is {_kind(entry[key])}, not a string"
    if entry.get("env") is not None and not _strings(entry["env"]):
        return "env is not a list of strings"
    models = entry.get("models")
    if not isinstance(models, Mapping):
        return f"models is {_kind(models)}, not a table"
    for model_id, model in models.items():
        if problem := _model_problem(model):
            return f"model {str(model_id)[:60]!r}: {problem}"
    return None


def _model_problem(model: Any) -> str | None:
    if not isinstance(model, Mapping):
        return f"it is {_kind(model)}, not a table"
    for key in ("status", "release_date"):
        if model.get(key) is not None and not isinstance(model[key], str):
            return f"{key} is {_kind(model[key])}, not a string"
    tables = {"modalities": _strings, "limit": _number, "cost": _number}
    for key, valid in tables.items():
        value = model.get(key)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            return f"{key} is {_kind(value)}, not a table"
        for name in ("input", "output", "context"):
            if value.get(name) is not None and not valid(value[name]):
                return f"{key}.{name} is {_kind(value[name])}"
    return None


def refresh(console: Console, *, timeout: float = 5.0, err_console: Console | None = None) -> bool:
    """`--refresh-catalogue`: fetch the live models.dev catalogue into the user cache, now.

    The fetch goes through `prompture._catalogue.refresh_rates_cache`, so the runtime reads the
    same cache afterwards; the URL is ``PROMPTURE_MODELS_DEV_URL`` (default models.dev), the
    cache directory ``PROMPTURE_CACHE_DIR`` (default the user cache). An explicit refresh is a
    user's request, so it goes ahead even with ``PROMPTURE_OFFLINE=1``.

    Prints one line on `console` on success (the source, the number of providers, the cache
    file). On failure prints a warning on `err_console` (default: a console on stderr) naming
    the reason and the catalogue used instead (the cached copy, else the bundled snapshot) and
    returns False; never raises for a network, HTTP or data problem.
    """
    from prompture import _catalogue

    url, errors = _catalogue.models_dev_url(), []
    ok = _catalogue.refresh_rates_cache(
        force=True, timeout=timeout, ignore_offline=True, on_error=errors.append
    )
    count = len(load())  # after a failure: what the runtime falls back to
    if ok:
        line = f"catalogue: fetched {count} providers from {url} into {_catalogue.cache_path()}"
        console.print(line, markup=False, soft_wrap=True)
        return True
    used = "the cached copy" if _catalogue.loaded_source() == "cache" else "the bundled snapshot"
    why = _failure_reason(errors[0], timeout) if errors else "unknown error"
    line = f"warning: could not fetch the catalogue from {url} ({why}); using {used}"
    line += f" ({count} providers)"
    if err_console is None:
        from rich.console import Console

        err_console = Console(stderr=True, highlight=False)
    err_console.print(line, style="yellow", markup=False, soft_wrap=True)
    return False


def _failure_reason(exc: Exception, timeout: float) -> str:
    """A short reason for a failed fetch ("connection refused", "HTTP 500"...), not a traceback."""
    import requests

    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g}s"
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, requests.ConnectionError):
        errno = re.search(r"\[Errno -?\d+\] ([^'\")]+)", str(exc))
        return errno.group(1).strip().lower() if errno else "cannot connect"
    if isinstance(exc, ValueError):
        return "the answer is not a models.dev api.json"
    return f"{type(exc).__name__}: {exc}"[:200]


def provider_name_from_id(catalogue_id: str) -> str:
    """A provider name from a catalogue id: lower case, other characters to `_`, a leading
    digit prefixed with `p` (`fireworks-ai` gives `fireworks_ai`)."""
    name = re.sub(r"[^a-z0-9_]", "_", catalogue_id.lower())
    return f"p{name}" if name[:1].isdigit() else name


def class_name_from_display(display: str) -> str | None:
    """The CamelCase class name of a display name (rule in the module docstring), or None."""
    words: list[str] = []
    for part in re.findall(r"[^\W_]+", display):  # non-ASCII letters fail CLASS_RE below
        if words and part.isupper() and words[-1].isupper():
            words[-1] += part  # "Z" + "AI" is one all-capitals word
        else:
            words.append(part)
    if words and words[-1].isupper():
        words[-1] = words[-1].capitalize()
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if CLASS_RE.fullmatch(name) else None


def class_name_from_provider(provider: str) -> str:
    """`provider.capitalize()`, CamelCased over underscores (`my_llm` gives `MyLlm`)."""
    return "".join(part.capitalize() for part in provider.split("_"))


def suggest(catalogue: Catalogue, term: str, n: int = 3) -> list[str]:
    """The catalogue ids closest to `term`, matching ids and display names (difflib)."""
    by_key: dict[str, str] = {}
    for cid, entry in catalogue.items():
        by_key.setdefault(cid.lower(), cid)
        by_key.setdefault(str(entry.get("name", "")).lower(), cid)
    matches = difflib.get_close_matches(term.lower(), list(by_key), n=n * 2, cutoff=0.6)
    return list(dict.fromkeys(by_key[m] for m in matches))[:n]


def require_entry(catalogue: Catalogue, catalogue_id: str, flag: str) -> Mapping[str, Any]:
    """The catalogue entry of `catalogue_id`, or `InvalidInput` with did-you-mean ids."""
    entry = catalogue.get(catalogue_id)
    if isinstance(entry, Mapping):
        return entry
    close = suggest(catalogue, catalogue_id)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    hint = hint or "; `prompture providers TERM` searches the catalogue"
    raise InvalidInput(f"{flag}: {catalogue_id!r} is not a models.dev provider id{hint}")


def _is_candidate(model_id: str, model: Mapping[str, Any]) -> bool:
    outputs = (model.get("modalities") or {}).get("output")
    usable = _valid_model_id(model_id)
    return usable and model.get("status") != "deprecated" and (outputs is None or "text" in outputs)


def _valid_model_id(model_id: Any) -> bool:
    """Whether `--default-model` would accept the id (no whitespace or quotes)."""
    text = str(model_id)
    return (
        bool(text)
        and text.isprintable()
        and not MODEL_BAD_RE.search(text)
        and len(text) <= MODEL_MAX
    )


def pick_default_model(models: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The newest (release_date) non-deprecated text-output model, tool-calling ones first;
    ties go to the smallest id so the choice is stable. Ids `--default-model` would refuse
    are passed over."""
    candidates = [(mid, m) for mid, m in models.items() if _is_candidate(mid, m)]
    with_tools = [c for c in candidates if c[1].get("tool_call")]
    pool = sorted(with_tools or candidates, key=lambda c: c[0])
    if not pool:
        return None
    return max(pool, key=lambda c: str(c[1].get("release_date") or ""))[0]


def capabilities(models: Mapping[str, Mapping[str, Any]]) -> dict[str, bool]:
    """Capability flags: a capability is on when any of the provider's models has it
    (`json_mode` is left to the rules: it follows the wire format)."""
    ms = list(models.values())

    def has(pred) -> bool:
        return any(pred(m) for m in ms)

    return {
        "json_schema": has(lambda m: m.get("structured_output")),
        "tool_use": has(lambda m: m.get("tool_call")),
        "vision": has(lambda m: "image" in ((m.get("modalities") or {}).get("input") or ())),
        "reasoning": has(lambda m: m.get("reasoning")),
    }


def _auth(entry: Mapping[str, Any], endpoint: str) -> str:
    env, api = bool(entry.get("env")), bool(endpoint)
    return {(True, True): "api-key+endpoint", (True, False): "api-key"}.get(
        (env, api), "endpoint" if api else "none"
    )


def _display_name(entry: Mapping[str, Any]) -> str | None:
    """The catalogue's name as `--display-name` would take it, else None (the rules decide)."""
    name = " ".join(str(entry.get("name") or "").split())
    return name if name and name.isprintable() and len(name) <= DISPLAY_MAX else None


def _key_envs(
    entry: Mapping[str, Any], provider: str, endpoint: str, fact: Fact | None
) -> tuple[str, ...]:
    """The catalogue's key variable, when it is a valid name other than the provider's own
    (`302AI_API_KEY` is not: the settings read ``{PROVIDER}_API_KEY`` alone then).

    The variables a base-URL template reads (an account id, a resource name) are no key; of
    the rest the first that names a key or token wins (``AZURE_RESOURCE_NAME`` comes before
    ``AZURE_API_KEY``), else the first; the facts table may name it instead."""
    taken = set(PLACEHOLDER.findall(endpoint))
    envs = [str(e) for e in entry.get("env") or () if str(e) not in taken]
    keyish = [e for e in envs if re.search(r"KEY|TOKEN", e)]
    first = fact.key_env if fact and fact.key_env else next(iter(keyish or envs), None)
    own = f"{provider.upper()}_API_KEY"
    return tuple(e for e in (first,) if e and e != own and ENV_RE.fullmatch(e))


def _endpoint(entry: Mapping[str, Any], fact: Fact | None) -> str | None:
    """The base URL: the entry's, else the facts table's; a base-URL template only in the
    shape the driver fills in (`url_template`). None when neither is usable."""
    for url in (str(entry.get("api") or ""), fact.base_url if fact else ""):
        usable = URL_RE.fullmatch(url) and len(url) <= URL_MAX and url.isprintable()
        if usable and ("${" not in url or is_template(url)):
            return url
    return None


def defaults(
    entry: Mapping[str, Any], provider: str, catalogue_id: str | None = None
) -> dict[str, Any]:
    """The `DriverSpec` fields the catalogue entry determines (absent keys: no opinion), with
    the facts table (`facts`) filling in the wire, base URL and key variable of
    the SDK packages the entry names but does not explain.

    A value a flag would refuse (a key variable starting with a digit, a URL with spaces) is
    left out, so the rules or the user decide it: nobody typed it, so it must not fail."""
    fact = fact_for(catalogue_id, entry)
    endpoint = _endpoint(entry, fact)
    found: dict[str, Any] = {"auth": _auth(entry, endpoint or "")}
    if display := _display_name(entry):
        found["display_name"] = display
        if class_name := class_name_from_display(display):
            found["class_name"] = class_name
    compat = NPM_COMPAT.get(str(entry.get("npm", ""))) or (fact.wire if fact else None)
    if compat:
        found["compat"] = compat
    if fact and (fact.sdk or compat == "custom"):
        found["sdk"] = fact.sdk or "requests"
    if endpoint:
        found["endpoint"] = endpoint
    found["extra_api_key_envs"] = _key_envs(entry, provider, endpoint or "", fact)
    models = entry.get("models") or {}
    if model := pick_default_model(models):
        found["default_model"] = model
    found.update(capabilities(models))
    return found
