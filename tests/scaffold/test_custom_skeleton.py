"""The `custom` wire-format skeleton: the base plus the two methods to write.

Both flavours are rendered: the short subclass of the runtime's `CustomWireDriver` (our
checkouts) and the self-contained one (checkouts without that base, such as upstream's). Each
is filled in here as a maintainer would, by writing the bodies of `_build_request` and
`_parse_response` in the generated text (for the OpenAI wire, which has a local server), and
the filled-in drivers then pass the whole contract suite, sync and async. Unfilled, a call
says which method is missing, and `--verify` fails naming both.
"""

from __future__ import annotations

import ast
import sys
import types

import pytest
from _scratch import make_scratch, run
from test_render import REPO, make_layout, make_spec

from prompture.exceptions import ConfigurationError, DriverHTTPError
from prompture.testing import OpenAICompatibleContract, OpenAICompatServer
from prompture_scaffold.commands import verify
from prompture_scaffold.render import files as render

CUSTOM_BASES = ("CustomWireDriver", "AsyncCustomWireDriver")
#: The flavours: what the layout leaves out, and the template kind that gives.
FLAVOURS = {"subclass": (), "self-contained": CUSTOM_BASES}

BUILD = """
        from prompture.cost_mixin import prepare_strict_schema

        body = {"model": options.get("model") or self.model}
        body["messages"] = messages
        for name in ("max_tokens", "temperature", "tool_choice"):
            if options.get(name) is not None:
                body[name] = options[name]
        schema = options.get("json_schema")
        if schema is not None:
            strict = prepare_strict_schema(schema)
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "x", "strict": True, "schema": strict},
            }
        elif options.get("json_mode"):
            body["response_format"] = {"type": "json_object"}
        if options.get("tools"):
            body["tools"] = options["tools"]
        return {"path": "/chat/completions", "json": body}"""
PARSE = """
        from json import loads

        choice = data["choices"][0]
        message = choice["message"]
        usage = data.get("usage") or {}
        calls = [
            {
                "id": call["id"],
                "name": call["function"]["name"],
                "arguments": loads(call["function"]["arguments"] or "{}"),
            }
            for call in message.get("tool_calls") or []
        ]
        reasons = {
            "stop": "end_turn",
            "length": "max_tokens",
            "tool_calls": "tool_use",
            "content_filter": "content_filter",
        }
        return {
            "text": message.get("content") or "",
            "reasoning": message.get("reasoning_content") or "",
            "prompt_tokens": usage.get("prompt_tokens", 0),
            "completion_tokens": usage.get("completion_tokens", 0),
            "tool_calls": calls,
            "stop_reason": reasons.get(choice.get("finish_reason"), "error"),
        }"""
STUBS = {
    '        raise NotImplementedError("fill in: _build_request (request body)")': BUILD,
    '        raise NotImplementedError("fill in: _parse_response (text, usage)")': PARSE,
}


def _spec(provider: str):
    return make_spec(provider=provider, class_name=provider.capitalize(), compat="custom")


def _files(provider: str, omit: tuple[str, ...]) -> dict[str, str]:
    return render.render_new_files(_spec(provider), make_layout(REPO, folders=False, omit=omit))


def _fill_in(text: str) -> str:
    """The generated sync module with both method bodies written."""
    for stub, body in STUBS.items():
        assert text.count(stub) == 1, stub
        text = text.replace(stub, body.strip("\n"))
    return text


def _load(provider: str, omit: tuple[str, ...], *, filled: bool) -> tuple[type, type]:
    """Render (and fill in), execute both modules inside ``prompture.drivers``."""
    spec, files = _spec(provider), _files(provider, omit)
    classes = []
    for name, cls in ((f"{provider}_driver", spec.sync_class), (f"async_{provider}_driver", None)):
        source = files[f"prompture/drivers/{name}.py"]
        if filled and cls is not None:
            source = _fill_in(source)
        module = types.ModuleType(f"prompture.drivers.{name}")
        module.__package__ = "prompture.drivers"
        sys.modules[module.__name__] = module
        exec(compile(source, module.__name__, "exec"), vars(module))
        classes.append(getattr(module, cls or spec.async_class))
    return classes[0], classes[1]


@pytest.mark.parametrize("omit", FLAVOURS.values(), ids=FLAVOURS)
def test_the_flavours(omit):
    spec, layout = _spec("acme"), make_layout(REPO, folders=False, omit=omit)
    kind = render.template_kind(spec, layout)
    assert kind == ("full_custom" if omit else "subclass")
    sync = _files("acme", omit)["prompture/drivers/acme_driver.py"]
    methods = [n.name for n in ast.walk(ast.parse(sync)) if isinstance(n, ast.FunctionDef)]
    if not omit:  # the base plus the two methods, nothing re-implemented
        assert "class AcmeDriver(CustomWireDriver):" in sync
        assert methods == ["_build_request", "_parse_response"]
        assert len(sync.splitlines()) < 90
        asyn = _files("acme", omit)["prompture/drivers/async_acme_driver.py"]
        assert "class AsyncAcmeDriver(AsyncCustomWireDriver):" in asyn
        assert "sync_driver = AcmeDriver" in asyn


@pytest.mark.parametrize("omit", FLAVOURS.values(), ids=FLAVOURS)
async def test_unfilled_says_which_method_is_missing(omit):
    sync_class, async_class = _load(f"unfilled{len(omit)}", omit, filled=False)
    with OpenAICompatServer() as server:
        with pytest.raises(NotImplementedError, match="_build_request"):
            sync_class(api_key="test-key", endpoint=server.url).generate("Hi")
        with pytest.raises(NotImplementedError, match="_build_request"):
            await async_class(api_key="test-key", endpoint=server.url).generate("Hi")
        assert server.requests == []
    with pytest.raises(NotImplementedError, match="_parse_response"):
        sync_class(api_key="test-key")._parse_response({})


