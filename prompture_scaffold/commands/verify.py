"""`--verify`: prove the new driver works, each check in a subprocess on the edited checkout.

The checks (scaffold spec §6, item 6): the import check, the registry check (sync and async
`get_*driver_for_model` return the new classes), the discovery check (`get_available_models()`
lists a `{provider}/` model once a dummy key is set, offline), and the generated test file.

They run in the checkout's environment, never the tool's: the interpreter is `--python`, else
the checkout's `.venv` or `venv`, else the active virtualenv, else the current interpreter, with
`PYTHONPATH` set to the checkout, so the checkout's own package is imported. The check scripts
use only that package and the standard library; the tests run under that interpreter's pytest.
Commands are argument lists run with `check=False`; results are data, the CLI renders them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..spec.driver_spec import DriverSpec

DUMMY_KEY = "verify-dummy-key"
Runner = Callable[..., subprocess.CompletedProcess]

PASS, FAIL, SKIPPED, NOT_RUN = "pass", "fail", "skipped", "not run"

#: What the chosen interpreter is asked first (it runs at all, and has pytest or not).
PROBE = (
    "import importlib.util, json\n"
    "print(json.dumps({'pytest': importlib.util.find_spec('pytest') is not None}))\n"
)


@dataclass(frozen=True)
class Interpreter:
    """The Python the checks run with, and why that one was chosen."""

    path: Path
    why: str
    venv: Path | None = None

    def describe(self) -> str:
        return f"{self.path} ({self.why})"

    def to_dict(self) -> dict:
        return {"path": str(self.path), "why": self.why}


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _is_venv(path: Path) -> bool:
    return path.is_dir() and ((path / "pyvenv.cfg").is_file() or _venv_python(path).exists())


def choose_interpreter(
    root: Path, python: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Interpreter:
    """`python` (a path, a command on PATH or a venv folder), else the checkout's `.venv` or
    `venv` (a symlink to one counts), else `$VIRTUAL_ENV`, else the current interpreter."""
    environ = os.environ if environ is None else environ
    if python is not None:
        text = str(python)
        found = (
            None if "/" in text or os.sep in text else shutil.which(text, path=environ.get("PATH"))
        )
        # absolute, never resolved: a venv's python is a symlink whose target is no venv
        given = Path(found or os.path.abspath(text))
        if _is_venv(given):
            return Interpreter(_venv_python(given), "--python", given)
        return Interpreter(given, "--python", _venv_of(given))
    for name in (".venv", "venv"):
        venv = Path(root) / name
        if _is_venv(venv):
            return Interpreter(_venv_python(venv), f"the checkout's {name}", venv)
    active = environ.get("VIRTUAL_ENV")
    if active and _is_venv(Path(active)):
        venv = Path(active)
        return Interpreter(_venv_python(venv), "the active virtualenv, VIRTUAL_ENV", venv)
    return Interpreter(Path(sys.executable), "the current interpreter", None)


def _venv_of(python: Path) -> Path | None:
    folder = python.parent.parent
    return folder if (folder / "pyvenv.cfg").is_file() else None


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, status (pass, fail, skipped, not run), duration, the process data
    when it did not pass, and why when it was skipped or not run."""

    name: str
    status: str
    seconds: float
    command: tuple[str, ...]
    returncode: int
    output: str
    reason: str = ""
    #: For the tests check: how many passed, failed, were skipped (each reported, never merged).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == PASS

    def to_dict(self) -> dict:
        data = {
            "name": self.name,
            "status": self.status,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
        }
        if self.counts:
            data["counts"] = dict(self.counts)
        if self.reason:
            data["reason"] = self.reason
        if self.status == FAIL:
            data.update(returncode=self.returncode, output=self.output)
        return data


@dataclass(frozen=True)
class Report:
    """What `--verify` did: the interpreter it used and every check's result."""

    interpreter: Interpreter
    checks: tuple[CheckResult, ...]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)


