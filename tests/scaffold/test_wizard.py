"""The `add-driver` wizard in-process: questions, validation, back, review, quit, abort.

Input comes from a `StringIO` (one line per answer), output goes to a plain rich `Console`;
`make` builds the spec with `build_spec` over a tiny catalogue and plans one fake file, so
these tests run in milliseconds. `test_wizard_pty.py` drives the real command in a terminal.
"""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from prompture_scaffold.errors import Aborted, InvalidInput
from prompture_scaffold.plan.changeset import FileChange, Plan
from prompture_scaffold.spec.build import Request, build_spec
from prompture_scaffold.wizard import Quit, Wizard
from prompture_scaffold.wizard import review as wizard_review
from prompture_scaffold.wizard.prompt import Asker

CATALOGUE = {
    "acme-ai": {
        "id": "acme-ai",
        "name": "Acme AI",
        "npm": "@ai-sdk/openai-compatible",
        "api": "https://api.acme.test/v1",
        "env": ["ACME_TOKEN"],
        "models": {
            "acme-large": {"release_date": "2025-06-01", "tool_call": True, "reasoning": True},
            "acme-small": {"release_date": "2024-01-01", "tool_call": True},
        },
    },
}
QUESTION = re.compile(r"^\? (.*?)(?: \((.*)\))?: ", re.M)
CUSTOM = ["acmecorp", "openai", "", "", "", "http://127.0.0.1:9/v1", "acme-1", "", ""]


class Run:
    """One wizard run: its output, the questions asked, and the spec it settled on."""

    def __init__(self, lines, request=None, *, taken=(), existing=(), ask=(), review=True,
                 catalogue=CATALOGUE):  # fmt: skip
        self.catalogue = catalogue
        self.out = io.StringIO()
        console = Console(file=self.out, width=200, color_system=None, highlight=False)
        stream = io.StringIO("".join(f"{line}\n" for line in lines))
        self.wizard = Wizard(
            request or Request(), console=console, stream=stream, existing=existing,
            ask_fields=ask, load_catalogue=lambda: catalogue, review=review,
        )  # fmt: skip
        self.taken, self.makes = set(taken), 0

    def make(self, request, ask_missing):
        self.makes += 1
        spec = build_spec(request, taken_classes=self.taken, load_catalogue=lambda: self.catalogue,
                          ask_missing=ask_missing)  # fmt: skip
        content = f"MODEL = {spec.default_model!r}\n"
        change = FileChange(f"drivers/{spec.provider}.py", None, content)
        return spec, Plan((change,))

    def __call__(self):
        self.spec, self.plan, self.confirmed = self.wizard.run(self.make)
        return self

    @property
    def text(self) -> str:
        return self.out.getvalue()

    @property
    def asked(self) -> list[tuple[str, str | None]]:
        return QUESTION.findall(self.text)


def wizard(lines, request=None, **kwargs) -> Run:
    return Run([*lines, "y"], request, **kwargs)()


def labels(run: Run) -> list[str]:
    return [label.split(" [")[0] for label, _ in run.asked]


def test_a_catalogue_provider_needs_only_enter():
    run = wizard(["acme-ai", "", "", "", "", "", "", "", ""])
    spec = run.spec
    assert (spec.provider, spec.models_dev_name, spec.compat) == ("acme_ai", "acme-ai", "openai")
    assert spec.endpoint == "https://api.acme.test/v1" and spec.default_model == "acme-large"
    assert spec.tool_use and spec.reasoning and not spec.vision and run.confirmed
    assert labels(run) == ["Provider", "Wire format", "SDK", "Auth", "API key variable",
                           "Endpoint", "Default model", "models.dev id", "Capabilities",
                           "Write these changes?"]  # fmt: skip
    assert ("Default model", "acme-large") in run.asked
    assert "Acme AI is in the models.dev catalogue" in run.text
    assert "+MODEL = 'acme-large'" in run.text  # the diff, before the confirmation
    assert re.search(r"default_model\s*│\s*acme-large\s*│\s*models\.dev", run.text)


def test_a_close_name_is_offered_as_the_default_and_can_be_refused():
    assert wizard(["acmeai", "", *[""] * 8]).spec.provider == "acme_ai"
    run = wizard(["acmeai", "acmeai", "openai", "", "", "", "https://a.test", "m1", "", ""])
    assert "did you mean 'acme-ai'?" in run.text
    assert (run.spec.provider, run.spec.models_dev_name) == ("acmeai", None)


