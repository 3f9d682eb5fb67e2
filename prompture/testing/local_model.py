"""`StandInModelServer`: a stand-in for a local AirLLM model, with the servers' scripting API.

It is NOT AirLLM and NOT a model. AirLLM runs a Hugging Face model in this process (it needs
torch and gigabytes of weights), so a driver for it sends no HTTP request a test server could
answer. This object plays that model instead: `load` is a ``model_loader`` (the driver's
constructor seam) returning a `StandInModel`, which implements exactly what the driver calls
on the object ``airllm.AutoModel.from_pretrained`` returns -- ``tokenizer(...)``,
``tokenizer.chat_template``, ``tokenizer.apply_chat_template(...)``, ``tokenizer.decode(...)``,
``max_seq_len`` and ``generate(input_ids, **kwargs)`` -- on plain lists instead of tensors::

    server = StandInModelServer()
    server.script("Paris")
    driver = AirLLMDriver(model="some/model", model_loader=server.load)
    assert driver.generate("Capital of France?")["text"] == "Paris"
    assert server.last_request.body["max_new_tokens"] == 512

Like the HTTP servers it records every call into the model as a `RecordedRequest`, answers
from replies queued with `script` (FIFO) or a sensible default, and injects failures. A load
is recorded as ``method="LOAD", path="/load"`` with body ``{"model"}``; a generation as
``method="POST", path="/generate"`` (the contract counts generations as POSTs) with body
``{"model", "prompt", "input_ids", **kwargs}``: the model it was loaded as, the prompt decoded
with its special tokens, and exactly what the driver passed to ``generate``. There is no URL
(`url` is ``""``), no port, no key check and no HTTP status.

The tokenizer is a toy one: a token is a word with the whitespace before it, or one of the
ChatML special tokens of Qwen (the default AirLLM model); decoding joins the tokens back, so
text survives a round trip exactly. The chat template is ChatML. An answer ends with the
``<|im_end|>`` end token, as a real generation's sequence does. Only the standard library is
used.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from .._compat import Self
from ._fake_values import schema_instance
from ._server import Headers, RecordedRequest
from ._wire_probe import WireProbe, schema_in_text

__all__ = [
    "AirLLMWire",
    "StandInModel",
    "StandInModelServer",
    "StandInTokenizer",
    "parse_prompt",
]

DEFAULT_TEXT = "Hello from the stand-in model."
#: Qwen's special tokens: padding/end of text, turn start, turn end (the chat models' EOS).
PAD, IM_START, IM_END = "<|endoftext|>", "<|im_start|>", "<|im_end|>"
SPECIAL_TOKENS = (PAD, IM_START, IM_END)
#: Prompt tokens the stand-in model reads when built without ``max_seq_len``.
DEFAULT_MAX_SEQ_LEN = 2048
_TOKEN = re.compile(
    "|".join(map(re.escape, SPECIAL_TOKENS))
    + r"|\s*(?:(?!"
    + "|".join(map(re.escape, SPECIAL_TOKENS))
    + r")\S)+|\s+"
)
_CHATML_TURN = re.compile(
    re.escape(IM_START) + r"(\w+)\n(.*?)(?:" + re.escape(IM_END) + r"|\Z)", re.DOTALL
)
_TRANSCRIPT_TURN = re.compile(r"^(System|User|Assistant|Tool): ?", re.MULTILINE)
_DEFAULT_LOAD_ERROR = "stand-in/model does not appear to have a file named config.json"
_DEFAULT_GENERATE_ERROR = "CUDA out of memory. Tried to allocate 2.00 GiB"


@dataclass(frozen=True)
class _Script:
    """One scripted answer: the generated text and the token counts to come out with."""

    text: str
    end_token: bool
    prompt_tokens: int | None
    completion_tokens: int | None


@dataclass(frozen=True)
class _Failure:
    """A queued generation failure: an exception, an unreadable output, or a slow answer."""

    error: BaseException | None = None
    malformed: bool = False
    delay: float = 0.0


class StandInModelServer:
    """Stands in for a local AirLLM model: scripted answers, recorded calls, injected failures.

    Not an HTTP server (see the module docstring). `load` is the ``model_loader`` to give the
    driver; every model it returns shares this object's scripts, records and vocabulary.
    `api_key` is kept for the contract suite's common interface only: a local model checks no
    key. `chat_template`: None makes the tokenizer have none (the driver then writes a plain
    transcript). `max_seq_len`: the model's input window (None: the model states none).
    """

    url = ""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        chat_template: str | None = "chatml",
        max_seq_len: int | None = DEFAULT_MAX_SEQ_LEN,
    ) -> None:
        self.api_key = api_key
        self.chat_template = chat_template
        self.max_seq_len = max_seq_len
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._scripts: deque[_Script] = deque()
        self._failures: deque[_Failure] = deque()
        self._load_failures: deque[BaseException] = deque()
        self._vocabulary: list[str] = list(SPECIAL_TOKENS)
        self._ids: dict[str, int] = {token: i for i, token in enumerate(SPECIAL_TOKENS)}

    # -- the context-manager interface of the servers (nothing to start)

    def start(self) -> Self:
        return self

    def stop(self) -> None:
        """Nothing to stop: the stand-in runs no thread and holds no socket."""

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- records

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every load and generation since the last `clear()`/`reset()`, in order."""
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> RecordedRequest | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    @property
    def loads(self) -> list[str]:
        """The model ids loaded, in order."""
        return [r.body["model"] for r in self.requests if r.method == "LOAD"]

    def clear(self) -> None:
        """Forget the recorded calls (queued failures and scripts stay)."""
        with self._lock:
            self._requests.clear()

    def reset(self) -> None:
        """Forget recorded calls, queued failures and scripted answers."""
        with self._lock:
            self._requests.clear()
            self._scripts.clear()
            self._failures.clear()
            self._load_failures.clear()

    # -- scripting

    def script(
        self,
        text: str = "",
        *,
        tool_calls: list[dict[str, Any]] | None = None,
        reasoning: str | None = None,
        finish_reason: str | None = None,
        usage: dict[str, int] | None = None,
        chunks: int | None = None,
    ) -> Self:
        """Queue the answer to the next generation (FIFO, one per generation).

        `reasoning` is written first as ``<think>...</think>``, as reasoning models (Qwen3,
        DeepSeek-R1 distills) do. `finish_reason`: ``end_turn`` (default: the answer ends with
        the end token) or ``max_tokens`` (the model never emits it; the answer is cut at
        ``max_new_tokens``). `usage`: ``prompt_tokens``/``completion_tokens`` the tokenized
        prompt and the generated tokens (end token included) come out as: the toy vocabulary
        then cuts the same text into more or fewer tokens, as a real one might, as near as
        the text allows (one token per character at most), within the model's window and
        ``max_new_tokens``. A local model calls no tools, has no content filter and does not
        stream here, so `tool_calls`, other finish reasons and `chunks` are a ValueError.
        """
        if tool_calls:
            raise ValueError("the stand-in model writes text only: it cannot script tool calls")
        if chunks is not None:
            raise ValueError("the stand-in model does not stream: chunks cannot be scripted")
        if finish_reason not in (None, "end_turn", "max_tokens"):
            raise ValueError(f"a local model cannot stop with {finish_reason!r}")
        usage = dict(usage or {})
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        total = usage.get("total_tokens")
        if total is not None and (
            prompt is None or completion is None or prompt + completion != total
        ):
            raise ValueError("usage: total_tokens must be prompt_tokens + completion_tokens")
        if reasoning:
            text = f"<think>\n{reasoning}\n</think>\n\n{text}"
        item = _Script(text, finish_reason != "max_tokens", prompt, completion)
        with self._lock:
            self._scripts.append(item)
        return self

    def fail_next(self, error: BaseException | type | str | None = None, times: int = 1) -> Self:
        """Make the next `times` generations raise `error` inside ``generate``.

        `error`: an exception (instance or class) or a message for a RuntimeError; by default
        a CUDA out-of-memory RuntimeError. A local model has no HTTP status: an int is a
        TypeError.
        """
        if isinstance(error, int):
            raise TypeError("a local model answers no HTTP status: pass the exception to raise")
        return self._queue(
            _Failure(error=_exception(error, RuntimeError, _DEFAULT_GENERATE_ERROR)), times
        )

    def fail_next_load(
        self, error: BaseException | type | str | None = None, times: int = 1
    ) -> Self:
        """Make the next `times` model loads raise `error` (default: missing weights, OSError)."""
        exception = _exception(error, OSError, _DEFAULT_LOAD_ERROR)
        with self._lock:
            self._load_failures.extend([exception] * times)
        return self

    def fail_next_malformed(self, times: int = 1) -> Self:
        """Make the next `times` generations return an output without ``sequences``."""
        return self._queue(_Failure(malformed=True), times)

    def delay_next(self, seconds: float, times: int = 1) -> Self:
        """Make the next `times` generations take `seconds` longer (normal answers)."""
        return self._queue(_Failure(delay=seconds), times)

    def _queue(self, failure: _Failure, times: int) -> Self:
        with self._lock:
            self._failures.extend([failure] * times)
        return self

    # -- the model side

    def load(self, model_id: str) -> StandInModel:
        """The ``model_loader``: a `StandInModel` for `model_id` (recorded as a LOAD)."""
        self._record("LOAD", "/load", {"model": model_id})
        with self._lock:
            failure = self._load_failures.popleft() if self._load_failures else None
        if failure is not None:
            raise failure
        return StandInModel(self, model_id)

    def _record(self, method: str, path: str, body: dict[str, Any]) -> None:
        raw = json.dumps(body, default=repr).encode()
        request = RecordedRequest(method, path, Headers(), body, raw)
        with self._lock:
            self._requests.append(request)

    def _next_script(self, *, pop: bool) -> _Script | None:
        with self._lock:
            if not self._scripts:
                return None
            return self._scripts.popleft() if pop else self._scripts[0]

    def _next_failure(self) -> _Failure | None:
        with self._lock:
            return self._failures.popleft() if self._failures else None

    def _token_ids(self, pieces: list[str]) -> list[int]:
        with self._lock:
            ids = []
            for piece in pieces:
                if piece not in self._ids:
                    self._ids[piece] = len(self._vocabulary)
                    self._vocabulary.append(piece)
                ids.append(self._ids[piece])
            return ids

    def _tokens(self, ids: list[int]) -> list[str]:
        with self._lock:
            return [self._vocabulary[i] for i in ids]


