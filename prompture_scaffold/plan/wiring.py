"""Which places wire each chat driver of a checkout we did not generate (upstream Prompture).

Our runtime's drivers are checked by regeneration (`check-drivers` runs each edit's `add` and
expects no change). A hand-written checkout is not what our templates would write, so there
each place is checked for what the checkout itself says it needs: the settings fields its
registration (or descriptor) reads exist, the key variables those fields stand for are in the
env template, the class is exported, discovery knows the provider (where discovery keeps its
own table), the guide mentions it. Only chat drivers are checked: alias keys, and speech,
image, video, embedding or decision drivers (other registries) are left out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..checkout.parsed import parse
from ..checkout.snapshot import Snapshot
from ..errors import UnsafeTarget

#: Class or key fragments of the drivers that are not chat drivers.
NOT_CHAT = re.compile(
    r"(stt|tts|img_?gen|image_?gen|video|embedding|rerank|moderation|lipsync|music|decision"
    r"|audio|speech)",
    re.I,
)
#: The places checked in this mode, in table order.
PLACES = ("files", "registry", "exports", "settings", "discovery", "env template", "docs")


@dataclass(frozen=True)
class Facts:
    """What the checkout's files say, read once for all drivers."""

    layout: object
    sources: dict[Path, str]
    settings_fields: frozenset[str]
    env_text: str
    docs_text: str
    discovery_keys: frozenset[str] | None

    @cached_property
    def index(self) -> Index:
        """The lookups of `check`, built on first use."""
        return _index(self)

    def place_names(self) -> tuple[str, ...]:
        """The columns this checkout has (no discovery table: no discovery column)."""
        return tuple(p for p in PLACES if p != "discovery" or self.discovery_keys is not None)


def chat_providers(layout) -> dict[str, str]:
    """Provider key -> sync class of the chat drivers, aliases left out (the first key a
    class is registered under is its own)."""
    seen: set[str] = set()
    found = {}
    for key, cls in layout.providers.items():
        if cls in seen or NOT_CHAT.search(key) or NOT_CHAT.search(cls):
            continue
        seen.add(cls)
        found[key] = cls
    return found


def read_facts(layout, snap: Snapshot | None = None) -> Facts:
    """The facts of every driver, each file read once (through `snap`: its overlay stands in
    for files a repair would write). The wiring files themselves must read and parse (exit 3
    naming a damaged one); other modules that do not decode are left out."""
    snap = snap if snap is not None else Snapshot(layout.root)
    wiring = [layout.drivers_init, Path(layout.package_dir) / "__init__.py"]
    wiring += [layout.symbols.get(n) for n in ("Settings", "get_available_models")]
    for path in dict.fromkeys(p for p in wiring if p is not None):
        snap.tree(path)
    sources = {}
    for path in sorted(Path(layout.package_dir).rglob("*.py")):
        try:
            text = snap.text(path)
        except UnsafeTarget:
            continue
        if text is not None:
            sources[path] = text
    return Facts(
        layout=layout,
        sources=sources,
        settings_fields=frozenset(_settings_fields(layout, sources)),
        env_text=_text(snap, layout.env_template),
        docs_text=_text(snap, layout.docs_file),
        discovery_keys=_discovery_keys(layout, sources),
    )


def check(facts: Facts, provider: str, cls: str) -> dict[str, bool | None]:
    """Each place of `facts.place_names()`: True wired, False missing, None not applicable.
    Every lookup is in an index `facts` builds once, so all drivers cost one pass."""
    found = facts.index
    async_cls = f"Async{cls}"
    reads = found.reads.get(provider, set())
    registered = provider in found.async_keys or async_cls in found.quoted
    places: dict[str, bool | None] = {
        "files": cls in found.classes and async_cls in found.classes,
        "registry": registered,
        "exports": cls in found.drivers_words and (found.star or cls in found.package_words),
        "settings": (reads <= facts.settings_fields) if reads else None,
        "env template": _in_env(found, reads, facts.env_text),
        "docs": None if found.listed is None else provider in found.listed,
    }
    if facts.discovery_keys is not None:
        places["discovery"] = provider in facts.discovery_keys
    return places


