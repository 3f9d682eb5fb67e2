"""Edit target 8: the SDK extra in `pyproject.toml` (tomlkit, formatting kept)."""

from __future__ import annotations

import pytest
from checkouts import ACMELIB, acmelib, changed, context, dedent, hunks, repo_layout, repo_text
from checkouts import spec as acme

from prompture_scaffold._compat import tomllib
from prompture_scaffold.edits import pyproject as edit
from prompture_scaffold.errors import UnsafeTarget

PYPROJECT = "pyproject.toml"
SDK = acme(sdk="acme-sdk>=1.2", lazy=True)
SDK_OPENAI = acme(sdk="openai>=1", lazy=True)


def test_an_http_driver_needs_no_extra():
    ctx, before = context(repo_layout(), PYPROJECT), repo_text(PYPROJECT)
    assert edit.add(before, ctx) == before
    assert edit.remove(before, ctx) == before


def test_an_existing_extra_is_a_no_op():
    ctx = context(repo_layout(), PYPROJECT, acme(provider="groq", sdk="groq>=1.0"))
    before = repo_text(PYPROJECT)
    assert edit.add(before, ctx) == before


def test_add_the_extra_and_join_all():
    before = repo_text(PYPROJECT)
    after = edit.add(before, context(repo_layout(), PYPROJECT, SDK))
    assert changed(before, after) == ['+    "acme-sdk>=1.2",', '+acme = ["acme-sdk>=1.2"]']
    extras = tomllib.loads(after)["project"]["optional-dependencies"]
    assert list(extras)[-1] == "acme" and extras["all"][-1] == "acme-sdk>=1.2"


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), PYPROJECT, SDK), repo_text(PYPROJECT)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_a_one_line_all_list(tmp_path):
    ctx = context(acmelib(tmp_path), PYPROJECT, SDK)
    before = dedent(ACMELIB[PYPROJECT])
    after = edit.add(before, ctx)
    assert after == before.replace(
        'all = ["alpha-sdk>=2.0"]\n',
        'all = ["alpha-sdk>=2.0", "acme-sdk>=1.2"]\nacme = ["acme-sdk>=1.2"]\n',
    )
    assert edit.remove(after, ctx) == before


def test_a_shared_requirement_stays_in_all(tmp_path):
    ctx = context(acmelib(tmp_path), PYPROJECT, acme(sdk="alpha-sdk>=2.0", lazy=True))
    before = dedent(ACMELIB[PYPROJECT])
    after = edit.add(before, ctx)
    assert hunks(before, after)[-2:] == [' all = ["alpha-sdk>=2.0"]', '+acme = ["alpha-sdk>=2.0"]']
    assert edit.remove(after, ctx) == before


def test_a_missing_extras_table_is_created_and_removed_again():
    before = '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 100\n'
    ctx = context(repo_layout(), PYPROJECT, SDK)
    after = edit.add(before, ctx)
    assert tomllib.loads(after)["project"]["optional-dependencies"] == {"acme": ["acme-sdk>=1.2"]}
    assert tomllib.loads(after)["tool"] == {"ruff": {"line-length": 100}}
    assert edit.remove(after, ctx) == before


def test_a_hostile_requirement_stays_a_toml_string():
    requirement = 'acme"sdk\\ {{ x }}\n'
    ctx = context(repo_layout(), PYPROJECT, acme(sdk=requirement))
    after = edit.add(repo_text(PYPROJECT), ctx)
    extras = tomllib.loads(after)["project"]["optional-dependencies"]
    assert extras["acme"] == [requirement] and extras["all"][-1] == requirement


def test_no_project_table_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add("[tool.x]\n", context(repo_layout(), PYPROJECT, SDK))
    assert (caught.value.path, caught.value.symbol) == (PYPROJECT, "[project]")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget, match="does not parse"):
        edit.add("[project\n", context(repo_layout(), PYPROJECT, SDK))


def test_all_gets_no_second_requirement_for_a_package_it_lists():
    ctx, before = context(repo_layout(), PYPROJECT, SDK_OPENAI), repo_text(PYPROJECT)
    after = edit.add(before, ctx)
    assert changed(before, after) == ['+acme = ["openai>=1"]']
    assert tomllib.loads(after)["project"]["optional-dependencies"]["all"].count("openai>=3.0") == 1
    assert edit.add(after, ctx) == after
    assert edit.remove(after, ctx) == before


