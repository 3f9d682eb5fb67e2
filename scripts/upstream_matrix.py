"""Run this repo's scaffolder against real upstream Prompture checkouts of several eras.

Issue 9's "Done when" as a table (era by check). Not part of CI: it builds each era's venv from
the package index. Run it with this repo's venv, whose `prompture_scaffold` is the tool under
test and whose `prompture.testing` serves the local OpenAI-compatible endpoint:

    python scripts/upstream_matrix.py --clone ~/src/Prompture --rev 7bb69ca --rev HEAD \\
        --sdist dist/prompture-1.15.1.tar.gz --work ~/.cache/prompture-upstream-matrix

Per era, under `--work/<key>/`: `repo/` (a checkout reset to pristine before each use, with a
`.venv` link when the checkout ignores `.venv`), `venv/` (upstream installed editable with its
test extra, built once), `before.json` (upstream's suite on the pristine checkout, run once;
`--rerun-before` runs it again) and `home/` (HOME for upstream's processes). Upstream code
always runs in the era's venv with `PYTHONPATH` set to the checkout; the scaffolder always runs
with this interpreter (`-P`, so the checkout's `prompture` never shadows ours).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

PASS, FAIL, NOT_RUN, NA = "pass", "FAIL", "not run", "n/a"
CHECKS = (
    "check-drivers",
    "add",
    "lint",
    "sync",
    "async",
    "discovery",
    "gen-tests",
    "suite-after",
    "remove-clean",
    "fireworks-verify",
)
PROVIDER, MODEL, KEY_ENV = "acme", "acme-1", "ACME_API_KEY"
#: The fake key the local server demands; it is no secret.
FAKE_KEY = "matrix-test-key"
# --verbosity=0 overrides whatever -v or -q the checkout's addopts give: we need the summary line.
SUITE = ("-m", "pytest", "--verbosity=0", "-p", "no:cacheprovider", "-rfE")
TAIL = 40

_COUNT = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)\b")
_SUMMARY = re.compile(r"^=*\s*(\d+ \w+.*|no tests ran.*) in [\d.]+s.*$")
_FAILING = re.compile(r"^(FAILED|ERROR) (\S+)")
_RUFF = re.compile(r"^(?P<path>[^:\s]+):\d+:\d+: (?P<code>[A-Z]+\d+)")


# ---------------------------------------------------------------- pure parts (unit tested)


@dataclass(frozen=True)
class Era:
    """One upstream checkout to test: a commit of the clone or a release sdist."""

    name: str
    key: str
    kind: str  # "rev" or "sdist"
    source: str  # the rev as given, or the sdist path


@dataclass
class Outcome:
    status: str
    note: str = ""
    detail: str = ""


@dataclass(frozen=True)
class PytestRun:
    exit_code: int
    counts: dict[str, int]
    failing: tuple[str, ...]
    summary: str

    @property
    def collected_nothing(self) -> bool:
        return self.exit_code == 5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="upstream_matrix.py",
        description="Run the scaffolder's issue-9 checks on upstream Prompture eras.",
    )
    parser.add_argument("--clone", type=Path, help="a local clone of upstream Prompture")
    parser.add_argument(
        "--rev", action="append", default=[], help="a commit of --clone (repeatable)"
    )
    parser.add_argument(
        "--sdist", action="append", default=[], type=Path, help="a release sdist (repeatable)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path.home() / ".cache" / "prompture-upstream-matrix",
        help="where checkouts, venvs and before-runs are kept between runs",
    )
    parser.add_argument("--rerun-before", action="store_true", help="rerun the before suites")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--suite-timeout", type=int, default=1800, help="seconds allowed per suite run"
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.rev and not args.sdist:
        parser.error("give at least one --rev or --sdist")
    if args.rev and args.clone is None:
        parser.error("--rev needs --clone")
    return args


def sdist_era_name(path: Path) -> str:
    """`prompture-1.15.1.tar.gz` -> `sdist-1.15.1`."""
    stem = path.name.removesuffix(".tar.gz").removesuffix(".zip")
    return "sdist-" + stem.split("-", 1)[-1]


def parse_pytest_output(text: str, exit_code: int) -> PytestRun:
    """Counts, the summary line and the failing/erroring ids of one pytest run (`-rfE`)."""
    summary = ""
    for line in text.splitlines():
        if _SUMMARY.match(line.strip()):
            summary = line.strip().strip("= ").strip()
    counts: dict[str, int] = {}
    for number, word in _COUNT.findall(summary):
        word = "errors" if word.startswith("error") else word
        counts[word] = int(number)
    failing = {m.group(2) for m in map(_FAILING.match, text.splitlines()) if m}
    return PytestRun(exit_code, counts, tuple(sorted(failing)), summary)


def new_failures(before: PytestRun, after: PytestRun) -> list[str]:
    return sorted(set(after.failing) - set(before.failing))


def suite_outcome(before: PytestRun, after: PytestRun) -> Outcome:
    """No new failing id, and the after run got as far as a summary."""
    if before.collected_nothing and after.collected_nothing:
        return Outcome(NA, "no upstream tests in this checkout")
    added = new_failures(before, after)
    note = f"before: {before.summary or before.exit_code}; after: {after.summary}"
    if added:
        return Outcome(FAIL, f"{len(added)} new failing", note + "\n" + "\n".join(added))
    if not after.summary or after.exit_code not in (0, 1):
        return Outcome(FAIL, f"pytest exit {after.exit_code}", note)
    return Outcome(PASS, "", note)


def pytest_files_outcome(
    run: PytestRun, files: Sequence[str], tests_folder: bool = True
) -> Outcome:
    """The generated tests: all pass, none skipped, at least one ran.

    A checkout without a tests folder may get none (the scaffolder skips it with a note).
    """
    if not files:
        if not tests_folder:
            return Outcome(NA, "the checkout has no tests folder")
        return Outcome(FAIL, "no generated test file")
    passed, skipped = run.counts.get("passed", 0), run.counts.get("skipped", 0)
    note = f"{', '.join(files)}: {run.summary or f'exit {run.exit_code}'}"
    if run.exit_code != 0 or passed == 0:
        return Outcome(FAIL, run.summary or f"exit {run.exit_code}", note)
    if skipped:
        return Outcome(FAIL, f"{skipped} skipped", note)
    return Outcome(PASS, f"{passed} passed", note)


def ruff_findings(text: str) -> Counter[tuple[str, str]]:
    """`path:line:col: CODE message` lines (ruff's concise output) as (path, code) counts."""
    return Counter((m["path"], m["code"]) for m in map(_RUFF.match, text.splitlines()) if m)


def lint_outcome(before: Counter, after: Counter, unformatted: Sequence[str]) -> Outcome:
    added = after - before
    lines = [f"{path}: {code} x{n}" for (path, code), n in sorted(added.items())]
    lines += [f"{path}: not ruff-formatted (it was before, or it is new)" for path in unformatted]
    if lines:
        return Outcome(FAIL, f"{len(lines)} new finding(s)", "\n".join(lines))
    return Outcome(PASS)


def choose_extra(extras: Sequence[str]) -> str | None:
    for name in ("test", "tests", "testing", "dev"):
        if name in extras:
            return name
    return None


def status_paths(porcelain: str) -> list[str]:
    """Paths of `git status --porcelain` lines (the new name of a rename)."""
    paths = []
    for line in porcelain.splitlines():
        if len(line) > 3:
            paths.append(line[3:].split(" -> ")[-1].strip('"'))
    return paths


def generated_tests(porcelain: str) -> list[str]:
    return [
        path
        for path in status_paths(porcelain)
        if porcelain_is_new(porcelain, path) and re.search(r"(^|/)tests?/.*test_[^/]*\.py$", path)
    ]


def porcelain_is_new(porcelain: str, path: str) -> bool:
    return any(line.startswith("??") and line.endswith(path) for line in porcelain.splitlines())


def tail(text: str, lines: int = TAIL) -> str:
    kept = text.rstrip().splitlines()
    cut = len(kept) - lines
    return "\n".join(([f"[... {cut} lines above ...]"] if cut > 0 else []) + kept[-lines:])


def render_table(rows: Sequence[tuple[str, dict[str, Outcome]]], checks=CHECKS) -> str:
    """A plain-text table: one row per era, one column per check."""
    header = ["era", *checks]
    body = [
        [name, *(outcomes.get(c, Outcome(NOT_RUN)).status for c in checks)]
        for name, outcomes in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *map(line, body)])


