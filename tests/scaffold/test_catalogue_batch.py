"""Issue 12's batch on a representative subset, one or more providers per wire (the whole
catalogue is `scripts/catalogue_batch.py`'s job): `add-driver KEY --from-models-dev ID --yes`
alone succeeds, each driver answers a strict local server of its wire through
``get_driver_for_model``, base-URL templates are filled in from the catalogue's variables, and
the generated Azure, Cohere, Vertex, Bedrock and Perplexity (Responses API) test modules pass
the contract suite, sync and async."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Catalogue id -> the wire its driver speaks.
SUBSET = {
    "cerebras": "openai",  # the facts table: no URL in the catalogue
    "cloudflare-workers-ai": "openai",  # a base-URL template
    "cloudflare-ai-gateway": "openai",  # a template of two variables, from the facts table
    "minimax": "anthropic",
    "azure-cognitive-services": "azure",  # a template too (azure itself is a built-in now)
    "cohere": "cohere",
    "google-vertex": "vertex-gemini",
    "google-vertex-anthropic": "vertex-anthropic",
    "amazon-bedrock": "bedrock",
    "perplexity": "responses",  # the facts table: Sonar chat completions are retired
    "perplexity-agent": "responses",  # the facts table overrides its @ai-sdk/openai
    "gitlab": "custom",  # nothing serves it: the skeleton, with the facts table's note
}
SERVICE_TESTS = [
    "tests/test_azure_cognitive_services_driver.py",
    "tests/test_cohere_driver.py",
    "tests/test_google_vertex_driver.py",
    "tests/test_google_vertex_anthropic_driver.py",
    "tests/test_amazon_bedrock_driver.py",
    "tests/test_perplexity_agent_driver.py",
]


def load_script():
    spec = importlib.util.spec_from_file_location(
        "catalogue_batch", REPO / "scripts" / "catalogue_batch.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    script = load_script()
    work = tmp_path_factory.mktemp("batch")
    return script, script.run_batch(work, list(SUBSET))


def test_every_scaffold_succeeds_with_the_wire_the_facts_give(batch):
    _, report = batch
    assert {r["catalogue_id"]: (r["exit_code"], r["wire"]) for r in report["runs"]} == {
        cid: (0, wire) for cid, wire in SUBSET.items()
    }


def test_every_served_driver_answers_through_the_registry(batch):
    _, report = batch
    served = {cid.replace("-", "_") for cid, wire in SUBSET.items() if wire != "custom"}
    assert {key: report["answers"].get(key) for key in served} == dict.fromkeys(served, "ok")
    per_wire = report["per_wire"]
    assert per_wire["custom"] == (0, 1)
    assert all(good == total for wire, (good, total) in per_wire.items() if wire != "custom")


def test_base_url_templates_are_filled_in_from_the_catalogue_variables(batch):
    _, report = batch
    for key in ("cloudflare_workers_ai", "cloudflare_ai_gateway", "azure_cognitive_services"):
        assert report["answers"][f"{key}#template"] == "ok"


def test_the_custom_skeleton_names_what_is_missing(batch):
    _, report = batch
    gitlab = next(r for r in report["runs"] if r["catalogue_id"] == "gitlab")
    assert any("GITLAB_TOKEN" in note for note in gitlab["notes"])


def test_generated_service_drivers_pass_the_contract_suite_sync_and_async(batch):
    _, report = batch
    repo = Path(report["repo"])
    env = {**os.environ, "PYTHONPATH": str(repo), "PROMPTURE_OFFLINE": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "-p", "no:cacheprovider"]
    done = subprocess.run(
        [*command, *SERVICE_TESTS],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout
    for module in SERVICE_TESTS:
        text = (repo / module).read_text(encoding="utf-8")
        assert "Contract):" in text  # the wire's contract suite, not a skeleton
