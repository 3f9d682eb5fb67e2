"""`Conversation` and `AsyncConversation`: multi-turn chats that remember their history.

Both offer `ask` (text), `ask_for_json`, `extract_with_model`, `ask_stream`, tools (plain
Python functions, run in an automatic loop until the model answers) and usage totals. Every
turn is a flow (see `prompture._flow`) written once in `_ConversationBase`; `Conversation`
runs it on a `Driver`, `AsyncConversation` awaits it on an `AsyncDriver`. Only streaming,
whose shape is an iterator, has a body per side, around shared turn bookkeeping.

A driver without native tool calls gets tools simulated: their descriptions go into the
system prompt and the model answers with a JSON tool request or its final answer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import core
from ._flow import Call, Flow, Invoke, arun, run
from ._json_cleaning import parse_json_answer
from ._result import ExtractResult
from .exceptions import ExtractionError
from .tools import ToolRegistry, tool_result_text

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .images import ImageInput

__all__ = ["AsyncConversation", "Conversation"]

_SIMULATED_TOOLS = (
    "You can call these tools:\n{tools}\n\n"
    'To call one, answer with only this JSON: {{"tool": "<name>", "arguments": {{...}}}}. '
    "You will get its result in the next message. When you can answer, answer normally."
)


class _ConversationBase:
    """State and turn flows shared by `Conversation` and `AsyncConversation`."""

    _resolve: Callable[[str], Any]

    def __init__(
        self,
        model_name: str | None = None,
        *,
        driver: Any = None,
        system_prompt: str | None = None,
        options: dict[str, Any] | None = None,
        tools: ToolRegistry | list[Callable[..., Any]] | None = None,
        max_tool_rounds: int = 10,
        simulated_tools: bool | str = "auto",
    ) -> None:
        if driver is None:
            if not model_name:
                raise ValueError("a Conversation needs model_name ('provider/model') or driver=")
            driver = type(self)._resolve(model_name)
        self._driver = driver
        self._model_name = model_name or getattr(driver, "model", "") or ""
        self.system_prompt = system_prompt
        self._options = dict(options or {})
        self._tools = tools if isinstance(tools, ToolRegistry) else ToolRegistry(tools)
        self._max_tool_rounds = max_tool_rounds
        self._simulated_tools = simulated_tools
        self._messages: list[dict[str, Any]] = []
        self._usage = _zero_usage()
        self._last_reasoning: str | None = None

    # --- state ---------------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def driver(self) -> Any:
        return self._driver

    @property
    def messages(self) -> list[dict[str, Any]]:
        """A copy of the history (the system prompt is not part of it)."""
        return list(self._messages)

    @property
    def usage(self) -> dict[str, Any]:
        """Totals over every call: tokens, cost and ``turns`` (calls made)."""
        return dict(self._usage)

    @property
    def last_reasoning(self) -> str | None:
        """The thinking the model returned with its last answer, if any."""
        return self._last_reasoning

    @property
    def tools(self) -> ToolRegistry:
        return self._tools

    def clear(self) -> None:
        """Forget the history (the system prompt, tools and usage totals stay)."""
        self._messages.clear()

    def add_context(self, role: str, content: str, images: list[ImageInput] | None = None) -> None:
        """Put a user or assistant message into the history without calling the model."""
        if role not in ("user", "assistant"):
            raise ValueError("role must be 'user' or 'assistant'")
        self._messages.append({"role": role, "content": _content(content, images)})

    def register_tool(
        self, fn: Callable[..., Any], *, name: str | None = None, description: str | None = None
    ) -> None:
        """Offer the Python function `fn` to the model as a tool."""
        self._tools.register(fn, name=name, description=description)

    def usage_summary(self) -> str:
        u = self._usage
        return (
            f"Conversation: {u['total_tokens']:,} tokens across {u['turns']} turn(s) "
            f"costing ${u['cost']:.4f}"
        )

    # --- flows ---------------------------------------------------------------------------------

    def _ask_flow(
        self, content: str, options: dict[str, Any] | None, images: list[ImageInput] | None
    ) -> Flow:
        merged = {**self._options, **(options or {})}
        self._messages.append({"role": "user", "content": _content(content, images)})
        if len(self._tools) and self._native_tools():
            return (yield from self._tool_loop(merged))
        if len(self._tools) and self._simulated_tools:
            return (yield from self._simulated_loop(merged))
        return (yield from self._answer(self._history(), merged))

    def _answer(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> Flow:
        """One plain call; its text becomes the next assistant message."""
        response = yield Call(self._driver, messages, options)
        text = self._take(response)
        self._messages.append({"role": "assistant", "content": text})
        return text

    def _tool_loop(self, options: dict[str, Any]) -> Flow:
        specs = self._tools.to_openai_format()
        for _ in range(self._max_tool_rounds):
            response = yield Call(self._driver, self._history(), options, specs)
            text = self._take(response)
            calls = _with_ids(response.get("tool_calls") or [], len(self._messages))
            if not calls:
                self._messages.append({"role": "assistant", "content": text})
                return text
            self._messages.append(_assistant_tool_turn(text, calls))
            for call in calls:
                result = yield from self._run_tool(call["name"], call["arguments"])
                self._messages.append(
                    {"role": "tool", "tool_call_id": call["id"], "content": result}
                )
        # Out of rounds: one last answer with the tools withheld.
        return (yield from self._answer(self._history(), options))

    def _simulated_loop(self, options: dict[str, Any]) -> Flow:
        listing = "\n".join(
            f"- {s['function']['name']}: {s['function']['description']} "
            f"(arguments: {json.dumps(s['function']['parameters']['properties'])})"
            for s in self._tools.to_openai_format()
        )
        instructions = _SIMULATED_TOOLS.format(tools=listing)
        for _ in range(self._max_tool_rounds):
            system = "\n\n".join(filter(None, [self.system_prompt, instructions]))
            messages = [{"role": "system", "content": system}, *self._messages]
            text = yield from self._answer(messages, options)
            request = _tool_request(text)
            if request is None:
                return text
            result = yield from self._run_tool(*request)
            self._messages.append({"role": "user", "content": f"Result of {request[0]}: {result}"})
        return (yield from self._answer(self._history(), options))

    def _run_tool(self, name: str, arguments: Any) -> Flow:
        function = self._tools.get(name)
        if function is None:
            return f"Error: there is no tool named {name!r}"
        try:
            result = yield Invoke(function, dict(arguments or {}))
        except Exception as exc:  # the model is told, and may try again
            return f"Error: {type(exc).__name__}: {exc}"
        return tool_result_text(result)

    def _ask_for_json_flow(
        self,
        content: str,
        json_schema: dict[str, Any],
        ai_cleanup: bool,
        options: dict[str, Any] | None,
        output_format: str,
        json_mode: str,
        images: list[ImageInput] | None,
    ) -> Flow:
        merged = {**self._options, **(options or {})}
        result = yield from core._json_answer(
            _Recorder(self), content, json_schema, ai_cleanup, self._model_name, merged,
            output_format, None, json_mode, self.system_prompt, images, list(self._messages),
        )  # fmt: skip
        self._messages.append({"role": "user", "content": _content(content, images)})
        self._messages.append({"role": "assistant", "content": result["json_string"]})
        return result

    def _extract_flow(
        self,
        model_cls: type[BaseModel],
        text: str,
        instruction_template: str,
        ai_cleanup: bool,
        output_format: str,
        options: dict[str, Any] | None,
        json_mode: str,
        images: list[ImageInput] | None,
    ) -> Flow:
        prompt = core._extraction_prompt(text, instruction_template)
        schema = model_cls.model_json_schema()
        result = yield from self._ask_for_json_flow(
            prompt, schema, ai_cleanup, options, output_format, json_mode, images
        )
        return ExtractResult(result, model=core._model_instance(model_cls, result))

    # --- helpers -------------------------------------------------------------------------------

    def _native_tools(self) -> bool:
        native = bool(getattr(self._driver, "supports_tool_use", False))
        return native and self._simulated_tools is not True

    def _history(self) -> list[dict[str, Any]]:
        system = [{"role": "system", "content": self.system_prompt}] if self.system_prompt else []
        return [*system, *self._messages]

    def _take(self, response: dict[str, Any]) -> str:
        """Count a response's usage and thinking; return its text."""
        self._count(response.get("meta") or {})
        meta = response.get("meta") or {}
        self._last_reasoning = response.get("reasoning_content") or meta.get("reasoning_content")
        return response.get("text") or ""

    def _count(self, meta: dict[str, Any]) -> None:
        for field in ("prompt_tokens", "completion_tokens", "total_tokens"):
            self._usage[field] += int(meta.get(field) or 0)
        self._usage["cost"] = round(self._usage["cost"] + float(meta.get("cost") or 0.0), 6)
        self._usage["turns"] += 1

    def _stream_start(self, content: str, options: Any, images: Any) -> tuple[list, dict]:
        self._messages.append({"role": "user", "content": _content(content, images)})
        return self._history(), {**self._options, **(options or {})}

    def _stream_end(self, chunk: dict[str, Any]) -> None:
        text = chunk.get("text") or ""
        self._take({"text": text, "meta": chunk.get("meta") or {}})
        self._messages.append({"role": "assistant", "content": text})


