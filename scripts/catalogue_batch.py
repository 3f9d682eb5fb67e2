"""Scaffold every catalogue provider the checkout does not map yet, then call each driver.

Issue 12's "Done when" as a script. On a scratch copy of this repository (offline, the
bundled models.dev snapshot), for each catalogue id not in the checkout's `PROVIDER_MAP`:

    prompture add-driver KEY --from-models-dev ID --yes

(in-process, timed one by one), then, in one child process importing the scratch copy's
package, each driver is asked for through ``get_driver_for_model("KEY/<default model>")`` (and
the async twin) with its endpoint pointed at a strict local server of its wire
(`prompture.testing`), and must answer. Prints N/M per wire and the scaffold timings.

    python scripts/catalogue_batch.py [--ids ID ...] [--json FILE] [--keep DIR]

Exit status 0 when every scaffold succeeded and every driver of a served wire answered.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPIED = ("prompture", "pyproject.toml", ".env.copy", "CLAUDE.md", "examples", "tests/conftest.py")
#: The local server of each wire (a `prompture.testing` class name); ``custom`` has none.
SERVERS = {
    "openai": "OpenAICompatServer",
    "anthropic": "AnthropicServer",
    "azure": "AzureOpenAIServer",
    "cohere": "CohereServer",
    "vertex-gemini": "VertexGeminiServer",
    "vertex-anthropic": "VertexAnthropicServer",
    "bedrock": "BedrockServer",
    "responses": "ResponsesServer",
}
#: The local server of a Responses API dialect other than OpenAI's own.
DIALECT_SERVERS = {"perplexity": "PerplexityAgentServer"}


@dataclass
class Scaffold:
    """One `add-driver` run: what it made and how long it took."""

    catalogue_id: str
    provider: str
    seconds: float
    exit_code: int
    wire: str = ""
    model: str = ""
    endpoint: str = ""
    #: CPU seconds of the command (no waits on the disk: fsync, rename).
    cpu_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    error: str = ""


def offline_env(cache_dir: Path) -> dict[str, str]:
    """Variables that keep the catalogue offline and bundled (an empty cache directory)."""
    return {"PROMPTURE_OFFLINE": "1", "PROMPTURE_CACHE_DIR": str(cache_dir)}


def copy_repo(dest: Path) -> Path:
    """A scratch copy of the files `add-driver` edits."""
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache")
    for name in COPIED:
        source, target = REPO / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignored)
        elif source.exists():
            shutil.copy2(source, target)
    return dest


def unmapped_ids(repo: Path) -> list[str]:
    """Catalogue ids the checkout neither maps nor has a driver named after, sorted."""
    from prompture_scaffold.catalogue import models_dev as catalogue
    from prompture_scaffold.checkout import discover
    from prompture_scaffold.spec.readback import provider_map_if_readable as provider_map

    layout = discover(repo)
    mapped = set(provider_map(layout).values())
    taken = set(layout.providers)
    return sorted(
        cid
        for cid in catalogue.load()
        if cid not in mapped and catalogue.provider_name_from_id(cid) not in taken
    )


def scaffold(repo: Path, ids: Iterable[str]) -> list[Scaffold]:
    """`add-driver KEY --from-models-dev ID --yes` for each id, in-process, timed (the
    garbage of the commands before is collected first, outside the timing). The wire, model
    and endpoint are read from the spec the same request builds (no I/O besides the
    catalogue), the notes from the command's output."""
    from typer.testing import CliRunner

    from prompture_scaffold.catalogue import models_dev as catalogue
    from prompture_scaffold.cli import app
    from prompture_scaffold.spec.build import Request, build_spec

    runner, done = CliRunner(), []
    for cid in ids:
        key = catalogue.provider_name_from_id(cid)
        args = ["add-driver", key, "--from-models-dev", cid, "--yes", "--repo", str(repo)]
        gc.collect()  # each command starts on a clean heap, as a process of its own would
        start, cpu = time.perf_counter(), time.process_time()
        result = runner.invoke(app, args)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        run = Scaffold(cid, key, seconds, result.exit_code, cpu_seconds=cpu)
        run.notes = [line[6:] for line in result.output.splitlines() if line.startswith("note: ")]
        if result.exit_code == 0:
            spec = build_spec(Request(provider=key, from_models_dev=cid))
            run.wire, run.model, run.endpoint = spec.compat, spec.default_model, spec.endpoint
        else:
            run.error = result.output[-600:]
        done.append(run)
    return done


