"""Where a checkout keeps what add-driver edits: found by the symbols defined, not by path.

`discover` walks the package once (see `symbols`: a cheap regex picks candidate files, `ast`
confirms) and returns a frozen `Layout` that every edit and template receives; nothing else
reads the tree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UnsafeTarget
from . import descriptors
from .rates import RateStyle, learn
from .read import read_toml, toml_value
from .symbols import registered_providers, scan

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Layout:
    """A checkout's package and the files defining each anchor symbol (absolute paths).

    `symbols` keys: ``Settings``, ``get_available_models``, ``PROVIDER_MAP``, ``Driver``,
    ``AsyncDriver``, ``CostMixin``, ``register_driver_calls`` and
    ``register_async_driver_calls`` (the modules making the built-in registrations), and when
    the checkout has them ``OpenAICompatibleDriver``, ``AsyncOpenAICompatibleDriver``,
    ``AnthropicMessagesDriver``, ``AsyncAnthropicMessagesDriver``, ``ConfigurationError``,
    ``DriverHTTPError``, ``prepare_strict_schema``, ``get_model_capabilities``,
    ``get_driver_for_model``, ``get_async_driver_for_model``.
    A key is missing when no module defines the symbol at top level.
    """

    root: Path
    package: str
    package_dir: Path
    drivers_dir: Path
    symbols: Mapping[str, Path]
    rates_dir: Path | None = None
    pyproject: Path | None = None
    env_template: Path | None = None
    docs_file: Path | None = None
    examples_dir: Path | None = None
    tests_dir: Path | None = None
    #: The `*Contract` suites the package's own `testing` package exports (generated tests
    #: use them, so the errors they expect are the checkout's own); empty: none.
    testing_contracts: frozenset[str] = frozenset()
    #: Provider key -> sync driver class of the drivers registered today, in order.
    providers: Mapping[str, str] = field(default_factory=dict)
    #: The checkout's ruff (or black) line length: where generated calls must wrap.
    line_length: int = 88
    #: Modules declaring providers as ``ProviderDescriptor(...)`` (most first); when the
    #: checkout makes no ``register_driver(...)`` calls, a new provider is one more of those.
    descriptor_modules: tuple[Path, ...] = ()
    #: How the rate files beside `rates_dir` are shaped and named.
    rate_style: RateStyle = RateStyle()

    @property
    def by_descriptor(self) -> bool:
        """Providers are declared by descriptors, not registered by module-level calls."""
        return "register_driver_calls" not in self.symbols and bool(self.descriptor_modules)

    @property
    def drivers_init(self) -> Path:
        return self.drivers_dir / "__init__.py"

    def relative(self, path: Path) -> str:
        """`path` relative to the checkout root, as messages show it."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def module_of(self, path: Path) -> str:
        """Dotted module name of a file (or package directory) inside the package."""
        parts = list(Path(path).relative_to(self.package_dir.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def relative_module(self, from_file: Path, module: str) -> str:
        """`module` as a relative import written in `from_file` (``..cost_mixin``)."""
        here = self.module_of(from_file).split(".")
        if Path(from_file).name != "__init__.py":
            here.pop()  # a plain module imports relative to its package
        target = module.split(".")
        common = 0
        while common < min(len(here), len(target)) and here[common] == target[common]:
            common += 1
        return "." * (len(here) - common + 1) + ".".join(target[common:])

    def relative_import(self, from_file: Path, symbol: str) -> str:
        """The relative module to import `symbol` from, as written in `from_file`."""
        if symbol not in self.symbols:
            raise UnsafeTarget(self.relative(from_file), symbol, "the checkout does not define it")
        return self.relative_module(from_file, self.module_of(self.symbols[symbol]))


def _has_drivers_package(directory: Path) -> list[Path]:
    parents = [directory, directory / "src"]
    return sorted(
        child
        for parent in parents
        if parent.is_dir()
        for child in parent.iterdir()
        if (child / "drivers" / "__init__.py").is_file() and (child / "__init__.py").is_file()
    )


def find_repo(start: Path) -> Path:
    """The nearest ancestor of `start` (itself included) holding a package with drivers."""
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        if _has_drivers_package(directory):
            return directory
    raise UnsafeTarget(str(start), "drivers/__init__.py", "no package with drivers here or above")


def _pyproject(root: Path) -> dict:
    return read_toml(root / "pyproject.toml", root)


def _pick_package(root: Path, project: dict) -> Path:
    candidates = _has_drivers_package(root)
    wanted = toml_value(project, ("project", "name"), str, "", "pyproject.toml").replace("-", "_")
    named = [c for c in candidates if c.name == wanted]
    if len(named) == 1 or len(candidates) == 1:
        return (named or candidates)[0]
    reason = "several packages have drivers" if candidates else "no package with drivers"
    raise UnsafeTarget(str(root), "drivers/__init__.py", reason)


def _first(*paths: Path) -> Path | None:
    return next((p for p in paths if p.exists()), None)


def _guide(*paths: Path) -> Path | None:
    """The contributor guide: the first with a ``Drivers:`` bullet, else the first there."""
    present = [p for p in paths if p.is_file()]
    for path in present:
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"^[ \t]*[-*+] .*\bDrivers\b\**:", text, re.M):
            return path
    return present[0] if present else None


def _testing_contracts(package_dir: Path) -> frozenset[str]:
    """The contract suites named in the package's `testing/__init__.py` (a cheap regex)."""
    try:
        text = (package_dir / "testing" / "__init__.py").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return frozenset()
    return frozenset(re.findall(r"\b[A-Z]\w*Contract\b", text))


def discover(root: Path) -> Layout:
    """Scan the checkout at `root`; `UnsafeTarget` when it holds no package with drivers."""
    root = Path(root).resolve()
    project = _pyproject(root)
    package_dir = _pick_package(root, project)
    symbols, rates_dir, trees, declaring = scan(package_dir)
    line_length = toml_value(project, ("tool", "ruff", "line-length"), int, 0, "pyproject.toml")
    line_length = line_length or toml_value(
        project, ("tool", "black", "line-length"), int, 88, "pyproject.toml"
    )
    layout = Layout(
        root=root,
        package=package_dir.name,
        package_dir=package_dir,
        drivers_dir=package_dir / "drivers",
        symbols=symbols,
        rates_dir=rates_dir,
        rate_style=learn(rates_dir),
        pyproject=_first(root / "pyproject.toml"),
        env_template=_first(root / ".env.copy", root / ".env.example"),
        docs_file=_guide(root / "CLAUDE.md", root / "AGENTS.md"),
        examples_dir=_first(root / "examples"),
        tests_dir=_first(root / "tests"),
        testing_contracts=_testing_contracts(package_dir),
        line_length=int(line_length),
        descriptor_modules=tuple(declaring),
    )
    registry = symbols.get("register_driver_calls")
    if registry is None and declaring:
        found = {d.name: d.sync_class for d in descriptors.declared(declaring)}
        return replace(layout, providers=found)
    return replace(layout, providers=registered_providers(layout, trees.get(registry)))


def existing_providers(layout: Layout) -> dict[str, str]:
    """Provider key -> sync driver class name of every driver the checkout registers."""
    return dict(layout.providers)
