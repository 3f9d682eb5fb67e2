"""The driver contract suite: every check of the runtime contract against a local server.

Subclass the mixin in a test module and pytest runs each check on the sync and the async
driver::

    from prompture.testing import OpenAICompatibleContract

    class TestGrokDriver(OpenAICompatibleContract):
        driver_class = GrokDriver
        async_driver_class = AsyncGrokDriver
        priced_model = "grok-4.3"  # optional: cost > 0 is then asserted

One `OpenAICompatServer` serves a whole test class and is reset before every test. Checks a
driver's capability flags rule out are skipped. The checks live in `_contract_scenarios`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, ClassVar

import pytest

from . import _contract_scenarios as s
from .openai_server import OpenAICompatServer

__all__ = ["OpenAICompatibleContract", "SyncAsAsync"]

Scenario = Callable[[s.Case], Coroutine[Any, Any, None]]
# Marking explicitly lets the async checks run under pytest-asyncio's strict mode too.
_asyncio_mark = pytest.mark.asyncio if importlib.util.find_spec("pytest_asyncio") else (lambda f: f)


class SyncAsAsync:
    """A sync driver behind the async driver's interface, so a check is written once.

    Its coroutines never suspend, so `run_to_end` can drive them without an event loop; the
    sync driver runs exactly as a caller would use it. Other attributes pass through.
    """

    def __init__(self, driver: Any) -> None:
        self.driver = driver

    def __getattr__(self, name: str) -> Any:
        return getattr(self.driver, name)

    async def generate(self, prompt: str, options: dict[str, Any] | None = None) -> dict:
        return self.driver.generate(prompt, options)

    async def generate_messages(self, messages: list[dict], options: dict | None = None) -> dict:
        return self.driver.generate_messages(messages, options)

    async def generate_messages_with_tools(
        self, messages: list[dict], tools: list[dict], options: dict | None = None
    ) -> dict:
        return self.driver.generate_messages_with_tools(messages, tools, options)

    async def generate_messages_stream(
        self, messages: list[dict], options: dict | None = None
    ) -> AsyncIterator[dict]:
        chunks: Iterator[dict] = self.driver.generate_messages_stream(messages, options)
        for chunk in chunks:
            yield chunk


def run_to_end(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine that never suspends (a check over `SyncAsAsync`) to its end."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    raise RuntimeError("a sync contract check awaited real I/O")


def _variants(scenario: Scenario) -> tuple[Callable[..., None], Callable[..., Coroutine]]:
    """The sync and the async test method running `scenario`."""

    def sync_test(self: OpenAICompatibleContract, server, monkeypatch) -> None:
        run_to_end(scenario(self._case(server, monkeypatch, self.driver_class, SyncAsAsync)))

    async def async_test(self: OpenAICompatibleContract, server, monkeypatch) -> None:
        if self.async_driver_class is None:
            pytest.skip(f"{type(self).__name__} names no async_driver_class")
        await scenario(self._case(server, monkeypatch, self.async_driver_class, None))

    for test, suffix in ((sync_test, ""), (async_test, "_async")):
        test.__name__ = f"test_{scenario.__name__}{suffix}"
        test.__qualname__ = f"OpenAICompatibleContract.{test.__name__}"
        test.__doc__ = scenario.__doc__
    return sync_test, _asyncio_mark(async_test)


class OpenAICompatibleContract:
    """Mixin running the driver contract against `OpenAICompatServer` (sync and async).

    Set `driver_class` (and `async_driver_class`); optionally `priced_model`, a model the
    catalogue prices so that ``cost > 0`` is asserted. Drivers are built as
    ``driver_class(api_key=..., model=..., endpoint=server.url, max_retries=1,
    retry_backoff=0.01, timeout=2.0)``; override `driver_kwargs` to change that.
    """

    driver_class: ClassVar[type]
    async_driver_class: ClassVar[type | None] = None
    priced_model: ClassVar[str | None] = None
    #: Model the drivers are built with (the server accepts any).
    model: ClassVar[str] = "test-model"
    #: Key the server expects and the drivers send.
    api_key: ClassVar[str] = "test-key"

    @pytest.fixture(scope="class")
    @classmethod
    def contract_server(cls) -> Iterator[OpenAICompatServer]:
        """One server for the whole test class."""
        with OpenAICompatServer(api_key=cls.api_key) as server:
            yield server

    @pytest.fixture
    def server(self, contract_server: OpenAICompatServer) -> OpenAICompatServer:
        """The class's server with its records, scripts and failures reset for this test."""
        contract_server.reset()
        return contract_server

    def driver_kwargs(self, server: OpenAICompatServer) -> dict[str, Any]:
        """Constructor arguments of the drivers under test."""
        return {
            "api_key": self.api_key,
            "model": self.model,
            "endpoint": server.url,
            "max_retries": 1,
            "retry_backoff": 0.01,
            "timeout": 2.0,
        }

    def _case(
        self,
        server: OpenAICompatServer,
        monkeypatch: pytest.MonkeyPatch,
        driver_class: type,
        wrapper: Callable[[Any], Any] | None,
    ) -> s.Case:
        def make(**overrides: Any) -> Any:
            driver = driver_class(**{**self.driver_kwargs(server), **overrides})
            return wrapper(driver) if wrapper else driver

        return s.Case(
            server=server,
            driver_class=driver_class,
            make=make,
            api_key=self.api_key,
            model=self.model,
            priced_model=self.priced_model,
            monkeypatch=monkeypatch,
        )

    test_generate_text, test_generate_text_async = _variants(s.generate_text)
    test_generate_messages, test_generate_messages_async = _variants(s.generate_messages)
    test_json_mode, test_json_mode_async = _variants(s.json_mode)
    test_json_schema, test_json_schema_async = _variants(s.json_schema)
    test_tool_call, test_tool_call_async = _variants(s.tool_call)
    test_tool_follow_up, test_tool_follow_up_async = _variants(s.tool_follow_up)
    test_stop_reasons, test_stop_reasons_async = _variants(s.stop_reasons)
    test_stream, test_stream_async = _variants(s.stream)
    test_stream_http_error, test_stream_http_error_async = _variants(s.stream_http_error)
    test_vision, test_vision_async = _variants(s.vision)
    test_reasoning, test_reasoning_async = _variants(s.reasoning)
    test_options_not_mutated, test_options_not_mutated_async = _variants(s.options_not_mutated)
    test_model_option, test_model_option_async = _variants(s.model_option)
    test_cost, test_cost_async = _variants(s.cost)
    test_wrong_key, test_wrong_key_async = _variants(s.wrong_key)
    test_echoed_key_redacted, test_echoed_key_redacted_async = _variants(s.echoed_key_redacted)
    test_rate_limit_then_success, test_rate_limit_then_success_async = _variants(
        s.rate_limit_then_success
    )
    test_server_error, test_server_error_async = _variants(s.server_error)
    test_malformed_body, test_malformed_body_async = _variants(s.malformed_body)
    test_timeout, test_timeout_async = _variants(s.timeout)
    test_connection_refused, test_connection_refused_async = _variants(s.connection_refused)
    test_missing_key, test_missing_key_async = _variants(s.missing_key)
    test_list_models, test_list_models_async = _variants(s.list_models)