#: Run in the scratch copy (its package first on the path): serve each wire once, point each
#: driver at its server through settings, ask it through the registry, sync and async.
CHILD = r"""
import asyncio, json, os, sys
import prompture
from prompture import testing
from prompture.drivers import get_async_driver_for_model, get_driver_for_model

root = os.path.realpath(os.getcwd())
assert os.path.realpath(prompture.__file__).startswith(root), prompture.__file__
jobs = json.loads(sys.argv[1])
answers = {}
for name in sorted({job["server"] for job in jobs}):
    mine = [job for job in jobs if job["server"] == name]
    with getattr(testing, name)() as server:
        for job in mine:
            key, prefix = job["provider"], job["provider"].upper()
            env = {f"{prefix}_API_KEY": server.api_key or "test-key",
                   f"{prefix}_ENDPOINT": server.url}
            if job["wire"].startswith("vertex"):
                env.update(GOOGLE_VERTEX_PROJECT=getattr(server, "project", "test-project"),
                           GOOGLE_VERTEX_LOCATION="us-east5")
            os.environ.update(env)
            model = f"{key}/{job['model']}"
            try:
                before = len(server.requests)
                sync = get_driver_for_model(model).generate("Say hi", {"max_tokens": 32})
                driver = get_async_driver_for_model(model)
                async_ = asyncio.run(driver.generate("Say hi", {"max_tokens": 32}))
                sent = len(server.requests) - before
                ok = bool(sync["text"]) and bool(async_["text"]) and sent >= 2
                answers[key] = "ok" if ok else f"empty answer or no request ({sent} sent)"
            except Exception as exc:
                answers[key] = f"{type(exc).__name__}: {str(exc)[:300]}"
            finally:
                for name_ in env:
                    os.environ.pop(name_, None)

# Base-URL templates: filled in from the catalogue's variable (through the settings field that
# also reads the provider's own name); unset, the first use names the variable.
from prompture.exceptions import ConfigurationError
from prompture._endpoints import PLACEHOLDER
for job in jobs:
    names = PLACEHOLDER.findall(job["endpoint"])
    if not names:
        continue
    key, model = job["provider"], f"{job['provider']}/{job['model']}"
    os.environ[f"{key.upper()}_API_KEY"] = "test-key"
    try:
        try:
            get_driver_for_model(model).generate("Say hi")
            answers[key + "#template"] = "no error without the variables"
            continue
        except ConfigurationError as exc:
            if names[0] not in str(exc):
                answers[key + "#template"] = f"the error does not name {names[0]}: {exc}"
                continue
        os.environ.update({name: f"v{n}" for n, name in enumerate(names)})
        expected = job["endpoint"]
        for n, name in enumerate(names):
            expected = expected.replace("${" + name + "}", f"v{n}")
        got = get_driver_for_model(model).endpoint
        answers[key + "#template"] = "ok" if got == expected else f"{got} != {expected}"
    finally:
        for name in (*names, f"{key.upper()}_API_KEY"):
            os.environ.pop(name, None)
print(json.dumps(answers))
"""


