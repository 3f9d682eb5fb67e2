"""The driver contract on a local model: `LocalModelContract` (needs pytest).

    from prompture.testing.local_model_contract import LocalModelContract

    class TestAirLLMDriver(LocalModelContract):
        driver_class = AirLLMDriver
        async_driver_class = AsyncAirLLMDriver

The "server" is a `StandInModelServer`: not HTTP, but a stand-in for the model object a local
driver loads (it reaches the driver through the ``model_loader`` constructor seam), with the
servers' scripting and recording API; `AirLLMWire` reads the calls the driver made into it.
Every scenario that means something for a model running in this process runs; the ones about
HTTP (status codes, retries, timeouts, ports, a live model list) cannot, and are listed in
`NOT_APPLICABLE` with the reason and not collected at all, so none of them passes vacuously.
"""

from __future__ import annotations

from typing import Any, ClassVar

from . import _contract_scenarios as s
from .contract import DriverContract
from .local_model import AirLLMWire, StandInModelServer

__all__ = ["NOT_APPLICABLE", "AirLLMWire", "LocalModelContract", "StandInModelServer"]

#: Scenarios that cannot apply to a model running in this process, and why. `LocalModelContract`
#: sets their sync and async test methods to None, so pytest does not collect them.
NOT_APPLICABLE: dict[str, str] = {
    "wrong_key": "no HTTP 401: a local model checks no key (an HF token only downloads weights)",
    "echoed_key_redacted": "no HTTP error body to echo a key; the driver's own tests check "
    "that a key in a model error is redacted",
    "rate_limit_then_success": "no HTTP 429: nothing rate-limits a model in this process",
    "server_error": "no HTTP 5xx and no retries: a failed generation is a DriverError at once",
    "timeout": 'options["timeout"] is not applied: a generation in this process cannot be cut '
    "short (documented by the driver)",
    "connection_refused": "no port to connect to",
    "stream_http_error": "no HTTP status on a stream",
    "list_models": "no live model list: any Hugging Face id or local path loads "
    "(list_models() is None, checked by the driver's own tests)",
}


class LocalModelContract(DriverContract):
    """The contract against `StandInModelServer`; subclasses set `driver_class` (and async).

    Drivers are built as ``driver_class(api_key=None, model=..., model_loader=server.load)``;
    a driver for a local model takes no key, so the missing-key check asserts that it works
    without one. What the driver's flags say it lacks (tools, streaming, images) is skipped by
    the scenarios themselves, as for every contract.
    """

    server_class = StandInModelServer
    wire = AirLLMWire()
    #: A local model takes no key.
    api_key: ClassVar[str | None] = None

    def driver_kwargs(self, server: StandInModelServer) -> dict[str, Any]:  # type: ignore[override]
        return {"api_key": self.api_key, "model": self.model, "model_loader": server.load}


def _exclude(cls: type, names: dict[str, str]) -> None:
    known = {scenario.__name__ for scenario in s.SCENARIOS}
    for name in names:
        if name not in known:
            raise LookupError(f"NOT_APPLICABLE names no scenario {name!r}")
        setattr(cls, f"test_{name}", None)
        setattr(cls, f"test_{name}_async", None)


_exclude(LocalModelContract, NOT_APPLICABLE)