class StandInTokenizer:
    """Stands in for a Hugging Face tokenizer (see the module docstring for the toy vocabulary)."""

    def __init__(self, server: StandInModelServer) -> None:
        self._server = server
        self.chat_template = server.chat_template
        self.eos_token, self.pad_token = IM_END, PAD

    def apply_chat_template(
        self,
        conversation: list[dict[str, str]],
        *,
        tokenize: bool = True,
        add_generation_prompt: bool = False,
    ) -> str:
        """ChatML, as Qwen's template renders it (text only: the driver asks for a string)."""
        if self.chat_template is None:
            raise ValueError("this tokenizer has no chat template")
        if tokenize:
            raise NotImplementedError("the stand-in renders chat templates as text only")
        turns = "".join(f"{IM_START}{t['role']}\n{t['content']}{IM_END}\n" for t in conversation)
        return turns + (f"{IM_START}assistant\n" if add_generation_prompt else "")

    def __call__(
        self,
        text: str,
        *,
        return_tensors: str | None = None,
        truncation: bool = False,
        max_length: int | None = None,
        **kwargs: Any,
    ) -> dict[str, list[list[int]]]:
        """``{"input_ids": [[...]]}`` (a batch of one; plain lists stand in for tensors)."""
        if not isinstance(text, str):
            raise TypeError(f"text input must be a str, not {type(text).__name__}")
        script = self._server._next_script(pop=False)
        pieces = _cut(text, script.prompt_tokens if script else None)
        if truncation and max_length is not None:
            pieces = pieces[:max_length]
        return {"input_ids": [self._server._token_ids(pieces)]}

    def decode(self, token_ids: list[int], skip_special_tokens: bool = False) -> str:
        tokens = self._server._tokens(list(token_ids))
        if skip_special_tokens:
            tokens = [t for t in tokens if t not in SPECIAL_TOKENS]
        return "".join(tokens)