def verify(repo: Path, runs: list[Scaffold], env: dict[str, str]) -> dict[str, str]:
    """provider -> "ok" or why it did not answer, for every scaffold of a served wire."""
    jobs = [
        {
            "provider": r.provider,
            "wire": r.wire,
            "model": r.model,
            "endpoint": r.endpoint,
            "server": server_for(r.wire, r.endpoint),
        }
        for r in runs
        if r.exit_code == 0 and r.wire in SERVERS
    ]
    if not jobs:
        return {}
    child_env = {**os.environ, **env, "PYTHONPATH": str(repo)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(jobs)],
        cwd=repo,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"the verifying child failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def server_for(wire: str, endpoint: str) -> str:
    """The `prompture.testing` server answering a driver of `wire` at `endpoint` as its
    provider does (the Responses API's dialect follows the host, as the scaffolder's does)."""
    from prompture_scaffold.spec.wires import responses_dialect

    if wire == "responses":
        return DIALECT_SERVERS.get(responses_dialect(endpoint), SERVERS[wire])
    return SERVERS[wire]


def per_wire(runs: list[Scaffold], answers: dict[str, str]) -> dict[str, tuple[int, int]]:
    """wire -> (drivers that answered, drivers scaffolded for it); scaffolds that failed count
    under ``(failed)``, custom skeletons under ``custom`` (answered: none can)."""
    totals: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for run in runs:
        wire = run.wire if run.exit_code == 0 else "(failed)"
        totals[wire] += 1
        good[wire] += answers.get(run.provider) == "ok"
        if "${" in run.endpoint and run.exit_code == 0:  # the template checks, on their own
            totals["(url templates)"] += 1
            good["(url templates)"] += answers.get(run.provider + "#template") == "ok"
    return {wire: (good[wire], totals[wire]) for wire in sorted(totals)}


def growth(runs: list[Scaffold], size: int = 10, cpu: bool = False) -> tuple[float, float, float]:
    """(mean seconds of the first `size` scaffolds, of the last `size`, their ratio); `cpu`:
    of their CPU time."""
    times = [r.cpu_seconds if cpu else r.seconds for r in runs]
    first, last = statistics.mean(times[:size]), statistics.mean(times[-size:])
    return first, last, last / first


def run_batch(work: Path, ids: list[str] | None = None) -> dict:
    """Scaffold and verify in `work` (a scratch copy is made there); the report as data."""
    repo = copy_repo(work / "repo")
    cache = work / "cache"
    cache.mkdir(exist_ok=True)
    env = offline_env(cache)
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        from prompture_scaffold.cli import app  # noqa: F401  (imports outside the timings)

        todo = ids if ids is not None else unmapped_ids(repo)
        runs = scaffold(repo, todo)
        answers = verify(repo, runs, env)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return {
        "repo": str(repo),
        "runs": [asdict(r) for r in runs],
        "answers": answers,
        "per_wire": per_wire(runs, answers),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", nargs="*", help="catalogue ids (default: every unmapped one)")
    parser.add_argument("--json", type=Path, help="write the whole report here")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="catalogue-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = run_batch(work, args.ids)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    runs = [Scaffold(**r) for r in report["runs"]]
    failed = [r for r in runs if r.exit_code != 0]
    silent = {k: v for k, v in report["answers"].items() if v != "ok"}
    print(f"{len(runs)} catalogue providers scaffolded, {len(failed)} refused")
    for run in failed:
        print(f"  refused {run.catalogue_id}: exit {run.exit_code}: {run.error.strip()[-300:]}")
    print(f"{'wire':18} answered")
    for wire, (good, total) in report["per_wire"].items():
        print(f"{wire:18} {good}/{total}")
    for key, why in silent.items():
        print(f"  {key}: {why}")
    custom = [r.catalogue_id for r in runs if r.wire == "custom"]
    if custom:
        print(f"custom skeletons (nothing serves them): {', '.join(custom)}")
    if len(runs) >= 2:
        size = min(10, len(runs) // 2)
        first, last, ratio = growth(runs, size)
        print(
            f"scaffold time: first {size} {first * 1000:.0f} ms, last {size} "
            f"{last * 1000:.0f} ms, ratio {ratio:.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if failed or silent else 0


if __name__ == "__main__":
    sys.exit(main())