def test_a_custom_provider_typed_in_full():
    run = wizard(CUSTOM)
    spec = run.spec
    assert (spec.provider, spec.compat, spec.sdk, spec.auth) == ("acmecorp", "openai",
                                                                 "requests", "api-key")  # fmt: skip
    assert (spec.endpoint, spec.default_model) == ("http://127.0.0.1:9/v1", "acme-1")
    assert spec.api_key_env == "ACMECORP_API_KEY" and spec.models_dev_name is None
    assert "not in the models.dev catalogue" in run.text


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (["Bad Name"], "must match ^[a-z][a-z0-9_]{0,39}$"),
        (["class"], "is a Python keyword"),
        (["zai"], "already has a driver"),
        (["acmecorp", "soap"], "'soap' is not one of openai, anthropic, custom"),
        (["acmecorp", ""], "'' is not one of"),
        (["acmecorp", "openai", "acme sdk!"], "is not a PEP 508 requirement"),
        (["acmecorp", "openai", "", "", "lower"], "must be an environment variable NAME"),
        (["acmecorp", "openai", "", "", "", "ftp://x"], "must be an http:// or https:// URL"),
        (["acmecorp", "openai", "", "", "", "http://h", "a b"], "without whitespace or quotes"),
        (["acmecorp", "openai", "", "", "", "http://h", "m", "nope"], "not a models.dev provider"),
        (["acmecorp", "openai", "", "", "", "http://h", "m", "", "telepathy"], "unknown 'tel"),
    ],
)
def test_a_bad_answer_is_refused_with_the_reason_and_asked_again(bad, why):
    good = dict(enumerate(CUSTOM))
    good[1], good[5], good[6] = "openai", "http://h", "m"
    answers = [*bad, *[good[i] for i in range(len(bad) - 1, len(CUSTOM))]]
    run = wizard(answers, existing={"zai"})
    assert any(why in line for line in run.text.splitlines() if line.startswith("  ✗ "))
    asked = labels(run)
    assert asked[len(bad) - 1] == asked[len(bad)]  # the same question again
    assert run.spec.provider == "acmecorp"


def test_back_goes_to_the_previous_question_and_typed_answers_stick():
    lines = ["acme-ai", "", "", "", "", "http://typed.test", "<", "<", "", "", "m9", "", ""]
    run = wizard(lines)
    asked = labels(run)
    assert asked[5:9] == ["Endpoint", "Default model", "Endpoint", "API key variable"]
    assert ("Endpoint", "http://typed.test") in run.asked[7:]  # the typed value is the default
    assert (run.spec.endpoint, run.spec.default_model) == ("http://typed.test", "m9")
    first = Run(["<", "acme-ai", *[""] * 8, "y"])()
    assert "this is the first question" in first.text and first.spec.provider == "acme_ai"


def test_a_new_provider_drops_the_defaults_accepted_for_the_old_one():
    lines = ["acme-ai", "", "", "", "", "", "", "", "", "n", "provider", "acmecorp", "openai",
             "", "", "", "http://h.test", "m1", "", ""]  # fmt: skip
    run = wizard(lines)
    assert (run.spec.provider, run.spec.endpoint) == ("acmecorp", "http://h.test")
    assert run.spec.models_dev_name is None and run.spec.api_key_env == "ACMECORP_API_KEY"


def test_given_values_are_not_asked_unless_named_by_ask():
    request = Request(answers={"compat": "openai", "default_model": "given-1"})
    run = wizard(["acmecorp", "", "", "", "http://h", "", ""], request)
    assert "Wire format" not in labels(run) and "Default model" not in labels(run)
    assert run.spec.default_model == "given-1"
    run = wizard(["acmecorp", "", "", "", "http://h", "asked-2", "", ""], request,
                 ask=("default_model",))  # fmt: skip
    assert ("Default model", "given-1") in run.asked and run.spec.default_model == "asked-2"


def test_ask_alone_asks_only_that_field_then_reviews():
    request = Request("acme_ai", from_models_dev="acme-ai")
    run = wizard(["acme-small"], request, ask=("default_model",))
    assert labels(run) == ["Default model", "Write these changes?"]
    assert run.spec.default_model == "acme-small" and run.confirmed
    run = wizard(["n"], request, ask=("vision",))
    assert labels(run)[0] == "Supports vision?" and not run.spec.vision


