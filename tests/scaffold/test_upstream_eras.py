"""add-driver, remove-driver and check-drivers on checkouts shaped like upstream's eras.

The trees (`upstream_trees`) imitate the structures the real eras have; the real checkouts are
run by `scripts/upstream_matrix.py`, outside CI. Here each era's conventions are checked to be
learned from the checkout: where things go, in which style, and that removal gives back every
byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import ACME_ARGS, fingerprint, run
from upstream_trees import DESCRIPTORS, FLAT, build

from prompture_scaffold.checkout import discover
from prompture_scaffold.checkout.rates import RateStyle, learn, render_flat
from prompture_scaffold.edits._source import find_def, heading_like


@pytest.fixture
def flat(tmp_path):
    return build(tmp_path / "flat", FLAT)


@pytest.fixture
def descriptors(tmp_path):
    return build(tmp_path / "desc", DESCRIPTORS)


def _lint(root, paths) -> set[tuple[str, str]]:
    """(file, rule) of every ruff finding, with the checkout's own configuration."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "json", *paths],
        cwd=root,
        capture_output=True,
        text=True,
    )
    root = root.resolve()
    return {
        (str(Path(f["filename"]).resolve().relative_to(root)), f["code"])
        for f in json.loads(done.stdout or "[]")
    }


def _no_new_lint(pristine_root, root, changed) -> None:
    """The change adds no finding a file did not have (new files: none at all)."""
    paths = [p for p in changed if p.endswith(".py")]
    existing = [p for p in paths if (pristine_root / p).exists()]
    before = _lint(pristine_root, existing) if existing else set()
    assert _lint(root, paths) <= before


