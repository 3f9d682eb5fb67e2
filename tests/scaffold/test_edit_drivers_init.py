"""Edit target 3: imports, registrations and `__all__` of the registering module(s)."""

from __future__ import annotations

import ast

import pytest
from checkouts import (
    ACMELIB,
    acmelib,
    changed,
    context,
    dedent,
    hunks,
    last_line,
    repo_layout,
    repo_text,
    spec,
)
from test_edit_all_targets import paths_of

from prompture_scaffold.edits import drivers_init as edit
from prompture_scaffold.edits._source import dunder_all, find_assign
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.ruff_layout import member_key
from prompture_scaffold.spec.readback import spec_from_checkout

INIT = "prompture/drivers/__init__.py"


def test_a_registered_provider_is_a_no_op():
    layout = repo_layout()
    moonshot = spec_from_checkout(layout, "moonshot")
    before = repo_text(INIT)
    assert edit.add(before, context(layout, INIT, moonshot)) == before


def test_add_to_our_drivers_package():
    before = repo_text(INIT)
    after = edit.add(before, context(repo_layout(), INIT))
    sync = 'register_driver("acme", settings_factory("AcmeDriver"), overwrite=True)'
    async_ = 'register_async_driver("acme", settings_factory("AsyncAcmeDriver"), overwrite=True)'
    assert changed(before, after) == [
        '+    ".acme_driver": ["AcmeDriver"],',
        '+    ".async_acme_driver": ["AsyncAcmeDriver"],',
        "+" + sync,
        "+" + async_,
        '+    "AcmeDriver",',
        '+    "AsyncAcmeDriver",',
    ]
    # The lazy-import table and `__all__` stay sorted, registrations come last.
    table = ast.literal_eval(find_assign(ast.parse(after).body, "_LAZY_IMPORTS").value)
    assert list(table) == sorted(table, key=str.lower)
    assert table[".acme_driver"] == ["AcmeDriver"]
    exported = ast.literal_eval(dunder_all(ast.parse(after)))
    assert exported == sorted(exported, key=member_key)
    assert f"{last_line(before, 'register_driver(')}\n{sync}\n" in after
    assert f"{last_line(before, 'register_async_driver(')}\n{async_}\n" in after


def test_add_twice_is_add_once():
    ctx = context(repo_layout(), INIT)
    once = edit.add(repo_text(INIT), ctx)
    assert edit.add(once, ctx) == once


def test_remove_inverts_add():
    ctx, before = context(repo_layout(), INIT), repo_text(INIT)
    assert edit.remove(edit.add(before, ctx), ctx) == before


def test_remove_a_builtin_driver():
    layout, before = repo_layout(), repo_text(INIT)
    after = edit.remove(before, context(layout, INIT, spec_from_checkout(layout, "zai")))
    removed = [line for line in hunks(before, after) if line.startswith("-")]
    assert removed == [
        '-    ".async_zai_driver": ["AsyncZaiDriver"],',
        '-    ".zai_driver": ["ZaiDriver"],',
        '-register_driver("zai", settings_factory("ZaiDriver"), overwrite=True)',
        '-register_async_driver("zai", settings_factory("AsyncZaiDriver"), overwrite=True)',
        '-    "AsyncZaiDriver",',
        '-    "ZaiDriver",',
    ]
    assert not [line for line in hunks(before, after) if line.startswith("+")]


def test_targets_are_the_sync_then_the_async_registry(tmp_path):
    layout = acmelib(tmp_path)
    drivers = layout.drivers_dir
    assert paths_of("drivers_init", layout) == [
        drivers / "__init__.py",
        drivers / "async_registry.py",
    ]
    assert paths_of("drivers_init", repo_layout()) == [repo_layout().drivers_init]


SYNC_AFTER = dedent(
    '''
    """The built-in drivers and their sync registrations (async ones: async_registry)."""

    from ..infra.settings import settings
    from .acme_driver import AcmeDriver
    from .alpha_driver import AlphaDriver
    from .beta_driver import BetaDriver
    from .registry import get_driver_for_model, register_driver

    register_driver(
        "alpha",
        lambda model=None: AlphaDriver(
            api_key=settings.alpha_api_key,
            model=model or settings.alpha_model,
        ),
        overwrite=True,
    )
    register_driver(
        "beta",
        lambda model=None: BetaDriver(
            api_key=settings.beta_api_key,
            model=model or settings.beta_model,
        ),
        overwrite=True,
    )
    register_driver(
        "acme",
        lambda model=None: AcmeDriver(
            api_key=settings.acme_api_key,
            model=model or settings.acme_model,
            endpoint=settings.acme_endpoint,
        ),
        overwrite=True,
    )

    __all__ = [
        "AcmeDriver",
        "AlphaDriver",
        "BetaDriver",
        "get_driver_for_model",
        "register_driver",
    ]

    from . import async_registry  # noqa: E402, F401  (registers the async twins)
    '''
)


def test_sync_half_in_a_lambda_style_package(tmp_path):
    """Lambda registrations, and an `__all__` outgrowing 88 columns gets exploded."""
    layout = acmelib(tmp_path)
    before = dedent(ACMELIB["acmelib/drivers/__init__.py"])
    assert edit.add(before, context(layout, "acmelib/drivers/__init__.py")) == SYNC_AFTER


def test_async_half_goes_to_the_async_registry(tmp_path):
    layout = acmelib(tmp_path)
    before = dedent(ACMELIB["acmelib/drivers/async_registry.py"])
    after = edit.add(before, context(layout, "acmelib/drivers/async_registry.py"))
    imported = "from .async_acme_driver import AsyncAcmeDriver\nfrom .async_alpha_driver"
    assert after == before.replace("from .async_alpha_driver", imported) + dedent(
        """
        register_async_driver(
            "acme",
            lambda model=None: AsyncAcmeDriver(
                api_key=settings.acme_api_key,
                model=model or settings.acme_model,
                endpoint=settings.acme_endpoint,
            ),
            overwrite=True,
        )
        """
    )


@pytest.mark.parametrize("module", ["__init__.py", "async_registry.py"])
def test_lambda_style_remove_inverts_add(tmp_path, module):
    layout = acmelib(tmp_path)
    ctx = context(layout, f"acmelib/drivers/{module}")
    before = dedent(ACMELIB[f"acmelib/drivers/{module}"])
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_a_registration_too_long_for_one_line_is_exploded():
    ctx = context(repo_layout(), INIT, spec(provider="a" * 30, class_name="B" * 40))
    after = edit.add(repo_text(INIT), ctx)
    assert (
        f'register_driver(\n    "{"a" * 30}",\n    settings_factory("{"B" * 40}Driver"),\n' in after
    )
    assert max(len(line) for line in after.splitlines()) <= 100


def test_no_registration_to_follow_is_unsafe():
    source = '"""Drivers."""\n\n__all__ = []\n'
    with pytest.raises(UnsafeTarget) as caught:
        edit.add(source, context(repo_layout(), INIT))
    assert (caught.value.path, caught.value.symbol) == (INIT, "register_driver(...)")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add("register_driver(\n", context(repo_layout(), INIT))
    assert caught.value.path == INIT
    assert "does not parse" in caught.value.reason


def test_a_module_holding_no_registrations_is_unsafe():
    with pytest.raises(UnsafeTarget):
        edit.add("x = 1\n", context(repo_layout(), "prompture/driver.py"))
