"""`AirLLMDriver` and `AsyncAirLLMDriver`: the generation path, on a stand-in model.

`StandInModel` is NOT AirLLM: it is a small stand-in for the model object that
``airllm.AutoModel.from_pretrained`` returns (``airllm`` needs torch and real weights, so it is
not installed here). It implements only what the driver calls -- ``tokenizer(...)``,
``tokenizer.apply_chat_template``, ``tokenizer.decode`` and ``generate(...)`` -- with a
word-level tokenizer and a scripted reply, and records every call. It reaches the driver
through the documented ``model_loader`` constructor seam; no import is patched.
"""

from __future__ import annotations

import asyncio
import copy
import json
import subprocess
import sys
import threading
from types import SimpleNamespace

import pytest

from prompture.drivers.airllm_driver import AirLLMDriver
from prompture.drivers.async_airllm_driver import AsyncAirLLMDriver
from prompture.exceptions import ConfigurationError, DriverError

PERSON = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}


class StandInTokenizer:
    """Stand-in for a Hugging Face tokenizer: one token per whitespace-separated word."""

    def __init__(self, chat_template: str | None = "stand-in") -> None:
        self.chat_template = chat_template
        self.words: list[str] = []

    def token(self, word: str) -> int:
        if word not in self.words:
            self.words.append(word)
        return self.words.index(word)

    def apply_chat_template(self, turns, *, tokenize, add_generation_prompt):
        assert tokenize is False and add_generation_prompt is True
        return " ".join(f"<{t['role']}> {t['content']}" for t in turns) + " <assistant>"

    def __call__(self, text: str, **kwargs):
        assert kwargs["return_tensors"] == "pt" and kwargs["truncation"] is True
        return {"input_ids": [[self.token(w) for w in text.split()][: kwargs["max_length"]]]}

    def decode(self, ids, skip_special_tokens=False) -> str:
        return " ".join(self.words[i] for i in ids)


class StandInModel:
    """Stand-in for an AirLLM model: answers `reply`, cut at ``max_new_tokens``."""

    max_seq_len = 64

    def __init__(self, reply: str = "Hello from the stand-in model", **tokenizer_kwargs) -> None:
        self.tokenizer = StandInTokenizer(**tokenizer_kwargs)
        self.reply = reply
        self.calls: list[dict] = []

    @property
    def prompt(self) -> str:
        """The last prompt, decoded."""
        return self.tokenizer.decode(self.calls[-1]["input_ids"][0])

    def generate(self, input_ids, **kwargs):
        self.calls.append({"input_ids": input_ids, "thread": threading.get_ident(), **kwargs})
        answer = [self.tokenizer.token(w) for w in self.reply.split()]
        return SimpleNamespace(sequences=[input_ids[0] + answer[: kwargs["max_new_tokens"]]])


class FailingModel(StandInModel):
    def generate(self, input_ids, **kwargs):
        raise RuntimeError("CUDA out of memory (token hf_secret_token)")


def make(llm=None, cls=AirLLMDriver, **kwargs):
    llm = llm or StandInModel()
    loads: list[str] = []

    def loader(model_id: str):
        loads.append(model_id)
        return llm

    driver = cls(model="stand-in/model", model_loader=loader, **kwargs)
    return driver, llm, loads


def test_generate_returns_text_and_token_usage():
    driver, llm, _ = make()
    result = driver.generate("Say hello")
    assert result["text"] == "Hello from the stand-in model"
    meta = result["meta"]
    assert meta["prompt_tokens"] == len("<user> Say hello <assistant>".split())
    assert (meta["completion_tokens"], meta["cost"]) == (5, 0.0)
    assert meta["total_tokens"] == meta["prompt_tokens"] + 5
    assert meta["model_name"] == "stand-in/model"
    json.dumps(meta["raw_response"])
    assert llm.calls[0]["use_cache"] is True
    assert llm.calls[0]["return_dict_in_generate"] is True


def test_messages_go_through_the_chat_template_unchanged():
    driver, llm, _ = make()
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Capital of France?"}]},
    ]
    before = copy.deepcopy(messages)
    driver.generate_messages(messages, {})
    assert llm.prompt == "<system> Be brief. <user> Capital of France? <assistant>"
    assert messages == before