@dataclass(frozen=True)
class Index:
    """What `check` looks up, from one pass over the checkout's sources."""

    classes: frozenset[str]
    #: Provider -> the settings fields its registration or descriptor reads.
    reads: dict[str, set[str]]
    async_keys: frozenset[str]
    #: Names written as strings (``"AsyncX"``, ``"module.AsyncX"``): lazy registrations.
    quoted: frozenset[str]
    drivers_words: frozenset[str]
    package_words: frozenset[str]
    star: bool
    env_names: frozenset[str]
    listed: frozenset[str] | None


def _index(facts: Facts) -> Index:
    from ..edits.docs_bullet import provider_list

    layout, texts = facts.layout, list(facts.sources.values())
    drivers = facts.sources.get(Path(layout.drivers_dir) / "__init__.py", "")
    package = facts.sources.get(Path(layout.package_dir) / "__init__.py", "")
    found = provider_list(facts.docs_text, set(layout.providers))
    return Index(
        classes=frozenset(n for t in texts for n in re.findall(r"^class (\w+)", t, re.M)),
        reads=_settings_reads(facts.sources),
        async_keys=frozenset(
            k
            for t in texts
            for k in re.findall(r"register_async_driver\(\s*[\"']([^\"']*)[\"']", t)
        ),
        quoted=frozenset(n for t in texts for n in re.findall(r"[\"'](?:\w+\.)?(\w+)[\"']", t)),
        drivers_words=frozenset(re.findall(r"\w+", drivers)),
        package_words=frozenset(re.findall(r"\w+", package)),
        star=re.search(r"^from \.drivers import \*", package, re.M) is not None,
        env_names=frozenset(re.findall(r"^#?\s*(\w+)=", facts.env_text, re.M)),
        listed=None if found is None else frozenset(found[2]),
    )


def _text(snap: Snapshot, path: Path | None) -> str:
    return (snap.text(path) or "") if path else ""


def _settings_fields(layout, sources: dict[Path, str]) -> set[str]:
    path = layout.symbols.get("Settings")
    tree = _tree(sources.get(path, ""))
    for node in tree.body if tree else ():
        if isinstance(node, ast.ClassDef) and node.name == "Settings":
            return {
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            }
    return set()


def _discovery_keys(layout, sources: dict[Path, str]) -> frozenset[str] | None:
    """The keys of discovery's own ``provider_classes`` table, None when it has none."""
    tree = _tree(sources.get(layout.symbols.get("get_available_models"), ""))
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "provider_classes" for t in node.targets
        ):
            if isinstance(node.value, ast.Dict):
                return frozenset(k.value for k in node.value.keys if isinstance(k, ast.Constant))
    return None


def _settings_reads(sources: dict[Path, str]) -> dict[str, set[str]]:
    """Provider -> the settings fields its registration or descriptor hands its driver."""
    fields: dict[str, set[str]] = {}
    for text in sources.values():
        if "register_driver(" not in text and "ProviderDescriptor(" not in text:
            continue
        tree = _tree(text)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)) if tree else ():
            first = call.args[0] if call.args else None
            named = next((k.value for k in call.keywords if k.arg == "name"), first)
            if not (isinstance(named, ast.Constant) and isinstance(named.value, str)):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            if name == "register_driver":
                fields.setdefault(named.value, set()).update(
                    a.attr
                    for a in ast.walk(call)
                    if isinstance(a, ast.Attribute) and getattr(a.value, "id", "") == "settings"
                )
            elif name == "ProviderDescriptor":
                fields.setdefault(named.value, set()).update(_descriptor_fields(call))
    return fields


def _descriptor_fields(call: ast.Call) -> set[str]:
    fields = set()
    for node in ast.walk(call):
        if isinstance(node, ast.Dict):  # the kwarg map: {"api_key": "moonshot_api_key"}
            fields |= {v.value for v in node.values if isinstance(v, ast.Constant)}
    check = next((k.value for k in call.keywords if k.arg == "is_configured_check"), None)
    if isinstance(check, ast.Constant) and isinstance(check.value, str):
        fields.add(check.value)
    return {f for f in fields if isinstance(f, str) and re.fullmatch(r"[a-z]\w*", f)}


def _in_env(found: Index, reads: set[str], env_text: str) -> bool | None:
    keys = {f.upper() for f in reads if f.endswith("_api_key")}
    if not keys or not env_text:
        return None
    return keys <= found.env_names


def _tree(text: str) -> ast.Module | None:
    try:
        return parse(text) if text else None
    except (SyntaxError, ValueError):
        return None