_SUBCLASS = _load("filledsub", (), filled=True)
_SELF_CONTAINED = _load("filledfull", CUSTOM_BASES, filled=True)


class TestFilledInSubclass(OpenAICompatibleContract):
    """The short subclass, its two methods written: the whole contract, sync and async."""

    driver_class, async_driver_class = _SUBCLASS
    lists_models = False  # the skeleton has no live model list


class TestFilledInSelfContained(OpenAICompatibleContract):
    """The self-contained skeleton, its two methods written: the whole contract."""

    driver_class, async_driver_class = _SELF_CONTAINED
    lists_models = False


async def test_the_one_chunk_stream():
    for sync_class, async_class in (_SUBCLASS, _SELF_CONTAINED):
        assert sync_class.supports_streaming is False
        with OpenAICompatServer() as server:
            server.script("Streamed once.")
            driver = async_class(api_key="test-key", endpoint=server.url)
            messages = [{"role": "user", "content": "x"}]
            chunks = [c async for c in driver.generate_messages_stream(messages)]
        assert [c["type"] for c in chunks] == ["delta", "done"]
        assert chunks[-1]["text"] == "Streamed once."


def test_a_malformed_answer_is_an_error_naming_no_key():
    sync_class, _ = _SUBCLASS
    with OpenAICompatServer() as server:
        server.fail_next(200, body={"choices": []})
        with pytest.raises(DriverHTTPError, match="malformed") as info:
            sync_class(api_key="test-key", endpoint=server.url, max_retries=0).generate("Hi")
    assert "test-key" not in str(info.value)


def test_a_request_of_the_wrong_shape_is_named():
    sync_class, _ = _SUBCLASS
    filled = type("Odd", (sync_class,), {"_build_request": lambda self, m, o: {"json": {}}})
    with pytest.raises(TypeError, match=r"_build_request must return"):
        filled(api_key="test-key", endpoint="http://127.0.0.1:9").generate("Hi")


def test_without_checkout_errors_failures_are_runtime_errors_without_the_key():
    omit = (*CUSTOM_BASES, "DriverHTTPError", "ConfigurationError")
    sync_class, _ = _load("filledbare", omit, filled=True)
    with OpenAICompatServer(api_key="right-key") as server:
        driver = sync_class(api_key="wrong-key-1234", endpoint=server.url)
        server.fail_next(401, body={"error": {"message": "bad key wrong-key-1234"}})
        with pytest.raises(RuntimeError) as info:
            driver.generate("Hi")
    assert info.value.retryable is False
    assert "wrong-key-1234" not in str(info.value)
    with pytest.raises(RuntimeError, match="FILLEDBARE_API_KEY|ACME_API_KEY"):
        sync_class(api_key=None)._headers()


def test_sdk_hint_names_the_extra(monkeypatch):
    spec = make_spec(provider="sdkhint", class_name="Sdkhint", compat="custom", sdk="acme-sdk>=1")
    text = render.render_new_files(spec, make_layout(REPO, folders=False))
    source = text["prompture/drivers/sdkhint_driver.py"]
    assert 'sdk_module = "acme_sdk"' in source and 'pip_extra = "sdkhint"' in source
    sync_class, _ = _load_spec_module(spec, source)
    monkeypatch.setitem(sys.modules, "acme_sdk", None)
    with pytest.raises(ConfigurationError, match=r"pip install prompture\[sdkhint\]"):
        sync_class(api_key="k")._sdk()


def _load_spec_module(spec, source: str) -> tuple[type, None]:
    module = types.ModuleType(f"prompture.drivers.{spec.provider}_driver")
    module.__package__ = "prompture.drivers"
    exec(compile(source, module.__name__, "exec"), vars(module))
    return getattr(module, spec.sync_class), None


# --- --verify ---------------------------------------------------------------------------------

CUSTOM_ARGS = [
    "add-driver", "acme", "--yes", "--compat", "custom", "--sdk", "requests",
    "--endpoint", "https://api.acme.test/v1", "--default-model", "acme-1",
    "--api-key-env", "ACME_API_KEY", "--no-models-dev",
]  # fmt: skip


def test_verify_fails_on_an_unfilled_skeleton_naming_the_methods(tmp_path):
    root = make_scratch(tmp_path / "repo")
    result = run(root, *CUSTOM_ARGS, "--verify", "--python", sys.executable)
    assert result.exit_code == 1, result.output
    assert "still to write: AcmeDriver._build_request, AcmeDriver._parse_response" in (
        result.output
    )


def test_verify_passes_the_wire_check_once_both_are_written(tmp_path):
    root = make_scratch(tmp_path / "repo")
    assert run(root, *CUSTOM_ARGS).exit_code == 0
    path = root / "prompture/drivers/acme_driver.py"
    path.write_text(_fill_in(path.read_text(encoding="utf-8")), encoding="utf-8")
    spec = _spec("acme")
    check = verify.wire_methods_check(spec, path)
    assert check.ok, check.output
    half = _fill_in(
        render.render_new_files(spec, make_layout(REPO))["prompture/drivers/acme_driver.py"]
    ).replace(BUILD.strip("\n"), '        raise NotImplementedError("later")')
    path.write_text(half, encoding="utf-8")
    check = verify.wire_methods_check(spec, path)
    assert not check.ok and check.output == "still to write: AcmeDriver._build_request"