def _run_generated_tests(root) -> str:
    """The generated test module run with pytest in the checkout (its package importable)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_acme_driver.py",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _changed(before, root):
    after = fingerprint(root)
    return sorted(p for p in after.keys() | before.keys() if after.get(p) != before.get(p))


# --- the flat era ---------------------------------------------------------------------------


def test_flat_era_is_read_past_overload_stubs_and_aliases(flat):
    layout = discover(flat)
    assert layout.symbols["get_available_models"] == flat / "upflat/discovery.py"
    assert not layout.by_descriptor and layout.rates_dir is None
    assert layout.providers["alpha"] == "AlphaDriver"


def test_flat_era_add_and_remove(flat):
    pristine = fingerprint(flat)
    result = run(flat, *ACME_ARGS)
    assert result.exit_code == 0, result.output
    assert "skipped the rate file: this checkout has no folder of rate files" in result.output

    discovery = (flat / "upflat/discovery.py").read_text()
    assert '        "acme": AcmeDriver,\n    }' in discovery
    # Before the chain's combined last branch: a nested `if` last in a chain is SIM102.
    assert discovery.index('elif provider == "acme":') < discovery.index('elif (provider == "beta"')

    package = (flat / "upflat/__init__.py").read_text()
    assert '    "VERSION",\n    "AcmeDriver",\n    "AlphaDriver",' in package  # RUF022 order
    env = (flat / ".env.copy").read_text()
    assert env.endswith("ACME_ENDPOINT=https://api.acme.test/v1")  # no final newline, as before
    assert "\n\n# Acme Configuration\nACME_API_KEY=" in env
    driver = (flat / "upflat/drivers/acme_driver.py").read_text()
    assert '"acme-1": {' in driver  # this era lists a driver's models from MODEL_PRICING

    test_module = (flat / "tests/test_acme_driver.py").read_text()
    assert "prompture" not in test_module and "ThreadingHTTPServer" in test_module
    _no_new_lint(build(flat.parent / "pristine", FLAT), flat, _changed(pristine, flat))
    assert "3 passed" in _run_generated_tests(flat)

    removed = run(flat, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.output
    assert fingerprint(flat) == pristine


def test_flat_era_check_drivers_counts_chat_drivers_only(flat):
    result = run(flat, "check-drivers", "--json")
    assert result.exit_code == 0, result.output
    drivers = {d["provider"]: d for d in json.loads(result.stdout)["drivers"]}
    assert sorted(drivers) == ["alpha", "beta"]  # not the alias "al", not "alpha_tts"
    assert "rate file" not in drivers["alpha"]["places"]  # an era without rate files


def test_flat_era_check_drivers_finds_a_key_missing_from_the_env_template(flat):
    env = flat / ".env.copy"
    env.write_text(env.read_text().replace("BETA_API_KEY=\n", ""))
    result = run(flat, "check-drivers", "--json")
    assert result.exit_code == 1
    drivers = {d["provider"]: d for d in json.loads(result.stdout)["drivers"]}
    assert drivers["beta"]["missing"] == ["env template"]
    assert drivers["alpha"]["missing"] == []


# --- the descriptor era ---------------------------------------------------------------------


def test_descriptor_era_reads_chat_descriptors(descriptors):
    layout = discover(descriptors)
    assert layout.by_descriptor
    assert dict(layout.providers) == {"alpha": "AlphaDriver"}  # no alias, no speech driver
    assert not layout.rate_style.wrapped
    assert layout.rate_style.file_stem("acme", "acme-ai") == "acme-ai"


def test_descriptor_era_add_and_remove(descriptors):
    pristine = fingerprint(descriptors)
    result = run(descriptors, *ACME_ARGS)
    assert result.exit_code == 0, result.output
    changed = _changed(pristine, descriptors)
    assert "updesc/__init__.py" not in changed  # the star import exports the class already
    assert "updesc/infra/discovery.py" not in changed  # the descriptor wires discovery

    plugin = (descriptors / "updesc/plugins/builtins/openai_compatible_plugin.py").read_text()
    acme = plugin.index('name="acme"')
    assert plugin.index("descs.append(alpha_desc)") < acme < plugin.index("# ── Aliases")
    assert "        # ── Acme ───" in plugin  # the siblings' ruled heading
    assert '                    "AsyncAcmeDriver",\n' in plugin  # through their `_llm` helper

    driver = (descriptors / "updesc/drivers/acme_driver.py").read_text()
    assert "OpenAICompatibleDriver" not in driver  # that base routes by profile: self-contained
    rates = sorted((descriptors / "updesc/infra/rates").glob("acme*.json"))
    assert len(rates) == 1
    entry = next(iter(json.loads(rates[0].read_text()).values()))
    assert entry["api_type"] == "openai-compatible"
    assert entry["context_window"] and entry["modalities_input"]
    assert "cost" not in entry  # prices are never invented

    _no_new_lint(build(descriptors.parent / "pristine", DESCRIPTORS), descriptors, changed)
    assert "3 passed" in _run_generated_tests(descriptors)
    assert run(descriptors, "check-drivers").exit_code == 0

    removed = run(descriptors, "remove-driver", "acme", "--yes")
    assert removed.exit_code == 0, removed.output
    assert fingerprint(descriptors) == pristine


def test_descriptor_era_check_drivers_has_no_discovery_column(descriptors):
    result = run(descriptors, "check-drivers", "--json")
    assert result.exit_code == 0, result.output
    (alpha,) = json.loads(result.stdout)["drivers"]
    assert alpha["provider"] == "alpha" and "discovery" not in alpha["places"]


# --- the pieces -----------------------------------------------------------------------------


def test_find_def_skips_overload_stubs_and_type_checking():
    import ast

    tree = ast.parse(
        "from typing import TYPE_CHECKING, overload\n"
        "if TYPE_CHECKING:\n    def f(): ...\n"
        "@overload\ndef f(x: int) -> int: ...\n"
        "def f(x=None):\n    return x\n"
    )
    assert find_def(tree, "f", ast.FunctionDef).lineno == 6


def test_flat_rate_files_follow_their_siblings(tmp_path):
    rates = tmp_path / "rates"
    rates.mkdir()
    sibling = {"m": {"supports_tool_use": True, "context_window": 8, "api_type": "openai"}}
    (rates / "a.json").write_text(json.dumps(sibling))
    style = learn(rates)
    assert style == RateStyle(
        wrapped=False,
        entry_keys=("supports_tool_use", "context_window", "api_type"),
        api_types=frozenset({"openai"}),
        required=(("supports_tool_use", False), ("context_window", 8), ("api_type", "openai")),
    )
    text = render_flat(style, api_type="openai", models={"x": {"tool_call": False}})
    assert json.loads(text) == {
        "x": {"supports_tool_use": False, "context_window": 8, "api_type": "openai"}
    }
    assert learn(None) == RateStyle()


def test_headings_follow_the_ruled_style_of_their_siblings():
    ruled = ["# ── Alpha ──────────", "# ── Beta ───────────"]
    assert heading_like(ruled, "Acme") == "# ── Acme ───────────"
    assert heading_like(["# Alpha", "# Beta"], "Acme") == "# Acme"


def test_a_derived_class_name_that_clashes_is_derived_anew_from_the_key(tmp_path):
    from _scratch import make_scratch

    repo = make_scratch(tmp_path / "repo")
    first = run(repo, "add-driver", "stepfun", "--from-models-dev", "stepfun", "--yes")
    assert first.exit_code == 0, first.output
    # The catalogue names both "StepFun": the second class is derived from its key.
    second = run(repo, "add-driver", "stepfun_ai", "--from-models-dev", "stepfun-ai", "--yes")
    assert second.exit_code == 0, second.output
    assert "class name StepfunAiDriver: StepFunDriver already exists" in second.output
    assert "class StepfunAiDriver(" in (repo / "prompture/drivers/stepfun_ai_driver.py").read_text()
    given = run(repo, "add-driver", "step3", "--from-models-dev", "stepfun", "--yes",
                "--class-name", "StepFun")  # fmt: skip
    assert given.exit_code == 2 and "--class-name: StepFunDriver already exists" in given.output


#: A plugin of image providers (many descriptors, none chat) and a catch-all plugin of
#: chat providers, as upstream's plugin era has them.
_MORE_PLUGINS = {
    "updesc/plugins/builtins/image_plugin.py": """
        from ...drivers.provider_descriptors import DriverSpec, ProviderDescriptor


        class ImagePlugin:
            def descriptors(self) -> list[ProviderDescriptor]:
                descs: list[ProviderDescriptor] = []
                for name in ("pix", "paint", "draw"):
                    descs.append(
                        ProviderDescriptor(
                            name=name,
                            img_gen_sync=DriverSpec(f"{name}_image.Driver", {}, "v1"),
                        )
                    )
                descs.append(ProviderDescriptor(name="snap", img_gen_sync=None))
                return descs
        """,
    "updesc/plugins/builtins/extras_plugin.py": """
        from ...drivers.provider_descriptors import ProviderDescriptor
        from ._aliases import _llm


        class ExtrasPlugin:
            def descriptors(self) -> list[ProviderDescriptor]:
                descs: list[ProviderDescriptor] = []

                # ── Omega ──────────────────────────────────────────────
                descs.append(
                    ProviderDescriptor(
                        name="omega",
                        **_llm(
                            "omega_driver",
                            "OmegaDriver",
                            "async_omega_driver",
                            "AsyncOmegaDriver",
                            {"api_key": "omega_api_key"},
                            "omega_model",
                        ),
                        is_configured_check="omega_api_key",
                    )
                )

                return descs
        """,
}


@pytest.mark.parametrize(
    ("compat", "plugin"),
    [("openai", "openai_compatible_plugin.py"), ("custom", "extras_plugin.py")],
)
def test_descriptor_era_places_a_provider_by_its_wire_never_among_image_providers(
    tmp_path, compat, plugin
):
    root = build(tmp_path / "desc", {**DESCRIPTORS, **_MORE_PLUGINS})
    pristine = fingerprint(root)
    args = [a for a in ACME_ARGS if a != "openai"]
    args[args.index("--compat") + 1 : args.index("--compat") + 1] = [compat]
    if compat == "custom":
        args += ["--sdk", "acme-sdk"]
    result = run(root, *args)
    assert result.exit_code == 0, result.output
    builtins = root / "updesc/plugins/builtins"
    holding = [p.name for p in sorted(builtins.glob("*.py")) if 'name="acme"' in p.read_text()]
    assert holding == [plugin]
    assert run(root, "remove-driver", "acme", "--yes").exit_code == 0
    assert fingerprint(root) == pristine
