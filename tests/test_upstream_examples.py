"""`scripts/run_upstream_examples.py` over example-shaped programs written for this test.

Upstream's own examples are not in this repository (the script reads them from a checkout);
these snippets use the API the way they do: upstream model strings, upstream `.env` names,
result attributes, the field registry, a conversation with tools, Azure and CachiBot.
"""

from __future__ import annotations

import importlib.util
import textwrap
from contextlib import ExitStack
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "run_upstream_examples.py"

SNIPPETS = {
    "ollama_example.py": """
        from prompture import extract_and_jsonify

        schema = {"type": "object", "properties": {"name": {"type": "string"}},
                  "required": ["name"]}
        result = extract_and_jsonify("Juan is 28.", schema, model_name="ollama/llama3.1:8b")
        print(result["json_object"], result["usage"]["total_tokens"])
    """,
    "registry_example.py": """
        from datetime import datetime

        from pydantic import BaseModel
        from prompture import extract_with_model, field_from_registry, register_field

        register_field("product", {"type": str, "description": "Product name.", "default": ""})

        class Order(BaseModel):
            product: str = field_from_registry("product")
            priority: str = field_from_registry("priority")
            placed: datetime

        result = extract_with_model(
            Order, "Two chairs, urgent.", "lmstudio/deepseek/deepseek-r1-0528-qwen3-8b"
        )
        print(result.model.product, result.model.priority, result.usage["cost"])
    """,
    "tools_example.py": """
        from prompture import Conversation, ToolRegistry

        tools = ToolRegistry()

        @tools.tool
        def add(a: int, b: int) -> int:
            \"\"\"Add two numbers.\"\"\"
            return a + b

        conv = Conversation("moonshot/kimi-k2.5", system_prompt="Be brief.", tools=tools)
        print(conv.ask("What is 2 + 3?"), conv.usage_summary())
        assert any("tool_calls" in message for message in conv.messages)
    """,
    "proxies_example.py": """
        from prompture import extract_and_jsonify

        schema = {"type": "object", "properties": {"city": {"type": "string"}},
                  "required": ["city"]}
        for model in ("azure/gpt-4", "cachibot/groq/llama-3.3-70b-versatile"):
            result = extract_and_jsonify("Lives in Lyon.", schema, model_name=model)
            assert result["usage"]["cost"] > 0, result["usage"]
            print(model, result["json_object"]["city"], result["usage"]["model_name"])
    """,
    "agent_example.py": """
        from prompture import Agent
    """,
    "caught_failure_example.py": """
        from prompture import extract_and_jsonify

        try:
            extract_and_jsonify("x", {"type": "object"}, model_name="mistral/mistral-large")
        except Exception as e:
            print(f"Error with Mistral: {e}")
    """,
}


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("run_upstream_examples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def examples(tmp_path):
    for name, code in SNIPPETS.items():
        (tmp_path / name).write_text(textwrap.dedent(code))
    return tmp_path


def test_only_core_api_examples_qualify(runner, examples):
    qualifying = {
        path.name
        for path in examples.glob("*.py")
        if not runner.out_of_scope(runner.prompture_imports(path))
    }
    assert "agent_example.py" not in qualifying
    assert runner.out_of_scope(runner.prompture_imports(examples / "agent_example.py")) == [
        "prompture:Agent"
    ]
    assert {"ollama_example.py", "registry_example.py", "tools_example.py"} <= qualifying
    assert "proxies_example.py" in qualifying


def test_examples_run_unchanged_against_the_local_servers(runner, examples):
    with ExitStack() as stack:
        env = {**runner.os.environ, **runner.server_environment(stack)}
        assert env["OLLAMA_ENDPOINT"].endswith("/api/generate")
        outcomes = {
            name: runner.run_example(examples / name, env, timeout=120)
            for name in (
                "ollama_example.py",
                "registry_example.py",
                "tools_example.py",
                "proxies_example.py",
            )
        }
    failed = {name: tail for name, (ok, _, tail) in outcomes.items() if not ok}
    assert failed == {}
    # Azure through upstream's AZURE_* names (a server checking the key), CachiBot through
    # ours; each priced as the model it names, the schema's field filled in.
    assert "azure/gpt-4 x azure/gpt-4" in outcomes["proxies_example.py"][2]
    # The server calls the tool with placeholder arguments (1 and 1) and echoes its result.
    assert "The tool said: 2" in outcomes["tools_example.py"][2]


def test_a_failure_the_example_catches_still_counts_as_a_failure(runner, examples):
    with ExitStack() as stack:
        env = {**runner.os.environ, **runner.server_environment(stack)}
        ok, _, tail = runner.run_example(examples / "caught_failure_example.py", env, 120)
    assert not ok and "Error with Mistral" in tail
