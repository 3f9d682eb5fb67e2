"""The generated built-in drivers are what `add-driver` generates from their committed specs.

Each ``prompture/drivers/specs/{provider}.toml`` rendered against this checkout's own layout
must give the committed driver modules and rate file byte for byte (and the example and test
module too, once those are committed). A difference means the templates and the built-ins
have drifted: fix the template, or regenerate the built-in on purpose.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from prompture_scaffold._compat import tomllib
from prompture_scaffold.checkout import discover
from prompture_scaffold.render.files import render_new_files
from prompture_scaffold.spec.driver_spec import DriverSpec

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "prompture/drivers/specs").glob("*.toml"))


def load_spec(path: Path) -> DriverSpec:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data["extra_api_key_envs"] = tuple(data.get("extra_api_key_envs", ()))
    if data.get("models_dev_name") is False:  # TOML's stand-in for --no-models-dev
        data["models_dev_name"] = None
    return DriverSpec(**data)


@cache
def rendered(path: Path) -> dict[str, str]:
    return render_new_files(load_spec(path), discover(REPO))


#: The runtime bases a generated driver subclasses directly (hand-written ones do not).
GENERATED_BASES = ("(OpenAICompatibleDriver):", "(AzureOpenAIDriver):")


def test_every_driver_on_the_shared_base_has_a_spec():
    """Drivers subclassing a shared wire base are generated ones: each needs its spec."""
    drivers = {
        p.name.removesuffix("_driver.py")
        for p in (REPO / "prompture/drivers").glob("*_driver.py")
        if any(base in p.read_text(encoding="utf-8") for base in GENERATED_BASES)
    }
    assert drivers == {p.stem for p in SPECS}


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_driver_modules_are_regenerated_byte_for_byte(spec_path):
    provider = spec_path.stem
    files = rendered(spec_path)
    for name in (f"{provider}_driver.py", f"async_{provider}_driver.py"):
        path = f"prompture/drivers/{name}"
        assert files[path] == (REPO / path).read_text(encoding="utf-8"), path


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_rate_file_is_regenerated_byte_for_byte(spec_path):
    path = f"prompture/infra/rates/{spec_path.stem}.json"
    assert rendered(spec_path)[path] == (REPO / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_committed_example_and_tests_are_regenerated_byte_for_byte(spec_path):
    provider = spec_path.stem
    files = rendered(spec_path)
    for path in (f"examples/{provider}_example.py", f"tests/test_{provider}_driver.py"):
        assert files[path] == (REPO / path).read_text(encoding="utf-8"), path