def render_details(rows: Sequence[tuple[str, dict[str, Outcome]]]) -> str:
    """Every outcome that is not a plain pass, with its note and output."""
    parts = []
    for name, outcomes in rows:
        for check, outcome in outcomes.items():
            if outcome.status == PASS and check != "check-drivers":
                continue
            head = f"## {name} / {check}: {outcome.status}" + (
                f" ({outcome.note})" if outcome.note else ""
            )
            parts.append(head + ("\n" + outcome.detail.rstrip() if outcome.detail else ""))
    return "\n\n".join(parts)


# ---------------------------------------------------------------- processes


@dataclass(frozen=True)
class Ran:
    command: tuple[str, ...]
    code: int
    output: str
    seconds: float

    def describe(self) -> str:
        shown = " ".join(self.command)
        return f"$ {shown}\nexit {self.code} after {self.seconds:.1f}s\n{tail(self.output)}"


def run(
    command: Sequence[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600
) -> Ran:
    start = time.monotonic()
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        code, output = done.returncode, done.stdout
    except subprocess.TimeoutExpired as exc:
        out = (
            exc.stdout.decode(errors="replace")
            if isinstance(exc.stdout, bytes)
            else exc.stdout or ""
        )
        code, output = -9, out + f"\n[timed out after {timeout}s]"
    return Ran(tuple(map(str, command)), code, output, time.monotonic() - start)


def git(repo: Path, *args: str) -> Ran:
    return run(["git", "-C", str(repo), *args], cwd=repo)


def must(ran: Ran) -> Ran:
    if ran.code != 0:
        raise RuntimeError(ran.describe())
    return ran


# ---------------------------------------------------------------- eras: checkout and venv


@dataclass
class Bench:
    """Paths of one era under --work."""

    era: Era
    root: Path
    clone: Path | None = None
    repo: Path = field(init=False)
    venv: Path = field(init=False)
    home: Path = field(init=False)

    def __post_init__(self) -> None:
        self.repo, self.venv, self.home = (self.root / n for n in ("repo", "venv", "home"))

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def resolve_eras(args: argparse.Namespace) -> list[Era]:
    eras = []
    for rev in args.rev:
        sha = must(git(args.clone, "rev-parse", "--verify", f"{rev}^{{commit}}")).output.strip()
        eras.append(Era(rev if rev != "HEAD" else f"HEAD-{sha[:7]}", sha[:12], "rev", rev))
    for path in args.sdist:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        eras.append(Era(sdist_era_name(path), f"sdist-{digest}", "sdist", str(path.resolve())))
    return eras


def prepare_checkout(bench: Bench) -> None:
    if not (bench.repo / ".git").exists():
        bench.root.mkdir(parents=True, exist_ok=True)
        if bench.era.kind == "rev":
            must(
                run(
                    ["git", "clone", "-q", "--no-checkout", str(bench.clone), str(bench.repo)],
                    bench.root,
                )
            )
            must(git(bench.repo, "checkout", "-q", "--detach", bench.era.key))
        else:
            unpack_sdist(Path(bench.era.source), bench.repo)
    pristine(bench)


def unpack_sdist(sdist: Path, repo: Path) -> None:
    """Unpack without the top directory, then one commit, so `git status` can judge it."""
    with tarfile.open(sdist) as archive:
        members = [m for m in archive.getmembers() if "/" in m.name]
        for member in members:
            member.name = member.name.split("/", 1)[1]
        archive.extractall(repo, members=members, filter="data")
    must(git(repo, "init", "-q"))
    # What upstream's own .gitignore keeps out of git: generated or build output.
    ignored = [".venv", "*.egg-info/", "__pycache__/", "*.pyc", ".pytest_cache/", ".ruff_cache/"]
    ignored.append("prompture/_version.py")
    with (repo / ".git" / "info" / "exclude").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(ignored) + "\n")
    must(git(repo, "add", "-A"))
    identity = ["-c", "user.name=upstream-matrix", "-c", "user.email=matrix@localhost"]
    must(git(repo, *identity, "commit", "-q", "-m", f"{sdist.name} as released"))


