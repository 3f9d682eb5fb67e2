"""The real `prompture add-driver` wizard in a pseudo-terminal (pexpect), on scratch checkouts.

Each test spawns `python -m prompture_scaffold.cli add-driver --repo SCRATCH` on a terminal,
answers its questions as a person would, and checks the tree afterwards. Colour and paging
are off (`NO_COLOR`, `PROMPTURE_NO_PAGER`).

Two kinds of terminal: `TERM=dumb` gets the one-line prompts, each matched on its own stable
text at the start of a line; `TERM=xterm` (`keys=True`) gets the keyboard prompts (arrow keys,
type-to-filter, checkboxes, completion). Those redraw with escapes, so a test waits for the
footer a prompt draws last (its keys) before pressing any, and reads the answers from the
transcript with the escapes removed. No test sleeps: every step waits for the text it needs.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from _scratch import fingerprint, make_scratch

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 30  # seconds per expectation: generous for a loaded CI machine
CONFIRM = r"(?m)^\? Write these changes\? \[y/n/e/q\]: "
QUESTION = r"(?m)^\? (?!Write these changes)[^\r\n]*: "
ENV = {
    "PROMPTURE_OFFLINE": "1",
    "PROMPTURE_NO_PAGER": "1",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "120",
    "LINES": "40",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@pytest.fixture
def repo(tmp_path) -> Path:
    return make_scratch(tmp_path / "repo")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


#: What a terminal that takes keys adds (prompt_toolkit asks no cursor position: pexpect
#: would not answer).
KEYS_ENV = {"TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")
DOWN, UP = "\x1b[B", "\x1b[A"
LIST_READY = "type to filter · Enter choose"
CHECKS_READY = "Space tick · a all/none"
TEXT_READY = "Enter accept"


def spawn(repo: Path, *, paging: bool = False, keys: bool = False):
    """`prompture add-driver` on a fresh pseudo-terminal, its transcript kept in `.log`."""
    env = {**os.environ, **ENV, **(KEYS_ENV if keys else {})}
    if paging:
        env.pop("PROMPTURE_NO_PAGER")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "prompture_scaffold.cli", "add-driver", "--repo", str(repo)],
        env=env,
        cwd=str(repo),
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 120),
        # As on a terminal: a runner started in the background of a script (`cmd &`) ignores
        # SIGINT, the child would inherit that, and Ctrl-C would never reach it.
        preexec_fn=_default_sigint,
    )
    child.log = []
    child.logfile_read = _Log(child.log)
    return child


class _Log:
    def __init__(self, parts: list[str]) -> None:
        self.parts = parts

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass


def transcript(child) -> str:
    return "".join(child.log)


def screen_text(child) -> str:
    """The transcript without terminal escapes and carriage returns."""
    return ESCAPE.sub("", transcript(child)).replace("\r", "")


def at(child, label: str, ready: str = LIST_READY) -> None:
    """Wait until the list `label` is drawn down to its footer `ready`."""
    child.expect_exact(label)
    child.expect_exact(ready)


def at_text(child, label: str) -> None:
    """Wait until the text prompt `label` is drawn: its keys line, then the question."""
    child.expect_exact(TEXT_READY)
    child.expect_exact(label)


def answer(child, label: str, text: str) -> None:
    """Wait for the question starting with `label`, then type `text` and Enter."""
    child.expect(rf"(?m)^\? {re.escape(label)}[^\r\n]*: ")
    child.sendline(text)


def enter_until_confirmation(child, limit: int = 40) -> list[str]:
    """Enter at every question until the confirmation; the questions asked."""
    asked = []
    for _ in range(limit):
        if child.expect([CONFIRM, QUESTION]) == 0:
            return asked
        asked.append(child.after.strip())
        child.sendline("")
    raise AssertionError(f"no confirmation after {limit} questions:\n{transcript(child)}")


def finish(child) -> int:
    """The exit status once the process has ended."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def registry_check(repo: Path, provider: str, sync_class: str) -> None:
    code = (
        f"from prompture.drivers import {sync_class}, Async{sync_class}, get_driver_for_model, "
        "get_async_driver_for_model\n"
        f"assert type(get_driver_for_model('{provider}/x')) is {sync_class}\n"
        f"assert type(get_async_driver_for_model('{provider}/x')) is Async{sync_class}\n"
    )
    env = {**os.environ, **ENV, "PYTHONPATH": str(repo), f"{provider.upper()}_API_KEY": "k"}
    done = subprocess.run([sys.executable, "-c", code], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_catalogue_provider_taken_with_enter_everywhere(repo):
    """The issue's own keystrokes: `deepseek`, Enter at every question, `y` at the end.

    Paging is on: the diff is longer than the 40-line terminal, and each page break is a
    question that Enter answers too.
    """
    child = spawn(repo, paging=True)
    answer(child, "Provider", "deepseek")
    asked = enter_until_confirmation(child)
    wires = "openai/anthropic/custom/azure/cohere/vertex-gemini/vertex-anthropic/bedrock/responses"
    assert any(q.startswith(f"? Wire format [{wires}] (openai)") for q in asked)
    assert any(q.startswith("? Endpoint (https://api.deepseek.com)") for q in asked)
    assert any(q.startswith("? More of the change") for q in asked)
    child.sendline("y")
    assert finish(child) == 0, transcript(child)
    assert "created   prompture/drivers/deepseek_driver.py" in transcript(child)
    assert (repo / "prompture/drivers/async_deepseek_driver.py").exists()
    assert (repo / "tests/test_deepseek_driver.py").exists()
    registry_check(repo, "deepseek", "DeepSeekDriver")


def test_a_custom_provider_typed_in_full(repo):
    child = spawn(repo)
    answer(child, "Provider", "acmecorp")
    child.expect("acmecorp is not in the models.dev catalogue")
    for label, text in [("Wire format", "openai"), ("SDK", ""), ("Auth", "api-key"),
                        ("API key variable", "ACME_KEY"), ("Endpoint", "http://127.0.0.1:9/v1"),
                        ("Default model", "acme-1"), ("models.dev id", "-"),
                        ("Capabilities", "json_mode, streaming, tool_use")]:  # fmt: skip
        answer(child, label, text)
    child.expect(CONFIRM)
    child.sendline("y")
    assert finish(child) == 0, transcript(child)
    settings = (repo / "prompture/settings.py").read_text()
    assert "http://127.0.0.1:9/v1" in settings and "acme-1" in settings
    assert "ACME_KEY" in (repo / "prompture/drivers/acmecorp_driver.py").read_text()


def test_a_bad_answer_is_asked_again_with_the_reason(repo):
    before = fingerprint(repo)
    child = spawn(repo)
    answer(child, "Provider", "Bad Name")
    child.expect(r"✗ 'Bad Name' must match")
    answer(child, "Provider", "acmecorp")
    answer(child, "Wire format", "soap")
    child.expect(r"✗ 'soap' is not one of openai, anthropic, custom")
    answer(child, "Wire format", "<")  # back: the provider question again, with its answer
    child.expect(r"(?m)^\? Provider \(acmecorp\): ")
    child.sendeof()
    assert finish(child) == 130
    assert "aborted: nothing written" in transcript(child)
    assert fingerprint(repo) == before


def test_no_at_the_confirmation_then_a_new_default_model(repo):
    child = spawn(repo)
    answer(child, "Provider", "deepseek")
    enter_until_confirmation(child)
    child.sendline("n")
    answer(child, "Change which answer?", "default_model")
    answer(child, "Default model", "deepseek-chat")
    child.expect(CONFIRM)
    assert "deepseek-chat" in child.before  # the summary and the diff, shown again
    child.sendline("y")
    assert finish(child) == 0, transcript(child)
    assert '"deepseek-chat"' in (repo / "prompture/drivers/deepseek_driver.py").read_text()


@pytest.mark.parametrize("where", ["at a question", "at the confirmation"])
def test_ctrl_c_writes_nothing_and_exits_130(repo, where):
    before = fingerprint(repo)
    child = spawn(repo)
    answer(child, "Provider", "deepseek")
    if where == "at a question":
        answer(child, "Wire format", "")
        child.expect(QUESTION)
    else:
        enter_until_confirmation(child)
    child.sendintr()
    assert finish(child) == 130, transcript(child)
    assert "aborted: nothing written" in transcript(child)
    assert fingerprint(repo) == before


def test_keys_arrows_filter_completion_and_checkboxes_then_next_steps(repo):
    """The issue's done-when in a real terminal: `deeps` completed to `deepseek` with Tab,
    `o` filtering the wire format to openai, capabilities ticked by checkbox, an answer
    changed by arrow keys at the confirmation, then the next steps."""
    child = spawn(repo, keys=True)
    at_text(child, "Provider")
    child.send("deeps")
    child.expect_exact("DeepSeek")  # the completion menu, with the catalogue's name
    child.send("\t\r")
    at(child, "Wire format", LIST_READY)
    child.send("o\r")  # typing filters: `o` leaves openai on top
    for _ in range(40):  # Enter through the questions up to the capabilities
        index = child.expect_exact([CHECKS_READY, LIST_READY, TEXT_READY])
        if index == 0:
            break
        child.send("\r")
    child.send("a")  # tick all (some were ticked by the catalogue)...
    child.send(UP + " ")  # ...then untick the last, reasoning (↑ from the top wraps)
    child.send("\r")
    at(child, "Write these changes", LIST_READY)
    child.send(DOWN + "\r")  # the second entry: change an answer
    at(child, "Change which answer", LIST_READY)
    child.send("default_m\r")
    at_text(child, "Default model")
    child.send("deepseek-chat\r")
    at(child, "Write these changes", LIST_READY)
    child.send("\r")  # yes is highlighted
    assert finish(child) == 0, screen_text(child)
    shown = screen_text(child)
    assert "? Provider: deepseek\n" in shown
    assert "? Wire format: openai\n" in shown
    assert "? Capabilities: json_mode, json_schema, tool_use, streaming, vision\n" in shown
    assert "unchanged since the last review" in shown  # the second review: only what changed
    driver = (repo / "prompture/drivers/deepseek_driver.py").read_text()
    assert "supports_reasoning = False" in driver and "supports_vision = True" in driver
    assert '"deepseek-chat"' in driver
    assert "Next steps:" in shown and "Set DEEPSEEK_API_KEY" in shown
    assert "python -m pytest tests/test_deepseek_driver.py" in shown
    assert re.search(r"prompture add-driver deepseek .*--verify", shown)
    registry_check(repo, "deepseek", "DeepSeekDriver")


@pytest.mark.parametrize("where", ["in a list", "in a text prompt"])
def test_keys_back_then_ctrl_c_writes_nothing(repo, where):
    before = fingerprint(repo)
    child = spawn(repo, keys=True)
    at_text(child, "Provider")
    child.send("acmecorp\r")
    child.expect_exact("acmecorp is not in the models.dev catalogue")
    at(child, "Wire format", "Enter choose · < back")
    if where == "in a text prompt":
        child.send("\r")
        child.expect_exact("< back (on an empty line)")
        child.expect_exact("SDK")
    child.send("<")  # back at once: the question before, its answer now the default
    if where == "in a text prompt":
        at(child, "Wire format")
    else:
        at_text(child, "(acmecorp):")  # the provider question, its answer the default
    child.sendintr()
    assert finish(child) == 130, screen_text(child)
    assert "aborted: nothing written" in screen_text(child)
    assert fingerprint(repo) == before