def test_the_package_name_is_compared_normalized(tmp_path):
    ctx = context(acmelib(tmp_path), PYPROJECT, acme(sdk="Alpha_SDK[fast]>=3", lazy=True))
    before = dedent(ACMELIB[PYPROJECT])
    after = edit.add(before, ctx)
    assert 'all = ["alpha-sdk>=2.0"]\n' in after and 'acme = ["Alpha_SDK[fast]>=3"]' in after
    assert edit.remove(after, ctx) == before


def test_a_bare_name_is_a_requirement_as_it_is():
    ctx, before = context(repo_layout(), PYPROJECT, acme(sdk="foo")), repo_text(PYPROJECT)
    extras = tomllib.loads(edit.add(before, ctx))["project"]["optional-dependencies"]
    assert extras["acme"] == ["foo"] and extras["all"][-1] == "foo"


# --- optional-dependencies as an inline table: edited as text, spacing kept ------------------

INLINE = {
    "spaced": (
        'optional-dependencies = { dev = ["pytest"] }',
        'optional-dependencies = { dev = ["pytest"], acme = ["acme-sdk>=1.2"] }',
    ),
    "tight, with all": (
        'optional-dependencies = {dev = ["pytest"], all = ["a>=1"]}',
        'optional-dependencies = {dev = ["pytest"], all = ["a>=1", "acme-sdk>=1.2"], '
        'acme = ["acme-sdk>=1.2"]}',
    ),
    "empty": ("optional-dependencies = {}", 'optional-dependencies = {acme = ["acme-sdk>=1.2"]}'),
    "empty, spaced": (
        "optional-dependencies = { }",
        'optional-dependencies = { acme = ["acme-sdk>=1.2"] }',
    ),
    "all with a trailing comma, a comment": (
        'optional-dependencies = { all = [ "a>=1", ] }  # extras',
        'optional-dependencies = { all = [ "a>=1", "acme-sdk>=1.2", ], '
        'acme = ["acme-sdk>=1.2"] }  # extras',
    ),
}


@pytest.mark.parametrize(("line", "added"), INLINE.values(), ids=INLINE)
def test_an_inline_table_keeps_its_spacing_and_comes_back_byte_for_byte(line, added):
    ctx = context(repo_layout(), PYPROJECT, SDK)
    before = f'[project]\nname = "x"\n{line}\nversion = "1"\n'
    assert edit.remove(before, ctx) == before  # nothing to remove yet
    after = edit.add(before, ctx)
    assert after == before.replace(line, added)
    assert edit.add(after, ctx) == after
    assert edit.remove(after, ctx) == before
    assert tomllib.loads(after)["project"]["optional-dependencies"]["acme"] == ["acme-sdk>=1.2"]


def test_an_inline_table_with_crlf_line_endings():
    ctx = context(repo_layout(), PYPROJECT, SDK)
    before = '[project]\r\nname = "x"\r\noptional-dependencies = { dev = ["p"] }\r\n'
    after = edit.add(before, ctx)
    assert after.count("\r\n") == 3 and "\n" not in after.replace("\r\n", "")
    assert edit.remove(after, ctx) == before


def test_an_inline_entry_written_by_hand_is_still_removed():
    """Not the text add-driver writes: tomlkit removes it (its spacing may change)."""
    ctx = context(repo_layout(), PYPROJECT, SDK)
    text = '[project]\nname = "x"\noptional-dependencies = {acme=["acme-sdk>=1.2"], dev=["p"]}\n'
    removed = tomllib.loads(edit.remove(text, ctx))["project"]["optional-dependencies"]
    assert removed == {"dev": ["p"]}


def test_add_then_remove_is_byte_identical_with_an_inline_table(tmp_path):
    import re

    from _scratch import ACME_ARGS, fingerprint, make_scratch, run

    root = make_scratch(tmp_path / "repo")
    path = root / PYPROJECT
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[project\.optional-dependencies\]\n.*?(?=^\[)", "", text)
    text = text.replace("[project]\n", '[project]\noptional-dependencies = { dev = ["p"] }\n', 1)
    path.write_text(text, encoding="utf-8")
    pristine = fingerprint(root)
    assert run(root, *ACME_ARGS, "--sdk", "acme-sdk>=1.2").exit_code == 0
    assert 'optional-dependencies = { dev = ["p"], acme = ["acme-sdk>=1.2"] }\n' in (
        path.read_text(encoding="utf-8")
    )
    removed = run(root, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.output
    assert fingerprint(root) == pristine