def pristine(bench: Bench) -> None:
    """Tracked files as committed, untracked (not ignored) files gone."""
    must(git(bench.repo, "reset", "-q", "--hard"))
    must(git(bench.repo, "clean", "-q", "-fd"))


def test_extra(repo: Path) -> str | None:
    import tomllib

    pyproject = repo / "pyproject.toml"
    if pyproject.exists():
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        extra = choose_extra(list(data.get("project", {}).get("optional-dependencies", {})))
        if extra:
            return extra
    setup = repo / "setup.py"
    found = re.findall(r"[\"'](\w+)[\"']\s*:", setup.read_text()) if setup.exists() else []
    return choose_extra(found)


def prepare_venv(bench: Bench, log) -> None:
    marker = bench.venv / ".upstream-matrix-installed"
    if not marker.exists():
        extra = test_extra(bench.repo)
        target = f".[{extra}]" if extra else "."
        log(f"  building venv ({target}) in {bench.venv}")
        must(run([sys.executable, "-m", "venv", str(bench.venv)], bench.root))
        must(
            run(
                [bench.python, "-m", "pip", "install", "-q", "-e", target], bench.repo, timeout=3600
            )
        )
        if not extra:
            must(run([bench.python, "-m", "pip", "install", "-q", "pytest"], bench.repo))
        marker.write_text(target + "\n", encoding="utf-8")
    link = bench.repo / ".venv"
    if not link.exists() and git(bench.repo, "check-ignore", "-q", ".venv").code == 0:
        link.symlink_to(bench.venv)
    pristine(bench)  # an editable install may rewrite tracked files (prompture/_version.py)


