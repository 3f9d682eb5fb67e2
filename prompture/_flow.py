"""Flows: the extraction and conversation logic written once for sync and async callers.

A flow is a generator. It yields a request (`Call` a driver, `Resolve` a model name to a
driver, `Invoke` a tool function), is sent the outcome, and finally returns its result; an
outcome that is an exception is thrown into it, so a flow can catch a failed call. `run`
performs the requests with a `Driver`, `arun` awaits them on an `AsyncDriver`: they are the
only code that differs between ``prompture.core`` and ``prompture.async_core`` (and between
`Conversation` and `AsyncConversation`), so the twins cannot drift apart.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import Any, NamedTuple

__all__ = ["Call", "Flow", "Invoke", "Resolve", "arun", "run"]


class Call(NamedTuple):
    """One driver call: ``generate_messages`` (or ``..._with_tools`` when `tools` is given)."""

    driver: Any
    messages: list[dict[str, Any]]
    options: dict[str, Any]
    tools: list[dict[str, Any]] | None = None


class Resolve(NamedTuple):
    """The driver for ``"provider/model"``: sync or async, whichever runner performs it."""

    model_name: str


class Invoke(NamedTuple):
    """A call of a plain Python function (a tool); an async runner awaits a coroutine result."""

    function: Callable[..., Any]
    arguments: dict[str, Any]


#: A flow: yields requests, is sent their outcomes, returns its result.
Flow = Generator[Call | Resolve | Invoke, Any, Any]


def run(flow: Flow) -> Any:
    """Perform `flow` synchronously and return its result."""
    try:
        request = next(flow)
        while True:
            try:
                outcome = _perform(request)
            except Exception as exc:  # handed to the flow, which may recover or re-raise
                request = flow.throw(exc)
            else:
                request = flow.send(outcome)
    except StopIteration as finished:
        return finished.value


async def arun(flow: Flow) -> Any:
    """Perform `flow` on async drivers and return its result."""
    try:
        request = next(flow)
        while True:
            try:
                outcome = await _aperform(request)
            except Exception as exc:
                request = flow.throw(exc)
            else:
                request = flow.send(outcome)
    except StopIteration as finished:
        return finished.value


def _perform(request: Any) -> Any:
    if isinstance(request, Call):
        return _method(request)(*_arguments(request))
    if isinstance(request, Resolve):
        from .drivers import get_driver_for_model

        return get_driver_for_model(request.model_name)
    result = request.function(**request.arguments)
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close:
            close()
        raise TypeError(f"{request.function.__name__} is async: use the async API to call it")
    return result


async def _aperform(request: Any) -> Any:
    if isinstance(request, Call):
        return await _method(request)(*_arguments(request))
    if isinstance(request, Resolve):
        from .drivers import get_async_driver_for_model

        return get_async_driver_for_model(request.model_name)
    result = request.function(**request.arguments)
    return await result if inspect.isawaitable(result) else result


def _method(call: Call) -> Callable[..., Any]:
    if call.tools is not None:
        return call.driver.generate_messages_with_tools
    if _single_prompt(call.messages) is not None:
        # Drivers written against the prompt-only interface keep working.
        return call.driver.generate
    return call.driver.generate_messages


def _arguments(call: Call) -> tuple[Any, ...]:
    if call.tools is not None:
        return call.messages, call.tools, call.options
    prompt = _single_prompt(call.messages)
    return (prompt if prompt is not None else call.messages), call.options


def _single_prompt(messages: list[dict[str, Any]]) -> str | None:
    """The prompt of a one-message, text-only user conversation; else None."""
    if len(messages) == 1 and messages[0].get("role") == "user":
        content = messages[0].get("content")
        if isinstance(content, str):
            return content
    return None
