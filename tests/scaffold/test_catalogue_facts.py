"""The facts table and base-URL templates behind `--from-models-dev` (issue 12).

The table (`catalogue_facts`) says what each provider-specific SDK package of the catalogue
speaks, each row with its public source; catalogue URLs holding ``${VAR}`` become drivers whose
settings hold each variable, while a typed endpoint holding ``${`` is still refused (python-
dotenv would expand it in `.env`).
"""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from _scratch import make_scratch, run
from checkouts import ACME, acmelib

from prompture_scaffold.catalogue import models_dev as cat
from prompture_scaffold.catalogue.facts import BY_ID, BY_NPM, fact_for
from prompture_scaffold.catalogue.url_template import is_template, own_name, variables
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.patterns import URL_RE
from prompture_scaffold.plan.planner import plan_add
from prompture_scaffold.spec.build import Request, build_spec
from prompture_scaffold.spec.validate import validate
from prompture_scaffold.spec.wires import WIRES

#: SDK packages the table leaves out on purpose: the generic wires, and Google's Gemini API
#: (every checkout ships a google driver of its own).
GENERIC = {"@ai-sdk/openai-compatible", "@ai-sdk/anthropic", "@ai-sdk/google"}
CLOUDFLARE = "https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1"


def spec_of(catalogue_id: str, **answers):
    request = Request(from_models_dev=catalogue_id, answers=answers)
    return build_spec(request, taken_classes={"VertexAnthropicDriver"})


ROWS = {**BY_NPM, **BY_ID}


@pytest.mark.parametrize("key", sorted(ROWS))
def test_every_row_names_its_source_and_a_wire_we_know(key):
    fact = ROWS[key]
    assert fact.wire in WIRES
    assert re.fullmatch(r"https://[\w.-]+/\S*", fact.source)
    url = fact.base_url
    assert not url or (URL_RE.fullmatch(url) and ("$" not in url or is_template(url)))
    assert fact.wire != "custom" or fact.note  # a skeleton says what is missing


def test_every_provider_specific_package_of_the_catalogue_has_a_row():
    packages = {str(e.get("npm")) for e in cat.load().values()} - GENERIC
    assert sorted(p for p in packages if p not in BY_NPM) == []


def test_the_id_row_wins_over_the_package_row():
    entry = {"npm": "@ai-sdk/azure", "models": {}}
    assert "cognitiveservices" in fact_for("azure-cognitive-services", entry).base_url
    assert "openai.azure.com" in fact_for("azure", entry).base_url


@pytest.mark.parametrize(
    ("catalogue_id", "wire", "key"),
    [
        ("cerebras", "openai", "CEREBRAS_API_KEY"),
        ("azure", "azure", "AZURE_API_KEY"),
        ("cohere", "cohere", "COHERE_API_KEY"),
        ("amazon-bedrock", "bedrock", "AWS_BEARER_TOKEN_BEDROCK"),
        ("google-vertex", "vertex-gemini", "GOOGLE_VERTEX_API_KEY"),
        ("cloudflare-workers-ai", "openai", "CLOUDFLARE_API_KEY"),
        ("databricks", "openai", "DATABRICKS_TOKEN"),
        ("gitlab", "custom", "GITLAB_TOKEN"),
        ("perplexity", "responses", "PERPLEXITY_API_KEY"),
        ("perplexity-agent", "responses", "PERPLEXITY_API_KEY"),
    ],
)
def test_the_catalogue_and_the_facts_fill_the_wire_and_the_key(catalogue_id, wire, key):
    spec = spec_of(catalogue_id)
    assert spec.compat == wire
    assert key in spec.api_key_envs  # never a resource name, account id or host


def test_the_vertex_and_bedrock_drivers_build_their_urls_and_sdks_come_from_the_wire():
    assert (spec_of("google-vertex").endpoint, spec_of("amazon-bedrock").endpoint) == ("", "")
    assert spec_of("google-vertex").sdk.startswith("google-genai")
    assert spec_of("google-vertex-anthropic").sdk.startswith("anthropic")
    assert not spec_of("google-vertex-anthropic").json_schema  # the Messages API has none
    assert not spec_of("amazon-bedrock").json_mode  # Converse has no JSON mode


def test_perplexity_speaks_its_dialect_of_the_responses_api():
    """Perplexity's Agent API has no JSON-object mode: JSON mode stays off for its host, on for
    OpenAI's own Responses API."""
    from prompture_scaffold.spec.wires import responses_dialect

    spec = spec_of("perplexity-agent")
    assert spec.endpoint == "https://api.perplexity.ai/v1" and not spec.json_mode
    assert responses_dialect(spec.endpoint) == "perplexity"
    assert responses_dialect("https://api.openai.com/v1") == "openai"


# --- base-URL templates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "var", "own"),
    [
        ("cloudflare_workers_ai", "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_WORKERS_AI_ACCOUNT_ID"),
        ("cloudflare_ai_gateway", "CLOUDFLARE_GATEWAY_ID", "CLOUDFLARE_AI_GATEWAY_ID"),
        ("databricks", "DATABRICKS_HOST", "DATABRICKS_HOST"),
        ("azure", "AZURE_RESOURCE_NAME", "AZURE_RESOURCE_NAME"),
        ("acme", "ACME_API_KEY", "ACME_API_KEY_VALUE"),  # never the key's own setting
    ],
)
def test_each_variable_gets_a_name_of_the_provider(provider, var, own):
    assert own_name(provider, var) == own