def test_plain_transcript_without_a_chat_template():
    driver, llm, _ = make(StandInModel(chat_template=None))
    driver.generate_messages([{"role": "user", "content": "Hi"}], {})
    assert llm.prompt == "User: Hi Assistant:"


def test_json_mode_and_schema_are_asked_for_in_the_prompt():
    driver, llm, _ = make(StandInModel(reply='{"name": "Ada"}'))
    assert not driver.supports_json_mode and not driver.supports_json_schema
    driver.generate("Who?", {"json_mode": True})
    assert llm.prompt.startswith("<system> Respond only with a valid JSON object.")
    options = {"json_schema": copy.deepcopy(PERSON)}
    messages = [{"role": "system", "content": "Extract."}, {"role": "user", "content": "Ada"}]
    result = driver.generate_messages(messages, options)
    assert json.loads(result["text"]) == {"name": "Ada"}
    assert llm.prompt.startswith("<system> Extract. Respond only with a JSON object")
    assert '"name":' in llm.prompt
    assert options == {"json_schema": PERSON}


def test_max_tokens_and_temperature():
    driver, llm, _ = make()
    result = driver.generate("Hi", {"max_tokens": 2, "temperature": 0.7})
    assert result["text"] == "Hello from"
    assert llm.calls[-1]["max_new_tokens"] == 2
    assert (llm.calls[-1]["do_sample"], llm.calls[-1]["temperature"]) == (True, 0.7)
    driver.generate("Hi", {"temperature": 0})
    assert llm.calls[-1]["max_new_tokens"] == 512
    assert "do_sample" not in llm.calls[-1]


def test_the_prompt_is_truncated_to_the_models_window():
    driver, llm, _ = make()
    driver.generate(" ".join(f"w{i}" for i in range(200)))
    assert len(llm.calls[-1]["input_ids"][0]) == StandInModel.max_seq_len


def test_a_model_loads_once_per_model_id():
    driver, _, loads = make()
    driver.generate("Hi")
    driver.generate("Hi again")
    driver.generate("Hi", {"model": "other/model"})
    assert loads == ["stand-in/model", "other/model"]


def test_no_key_endpoint_streaming_or_tools():
    driver, _, _ = make()
    assert driver.requires_api_key is False and driver.api_key is None
    assert not (driver.supports_streaming or driver.supports_tool_use or driver.supports_vision)
    with pytest.raises(NotImplementedError):
        driver.generate_messages_stream([{"role": "user", "content": "Hi"}])
    with pytest.raises(NotImplementedError):
        driver.generate_messages_with_tools([{"role": "user", "content": "Hi"}], [])


def test_install_hint_when_airllm_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "airllm", None)
    driver = AirLLMDriver(model="some/model-that-is-not-loaded")
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[airllm\]"):
        driver.generate("Hi")


def test_importing_and_constructing_load_nothing_heavy():
    code = (
        "import sys; from prompture.drivers.airllm_driver import AirLLMDriver; "
        "from prompture.drivers.async_airllm_driver import AsyncAirLLMDriver; "
        "AirLLMDriver(); AsyncAirLLMDriver(); "
        "print([m for m in ('airllm', 'torch', 'asyncio') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_generation_failure_is_a_driver_error_without_the_token():
    driver, _, _ = make(FailingModel(), api_key="hf_secret_token")
    with pytest.raises(DriverError) as info:
        driver.generate("Hi")
    assert "CUDA out of memory" in str(info.value)
    assert "hf_secret_token" not in str(info.value)


def test_async_twin_generates_in_a_worker_thread():
    driver, llm, _ = make(cls=AsyncAirLLMDriver)
    assert (driver.provider, driver.default_model) == ("airllm", AirLLMDriver.default_model)
    result = asyncio.run(driver.generate("Say hello", {"max_tokens": 3}))
    assert result["text"] == "Hello from the"
    assert result["meta"]["completion_tokens"] == 3
    assert llm.calls[-1]["thread"] != threading.get_ident()


def test_sync_and_async_give_the_same_result():
    sync_driver, _, _ = make()
    async_driver, _, _ = make(cls=AsyncAirLLMDriver)
    messages = [{"role": "user", "content": "Hi"}]
    options = {"json_schema": PERSON}
    expected = sync_driver.generate_messages(messages, options)
    assert asyncio.run(async_driver.generate_messages(messages, options)) == expected