class StandInModel:
    """Stands in for the model ``airllm.AutoModel.from_pretrained(model_id)`` returns."""

    def __init__(self, server: StandInModelServer, model_id: str) -> None:
        self._server = server
        self.model_id = model_id
        self.tokenizer = StandInTokenizer(server)
        self.max_seq_len = server.max_seq_len

    def generate(
        self,
        input_ids: list[list[int]],
        *,
        max_new_tokens: int = 20,
        return_dict_in_generate: bool = False,
        **kwargs: Any,
    ) -> Any:
        """The prompt's sequence followed by the answer's tokens, as Hugging Face returns it."""
        server = self._server
        if not (
            isinstance(input_ids, list) and len(input_ids) == 1 and isinstance(input_ids[0], list)
        ):
            raise TypeError("input_ids must be a batch of one sequence of token ids")
        prompt = self.tokenizer.decode(input_ids[0])
        body = {"model": self.model_id, "prompt": prompt, "input_ids": input_ids}
        body.update(max_new_tokens=max_new_tokens, return_dict_in_generate=return_dict_in_generate)
        server._record("POST", "/generate", {**body, **kwargs})
        failure = server._next_failure()
        if failure is not None and failure.error is not None:
            raise failure.error
        if failure is not None and failure.delay:
            time.sleep(failure.delay)
        script = server._next_script(pop=True) or _Script(_default_answer(prompt), True, None, None)
        new_ids = server._token_ids(_answer_pieces(script))[:max_new_tokens]
        sequences = [input_ids[0] + new_ids]
        if failure is not None and failure.malformed:
            return {"generated": "not what generate returns"}
        return SimpleNamespace(sequences=sequences) if return_dict_in_generate else sequences


