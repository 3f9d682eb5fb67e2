"""`scripts/upstream_matrix.py`: the parts that need no network, no venv and no upstream
checkout (argument parsing, pytest output, before/after comparison, lint diff, the table)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from textwrap import dedent

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "upstream_matrix.py"


def load_script():
    spec = importlib.util.spec_from_file_location("upstream_matrix", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


m = load_script()

BEFORE_LOG = dedent(
    """\
    tests/test_core.py ....F.
    ERROR    prompture.drivers.ollama_driver:ollama_driver.py:102 Connection error
    =========================== short test summary info ============================
    FAILED tests/test_core.py::TestAsk::test_one - ModuleNotFoundError: No module named 'x'
    FAILED tests/test_toon.py::test_real_llm[ollama] - ConnectionError
    ============ 2 failed, 721 passed, 6 skipped, 2 warnings in 5.06s =============
    """
)


def pytest_run(failing=(), summary="3 passed in 1.0s", exit_code=0):
    counts = m.parse_pytest_output(summary, exit_code).counts
    return m.PytestRun(exit_code, counts, tuple(failing), summary)


# ---- arguments


def test_revs_and_sdists_repeat():
    args = m.parse_args(["--clone", "up", "--rev", "a1", "--rev", "v1.3.0", "--sdist", "p.tar.gz"])
    assert args.rev == ["a1", "v1.3.0"]
    assert args.sdist == [Path("p.tar.gz")]
    assert args.clone == Path("up")


@pytest.mark.parametrize(
    ("argv", "message"),
    [([], "at least one --rev or --sdist"), (["--rev", "a1"], "--rev needs --clone")],
)
def test_incomplete_arguments_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exited:
        m.parse_args(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_an_sdist_alone_needs_no_clone():
    assert m.parse_args(["--sdist", "prompture-1.15.1.tar.gz"]).clone is None


def test_sdist_era_name_is_its_version():
    assert m.sdist_era_name(Path("/x/prompture-1.15.1.tar.gz")) == "sdist-1.15.1"


@pytest.mark.parametrize(
    ("extras", "chosen"),
    [(["openai", "test", "dev"], "test"), (["dev", "all"], "dev"), (["all"], None)],
)
def test_the_test_extra_is_preferred_over_dev(extras, chosen):
    assert m.choose_extra(extras) == chosen


# ---- pytest output


def test_pytest_output_gives_counts_summary_and_failing_ids_but_not_log_lines():
    run = m.parse_pytest_output(BEFORE_LOG, 1)
    assert run.counts == {"failed": 2, "passed": 721, "skipped": 6}
    assert run.summary == "2 failed, 721 passed, 6 skipped, 2 warnings in 5.06s"
    assert run.failing == (
        "tests/test_core.py::TestAsk::test_one",
        "tests/test_toon.py::test_real_llm[ollama]",
    )


def test_a_quiet_summary_without_rules_and_collection_errors_are_read():
    text = "ERROR tests/test_acme_driver.py\n1 error in 0.31s\n"
    run = m.parse_pytest_output(text, 2)
    assert run.counts == {"errors": 1}
    assert run.failing == ("tests/test_acme_driver.py",)


# ---- before / after


def test_same_failures_before_and_after_pass():
    before = pytest_run(["t::a"], "1 failed, 9 passed in 2s", 1)
    after = pytest_run(["t::a"], "1 failed, 12 passed in 2s", 1)
    assert m.new_failures(before, after) == []
    assert m.suite_outcome(before, after).status == m.PASS


def test_a_new_failing_id_fails_and_is_named():
    before = pytest_run(["t::a"], "1 failed, 9 passed in 2s", 1)
    after = pytest_run(["t::a", "t::b"], "2 failed, 8 passed in 2s", 1)
    outcome = m.suite_outcome(before, after)
    assert m.new_failures(before, after) == ["t::b"]
    assert outcome.status == m.FAIL
    assert outcome.note == "1 new failing"
    assert outcome.detail.splitlines()[-1] == "t::b"


def test_a_failure_fixed_after_is_not_a_new_failure():
    before = pytest_run(["t::a"], "1 failed, 9 passed in 2s", 1)
    after = pytest_run([], "10 passed in 2s", 0)
    assert m.suite_outcome(before, after).status == m.PASS


def test_an_after_run_that_stopped_without_a_summary_fails():
    after = m.PytestRun(-9, {}, (), "")
    assert m.suite_outcome(pytest_run(), after).status == m.FAIL


def test_a_checkout_without_tests_is_not_applicable():
    nothing = pytest_run((), "", 5)
    assert m.suite_outcome(nothing, nothing).status == m.NA


def test_generated_tests_must_run_and_none_may_be_skipped():
    files = ["tests/test_acme_driver.py"]
    assert m.pytest_files_outcome(pytest_run(summary="4 passed in 1s"), files).status == m.PASS
    skipped = pytest_run(summary="3 passed, 1 skipped in 1s")
    assert m.pytest_files_outcome(skipped, files).note == "1 skipped"
    assert m.pytest_files_outcome(pytest_run(), []).status == m.FAIL
    assert m.pytest_files_outcome(pytest_run(), [], tests_folder=False).status == m.NA


def test_new_test_files_are_found_in_git_status():
    porcelain = " M prompture/drivers/__init__.py\n?? tests/test_acme_driver.py\n?? docs/x.py\n"
    assert m.generated_tests(porcelain) == ["tests/test_acme_driver.py"]
    assert m.status_paths("R  a.py -> b.py\n") == ["b.py"]


# ---- lint


def test_only_findings_the_file_did_not_have_count():
    before = m.ruff_findings("pkg/__init__.py:12:5: RUF022 `__all__` is not sorted\n")
    after = m.ruff_findings(
        "pkg/__init__.py:14:5: RUF022 `__all__` is not sorted\n"
        "pkg/discovery.py:80:9: SIM102 Use a single `if` statement\n"
        "Found 2 errors.\n"
    )
    outcome = m.lint_outcome(before, after, [])
    assert outcome.status == m.FAIL
    assert outcome.detail == "pkg/discovery.py: SIM102 x1"
    assert m.lint_outcome(after, after, []).status == m.PASS


def test_a_file_left_unformatted_fails_lint():
    outcome = m.lint_outcome(Counter(), Counter(), ["pkg/acme_driver.py"])
    assert outcome.status == m.FAIL
    assert "pkg/acme_driver.py: not ruff-formatted" in outcome.detail


# ---- output


def test_the_table_has_a_row_per_era_and_a_column_per_check():
    rows = [
        ("7bb69ca", {"add": m.Outcome(m.PASS), "sync": m.Outcome(m.FAIL, "boom")}),
        ("sdist-1.15.1", {"add": m.Outcome(m.FAIL)}),
    ]
    assert m.render_table(rows, checks=("add", "sync")) == dedent(
        """\
        | era          | add  | sync    |
        |--------------|------|---------|
        | 7bb69ca      | pass | FAIL    |
        | sdist-1.15.1 | FAIL | not run |"""
    )


def test_details_show_failures_and_check_drivers_output_but_not_passes():
    rows = [
        (
            "v1.3.0",
            {
                "check-drivers": m.Outcome(m.PASS, "exit 1", "drift table"),
                "add": m.Outcome(m.PASS, "exit 0", "added"),
                "sync": m.Outcome(m.FAIL, "ValueError", "traceback text"),
            },
        )
    ]
    details = m.render_details(rows)
    assert "## v1.3.0 / check-drivers: pass (exit 1)\ndrift table" in details
    assert "## v1.3.0 / sync: FAIL (ValueError)\ntraceback text" in details
    assert "added" not in details


def test_tail_keeps_the_last_lines_and_says_how_many_were_cut():
    assert m.tail("a\nb\nc\n", 2) == "[... 1 lines above ...]\nb\nc"
    assert m.tail("a\n", 2) == "a"
