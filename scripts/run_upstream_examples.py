"""Run upstream Prompture's examples, unchanged, against this package and local servers.

    python scripts/run_upstream_examples.py PATH/TO/upstream/examples [--timeout 90] [-v]

An example qualifies when everything it imports from Prompture is top-level API that this
package implements as upstream's core API (`CORE_API`): extraction, the field registry,
conversations, tools, images and the registry. Agents, RAG, media generation and the like are
out of scope and their examples are listed as skipped, with the names that rule them out.

Each qualifying example runs in its own process, in its own directory (so the files it reads
are found), with upstream's environment variable names pointed at local servers from
`prompture.testing`: an OpenAI-compatible one (OpenAI, LM Studio, Moonshot, Z.ai, ModelScope,
OpenRouter, Grok, CachiBot), Groq's, Anthropic's, Gemini's, Ollama's and Azure OpenAI's (which
checks the key, reached through upstream's ``AZURE_API_ENDPOINT``, ``AZURE_DEPLOYMENT_ID`` and
``AZURE_API_VERSION``). Some endpoints are given the way upstream's `.env` writes them
(``.../api/generate``, ``.../v1/chat/completions``). Nothing reaches the network. Upstream's
code is read from PATH, never copied into this repository.

The OpenAI-compatible servers answer a JSON schema written into the prompt (where a model gets
no native schema, e.g. reasoning models) with a valid instance, as a model following the
prompt would; otherwise they answer as `prompture.testing` always does.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from prompture import ExtractionError, clean_json_text
from prompture.testing import (
    AnthropicServer,
    AzureOpenAIServer,
    GeminiServer,
    GroqServer,
    OllamaServer,
    OpenAICompatServer,
)
from prompture.testing._fake_values import schema_instance
from prompture.testing._openai_format import message_text

#: Upstream's core API, as implemented here (item 1 of issue 11).
CORE_API = frozenset(
    {
        "extract_and_jsonify",
        "ask_for_json",
        "extract_with_model",
        "stepwise_extract_with_model",
        "extract_with_models",
        "manual_extract_and_jsonify",
        "clean_json_text",
        "render_output",
        "field_from_registry",
        "register_field",
        "add_field_definition",
        "add_field_definitions",
        "get_field_definition",
        "get_field_names",
        "get_required_fields",
        "validate_enum_value",
        "normalize_enum_value",
        "Conversation",
        "AsyncConversation",
        "ToolRegistry",
        "make_image",
        "get_driver_for_model",
        "get_async_driver_for_model",
    }
)
KEY = "local-test-key"
#: The one Azure deployment every ``azure/...`` model reaches (upstream's AZURE_DEPLOYMENT_ID).
AZURE_DEPLOYMENT = "examples-deployment"


#: Output lines that show an example caught a failure and went on (exit status 0 regardless).
FAILURE_SIGNS = re.compile(r"Traceback \(most recent call last\)|^\s*(Error\b.*:|✗ |❌)")
#: Values for string formats (`schema_instance` gives "x", which a date field refuses).
FORMATS = {
    "date-time": "2024-05-17T09:30:00",
    "date": "2024-05-17",
    "time": "09:30:00",
    "email": "someone@example.com",
    "uri": "https://example.com/",
    "uuid": "12345678-1234-5678-1234-567812345678",
}


class _PromptReader:
    """Mixin for a chat server answering like a model that follows its prompt.

    A JSON schema, sent natively or written into the prompt, gets a valid instance (string
    formats included).
    """

    def _chat(self, body):
        schema = _wanted_schema(body) if isinstance(body, dict) and not body.get("tools") else None
        if schema is not None:
            self.script(json.dumps(_instance(schema)))
        return super()._chat(body)


class PromptReadingServer(_PromptReader, OpenAICompatServer):
    pass


class PromptReadingGroqServer(_PromptReader, GroqServer):
    pass


class PromptReadingAzureServer(_PromptReader, AzureOpenAIServer):
    pass


def _instance(schema: dict) -> object:
    value = schema_instance(schema)
    _fill_formats(schema, value, schema)
    return value


def _fill_formats(schema: dict, value: object, root: dict) -> None:
    """Give string properties with a known ``format`` a value of that format (in place)."""
    if isinstance(schema, dict) and "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target.get(part, {})
        schema = target
    if not isinstance(schema, dict) or not isinstance(value, dict | list):
        return
    if isinstance(value, list):
        for item in value:
            _fill_formats(schema.get("items") or {}, item, root)
        return
    for name, sub in (schema.get("properties") or {}).items():
        branches = [sub, *(sub.get("anyOf") or [])] if isinstance(sub, dict) else []
        fmt = next((b["format"] for b in branches if b.get("format") in FORMATS), None)
        if fmt and name in value:
            value[name] = FORMATS[fmt]
        elif name in value:
            for branch in branches:
                _fill_formats(branch, value[name], root)


class PromptReadingOllamaServer(_PromptReader, OllamaServer):
    pass


def _wanted_schema(body: dict) -> dict | None:
    """The schema sent natively (OpenAI ``response_format``, Ollama ``format``), else one
    written into the prompt (JSON mode, ``{"type": "json_object"}``, carries none)."""
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        wanted = (response_format.get("json_schema") or {}).get("schema")
        return wanted if isinstance(wanted, dict) else None
    if isinstance(body.get("format"), dict):
        return body["format"]
    users = [m for m in body.get("messages") or [] if m.get("role") == "user"]
    text = message_text(users[-1].get("content")) if users else ""
    at = text.rfind("schema")
    if at < 0:
        return None
    try:
        value = json.loads(clean_json_text(text[at:], "object"))
    except (ExtractionError, ValueError):
        return None
    is_schema = isinstance(value, dict) and ("properties" in value or "type" in value)
    return value if is_schema else None


def prompture_imports(path: Path) -> set[str]:
    """``module:name`` for every name `path` imports from Prompture (``prompture`` for bare)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("prompture"):
            names.update(f"{node.module}:{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("prompture"))
    return names


def out_of_scope(imports: set[str]) -> list[str]:
    """The imports that keep an example out of the core API (empty: it qualifies)."""
    return sorted(name for name in imports if name.removeprefix("prompture:") not in CORE_API)


def server_environment(stack: ExitStack) -> dict[str, str]:
    """Start one server per wire format; the variables that point every provider at them."""
    compat = stack.enter_context(PromptReadingServer(api_key=None))
    groq = stack.enter_context(PromptReadingGroqServer(api_key=None))
    claude = stack.enter_context(AnthropicServer(api_key=None))
    gemini = stack.enter_context(GeminiServer(api_key=None))
    ollama = stack.enter_context(PromptReadingOllamaServer())
    azure = stack.enter_context(PromptReadingAzureServer(api_key=KEY))
    env = {
        "OPENAI_BASE_URL": compat.url,
        "LMSTUDIO_ENDPOINT": f"{compat.url}/chat/completions",  # as upstream's .env has it
        "MOONSHOT_ENDPOINT": compat.url,
        "ZHIPU_ENDPOINT": compat.url,
        "MODELSCOPE_ENDPOINT": compat.url,
        "OPENROUTER_ENDPOINT": compat.url,
        "GROK_ENDPOINT": compat.url,
        "GROQ_ENDPOINT": f"{groq.url}/openai/v1",
        "CLAUDE_ENDPOINT": claude.url,
        "GOOGLE_ENDPOINT": gemini.url,
        "OLLAMA_ENDPOINT": f"{ollama.url}/api/generate",  # as upstream's default has it
        "CACHIBOT_ENDPOINT": compat.url,
        "AZURE_API_ENDPOINT": f"{azure.url}/",  # upstream's names, as Azure's portal gives them
        "AZURE_DEPLOYMENT_ID": AZURE_DEPLOYMENT,
        "AZURE_API_VERSION": "2024-02-15-preview",
    }
    for name in (
        "OPENAI",
        "CLAUDE",
        "GOOGLE",
        "GROQ",
        "GROK",
        "OPENROUTER",
        "MOONSHOT",
        "CACHIBOT",
        "AZURE",
    ):
        env[f"{name}_API_KEY"] = KEY
    env.update(ZHIPU_API_KEY=KEY, MODELSCOPE_API_KEY=KEY, PROMPTURE_OFFLINE="1")
    return env


def run_example(path: Path, env: dict[str, str], timeout: float) -> tuple[bool, float, str]:
    """Run `path` in a scratch copy of its directory; ``(passed, seconds, output tail)``."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="upstream-example-") as scratch:
        for sibling in path.parent.iterdir():  # data files the example may read
            if sibling.is_file():
                (Path(scratch) / sibling.name).write_bytes(sibling.read_bytes())
        try:
            done = subprocess.run(
                [sys.executable, path.name],
                cwd=scratch,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return False, time.perf_counter() - started, f"timed out after {timeout:.0f} s"
    output = (done.stdout + done.stderr).strip().splitlines()
    signs = [line for line in output if FAILURE_SIGNS.search(line)]
    tail = "\n".join(signs[:6] or output[-6:])
    return done.returncode == 0 and not signs, time.perf_counter() - started, tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("examples", type=Path, help="upstream's examples/ directory")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("-v", "--verbose", action="store_true", help="show failures' output")
    args = parser.parse_args()

    scripts = sorted(args.examples.glob("*.py"))
    qualifying = [
        p for p in scripts if prompture_imports(p) and not out_of_scope(prompture_imports(p))
    ]
    for path in scripts:
        if path not in qualifying:
            why = ", ".join(out_of_scope(prompture_imports(path))) or "uses no Prompture API"
            print(f"skip  {path.name}: {why}")
    passed = 0
    with ExitStack() as stack:
        env = {**os.environ, **server_environment(stack)}
        for path in qualifying:
            ok, seconds, tail = run_example(path, env, args.timeout)
            passed += ok
            print(f"{'pass' if ok else 'FAIL'}  {path.name} ({seconds:.1f} s)")
            if not ok and args.verbose:
                print("      " + tail.replace("\n", "\n      "))
    print(f"\n{passed} of {len(qualifying)} qualifying examples ran ({len(scripts)} in all)")
    return 0 if passed == len(qualifying) else 1


if __name__ == "__main__":
    sys.exit(main())
