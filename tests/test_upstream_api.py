"""Upstream Prompture's core API, end to end against a local OpenAI-compatible server.

Each test is written the way upstream's examples use the API (model strings, result shapes,
keyword names), so a regression here is an upstream example that stops running.
"""

from __future__ import annotations

import asyncio
import json
from typing import Literal

import pytest
from pydantic import BaseModel

import prompture
from prompture import (
    AsyncConversation,
    Conversation,
    ExtractionError,
    ToolRegistry,
    extract_and_jsonify,
    extract_with_model,
    extract_with_models,
    field_from_registry,
    get_driver_for_model,
    register_field,
    render_output,
    stepwise_extract_with_model,
)
from prompture.exceptions import ConfigurationError
from prompture.testing import OpenAICompatServer

KEY = "sk-upstream-test-123456"
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Person(BaseModel):
    name: str
    age: int


@pytest.fixture
def server(monkeypatch):
    """An OpenAI-compatible server reached the way upstream's `.env` reaches OpenAI."""
    with OpenAICompatServer(api_key=KEY) as local:
        monkeypatch.setenv("OPENAI_BASE_URL", local.url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        yield local


def sent_messages(server) -> list[dict]:
    return server.last_request.body["messages"]


def test_extract_with_model_result_holds_json_usage_and_the_instance(server):
    usage = {"prompt_tokens": 40, "completion_tokens": 9}
    server.script('{"name": "Juan", "age": 28}', usage=usage)
    result = extract_with_model(Person, "Juan is 28.", model_name="openai/gpt-4o-mini")
    assert result.model.name == "Juan" and result["model"].age == 28
    assert result.json_object == {"name": "Juan", "age": 28}
    assert json.loads(result.json_string) == result.json_object
    assert result.usage["prompt_tokens"] == 40 and result.usage["completion_tokens"] == 9
    assert result.usage["cost"] > 0


def test_driver_system_prompt_and_images_reach_the_request(server):
    driver = get_driver_for_model("openai/gpt-4o")
    server.script('{"name": "Ann", "age": 5}')
    result = extract_and_jsonify(
        "The photo shows Ann, 5.",
        PERSON,
        driver=driver,
        system_prompt="You read photos.",
        images=[PNG],
    )
    assert result["json_object"] == {"name": "Ann", "age": 5}
    system, user = sent_messages(server)
    assert system == {"role": "system", "content": "You read photos."}
    text_block, image_block = user["content"]
    assert "Ann, 5" in text_block["text"]
    assert image_block["image_url"]["url"].startswith("data:image/png;base64,")


def test_stepwise_asks_once_per_field_and_sums_usage(server):
    server.script('{"value": "Juan"}').script('{"value": 28}')
    result = stepwise_extract_with_model(Person, "Juan is 28.", model_name="openai/gpt-4o")
    assert result.model == Person(name="Juan", age=28)
    assert len(server.requests) == 2
    assert "Extract the age" in json.dumps(sent_messages(server))
    assert result.usage["total_tokens"] == sum(
        usage["total_tokens"] for usage in result.usage["field_usages"].values()
    )
    assert result.field_results["age"] == {"status": "success", "used_default": False}


def test_stepwise_uses_the_registry_default_for_a_failed_field(server):
    class Contact(BaseModel):
        email: str = field_from_registry("email")
        name: str

    server.fail_next(400).script('{"value": "Juan"}')  # the failure answers the first call
    result = stepwise_extract_with_model(Contact, "Juan.", model_name="openai/gpt-4o")
    assert result.model == Contact(name="Juan", email="")
    assert result.field_results["email"]["status"] == "extraction_failed"


def test_extract_with_models_falls_back_and_records_every_attempt(server):
    server.fail_next(400)
    server.script('{"name": "Juan", "age": 28}')
    result = extract_with_models(
        Person, "Juan is 28.", models=["nosuch/model", "openai/broken", "openai/gpt-4o"]
    )
    assert result.selected_model == "openai/gpt-4o"
    assert [a["status"] for a in result.attempts] == ["skipped", "failed", "success"]
    assert result.total_attempts == 2 and result.model.age == 28
    assert result.total_cost == result.usage["cost"] > 0


def test_extract_with_models_raises_with_the_attempts_when_all_fail(server):
    with pytest.raises(ExtractionError) as caught:
        extract_with_models(Person, "Juan.", models=["nosuch/a", "nosuch/b"])
    assert [a["status"] for a in caught.value.attempts] == ["skipped", "skipped"]


def test_fallback_instance_when_every_attempt_fails(server):
    server.script("no JSON here").script("still none")
    result = extract_with_model(
        Person, "Juan.", "openai/gpt-4o", fallback=Person(name="?", age=0), json_mode="off"
    )
    assert result.model == Person(name="?", age=0) and result.usage["fallback_used"] is True


def test_registry_fields_enums_and_templates():
    register_field(
        "ticket_kind",
        {"type": str, "description": "Kind.", "enum": ["bug", "idea"], "default": "bug"},
    )

    class Ticket(BaseModel):
        kind: str = field_from_registry("ticket_kind")

    schema = Ticket.model_json_schema()["properties"]
    assert schema["kind"]["enum"] == ["bug", "idea"] and Ticket().kind == "bug"
    assert "{{" not in prompture.get_field_definition("last_updated")["default"]
    assert prompture.validate_enum_value("sentiment", "positive")
    assert not prompture.validate_enum_value("sentiment", "angry")
    assert prompture.normalize_enum_value("priority", "HIGH", case_sensitive=False) == "high"
    assert "age" in prompture.get_required_fields()
    with pytest.raises(KeyError, match="no_such_field"):
        field_from_registry("no_such_field")
    with pytest.raises(ValueError, match="invalid field definition"):
        register_field("bad", {"description": "no type"})


def test_render_output_strips_a_fence_around_html(server):
    server.script("```html\n<p>Hi</p>\n```")
    driver = get_driver_for_model("openai/gpt-4o")
    result = render_output(driver, "Say hi", output_format="html")
    assert result["text"] == "<p>Hi</p>" and result["usage"]["total_tokens"] > 0


def test_conversation_remembers_turns_and_totals_usage(server):
    conversation = Conversation("openai/gpt-4o", system_prompt="Be brief.")
    server.script("Hello Ada.").script("Your name is Ada.")
    conversation.ask("I am Ada.")
    assert conversation.ask("What is my name?") == "Your name is Ada."
    roles = [m["role"] for m in sent_messages(server)]
    assert roles == ["system", "user", "assistant", "user"]
    assert conversation.usage["turns"] == 2 and conversation.usage["total_tokens"] > 0
    assert "2 turn(s)" in conversation.usage_summary()


def test_conversation_runs_python_tools_until_the_model_answers(server):
    tools = ToolRegistry()

    @tools.tool
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    server.script(tool_calls=[{"name": "add", "arguments": {"a": 137, "b": 455}}])
    server.script("It is 592.")
    conversation = Conversation("openai/gpt-4o", tools=tools)
    assert conversation.ask("What is 137 + 455?") == "It is 592."
    follow_up = sent_messages(server)
    assert follow_up[-1] == {"role": "tool", "tool_call_id": "call_1", "content": "592"}
    spec = server.requests[0].body["tools"][0]["function"]
    assert spec["parameters"]["properties"] == {"a": {"type": "integer"}, "b": {"type": "integer"}}
    assert conversation.usage["turns"] == 2


def test_simulated_tools_keep_to_user_and_assistant_turns(server):
    seen = []
    server.script('{"tool": "weather", "arguments": {"city": "Rome"}}').script("Sunny.")
    conversation = Conversation(
        "openai/gpt-4o", tools=[lambda city: seen.append(city) or "sunny"], simulated_tools=True
    )
    conversation.register_tool(lambda city: seen.append(city) or "sunny", name="weather")
    assert conversation.ask("Weather in Rome?") == "Sunny."
    assert seen == ["Rome"]
    assert {m["role"] for m in conversation.messages} == {"user", "assistant"}


def test_conversation_json_and_model_extraction_see_the_history(server):
    conversation = Conversation("openai/gpt-4o")
    server.script("Noted.").script('{"name": "Ada", "age": 36}')
    conversation.ask("Ada is 36.")
    result = conversation.extract_with_model(Person, "The person above.")
    assert result.model == Person(name="Ada", age=36)
    assert "Ada is 36." in json.dumps(sent_messages(server))
    assert conversation.messages[-1]["content"] == result.json_string


def test_streaming_joins_the_history(server):
    server.script("one two three")
    conversation = Conversation("openai/gpt-4o")
    assert "".join(conversation.ask_stream("Count.")) == "one two three"
    assert conversation.messages[-1] == {"role": "assistant", "content": "one two three"}
    assert conversation.usage["turns"] == 1


def test_async_conversation_awaits_async_tools(server):
    async def lookup(city: str) -> str:
        return f"sunny in {city}"

    async def main():
        conversation = AsyncConversation("openai/gpt-4o", tools=[lookup])
        server.script(tool_calls=[{"name": "lookup", "arguments": {"city": "Oslo"}}])
        server.script("Sunny.")
        answer = await conversation.ask("Weather?")
        chunks = [chunk async for chunk in conversation.ask_stream("More?")]
        return answer, conversation, chunks

    answer, conversation, chunks = asyncio.run(main())
    assert answer == "Sunny." and conversation.messages[2]["content"] == "sunny in Oslo"
    assert chunks and conversation.usage["turns"] == 3


def test_aio_module_mirrors_the_sync_names(server):
    from prompture import aio

    server.script('{"name": "Ada", "age": 36}')
    result = asyncio.run(aio.extract_with_model(Person, "Ada, 36.", "openai/gpt-4o"))
    assert result.model == Person(name="Ada", age=36)
    for name in ("extract_and_jsonify", "stepwise_extract_with_model", "extract_with_models"):
        assert asyncio.iscoroutinefunction(getattr(aio, name))


@pytest.mark.parametrize(
    ("alias", "variable"),
    [
        ("anthropic", "CLAUDE_API_KEY"),
        ("gemini", "GOOGLE_API_KEY"),
        ("xai", "GROK_API_KEY"),
        ("lm_studio", "LMSTUDIO_API_KEY"),
        ("zhipu", "ZAI_API_KEY"),
    ],
)
def test_upstream_provider_names_are_aliases(alias, variable):
    driver = get_driver_for_model(f"{alias}/some-model")
    assert driver.model == "some-model"
    assert get_driver_for_model(f"{variable[:-8].lower()}/x").provider == driver.provider


def test_a_model_name_without_provider_says_how_to_write_it():
    with pytest.raises(ConfigurationError) as caught:
        get_driver_for_model("gpt-4o")
    message = str(caught.value)
    assert "'provider/model'" in message and "openai/gpt-4o" in message
    assert "closest registered providers: openai" in message
    with pytest.raises(ConfigurationError, match="closest registered providers: claude"):
        get_driver_for_model("claud/opus")


def test_upstream_env_endpoints_with_request_paths_are_reduced_to_their_base(monkeypatch):
    with OpenAICompatServer(api_key=None) as local:
        for variable in ("LMSTUDIO_ENDPOINT", "ZHIPU_ENDPOINT"):
            monkeypatch.setenv(variable, f"{local.url}/chat/completions/")
        monkeypatch.setenv("ZHIPU_API_KEY", KEY)
        monkeypatch.setenv("ZHIPU_MODEL", "glm-4.7")
        monkeypatch.setenv("OLLAMA_ENDPOINT", "http://127.0.0.1:11434/api/generate")
        assert get_driver_for_model("ollama/llama3").endpoint == "http://127.0.0.1:11434"
        for model in ("lm_studio/qwen", "zhipu"):
            local.script('{"name": "Ada", "age": 36}')
            result = extract_and_jsonify("Ada, 36.", PERSON, model_name=model)
            assert result["json_object"]["age"] == 36
        assert [r.path for r in local.requests] == ["/v1/chat/completions"] * 2
        assert local.last_request.body["model"] == "glm-4.7"


def test_make_image_takes_every_upstream_source(tmp_path):
    from prompture import make_image

    photo = tmp_path / "photo.png"
    photo.write_bytes(PNG)
    from_path = make_image(str(photo))
    assert from_path.media_type == "image/png" and from_path.source_type == "base64"
    assert make_image(photo) == from_path == make_image(PNG)
    assert make_image(from_path.data).data == from_path.data  # bare base64
    url = make_image("https://example.com/cat.jpg")
    assert (url.source_type, url.url, url.media_type) == ("url", url.data_url, "image/jpeg")
    assert make_image(f"data:image/png;base64,{from_path.data}") == from_path
    with pytest.raises(ValueError, match="not an image"):
        make_image("x" * 300 + "!")


def test_toon_output_adds_the_toon_text_of_the_validated_value(server):
    server.script('{"name": "Juan", "age": 28}')
    result = extract_and_jsonify(
        "Juan is 28.", PERSON, model_name="openai/gpt-4o", output_format="toon"
    )
    assert result["json_object"] == {"name": "Juan", "age": 28}
    assert result["output_format"] == "toon"
    assert result["toon_string"].splitlines() == ["name: Juan", "age: 28"]
    with pytest.raises(ValueError, match="'json' or 'toon'"):
        extract_and_jsonify("Juan.", PERSON, model_name="openai/gpt-4o", output_format="xml")


def test_async_twins_run_the_same_flows(server):
    from prompture import aio

    async def main():
        server.script('{"value": "Juan"}').script('{"value": 28}')
        stepwise = await aio.stepwise_extract_with_model(
            Person, "Juan is 28.", model_name="openai/gpt-4o"
        )
        server.script('{"name": "Ann", "age": 5}')
        fallback = await aio.extract_with_models(
            Person, "Ann, 5.", models=["nosuch/x", "openai/gpt-4o"]
        )
        server.script("<p>Hi</p>")
        driver = prompture.get_async_driver_for_model("openai/gpt-4o")
        rendered = await aio.render_output(driver, "Say hi", output_format="html")
        return stepwise, fallback, rendered

    stepwise, fallback, rendered = asyncio.run(main())
    assert stepwise.model == Person(name="Juan", age=28)
    assert [a["status"] for a in fallback.attempts] == ["skipped", "success"]
    assert rendered["text"] == "<p>Hi</p>"


def test_stepwise_with_shared_context_shows_earlier_answers(server):
    server.script('{"value": "Juan"}').script('{"value": 28}')
    result = stepwise_extract_with_model(
        Person, "Juan is 28.", model_name="openai/gpt-4o", share_context=True
    )
    assert result.model == Person(name="Juan", age=28)
    first, second = (request.body["messages"] for request in server.requests)
    assert len(first) == 1
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert second[1]["content"] == '{"value": "Juan"}'


def test_tool_schemas_come_from_type_hints_and_docstrings():
    tools = ToolRegistry()

    @tools.register(description="Search the catalogue.")
    def search(
        query: str, tags: list[str], limit: int | None = None, *, sort: Literal["a", "b"] = "a"
    ):
        return []

    spec = tools.to_openai_format()[0]["function"]
    assert spec["name"] == "search" and spec["description"] == "Search the catalogue."
    assert spec["parameters"] == {
        "type": "object",
        "properties": {
            "query": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": "integer"},
            "sort": {"enum": ["a", "b"]},
        },
        "required": ["query", "tags"],
    }
    assert "search" in tools and tools.get("search") is search and len(tools) == 1

    def local_hint(city: str, unit: Celsius) -> str:  # noqa: F821 (a name nothing defines)
        return city

    properties = ToolRegistry([local_hint]).to_openai_format()[0]["function"]["parameters"]
    assert properties["properties"] == {"city": {"type": "string"}, "unit": {}}