def _guard(package: str, root: Path) -> str:
    """Script prologue: stop unless `package` is imported from the checkout itself."""
    return (
        f"import os, sys\nimport {package} as _pkg\n"
        "_where = os.path.realpath(getattr(_pkg, '__file__', None) or list(_pkg.__path__)[0])\n"
        f"if not _where.startswith({str(root) + os.sep!r}):\n"
        f"    sys.exit('imported {package} from ' + _where + ', not from the checkout')\n"
    )


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
    guard = _guard(package, Path(os.path.realpath(layout.root)))
    async_module = f"{layout.module_of(layout.drivers_dir)}.async_{spec.provider}_driver"
    lookups = {
        name: layout.module_of(layout.symbols[name])
        if name in layout.symbols
        else layout.module_of(layout.drivers_dir)
        for name in ("get_driver_for_model", "get_async_driver_for_model")
    }
    registry = "".join(f"from {module} import {name}\n" for name, module in lookups.items())
    return {
        "import": f"{guard}from {package} import {sync}\nfrom {async_module} import {asyn}\n",
        "registry": (
            f"{guard}from {package} import {sync}\nfrom {async_module} import {asyn}\n{registry}"
            f"d = get_driver_for_model({prefix + 'x'!r})\n"
            f"assert type(d) is {sync}, type(d)\n"
            f"a = get_async_driver_for_model({prefix + 'x'!r})\n"
            f"assert type(a) is {asyn}, type(a)\n"
        ),
        "discovery": (
            f"{guard}from {package} import get_available_models\n"
            f"found = [m for m in get_available_models() if m.startswith({prefix!r})]\n"
            f"assert found, 'no {prefix} model listed'\nprint(len(found), 'models')\n"
        ),
    }


