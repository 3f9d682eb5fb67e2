"""Scaffolder speed: whole-process `prompture --help`, a full `--dry-run`, `check-drivers` and a
`remove-driver --dry-run`, on a copy of this repository and on synthetic checkouts grown to each
of `--sizes` drivers (this repository plus generated OpenAI-compatible providers, written by
the scaffolder itself: `grow_in_bulk`). Prints medians of whole processes, as a user would feel
them, and the ratios of one run. Targets on a 2-core machine: `--help` under 200 ms, a dry run
under 500 ms up to 150 drivers; at 300 drivers check-drivers at most 2x a dry run, and a dry
run at most 1.5x the same dry run on this repository (linear, not quadratic, growth).

    python benchmarks/bench_scaffold.py [--runs 5] [--sizes 150,300,1000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPIED = ("prompture", "pyproject.toml", ".env.copy", "CLAUDE.md", "examples", "tests/conftest.py")
DRY_RUN = [
    "add-driver", "acme", "--dry-run", "--yes", "--compat", "openai",
    "--endpoint", "https://api.acme.example/v1", "--default-model", "acme-1",
    "--api-key-env", "ACME_API_KEY", "--no-models-dev",
]  # fmt: skip
PROMPTURE = [sys.executable, "-m", "prompture_scaffold.cli"]
#: The provider remove-driver plans to remove (a dry run, so every run finds it).
REMOVED = "grok"


def copy_repo(dest: Path) -> Path:
    ignored = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache")
    for name in COPIED:
        source, target = REPO / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=ignored)
        else:
            shutil.copy2(source, target)
    return dest


TEMPLATE_KEY = "p000"


def _template():
    from prompture_scaffold.spec.driver_spec import DriverSpec

    return DriverSpec(
        provider=TEMPLATE_KEY, class_name="P000", display_name="P000", compat="openai",
        sdk="requests", lazy=False, default_model="model-1", auth="api-key",
        api_key_env="P000_API_KEY", extra_api_key_envs=(), endpoint="https://p.example/v1",
        models_dev_name=None, json_mode=True, json_schema=True, tool_use=True,
        streaming=True, vision=False, reasoning=False, example=False, tests=False,
    )  # fmt: skip


def _spec(n: int):
    key = f"p{n:03d}"
    return dataclasses.replace(
        _template(),
        provider=key,
        class_name=key.capitalize(),
        display_name=key.upper(),
        api_key_env=f"{key.upper()}_API_KEY",
    )


def _as(text: str, key: str) -> str:
    return text.replace(TEMPLATE_KEY, key).replace(TEMPLATE_KEY.upper(), key.upper())


def grow_by_planning(root: Path, count: int) -> None:
    """Add `count` generated providers one `plan_add` after the other, as the CLI would."""
    from prompture_scaffold.checkout import discover
    from prompture_scaffold.plan.planner import plan_add
    from prompture_scaffold.plan.writer import apply

    for n in range(count):
        apply(plan_add(_spec(n), discover(root)), root)


def grow_in_bulk(root: Path, count: int) -> None:
    """The same tree as `grow_by_planning`, fast: the scaffolder plans the first provider, and
    every text it inserts is repeated for the others with their names (each insertion point of
    a generated provider holds its neighbours in order: appended entries, and sorted names of
    one zero-padded family). `tests/scaffold/test_bench_growth.py` holds the two equal."""
    import difflib

    from prompture_scaffold.atomic import write_atomic
    from prompture_scaffold.checkout import discover
    from prompture_scaffold.plan.planner import plan_add

    keys = [f"p{n:03d}" for n in range(count)]
    for change in plan_add(_template(), discover(root)).changes:
        path = root / change.path
        if change.before is None:
            for key in keys:
                target = root / _as(change.path, key)
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, _as(change.after, key).encode())
            continue
        matcher = difflib.SequenceMatcher(None, change.before, change.after, autojunk=False)
        pieces = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                pieces.append(change.before[i1:i2])
            elif op == "insert":
                pieces += [_as(change.after[j1:j2], key) for key in keys]
            else:
                raise SystemExit(f"{change.path}: the first provider's change is not insertions")
        write_atomic(path, "".join(pieces).encode())


def grow_to(root: Path, total: int) -> int:
    """Grow the checkout at `root` to `total` drivers (bulk, see `grow_in_bulk`)."""
    from prompture_scaffold.checkout import discover

    grow_in_bulk(root, total - len(discover(root).providers))
    return len(discover(root).providers)


def _env() -> dict[str, str]:
    # As installed: bytecode cached after the first (dropped) run, whatever the sandbox sets.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PROMPTURE_OFFLINE"] = "1"
    return env


def medians_ms(commands: dict[str, tuple[list[str], Path]], runs: int) -> dict[str, float]:
    """The median of each command, its runs interleaved with the others' (a load that comes
    and goes on the machine then weighs on every command alike, and the ratios hold)."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs + 1):  # the first run warms the file cache and is dropped
        for name, (command, cwd) in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True)
            samples[name].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return {name: statistics.median(found[1:]) * 1000 for name, found in samples.items()}


