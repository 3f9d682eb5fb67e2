"""AirLLM driver: a local Hugging Face model run layer by layer by the optional ``airllm`` package.

The model runs in this process, so there is no endpoint and no API key to require:

- `model`: a Hugging Face model id or a local path (AIRLLM_MODEL in settings);
- `api_key`: optional; when given (or AIRLLM_API_KEY is set) it is passed to AirLLM as the
  Hugging Face token for gated models;
- `endpoint`: not used (accepted only because every driver takes one);
- ``options["timeout"]`` is not applied: a local generation cannot be cut short.

Install: ``pip install prompture[airllm]`` (it brings torch and transformers); ``airllm`` is
imported when the first model loads. The generation path is AirLLM's documented one (tokenize
with the model's tokenizer, ``model.generate(...)``, decode) on the torch backend; macOS's MLX
backend takes other inputs and is not supported here. No streaming, tools or images; JSON mode
and JSON schemas are asked for in the prompt. Usage counts are token counts; cost is 0. A
reasoning model's ``<think>...</think>`` block (Qwen3, DeepSeek-R1 distills) is split off into
``meta["reasoning_content"]``. Any failure to load, tokenize, generate or decode is a
`DriverError` (a missing ``airllm`` package a `ConfigurationError`).

The model is loaded through `model_loader` (default: `load_airllm_model`), a constructor seam
that also lets tests and callers bring their own model object.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

from ..cost_mixin import CostMixin
from ..driver import Driver
from ..exceptions import ConfigurationError, DriverError, redact
from . import _openai_wire as wire

__all__ = [
    "AirLLMDriver",
    "AirLLMProtocol",
    "chat_prompt",
    "load_airllm_model",
    "split_thinking",
]

#: Tokens generated when the options give no ``max_tokens``.
DEFAULT_MAX_NEW_TOKENS = 512
#: Prompt tokens kept when the model states no ``max_seq_len``.
DEFAULT_MAX_INPUT_TOKENS = 4096

ModelLoader = Callable[[str], Any]

_THINK_BLOCK = re.compile(r"\A\s*<think>(.*?)</think>", re.DOTALL)
_THINK_CLOSE = "</think>"


@functools.lru_cache(maxsize=2)
def load_airllm_model(model_id: str, hf_token: str | None = None) -> Any:
    """``airllm.AutoModel.from_pretrained(model_id)``, kept for reuse across drivers."""
    try:
        from airllm import AutoModel
    except ImportError:
        raise ConfigurationError(
            "The AirLLM driver needs the 'airllm' package: pip install prompture[airllm]"
        ) from None
    kwargs = {"hf_token": hf_token} if hf_token else {}
    return AutoModel.from_pretrained(model_id, **kwargs)


def _text_of(content: Any) -> str:
    if isinstance(content, list):  # OpenAI content parts: keep the text ones
        return "\n".join(p.get("text", "") for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def _turns(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Plain ``{"role", "content"}`` turns; tool results become user turns (no tool support)."""
    turns = []
    for message in messages:
        role, text = message.get("role", "user"), _text_of(message.get("content"))
        if role == "tool":
            role, text = "user", f"Tool result: {text}"
        turns.append({"role": role, "content": text})
    return turns


def chat_prompt(tokenizer: Any, messages: list[dict[str, Any]]) -> str:
    """The conversation as the model's chat template renders it, else a plain transcript."""
    turns = _turns(messages)
    if getattr(tokenizer, "chat_template", None):
        try:
            return tokenizer.apply_chat_template(turns, tokenize=False, add_generation_prompt=True)
        except Exception:  # templates may reject a role order (e.g. no system role): fall back
            pass
    lines = [f"{turn['role'].capitalize()}: {turn['content']}" for turn in turns]
    return "\n".join([*lines, "Assistant:"])


def split_thinking(text: str) -> tuple[str, str]:
    """``(thinking, answer)`` of a decoded generation.

    Reasoning models write their thinking first, in ``<think>...</think>``; when the chat
    template already opened the block (Qwen3's does), only the closing tag is generated.
    """
    match = _THINK_BLOCK.match(text)
    if match:
        return match.group(1).strip(), text[match.end() :].strip()
    if _THINK_CLOSE in text and "<think>" not in text:
        thinking, _, answer = text.partition(_THINK_CLOSE)
        return thinking.strip(), answer.strip()
    return "", text.strip()


def _with_json_instruction(messages: list[dict[str, Any]], options: dict[str, Any]):
    """`messages` asking for JSON in the system prompt when the options want JSON."""
    schema = options.get("json_schema")
    if not options.get("json_mode") and schema is None:
        return messages
    instruction = wire.schema_instruction(schema)
    if messages and messages[0].get("role") == "system":
        system = f"{_text_of(messages[0].get('content'))}\n\n{instruction}".strip()
        return [{"role": "system", "content": system}, *messages[1:]]
    return [{"role": "system", "content": instruction}, *messages]