def _environment(spec: DriverSpec, layout, interpreter: Interpreter) -> dict[str, str]:
    """The checks' environment: a dummy key, offline, the interpreter's venv active, and
    `PYTHONPATH` only the checkout (the folder holding the package first, e.g. its `src/`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "VIRTUAL_ENV")}
    root, import_root = Path(layout.root), Path(layout.package_dir).parent
    paths = dict.fromkeys(str(p) for p in (import_root, root))
    env.update(
        {
            spec.api_key_env: DUMMY_KEY,
            "PROMPTURE_OFFLINE": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": os.pathsep.join(paths),
        }
    )
    if interpreter.venv is not None:
        env["VIRTUAL_ENV"] = str(interpreter.venv)
        bin_dir = str(_venv_python(interpreter.venv).parent)
        env["PATH"] = os.pathsep.join(filter(None, [bin_dir, env.get("PATH")]))
    if spec.endpoint:
        env[f"{spec.provider.upper()}_ENDPOINT"] = spec.endpoint
    return env


def _test_file(spec: DriverSpec, layout) -> Path | None:
    tests_dir = Path(layout.tests_dir or Path(layout.root) / "tests")
    test_file = tests_dir / f"test_{spec.provider}_driver.py"
    return test_file if spec.tests and test_file.exists() else None


def commands(spec: DriverSpec, layout, python: str | Path | None = None) -> dict[str, list[str]]:
    """The argument list of every check, by name (the tests check without its report file)."""
    exe = str(python or sys.executable)
    found = {name: [exe, "-c", code] for name, code in _scripts(spec, layout).items()}
    test_file = _test_file(spec, layout)
    if test_file is not None:
        rel = test_file.relative_to(layout.root).as_posix()
        found["tests"] = [exe, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", rel]
    return found


def run_checks(
    spec: DriverSpec,
    layout,
    *,
    python: str | Path | None = None,
    timeout: float = 60.0,
    run: Runner = subprocess.run,
) -> Report:
    """Run every check in `layout.root` with the checkout's interpreter; never raises for a
    check that fails or cannot run."""
    interpreter = choose_interpreter(Path(layout.root), python)
    env = _environment(spec, layout, interpreter)
    argvs = commands(spec, layout, interpreter.path)
    results = []
    if spec.compat == "custom":  # static: it needs no interpreter
        results.append(
            wire_methods_check(spec, Path(layout.drivers_dir) / f"{spec.provider}_driver.py")
        )
    probe = _probe(interpreter, layout.root, env, timeout, run)
    if isinstance(probe, str):
        checks = tuple(_not_run(name, argv, probe) for name, argv in argvs.items())
        return Report(interpreter, (*results, *checks))
    for name, argv in argvs.items():
        if name == "tests":
            results.append(_run_tests(argv, probe, layout.root, env, timeout, run))
        else:
            results.append(_run_one(name, argv, layout.root, env, timeout, run))
    return Report(interpreter, tuple(results))


#: The methods a custom wire format's driver must write (the skeleton leaves them open).
WIRE_METHODS = ("_build_request", "_parse_response")


def wire_methods_check(spec: DriverSpec, path: Path) -> CheckResult:
    """The ``wire methods`` check of a ``custom`` driver: both `WIRE_METHODS` are written in
    its module (defined, with a body that does more than raise NotImplementedError), else a
    failure naming those still to write. Static (`ast`): nothing is imported or called."""
    import ast

    start = time.perf_counter()
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
        output = f"cannot read {path}: {type(exc).__name__}"
        return CheckResult("wire methods", FAIL, 0.0, (), 1, output)
    written = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not _stub(node)
    }
    missing = [f"{spec.sync_class}.{name}" for name in WIRE_METHODS if name not in written]
    seconds = time.perf_counter() - start
    if missing:
        output = "still to write: " + ", ".join(missing)
        return CheckResult("wire methods", FAIL, seconds, (), 1, output)
    return CheckResult("wire methods", PASS, seconds, (), 0, "")


def _stub(node) -> bool:
    """A function whose body is (a docstring and) ``raise NotImplementedError(...)``."""
    import ast

    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc
    name = exc.func if isinstance(exc, ast.Call) else exc
    return isinstance(name, ast.Name) and name.id == "NotImplementedError"


def _probe(interpreter, cwd, env, timeout, run) -> dict | str:
    """The interpreter's facts, or why it cannot run anything (missing, broken)."""
    where = str(interpreter.path)
    if not interpreter.path.exists():
        return f"the interpreter {where} does not exist"
    try:
        proc = run(
            [where, "-c", PROBE],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"the interpreter {where} did not answer within {timeout:g}s"
    except OSError as exc:
        return f"the interpreter {where} cannot be started: {exc.strerror or exc}"
    try:
        facts = json.loads((proc.stdout or "").strip().splitlines()[-1])
        assert proc.returncode == 0 and isinstance(facts, dict)
    except (IndexError, ValueError, AssertionError):
        last = ((proc.stderr or proc.stdout or "").strip().splitlines() or ["no output"])[-1]
        return f"the interpreter {where} is broken (exit {proc.returncode}: {last})"
    return facts


def _not_run(name: str, argv, reason: str) -> CheckResult:
    return CheckResult(name, NOT_RUN, 0.0, tuple(argv), -1, "", reason=reason)


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
        return _not_run(name, argv, f"{argv[0]} cannot be started: {exc.strerror or exc}")
    seconds = time.perf_counter() - start
    status = PASS if code == 0 else FAIL
    return CheckResult(name, status, seconds, tuple(argv), code, output.strip()[-4000:])


def _run_tests(argv, probe: dict, cwd, env, timeout, run) -> CheckResult:
    """The generated tests under the interpreter's pytest; a junit report tells passed from
    skipped, so a run where nothing passed is never reported as a pass."""
    if not probe.get("pytest"):
        return _not_run(
            "tests", argv, f"no pytest in {argv[0]} (`{argv[0]} -m pip install pytest`)"
        )
    with tempfile.TemporaryDirectory(prefix="prompture-verify-") as tmp:
        junit = Path(tmp) / "junit.xml"
        result = _run_one("tests", [*argv, f"--junitxml={junit}"], cwd, env, timeout, run)
        counts, skips = _junit_counts(junit)
    return CheckResult("tests", *_fields(result, argv, counts, skips))


def _fields(result: CheckResult, argv, counts, skips) -> tuple:
    status, reason = result.status, result.reason
    if status == PASS:
        if counts is None:
            status, reason = FAIL, "pytest wrote no report"
        elif not counts["passed"]:
            status = SKIPPED if counts["skipped"] else NOT_RUN
            reason = "; ".join(skips[:3]) if skips else "pytest collected no test"
    elif result.returncode == 5:  # pytest: no tests collected
        status, reason = NOT_RUN, "pytest collected no test"
    return (
        status,
        result.seconds,
        tuple(argv),
        result.returncode,
        result.output,
        reason,
        counts or {},
    )


def _junit_counts(path: Path) -> tuple[dict[str, int] | None, list[str]]:
    """Passed, failed and skipped tests from a pytest junit report, and the skip reasons."""
    import xml.etree.ElementTree as ET

    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return None, []
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    reasons: dict[str, None] = {}
    for case in tree.iter("testcase"):
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            counts["failed"] += 1
        elif "skipped" in kinds:
            counts["skipped"] += 1
            skipped = case.find("skipped")
            reasons[(skipped.get("message") or "skipped").strip()] = None
        else:
            counts["passed"] += 1
    return counts, list(reasons)
