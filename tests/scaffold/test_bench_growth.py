"""The benchmark's fast growth (`grow_in_bulk`) writes byte for byte what the scaffolder writes
one provider at a time (`grow_by_planning`), so its figures at 1,000 drivers are figures on a
checkout the scaffolder would have made."""

from __future__ import annotations

import importlib.util

from _scratch import REPO, fingerprint, make_scratch, run


def bench():
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks/bench_scaffold.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bulk_growth_is_what_planning_one_by_one_writes(tmp_path):
    module = bench()
    planned = make_scratch(tmp_path / "planned")
    bulk = make_scratch(tmp_path / "bulk")
    module.grow_by_planning(planned, 12)
    module.grow_in_bulk(bulk, 12)
    assert fingerprint(bulk) == fingerprint(planned)
    assert run(bulk, "check-drivers").exit_code == 0
