"""Which file of a package defines each anchor symbol the edits and templates need.

A regex over each ``*.py`` text picks the candidate files (module-level definitions start in
column 0; indented ones are methods or local helpers), and only those are parsed with `ast`
to confirm. Built-in registrations count as a symbol too: the module whose top level calls
``register_driver(...)`` (and the one calling ``register_async_driver(...)``).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .parsed import parse

if TYPE_CHECKING:
    from .layout import Layout

_CLASSES = (
    "Settings", "Driver", "AsyncDriver", "CostMixin", "OpenAICompatibleDriver",
    "AsyncOpenAICompatibleDriver", "AnthropicMessagesDriver", "AsyncAnthropicMessagesDriver",
    # The runtime's bases of the provider-family wires (issue 12):
    "AzureOpenAIDriver", "AsyncAzureOpenAIDriver", "CohereChatDriver", "AsyncCohereChatDriver",
    "VertexGeminiDriver", "AsyncVertexGeminiDriver", "VertexAnthropicDriver",
    "AsyncVertexAnthropicDriver", "BedrockConverseDriver", "AsyncBedrockConverseDriver",
    "OpenAIResponsesDriver", "AsyncOpenAIResponsesDriver",
    "CustomWireDriver", "AsyncCustomWireDriver", "ConfigurationError", "DriverHTTPError",
)  # fmt: skip
_FUNCTIONS = (
    "get_available_models", "prepare_strict_schema", "get_model_capabilities",
    "get_driver_for_model", "get_async_driver_for_model",
    "fill_template",  # the runtime fills in base-URL templates
)  # fmt: skip
_CANDIDATE = re.compile(
    rf"^(?:class ({'|'.join(_CLASSES)})\b"
    rf"|(?:async )?def ({'|'.join(_FUNCTIONS)})\b"
    r"|(PROVIDER_MAP)\s*[:=]|(register_driver\(|register_async_driver\())",
    re.M,
)
#: Every match of `_CANDIDATE` holds one of these words: a search far cheaper than the
#: regex, which most modules (the drivers themselves) then skip.
_WORDS = re.compile(
    "|".join(
        re.escape(word)
        for word in (
            *(f"class {name}" for name in _CLASSES),
            *(f"def {name}" for name in _FUNCTIONS),
            "PROVIDER_MAP",
            "register_driver(",
            "register_async_driver(",
        )
    )
)
#: A top-level call stands for the symbol naming the module that makes it.
CALLS = {
    "register_driver(": "register_driver_calls",
    "register_async_driver(": "register_async_driver_calls",
}


def defined_names(tree: ast.Module) -> set[str]:
    """Names a module defines at top level; a bare ``f(...)`` call counts as ``"f("``."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            if isinstance(node.value.func, ast.Name):
                names.add(node.value.func.id + "(")
    return names


def _walk(package_dir: Path) -> tuple[list[Path], list[Path]]:
    """The package's Python files (shallow first) and its directories of JSON rate files."""
    files: list[Path] = []
    rates: list[Path] = []
    for directory, dirs, names in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        here = Path(directory)
        files += [here / name for name in names if name.endswith(".py")]
        if here.name == "rates" and any(name.endswith(".json") for name in names):
            rates.append(here)
    return sorted(files, key=lambda p: (str(p).count(os.sep), str(p))), rates


def scan(package_dir: Path) -> tuple[dict[str, Path], Path | None, dict[Path, ast.Module], list]:
    """(symbol -> defining file, the rates directory, the trees parsed on the way, the modules
    declaring providers as descriptors, most first).

    The driver modules of the providers the registry module registers are read last, and
    only when a symbol was found nowhere else: they define their provider's classes, not the
    checkout's anchors, and a checkout with a thousand drivers has two thousand of them.
    """
    from . import descriptors

    found = _Found(package_dir)
    files, rates = _walk(package_dir)
    drivers = package_dir / "drivers"
    own = [p for p in files if p.parent == drivers and p.name.endswith("_driver.py")]
    skipped = set(own)
    for path in (p for p in files if p not in skipped):
        found.read(path)
    registry = found.trees.get(found.symbols.get("register_driver_calls"))
    keys = set(registrations(registry, "register_driver")) if registry is not None else set()
    later = [p for p in own if p.name.removesuffix("_driver.py").removeprefix("async_") in keys]
    deferred = set(later)
    for path in (p for p in own if p not in deferred):
        found.read(path)
    if set(found.symbols) < _ANCHORS:
        for path in later:
            found.read(path)
    declaring = descriptors.modules(found.declaring)
    return found.symbols, (rates[0] if rates else None), found.trees, declaring


#: Every symbol `scan` can find.
_ANCHORS = {*_CLASSES, *_FUNCTIONS, "PROVIDER_MAP", *CALLS.values()}


class _Found:
    """What `scan` found so far, file by file."""

    def __init__(self, package_dir: Path) -> None:
        self.symbols: dict[str, Path] = {}
        self.trees: dict[Path, ast.Module] = {}
        self.declaring: dict[Path, str] = {}

    def read(self, path: Path) -> None:
        from . import descriptors

        text = path.read_text(encoding="utf-8", errors="replace")
        if descriptors.CALL + "(" in text:
            self.declaring[path] = text
        if not _WORDS.search(text):  # most driver modules: no regex run
            return
        found = {next(g for g in m.groups() if g) for m in _CANDIDATE.finditer(text)}
        found = {name for name in found if CALLS.get(name, name) not in self.symbols}
        if not found:
            return
        try:
            self.trees[path] = parse(text)
            defined = defined_names(self.trees[path])
        except SyntaxError:  # trust the regex: the edit will report the parse error
            defined = found
        for name in found & defined:
            self.symbols[CALLS.get(name, name)] = path


def _factory_class(node: ast.expr) -> str | None:
    """The driver class a registration builds: ``settings_factory(X)`` (or the class named
    ``settings_factory("X")``), ``X``, or a lambda."""
    if isinstance(node, ast.Lambda):
        node = node.body
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id.endswith("Driver"):
            return node.func.id
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Name):
            return first.id
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def registrations(tree: ast.Module, function: str) -> dict[str, ast.Expr]:
    """Provider key -> the module-level ``function("key", ...)`` statement registering it."""
    found = {}
    for node in tree.body:
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        first = call.args[0] if call.args else None
        if call.func.id == function and isinstance(first, ast.Constant):
            found[str(first.value)] = node
    return found


def registered_providers(layout: Layout, tree: ast.Module | None = None) -> dict[str, str]:
    """Provider key -> sync class, from the ``register_driver`` calls (else the imports)."""
    if tree is None:
        path = layout.symbols.get("register_driver_calls", layout.drivers_init)
        try:
            tree = parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            return {}
    found = {}
    for key, node in registrations(tree, "register_driver").items():
        call = node.value
        factory = call.args[1] if len(call.args) > 1 else None
        factory = factory or next((k.value for k in call.keywords if k.arg == "factory"), None)
        name = _factory_class(factory) if factory else None
        if name:
            found[key] = name
    imports = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.level == 1]
    for node in imports if not found else ():
        module = node.module or ""
        if module.endswith("_driver") and not module.startswith("async_"):
            found[module.removesuffix("_driver")] = node.names[0].name
    return found
