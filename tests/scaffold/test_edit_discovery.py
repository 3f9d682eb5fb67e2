"""Edit target 6: the driver import, `provider_classes` entry and configuration check."""

from __future__ import annotations

import ast

import pytest
from checkouts import ACMELIB, acmelib, changed, context, dedent, repo_layout, repo_text
from checkouts import spec as acme

from prompture_scaffold.edits import discovery as edit
from prompture_scaffold.errors import UnsafeTarget
from prompture_scaffold.spec.readback import spec_from_checkout

DISCOVERY = "prompture/discovery.py"
INFRA = "acmelib/infra/discovery.py"


def test_a_discovered_provider_is_a_no_op():
    layout, before = repo_layout(), repo_text(DISCOVERY)
    ctx = context(layout, DISCOVERY, spec_from_checkout(layout, "moonshot"))
    assert edit.add(before, ctx) == before


def test_add_the_import_and_the_last_dict_entry():
    before = repo_text(DISCOVERY)
    after = edit.add(before, context(repo_layout(), DISCOVERY))
    assert changed(before, after) == ["+    AcmeDriver,", '+        "acme": AcmeDriver,']
    assert "from .drivers import (\n    AcmeDriver,\n" in after
    assert '        "acme": AcmeDriver,\n    }\n' in after


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), DISCOVERY), repo_text(DISCOVERY)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_remove_a_builtin_driver():
    layout, before = repo_layout(), repo_text(DISCOVERY)
    after = edit.remove(before, context(layout, DISCOVERY, spec_from_checkout(layout, "grok")))
    assert '"grok"' not in after and "GrokDriver" not in after
    assert _imported(after) == _imported(before) - {"GrokDriver"}


def _imported(text: str) -> set[str]:
    nodes = [n for n in ast.parse(text).body if isinstance(n, ast.ImportFrom)]
    return {alias.name for node in nodes if node.module == "drivers" for alias in node.names}


def test_an_exploded_import_that_fits_again_is_collapsed():
    """What `add` explodes because it outgrew the line, `remove` puts back on one line."""
    source = "from .drivers import AlphaDriver, BetaDriver\n\nprovider_classes = {}\n"
    ctx = context(repo_layout(), DISCOVERY, acme(class_name="A" * 60))
    after = edit.add(source, ctx)
    assert after.startswith("from .drivers import (\n    " + "A" * 60 + "Driver,\n")
    assert edit.remove(after, ctx) == source


def test_the_skill_elif_chain_gets_a_branch(tmp_path):
    layout = acmelib(tmp_path)
    before = dedent(ACMELIB[INFRA])
    after = edit.add(before, context(layout, INFRA))
    assert after == dedent(
        """
        import os

        from ..drivers import AcmeDriver, AlphaDriver, BetaDriver
        from .settings import settings


        def get_available_models() -> list[str]:
            provider_classes = {
                "alpha": AlphaDriver,
                "beta": BetaDriver,
                "acme": AcmeDriver,
            }
            models = []
            for provider, driver_class in provider_classes.items():
                is_configured = False
                if provider == "alpha":
                    if settings.alpha_api_key or os.getenv("ALPHA_API_KEY"):
                        is_configured = True
                elif provider == "beta":
                    if settings.beta_endpoint or os.getenv("BETA_ENDPOINT"):
                        is_configured = True
                elif provider == "acme":
                    if settings.acme_api_key or os.getenv("ACME_API_KEY"):
                        is_configured = True
                if is_configured:
                    models.append(f"{provider}/{driver_class.default_model}")
            return models
        """
    )


@pytest.mark.parametrize("auth", ["api-key", "endpoint"])
def test_elif_chain_remove_inverts_add(tmp_path, auth):
    ctx = context(acmelib(tmp_path), INFRA, acme(auth=auth))
    before = dedent(ACMELIB[INFRA])
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_a_keyless_provider_is_configured_by_its_endpoint(tmp_path):
    ctx = context(acmelib(tmp_path), INFRA, acme(auth="endpoint"))
    after = edit.add(dedent(ACMELIB[INFRA]), ctx)
    assert 'if settings.acme_endpoint or os.getenv("ACME_ENDPOINT"):' in after


def test_removing_the_head_of_the_chain_promotes_the_next_branch(tmp_path):
    layout = acmelib(tmp_path)
    before = dedent(ACMELIB[INFRA])
    after = edit.remove(before, context(layout, INFRA, spec_from_checkout(layout, "alpha")))
    assert changed(before, after) == [
        "-from ..drivers import AlphaDriver, BetaDriver",
        "+from ..drivers import BetaDriver",
        '-        "alpha": AlphaDriver,',
        '-        if provider == "alpha":',
        '-            if settings.alpha_api_key or os.getenv("ALPHA_API_KEY"):',
        "-                is_configured = True",
        '-        elif provider == "beta":',
        '+        if provider == "beta":',
    ]


def test_a_new_branch_goes_before_else():
    before = dedent(
        """
        from .drivers import XDriver


        def get_available_models():
            provider_classes = {"x": XDriver}
            for provider in provider_classes:
                if provider == "x":
                    ok = True
                else:
                    ok = False
        """
    )
    ctx = context(repo_layout(), DISCOVERY)
    after = edit.add(before, ctx)
    assert '            ok = True\n        elif provider == "acme":\n' in after
    assert "                ok = True\n        else:\n" in after
    assert edit.remove(after, ctx) == before


def test_per_module_driver_imports_get_a_sibling(tmp_path):
    layout = acmelib(tmp_path)
    imports = "from ..drivers.alpha_driver import AlphaDriver\nfrom ..drivers.beta_driver import"
    before = dedent(ACMELIB[INFRA]).replace("from ..drivers import AlphaDriver,", imports)
    ctx = context(layout, INFRA)
    after = edit.add(before, ctx)
    assert "\nfrom ..drivers.acme_driver import AcmeDriver\nfrom ..drivers.alpha_driver" in after
    assert edit.remove(after, ctx) == before


def test_no_provider_classes_dict_is_unsafe():
    source = "def get_available_models():\n    return []\n"
    with pytest.raises(UnsafeTarget) as caught:
        edit.add(source, context(repo_layout(), DISCOVERY))
    assert (caught.value.path, caught.value.symbol) == (DISCOVERY, "provider_classes")


def test_a_file_that_does_not_parse_is_unsafe():
    with pytest.raises(UnsafeTarget, match="does not parse"):
        edit.add("def get_available_models(:\n", context(repo_layout(), DISCOVERY))