def _exception(error: Any, kind: type[BaseException], default: str) -> BaseException:
    if error is None:
        return kind(default)
    if isinstance(error, str):
        return kind(error)
    return error() if isinstance(error, type) else error


def _default_answer(prompt: str) -> str:
    """A JSON instance when the prompt asks for JSON against a schema, JSON when it asks for
    JSON, else a greeting."""
    if "JSON" not in prompt:
        return DEFAULT_TEXT
    schema = schema_in_text(prompt)
    return json.dumps(schema_instance(schema) if schema else {"message": DEFAULT_TEXT})


def _answer_pieces(script: _Script) -> list[str]:
    """The tokens of a scripted answer, its end token included when the model stops itself."""
    end = [IM_END] if script.end_token else []
    count = script.completion_tokens
    return _cut(script.text, None if count is None else count - len(end)) + end


def _cut(text: str, count: int | None) -> list[str]:
    """`text` as tokens; with `count`, cut finer or coarser to come as near to it as possible.

    Splitting halves the longest ordinary token; merging joins the shortest adjacent pair of
    ordinary tokens. Special tokens stay whole.
    """
    pieces = _TOKEN.findall(text)
    if count is None:
        return pieces
    while len(pieces) < count:
        i = max(range(len(pieces)), key=lambda k: _splittable(pieces[k]), default=-1)
        if i < 0 or _splittable(pieces[i]) < 2:
            break
        half = len(pieces[i]) // 2
        pieces[i : i + 1] = [pieces[i][:half], pieces[i][half:]]
    while len(pieces) > max(count, 0):
        pairs = [
            (len(pieces[k]) + len(pieces[k + 1]), k)
            for k in range(len(pieces) - 1)
            if pieces[k] not in SPECIAL_TOKENS and pieces[k + 1] not in SPECIAL_TOKENS
        ]
        if not pairs:
            break
        _, k = min(pairs)
        pieces[k : k + 2] = [pieces[k] + pieces[k + 1]]
    return pieces


