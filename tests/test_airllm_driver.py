"""`AirLLMDriver` and `AsyncAirLLMDriver`: the contract suite, plus what is AirLLM's own.

The model is `prompture.testing.StandInModelServer`, NOT AirLLM: a stand-in for the model
object ``airllm.AutoModel.from_pretrained`` returns (``airllm`` needs torch and real weights,
so it is not installed here). It implements only what the driver calls -- the tokenizer, its
chat template, ``decode`` and ``generate`` -- answers scripted replies and records every call.
It reaches the driver through the documented ``model_loader`` constructor seam; no import is
patched.
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest

from prompture.drivers import airllm_driver
from prompture.drivers.airllm_driver import AirLLMDriver, split_thinking
from prompture.drivers.async_airllm_driver import AsyncAirLLMDriver
from prompture.exceptions import ConfigurationError, DriverError
from prompture.testing import _contract_scenarios as scenarios
from prompture.testing.local_model import AirLLMWire, StandInModelServer
from prompture.testing.local_model_contract import NOT_APPLICABLE, LocalModelContract

PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
HI = [{"role": "user", "content": "Hi"}]


class TestAirLLMDriver(LocalModelContract):
    driver_class = AirLLMDriver
    async_driver_class = AsyncAirLLMDriver


@pytest.fixture
def server():
    return StandInModelServer()


def make(server, cls=AirLLMDriver, **kwargs):
    return cls(model="stand-in/model", model_loader=server.load, **kwargs)


def generation(server):
    """The body of the last ``generate`` call."""
    [*_, last] = [r for r in server.requests if r.path == "/generate"]
    return last.body


def test_generate_returns_text_and_token_usage(server):
    result = make(server).generate("Say hello")
    assert result["text"] == "Hello from the stand-in model."
    sent = generation(server)
    assert sent["prompt"] == "<|im_start|>user\nSay hello<|im_end|>\n<|im_start|>assistant\n"
    meta = result["meta"]
    assert meta["prompt_tokens"] == len(sent["input_ids"][0])
    assert (meta["completion_tokens"], meta["cost"]) == (6, 0.0)  # 5 words and the end token
    assert meta["total_tokens"] == meta["prompt_tokens"] + 6
    assert meta["model_name"] == "stand-in/model"
    json.dumps(meta["raw_response"])
    assert sent["use_cache"] is True
    assert sent["return_dict_in_generate"] is True


def test_messages_go_through_the_chat_template_unchanged(server):
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Capital of France?"}]},
    ]
    before = copy.deepcopy(messages)
    make(server).generate_messages(messages, {})
    assert generation(server)["prompt"] == (
        "<|im_start|>system\nBe brief.<|im_end|>\n"
        "<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n"
    )
    assert messages == before


def test_plain_transcript_without_a_chat_template():
    server = StandInModelServer(chat_template=None)
    make(server).generate_messages([{"role": "system", "content": "Be brief."}, *HI], {})
    sent = server.last_request
    assert sent.body["prompt"] == "System: Be brief.\nUser: Hi\nAssistant:"
    assert (AirLLMWire().system(sent), AirLLMWire().texts(sent)) == ("Be brief.", "Be brief.\nHi")


def test_json_mode_and_schema_are_asked_for_in_the_prompt(server):
    driver = make(server)
    assert not driver.supports_json_mode and not driver.supports_json_schema
    result = driver.generate("Who?", {"json_mode": True})
    assert AirLLMWire().system(server.last_request) == "Respond only with a valid JSON object."
    assert isinstance(json.loads(result["text"]), dict)
    options = {"json_schema": copy.deepcopy(PERSON)}
    messages = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "Ada"}]
    result = driver.generate_messages(messages, options)
    assert json.loads(result["text"]) == {"name": "x"}  # the stand-in fills the schema
    system = AirLLMWire().system(server.last_request)
    assert system.startswith("Extract.\n\nRespond only with a JSON object")
    assert '"name":' in system
    assert options == {"json_schema": PERSON}


def test_max_tokens_and_temperature(server):
    driver = make(server)
    result = driver.generate("Hi", {"max_tokens": 2, "temperature": 0.7})
    assert result["text"] == "Hello from"
    sent = generation(server)
    assert (sent["max_new_tokens"], sent["do_sample"], sent["temperature"]) == (2, True, 0.7)
    driver.generate("Hi", {"temperature": 0})
    assert generation(server)["max_new_tokens"] == 512
    assert "do_sample" not in generation(server)


def test_the_prompt_is_truncated_to_the_models_window():
    server = StandInModelServer(max_seq_len=64)
    make(server).generate(" ".join(f"w{i}" for i in range(200)))
    assert len(generation(server)["input_ids"][0]) == 64


def test_a_model_loads_once_per_model_id(server):
    driver = make(server)
    driver.generate("Hi")
    driver.generate("Hi again")
    driver.generate("Hi", {"model": "other/model"})
    assert server.loads == ["stand-in/model", "other/model"]


@pytest.mark.parametrize("cls", [AirLLMDriver, AsyncAirLLMDriver])
def test_no_key_endpoint_listing_streaming_tools_or_images(server, cls):
    driver = make(server, cls)
    assert driver.requires_api_key is False and driver.api_key is None
    assert not (driver.supports_streaming or driver.supports_tool_use or driver.supports_vision)
    assert cls.list_models() is None
    with pytest.raises(NotImplementedError):
        driver.generate_messages_stream(HI)
    with pytest.raises(NotImplementedError, match=f"{cls.__name__} does not support tools"):
        result = driver.generate_messages_with_tools(HI, [scenarios.WEATHER_TOOL])
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    assert server.requests == []


def test_install_hint_when_airllm_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "airllm", None)
    driver = AirLLMDriver(model="some/model-that-is-not-loaded")
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[airllm\]"):
        driver.generate("Hi")


def test_the_default_loader_hands_the_key_to_airllm_as_hf_token(monkeypatch, server):
    """Without a `model_loader`, ``AutoModel.from_pretrained`` gets the key as ``hf_token``."""
    calls = []

    def from_pretrained(model_id, **kwargs):
        calls.append((model_id, kwargs))
        return server.load(model_id)

    fake = SimpleNamespace(AutoModel=SimpleNamespace(from_pretrained=from_pretrained))
    monkeypatch.setitem(sys.modules, "airllm", fake)
    airllm_driver.load_airllm_model.cache_clear()
    try:
        AirLLMDriver(model="gated/model", api_key="hf_gated_token").generate("Hi")
        AirLLMDriver(model="open/model").generate("Hi")
    finally:
        airllm_driver.load_airllm_model.cache_clear()
    assert calls == [("gated/model", {"hf_token": "hf_gated_token"}), ("open/model", {})]


def test_importing_and_constructing_load_nothing_heavy():
    code = (
        "import sys; from prompture.drivers.airllm_driver import AirLLMDriver; "
        "from prompture.drivers.async_airllm_driver import AsyncAirLLMDriver; "
        "AirLLMDriver(); AsyncAirLLMDriver(); "
        "print([m for m in ('airllm', 'torch', 'asyncio') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_generation_failure_is_a_driver_error_without_the_token(server):
    server.fail_next(RuntimeError("CUDA out of memory (token hf_secret_token)"))
    with pytest.raises(DriverError) as info:
        make(server, api_key="hf_secret_token").generate("Hi")
    assert "CUDA out of memory" in str(info.value)
    assert "hf_secret_token" not in str(info.value)


def test_a_failed_load_is_a_driver_error_and_is_tried_again(server):
    server.fail_next_load()
    driver = make(server)
    with pytest.raises(DriverError, match="could not load 'stand-in/model': OSError"):
        driver.generate("Hi")
    assert driver.generate("Hi")["text"]
    assert server.loads == ["stand-in/model", "stand-in/model"]


@pytest.mark.parametrize("cls", [AirLLMDriver, AsyncAirLLMDriver])
def test_an_unreadable_model_output_is_a_driver_error(server, cls):
    server.fail_next_malformed()
    with pytest.raises(DriverError, match="could not generate with 'stand-in/model'"):
        result = make(server, cls).generate("Hi")
        if asyncio.iscoroutine(result):
            asyncio.run(result)


def test_a_tokenizer_failure_is_a_driver_error(server):
    driver = make(server)
    llm = server.load("stand-in/model")
    llm.tokenizer = None  # e.g. a model loaded without its tokenizer
    driver.model_loader = lambda model_id: llm
    with pytest.raises(DriverError, match="could not generate"):
        driver.generate("Hi")


@pytest.mark.parametrize(
    ("decoded", "expected"),
    [
        ("<think>\nSum it.\n</think>\n\n4", ("Sum it.", "4")),
        ("Sum it.\n</think>\n\n4", ("Sum it.", "4")),  # Qwen3: the template opened the block
        ("<think>Only thinking</think>", ("Only thinking", "")),
        ("  plain answer ", ("", "plain answer")),
        ("a <think>later</think> b", ("", "a <think>later</think> b")),
    ],
)
def test_split_thinking(decoded, expected):
    assert split_thinking(decoded) == expected


def test_thinking_becomes_reasoning_content(server):
    server.script("4", reasoning="2 + 2 is 4.")
    result = make(server).generate("What is 2 + 2?")
    assert (result["text"], result["meta"]["reasoning_content"]) == ("4", "2 + 2 is 4.")
    server.script("no thinking here")
    assert "reasoning_content" not in make(server).generate("Hi")["meta"]


def test_async_generation_leaves_the_event_loop_running(server):
    server.delay_next(0.3)
    driver = make(server, AsyncAirLLMDriver)
    ticks = []

    async def tick():
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def main():
        ticker = asyncio.create_task(tick())
        result = await driver.generate("Say hello", {"max_tokens": 3})
        ticker.cancel()
        return result

    result = asyncio.run(main())
    assert result["text"] == "Hello from the"
    assert result["meta"]["completion_tokens"] == 3
    assert len(ticks) >= 5, "the event loop was blocked while the model generated"


def test_sync_and_async_give_the_same_result(server):
    options = {"json_schema": PERSON}
    expected = make(server).generate_messages(HI, options)
    assert asyncio.run(make(server, AsyncAirLLMDriver).generate_messages(HI, options)) == expected


# --- the stand-in itself


def test_the_contract_runs_every_applicable_scenario_in_both_variants():
    for scenario in scenarios.SCENARIOS:
        names = (f"test_{scenario.__name__}", f"test_{scenario.__name__}_async")
        excluded = scenario.__name__ in NOT_APPLICABLE
        for name in names:
            method = getattr(TestAirLLMDriver, name, None)
            assert (method is None) if excluded else callable(method), name
    assert all(reason for reason in NOT_APPLICABLE.values())


def test_scripted_usage_shapes_the_token_counts(server):
    server.script(
        "Hello from the contract suite.", usage={"prompt_tokens": 11, "completion_tokens": 7}
    )
    result = make(server).generate("Say hello")
    assert result["text"] == "Hello from the contract suite."
    assert [result["meta"][k] for k in ("prompt_tokens", "completion_tokens")] == [11, 7]
    server.script("Hello there", usage={"prompt_tokens": 2, "completion_tokens": 2})
    result = make(server).generate("Say hello to everyone in the room")
    assert result["text"] == "Hello there"
    assert result["meta"]["completion_tokens"] == 2  # one token and the end token
    assert result["meta"]["prompt_tokens"] > 2  # special tokens stay whole


def test_finish_reason_max_tokens_leaves_out_the_end_token(server):
    driver = make(server)
    server.script("Cut short").script("Cut short", finish_reason="max_tokens")
    assert driver.generate("Hi")["meta"]["completion_tokens"] == 3  # two words, the end token
    assert driver.generate("Hi")["meta"]["completion_tokens"] == 2


def test_what_a_local_model_cannot_script(server):
    with pytest.raises(ValueError, match="text only"):
        server.script(tool_calls=[{"name": "f", "arguments": {}}])
    with pytest.raises(ValueError, match="does not stream"):
        server.script("x", chunks=2)
    with pytest.raises(ValueError, match="content_filter"):
        server.script("x", finish_reason="content_filter")
    with pytest.raises(ValueError, match="total_tokens"):
        server.script("x", usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 3})
    with pytest.raises(TypeError, match="no HTTP status"):
        server.fail_next(500)


def test_records_reset_and_clear(server):
    server.script("kept")
    make(server).generate("Hi")
    assert [r.method for r in server.requests] == ["LOAD", "POST"]
    assert server.url == "" and server.last_request.path == "/generate"
    server.script("still queued").clear()
    assert server.requests == []
    server.fail_next().reset()
    assert make(server).generate("Hi")["text"] == "Hello from the stand-in model."
