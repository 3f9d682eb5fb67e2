"""Edit target 5: the provider's fields in `class Settings`."""

from __future__ import annotations

import ast

import pytest
from checkouts import ACMELIB, HOSTILE, acmelib, context, dedent, repo_layout, repo_text
from checkouts import spec as acme

from prompture_scaffold.edits import settings as edit
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.readback import spec_from_checkout

SETTINGS = "prompture/settings.py"
ALIASED = acme(api_key_env="ACME_KEY", extra_api_key_envs=("ACME_TOKEN",))


def _last_field(text: str) -> str:
    """The line ending the last field of `Settings` (the block goes right after it)."""
    settings = next(n for n in ast.parse(text).body if getattr(n, "name", "") == "Settings")
    last = [n for n in settings.body if isinstance(n, ast.AnnAssign)][-1]
    return text.splitlines(keepends=True)[last.end_lineno - 1]


def test_a_configured_provider_is_a_no_op():
    layout, before = repo_layout(), repo_text(SETTINGS)
    ctx = context(layout, SETTINGS, spec_from_checkout(layout, "grok"))
    assert edit.add(before, ctx) == before


def test_add_a_block_after_the_last_one():
    before = repo_text(SETTINGS)
    after = edit.add(before, context(repo_layout(), SETTINGS))
    block = (
        "\n"
        "    # Acme\n"
        "    acme_api_key: str | None = None\n"
        '    acme_model: str = "acme-1"\n'
        '    acme_endpoint: str = "https://api.acme.test/v1"\n'
    )
    last = _last_field(before)
    assert before.count(last) == 1
    assert after == before.replace(last, last + block)


def test_other_key_variables_become_alias_choices():
    before = repo_text(SETTINGS)
    after = edit.add(before, context(repo_layout(), SETTINGS, ALIASED))
    block = (
        "\n"
        "    # Acme\n"
        "    acme_api_key: str | None = Field(\n"
        '        None, validation_alias=AliasChoices("ACME_API_KEY", "ACME_KEY", "ACME_TOKEN")\n'
        "    )\n"
        '    acme_model: str = "acme-1"\n'
        '    acme_endpoint: str = "https://api.acme.test/v1"\n'
    )
    last = _last_field(before)
    assert before.count(last) == 1
    assert after == before.replace(last, last + block)


@pytest.mark.parametrize("driver", [acme(), ALIASED], ids=["plain", "aliased"])
def test_add_twice_is_add_once_and_remove_inverts_it(driver):
    ctx, before = context(repo_layout(), SETTINGS, driver), repo_text(SETTINGS)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_remove_a_builtin_block():
    layout, before = repo_layout(), repo_text(SETTINGS)
    after = edit.remove(before, context(layout, SETTINGS, spec_from_checkout(layout, "grok")))
    block = (
        "    # Grok\n"
        "    grok_api_key: str | None = Field(\n"
        '        None, validation_alias=AliasChoices("GROK_API_KEY", "XAI_API_KEY")\n'
        "    )\n"
        '    grok_model: str = "grok-4.3"\n'
        '    grok_endpoint: str = "https://api.x.ai/v1"\n'
        "\n"
    )
    assert before.count(block) == 1
    assert after == before.replace(block, "")


def test_a_subpackage_settings_module_gets_its_pydantic_imports(tmp_path):
    layout = acmelib(tmp_path)
    ctx = context(layout, "acmelib/infra/settings.py", ALIASED)
    before = dedent(ACMELIB["acmelib/infra/settings.py"])
    after = edit.add(before, ctx)
    assert after == dedent(
        """
        from typing import Optional

        from pydantic import AliasChoices, Field
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", extra="ignore")

            # Alpha
            alpha_api_key: Optional[str] = None
            alpha_model: str = "alpha-1"

            # Beta
            beta_api_key: Optional[str] = None
            beta_model: str = "beta-large"
            beta_endpoint: str = "http://localhost:8080/v1"

            # Acme
            acme_api_key: Optional[str] = Field(
                None, validation_alias=AliasChoices("ACME_API_KEY", "ACME_KEY", "ACME_TOKEN")
            )
            acme_model: str = "acme-1"
            acme_endpoint: str = "https://api.acme.test/v1"


        settings = Settings()
        """
    )
    assert edit.remove(after, ctx) == before


def test_many_key_variables_explode_the_field():
    envs = tuple(f"ACME_SECOND_KEY_VARIABLE_{i}" for i in range(3))
    ctx = context(repo_layout(), SETTINGS, acme(extra_api_key_envs=envs))
    after = edit.add(repo_text(SETTINGS), ctx)
    assert (
        "    acme_api_key: str | None = Field(\n"
        "        None,\n"
        "        validation_alias=AliasChoices(\n"
        '            "ACME_API_KEY",\n'
        '            "ACME_SECOND_KEY_VARIABLE_0",\n'
    ) in after
    assert max(map(len, after.splitlines())) <= 100


def test_hostile_values_stay_literals():
    ctx = context(repo_layout(), SETTINGS, acme(**HOSTILE))
    after = edit.add(repo_text(SETTINGS), ctx)
    fields = {
        node.target.id: ast.literal_eval(node.value)
        for node in ast.walk(ast.parse(after))
        if isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant)
    }
    assert fields["acme_model"] == HOSTILE["default_model"]
    assert fields["acme_endpoint"] == HOSTILE["endpoint"]
    heading = "    # Ac\"me's \\ {{ evil }}\\nimport os  # é\n"
    assert heading in after and "\nimport os" not in after


def test_no_settings_class_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add("class Config:\n    x: int = 1\n", context(repo_layout(), SETTINGS))
    assert (caught.value.path, caught.value.symbol) == (SETTINGS, "class Settings")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget, match="does not parse"):
        edit.add("class Settings(:\n", context(repo_layout(), SETTINGS))


def test_a_value_that_cannot_fit_is_marked_and_noted():
    long_model = "m" * 120
    ctx = context(repo_layout(), SETTINGS, acme(default_model=long_model))
    after = edit.add(repo_text(SETTINGS), ctx)
    assert f'    acme_model: str = "{long_model}"  # noqa: E501\n' in after
    assert ctx.notes == [
        f"{SETTINGS}: acme_model does not fit 100 columns even on a line of its own: "
        "marked # noqa: E501"
    ]
    fitting = context(repo_layout(), SETTINGS)
    edit.add(repo_text(SETTINGS), fitting)
    assert fitting.notes == []
