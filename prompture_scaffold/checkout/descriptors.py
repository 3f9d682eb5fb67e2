"""Providers declared as ``ProviderDescriptor(...)`` (upstream Prompture from v1.0.57 on).

There one descriptor per provider carries what module-level registrations, the discovery
check and the `PROVIDER_MAP` entry carry elsewhere: its chat driver classes (``llm_sync`` /
``llm_async``, given as ``DriverSpec("module.Class", ...)`` or through a helper such as
``**_llm("mod", "Class", "async_mod", "AsyncClass", ...)``), the settings field that says it
is configured, and its models.dev id. Descriptors live in one builder function
(`provider_descriptors.py`) or in plugin modules (``plugins/builtins/*_plugin.py``), appended
one by one to a list.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .parsed import parse

CALL = "ProviderDescriptor"
_CALLED = re.compile(rf"(?<!class )\b{CALL}\(")


@dataclass(frozen=True)
class Declared:
    """One chat provider's descriptor: its key and its sync driver class."""

    name: str
    sync_class: str
    path: Path


def modules(files: dict[Path, str]) -> list[Path]:
    """The modules declaring chat descriptors (not the one defining the class), most first.

    Only chat descriptors count: a plugin of image or speech providers is no place for a chat
    driver, however many descriptors it holds."""
    counts = {path: _chat_count(text) for path, text in files.items() if _CALLED.search(text)}
    return sorted((p for p in counts if counts[p]), key=lambda path: (-counts[path], str(path)))


def _chat_count(text: str) -> int:
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return len(_CALLED.findall(text))  # unreadable: the edit names the module later
    return sum(describe(call, None) is not None for call in calls(tree))


#: Stems of plugin modules meant for providers of no family of their own ("misc/extras").
_CATCH_ALL = ("extras", "extra", "misc", "other", "others")


def target_module(found: list[Path], compat: str) -> Path | None:
    """Where a new provider of wire `compat` goes: the plugin of OpenAI-compatible providers
    for that wire; for any other wire a catch-all plugin (``extras_plugin.py``) where there is
    one, else the module holding the most chat descriptors that is not the OpenAI-compatible
    plugin, else whatever module declares chat descriptors."""
    family = [p for p in found if "openai_compatible" in p.stem]
    if compat == "openai" and family:
        return family[0]
    catch_all = [p for p in found if p.stem.removesuffix("_plugin") in _CATCH_ALL]
    others = [p for p in found if p not in family]
    return (catch_all or others or found or [None])[0]


def declared(paths: list[Path]) -> list[Declared]:
    """Every chat provider the modules declare (aliases and non-chat descriptors left out)."""
    found = []
    for path in paths:
        try:
            tree = parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue  # the edit reports a module it cannot read
        for call in calls(tree):
            item = describe(call, path)
            if item is not None:
                found.append(item)
    return found


def calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node for node in ast.walk(tree) if isinstance(node, ast.Call) and _name(node.func) == CALL
    ]


def describe(call: ast.Call, path: Path) -> Declared | None:
    """The chat provider a ``ProviderDescriptor(...)`` call declares, if it declares one."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    name = keywords.get("name")
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
        return None
    if "alias_for" in keywords and not _is_none(keywords["alias_for"]):
        return None
    sync_class = _spec_class(keywords.get("llm_sync"))
    for spread in (k.value for k in call.keywords if k.arg is None):
        if isinstance(spread, ast.Call) and len(spread.args) >= 2:
            sync_class = sync_class or _constant(spread.args[1])
    return Declared(name.value, sync_class, path) if sync_class else None


def _spec_class(node: ast.expr | None) -> str | None:
    """``DriverSpec("module.Class", ...)`` -> ``Class``."""
    if isinstance(node, ast.Call) and node.args:
        text = _constant(node.args[0])
        return text.rsplit(".", 1)[-1] if text else None
    return None


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None