def test_nothing_to_ask_leaves_the_confirmation_to_the_caller():
    run = Run([], Request("acme_ai", from_models_dev="acme-ai"))()
    assert not run.confirmed and run.text == "" and run.spec.provider == "acme_ai"


def test_no_at_the_confirmation_changes_an_answer_and_shows_the_diff_again():
    run = wizard([*CUSTOM, "n", "11", "acme-2"])
    assert run.spec.default_model == "acme-2" and run.makes == 2
    assert run.text.count("+MODEL = 'acme-1'") == 1 and "+MODEL = 'acme-2'" in run.text
    run = wizard([*CUSTOM, "e", "what", "99", "<", "e", "capabilities", "vision, tool_use"])
    assert "pick 1-16 or one of: provider" in run.text
    assert run.spec.vision and run.spec.tool_use and not run.spec.streaming
    run = wizard([*CUSTOM, "e", "lazy", "sdk", "acme-sdk", "2.1", "n"])
    assert "lazy does not apply" in run.text
    assert run.spec.sdk == "acme-sdk>=2.1" and run.spec.lazy is False


def test_a_third_party_sdk_asks_its_version_and_import_style():
    lines = ["acmecorp", "custom", "acme-sdk[fast]>=1.0", "", "", "", "", "m1", "", "-"]
    run = wizard(lines)
    assert ("SDK version", ">=1.0") in run.asked and ("Import the SDK lazily? [y/n]", "y")
    assert run.spec.sdk == "acme-sdk[fast]>=1.0" and run.spec.lazy
    assert not any(getattr(run.spec, c) for c in ("json_mode", "streaming", "tool_use"))


def test_q_quits_and_eof_or_ctrl_c_abort():
    run = Run([*CUSTOM, "maybe", "d", "q"])
    with pytest.raises(Quit):
        run()
    assert "✗ answer y, n, e or q" in run.text and run.text.count("+MODEL = 'acme-1'") == 2
    with pytest.raises(Aborted):
        Run(["acmecorp", "openai"])()


def test_a_derived_class_name_that_clashes_is_derived_anew_in_the_wizard_too():
    run = wizard([*CUSTOM], taken={"AcmecorpDriver"})
    assert run.spec.class_name == "Acmecorp2" and run.makes == 1


def test_flag_errors_before_any_question_are_raised():
    with pytest.raises(InvalidInput, match="--models-dev-name"):
        Run([], Request(answers={"models_dev_name": "nope"}))()


def test_a_dry_run_asks_but_does_not_review():
    run = Run(CUSTOM, review=False)()
    assert not run.confirmed and "Write these changes" not in run.text


def _paging_asker(answers: str) -> tuple[Asker, io.StringIO]:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, height=10, width=80, color_system=None)
    return Asker(console, io.StringIO(answers)), out


def test_long_diffs_are_paged_with_enter_for_the_next_page(monkeypatch):
    monkeypatch.delenv("PROMPTURE_NO_PAGER", raising=False)
    asker, out = _paging_asker("\n" * 10)
    wizard_review.show_diff(asker, "".join(f"+line {n}\n" for n in range(30)))
    text = out.getvalue()
    assert "+line 0" in text and "+line 29" in text
    assert text.count("? More of the change") == 4  # 30 lines, 7 a page
    assert text.index("+line 6") < text.index("? More") < text.index("+line 7")


def test_any_other_answer_skips_the_rest_of_the_diff(monkeypatch):
    monkeypatch.delenv("PROMPTURE_NO_PAGER", raising=False)
    asker, out = _paging_asker("s\n")
    wizard_review.show_diff(asker, "".join(f"+line {n}\n" for n in range(30)))
    assert "+line 6" in out.getvalue() and "+line 7" not in out.getvalue()


def test_no_paging_when_told_not_to_or_not_a_terminal(monkeypatch):
    monkeypatch.setenv("PROMPTURE_NO_PAGER", "1")
    asker, out = _paging_asker("")
    wizard_review.show_diff(asker, "".join(f"+line {n}\n" for n in range(30)))
    assert "+line 29" in out.getvalue() and "? More" not in out.getvalue()
    monkeypatch.delenv("PROMPTURE_NO_PAGER")
    assert not wizard_review.should_page(Console(file=io.StringIO(), height=10), 30)


@pytest.fixture
def terminal_repo(tmp_path, monkeypatch):
    from _scratch import make_scratch

    from prompture_scaffold.commands import _common

    monkeypatch.setattr(_common, "stdin_is_terminal", lambda: True)
    monkeypatch.setenv("PROMPTURE_NO_PAGER", "1")
    return make_scratch(tmp_path / "repo")


