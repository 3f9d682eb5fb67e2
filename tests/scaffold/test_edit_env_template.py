"""Edit target 9: the `.env.copy` section and the valid `AI_PROVIDER` values."""

from __future__ import annotations

from checkouts import ACMELIB, HOSTILE, acmelib, context, dedent, last_line, repo_layout, repo_text
from checkouts import spec as acme

from prompture_scaffold.edits import env_template as edit
from prompture_scaffold.spec.readback import spec_from_checkout

ENV = ".env.copy"


def test_a_configured_provider_is_a_no_op():
    layout, before = repo_layout(), repo_text(ENV)
    assert edit.add(before, context(layout, ENV, spec_from_checkout(layout, "zai"))) == before


def test_add_a_section_at_the_end_and_a_valid_value():
    before = repo_text(ENV)
    after = edit.add(before, context(repo_layout(), ENV))
    valid = last_line(before, "# Valid AI_PROVIDER values:")
    assert after == before.replace(valid, valid + ", acme") + (
        "\n"
        "# Acme Configuration\n"
        "ACME_API_KEY=your-api-key-here\n"
        "ACME_MODEL=acme-1\n"
        "ACME_ENDPOINT=https://api.acme.test/v1\n"
    )


def test_add_twice_is_add_once_and_remove_inverts_it():
    ctx, before = context(repo_layout(), ENV), repo_text(ENV)
    once = edit.add(before, ctx)
    assert edit.add(once, ctx) == once
    assert edit.remove(once, ctx) == before


def test_a_keyless_provider_gets_no_key_line(tmp_path):
    ctx = context(acmelib(tmp_path), ENV, acme(auth="endpoint"))
    before = dedent(ACMELIB[ENV])
    after = edit.add(before, ctx)
    assert after == dedent(
        """
        # Valid AI_PROVIDER values: alpha, beta, acme
        AI_PROVIDER=alpha

        # Alpha Configuration
        ALPHA_API_KEY=your-api-key-here
        ALPHA_MODEL=alpha-1

        # Beta Configuration
        BETA_ENDPOINT=http://localhost:8080/v1

        # Acme Configuration
        ACME_MODEL=acme-1
        ACME_ENDPOINT=https://api.acme.test/v1
        """
    )
    assert edit.remove(after, ctx) == before


def test_remove_a_builtin_section_in_the_middle():
    layout, before = repo_layout(), repo_text(ENV)
    after = edit.remove(before, context(layout, ENV, spec_from_checkout(layout, "moonshot")))
    section = (
        "\n# Moonshot Configuration\n"
        "MOONSHOT_API_KEY=your-api-key-here\n"
        "MOONSHOT_MODEL=kimi-k2-0905-preview\n"
        "MOONSHOT_ENDPOINT=https://api.moonshot.ai/v1\n"
    )
    assert section in before
    assert after == before.replace(section, "").replace("grok, moonshot, zai", "grok, zai")


def test_remove_the_first_valid_value():
    ctx = context(repo_layout(), ENV, acme(provider="grok"))
    after = edit.remove("# Valid AI_PROVIDER values: grok, zai\n", ctx)
    assert after == "# Valid AI_PROVIDER values: zai\n"


def test_hostile_values_stay_on_their_line():
    ctx = context(repo_layout(), ENV, acme(**HOSTILE))
    after = edit.add("", ctx)
    assert after.splitlines() == [
        "",
        "# Ac\"me's \\ {{ evil }}\\nimport os  # é Configuration",
        "ACME_API_KEY=your-api-key-here",
        'ACME_MODEL="m\\"1\\\\n\'{{x}} ü"',
        'ACME_ENDPOINT="https://x.test/\\"); import os; (\\"\\\\{{ }}\\n"',
    ]
