"""Random specs over every wire, template, auth and flag: add, read the spec back from the
checkout, compare; `--force` with the same answers (a plan replacing the read-back spec) then
changes nothing. The read-back is one function (`spec.readback.spec_from_checkout`)."""

from __future__ import annotations

import dataclasses

from _scratch import make_scratch
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from prompture_scaffold.checkout import discover
from prompture_scaffold.errors import InvalidInput
from prompture_scaffold.plan.planner import plan_add
from prompture_scaffold.plan.writer import apply
from prompture_scaffold.spec.build import Request, build_spec
from prompture_scaffold.spec.driver_spec import CAPABILITIES
from prompture_scaffold.spec.readback import spec_from_checkout
from prompture_scaffold.spec.wires import AUTH_CHOICES, SERVICE_WIRES, WIRES

SDKS = {"custom": ["requests", "httpx", "acme-sdk>=1.2"]}
words = st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8}){0,2}", fullmatch=True)


@st.composite
def answers(draw) -> dict:
    compat = draw(st.sampled_from(WIRES))
    given = {
        "compat": compat,
        "auth": draw(st.sampled_from(tuple(AUTH_CHOICES))),
        "default_model": draw(st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True)),
        "display_name": draw(words),
        "class_name": draw(st.from_regex(r"Acme[A-Z][a-z]{1,8}", fullmatch=True)),
        "template": draw(st.sampled_from(["auto", "full"])),
        "example": draw(st.booleans()),
        "tests": draw(st.booleans()),
        **{name: draw(st.booleans()) for name in CAPABILITIES if name not in ("json_mode",)},
    }
    if draw(st.booleans()) or compat in ("openai", "anthropic", "cohere", "responses"):
        urls = ["https://api.acme.test/v1", "http://127.0.0.1:8000/v1", "https://acme.test"]
        given["endpoint"] = draw(st.sampled_from(urls))
    if compat in SDKS:
        given["sdk"] = draw(st.sampled_from(SDKS[compat]))
    return given


@settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints as drawn
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answers())
def test_a_spec_reads_back_exactly_and_force_with_it_changes_nothing(tmp_path_factory, given):
    try:
        spec = build_spec(Request("acme", given, no_models_dev=True), existing=set())
    except InvalidInput:
        assume(False)  # a combination the checks refuse is no spec
    root = make_scratch(tmp_path_factory.mktemp("scratch") / "repo")
    try:
        plan = plan_add(spec, discover(root))
    except InvalidInput:
        assume(False)  # e.g. --template full on a wire with no self-contained template
    apply(plan, root)
    layout = discover(root)
    back = spec_from_checkout(layout, "acme")
    differ = {
        f.name: (getattr(spec, f.name), getattr(back, f.name))
        for f in dataclasses.fields(spec)
        if getattr(spec, f.name) != getattr(back, f.name)
    }
    assert differ == _as_written(spec, back)
    assert plan_add(spec, layout, replacing=back).empty
    if "compat" not in differ:  # else the skeleton's notes name the wire it was asked for
        assert plan_add(back, layout, replacing=back).empty


def _as_written(spec, back) -> dict:
    """The answers that write the same files read back as one of them: the auth is not
    written as such (a driver says whether it needs a key, and holds an endpoint or not), and
    an import style means nothing without a third-party SDK to import, requests or httpx
    leave no trace (the drivers speak requests sync and httpx async whichever), and a provider
    family's wire asked for as a self-contained driver is written as the custom skeleton."""
    expected = {}
    if spec.compat in SERVICE_WIRES and spec.template == "full":
        expected["compat"] = (spec.compat, "custom")
    if spec.requires_api_key:
        written = "api-key+endpoint" if spec.endpoint else "api-key"
    else:
        written = "endpoint"
    if written != spec.auth:
        expected["auth"] = (spec.auth, written)
    if spec.sdk == "httpx":
        expected["sdk"] = ("httpx", "requests")
    if spec.sdk_requirement is None and back.lazy != spec.lazy:
        expected["lazy"] = (spec.lazy, back.lazy)
    return expected
