"""`--force` with the same answers changes nothing, for every template and authentication.

The spec read back from the checkout must be exact: the full and custom templates declare
their profile on a mixin beside the driver class, and a display name unlike the class name
only lives there. check-drivers is clean right after each add, and removal gives back every
byte.
"""

from __future__ import annotations

import pytest
from _scratch import fingerprint, make_scratch, run

BASE = [
    "add-driver", "acme", "--yes", "--endpoint", "https://api.acme.test/v1",
    "--default-model", "acme-1", "--api-key-env", "ACME_API_KEY", "--no-models-dev",
    "--display-name", "Acme Cloud",
]  # fmt: skip

CASES = {
    "subclass": ["--compat", "openai"],
    "full": ["--compat", "openai", "--template", "full"],
    "custom": ["--compat", "custom", "--sdk", "requests"],
    "custom third-party sdk": ["--compat", "custom", "--sdk", "acme-sdk>=1.2"],
    "auth none": ["--compat", "openai", "--auth", "none"],
    "full, auth none": ["--compat", "openai", "--auth", "none", "--template", "full"],
    "custom, auth endpoint": ["--compat", "custom", "--sdk", "httpx", "--auth", "endpoint"],
    "anthropic": ["--compat", "anthropic"],
}


@pytest.mark.parametrize("flags", CASES.values(), ids=CASES.keys())
def test_force_with_the_same_answers_changes_nothing(tmp_path, flags):
    repo = make_scratch(tmp_path / "repo")
    pristine = fingerprint(repo)
    added = run(repo, *BASE, *flags)
    assert added.exit_code == 0, added.output
    after_add = fingerprint(repo)

    check = run(repo, "check-drivers")
    assert check.exit_code == 0, check.output

    forced = run(repo, *BASE, *flags, "--force")
    assert forced.exit_code == 0, forced.output
    assert fingerprint(repo) == after_add

    removed = run(repo, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.output
    assert fingerprint(repo) == pristine
