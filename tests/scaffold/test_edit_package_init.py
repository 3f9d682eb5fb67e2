"""Edit target 4: the sync driver class re-exported by the package `__init__`."""

from __future__ import annotations

import pytest
from checkouts import ACMELIB, acmelib, changed, context, dedent, repo_layout, repo_text, spec

from prompture_scaffold.edits import package_init as edit
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.readback import spec_from_checkout

INIT = "prompture/__init__.py"


def test_an_exported_driver_is_a_no_op():
    layout, before = repo_layout(), repo_text(INIT)
    assert edit.add(before, context(layout, INIT, spec_from_checkout(layout, "grok"))) == before


def test_add_under_the_drivers_comment_in_sorted_place():
    before = repo_text(INIT)
    after = edit.add(before, context(repo_layout(), INIT))
    assert changed(before, after) == ['+        "AcmeDriver",', '+    "AcmeDriver",']
    assert '    ".drivers": [\n        "AcmeDriver",\n' in after
    assert '    # Drivers\n    "AcmeDriver",\n' in after


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), INIT), repo_text(INIT)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_an_unsorted_group_gets_the_class_after_its_last_driver():
    before = dedent(
        """
        from .drivers import ZedDriver, BeeDriver, get_driver_for_model

        __all__ = ["ZedDriver", "BeeDriver", "get_driver_for_model"]
        """
    )
    after = edit.add(before, context(repo_layout(), INIT))
    assert after == dedent(
        """
        from .drivers import ZedDriver, BeeDriver, AcmeDriver, get_driver_for_model

        __all__ = ["ZedDriver", "BeeDriver", "AcmeDriver", "get_driver_for_model"]
        """
    )


def test_single_line_imports_of_a_subpackage_layout(tmp_path):
    layout = acmelib(tmp_path)
    before = dedent(ACMELIB["acmelib/__init__.py"])
    after = edit.add(before, context(layout, "acmelib/__init__.py"))
    assert after == dedent(
        '''
        """acmelib: a Prompture-style library laid out in subpackages."""

        from .drivers import AcmeDriver, AlphaDriver, BetaDriver, get_driver_for_model
        from .infra.discovery import get_available_models

        __all__ = [
            "AcmeDriver",
            "AlphaDriver",
            "BetaDriver",
            "get_available_models",
            "get_driver_for_model",
        ]
        '''
    )
    assert edit.remove(after, context(layout, "acmelib/__init__.py")) == before


def test_no_import_of_the_drivers_package_is_unsafe():
    with pytest.raises(UnsafeTarget) as caught:
        edit.add('__all__ = ["x"]\n', context(repo_layout(), INIT))
    assert (caught.value.path, caught.value.symbol) == (INIT, "from .drivers import")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget, match="does not parse"):
        edit.add("from .drivers import (\n", context(repo_layout(), INIT))


def test_an_import_outgrowing_the_line_gets_parentheses(tmp_path):
    layout = acmelib(tmp_path)
    ctx = context(layout, "acmelib/__init__.py", spec(class_name="AcmeWithAVeryLongName"))
    before = dedent(ACMELIB["acmelib/__init__.py"])
    after = edit.add(before, ctx)
    assert (
        "from .drivers import (\n"
        "    AcmeWithAVeryLongNameDriver,\n"
        "    AlphaDriver,\n"
        "    BetaDriver,\n"
        "    get_driver_for_model,\n"
        ")\n"
    ) in after
    assert edit.remove(after, ctx) == before