class _Recorder:
    """The conversation's driver, seen by the shared JSON flow; usage is counted as it passes.

    The flow calls the driver through `Call` requests; wrapping it keeps the runner unaware of
    conversations while every response still reaches the usage totals.
    """

    def __init__(self, conversation: _ConversationBase) -> None:
        self._conversation = conversation
        self._driver = conversation.driver

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def _counted(self, response: Any) -> Any:
        if isinstance(response, dict):
            self._conversation._take(response)
        return response

    def generate(self, prompt: str, options: dict[str, Any]) -> Any:
        return self._relay(self._driver.generate(prompt, options))

    def generate_messages(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> Any:
        return self._relay(self._driver.generate_messages(messages, options))

    def _relay(self, response: Any) -> Any:
        if hasattr(response, "__await__"):
            return self._arelay(response)
        return self._counted(response)

    async def _arelay(self, pending: Any) -> Any:
        return self._counted(await pending)


class Conversation(_ConversationBase):
    """A multi-turn conversation with one model (``"provider/model"``) or one `driver`."""

    @staticmethod
    def _resolve(model_name: str) -> Any:
        from .drivers import get_driver_for_model

        return get_driver_for_model(model_name)

    def ask(
        self,
        content: str,
        options: dict[str, Any] | None = None,
        images: list[ImageInput] | None = None,
    ) -> str:
        """Send `content` (and `images`); return the answer text. Tools run as needed."""
        return run(self._ask_flow(content, options, images))

    def ask_for_json(
        self,
        content: str,
        json_schema: dict[str, Any],
        ai_cleanup: bool = True,
        options: dict[str, Any] | None = None,
        output_format: str = "json",
        json_mode: str = "auto",
        images: list[ImageInput] | None = None,
    ) -> dict[str, Any]:
        """Like `prompture.ask_for_json`, with the conversation so far as context."""
        flow = self._ask_for_json_flow(
            content, json_schema, ai_cleanup, options, output_format, json_mode, images
        )
        return run(flow)

    def extract_with_model(
        self,
        model_cls: type[BaseModel],
        text: str,
        instruction_template: str = core.DEFAULT_INSTRUCTION,
        ai_cleanup: bool = True,
        output_format: str = "json",
        options: dict[str, Any] | None = None,
        json_mode: str = "auto",
        images: list[ImageInput] | None = None,
    ) -> ExtractResult:
        """Like `prompture.extract_with_model`, with the conversation so far as context."""
        flow = self._extract_flow(
            model_cls, text, instruction_template, ai_cleanup, output_format, options,
            json_mode, images,
        )  # fmt: skip
        return run(flow)

    def ask_stream(
        self,
        content: str,
        options: dict[str, Any] | None = None,
        images: list[ImageInput] | None = None,
    ) -> Iterator[str]:
        """Yield the answer's text as it arrives; the whole answer joins the history."""
        if not getattr(self._driver, "supports_streaming", False):
            yield self.ask(content, options, images)
            return
        messages, merged = self._stream_start(content, options, images)
        for chunk in self._driver.generate_messages_stream(messages, merged):
            if chunk.get("type") == "delta":
                yield chunk.get("text") or ""
            elif chunk.get("type") == "done":
                self._stream_end(chunk)


class AsyncConversation(_ConversationBase):
    """`Conversation` on an async driver: the same methods, awaited."""

    @staticmethod
    def _resolve(model_name: str) -> Any:
        from .drivers import get_async_driver_for_model

        return get_async_driver_for_model(model_name)

    async def ask(
        self,
        content: str,
        options: dict[str, Any] | None = None,
        images: list[ImageInput] | None = None,
    ) -> str:
        """Async twin of `Conversation.ask` (tools may be coroutine functions)."""
        return await arun(self._ask_flow(content, options, images))

    async def ask_for_json(
        self,
        content: str,
        json_schema: dict[str, Any],
        ai_cleanup: bool = True,
        options: dict[str, Any] | None = None,
        output_format: str = "json",
        json_mode: str = "auto",
        images: list[ImageInput] | None = None,
    ) -> dict[str, Any]:
        """Async twin of `Conversation.ask_for_json`."""
        flow = self._ask_for_json_flow(
            content, json_schema, ai_cleanup, options, output_format, json_mode, images
        )
        return await arun(flow)

    async def extract_with_model(
        self,
        model_cls: type[BaseModel],
        text: str,
        instruction_template: str = core.DEFAULT_INSTRUCTION,
        ai_cleanup: bool = True,
        output_format: str = "json",
        options: dict[str, Any] | None = None,
        json_mode: str = "auto",
        images: list[ImageInput] | None = None,
    ) -> ExtractResult:
        """Async twin of `Conversation.extract_with_model`."""
        flow = self._extract_flow(
            model_cls, text, instruction_template, ai_cleanup, output_format, options,
            json_mode, images,
        )  # fmt: skip
        return await arun(flow)

    async def ask_stream(
        self,
        content: str,
        options: dict[str, Any] | None = None,
        images: list[ImageInput] | None = None,
    ) -> AsyncIterator[str]:
        """Async twin of `Conversation.ask_stream`."""
        if not getattr(self._driver, "supports_streaming", False):
            yield await self.ask(content, options, images)
            return
        messages, merged = self._stream_start(content, options, images)
        async for chunk in self._driver.generate_messages_stream(messages, merged):
            if chunk.get("type") == "delta":
                yield chunk.get("text") or ""
            elif chunk.get("type") == "done":
                self._stream_end(chunk)


def _zero_usage() -> dict[str, Any]:
    return {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "cost": 0.0, "turns": 0}


def _content(text: str, images: list[ImageInput] | None) -> Any:
    if not images:
        return text
    from .images import user_content

    return user_content(text, images)


def _with_ids(calls: list[dict[str, Any]], turn: int) -> list[dict[str, Any]]:
    """The tool calls of a response, each with an id (made up where the provider gave none)."""
    return [
        {
            "id": call.get("id") or f"call_{turn}_{number}",
            "name": call.get("name", ""),
            "arguments": call.get("arguments") if isinstance(call.get("arguments"), dict) else {},
        }
        for number, call in enumerate(calls)
    ]


def _assistant_tool_turn(text: str, calls: list[dict[str, Any]]) -> dict[str, Any]:
    """The assistant message asking for `calls`, in OpenAI's format (every driver takes it)."""
    return {
        "role": "assistant",
        "content": text,
        "tool_calls": [
            {
                "id": call["id"],
                "type": "function",
                "function": {"name": call["name"], "arguments": json.dumps(call["arguments"])},
            }
            for call in calls
        ],
    }


def _tool_request(text: str) -> tuple[str, dict[str, Any]] | None:
    """``(name, arguments)`` when a simulated-tools answer asks for a tool; else None."""
    if '"tool"' not in text:
        return None
    try:
        value = parse_json_answer(text, "object")
    except ExtractionError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("tool"), str):
        return None
    arguments = value.get("arguments")
    return value["tool"], arguments if isinstance(arguments, dict) else {}
