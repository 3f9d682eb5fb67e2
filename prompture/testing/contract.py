"""The driver contract suite: every check of the runtime contract against a local server.

Subclass a mixin in a test module and pytest runs each check on the sync and the async
driver::

    from prompture.testing import OpenAICompatibleContract

    class TestGrokDriver(OpenAICompatibleContract):
        driver_class = GrokDriver
        async_driver_class = AsyncGrokDriver
        priced_model = "grok-4.3"  # optional: cost > 0 is then asserted

`DriverContract` is the wire-neutral mixin: a wire format plugs in with its server class and
its `WireProbe` (``OpenAICompatibleContract`` is `DriverContract` on the OpenAI wire, plus
the OpenAI pass-through checks). One server serves a whole test class and is reset before
every test. A capability a driver lacks makes a check assert the fallback; only what cannot
apply is skipped. The checks live in `_contract_scenarios` (and `_openai_scenarios`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, ClassVar

import pytest

from . import _contract_scenarios as s
from . import _openai_scenarios as openai_scenarios
from ._anthropic_probe import AnthropicWire
from ._server import LocalServer
from ._wire_probe import OpenAIWire, WireProbe
from .anthropic_server import AnthropicServer
from .openai_server import OpenAICompatServer

__all__ = ["AnthropicContract", "DriverContract", "OpenAICompatibleContract", "SyncAsAsync"]

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


def _variants(
    scenario: Scenario, owner: str
) -> tuple[Callable[..., None], Callable[..., Coroutine]]:
    """The sync and the async test method running `scenario`."""

    def sync_test(self: DriverContract, server, monkeypatch) -> None:
        run_to_end(scenario(self._case(server, monkeypatch, self.driver_class, SyncAsAsync)))

    async def async_test(self: DriverContract, server, monkeypatch) -> None:
        if self.async_driver_class is None:
            pytest.skip(f"{type(self).__name__} names no async_driver_class")
        await scenario(self._case(server, monkeypatch, self.async_driver_class, None))

    for test, suffix in ((sync_test, ""), (async_test, "_async")):
        test.__name__ = f"test_{scenario.__name__}{suffix}"
        test.__qualname__ = f"{owner}.{test.__name__}"
        test.__doc__ = scenario.__doc__
    return sync_test, _asyncio_mark(async_test)


class DriverContract:
    """Mixin running the driver contract against a local server (sync and async drivers).

    Set `server_class` (a `LocalServer` with the common scripting API), `wire` (the
    `WireProbe` of its wire format), `driver_class` (and `async_driver_class`); optionally
    `priced_model`, a model the catalogue prices so that ``cost > 0`` is asserted. The server
    is built as ``server_class(api_key=api_key)`` and must keep the key in its `api_key`
    attribute (None: any request is accepted; the keyless check sets it to None) and the
    listed model ids in `models`. Generation requests are POSTs, listing a GET. Drivers are
    built as ``driver_class(api_key=..., model=..., endpoint=server.url, max_retries=1,
    retry_backoff=0.01, timeout=2.0)``; override `driver_kwargs` to change that.
    """

    server_class: ClassVar[type[LocalServer]]
    wire: ClassVar[WireProbe]
    driver_class: ClassVar[type]
    async_driver_class: ClassVar[type | None] = None
    priced_model: ClassVar[str | None] = None
    #: False for a driver without a live model list (`list_models` then returns None).
    lists_models: ClassVar[bool] = True
    #: Model the drivers are built with (the server accepts any).
    model: ClassVar[str] = "test-model"
    #: Key the server expects and the drivers send (None for servers that take no key).
    api_key: ClassVar[str | None] = "test-key"

    @pytest.fixture(scope="class")
    @classmethod
    def contract_server(cls) -> Iterator[LocalServer]:
        """One server for the whole test class."""
        with cls.server_class(api_key=cls.api_key) as server:
            yield server

    @pytest.fixture
    def server(self, contract_server: LocalServer) -> LocalServer:
        """The class's server with its records, scripts and failures reset for this test."""
        contract_server.reset()
        return contract_server

    def driver_kwargs(self, server: LocalServer) -> dict[str, Any]:
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
        server: LocalServer,
        monkeypatch: pytest.MonkeyPatch,
        driver_class: type,
        wrapper: Callable[[Any], Any] | None,
    ) -> s.Case:
        kwargs = self.driver_kwargs(server)

        def make(**overrides: Any) -> Any:
            driver = driver_class(**{**kwargs, **overrides})
            return wrapper(driver) if wrapper else driver

        return s.Case(
            server=server,
            wire=self.wire,
            driver_class=driver_class,
            make=make,
            endpoint=kwargs.get("endpoint") or server.url,
            api_key=self.api_key,
            model=self.model,
            priced_model=self.priced_model,
            monkeypatch=monkeypatch,
            lists_models=self.lists_models,
        )


def _add_scenarios(cls: type, scenarios: tuple[Scenario, ...]) -> None:
    """Give `cls` a sync and an async test method per scenario."""
    for scenario in scenarios:
        for test in _variants(scenario, cls.__name__):
            setattr(cls, test.__name__, test)


class OpenAICompatibleContract(DriverContract):
    """The contract on the OpenAI chat-completions wire, plus its pass-through checks.

    Subclasses only set `driver_class` (and `async_driver_class`, `priced_model`)::

        class TestGrokDriver(OpenAICompatibleContract):
            driver_class = GrokDriver
            async_driver_class = AsyncGrokDriver
    """

    server_class = OpenAICompatServer
    wire = OpenAIWire()


class AnthropicContract(DriverContract):
    """The contract on Anthropic's Messages API (`AnthropicServer`, `AnthropicWire`).

    Drivers get the server's base URL (no ``/v1``: the SDK appends ``/v1/messages``)::

        class TestClaudeDriver(AnthropicContract):
            driver_class = ClaudeDriver
            async_driver_class = AsyncClaudeDriver
    """

    server_class = AnthropicServer
    wire = AnthropicWire()


_add_scenarios(DriverContract, s.SCENARIOS)
_add_scenarios(OpenAICompatibleContract, openai_scenarios.SCENARIOS)