@pytest.mark.parametrize(
    ("answers", "code", "message"),
    [("q\n", 0, "nothing written"), ("", 130, "aborted: nothing written")],
)
def test_the_command_quits_or_aborts_without_writing(terminal_repo, answers, code, message):
    from _scratch import fingerprint
    from typer.testing import CliRunner

    from prompture_scaffold.cli import app

    before = fingerprint(terminal_repo)
    lines = "acmecorp\nopenai\n\n\n\nhttp://127.0.0.1:9/v1\nacme-1\n\n\n" + answers
    args = ["add-driver", "--repo", str(terminal_repo)]
    result = CliRunner().invoke(app, args, input=lines)
    assert result.exit_code == code and message in result.stderr
    assert "Write these changes?" in result.stdout and "diff --git" in result.stdout
    assert fingerprint(terminal_repo) == before


def test_a_provider_given_as_argument_can_still_be_changed_at_the_confirmation():
    request = Request("acmecorp", answers={"compat": "openai"})
    run = wizard(["", "", "", "http://h", "m1", "", "", "e", "1", "acme-ai", *[""] * 7], request)
    assert labels(run)[0] == "SDK" and ("Provider", "acmecorp") in run.asked
    assert (run.spec.provider, run.spec.models_dev_name) == ("acme_ai", "acme-ai")
    assert (run.spec.endpoint, run.spec.default_model) == ("http://h", "m1")  # typed: kept
    assert run.spec.auth == "api-key+endpoint" and run.spec.class_name == "AcmeAi"  # followed


def test_a_keyless_auth_for_the_anthropic_wire_is_refused_and_asked_again():
    lines = ["acmecorp", "anthropic", "", "", "", "none", "api-key", "", "http://h", "m", "", ""]
    run = wizard(lines)
    assert "  ✗ --auth none: the Anthropic SDK needs a key" in run.text
    assert (run.spec.compat, run.spec.auth) == ("anthropic", "api-key")


def test_a_checkout_that_cannot_be_edited_is_refused_before_any_question(terminal_repo):
    from _scratch import fingerprint
    from typer.testing import CliRunner

    from prompture_scaffold.cli import app

    settings = terminal_repo / "prompture" / "settings.py"
    settings.write_text(settings.read_text().replace("class Settings(", "class Config("))
    before = fingerprint(terminal_repo)
    result = CliRunner().invoke(app, ["add-driver", "--repo", str(terminal_repo)], input="acme\n")
    assert result.exit_code == 3, result.output
    assert "Settings" in result.stderr
    assert "Provider" not in result.stdout and "?" not in result.stdout  # nothing was asked
    assert fingerprint(terminal_repo) == before


def test_the_start_of_just_one_catalogue_id_is_offered_as_that_id():
    from prompture_scaffold.wizard.provider import closest_id

    catalogue = {"deepseek": {"name": "DeepSeek"}, "deepinfra": {"name": "DeepInfra"}}
    assert closest_id(catalogue, "deeps") == "deepseek"
    assert closest_id(catalogue, "deep") is None  # the start of two: no guess
    assert closest_id(catalogue, "de") is None


def test_a_typed_choice_may_be_the_start_of_one_value():
    run = wizard(["acmecorp", "o", "", "api", "api-key+", "", "http://127.0.0.1:9/v1", "acme-1",
                  "", ""])  # fmt: skip
    assert run.spec.compat == "openai" and run.spec.auth == "api-key+endpoint"
    assert "'api' is not one of api-key, endpoint, api-key+endpoint, none" in run.text


def test_a_provider_family_wire_from_the_catalogue_is_a_choice_the_wizard_accepts():
    catalogue = {
        **CATALOGUE,
        "azure": {
            "id": "azure", "name": "Azure", "npm": "@ai-sdk/azure",
            "env": ["AZURE_RESOURCE_NAME", "AZURE_API_KEY"],
            "models": {"gpt-4o": {"release_date": "2024-05-13", "tool_call": True}},
        },
    }  # fmt: skip
    run = Run(["azure", *[""] * 9, "y"], catalogue=catalogue)()
    spec = run.spec
    assert spec.compat == "azure" and run.confirmed
    assert "is not one of" not in run.text
    assert "Wire format [openai/anthropic/custom/azure/cohere/vertex-gemini" in run.text