def _splittable(piece: str) -> int:
    return 0 if piece in SPECIAL_TOKENS else len(piece)


def parse_prompt(prompt: str) -> list[tuple[str, str]]:
    """``[(role, content)]`` of a prompt the driver rendered: ChatML, else a plain transcript
    (``Role: content`` lines, as the driver writes without a chat template)."""
    if IM_START in prompt:
        return [(role, content) for role, content in _CHATML_TURN.findall(prompt)]
    marks = list(_TRANSCRIPT_TURN.finditer(prompt))
    turns = []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(prompt)
        turns.append((mark.group(1).lower(), prompt[mark.end() : end].rstrip("\n")))
    return turns


class AirLLMWire(WireProbe):
    """Probe for the calls an AirLLM-style driver makes into `StandInModelServer`'s model.

    Texts come from the rendered prompt (the ChatML turns, or the plain transcript), limits
    from the ``generate`` keyword arguments. Such a model has no native JSON output, tools or
    images: a native JSON mode would be a decoding constraint passed to ``generate`` (a
    ``logits_processor`` or ``prefix_allowed_tokens_fn``), a stream a ``streamer``.
    """

    strict_schema = False
    sends_temperature = True

    def api_key(self, req: RecordedRequest) -> str | None:
        """Always None: the model gets no key (an HF token would only download weights)."""
        return None

    def model(self, req: RecordedRequest) -> str:
        return str(_body(req).get("model") or "")

    def turns(self, req: RecordedRequest) -> list[tuple[str, str]]:
        """The conversation the prompt renders, the generation prompt's empty turn left out."""
        turns = parse_prompt(str(_body(req).get("prompt") or ""))
        if turns and turns[-1] == ("assistant", ""):
            turns.pop()
        return turns

    def texts(self, req: RecordedRequest) -> str:
        return "\n".join(content for _, content in self.turns(req))

    def system(self, req: RecordedRequest) -> str:
        return "\n".join(content for role, content in self.turns(req) if role == "system")

    def json_mode(self, req: RecordedRequest) -> bool:
        body = _body(req)
        return any(body.get(k) for k in ("logits_processor", "prefix_allowed_tokens_fn"))

    def schema(self, req: RecordedRequest) -> dict[str, Any] | None:
        return None

    def tools(self, req: RecordedRequest) -> list[dict[str, Any]]:
        return []

    def tool_calls_sent(self, req: RecordedRequest) -> list[str]:
        return []

    def tool_call_arguments(self, req: RecordedRequest) -> list[Any]:
        return []

    def tool_results(self, req: RecordedRequest) -> list[str]:
        return []

    def has_image(self, req: RecordedRequest) -> bool:
        return False

    def is_stream(self, req: RecordedRequest) -> bool:
        return _body(req).get("streamer") is not None

    def temperature(self, req: RecordedRequest) -> float | None:
        """The sampling temperature; None under greedy decoding (``do_sample`` unset)."""
        body = _body(req)
        return body.get("temperature") if body.get("do_sample") else None

    def max_tokens(self, req: RecordedRequest) -> int | None:
        return _body(req).get("max_new_tokens")


def _body(req: RecordedRequest) -> dict[str, Any]:
    return req.body if isinstance(req.body, dict) else {}
