"""Catalogue benchmark: scaffold every catalogue provider the checkout does not map yet.

On a scratch copy of this repository (offline, the bundled models.dev snapshot), runs
`add-driver KEY --from-models-dev ID --yes` for each unmapped catalogue id in turn and prints
the time of each scaffold with the number of drivers the checkout had, and the growth over the
batch. Two ways, each on its own copy: whole processes (`prompture add-driver ...`, as a user
or a CI job runs it) and in one process (the scaffolder's own work alone, wall and CPU time: the
CPU time leaves out waits on the disk, which other processes make vary; the first command of
the process runs once beforehand and is not counted, and each starts on a collected heap).
Target, for each: the mean of the last 10 scaffolds within 1.5x the mean of the first 10.

    python benchmarks/bench_catalogue.py [--every 10] [--mode both|process|inprocess]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = 1.5


def _batch_module():
    spec = importlib.util.spec_from_file_location(
        "catalogue_batch", REPO / "scripts" / "catalogue_batch.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def scaffold_processes(batch, repo: Path, ids: list[str]) -> list:
    """`batch.scaffold`, one whole `prompture` process per provider."""
    import subprocess
    import time

    from prompture_scaffold.catalogue.models_dev import provider_name_from_id

    runs = []
    for cid in ids:
        key = provider_name_from_id(cid)
        command = [sys.executable, "-m", "prompture_scaffold.cli", "add-driver", key,
                   "--from-models-dev", cid, "--yes", "--repo", str(repo)]  # fmt: skip
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        runs.append(batch.Scaffold(cid, key, time.perf_counter() - start, done.returncode))
    return runs


def report(
    title: str, runs: list, start_drivers: int, every: int, batch, cpu_too: bool = False
) -> bool:
    failed = [r.catalogue_id for r in runs if r.exit_code != 0]
    print(f"\n{title}: {len(runs)} scaffolds on a checkout growing from {start_drivers} drivers")
    print(f"{'#':>4} {'drivers':>8} {'ms':>8}  catalogue id")
    for n, run in enumerate(runs):
        if n % every == 0 or n == len(runs) - 1:
            ms = run.seconds * 1000
            print(f"{n + 1:>4} {start_drivers + n:>8} {ms:8.1f}  {run.catalogue_id}")
    ok = not failed
    for label, cpu in (("wall", False), ("cpu", True)) if cpu_too else (("wall", False),):
        first, last, ratio = batch.growth(runs, 10, cpu=cpu)
        verdict = "ok" if ratio <= TARGET else "OVER"
        print(
            f"{label}: mean of the first 10 {first * 1000:.1f} ms, of the last 10 "
            f"{last * 1000:.1f} ms; growth {ratio:.2f}x (target <= {TARGET}x)  {verdict}"
        )
        ok = ok and ratio <= TARGET
    if failed:
        print(f"refused: {', '.join(failed)}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="print every Nth scaffold")
    parser.add_argument("--mode", choices=("both", "process", "inprocess"), default="both")
    args = parser.parse_args()
    batch = _batch_module()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "cache").mkdir()
        os.environ.update(batch.offline_env(work / "cache"))
        from prompture_scaffold.checkout import discover

        base = batch.copy_repo(work / "base")
        start_drivers = len(discover(base).providers)
        ids = batch.unmapped_ids(base)
        if args.mode in ("both", "process"):
            runs = scaffold_processes(batch, batch.copy_repo(work / "process"), ids)
            report("whole processes", runs, start_drivers, args.every, batch)
        if args.mode in ("both", "inprocess"):
            batch.scaffold(base, ids[:1])  # imports and first reads, outside the timings
            runs = batch.scaffold(batch.copy_repo(work / "inprocess"), ids)
            report("in one process", runs, start_drivers, args.every, batch, cpu_too=True)


if __name__ == "__main__":
    main()
