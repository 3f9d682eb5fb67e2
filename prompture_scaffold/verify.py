"""`--verify`: prove the new driver works, each check in a subprocess on the edited checkout.

The checks (scaffold spec §5.6): the import check, the registry check (sync and async
`get_*driver_for_model` return the new classes), the discovery check (`get_available_models()`
lists a `{provider}/` model once a dummy key is set, offline), and the generated test file.
Commands are argument lists run with `check=False`; results are data, the CLI renders them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import VerifyError

if TYPE_CHECKING:
    from .spec import DriverSpec

DUMMY_KEY = "verify-dummy-key"
Runner = Callable[..., subprocess.CompletedProcess]


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, outcome, duration, and the process data when it failed."""

    name: str
    ok: bool
    seconds: float
    command: tuple[str, ...]
    returncode: int
    output: str

    def to_dict(self) -> dict:
        data = {"name": self.name, "ok": self.ok, "seconds": round(self.seconds, 3)}
        return data if self.ok else {**data, "returncode": self.returncode, "output": self.output}

    def error(self) -> VerifyError:
        """The failure as a `VerifyError` (command, exit status, output)."""
        return VerifyError(list(self.command), self.returncode, self.output)


def _scripts(spec: DriverSpec, layout) -> dict[str, str]:
    """The check scripts. Each class comes from where add-driver put it: the sync class from
    the package (its export), the async one from its own module (its registration may live in
    a module other than `drivers`), the registry functions from the module defining them."""
    package, sync, asyn, prefix = (
        layout.package,
        spec.sync_class,
        spec.async_class,
        f"{spec.provider}/",
    )
    async_module = f"{layout.module_of(layout.drivers_dir)}.async_{spec.provider}_driver"
    lookups = {
        name: layout.module_of(layout.symbols[name])
        if name in layout.symbols
        else layout.module_of(layout.drivers_dir)
        for name in ("get_driver_for_model", "get_async_driver_for_model")
    }
    registry = "".join(f"from {module} import {name}\n" for name, module in lookups.items())
    return {
        "import": f"from {package} import {sync}\nfrom {async_module} import {asyn}\n",
        "registry": (
            f"from {package} import {sync}\nfrom {async_module} import {asyn}\n{registry}"
            f"d = get_driver_for_model({prefix + 'x'!r})\n"
            f"assert type(d) is {sync}, type(d)\n"
            f"a = get_async_driver_for_model({prefix + 'x'!r})\n"
            f"assert type(a) is {asyn}, type(a)\n"
        ),
        "discovery": (
            f"from {package} import get_available_models\n"
            f"found = [m for m in get_available_models() if m.startswith({prefix!r})]\n"
            f"assert found, 'no {prefix} model listed'\nprint(len(found), 'models')\n"
        ),
    }


def _environment(spec: DriverSpec, import_root: Path) -> dict[str, str]:
    """The checks' environment: a dummy key, offline, and the package importable from
    `import_root` (the folder holding it: the checkout, or its `src/`)."""
    env = dict(os.environ)
    env.update(
        {
            spec.api_key_env: DUMMY_KEY,
            "PROMPTURE_OFFLINE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(import_root), env.get("PYTHONPATH")])),
        }
    )
    if spec.endpoint:
        env[f"{spec.provider.upper()}_ENDPOINT"] = spec.endpoint
    return env


def commands(spec: DriverSpec, layout) -> dict[str, list[str]]:
    """The argument list of every check, by name."""
    found = {name: [sys.executable, "-c", code] for name, code in _scripts(spec, layout).items()}
    tests_dir = Path(layout.tests_dir or Path(layout.root) / "tests")
    test_file = tests_dir / f"test_{spec.provider}_driver.py"
    if spec.tests and test_file.exists():
        rel = test_file.relative_to(layout.root).as_posix()
        found["tests"] = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", rel]
    return found


def run_checks(
    spec: DriverSpec, layout, *, timeout: float = 60.0, run: Runner = subprocess.run
) -> tuple[CheckResult, ...]:
    """Run every check in `layout.root`; never raises for a failing check."""
    env = _environment(spec, Path(layout.package_dir).parent)
    return tuple(
        _run_one(name, argv, layout.root, env, timeout, run)
        for name, argv in commands(spec, layout).items()
    )


def _run_one(name, argv, cwd, env, timeout, run) -> CheckResult:
    start = time.perf_counter()
    try:
        proc = run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
        code, output = proc.returncode, (proc.stdout or "") + (proc.stderr or "")
    except subprocess.TimeoutExpired:
        code, output = -1, f"timed out after {timeout:g}s"
    except OSError as exc:
        code, output = -1, str(exc)
    seconds = time.perf_counter() - start
    return CheckResult(name, code == 0, seconds, tuple(argv), code, output.strip()[-4000:])