def test_a_catalogue_template_reaches_the_spec_with_both_names():
    spec = spec_of("cloudflare-workers-ai")
    assert spec.endpoint == CLOUDFLARE
    names = ("CLOUDFLARE_WORKERS_AI_ACCOUNT_ID", "CLOUDFLARE_ACCOUNT_ID")
    assert spec.endpoint_variables == (("CLOUDFLARE_ACCOUNT_ID", names),)


def test_a_typed_endpoint_holding_a_placeholder_is_still_refused(tmp_path):
    repo = make_scratch(tmp_path / "repo")
    result = run(repo, "add-driver", "acme", "--yes", "--compat", "openai", "--endpoint",
                 CLOUDFLARE, "--default-model", "m", "--no-models-dev")  # fmt: skip
    assert result.exit_code == 2
    assert ".env files expand" in result.output


def test_only_the_placeholder_shape_the_driver_fills_in_passes_as_a_template():
    assert is_template(CLOUDFLARE)
    assert not is_template("https://x.test/${lower}/v1")
    assert not is_template("https://x.test/$HOME/v1")
    with pytest.raises(InvalidInput):
        validate(dataclasses.replace(ACME, endpoint="https://x.test/${lower}/v1"))


def test_the_settings_hold_each_variable_under_both_names(tmp_path):
    spec = spec_of("cloudflare-workers-ai")
    layout = make_layout(tmp_path)
    settings = planned(spec, layout, "prompture/settings.py")
    assert "cloudflare_workers_ai_account_id: str | None = Field(" in settings
    block = settings.split("cloudflare_workers_ai_account_id", 1)[1].split(")\n", 2)
    assert '"CLOUDFLARE_WORKERS_AI_ACCOUNT_ID",' in block[0] + block[1]
    assert '"CLOUDFLARE_ACCOUNT_ID",' in block[0] + block[1]
    driver = planned(spec, layout, "prompture/drivers/cloudflare_workers_ai_driver.py")
    assert '"CLOUDFLARE_ACCOUNT_ID": (' in driver and "endpoint_variables = {" in driver


def test_the_env_template_holds_what_a_dotenv_file_can(tmp_path):
    from dotenv import dotenv_values

    spec = spec_of("cloudflare-workers-ai")
    text = planned(spec, make_layout(tmp_path), ".env.copy")
    values = dotenv_values(stream=io.StringIO(text))
    assert values["CLOUDFLARE_WORKERS_AI_ACCOUNT_ID"] == ""
    assert values["CLOUDFLARE_WORKERS_AI_ENDPOINT"] == ""  # empty: the driver's template
    assert "${" not in text and "<CLOUDFLARE_WORKERS_AI_ACCOUNT_ID>" in text


# --- checkouts without the runtime's bases ---------------------------------------------------


def test_a_service_wire_without_its_base_gets_the_skeleton_and_a_note(tmp_path):
    layout = acmelib(tmp_path)
    spec = dataclasses.replace(ACME, compat="azure", endpoint="https://${ACME_RESOURCE}.test")
    plan = plan_add(spec, layout)
    notes = " ".join(plan.notes)
    assert "has no AzureOpenAIDriver to subclass" in notes
    assert "do not fill in URL templates" in notes and "ACME_ENDPOINT" in notes
    driver = next(c.after for c in plan.changes if c.path.endswith("acme_driver.py"))
    assert "def _parse_response" in driver  # the custom skeleton's fill-in method


def test_a_provider_nothing_serves_gets_the_skeleton_with_the_facts_note(tmp_path):
    repo = make_scratch(tmp_path / "repo")
    result = run(repo, "add-driver", "sap_ai_core", "--from-models-dev", "sap-ai-core", "--yes")
    assert result.exit_code == 0, result.output
    assert "AICORE_SERVICE_KEY" in result.output and "help.sap.com" in result.output


def make_layout(tmp_path):
    from prompture_scaffold.checkout import discover

    return discover(make_scratch(tmp_path / "repo"))


def planned(spec, layout, relative: str) -> str:
    plan = plan_add(spec, layout)
    return next(c.after for c in plan.changes if c.path == relative)


def test_variables_pairs_each_placeholder_once():
    url = "https://${A_HOST}/x/${A_HOST}/${B_ID}"
    assert variables("acme", url) == (("A_HOST", ("ACME_A_HOST", "A_HOST")),
                                      ("B_ID", ("ACME_B_ID", "B_ID")))  # fmt: skip


def test_add_again_changes_nothing_and_remove_restores_every_byte(tmp_path):
    from _scratch import fingerprint

    repo = make_scratch(tmp_path / "repo")
    before = fingerprint(repo)
    ids = (
        "cloudflare-workers-ai",
        "azure-cognitive-services",
        "google-vertex-anthropic",
        "amazon-bedrock",
    )
    for cid in ids:
        added = run(repo, "add-driver", cid.replace("-", "_"), "--from-models-dev", cid, "--yes")
        assert added.exit_code == 0, added.output
    for cid in ids:  # a renamed class (GoogleVertexAnthropic) included
        again = run(repo, "add-driver", cid.replace("-", "_"), "--from-models-dev", cid, "--yes")
        assert again.exit_code == 0 and "nothing to change" in again.output, again.output
    for cid in ids:
        removed = run(repo, "remove-driver", cid.replace("-", "_"), "--yes")
        assert removed.exit_code == 0, removed.output
    assert fingerprint(repo) == before
