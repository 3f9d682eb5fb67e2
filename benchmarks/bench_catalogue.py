"""Catalogue benchmark: scaffold every catalogue provider the checkout does not map yet.

On a scratch copy of this repository (offline, the bundled models.dev snapshot), runs
`add-driver KEY --from-models-dev ID --yes` for each unmapped catalogue id in turn, in one
process (the first command of the process is run once beforehand and not counted), and prints
the time of each scaffold with the number of drivers the checkout had, and the growth over the
batch. Target: the mean of the last 10 scaffolds within 1.5x the mean of the first 10.

    python benchmarks/bench_catalogue.py [--every 10]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=10, help="print every Nth scaffold")
    args = parser.parse_args()
    batch = _batch_module()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = batch.copy_repo(work / "repo")
        (work / "cache").mkdir()
        os.environ.update(batch.offline_env(work / "cache"))
        from prompture_scaffold.checkout import discover

        start_drivers = len(discover(repo).providers)
        ids = batch.unmapped_ids(repo)
        warm = batch.copy_repo(work / "warm")
        batch.scaffold(warm, ids[:1])  # imports and first reads, outside the timings
        runs = batch.scaffold(repo, ids)
    failed = [r.catalogue_id for r in runs if r.exit_code != 0]
    print(f"{len(runs)} scaffolds on a checkout growing from {start_drivers} drivers")
    print(f"{'#':>4} {'drivers':>8} {'ms':>8}  catalogue id")
    for n, run in enumerate(runs):
        if n % args.every == 0 or n == len(runs) - 1:
            ms = run.seconds * 1000
            print(f"{n + 1:>4} {start_drivers + n:>8} {ms:8.1f}  {run.catalogue_id}")
    first, last, ratio = batch.growth(runs, 10)
    verdict = "ok" if ratio <= TARGET else "OVER"
    print(f"mean of the first 10: {first * 1000:.1f} ms; of the last 10: {last * 1000:.1f} ms")
    print(f"growth: {ratio:.2f}x (target <= {TARGET}x)  {verdict}")
    if failed:
        print(f"refused: {', '.join(failed)}")


if __name__ == "__main__":
    main()
