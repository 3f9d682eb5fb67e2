"""Extraction against servers that answer schema-valid JSON only to native requests.

Each local server answers an instance of the schema only when the request carries it the
provider's native way (``response_format`` json_schema, ``output_config.format``,
``responseSchema``); a schema in the prompt, or bare JSON mode, gets a greeting or
``{"message": ...}``, which fails validation. So extraction succeeds only where the driver
sends the schema natively: reasoning models included.
"""

from __future__ import annotations

import pytest

from prompture import async_extract_and_jsonify, extract_and_jsonify
from prompture.testing import AnthropicServer, GeminiServer, GroqServer, OpenAICompatServer

SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
KEY = "native-test-key-123456"
CASES = {
    "openai/gpt-5": lambda: OpenAICompatServer(api_key=KEY),
    "groq/openai/gpt-oss-120b": lambda: GroqServer(api_key=KEY),
    "zai/glm-4.5-air": lambda: OpenAICompatServer(api_key=KEY),
    "claude/claude-sonnet-4-5": lambda: AnthropicServer(api_key=KEY, json_from_prompt=False),
    "google/gemini-2.5-flash": lambda: GeminiServer(api_key=KEY),
}


@pytest.fixture(params=sorted(CASES))
def model_name(request, monkeypatch):
    provider = request.param.split("/", 1)[0].upper()
    with CASES[request.param]() as server:
        monkeypatch.setenv(f"{provider}_ENDPOINT", server.url)
        monkeypatch.setenv(f"{provider}_API_KEY", KEY)
        yield request.param


def check(result):
    assert set(result["json_object"]) == {"name", "age"}
    assert isinstance(result["json_object"]["age"], int)
    assert result["usage"]["total_tokens"] > 0


def test_extraction_works_sync(model_name):
    check(extract_and_jsonify("Maria is 32.", SCHEMA, model_name=model_name, ai_cleanup=False))


async def test_extraction_works_async(model_name):
    result = await async_extract_and_jsonify(
        "Maria is 32.", SCHEMA, model_name=model_name, ai_cleanup=False
    )
    check(result)


def test_a_prompt_only_request_fails_against_these_servers(monkeypatch):
    """The servers are strict enough for the test above to mean something."""
    from prompture.exceptions import ExtractionError

    with OpenAICompatServer(api_key=KEY) as server:
        monkeypatch.setenv("OPENAI_ENDPOINT", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        with pytest.raises(ExtractionError):
            extract_and_jsonify(
                "Maria is 32.", SCHEMA, model_name="openai/gpt-5", json_mode="off", ai_cleanup=False
            )