class AirLLMProtocol(CostMixin):
    """Model loading and the generation path; the async twin runs it in a worker thread."""

    def __init__(
        self,
        api_key: str | None = None,
        model: str | None = None,
        endpoint: str | None = None,
        *,
        model_loader: ModelLoader | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(api_key, model, endpoint, **kwargs)
        #: ``model_loader(model_id)`` returns an object with ``tokenizer`` and ``generate``.
        self.model_loader = model_loader or self._load_with_airllm
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()  # one generation at a time: the model is not reentrant

    def _load_with_airllm(self, model_id: str) -> Any:
        return load_airllm_model(model_id, self.api_key)

    def _llm(self, model_id: str) -> Any:
        """The loaded model for `model_id`, loaded once per driver."""
        with self._lock:
            if model_id not in self._models:
                action = f"load {model_id!r}"
                self._models[model_id] = self._guarded(action, self.model_loader, model_id)
            return self._models[model_id]

    def _guarded(self, action: str, function: Callable[..., Any], *args: Any, **kwargs: Any):
        """Call `function`; failures other than configuration become `DriverError`."""
        try:
            return function(*args, **kwargs)
        except ConfigurationError:
            raise
        except Exception as exc:
            message = f"AirLLM could not {action}: {type(exc).__name__}: {exc}"
            raise DriverError(redact(message, self.api_key)) from None

    def _generation_kwargs(self, options: dict[str, Any]) -> dict[str, Any]:
        kwargs = {
            "max_new_tokens": int(options.get("max_tokens") or DEFAULT_MAX_NEW_TOKENS),
            "use_cache": True,
            "return_dict_in_generate": True,
        }
        temperature = options.get("temperature")
        if temperature:  # 0 or None: greedy decoding, the model's deterministic default
            kwargs.update(do_sample=True, temperature=float(temperature))
        return kwargs

    def _encode(self, llm: Any, prompt: str) -> Any:
        max_length = getattr(llm, "max_seq_len", None) or DEFAULT_MAX_INPUT_TOKENS
        encoded = llm.tokenizer(
            prompt,
            return_tensors="pt",
            return_attention_mask=False,
            truncation=True,
            max_length=max_length,
            padding=False,
        )
        input_ids = encoded["input_ids"]
        device = getattr(llm, "running_device", None)
        return input_ids.to(device) if device and hasattr(input_ids, "to") else input_ids

    def _generate(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> dict:
        """One blocking generation: a Prompture result with token usage and zero cost."""
        model_id = self._model_for(options)
        llm = self._llm(model_id)
        kwargs = self._generation_kwargs(options)
        messages = _with_json_instruction(messages, options)

        def run() -> tuple[str, int, int]:
            input_ids = self._encode(llm, chat_prompt(llm.tokenizer, messages))
            with self._lock:
                output = llm.generate(input_ids, **kwargs)
            prompt_tokens = len(input_ids[0])
            new_tokens = output.sequences[0][prompt_tokens:]  # the sequence repeats the prompt
            text = llm.tokenizer.decode(new_tokens, skip_special_tokens=True)
            return text, prompt_tokens, len(new_tokens)

        text, prompt_tokens, completion_tokens = self._guarded(f"generate with {model_id!r}", run)
        return self._result(model_id, text, prompt_tokens, completion_tokens, kwargs)

    def _result(self, model_id: str, text: str, prompt: int, completion: int, kwargs: dict):
        thinking, text = split_thinking(text)
        cost = self._calculate_cost(self.provider, model_id, prompt, completion)
        raw = {"model": model_id, "max_new_tokens": kwargs["max_new_tokens"]}
        raw.update(prompt_tokens=prompt, completion_tokens=completion)
        meta = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "cost": round(cost, 6),
            "raw_response": raw,
            "model_name": model_id,
        }
        if thinking:
            meta["reasoning_content"] = thinking
        return {"text": text or thinking, "meta": meta}


class AirLLMDriver(AirLLMProtocol, Driver):
    """A local model through AirLLM; see the module docstring for what it offers."""

    provider = "airllm"
    display_name = "AirLLM"
    api_key_env = ("AIRLLM_API_KEY",)
    requires_api_key = False
    default_endpoint = ""
    default_model = "Qwen/Qwen2.5-0.5B-Instruct"
    supports_messages = True
    #: Reasoning models' ``<think>`` blocks become ``meta["reasoning_content"]``.
    supports_reasoning = True

    def generate_messages(self, messages, options=None) -> dict[str, Any]:
        return self._generate(messages, options or {})