def _sizes(text: str) -> list[int]:
    return sorted({int(part) for part in text.split(",") if part.strip()})


def _commands(root: Path, drivers: int) -> dict[str, tuple[list[str], Path]]:
    repo = ["--repo", str(root)]
    remove = ["remove-driver", REMOVED, "--dry-run", "--yes"]
    return {
        f"dry run@{drivers}": ([*PROMPTURE, *DRY_RUN, *repo], root),
        f"check-drivers@{drivers}": ([*PROMPTURE, "check-drivers", *repo], root),
        f"remove-driver@{drivers}": ([*PROMPTURE, *remove, *repo], root),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--sizes",
        default="150,300",
        help="driver counts to grow the synthetic checkout to, comma-separated (e.g. 150,300,1000)",
    )
    args = parser.parse_args()
    from prompture_scaffold.checkout import discover

    with tempfile.TemporaryDirectory() as tmp:
        ours = copy_repo(Path(tmp) / "repo")
        bare = len(discover(ours).providers)
        commands = {
            "python -c pass (this machine now)": ([sys.executable, "-c", "pass"], ours),
            "prompture --help": ([*PROMPTURE, "--help"], ours),
            **_commands(ours, bare),
        }
        sizes = [bare]
        for size in (s for s in _sizes(args.sizes) if s > bare):
            big = copy_repo(Path(tmp) / f"big{size}")
            sizes.append(grow_to(big, size))
            commands.update(_commands(big, sizes[-1]))
        found = medians_ms(commands, args.runs)
    _report(found, sizes)


def _report(found: dict[str, float], sizes: list[int]) -> None:
    bare = sizes[0]
    print(f"{'measure (median, runs interleaved)':44} {'median':>10} {'target':>9}")
    for name, value in found.items():
        what, _, drivers = name.partition("@")
        target = 200 if name == "prompture --help" else None
        if drivers:
            where = "this repo" if int(drivers) == bare else "synthetic"
            what = f"{what}, {where} ({drivers} drivers)"
            target = 500 if name.startswith("dry run@") and int(drivers) <= 150 else None
        print(_row(what, value, target))
    print()
    print(f"{'ratio (same run)':44} {'value':>8} {'target':>8}")
    for drivers in sizes:
        check = found[f"check-drivers@{drivers}"] / found[f"dry run@{drivers}"]
        target = 2.0 if drivers == 300 else None
        print(_ratio(f"check-drivers / dry run at {drivers}", check, target))
        if drivers != bare:
            grown = found[f"dry run@{drivers}"] / found[f"dry run@{bare}"]
            target = 1.5 if drivers == 300 else None
            print(_ratio(f"dry run at {drivers} / dry run at {bare}", grown, target))


def _row(name: str, value: float, target: float | None) -> str:
    if target is None:
        return f"{name:44} {value:8.1f}ms"
    verdict = "ok" if value < target else "OVER"
    return f"{name:44} {value:8.1f}ms {'< ' + str(target) + ' ms':>9}  {verdict}"


def _ratio(name: str, value: float, target: float | None) -> str:
    if target is None:
        return f"{name:44} {value:7.2f}x"
    verdict = "ok" if value <= target else "OVER"
    return f"{name:44} {value:7.2f}x {'<= ' + str(target) + 'x':>8}  {verdict}"


if __name__ == "__main__":
    main()