# ---------------------------------------------------------------- environments


def upstream_env(bench: Bench, **extra: str) -> dict[str, str]:
    """Upstream's processes: its venv first on PATH, its checkout on PYTHONPATH, no keys."""
    ours = str(Path(sys.executable).parent)
    path = [
        str(bench.venv / "bin"),
        *(p for p in os.environ["PATH"].split(os.pathsep) if p != ours),
    ]
    bench.home.mkdir(exist_ok=True)
    env = {
        "PATH": os.pathsep.join(path),
        "HOME": str(bench.home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(bench.repo),
        "VIRTUAL_ENV": str(bench.venv),
    }
    return env | extra


def scaffold_env(work: Path) -> dict[str, str]:
    """The tool as a maintainer runs it (pipx-style): no active virtualenv, offline catalogue."""
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV" and not k.endswith("_API_KEY")}
    cache = str(work / "scaffold-cache")
    # Wide COLUMNS: rich must not wrap the paths (the interpreter --verify names) we look for.
    return env | {"PROMPTURE_OFFLINE": "1", "PROMPTURE_CACHE_DIR": cache, "COLUMNS": "300"}


def scaffold(bench: Bench, work: Path, *args: str) -> Ran:
    """Our CLI with our interpreter; `-P` keeps the checkout's `prompture` off sys.path."""
    code = "from prompture_scaffold.cli import main; main()"
    command = [sys.executable, "-P", "-c", code, *args, "--repo", str(bench.repo)]
    return run(command, bench.repo, scaffold_env(work), timeout=900)


def pytest_run(bench: Bench, *targets: str, timeout: int = 1800) -> tuple[PytestRun, Ran]:
    ran = run([bench.python, *SUITE, *targets], bench.repo, upstream_env(bench), timeout=timeout)
    return parse_pytest_output(ran.output, ran.code), ran


# ---------------------------------------------------------------- checks


def before_suite(bench: Bench, rerun: bool, timeout: int, log) -> PytestRun:
    cached = bench.root / "before.json"
    if cached.exists() and not rerun:
        data = json.loads(cached.read_text(encoding="utf-8"))
        return PytestRun(data["exit_code"], data["counts"], tuple(data["failing"]), data["summary"])
    log("  upstream suite, before")
    result, ran = pytest_run(bench, timeout=timeout)
    (bench.root / "before.log").write_text(ran.output, encoding="utf-8")
    cached.write_text(json.dumps(asdict(result), indent=2) + "\n", encoding="utf-8")
    return result


def check_drivers(bench: Bench, work: Path) -> Outcome:
    ran = scaffold(bench, work, "check-drivers")
    crashed = ran.code not in (0, 1) or "Traceback" in ran.output
    return Outcome(FAIL if crashed else PASS, f"exit {ran.code}", ran.describe())


def add_acme(bench: Bench, work: Path, url: str) -> Outcome:
    ran = scaffold(
        bench,
        work,
        "add-driver",
        PROVIDER,
        "--yes",
        "--compat",
        "openai",
        "--endpoint",
        url,
        "--default-model",
        MODEL,
        "--api-key-env",
        KEY_ENV,
        "--no-models-dev",
    )
    return Outcome(PASS if ran.code == 0 else FAIL, f"exit {ran.code}", ran.describe())


def lint_check(bench: Bench) -> Outcome:
    """Ruff (the checkout's configuration): findings and formatting the change added."""
    changed = status_paths(git(bench.repo, "status", "--porcelain", "--untracked-files=all").output)
    files = [p for p in changed if p.endswith(".py") and (bench.repo / p).exists()]
    if not files:
        return Outcome(NA, "no Python file changed")
    concise = ["check", "--output-format", "concise"]
    after = ruff_findings(ruff(bench.repo, [*concise, *files]).output)
    before: Counter = Counter()
    unformatted = []
    for path in files:
        old = git(bench.repo, "show", f"HEAD:{path}")
        is_new = old.code != 0
        if not is_new:
            before += ruff_findings(ruff(bench.repo, concise, path, old.output).output)
        was_formatted = (
            is_new or ruff(bench.repo, ["format", "--check"], path, old.output).code == 0
        )
        if was_formatted and ruff(bench.repo, ["format", "--check", path]).code != 0:
            unformatted.append(path)
    outcome = lint_outcome(before, after, unformatted)
    outcome.detail += ("\n" if outcome.detail else "") + "checked: " + ", ".join(files)
    return outcome


def ruff(repo: Path, args: list[str], stdin_path: str | None = None, text: str = "") -> Ran:
    """This venv's ruff in the checkout (so its configuration applies); old text via stdin."""
    command = [sys.executable, "-m", "ruff", *args, "--no-cache"]
    if stdin_path is None:
        return run(command, repo)
    start = time.monotonic()
    done = subprocess.run(
        [*command, "--stdin-filename", stdin_path, "-"],
        cwd=repo,
        input=text,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return Ran(tuple(command), done.returncode, done.stdout, time.monotonic() - start)


#: Runs in upstream's venv: the registry (sync and async) and discovery, as JSON on stdout.
PROBE = r"""
import asyncio, importlib, inspect, json, sys

provider, model = sys.argv[1], sys.argv[2]
out = {}

def attempt(name, fn):
    try:
        out[name] = {"ok": True, "value": fn()}
    except BaseException as exc:
        out[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}

def find(name, *modules):
    for module in modules:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise LookupError(f"{name} not found in {modules}")

def sync_call():
    get = find("get_driver_for_model", "prompture.drivers", "prompture")
    driver = get(f"{provider}/{model}")
    reply = driver.generate("Say hello.", {})
    return {"class": type(driver).__name__, "text": reply.get("text")}

def async_call():
    where = ("prompture.drivers", "prompture.drivers.async_registry")
    get = find("get_async_driver_for_model", *where)
    driver = get(f"{provider}/{model}")
    reply = asyncio.run(driver.generate("Say hello.", {}))
    return {"class": type(driver).__name__, "text": reply.get("text")}

def discover():
    where = ("prompture.infra.discovery", "prompture.discovery", "prompture")
    fn = find("get_available_models", *where)
    kwargs = {"force_refresh": True} if "force_refresh" in inspect.signature(fn).parameters else {}
    listed = [m for m in fn(**kwargs) if isinstance(m, str)]
    return [m for m in listed if m.startswith(provider + "/")]

attempt("sync", sync_call)
attempt("async", async_call)
attempt("discovery", discover)
print("PROBE-JSON " + json.dumps(out))
"""


def runtime_checks(bench: Bench, server) -> dict[str, Outcome]:
    env = upstream_env(bench, **{KEY_ENV: FAKE_KEY})
    ran = run([bench.python, "-c", PROBE, PROVIDER, MODEL], bench.repo, env, timeout=300)
    line = next((ln for ln in ran.output.splitlines() if ln.startswith("PROBE-JSON ")), None)
    if line is None:
        return dict.fromkeys(
            ("sync", "async", "discovery"), Outcome(FAIL, "probe crashed", ran.describe())
        )
    found = json.loads(line.removeprefix("PROBE-JSON "))
    chats = [r for r in server.requests if r.path.endswith("/chat/completions")]
    models = sorted({str((r.body or {}).get("model")) for r in chats})
    seen = f"server saw {len(chats)} chat request(s), models {models}"
    outcomes = {}
    for name in ("sync", "async"):
        got = found[name]
        good = got["ok"] and bool(got["value"].get("text"))
        outcomes[name] = Outcome(
            PASS if good else FAIL, got.get("error", "")[:120], f"{got}\n{seen}"
        )
    got = found["discovery"]
    listed = got["ok"] and bool(got["value"])
    outcomes["discovery"] = Outcome(
        PASS if listed else FAIL,
        got.get("error", "")[:120] or ("" if listed else f"no {PROVIDER}/ model listed"),
        str(got),
    )
    return outcomes


def generated_tests_check(bench: Bench) -> Outcome:
    files = generated_tests(
        git(bench.repo, "status", "--porcelain", "--untracked-files=all").output
    )
    if not files:
        nothing = PytestRun(5, {}, (), "")
        return pytest_files_outcome(nothing, files, (bench.repo / "tests").is_dir())
    result, ran = pytest_run(bench, *files, timeout=600)
    outcome = pytest_files_outcome(result, files)
    outcome.detail += "\n" + ran.describe()
    return outcome


def remove_check(bench: Bench, work: Path) -> Outcome:
    ran = scaffold(bench, work, "remove-driver", PROVIDER, "--yes")
    left = git(bench.repo, "status", "--porcelain", "--untracked-files=all").output
    if ran.code == 0 and not left.strip():
        return Outcome(PASS)
    detail = ran.describe() + ("\ngit status --porcelain:\n" + left if left.strip() else "")
    note = f"exit {ran.code}" if ran.code else f"{len(left.splitlines())} path(s) left changed"
    if ran.code == 0 and left.strip():
        detail += "\n" + git(bench.repo, "diff").output[:6000]
    return Outcome(FAIL, note, detail)


def fireworks_check(bench: Bench, work: Path) -> Outcome:
    ran = scaffold(
        bench,
        work,
        "add-driver",
        "fireworks_ai",
        "--from-models-dev",
        "fireworks-ai",
        "--yes",
        "--verify",
    )
    venvs = {str(bench.venv), str(bench.venv.resolve()), str(bench.repo / ".venv")}
    named = any(venv in ran.output for venv in venvs)
    if ran.code != 0:
        return Outcome(FAIL, f"exit {ran.code}", ran.describe())
    if not named:
        return Outcome(FAIL, "passed, but does not say it used the era's venv", ran.describe())
    return Outcome(PASS, "", ran.describe())


@contextmanager
def local_openai_server() -> Iterator:
    from prompture.testing import OpenAICompatServer  # ours: this script runs in our venv

    with OpenAICompatServer(api_key=FAKE_KEY, models=(MODEL,)) as server:
        yield server


def guarded(results: dict[str, Outcome], names: Sequence[str], check) -> None:
    """Run one check; a crash of the bench itself is that check's FAIL, not the era's end."""
    try:
        found = check()
    except Exception:
        crash = Outcome(FAIL, "matrix error", traceback.format_exc())
        found = dict.fromkeys(names, crash)
    results.update(found if isinstance(found, dict) else {names[0]: found})


def run_era(bench: Bench, args: argparse.Namespace, log) -> dict[str, Outcome]:
    work, results = args.work, {}
    prepare_checkout(bench)
    prepare_venv(bench, log)
    guarded(results, ["check-drivers"], lambda: check_drivers(bench, work))
    pristine(bench)
    before = before_suite(bench, args.rerun_before, args.suite_timeout, log)
    with local_openai_server() as server:
        guarded(results, ["add"], lambda: add_acme(bench, work, server.url))
        if results["add"].status == PASS:
            log("  acme added; lint, runtime, generated tests, suite after")
            guarded(results, ["lint"], lambda: lint_check(bench))
            guarded(results, ["sync", "async", "discovery"], lambda: runtime_checks(bench, server))
            guarded(results, ["gen-tests"], lambda: generated_tests_check(bench))
            guarded(results, ["suite-after"], lambda: after_suite(bench, before, args))
            guarded(results, ["remove-clean"], lambda: remove_check(bench, work))
    pristine(bench)
    log("  fireworks_ai --verify")
    guarded(results, ["fireworks-verify"], lambda: fireworks_check(bench, work))
    pristine(bench)
    return results


def after_suite(bench: Bench, before: PytestRun, args: argparse.Namespace) -> Outcome:
    after, ran = pytest_run(bench, timeout=args.suite_timeout)
    (bench.root / "after.log").write_text(ran.output, encoding="utf-8")
    return suite_outcome(before, after)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.work = args.work.resolve()
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    rows: list[tuple[str, dict[str, Outcome]]] = []
    for era in resolve_eras(args):
        bench = Bench(era, args.work / era.key, args.clone.resolve() if args.clone else None)
        log(f"== {era.name} ({era.kind} {era.source}) in {bench.root}")
        try:
            outcomes = run_era(bench, args, log)
        except Exception:  # one broken era must not hide the others
            outcomes = {"add": Outcome(FAIL, "bench setup failed", traceback.format_exc())}
        rows.append((era.name, outcomes))
    print(render_table(rows))
    details = render_details(rows)
    print("\n" + details if details else "")
    if args.json:
        data = {name: {c: asdict(o) for c, o in outcomes.items()} for name, outcomes in rows}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if all(o.status in (PASS, NA) for _, oc in rows for o in oc.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
