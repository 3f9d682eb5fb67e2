"""`--save-spec` is written only once the change is applied (or at the end of a dry run), only
as a regular file, and never to a file the change writes; refusals come before any write."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, make_scratch, run

from prompture_scaffold._compat import tomllib
from prompture_scaffold.plan import writer


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_scratch(tmp_path / "repo")


def test_a_dry_run_writes_the_spec_at_its_end_and_nothing_else(repo, tmp_path):
    saved, before = tmp_path / "acme.toml", fingerprint(repo)
    result = run(repo, *ACME_ARGS, "--dry-run", "--save-spec", str(saved))
    assert result.exit_code == 0, result.output
    assert tomllib.loads(saved.read_text(encoding="utf-8"))["provider"] == "acme"
    assert fingerprint(repo) == before


def test_the_spec_is_written_after_the_change(repo, tmp_path):
    saved = tmp_path / "acme.toml"
    result = run(repo, *ACME_ARGS, "--save-spec", str(saved))
    assert result.exit_code == 0 and saved.is_file()
    assert (repo / "prompture/drivers/acme_driver.py").is_file()


def test_a_failed_apply_writes_no_spec(repo, tmp_path, monkeypatch):
    def failing(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "apply", functools.partial(writer.apply, write_file=failing))
    saved, before = tmp_path / "acme.toml", fingerprint(repo)
    result = run(repo, *ACME_ARGS, "--save-spec", str(saved))
    assert result.exit_code == 3 and not saved.exists()
    assert fingerprint(repo) == before


def _refused(repo: Path, target: Path, says: str) -> None:
    before = fingerprint(repo)
    result = run(repo, *ACME_ARGS, "--save-spec", str(target))
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert fingerprint(repo) == before


@pytest.mark.parametrize("target", ["prompture/settings.py", "prompture/drivers/acme_driver.py"])
def test_a_file_the_change_writes_is_refused(repo, target):
    _refused(repo, repo / target, "is a file this change writes")


def test_a_link_to_a_file_the_change_writes_is_refused_too(repo, tmp_path):
    link = tmp_path / "link.toml"
    link.symlink_to(repo / "prompture" / "settings.py")
    _refused(repo, link, "exists and is not a regular file")
    assert link.is_symlink()


def test_a_symlink_is_refused_and_kept(repo, tmp_path):
    (tmp_path / "real.toml").write_text("kept\n")
    link = tmp_path / "spec.toml"
    link.symlink_to(tmp_path / "real.toml")
    _refused(repo, link, "exists and is not a regular file")
    assert link.is_symlink() and (tmp_path / "real.toml").read_text() == "kept\n"


def test_a_device_and_a_directory_are_refused(repo, tmp_path):
    assert os.path.exists("/dev/null")
    _refused(repo, Path("/dev/null"), "exists and is not a regular file")
    _refused(repo, tmp_path, "exists and is not a regular file")


def test_a_missing_directory_is_refused_before_writing(repo, tmp_path):
    _refused(repo, tmp_path / "nowhere" / "spec.toml", "is not a directory")


def test_a_saved_catalogue_url_template_replays_and_a_typed_one_is_still_refused(repo, tmp_path):
    saved = tmp_path / "databricks.toml"
    args = ["add-driver", "databricks", "--from-models-dev", "databricks", "--yes", "--dry-run"]
    first = run(repo, *args, "--save-spec", str(saved))
    assert first.exit_code == 0, first.output
    endpoint = tomllib.loads(saved.read_text(encoding="utf-8"))["endpoint"]
    assert "${" in endpoint  # the catalogue's base-URL template, kept as a template

    replayed = run(repo, "add-driver", "--spec", str(saved), "--yes", "--dry-run")
    assert replayed.exit_code == 0, replayed.output
    assert replayed.output.count("DATABRICKS_HOST") == first.output.count("DATABRICKS_HOST")

    typed = run(repo, *ACME_ARGS, "--endpoint", "https://${ACME_HOST}/v1", "--dry-run")
    assert typed.exit_code == 2 and "must not hold '${'" in typed.output
